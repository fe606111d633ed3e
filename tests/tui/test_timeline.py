"""Timeline: a thread's events from a real demo store, driven with Pilot."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.message import Message as TextualMessage

from store import Event, EventKind, Store, Thread
from tui.demo import create_demo_db, demo_clock
from tui.widgets.timeline import Timeline, describe, undone_seqs

NOW = datetime(2026, 3, 14, 14, 0, tzinfo=timezone.utc)
"""A fixed "now" after the demo's last write, so ages are the same on every run."""

REFACTOR = "Refactor the store into a repository layer"


async def _load(path: Path, title: str) -> tuple[Thread, list[Event]]:
    async with Store.open(path) as store:
        threads = await store.list_threads(include_archived=True, limit=100)
        thread = next(t for t in threads if t.title == title)
        return thread, await store.events(thread.id, limit=10_000)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    asyncio.run(create_demo_db(path))
    return path


class TimelineApp(App[None]):
    """Just a timeline, with the data pushed in on mount."""

    def __init__(self, thread: Thread | None, events: list[Event]) -> None:
        super().__init__()
        self.data = (thread, events)

    def compose(self) -> ComposeResult:
        yield Timeline(clock=lambda: NOW, id="timeline")

    def on_mount(self) -> None:
        self.query_one(Timeline).show_events(*self.data)


def _chosen(messages: list[TextualMessage]) -> list[Event]:
    # The hook sees a message once per node it bubbles through; count each message once.
    unique = {id(m): m for m in messages if isinstance(m, Timeline.EventChosen)}
    return [m.event for m in unique.values()]


def _screen_text(timeline: Timeline) -> list[str]:
    return ["".join(segment.text for segment in timeline.render_line(y)) for y in range(timeline.size.height)]


