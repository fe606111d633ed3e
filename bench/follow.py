"""Follow latency: from a line written to a session file to the message being in the store.

A Follower watches a temporary ~/.claude/projects-like folder; the benchmark appends one
Claude Code entry at a time, like an agent does, and times how long until the import of
that line has committed (the follower's callback runs after the commit). Printed for
the native watcher and for the polling fallback, median and p99, beside the cost of
just importing one appended line (the floor any follower pays).

    python bench/follow.py [--lines N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import Store  # noqa: E402
from store.follow import FollowChange, Follower  # noqa: E402
from store.importers import import_paths  # noqa: E402


def entry(index: int) -> bytes:
    role = "user" if index % 2 == 0 else "assistant"
    record = {
        "type": role,
        "uuid": f"u{index}",
        "parentUuid": f"u{index - 1}" if index else None,
        "sessionId": "bench-session",
        "cwd": "/tmp/bench",
        "timestamp": f"2026-01-01T00:{index // 60 % 60:02d}:{index % 60:02d}.000Z",
        "message": {"role": role, "content": [{"type": "text", "text": f"line {index} of a live session"}]},
    }
    return (json.dumps(record) + "\n").encode()


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(lines: int, *, polling: bool) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "projects" / "-tmp-bench"
        root.mkdir(parents=True)
        session = root / "bench-session.jsonl"
        session.write_bytes(entry(0))
        async with Store.open(Path(folder) / "grove.db") as store:
            changes: asyncio.Queue[FollowChange] = asyncio.Queue()
            follower = Follower(store, [root.parent], force_polling=polling, poll_delay_ms=100)
            stop = asyncio.Event()
            task = asyncio.create_task(follower.run(changes.put_nowait, stop))
            await asyncio.wait_for(follower.ready.wait(), 30)
            samples = []
            for index in range(1, lines + 1):
                began = time.perf_counter()
                with session.open("ab") as out:
                    out.write(entry(index))
                while not (await asyncio.wait_for(changes.get(), 30)).changed:
                    pass
                samples.append(time.perf_counter() - began)
            stop.set()
            await asyncio.wait_for(task, 30)
    return samples


async def import_floor(lines: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        session = Path(folder) / "bench-session.jsonl"
        session.write_bytes(entry(0))
        async with Store.open(Path(folder) / "grove.db") as store:
            await import_paths(store, [session])
            samples = []
            for index in range(1, lines + 1):
                with session.open("ab") as out:
                    out.write(entry(index))
                began = time.perf_counter()
                await import_paths(store, [session])
                samples.append(time.perf_counter() - began)
    return samples


def report(label: str, samples: list[float]) -> None:
    median = statistics.median(samples) * 1000
    p99 = percentile(samples, 0.99) * 1000
    verdict = "ok" if p99 <= 1000 else "MISS"
    print(f"{label:<34} median {median:7.1f} ms   p99 {p99:7.1f} ms   (target: visible within 1 s) {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100)
    args = parser.parse_args()
    report("import of one appended line", asyncio.run(import_floor(args.lines)))
    report("follow, native watcher", asyncio.run(measure(args.lines, polling=False)))
    report("follow, polling every 100 ms", asyncio.run(measure(args.lines, polling=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
