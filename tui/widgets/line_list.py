"""LineList: the one skeleton under every list of the app (threads, tree, timeline,
checkpoints, search results), drawn with the line API.

A subclass says what its items are and how one line of an item looks
(`render_item_line`); the base does the rest the same way everywhere: a typed `cursor`
over items, j/k, g/G and page moves, click and double click, an LRU of rendered lines
keyed by (item key, line of the item, width, under the cursor), keeping the cursor on the
same item (by key) when new items arrive, scrolling the cursor's lines into view, the
visible cursor row (`highlight`), the empty text, and `Highlighted` / `Chosen` messages.
An item may take several lines (`item_height`): a checkpoint takes two or three, a
search result two. Ten thousand items are ten thousand references; only the lines on
screen are ever rendered.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .lines import highlight, one_line
from .sizing import set_virtual_size

Item = TypeVar("Item")


class LineList(ScrollView, Generic[Item], can_focus=True):
    """Items with a cursor, one or more lines each; enter (or a double click) chooses one."""

    CURSOR_CLASS: ClassVar[str] = ""
    """The component class that styles the cursor's lines (`thread-list--cursor`)."""
    EMPTY_CLASS: ClassVar[str] = ""
    """The component class of the empty text."""
    CACHE_SIZE: ClassVar[int] = 1024

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `items` of the item under the cursor."""

    @dataclass
    class Highlighted(TextualMessage):
        """The cursor moved to another item (bursty: only the newest one counts)."""

        line_list: LineList[Any]
        """The list the cursor moved in."""
        item: Any
        """The item now under the cursor."""

        @property
        def control(self) -> LineList[Any]:
            """The list, so `@on(LineList.Highlighted, "#selector")` works."""
            return self.line_list

        def can_replace(self, message: TextualMessage) -> bool:
            return isinstance(message, LineList.Highlighted) and message.line_list is self.line_list

    @dataclass
    class Chosen(TextualMessage):
        """The user pressed enter (or double-clicked) on an item."""

        line_list: LineList[Any]
        """The list the item was chosen in."""
        item: Any
        """The chosen item."""

        @property
        def control(self) -> LineList[Any]:
            """The list, so `@on(…Chosen, "#selector")` works."""
            return self.line_list

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._items: list[Item] = []
        self._starts: list[int] = []
        """The first line of each item, when some item takes more than one line."""
        self._line_count = 0
        self._cache: LRUCache[tuple[Hashable, int, int, bool], Strip] = LRUCache(self.CACHE_SIZE)
        self.empty_text = "Nothing here"
        """What the list says when there is nothing to show."""

    # ------------------------------------------------------------------ what a subclass says

    def item_key(self, item: Item) -> Hashable:
        """What stays the same for an item across refreshes (the cursor follows it)."""
        return id(item)

    def item_height(self, item: Item) -> int:
        """How many lines an item takes."""
        return 1

    def render_item_line(self, item: Item, part: int, width: int, selected: bool) -> Strip:
        """Line `part` of `item`, `width` cells wide (`selected`: under the cursor)."""
        raise NotImplementedError

    def make_chosen(self, item: Item) -> TextualMessage:
        """The message enter posts (a subclass names it: `ThreadChosen`, `RunChosen`)."""
        return self.Chosen(self, item)

    def line_width(self) -> int:
        """The width lines are rendered at."""
        return self.scrollable_content_region.width or self.size.width

    # ------------------------------------------------------------------ data

    @property
    def items(self) -> list[Item]:
        """The items shown, in order."""
        return self._items

    @property
    def selected_item(self) -> Item | None:
        """The item under the cursor (a subclass's `selected` may show a part of it)."""
        items = self.items
        return items[self.cursor] if 0 <= self.cursor < len(items) else None

    def set_items(self, items: Sequence[Item], *, fallback: int = 0, keep: bool = True) -> None:
        """Show `items`. The cursor stays on the item it was on (by `item_key`) when `keep`
        and that item is still there; otherwise it goes to `fallback` (clamped)."""
        previous = self.selected_item if keep else None
        self._items = list(items)
        self._layout_lines()
        target = fallback
        if previous is not None:
            key = self.item_key(previous)
            target = next((i for i, item in enumerate(self._items) if self.item_key(item) == key), fallback)
        self.set_reactive(LineList.cursor, max(0, min(target, len(self._items) - 1)))
        self.call_after_refresh(self.scroll_to_cursor)
        self.refresh()

    def replace_items(self, changed: dict[int, Item]) -> None:
        """New versions of some items, by index, in the same places (a live update)."""
        for index, item in changed.items():
            self._items[index] = item
        self.clear_cache()

    def _layout_lines(self) -> None:
        heights = [self.item_height(item) for item in self._items]
        if any(h != 1 for h in heights):
            self._starts = []
            line = 0
            for height in heights:
                self._starts.append(line)
                line += height
            self._line_count = line
        else:
            self._starts = []
            self._line_count = len(self._items)
        self._cache.clear()
        set_virtual_size(self, Size(self.size.width, max(1, self._line_count)))

    def clear_cache(self) -> None:
        """Forget the rendered lines (what they show changed) and repaint."""
        self._cache.clear()
        self.refresh()

    # ------------------------------------------------------------------ lines ↔ items

    def item_lines(self, index: int) -> tuple[int, int]:
        """(first line, number of lines) of the item at `index`."""
        if not self._starts:
            return index, 1
        top = self._starts[index]
        bottom = self._starts[index + 1] if index + 1 < len(self._starts) else self._line_count
        return top, bottom - top

    def item_at_line(self, line: int) -> tuple[int, int]:
        """(item index, line of the item) of a line of the list."""
        if not self._starts:
            return line, 0
        index = bisect_right(self._starts, line) - 1
        return index, line - self._starts[index]

    # ------------------------------------------------------------------ keys

    def move_cursor_by(self, step: int) -> None:
        """Move `step` items, stopping at either end."""
        self.cursor = max(0, min(len(self.items) - 1, self.cursor + step))

    def action_cursor_down(self) -> None:
        """The next item."""
        if self.cursor < len(self.items) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        """The previous item."""
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_first(self) -> None:
        """The first item."""
        self.cursor = 0

    def action_cursor_last(self) -> None:
        """The last item."""
        self.cursor = max(0, len(self.items) - 1)

    def action_page(self, direction: int) -> None:
        """A screen further down (or up)."""
        _, height = self.item_lines(self.cursor) if self.items else (0, 1)
        self.move_cursor_by(max(1, (self.size.height - 1) // max(1, height)) * direction)

    def action_choose(self) -> None:
        """Post `Chosen` (or the subclass's message) for the item under the cursor."""
        if (item := self.selected_item) is not None:
            self.post_message(self.make_chosen(item))

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        self._refresh_item(old)
        self._refresh_item(new)
        if (item := self.selected_item) is not None:
            self.post_message(self.Highlighted(self, item))

    def _refresh_item(self, index: int) -> None:
        if 0 <= index < len(self.items):
            top, height = self.item_lines(index)
            self.refresh(Region(0, top - self.scroll_offset.y, max(1, self.size.width), height))

    def scroll_to_cursor(self) -> None:
        """Bring every line of the cursor's item into view."""
        if 0 <= self.cursor < len(self.items):
            top, height = self.item_lines(self.cursor)
            self.scroll_to_region(Region(0, top, 1, height), animate=False, force=True, x_axis=False, immediate=True)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + self.scroll_offset.y
        if 0 <= line < self._line_count:
            index, _ = self.item_at_line(line)
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.cursor = index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, max(1, self._line_count))

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.line_width()
        line = y + self.scroll_offset.y
        items = self.items
        if not items:
            if y == 0:
                style = self.get_component_rich_style(self.EMPTY_CLASS) if self.EMPTY_CLASS else self.rich_style
                return one_line(Text(f" {self.empty_text}", style=style, end=""), width, self.app.console, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if line >= self._line_count:
            return Strip.blank(width, self.rich_style)
        index, part = self.item_at_line(line)
        item = items[index]
        selected = index == self.cursor
        cache_key = (self.item_key(item), part, width, selected)
        strip = self._cache.get(cache_key)
        if strip is None:
            strip = self.render_item_line(item, part, width, selected)
            self._cache[cache_key] = strip
        if selected and self.CURSOR_CLASS:
            strip = highlight(strip, self.get_component_rich_style(self.CURSOR_CLASS))
        return strip


__all__ = ["LineList"]
