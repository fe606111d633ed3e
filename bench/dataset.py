"""The benchmark database of design.md §5, built fast and deterministically.

10,000 threads and 1,000,000 messages; one "big" thread has a 10,000-message active path
and 1,000 leaves (the path's own leaf plus 999 side branches). The schema comes from
`Store.open`, so it is the real one; rows go in through plain sqlite3 `executemany` in one
transaction with the FTS trigger paused, then the full-text index is built in one pass —
the same route a bulk import takes. Counts, depths, child counts and heads are computed
here exactly as the store keeps them, and `check()` verifies them.

Run `python bench/dataset.py [PATH] [--scale N]` to build it on its own (`--scale 10`:
the 10× database of issue 12, 100,000 threads and 10,000,000 messages).
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store import Store  # noqa: E402
from store.rows import encode_time  # noqa: E402

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "bench.db"
THREADS = 10_000
MESSAGES = 1_000_000
BIG_PATH = 10_000
BIG_LEAVES = 1_000
SIDE_BRANCH_LENGTH = 3
RARE_WORD = "quixotically"
RARE_COUNT = 12
COMMON_WORD = "function"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)

_WORDS = (
    "the a to of and in is it that for on with this test store thread message branch fork leaf "
    "rewind checkpoint error fix bug code file line python sqlite async await import class def "
    "return value list dict string path tree node parent child index query search timeline event "
    "user assistant tool call result output input token model session project commit diff patch "
    "refactor module package install run build deploy server client request response json schema "
    "migration table column row transaction lock write read cache memory disk latency benchmark "
    "terminal screen widget key binding render paint scroll cursor select focus layout style"
).split() + [COMMON_WORD]


def _texts(rng: random.Random, count: int) -> list[str]:
    """A pool of message texts with a Zipf-like word distribution."""
    weights = [1.0 / (rank + 1) for rank in range(len(_WORDS))]
    texts = []
    for _ in range(count):
        words = rng.choices(_WORDS, weights=weights, k=rng.randint(6, 40))
        texts.append(" ".join(words).capitalize() + ".")
    return texts


def build_benchmark_db(path: Path = DEFAULT_PATH, *, threads: int = THREADS, messages: int = MESSAGES) -> dict[str, Any]:
    """Build the database at `path` (replacing it); return facts the benchmarks need."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)

    async def create_schema() -> None:
        async with Store.open(path):
            pass

    asyncio.run(create_schema())
    rng = random.Random(1234)
    pool = _texts(rng, 20_000)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE fts_control SET paused = 1")

    message_rows: list[tuple[Any, ...]] = []
    thread_rows: list[tuple[Any, ...]] = []
    event_rows: list[tuple[Any, ...]] = []
    next_id = 1
    clock = START
    roles = ("user", "assistant")

    def add(thread_id: int, parent: int | None, depth: int, child_count: int) -> int:
        nonlocal next_id, clock
        clock += timedelta(seconds=1)
        mid = next_id
        next_id += 1
        text = pool[mid % len(pool)]
        message_rows.append(
            (mid, thread_id, parent, roles[depth % 2], text, None, "completed", encode_time(clock), depth, child_count)
        )
        return mid

    # The big thread: a 10,000-message path, and 999 side branches of a few messages each.
    big_side = (BIG_LEAVES - 1) * SIDE_BRANCH_LENGTH
    branch_points = set(rng.sample(range(1, BIG_PATH - 1), BIG_LEAVES - 1))
    path_ids: list[int] = []
    for depth in range(BIG_PATH):
        children = 1 if depth < BIG_PATH - 1 else 0
        if depth in branch_points:
            children += 1
        path_ids.append(add(1, path_ids[-1] if path_ids else None, depth, children))
    for point in sorted(branch_points):
        parent = path_ids[point]
        for step in range(SIDE_BRANCH_LENGTH):
            last = step == SIDE_BRANCH_LENGTH - 1
            parent = add(1, parent, point + 1 + step, 0 if last else 1)
    big_count = BIG_PATH + big_side
    thread_rows.append(_thread_row(1, "The big one: 10,000 messages on the active path", path_ids[-1], big_count, BIG_LEAVES, clock))
    event_rows.append((1, 1, "imported", path_ids[-1], encode_time(clock)))

    # Every other thread: a linear conversation, some with one branch.
    remaining = messages - big_count
    per_thread = remaining // (threads - 1)
    extra = remaining - per_thread * (threads - 1)
    for thread_id in range(2, threads + 1):
        size = per_thread + (1 if thread_id - 2 < extra else 0)
        branch_at = rng.randrange(1, size - 2) if size > 4 and thread_id % 3 == 0 else None
        ids: list[int] = []
        main_len = size - (1 if branch_at is not None else 0)
        for depth in range(main_len):
            children = (1 if depth < main_len - 1 else 0) + (1 if depth == branch_at else 0)
            ids.append(add(thread_id, ids[-1] if ids else None, depth, children))
        leaves = 1
        if branch_at is not None:
            add(thread_id, ids[branch_at], branch_at + 1, 0)
            leaves = 2
        title = pool[thread_id % len(pool)][:60]
        thread_rows.append(_thread_row(thread_id, title, ids[-1], size, leaves, clock))
        event_rows.append((thread_id, 1, "imported", ids[-1], encode_time(clock)))

    # A rare word in a handful of messages spread over the database.
    for index in rng.sample(range(len(message_rows)), RARE_COUNT):
        row = list(message_rows[index])
        row[4] = f"{row[4]} Then it went {RARE_WORD} wrong."
        message_rows[index] = tuple(row)

    conn.executemany(
        "INSERT INTO threads (id, title, status, source, created_at, updated_at, current_leaf_id,"
        " message_count, leaf_count, last_seq) VALUES (?, ?, 'idle', 'claude-code', ?, ?, ?, ?, ?, 1)",
        thread_rows,
    )
    conn.executemany(
        "INSERT INTO messages (id, thread_id, parent_id, role, content, data, status, created_at, depth, child_count)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        message_rows,
    )
    conn.executemany(
        "INSERT INTO events (thread_id, seq, kind, to_leaf_id, created_at) VALUES (?, ?, ?, ?, ?)", event_rows
    )
    conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')")
    conn.execute("UPDATE fts_control SET paused = 0")
    conn.execute("COMMIT")
    conn.execute("PRAGMA optimize")
    conn.close()
    return {
        "path": str(path),
        "threads": threads,
        "messages": len(message_rows),
        "big_thread": 1,
        "big_head": path_ids[-1],
        "big_path_ids": path_ids,
        "rare_word": RARE_WORD,
        "common_word": COMMON_WORD,
    }


