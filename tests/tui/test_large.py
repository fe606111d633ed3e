"""Big data on the line API: 10,000 messages, 1,000 leaves, 10,000 threads, no widget per row."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from store import Message, Role, Thread
from tui.thread_model import view_of
from tui.widgets.branch_tree import BranchTree
from tui.widgets.thread_list import ThreadList
from tui.widgets.transcript import Transcript

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)


def big_thread() -> tuple[Thread, list[Message]]:
    """A 10,000-message trunk with a two-message side branch every 10 messages (1,000 leaves)."""
    messages: list[Message] = []
    next_id = 1
    parent: int | None = None
    trunk: list[int] = []
    for i in range(10_000):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        text = f"message {i}\n" + ("a longer body line with some words in it\n" * (i % 30))
        messages.append(Message(id=next_id, thread_id=1, parent_id=parent, role=role, content=text,
                                created_at=T0 + timedelta(seconds=next_id), depth=i))
        trunk.append(next_id)
        parent = next_id
        next_id += 1
    for k in range(999):
        at = trunk[k * 10]
        messages.append(Message(id=next_id, thread_id=1, parent_id=at, role=Role.USER, content=f"side {k}",
                                created_at=T0 + timedelta(seconds=next_id), depth=0))
        next_id += 1
    thread = Thread(id=1, title="big", created_at=T0, updated_at=T0, current_leaf_id=trunk[-1],
                    message_count=len(messages), leaf_count=1000)
    return thread, messages


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield ThreadList(id="threads")
        yield Transcript(id="transcript", tz=timezone.utc)
        yield BranchTree(id="tree")

    CSS = "ThreadList, Transcript, BranchTree { height: 1fr; }"


async def test_ten_thousand_messages_render_only_what_shows() -> None:
    thread, messages = big_thread()
    view = view_of(thread, messages)
    assert len(view.path) == 10_000 and view.branches == 1000
    app = Harness()
    async with app.run_test(size=(120, 60)) as pilot:
        transcript = app.query_one(Transcript)
        started = time.perf_counter()
        transcript.show_path(thread, view.path, view.siblings)
        app.query_one(BranchTree).show_tree(thread, messages, view.children)
        await pilot.pause()
        assert time.perf_counter() - started < 2.0  # generous: a slow CI box, the harness included
        assert transcript.selected is not None and transcript.selected.id == thread.current_leaf_id
        rendered = len(transcript._bodies)
        assert 0 < rendered < 100, rendered  # the blocks on screen and around the head, not 10,000
        assert len(app.query("*")) < 20  # no widget per message
        transcript.focus()
        await pilot.press("g")
        assert transcript.cursor == 0
        await pilot.press("pagedown", "pagedown", "j")
        assert transcript.cursor > 2
        tree = app.query_one(BranchTree)
        assert len(tree.runs) == 1999
        assert sum(run.count for run in tree.runs) == len(messages)
        assert tree.selected is not None and tree.selected.has_head


async def test_ten_thousand_threads_in_the_list() -> None:
    threads = [Thread(id=i, title=f"thread {i}", created_at=T0, updated_at=T0 - timedelta(minutes=i))
               for i in range(1, 10_001)]
    app = Harness()
    async with app.run_test(size=(120, 60)) as pilot:
        thread_list = app.query_one(ThreadList)
        thread_list.show_threads(threads)
        thread_list.focus()
        await pilot.pause()
        assert len(thread_list.rows) == 10_000
        await pilot.press("end")
        assert thread_list.selected.id == 10_000
        assert len(thread_list._cache) < 200  # only the lines that were on screen
