"""CheckpointList: a thread's checkpoints from a real demo store, driven with Pilot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message as TextualMessage

from store import Checkpoint, Message, Store, Thread
from tui.demo import create_demo_db, demo_clock
from tui.thread_model import first_words
from tui.timefmt import relative_time
from tui.widgets.checkpoint_list import FIRST_WORDS, CheckpointList

NOW = datetime(2026, 3, 14, 14, 0, tzinfo=timezone.utc)
"""A fixed "now" after the demo's last write, so ages are the same on every run."""

LOGIN = "Fix flaky login test"

Data = tuple[Thread | None, list[Checkpoint], dict[int, Message]]


async def _load_from(store: Store, thread: Thread) -> Data:
    checkpoints = await store.list_checkpoints(thread.id)
    messages = {c.message_id: await store.get_message(c.message_id) for c in checkpoints}
    return await store.get_thread(thread.id), checkpoints, messages


async def _load(path: Path, title: str) -> Data:
    async with Store.open(path) as store:
        threads = await store.list_threads(include_archived=True, limit=100)
        return await _load_from(store, next(t for t in threads if t.title == title))


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    asyncio.run(create_demo_db(path))
    return path


class CheckpointApp(App[None]):
    """Just a checkpoint list, with the data pushed in on mount."""

    def __init__(self, data: Data) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        yield CheckpointList(clock=lambda: NOW, id="checkpoints")

    def on_mount(self) -> None:
        self.query_one(CheckpointList).show_checkpoints(*self.data)


def _requests(messages: list[TextualMessage]) -> list[tuple[str, str]]:
    # The hook sees a message once per node it bubbles through; count each message once.
    kinds = (CheckpointList.RestoreRequested, CheckpointList.BranchRequested, CheckpointList.DeleteRequested)
    unique = {id(m): m for m in messages if isinstance(m, kinds)}
    return [(type(m).__name__, m.checkpoint.name) for m in unique.values()]  # type: ignore[attr-defined]


def _screen_text(widget: CheckpointList) -> list[str]:
    return ["".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height)]


async def test_keys_post_restore_branch_and_delete_requests(demo_db: Path) -> None:
    data = await _load(demo_db, LOGIN)
    names = [c.name for c in data[1]]
    assert names == ["green", "before-ttl-experiment", "fake-clock"]  # newest first
    app = CheckpointApp(data)
    posted: list[TextualMessage] = []
    async with app.run_test(size=(70, 16), message_hook=posted.append) as pilot:
        widget = app.query_one(CheckpointList)
        widget.focus()
        await pilot.press("enter", "j", "b", "down", "d", "k", "up", "enter")
        await pilot.pause()
    assert _requests(posted) == [
        ("RestoreRequested", "green"),
        ("BranchRequested", "before-ttl-experiment"),
        ("DeleteRequested", "fake-clock"),
        ("RestoreRequested", "green"),
    ]
    message = next(m for m in posted if isinstance(m, CheckpointList.DeleteRequested))
    assert message.control is widget


async def test_an_entry_shows_name_message_age_note_and_kind(demo_db: Path) -> None:
    thread, checkpoints, messages = await _load(demo_db, LOGIN)
    app = CheckpointApp((thread, checkpoints, messages))
    async with app.run_test(size=(70, 16)) as pilot:
        widget = app.query_one(CheckpointList)
        await pilot.pause()
        lines = _screen_text(widget)
    green, before, fake = checkpoints
    assert thread is not None and thread.current_leaf_id == green.message_id
    assert "green" in lines[0] and "◀ head" in lines[0] and "auto · " in lines[0]
    assert f"#{green.message_id} assistant:" in lines[1]
    assert lines[2].strip() == "all login tests pass"
    assert "before-ttl-experiment" in lines[3] and "manual · " in lines[3] and "◀ head" not in lines[3]
    assert f"“{first_words(messages[before.message_id].content, FIRST_WORDS)[:30]}" in lines[4]
    assert lines[5].strip() == before.note
    assert "fake-clock" in lines[6]
    ages = [line.rsplit("· ", 1)[1].strip() for line in (lines[0], lines[3], lines[6])]
    assert ages == [relative_time(c.created_at, NOW) for c in (green, before, fake)]
    assert green.created_at > before.created_at > fake.created_at  # newest first


