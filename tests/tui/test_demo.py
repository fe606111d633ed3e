"""The demo generator: enough variety for the app, and identical on every build."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from store import EventKind, Role, Store, ThreadStatus, payloads
from tui.demo import DEMO_START, build_demo, create_demo_db, demo_clock


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        return [tuple(_without_temp_folder(v) for v in row) for row in rows]
    finally:
        conn.close()


def test_demo_clock_steps_by_a_fixed_interval() -> None:
    clock = demo_clock()
    first, second, third = clock(), clock(), clock()
    assert first == DEMO_START
    assert first.tzinfo is not None and first.utcoffset() == timedelta(0)
    assert second - first == third - second > timedelta(0)
    assert demo_clock()() == DEMO_START  # each clock starts afresh


async def test_two_builds_are_identical(tmp_path: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    await create_demo_db(one)
    await create_demo_db(two)
    for table in ("threads", "messages", "checkpoints", "events"):
        rows = _rows(one, table)
        assert rows, table
        assert rows == _rows(two, table), table


def _without_temp_folder(value: object) -> object:
    """The sessions are written to a fresh temporary folder per build; their paths differ."""
    return re.sub(r"grove-demo-[^/\\\"]+", "grove-demo-…", value) if isinstance(value, str) else value


async def test_build_refuses_a_database_with_threads(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        await store.create_thread("mine")
        with pytest.raises(ValueError):
            await build_demo(store)


async def test_demo_has_the_variety_the_app_needs(tmp_path: Path) -> None:
    await create_demo_db(tmp_path / "demo.db")
    async with Store.open(tmp_path / "demo.db") as store:
        threads = await store.list_threads(include_archived=True, limit=100)
        assert 10 <= len(threads) <= 16
        assert {t.status for t in threads} >= {
            ThreadStatus.IDLE, ThreadStatus.RUNNING, ThreadStatus.WAITING,
            ThreadStatus.COMPLETED, ThreadStatus.FAILED, ThreadStatus.CANCELLED,
        }
        assert {t.source for t in threads} >= {"grove", "claude-code", "codex", "chatgpt"}
        assert sum(t.archived for t in threads) == 1
        assert len(await store.list_threads(limit=100)) == len(threads) - 1

        longest = max(threads, key=lambda t: t.message_count)
        assert 290 <= longest.message_count <= 320
        assert len(await store.path(longest.id)) >= 290

        branchy = [t for t in threads if t.leaf_count >= 2]
        assert len(branchy) >= 5
        assert max(t.leaf_count for t in threads) >= 3

        child = [t for t in threads if t.parent_thread_id is not None]
        assert len(child) == 1
        spawn = await store.get_message(child[0].parent_message_id)  # type: ignore[arg-type]
        assert spawn.thread_id == child[0].parent_thread_id
        assert any(t.forked_from_thread_id is not None for t in threads)

        events = await store.events(limit=10_000)
        kinds = {e.kind for e in events}
        assert kinds >= {
            EventKind.MESSAGE_FORKED, EventKind.REWOUND, EventKind.UNDONE, EventKind.LEAF_MOVED,
            EventKind.CHECKPOINT_SAVED, EventKind.CHECKPOINT_RESTORED, EventKind.THREAD_ARCHIVED,
            EventKind.THREAD_FORKED,
        }
        checkpoints = [c for t in threads for c in await store.list_checkpoints(t.id)]
        assert len(checkpoints) >= 6
        assert any(c.note for c in checkpoints)

        # Tool traffic as the importers write it: calls on replies, outputs on tool results.
        everything = [m for t in threads for m in await store.messages(t.id)]
        calls = [c for m in everything for c in payloads.tool_calls(m.data)]
        assert {"Bash", "Read", "Edit", "Task", "exec_command", "apply_patch"} <= {c.get("name") for c in calls}
        results = [r for m in everything if m.role is Role.TOOL for r in payloads.tool_results(m.data)]
        assert results and any(payloads.is_error_result(r) for r in results)
        kinds = {payloads.message_kind(m.role.value, m.data) for m in everything}
        assert {payloads.MessageKind.THINKING, payloads.MessageKind.COMPACT_BOUNDARY} <= kinds
        assert any(payloads.thinking(m.data) for m in everything)
        assistant = [m.content for t in threads for m in await store.messages(t.id) if m.role is Role.ASSISTANT]
        assert any("```" in text for text in assistant)
        assert any(text.lstrip().startswith("#") for text in assistant)
