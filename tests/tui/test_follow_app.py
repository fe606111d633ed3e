"""`grove --follow`: a session an agent is writing appears and grows in the running app."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import make_app, settle, wait_until

from store import Store, Thread
from tui.screens.main import MainScreen

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
SESSION = FIXTURES / "claude-code" / "dag_simple.jsonl"


def live_thread(screen: MainScreen) -> Thread:
    """The thread the follower imported (the list holds it and the person's own)."""
    return next(row.thread for row in screen.thread_list.rows if row.thread.source == "claude-code")


async def test_a_session_being_written_appears_and_grows_in_the_app(tmp_path: Path) -> None:
    projects = tmp_path / "projects" / "-tmp"
    projects.mkdir(parents=True)
    session = projects / "live.jsonl"
    lines = SESSION.read_bytes().splitlines(keepends=True)
    session.write_bytes(b"".join(lines[:2]))

    # A thread of the user's own is open (an empty database would show the welcome first).
    async with Store.open(tmp_path / "grove.db") as store:
        mine = await store.create_thread("my own thread")
        await store.append(mine.id, "user", "something of mine")

    app = make_app(tmp_path / "grove.db", poll_interval=0.05, follow=[tmp_path / "projects"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = app.main
        assert isinstance(screen, MainScreen)
        assert await wait_until(pilot, lambda: app.follower is not None and app.follower.ready.is_set())
        assert await wait_until(pilot, lambda: len(screen.thread_list.rows) == 2)
        assert live_thread(screen).message_count == 2
        assert screen.thread.title == "my own thread"  # what the person had open stays open

        with session.open("ab") as out:
            out.write(b"".join(lines[2:]))
        assert await wait_until(pilot, lambda: live_thread(screen).message_count == len(lines))
        screen.thread_list.focus()
        screen.thread_list.cursor = next(
            i for i, row in enumerate(screen.thread_list.rows) if row.thread.source == "claude-code"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert await wait_until(pilot, lambda: len(screen.transcript.path) == len(lines))
        assert [m.content for m in screen.transcript.path][:1] == ["Hello"]


async def test_following_a_missing_folder_is_a_notification_not_a_crash(tmp_path: Path) -> None:
    app = make_app(tmp_path / "grove.db", follow=[tmp_path / "nowhere"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.follower is None
        assert any("no such file or folder" in str(n.message) for n in app._notifications)
