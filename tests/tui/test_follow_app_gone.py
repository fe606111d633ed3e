"""`grove --follow` when the database file is deleted under the app (issue 10, item 4):
following stops with a notification, not silently and not with a crash."""

from __future__ import annotations

import os
from pathlib import Path

from tui_helpers import make_app, settle, wait_until

import pytest

from store import InvalidOperation, Store

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
SESSION = FIXTURES / "claude-code" / "dag_simple.jsonl"


async def test_a_deleted_database_stops_following_with_a_notification(tmp_path: Path) -> None:
    projects = tmp_path / "projects"
    projects.mkdir()
    async with Store.open(tmp_path / "grove.db") as store:
        mine = await store.create_thread("my own thread")
        await store.append(mine.id, "user", "something of mine")
    app = make_app(tmp_path / "grove.db", poll_interval=0.05, follow=[projects])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.follower is not None and app.follower.ready.is_set())
        os.unlink(tmp_path / "grove.db")
        (projects / "a.jsonl").write_bytes(SESSION.read_bytes())
        assert await wait_until(pilot, lambda: any("deleted or replaced" in str(n.message) for n in app._notifications))
        assert any("deleted or replaced" in str(n.message) for n in app._notifications)
        assert app.is_running
        # Read-only until restart: a write from the app is refused with one sentence, and
        # nothing reaches the unlinked file.
        assert any("read-only" in str(n.message) for n in app._notifications)
        with pytest.raises(InvalidOperation, match="read-only"):
            await app.store.append(mine.id, "user", "lost?")
        before = len(app._notifications)
        app.main.thread_list.focus()
        await pilot.press("a")  # archive the selected thread: a write
        await settle(pilot)
        assert any("read-only" in str(n.message) for n in list(app._notifications)[before:])
        assert app.is_running
