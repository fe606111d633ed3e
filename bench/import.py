"""Import benchmark: a large, realistic Claude Code corpus, imported and searched.

    python bench/import.py               # ≥ 200 MB corpus (design.md §5 targets)
    python bench/import.py --mb 20       # a small run

1. Generates (once; reused if present) a deterministic corpus under bench/data/claude-corpus:
   thousands of sessions shaped like ~/.claude/projects — multi-entry assistant replies with
   thinking, text and tool_use, tool results, progress and attachment entries, file-history
   snapshots, hook summaries, real rewinds (branches), subagent transcripts.
2. Imports it into a fresh database with `store.importers.import_paths` and prints MB/s and
   messages/s beside a baseline pass that only runs `json.loads` over the same lines
   (target: import ≥ 0.5× the baseline's speed).
3. Times `Store.search` for a rare and a common word beside ripgrep over the same JSONL
   (target: ≥ 10× faster than ripgrep); says so and skips that part if `rg` is missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid as uuidlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import Store, bulk  # noqa: E402
from store.importers import import_paths  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
RARE = "zanzibarite"
COMMON = "function"
WORDS = (
    "the a to of and in is it that for on with as this be are not or by from at you can we an if will "
    "file test code error value return import class def self data list dict string path line name type "
    "build run check update change fix add remove config module package store thread message branch "
    "python sqlite query index table column row result output input async await task worker screen "
    "widget render tree leaf node parent child event checkpoint search token cache memory disk speed "
    "function function function"
).split()
TOOLS = ("Bash", "Read", "Edit", "Grep", "Glob", "Write", "TodoWrite")


class Gen:
    """Deterministic generator of one corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rare_budget = 25

    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def words(self, n: int, rare: float = 0.0) -> str:
        text = " ".join(self.rng.choice(WORDS) for _ in range(n))
        if self.rare_budget and self.rng.random() < rare:
            self.rare_budget -= 1
            text += f" {RARE}"
        return text

    def code(self, lines: int) -> str:
        out = []
        for i in range(lines):
            out.append(f"{i + 1:>5}→    {self.words(self.rng.randint(3, 12))}")
        return "\n".join(out)


def _base(sid: str, cwd: str, ts: datetime, uuid: str | None, parent: str | None, kind: str, **extra: object) -> dict:
    entry: dict = {
        "parentUuid": parent,
        "isSidechain": False,
        "userType": "external",
        "cwd": cwd,
        "sessionId": sid,
        "version": "2.1.42",
        "gitBranch": "main",
        "type": kind,
    }
    if uuid is not None:
        entry["uuid"] = uuid
    entry["timestamp"] = ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"
    entry.update(extra)
    return entry


