"""Shared helpers for the importer tests: where the fixtures are, and the tree invariants."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from store import Message, Store

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
PROJECTS = CLAUDE / "projects"
CODEX = FIXTURES / "codex"
CHATGPT = FIXTURES / "chatgpt"


class Clock:
    """A deterministic clock: each call is one second after the last."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _check(conn: sqlite3.Connection) -> list[str]:
    problems: list[str] = []
    q = conn.execute
    for (mid,) in q("SELECT m.id FROM messages m JOIN messages p ON p.id = m.parent_id WHERE p.thread_id != m.thread_id"):
        problems.append(f"message {mid}: parent in another thread")
    for (mid,) in q("SELECT m.id FROM messages m JOIN messages p ON p.id = m.parent_id WHERE m.depth != p.depth + 1"):
        problems.append(f"message {mid}: wrong depth")
    for (mid,) in q("SELECT id FROM messages WHERE parent_id IS NULL AND depth != 0"):
        problems.append(f"message {mid}: root with depth")
    for (mid,) in q(
        "SELECT m.id FROM messages m WHERE child_count != (SELECT count(*) FROM messages c WHERE c.parent_id = m.id)"
    ):
        problems.append(f"message {mid}: wrong child_count")
    for tid, head in q("SELECT id, current_leaf_id FROM threads"):
        if head is not None:
            row = q("SELECT thread_id FROM messages WHERE id = ?", (head,)).fetchone()
            if row is None or row[0] != tid:
                problems.append(f"thread {tid}: head {head} not one of its messages")
        else:
            if q("SELECT 1 FROM messages WHERE thread_id = ?", (tid,)).fetchone():
                problems.append(f"thread {tid}: no head but has messages")
    for tid, mc, lc in q("SELECT id, message_count, leaf_count FROM threads"):
        real_mc = q("SELECT count(*) FROM messages WHERE thread_id = ?", (tid,)).fetchone()[0]
        real_lc = q("SELECT count(*) FROM messages WHERE thread_id = ? AND child_count = 0", (tid,)).fetchone()[0]
        if (mc, lc) != (real_mc, real_lc):
            problems.append(f"thread {tid}: counts {(mc, lc)} != {(real_mc, real_lc)}")
        seqs = [r[0] for r in q("SELECT seq FROM events WHERE thread_id = ? ORDER BY seq", (tid,))]
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"thread {tid}: seq gaps {seqs}")
    fts = q("SELECT count(*) FROM messages_fts").fetchone()[0]
    rows = q("SELECT count(*) FROM messages").fetchone()[0]
    if fts != rows:
        problems.append(f"fts has {fts} rows for {rows} messages")
    return problems


async def assert_invariants(store: Store) -> None:
    """Every invariant of design.md §1 that the bulk path must keep."""
    problems = await store._session.read(_check)
    assert problems == []


async def only_thread(store: Store, **filters: Any):  # type: ignore[no-untyped-def]
    threads = await store.list_threads(limit=1000, **filters)
    assert len(threads) == 1, [t.title for t in threads]
    return threads[0]


async def thread_by_key(store: Store, source: str, key: str):  # type: ignore[no-untyped-def]
    def find(conn: sqlite3.Connection) -> int | None:
        row = conn.execute("SELECT id FROM threads WHERE source = ? AND source_key = ?", (source, key)).fetchone()
        if row is None:
            # A file not named by a session id is keyed by its name and path ("plain@/…/plain.jsonl").
            # Its child threads' keys extend the main one's, so the shortest is the file's own.
            row = conn.execute(
                "SELECT id FROM threads WHERE source = ? AND source_key LIKE ? ESCAPE '\\'"
                " ORDER BY length(source_key) LIMIT 1",
                (source, key.replace("_", "\\_") + "@%"),
            ).fetchone()
        return None if row is None else row[0]

    tid = await store._session.read(find)
    assert tid is not None, f"no {source} thread {key}"
    return await store.get_thread(tid)


def branch_points(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.child_count > 1]


def by_id(messages: list[Message]) -> dict[int, Message]:
    return {m.id: m for m in messages}
