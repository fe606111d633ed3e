"""One line appended to a long session, imported: a 1 MB session beside a 100 MB one.

A follower (`grove import --follow`, the app's watcher) imports each line an agent adds.
That step should cost the same whatever the session's length: this benchmark writes a
Claude Code session of each size (a plain chain of user/assistant entries, the lines of
bench/follow.py), imports it whole, then appends one line at a time and times
`import_paths` on the file (read the tail, parse, write, commit). It prints the medians
side by side, their ratio, and the per-file state kept in `import_files.state`, which
the target wants bounded, not proportional to the session.

    python bench/append.py [--small-mb 1] [--big-mb 100] [--appends 5]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.follow import entry  # noqa: E402
from store import Store  # noqa: E402
from store.importers import import_paths  # noqa: E402

MS = 1000.0


def write_session(path: Path, megabytes: float) -> int:
    """A session of about `megabytes`; the number of lines written."""
    target = int(megabytes * 1_000_000)
    written = 0
    index = 0
    with open(path, "wb") as out:
        while written < target:
            line = entry(index)
            out.write(line)
            written += len(line)
            index += 1
    return index


def state_bytes(db: Path, session: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT length(state) FROM import_files WHERE path = ?", (str(session),)).fetchone()
    finally:
        conn.close()
    return int(row[0] or 0) if row else 0


async def measure(folder: Path, megabytes: float, appends: int) -> dict[str, float]:
    session = folder / f"{megabytes:g}mb" / "-home-dev-bench" / "session.jsonl"
    session.parent.mkdir(parents=True)
    lines = write_session(session, megabytes)
    db = folder / f"{megabytes:g}mb.db"
    async with Store.open(db) as store:
        began = time.perf_counter()
        await import_paths(store, [session])
        whole = time.perf_counter() - began
        samples = []
        for i in range(appends):
            with open(session, "ab") as out:
                out.write(entry(lines + i))
            began = time.perf_counter()
            report = await import_paths(store, [session])
            samples.append(time.perf_counter() - began)
            if report.messages != 1:
                raise RuntimeError(f"expected one new message, the import reported {report.messages}")
    return {
        "lines": lines,
        "whole_s": whole,
        "append_ms": statistics.median(samples) * MS,
        "state_mb": state_bytes(db, session) / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-mb", type=float, default=1.0)
    parser.add_argument("--big-mb", type=float, default=100.0)
    parser.add_argument("--appends", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grove-append-") as tmp:
        small = asyncio.run(measure(Path(tmp), args.small_mb, args.appends))
        big = asyncio.run(measure(Path(tmp), args.big_mb, args.appends))
    for label, r in ((f"{args.small_mb:g} MB", small), (f"{args.big_mb:g} MB", big)):
        print(
            f"{label:>7} session: {r['lines']:,} lines, whole import {r['whole_s']:.1f} s;"
            f" one appended line {r['append_ms']:.1f} ms (median of {args.appends}); state {r['state_mb']:.2f} MB"
        )
    ratio = big["append_ms"] / small["append_ms"]
    same = ratio <= 2
    fast = big["append_ms"] <= 50
    bounded = big["state_mb"] <= max(0.1, 2 * small["state_mb"])
    print(f"{'appended line, big vs small':<36} {ratio:6.2f}×  target ≤ 2×        {'ok' if same else 'MISS'}")
    print(f"{'appended line import step (big)':<36} {big['append_ms']:6.1f} ms target ≤ 50 ms    {'ok' if fast else 'MISS'}")
    print(f"{'per-file state (big vs small)':<36} {big['state_mb']:.2f} MB vs {small['state_mb']:.2f} MB, bounded: {'ok' if bounded else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