async def test_restored_checkpoint_moves_the_head_marker(demo_db: Path) -> None:
    """After the app restores a checkpoint and pushes fresh data, the marker follows the head."""
    async with Store.open(demo_db) as store:
        threads = await store.list_threads(limit=100)
        thread = next(t for t in threads if t.title == LOGIN)
        first = await _load_from(store, thread)
        await store.restore_checkpoint(thread.id, "fake-clock")
        second = await _load_from(store, thread)
    app = CheckpointApp(first)
    async with app.run_test(size=(70, 16)) as pilot:
        widget = app.query_one(CheckpointList)
        widget.focus()
        await pilot.press("j")
        widget.show_checkpoints(*second)
        await pilot.pause()
        lines = _screen_text(widget)
        assert widget.selected is not None and widget.selected.name == "before-ttl-experiment"
    assert "◀ head" not in lines[0]
    assert "fake-clock" in lines[6] and "◀ head" in lines[6]


async def test_deleted_checkpoint_disappears_and_the_cursor_stays_in_range(demo_db: Path) -> None:
    async with Store.open(demo_db) as store:
        threads = await store.list_threads(limit=100)
        thread = next(t for t in threads if t.title == LOGIN)
        first = await _load_from(store, thread)
        await store.delete_checkpoint(thread.id, "fake-clock")
        second = await _load_from(store, thread)
    app = CheckpointApp(first)
    async with app.run_test(size=(70, 16)) as pilot:
        widget = app.query_one(CheckpointList)
        widget.focus()
        await pilot.press("end")
        assert widget.selected is not None and widget.selected.name == "fake-clock"
        widget.show_checkpoints(*second)
        await pilot.pause()
        assert [c.name for c in widget.checkpoints] == ["green", "before-ttl-experiment"]
        assert widget.selected is not None and widget.selected.name == "green"


async def test_empty_and_no_thread(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        thread = await store.create_thread("empty")
    app = CheckpointApp((None, [], {}))
    posted: list[TextualMessage] = []
    async with app.run_test(size=(60, 6), message_hook=posted.append) as pilot:
        widget = app.query_one(CheckpointList)
        widget.focus()
        await pilot.press("enter", "b", "d")
        assert "No thread selected" in _screen_text(widget)[0]
        widget.show_checkpoints(thread, [], {})
        await pilot.pause()
        assert "No checkpoints yet" in _screen_text(widget)[0]
        await pilot.press("enter", "b", "d")
    assert _requests(posted) == []


async def test_click_selects_an_entry(demo_db: Path) -> None:
    app = CheckpointApp(await _load(demo_db, LOGIN))
    async with app.run_test(size=(70, 16)) as pilot:
        widget = app.query_one(CheckpointList)
        await pilot.click(CheckpointList, offset=(5, 4))  # the message line of the second entry
        assert widget.selected is not None and widget.selected.name == "before-ttl-experiment"


async def test_untrusted_text_is_cleaned_and_never_markup(tmp_path: Path) -> None:
    evil = "\x1b]0;pwned\x07na\x1b[2Jme\x9b31m [link='https://x']x[/link]"
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        thread = await store.create_thread("t")
        await store.append(thread.id, "user", "say \x1b[31mred\x1b[0m [@click=app.quit]x[/]")
        await store.save_checkpoint(thread.id, evil, note="note \x1b]8;;https://x\x07link\x1b]8;;\x07")
        data = await _load_from(store, thread)
    app = CheckpointApp(data)
    async with app.run_test(size=(120, 6)) as pilot:
        widget = app.query_one(CheckpointList)
        await pilot.pause()
        text = "\n".join(_screen_text(widget))
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "pwned" not in text and "https://x'" in text
    assert "name [link='https://x']x[/link]" in text
    assert "say red [@click=app.quit]x[/]" in text
    assert "note link" in text




def test_checkpoint_list_snapshot(snap_compare, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    """You should see the three checkpoints of "Fix flaky login test", newest first: "green"
    (auto, ◌, marked ◀ head), "before-ttl-experiment" and "fake-clock" (manual, ●), each with
    its message's first words, its kind and age on the right, its note in italics, and the
    cursor on "before-ttl-experiment"."""
    app = CheckpointApp(asyncio.run(_load(demo_db, LOGIN)))

    async def focus(pilot) -> None:  # type: ignore[no-untyped-def]
        app.query_one(CheckpointList).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(64, 12), press=["j"], run_before=focus)


async def test_a_long_name_gives_way_to_kind_and_age(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        thread = await store.create_thread("t")
        await store.append(thread.id, "user", "hello")
        await store.save_checkpoint(thread.id, "a-checkpoint-name-far-too-long-for-a-narrow-side-pane")
        data = await _load_from(store, thread)
    app = CheckpointApp(data)
    async with app.run_test(size=(44, 6)) as pilot:
        widget = app.query_one(CheckpointList)
        await pilot.pause()
        first = _screen_text(widget)[0]
    assert first.rstrip().endswith("manual · 4h ago")
    assert "a-checkpoint-na…  ◀ head" in first