async def test_enter_posts_the_event_under_the_cursor(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    app = TimelineApp(thread, events)
    posted: list[TextualMessage] = []
    async with app.run_test(size=(80, 20), message_hook=posted.append) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.pause()
        # Newest last, and the cursor starts on the newest.
        assert timeline.selected == events[-1]
        await pilot.press("enter")
        await pilot.press("k", "up", "enter")
        await pilot.press("j", "enter")
        await pilot.pause()
    assert _chosen(posted) == [events[-1], events[-3], events[-2]]
    message = next(m for m in posted if isinstance(m, Timeline.EventChosen))
    assert message.control is timeline


async def test_cursor_stops_at_both_ends(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    app = TimelineApp(thread, events)
    async with app.run_test(size=(80, 10)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.press("j", "down")
        assert timeline.cursor == len(events) - 1
        await pilot.press("home", "k")
        assert timeline.cursor == 0
        assert timeline.scroll_offset.y == 0
        await pilot.press("end")
        assert timeline.cursor == len(events) - 1
        # The newest line is scrolled into view.
        assert timeline.scroll_offset.y + timeline.size.height >= len(events)


async def test_lines_say_what_each_event_moved(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    kinds = [e.kind for e in events]
    assert EventKind.REWOUND in kinds and EventKind.UNDONE in kinds
    app = TimelineApp(thread, events)
    async with app.run_test(size=(90, 40)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.pause()
        lines = _screen_text(timeline)
    rewound = next(e for e in events if e.kind is EventKind.REWOUND)
    undone = [e for e in events if e.kind is EventKind.UNDONE]
    saved = next(e for e in events if e.kind is EventKind.CHECKPOINT_SAVED)
    by_seq = {int(line.split()[0]): line for line in lines if line.strip()}
    assert f"head {rewound.from_leaf_id} → {rewound.to_leaf_id}" in by_seq[rewound.seq]
    assert "● rewound" in by_seq[rewound.seq]
    assert "↶ undone" in by_seq[undone[0].seq]
    assert f"undoes {undone[0].data['undoes_seq']}" in by_seq[undone[0].seq]
    assert "“rows-and-schema-split”" in by_seq[saved.seq]
    assert "· saved" in by_seq[saved.seq]  # not a move: no move marker
    assert "h ago" in by_seq[1] or "m ago" in by_seq[1]


async def test_undone_moves_are_known(demo_db: Path) -> None:
    _, events = await _load(demo_db, REFACTOR)
    undone = undone_seqs(events)
    assert undone == {e.data["undoes_seq"] for e in events if e.kind is EventKind.UNDONE}
    assert all(next(e for e in events if e.seq == s).is_move for s in undone)


async def test_forks_name_where_they_forked(demo_db: Path) -> None:
    thread, events = await _load(demo_db, "Fix flaky login test")
    forked = [e for e in events if e.kind is EventKind.MESSAGE_FORKED]
    assert forked
    assert describe(forked[0]).startswith(f"forked at #{forked[0].data['parent_id']} · head ")
    into = next(e for e in events if e.kind is EventKind.THREAD_FORKED)
    assert describe(into).startswith(f"into thread {into.data['to_thread_id']} at #")


async def test_toggle_shows_absolute_times(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    app = TimelineApp(thread, events)
    async with app.run_test(size=(90, 40)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.press("t")
        lines = _screen_text(timeline)
    assert events[0].created_at.strftime("%Y-%m-%d %H:%M:%S") in lines[0]


async def test_a_live_refresh_keeps_the_selected_event(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        thread = await store.create_thread("live")
        for n in range(5):
            await store.append(thread.id, "user", f"message {n}")
        before = await store.events(thread.id)
        await store.append(thread.id, "assistant", "one more")
        after = await store.events(thread.id)
    app = TimelineApp(thread, before)
    async with app.run_test(size=(80, 12)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.press("k", "k")
        chosen = timeline.selected
        timeline.show_events(thread, after)
        await pilot.pause()
        assert timeline.selected == chosen
        # On the newest event, the cursor follows new events as they come.
        await pilot.press("end")
        timeline.show_events(thread, before)
        timeline.show_events(thread, after)
        assert timeline.selected == after[-1]


async def test_nothing_to_choose_without_a_thread(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    app = TimelineApp(None, [])
    posted: list[TextualMessage] = []
    async with app.run_test(size=(60, 8), message_hook=posted.append) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.press("enter", "j")
        assert "No thread selected" in _screen_text(timeline)[0]
        timeline.show_events(thread, events)
        timeline.show_events(None, events)
        await pilot.press("enter")
        assert timeline.shown_events == []
    assert _chosen(posted) == []


async def test_click_selects_and_double_click_chooses(demo_db: Path) -> None:
    thread, events = await _load(demo_db, REFACTOR)
    app = TimelineApp(thread, events[:5])
    posted: list[TextualMessage] = []
    async with app.run_test(size=(60, 10), message_hook=posted.append) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.click(Timeline, offset=(3, 1))
        assert timeline.cursor == 1
        await pilot.click(Timeline, offset=(3, 2), times=2)
        await pilot.pause()
    assert _chosen(posted) == [events[2]]


async def test_thousands_of_events_render_only_what_is_visible(demo_db: Path) -> None:
    thread, events = await _load(demo_db, "Build the transcript importers")
    # The long session's real events over and over, renumbered: a timeline of thousands.
    many = [
        e.model_copy(update={"seq": i + 1, "id": i + 1})
        for i, e in enumerate(events[j % len(events)] for j in range(3100))
    ]
    assert len(many) > 3000
    app = TimelineApp(thread, many)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.focus()
        await pilot.pause()
        assert timeline.virtual_size.height == len(many)
        # Only the lines on screen were drawn and cached, not one per event.
        assert len(timeline._line_cache) <= 2 * timeline.size.height
        await pilot.press("home")
        assert timeline.selected is many[0]
        await pilot.press("pagedown")
        assert timeline.cursor == timeline.size.height - 1


async def test_control_sequences_in_titles_and_names_are_not_drawn(tmp_path: Path) -> None:
    evil = "\x1b]0;pwned\x07ti\x1b[2Jtle\x9b31m [b]bold[/b]"
    async with Store.open(tmp_path / "g.db", clock=demo_clock()) as store:
        thread = await store.create_thread(evil)
        await store.append(thread.id, "user", "hello")
        await store.save_checkpoint(thread.id, "cp" + evil)
        await store.update_thread(thread.id, title=evil + "2")
        events = await store.events(thread.id)
    app = TimelineApp(thread, events)
    async with app.run_test(size=(120, 10)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.pause()
        text = "\n".join(_screen_text(timeline))
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "pwned" not in text  # the OSC is removed whole, payload included
    assert "“title [b]bold[/b]”" in text  # markup shown as typed, not applied
    assert "“cptitle [b]bold[/b]”" in text


def test_timeline_snapshot(snap_compare, demo_db: Path) -> None:  # type: ignore[no-untyped-def]
    """You should see the refactor thread's timeline: seq, age, a ● marker on moves, ↶ on the two
    undos, the two undone appends dimmed and struck through, checkpoint names in quotes, and the
    cursor on the third-newest event ("undone … undoes 18 appended")."""
    thread, events = asyncio.run(_load(demo_db, REFACTOR))
    app = TimelineApp(thread, events)

    async def focus(pilot) -> None:  # type: ignore[no-untyped-def]
        app.query_one(Timeline).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(72, 16), press=["k", "k"], run_before=focus)