def make_session(g: Gen, index: int, cwd: str) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """(session id, lines, [(agent id, agent lines)])."""
    rng = g.rng
    sid = g.uuid()
    ts = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=37 * index)
    lines: list[str] = []
    agents: list[tuple[str, list[str]]] = []
    parent: str | None = None
    prompts: list[str | None] = []  # the parent of each user prompt, for rewinds

    def tick(seconds: float = 2.0) -> datetime:
        nonlocal ts
        ts += timedelta(seconds=rng.uniform(0.2, seconds))
        return ts

    def emit(entry: dict) -> None:
        lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))

    for turn in range(rng.randint(2, 12)):
        if prompts and rng.random() < 0.06:
            parent = rng.choice(prompts)  # a real rewind: a new prompt under an earlier message
        prompts.append(parent)
        u = g.uuid()
        emit(_base(sid, cwd, tick(600), u, parent, "user", message={"role": "user", "content": g.words(rng.randint(8, 60), rare=0.004)}, promptId=g.uuid()))
        emit({"type": "file-history-snapshot", "messageId": u, "snapshot": {"messageId": u, "trackedFileBackups": {}, "timestamp": ts.isoformat()}, "isSnapshotUpdate": False})
        att = g.uuid()
        emit(_base(sid, cwd, tick(0.1), att, u, "attachment", attachment={"type": "hook_success", "hookName": "UserPromptSubmit", "content": ""}))
        parent = u
        for _ in range(rng.randint(0, 4)):
            msgid = "msg_" + g.uuid().replace("-", "")[:24]
            usage = {"input_tokens": rng.randint(3, 4000), "cache_read_input_tokens": rng.randint(0, 90000), "output_tokens": rng.randint(10, 900)}
            blocks: list[dict] = []
            if rng.random() < 0.5:
                blocks.append({"type": "thinking", "thinking": g.words(rng.randint(10, 80)), "signature": "x" * 120})
            if rng.random() < 0.6:
                blocks.append({"type": "text", "text": g.words(rng.randint(5, 60))})
            calls = []
            for _c in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
                tool = rng.choice(TOOLS)
                call_id = "toolu_" + g.uuid().replace("-", "")[:22]
                calls.append((tool, call_id))
                blocks.append({"type": "tool_use", "id": call_id, "name": tool, "input": {"command": g.words(6), "description": g.words(5)}})
            last_entry = parent
            for block in blocks:
                e = g.uuid()
                emit(_base(sid, cwd, tick(), e, last_entry, "assistant", requestId="req_" + msgid[4:], message={
                    "model": "claude-opus-4-6", "id": msgid, "type": "message", "role": "assistant",
                    "content": [block], "stop_reason": None, "usage": usage}))
                last_entry = e
            for tool, call_id in calls:
                p = g.uuid()
                emit(_base(sid, cwd, tick(0.5), p, last_entry, "progress", data={"type": "hook_progress", "hookEvent": "PostToolUse", "hookName": f"PostToolUse:{tool}"}, toolUseID=call_id, parentToolUseID=call_id))
                r = g.uuid()
                size = rng.choice((2, 5, 10, 30, 120))
                spawned = None
                result_extra: dict = {"toolUseResult": {"stdout": "", "stderr": "", "interrupted": False}}
                if tool == "Bash" and rng.random() < 0.03:
                    spawned = "a" + g.uuid().replace("-", "")[:16]
                    result_extra = {"toolUseResult": {"status": "completed", "agentId": spawned}}
                emit(_base(sid, cwd, tick(8), r, last_entry, "user", message={"role": "user", "content": [
                    {"tool_use_id": call_id, "type": "tool_result", "content": g.code(size), "is_error": False}]}, **result_extra))
                last_entry = r
                if spawned:
                    agent_lines = []
                    ap = None
                    for k in range(rng.randint(3, 12)):
                        au = g.uuid()
                        role = "user" if k % 2 == 0 else "assistant"
                        msg = {"role": role, "content": g.words(rng.randint(10, 50))} if role == "user" else {
                            "model": "claude-haiku-4-5", "id": "msg_" + g.uuid()[:20], "role": "assistant",
                            "content": [{"type": "text", "text": g.words(rng.randint(10, 80))}], "usage": {"input_tokens": 5, "output_tokens": 50}}
                        e = _base(sid, cwd, tick(), au, ap, role, message=msg, isSidechain=True, agentId=spawned)
                        agent_lines.append(json.dumps(e, separators=(",", ":")))
                        ap = au
                    agents.append((spawned, agent_lines))
            parent = last_entry
        final = g.uuid()
        emit(_base(sid, cwd, tick(), final, parent, "assistant", message={
            "model": "claude-opus-4-6", "id": "msg_" + g.uuid()[:24], "type": "message", "role": "assistant",
            "content": [{"type": "text", "text": g.words(rng.randint(20, 200))}], "usage": {"input_tokens": 40, "output_tokens": 300}}))
        hook = g.uuid()
        emit(_base(sid, cwd, tick(0.3), hook, final, "system", subtype="stop_hook_summary", hookCount=1, hookInfos=[], hookErrors=[], preventedContinuation=False, level="suggestion"))
        parent = hook
    if rng.random() < 0.3:
        emit({"type": "ai-title", "aiTitle": g.words(6), "sessionId": sid})
    return sid, lines, agents


def generate(root: Path, megabytes: float, seed: int = 7) -> None:
    """Write sessions until the corpus reaches `megabytes`."""
    if root.exists():
        shutil.rmtree(root)
    g = Gen(seed)
    target = int(megabytes * 1_000_000)
    written = 0
    index = 0
    while written < target:
        project = root / f"-home-dev-project{index % 40:02d}"
        project.mkdir(parents=True, exist_ok=True)
        sid, lines, agents = make_session(g, index, f"/home/dev/project{index % 40:02d}")
        data = "\n".join(lines) + "\n"
        (project / f"{sid}.jsonl").write_text(data, encoding="utf-8")
        written += len(data.encode())
        for agent_id, agent_lines in agents:
            folder = project / sid / "subagents"
            folder.mkdir(parents=True, exist_ok=True)
            text = "\n".join(agent_lines) + "\n"
            (folder / f"agent-{agent_id}.jsonl").write_text(text, encoding="utf-8")
            written += len(text.encode())
        index += 1
    (root / ".complete").write_text(f"{megabytes}\n")


