"""Search latency on the 1M-message database, beside ripgrep over the same text as JSONL.

The messages of the benchmark database (bench/dataset.py) are written once as Claude
Code-shaped JSONL (one line per message) under bench/data/, and ripgrep counts the
matching lines there — what a person without Grove would run. Grove's figure is
`Store.search` (FTS5, newest first, 50 hits with snippets). Targets, design.md §5: rare
word ≤ 20 ms, common word ≤ 50 ms, and ≥ 10× faster than ripgrep.

    python bench/search.py [--db PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import dataset  # noqa: E402
from store import Store  # noqa: E402


def write_jsonl(db: Path, target: Path) -> None:
    """Every message as one JSONL line shaped like a Claude Code entry."""
    conn = sqlite3.connect(db)
    with target.open("w", encoding="utf-8") as out:
        rows = conn.execute("SELECT id, parent_id, thread_id, role, content, created_at FROM messages ORDER BY id")
        for mid, parent, thread, role, content, created in rows:
            entry = {
                "type": role,
                "uuid": f"m{mid}",
                "parentUuid": f"m{parent}" if parent else None,
                "sessionId": f"s{thread}",
                "timestamp": created,
                "message": {"role": role, "content": [{"type": "text", "text": content}]},
            }
            out.write(json.dumps(entry) + "\n")
    conn.close()


def time_ripgrep(word: str, corpus: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(["rg", "-c", "-i", "-w", word, str(corpus)], capture_output=True, check=False)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


async def time_grove(store: Store, text: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        await store.search(text)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


async def run(db: Path, runs: int) -> None:
    facts = dataset.facts(db)
    corpus = db.with_suffix(".jsonl")
    if not corpus.exists() or corpus.stat().st_mtime < db.stat().st_mtime:
        began = time.perf_counter()
        write_jsonl(db, corpus)
        print(f"wrote {corpus} ({corpus.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - began:.1f} s")
    rg = shutil.which("rg")
    queries = (
        ("rare word", facts["rare_word"], 20.0),
        ("common word", facts["common_word"], 50.0),
        ("two words", f"{facts['common_word']} the", 50.0),
    )
    print(f"{facts['messages']:,} messages; median of {runs} runs")
    print(f"{'query':<28} {'grove':>10} {'ripgrep':>10} {'speed-up':>9}  target")
    async with Store.open(db) as store:
        for label, text, target in queries:
            grove = await time_grove(store, text, runs)
            if rg:
                # ripgrep has no "all words in a line" query short of a pipeline; its one-word
                # scan is the floor of what any such pipeline would cost.
                base = time_ripgrep(text.split()[0], corpus, max(3, runs // 5))
                speedup = base / grove
                verdict = "ok" if grove <= target and speedup >= 10 else "MISS"
                print(f"{label + ' ' + repr(text):<28} {grove:8.2f} ms {base:8.1f} ms {speedup:8.0f}×  ≤ {target:g} ms, ≥ 10×  {verdict}")
            else:
                verdict = "ok" if grove <= target else "MISS"
                print(f"{label + ' ' + repr(text):<28} {grove:8.2f} ms {'(no rg)':>11}           ≤ {target:g} ms  {verdict}")
    if not rg:
        print("ripgrep is not installed (apt-get install ripgrep) — no baseline this run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=dataset.DEFAULT_PATH)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    dataset.ensure(args.db)
    asyncio.run(run(args.db, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
