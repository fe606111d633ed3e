"""LineList, the base of every list: paging over multi-line items, the cursor kept by key,
clicks, and Highlighted messages (a real store, driven with Pilot)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.message import Message as TextualMessage

from store import Checkpoint, Message, Store, Thread
from tui.demo import demo_clock
from tui.widgets.checkpoint_list import CheckpointList
from tui.widgets.line_list import LineList
from tui.widgets.thread_list import ThreadList

Data = tuple[Thread, list[Checkpoint], dict[int, Message]]


async def _many_checkpoints(path: Path, count: int) -> Data:
    async with Store.open(path, clock=demo_clock()) as store:
        thread = await store.create_thread("many checkpoints")
        messages = [await store.append(thread.id, "user", f"message {i}") for i in range(count)]
        for i, message in enumerate(messages):
            await store.save_checkpoint(thread.id, f"cp-{i:02}", message_id=message.id)
        checkpoints = await store.list_checkpoints(thread.id)
        return await store.get_thread(thread.id), checkpoints, {m.id: m for m in messages}


class ListsApp(App[None]):
    """A checkpoint list and a thread list, side by side."""

    def compose(self) -> ComposeResult:
        yield CheckpointList(id="checkpoints")
        yield ThreadList(id="threads")


async def test_checkpoints_page_by_screenfuls_of_two_line_entries(tmp_path: Path) -> None:
    thread, checkpoints, messages = await _many_checkpoints(tmp_path / "g.db", 30)
    app = ListsApp()
    async with app.run_test(size=(60, 20)) as pilot:
        widget = app.query_one(CheckpointList)
        widget.show_checkpoints(thread, checkpoints, messages)
        widget.focus()
        await pilot.pause()
        height = widget.size.height
        await pilot.press("pagedown")
        # Two lines an entry: a page moves half as many entries as there are lines.
        assert widget.cursor == (height - 1) // 2
        top, lines = widget.item_lines(widget.cursor)
        assert lines == 2 and widget.scroll_offset.y <= top and top + lines <= widget.scroll_offset.y + height
        await pilot.press("pageup")
        assert widget.cursor == 0
        await pilot.press("end")
        assert widget.selected == checkpoints[-1]


async def test_the_cursor_follows_its_item_by_key_and_highlighted_is_posted(tmp_path: Path) -> None:
    thread, checkpoints, messages = await _many_checkpoints(tmp_path / "g.db", 5)
    posted: list[TextualMessage] = []
    app = ListsApp()
    async with app.run_test(size=(60, 20), message_hook=posted.append) as pilot:
        widget = app.query_one(CheckpointList)
        widget.show_checkpoints(thread, checkpoints, messages)
        widget.focus()
        await pilot.press("j", "j")
        assert widget.selected == checkpoints[2]
        # The same thread again with a new checkpoint on top: the cursor stays on its entry.
        newer = checkpoints[0].model_copy(update={"name": "zz-new"})
        widget.show_checkpoints(thread, [newer, *checkpoints], messages)
        assert widget.selected == checkpoints[2] and widget.cursor == 3
        # A click on the second line of an entry selects that entry.
        top, _ = widget.item_lines(1)
        await pilot.click(CheckpointList, offset=(2, top + 1 - widget.scroll_offset.y))
        assert widget.cursor == 1
    highlighted = [m for m in posted if isinstance(m, LineList.Highlighted)]
    assert highlighted and highlighted[-1].item == checkpoints[0] and highlighted[-1].control is widget