def corpus_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.jsonl"))


def json_baseline(files: list[Path]) -> tuple[float, int, int]:
    """Seconds to read and json.loads every line; (seconds, bytes, lines)."""
    loads = json.loads
    start = time.perf_counter()
    total = 0
    count = 0
    for path in files:
        with open(path, "rb") as f:
            for raw in f:
                loads(raw)
                total += len(raw)
                count += 1
    return time.perf_counter() - start, total, count


async def run_import(db: Path, root: Path) -> tuple[float, float, int, int, int]:
    """(seconds, of which indexing for search, messages, threads, errors) of one import."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    # The new messages are indexed for search (FTS5 with prefix indexes) in one statement at
    # the end of the run (`bulk.index_pending`): timed on its own, on the writer's thread.
    real_index = bulk.index_pending
    indexing = [0.0]

    def timed_index(conn: Any) -> Any:
        began = time.perf_counter()
        try:
            return real_index(conn)
        finally:
            indexing[0] += time.perf_counter() - began

    bulk.index_pending = timed_index  # type: ignore[assignment]
    try:
        async with Store.open(db) as store:
            start = time.perf_counter()
            report = await import_paths(store, [root])
            seconds = time.perf_counter() - start
    finally:
        bulk.index_pending = real_index  # type: ignore[assignment]
    return seconds, indexing[0], report.messages, len(report.threads), len(report.errors)


async def time_search(db: Path, word: str, runs: int = 7) -> tuple[float, int]:
    async with Store.open(db) as store:
        hits = await store.search(word, limit=50)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            await store.search(word, limit=50)
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(hits)


def time_ripgrep(root: Path, word: str, runs: int = 3) -> float | None:
    rg = shutil.which("rg")
    if rg is None:
        return None
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([rg, "-c", "-F", word, str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=200.0, help="corpus size in MB (default 200)")
    parser.add_argument("--regenerate", action="store_true", help="write the corpus again even if present")
    args = parser.parse_args(argv)
    root = DATA / f"claude-corpus-{args.mb:g}mb"
    if args.regenerate or not (root / ".complete").exists():
        start = time.perf_counter()
        print(f"generating a {args.mb:g} MB corpus in {root} …", flush=True)
        generate(root, args.mb)
        print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    files = corpus_files(root)
    sessions = sum(1 for f in files if not f.name.startswith("agent-"))
    print(f"corpus: {len(files)} files ({sessions} sessions, {len(files) - sessions} subagents)")

    base_s, size, lines = json_baseline(files)  # also warms the page cache for both passes
    base_s, size, lines = json_baseline(files)
    mb = size / 1e6
    print(f"json.loads only : {mb:8.1f} MB, {lines} lines in {base_s:6.2f} s = {mb / base_s:7.1f} MB/s, {lines / base_s:9.0f} lines/s")

    db = DATA / "import-bench.db"
    seconds, index_s, messages, threads, errors = asyncio.run(run_import(db, root))
    ratio = (mb / seconds) / (mb / base_s)
    print(
        f"grove import    : {mb:8.1f} MB, {messages} messages, {threads} threads in {seconds:6.2f} s = "
        f"{mb / seconds:7.1f} MB/s, {messages / seconds:9.0f} messages/s ({errors} errors)"
    )
    print(f"  of which search indexing (FTS5 + prefix indexes, one statement at the end): {index_s:.2f} s"
          f" ({100 * index_s / seconds:.0f}%); without it {mb / (seconds - index_s):.1f} MB/s"
          f" = {(seconds - index_s and base_s / (seconds - index_s)):.2f}× json.loads")
    print(f"import speed = {ratio:.2f}× json.loads (target ≥ 0.5×): {'PASS' if ratio >= 0.5 else 'MISS'}")

    for label, word in (("rare", RARE), ("common", COMMON)):
        search_s, hits = asyncio.run(time_search(db, word))
        rg_s = time_ripgrep(root, word)
        line = f"search {label:6} {word!r:14}: grove {search_s * 1000:7.2f} ms ({hits} hits)"
        if rg_s is None:
            line += "; ripgrep not installed, comparison skipped"
        else:
            factor = rg_s / search_s
            line += f", ripgrep {rg_s * 1000:8.1f} ms → {factor:6.0f}× faster (target ≥ 10×): {'PASS' if factor >= 10 else 'MISS'}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