def _thread_row(
    thread_id: int, title: str, head: int, count: int, leaves: int, moment: datetime
) -> tuple[Any, ...]:
    stamp = encode_time(moment)
    return (thread_id, title, stamp, stamp, head, count, leaves)


def facts(path: Path = DEFAULT_PATH) -> dict[str, Any]:
    """The same facts `build_benchmark_db` returns, read back from an existing database."""
    conn = sqlite3.connect(path)
    try:
        head = conn.execute("SELECT current_leaf_id FROM threads WHERE id = 1").fetchone()[0]
        path_ids = [
            r[0]
            for r in conn.execute(
                "WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM messages WHERE id = ?"
                " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id)"
                " SELECT id FROM up",
                (head,),
            )
        ][::-1]
        threads = conn.execute("SELECT count(*) FROM threads").fetchone()[0]
        messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    finally:
        conn.close()
    return {
        "path": str(path),
        "threads": threads,
        "messages": messages,
        "big_thread": 1,
        "big_head": head,
        "big_path_ids": path_ids,
        "rare_word": RARE_WORD,
        "common_word": COMMON_WORD,
    }


def ensure(path: Path = DEFAULT_PATH, *, rebuild: bool = False) -> dict[str, Any]:
    """Build the database unless a complete one is already there."""
    if path.exists() and not rebuild:
        try:
            found = facts(path)
            if found["messages"] >= MESSAGES and found["threads"] >= THREADS:
                return found
        except sqlite3.Error:
            pass
    return build_benchmark_db(path)


def check(path: Path = DEFAULT_PATH) -> list[str]:
    """Problems with the stored counts (empty when the database is consistent)."""
    conn = sqlite3.connect(path)
    problems = []
    bad_children = conn.execute(
        "SELECT count(*) FROM messages m WHERE child_count != (SELECT count(*) FROM messages c WHERE c.parent_id = m.id)"
    ).fetchone()[0]
    if bad_children:
        problems.append(f"{bad_children} messages with a wrong child_count")
    bad_threads = conn.execute(
        "SELECT count(*) FROM threads t WHERE message_count != (SELECT count(*) FROM messages WHERE thread_id = t.id)"
        " OR leaf_count != (SELECT count(*) FROM messages WHERE thread_id = t.id AND child_count = 0)"
    ).fetchone()[0]
    if bad_threads:
        problems.append(f"{bad_threads} threads with wrong counts")
    conn.close()
    return problems


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build the benchmark database.")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--scale", type=int, default=1, help="N× the threads and messages (10 for design.md's 10× run)")
    args = parser.parse_args()
    target = args.path
    began = time.perf_counter()
    info = build_benchmark_db(target, threads=THREADS * args.scale, messages=MESSAGES * args.scale)
    built = time.perf_counter() - began
    print(f"built {target}: {info['threads']:,} threads, {info['messages']:,} messages in {built:.1f} s")
    print("consistency:", check(target) or "ok")
    print(json.dumps({k: v for k, v in info.items() if k != "big_path_ids"}))
