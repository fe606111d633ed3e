"""Transcript: a thread's active path, root to head, drawn with the line API.

Each message is a block: a header line (`▶ ‹2/3› assistant · 10:03  #41`), its body,
and a blank line. Bodies are rendered on demand, only for the messages on screen, and
kept in an LRU cache keyed by (message id, width, expanded); a path of 10,000 messages
costs one height estimate per message and nothing else until it scrolls into view.
When a rendered body turns out taller or shorter than its estimate, the offsets below
it are patched (and, for a block that starts above the top of the view, the scroll
position too, so what you are reading does not jump).

What a block shows depends on the message's kind (`store.payloads`): prose as Markdown,
each tool call as one `⚙ Bash  pytest -q` line, tool results and slash commands as one
line, thinking dimmed; enter opens a block and, where an output was still cut, opens it
further (`message_view.py` draws the bodies). A compaction boundary is a divider. Every
text goes through `clean`/`clean_line` and into `Text` — never markup — and Markdown
links are not turned into terminal hyperlinks.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
import itertools
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Message, Thread
from store import payloads

from ..actions import bindings
from ..thread_model import SiblingInfo
from .lines import highlight, one_line
from .sizing import set_virtual_size
from .message_view import ESTIMATE_ALL_UP_TO, ESTIMATE_AROUND, FAR_GUESS, FOLD_KEEP, FOLD_OVER, INDENT, BodyRenderer
from .message_view import ToolIndex, divider, estimate, header_text, levels, to_strips


def is_boundary(message: Message) -> bool:
    """True for a compaction boundary (drawn as a divider)."""
    return payloads.is_boundary(message.data)


class Transcript(ScrollView, can_focus=True):
    """The active path with a selected message; folds, tool calls and Markdown."""

    COMPONENT_CLASSES = {
        "transcript--cursor",
        "transcript--user",
        "transcript--assistant",
        "transcript--tool",
        "transcript--system",
        "transcript--meta",
        "transcript--siblings",
        "transcript--fold",
        "transcript--divider",
        "transcript--tool-line",
        "transcript--output",
        "transcript--error",
        "transcript--thinking",
        "transcript--empty",
    }
    """Styles of the parts of a block; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    Transcript { height: 1fr; scrollbar-size-horizontal: 0; }
    Transcript > .transcript--cursor { background: $foreground 15%; text-style: bold; }
    Transcript:focus > .transcript--cursor { background: $accent 50%; text-style: bold; }
    Transcript > .transcript--user { color: $success; text-style: bold; }
    Transcript > .transcript--assistant { color: $accent; text-style: bold; }
    Transcript > .transcript--tool { color: $warning; }
    Transcript > .transcript--system { color: $secondary; text-style: bold; }
    Transcript > .transcript--meta { color: $text-muted; }
    Transcript > .transcript--siblings { color: $warning; text-style: bold; }
    Transcript > .transcript--fold { color: $text-muted; text-style: italic; }
    Transcript > .transcript--divider { color: $secondary; }
    Transcript > .transcript--tool-line { color: $text-muted; }
    Transcript > .transcript--output { color: $text; }
    Transcript > .transcript--error { color: $error; text-style: bold; }
    Transcript > .transcript--thinking { color: $text-muted; text-style: italic; }
    Transcript > .transcript--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("transcript")

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `path` of the selected message."""

    @dataclass
    class Selected(TextualMessage):
        """The selection moved to another message."""

        transcript: Transcript
        message: Message | None

        @property
        def control(self) -> Transcript:
            """The transcript, so `@on(Transcript.Selected, "#selector")` works."""
            return self.transcript

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A transcript; `tz` is the zone header times are shown in (default: local)."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._tz = tz
        self._thread: Thread | None = None
        self._path: list[Message] = []
        self._index: dict[int, int] = {}
        self._siblings: dict[int, SiblingInfo] = {}
        self._expanded: dict[int, int] = {}
        """How far each opened message is opened (1, 2); absent: folded."""
        self._tools = ToolIndex()
        self._heights: list[int] = []
        self._offsets: list[int] = [0]
        self._exact: list[bool] = []
        self._known: dict[tuple[int, int], int] = {}
        self._layout_width = 0
        self._bodies: LRUCache[tuple[int, int, int], list[Strip]] = LRUCache(2048)
        self._totals: dict[tuple[int, int], int] = {}

    # ------------------------------------------------------------------ data

    @property
    def thread(self) -> Thread | None:
        """The thread shown."""
        return self._thread

    @property
    def path(self) -> list[Message]:
        """The messages shown, root first."""
        return self._path

    @property
    def selected(self) -> Message | None:
        """The selected message."""
        return self._path[self.cursor] if 0 <= self.cursor < len(self._path) else None

    def sibling_info(self, message_id: int) -> SiblingInfo | None:
        """(position, count) of a message with siblings, else None."""
        return self._siblings.get(message_id)

    def show_path(
        self,
        thread: Thread | None,
        path: list[Message],
        siblings: dict[int, SiblingInfo],
        *,
        select_id: int | None = None,
    ) -> None:
        """Show `path` (root first) of `thread`; `siblings` maps message ids to ‹n/m›.

        The same thread again (a refresh) keeps the selected message and the scroll
        position; when the selection was on the last message, it follows the new last
        one (so a growing thread stays in view). `select_id` selects that message.
        """
        same = thread is not None and self._thread is not None and thread.id == self._thread.id
        previous = self.selected if same else None
        following = same and (not self._path or self.cursor >= len(self._path) - 1)
        at_bottom = same and self.scroll_y >= self.max_scroll_y
        if not same:
            self._expanded.clear()
            self._known.clear()
        self._thread = thread
        self._path = list(path) if thread is not None else []
        self._index = {m.id: i for i, m in enumerate(self._path)}
        self._siblings = dict(siblings)
        self._tools = ToolIndex.of(self._path)
        self._bodies.clear()  # a result arriving changes the block of the call it answers
        target = len(self._path) - 1
        if select_id is not None and select_id in self._index:
            target = self._index[select_id]
        elif previous is not None and not following and previous.id in self._index:
            target = self._index[previous.id]
        self._relayout(around=target)
        self.set_reactive(Transcript.cursor, max(0, target))
        if not same:
            self.scroll_to(y=0, animate=False, immediate=True)
        if select_id is not None or not same or (following and at_bottom):
            self.call_after_refresh(self.scroll_to_cursor)
        self.refresh()
        self.post_message(self.Selected(self, self.selected))

    def mark_siblings(self, path: list[Message], siblings: dict[int, SiblingInfo]) -> None:
        """Set the ‹k/n› marks of the path shown (on a first open they come after the
        path). `path` is the same messages read again with the rest of the thread: they
        replace the ones shown, so there is one copy; nothing is laid out again (a mark
        never changes a block's height)."""
        if len(path) != len(self._path) or (path and path[-1].id != self._path[-1].id):
            raise ValueError("mark_siblings keeps the path shown; use show_path for another")
        self._path = list(path)
        self._siblings = dict(siblings)
        self.refresh()

    def extend_path(self, thread: Thread, added: list[Message], siblings: dict[int, SiblingInfo]) -> None:
        """Append `added` after the path shown (the thread grew under its head).

        Only the new messages are laid out; selection and scrolling behave as in
        `show_path` on a refresh: a selection on the last message follows the new last.
        """
        if self._thread is None or self._thread.id != thread.id or not added:
            raise ValueError("extend_path continues the thread shown; use show_path otherwise")
        following = not self._path or self.cursor >= len(self._path) - 1
        at_bottom = self.scroll_y >= self.max_scroll_y
        self._thread = thread
        start = len(self._path)
        self._path.extend(added)
        self._index.update((m.id, start + i) for i, m in enumerate(added))
        self._siblings = dict(siblings)
        self._tools.extend(added)
        self._bodies.clear()  # a result arriving changes the block of the call it answers
        if self._width() != self._layout_width:
            self._relayout()
        else:
            width = self._layout_width
            for message in added:
                self._heights.append(estimate(message, width, self._expanded.get(message.id, 0)))
                self._exact.append(False)
            self._offsets.extend(itertools.accumulate(self._heights[start:], initial=self._offsets[-1]))
            del self._offsets[start + 1]  # `initial` repeated the old end
            set_virtual_size(self, Size(width, max(1, self._offsets[-1])))
        if following:
            self.set_reactive(Transcript.cursor, len(self._path) - 1)
            if at_bottom:
                self.call_after_refresh(self.scroll_to_cursor)
        self.refresh()
        if following:
            self.post_message(self.Selected(self, self.selected))

    # ------------------------------------------------------------------ layout

    def _width(self) -> int:
        # The width there really is: a floor above it would render lines wider than the
        # pane, and their ends would be cut off (issue 10 item 20).
        return max(1, self.scrollable_content_region.width or self.size.width or 80)

    def _relayout(self, around: int | None = None) -> None:
        """Heights for every message: known exact ones, else estimates.

        On a long path only the messages near `around` (default: the selection) and near
        the end are estimated; the others count FAR_GUESS lines until they scroll into
        view and are measured (`_settle`), so opening 10,000 messages costs no more than
        opening a few thousand.
        """
        width = self._width()
        if width != self._layout_width:
            self._known.clear()
            self._layout_width = width
        count = len(self._path)
        centre = self.cursor if around is None else around
        near_from, near_to, tail_from = 0, count, 0
        if count > ESTIMATE_ALL_UP_TO:
            near_from, near_to = centre - ESTIMATE_AROUND, centre + ESTIMATE_AROUND
            tail_from = count - ESTIMATE_AROUND
        heights: list[int] = []
        exact: list[bool] = []
        for index, message in enumerate(self._path):
            level = self._expanded.get(message.id, 0)
            known = self._known.get((message.id, level))
            if known is None:
                near = index >= tail_from or near_from <= index < near_to
                heights.append(estimate(message, width, level) if near else FAR_GUESS)
                exact.append(False)
            else:
                heights.append(known)
                exact.append(True)
        self._heights = heights
        self._exact = exact
        self._offsets = [0, *itertools.accumulate(heights)]
        self.virtual_size = Size(width, max(1, self._offsets[-1]))

    def _locate(self, y: int) -> tuple[int, int]:
        """(message index, line within its block) of virtual line `y`."""
        index = bisect.bisect_right(self._offsets, y) - 1
        index = max(0, min(index, len(self._path) - 1))
        return index, y - self._offsets[index]

    def _make_exact(self, index: int) -> int:
        """Render message `index` so its height is exact; the change in height."""
        if self._exact[index]:
            return 0
        message = self._path[index]
        level = self._expanded.get(message.id, 0)
        real = len(self._body(message, self._layout_width, level)) + (1 if is_boundary(message) else 2)
        self._known[(message.id, level)] = real
        self._exact[index] = True
        delta = real - self._heights[index]
        self._heights[index] = real
        return delta

    def _patch_offsets(self) -> None:
        self._offsets = [0, *itertools.accumulate(self._heights)]
        set_virtual_size(self, Size(self._layout_width, max(1, self._offsets[-1])))

    def _settle(self) -> None:
        """Render the blocks on screen so their heights are exact; patch the layout."""
        if not self._path:
            return
        top = round(self.scroll_y)
        height = max(1, self.size.height)
        cursor_shown = self._cursor_fits(top, height)
        # A scrollbar appearing narrows the content without a resize event: lay out again.
        changed = self._width() != self._layout_width
        if changed:
            self._relayout()
        index, _ = self._locate(top)
        offset = self._offsets[index]
        shift = 0
        patched = False
        while index < len(self._path) and offset < top + shift + height:
            delta = self._make_exact(index)
            if delta:
                patched = True
                if offset < top:
                    shift += delta
            offset += self._heights[index]
            index += 1
        if patched:
            self._patch_offsets()
        if shift:
            new_y = max(0, min(top + shift, self._offsets[-1] - height))
            self.set_reactive(ScrollView.scroll_y, new_y)
            self.set_reactive(ScrollView.scroll_target_y, new_y)
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.position = new_y
        if (changed or patched) and cursor_shown and not self._cursor_fits(round(self.scroll_y), height):
            # The layout moved under a selection that was in view (a block grew, or the
            # width changed): follow it once this frame is out, so the selection never
            # leaves the screen because an estimate was short.
            self.call_after_refresh(self.scroll_to_cursor)

    def _cursor_fits(self, top: int, height: int) -> bool:
        """Whether the selected block (as much of it as the view holds) shows from `top`."""
        if not 0 <= self.cursor < len(self._path):
            return False
        first = self._offsets[self.cursor]
        return top <= first and first + min(self._heights[self.cursor], height) <= top + height

    def render_lines(self, crop: Region) -> list[Strip]:
        self._settle()
        return super().render_lines(crop)

    def on_resize(self) -> None:
        self._relayout()
        self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._bodies.clear()
        self._known.clear()

    # ------------------------------------------------------------------ keys

    def watch_cursor(self, old: int, new: int) -> None:
        before = round(self.scroll_y)
        self.scroll_to_cursor()
        if round(self.scroll_y) == before:
            for index in (old, new):  # only the two blocks whose marker changed
                if 0 <= index < len(self._path):
                    top = self._offsets[index] - before
                    self.refresh(Region(0, top, self.size.width, self._heights[index]))
        else:
            self.refresh()
        self.post_message(self.Selected(self, self.selected))

    def scroll_to_cursor(self) -> None:
        """Scroll so the selected message's header (and as much of it as fits) shows.

        The blocks a screen above and below the selection are rendered first, so the
        offsets the scroll uses are the ones the screen will be drawn with.
        """
        if not self._path or not 0 <= self.cursor < len(self._path):
            return
        if self._width() != self._layout_width:
            self._relayout()
        view = max(1, self.size.height)
        changed = bool(self._make_exact(self.cursor))
        for step in (-1, 1):
            index, covered = self.cursor + step, 0
            while 0 <= index < len(self._path) and covered < view:
                changed = bool(self._make_exact(index)) or changed
                covered += self._heights[index]
                index += step
        if changed:
            self._patch_offsets()
        top = self._offsets[self.cursor]
        height = self._heights[self.cursor]
        region = Region(0, top, 1, max(1, min(height, view)))
        self.scroll_to_region(region, animate=False, force=True, x_axis=False, immediate=True)

    def action_cursor_down(self) -> None:
        """Select the next message."""
        if self.cursor < len(self._path) - 1:
            self.cursor += 1
        else:
            self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        """Select the previous message."""
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_first(self) -> None:
        """Select the first message."""
        self.cursor = 0

    def action_cursor_last(self) -> None:
        """Select the last message (the head)."""
        self.cursor = max(0, len(self._path) - 1)

    def action_page(self, direction: int) -> None:
        """Select the message a screen further down (or up)."""
        if not self._path:
            return
        target_line = self._offsets[self.cursor] + direction * max(1, self.size.height - 1)
        index, _ = self._locate(max(0, target_line))
        if index == self.cursor:
            index = max(0, min(len(self._path) - 1, index + direction))
        self.cursor = index

    def action_open(self) -> None:
        """Open the selected message (whole inputs, outputs to a screenful), further, or fold it again."""
        message = self.selected
        if message is None:
            return
        level = self._expanded.get(message.id, 0) + 1
        if level > levels(message, self._tools):
            self._expanded.pop(message.id, None)
        else:
            self._expanded[message.id] = level
        self._relayout()
        self.scroll_to_cursor()
        self.refresh()

    def is_expanded(self, message_id: int) -> bool:
        """True when the message is unfolded."""
        return message_id in self._expanded

    def tool_name(self, result_id: str) -> str | None:
        """The name of the call a tool result answers, when that call is on the path."""
        call = self._tools.calls.get(result_id)
        return call.get("name") if call else None

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._path:
            return
        index, line = self._locate(offset.y + round(self.scroll_y))
        if index == self.cursor and line > 0:
            self.action_open()
        self.cursor = index

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        if not self._path:
            if y == 0:
                text = "No thread open — choose one in Threads and press enter" if self._thread is None else "This thread has no messages yet — press f to write one"
                return one_line(Text(f" {text}", style=self.get_component_rich_style("transcript--empty")), width, self.app.console, self.rich_style)
            return Strip.blank(width, self.rich_style)
        line_y = y + round(self.scroll_y)
        if line_y >= self._offsets[-1]:
            return Strip.blank(width, self.rich_style)
        index, line = self._locate(line_y)
        message = self._path[index]
        selected = index == self.cursor
        if line == 0:
            strip = self._header(message, width, selected)
        else:
            body = self._body(message, self._layout_width, self._expanded.get(message.id, 0))
            if line - 1 < len(body):
                strip = body[line - 1].crop_extend(0, width, self.rich_style)
            else:
                strip = Strip.blank(width, self.rich_style)
        if selected and line <= self._heights[index] - 2:
            bar = Segment("▌" if line else "", self.get_component_rich_style("transcript--siblings"))
            if line:
                strip = Strip([bar, *strip.crop(1, width)], width)
        return strip

    def _time(self, moment: datetime) -> str:
        return moment.astimezone(self._tz).strftime("%H:%M") if self._tz else moment.astimezone().strftime("%H:%M")

    def _header(self, message: Message, width: int, selected: bool) -> Strip:
        is_head = self._thread is not None and message.id == self._thread.current_leaf_id
        text = header_text(
            message, self._siblings.get(message.id), self._tools, self._time(message.created_at), selected, is_head,
            self.get_component_rich_style,
        )
        strip = one_line(text, width, self.app.console, self.rich_style)
        if selected:
            strip = highlight(strip, self.get_component_rich_style("transcript--cursor"))
        return strip

    def _body(self, message: Message, width: int, level: int) -> list[Strip]:
        key = (message.id, width, level)
        cached = self._bodies.get(key)
        if cached is None:
            cached = self._render_body(message, width, level)
            self._bodies[key] = cached
        return cached

    def _render_body(self, message: Message, width: int, level: int) -> list[Strip]:
        style = self.get_component_rich_style
        pad = Segment(" " * INDENT)
        if is_boundary(message):
            return [divider(message, width, pad, self.app.console, style)]
        rows = BodyRenderer(self.app.console, style).render(message, max(1, width - INDENT - 1), level, self._tools)
        return to_strips(rows, pad)


__all__ = ["FOLD_KEEP", "FOLD_OVER", "Transcript", "is_boundary"]
