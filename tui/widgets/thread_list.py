"""ThreadList: every thread, one line each, drawn with the line API.

A line reads `● Fix flaky login test      31 ⑂3 2h`: status glyph, title, message count,
branches (leaves) when there is more than one, age; on wide panes the source too.
Child threads (a subagent's transcript, a fork made with `b`) sit under their parent
with `↳`. Ten thousand threads are ten thousand small tuples; lines are rendered when
they scroll into view and cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import payloads
from store import Thread, ThreadStatus

from ..actions import bindings
from ..safe_text import clean_line
from ..timefmt import relative_time
from .cursor import CursorKeys
from .lines import fit, highlight, one_line

STATUS_GLYPHS: dict[ThreadStatus, str] = {
    ThreadStatus.IDLE: "○",
    ThreadStatus.RUNNING: "◐",
    ThreadStatus.WAITING: "◔",
    ThreadStatus.COMPLETED: "●",
    ThreadStatus.FAILED: "✗",
    ThreadStatus.CANCELLED: "⊘",
}
SOURCE_TAGS = {"claude-code": "claude", "codex": "codex", "chatgpt": "chatgpt", "grove": "grove"}


@dataclass(frozen=True)
class Row:
    """One line of the list."""

    thread: Thread
    depth: int
    """0 for a top-level thread, 1+ under a parent thread."""


def arrange(threads: list[Thread]) -> list[Row]:
    """Threads in list order with each child (subagent, fork) right under its parent."""
    by_id = {t.id: t for t in threads}
    children: dict[int, list[Thread]] = {}
    roots: list[Thread] = []
    for thread in threads:
        parent = thread.parent_thread_id or thread.forked_from_thread_id
        if parent is not None and parent in by_id and parent != thread.id:
            children.setdefault(parent, []).append(thread)
        else:
            roots.append(thread)
    rows: list[Row] = []
    seen: set[int] = set()
    stack: list[tuple[Thread, int]] = [(t, 0) for t in reversed(roots)]
    while stack:
        thread, depth = stack.pop()
        if thread.id in seen:
            continue
        seen.add(thread.id)
        rows.append(Row(thread, depth))
        for child in reversed(children.get(thread.id, [])):
            stack.append((child, depth + 1))
    for thread in threads:  # a cycle of parents would leave some out; never lose a thread
        if thread.id not in seen:
            rows.append(Row(thread, 0))
    return rows


class ThreadList(CursorKeys, ScrollView, can_focus=True):
    """The threads with a cursor; enter opens the thread under it."""

    COMPONENT_CLASSES = {
        "thread-list--cursor",
        "thread-list--open",
        "thread-list--glyph",
        "thread-list--title",
        "thread-list--meta",
        "thread-list--archived",
        "thread-list--child",
        "thread-list--empty",
    }
    """Styles of the parts of a line; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    ThreadList { height: 1fr; scrollbar-size-horizontal: 0; }
    ThreadList > .thread-list--cursor { background: $foreground 15%; text-style: bold; }
    ThreadList:focus > .thread-list--cursor { background: $accent 50%; text-style: bold; }
    ThreadList > .thread-list--open { text-style: bold; }
    ThreadList > .thread-list--glyph { color: $accent; }
    ThreadList > .thread-list--title { color: $text; }
    ThreadList > .thread-list--meta { color: $text-muted; }
    ThreadList > .thread-list--archived { color: $text-disabled; }
    ThreadList > .thread-list--child { color: $secondary; }
    ThreadList > .thread-list--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("threads")

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `rows` of the thread under the cursor."""

    @dataclass
    class ThreadChosen(TextualMessage):
        """The user pressed enter on a thread."""

        thread_list: ThreadList
        thread: Thread

        @property
        def control(self) -> ThreadList:
            """The list, so `@on(ThreadList.ThreadChosen, "#selector")` works."""
            return self.thread_list

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A thread list; `clock` gives "now" for ages."""
        super().__init__(name=name, id=id, classes=classes)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._rows: list[Row] = []
        self._open_id: int | None = None
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self.empty_text = "No threads"
        """What the list says when there is nothing to show."""

    @property
    def rows(self) -> list[Row]:
        """The lines, in order."""
        return self._rows

    @property
    def selected(self) -> Thread | None:
        """The thread under the cursor."""
        return self._rows[self.cursor].thread if 0 <= self.cursor < len(self._rows) else None

    def show_threads(self, threads: list[Thread], *, open_id: int | None = None) -> None:
        """Show `threads` (newest first); the cursor stays on the same thread when it can."""
        previous = self.selected
        self._rows = arrange(threads)
        self._open_id = open_id
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self._rows)))
        target = 0
        if previous is not None:
            target = next((i for i, r in enumerate(self._rows) if r.thread.id == previous.id), min(self.cursor, max(0, len(self._rows) - 1)))
        self.set_reactive(ThreadList.cursor, target)
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def replace_threads(self, threads: list[Thread]) -> None:
        """New versions of listed threads whose place does not change (a live update)."""
        by_id = {t.id: t for t in threads}
        for index, row in enumerate(self._rows):
            if row.thread.id in by_id:
                self._rows[index] = Row(by_id[row.thread.id], row.depth)
        self._cache.clear()
        self.refresh()

    def select_thread(self, thread_id: int) -> None:
        """Move the cursor to a thread, if it is listed."""
        for index, row in enumerate(self._rows):
            if row.thread.id == thread_id:
                self.cursor = index
                return

    def mark_open(self, thread_id: int | None) -> None:
        """Show which thread the transcript has open."""
        self._open_id = thread_id
        self._cache.clear()
        self.refresh()

    # ------------------------------------------------------------------ keys

    @property
    def cursor_count(self) -> int:
        return len(self._rows)

    def action_page(self, direction: int) -> None:
        """A screen further down (or up)."""
        self.move_cursor_by(max(1, self.size.height - 1) * direction)

    def action_choose(self) -> None:
        """Open the thread under the cursor."""
        if (thread := self.selected) is not None:
            self.post_message(self.ThreadChosen(self, thread))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        for index in (old, new):
            y = index - round(self.scroll_y)
            if 0 <= y < self.size.height:
                self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, x_axis=False, immediate=True)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._rows):
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.cursor = index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self._rows)))

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = y + round(self.scroll_y)
        if not self._rows:
            if y == 0:
                text = Text(f" {self.empty_text}", style=self.get_component_rich_style("thread-list--empty"))
                return one_line(text, width, self.app.console, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        key = (index, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._line(self._rows[index], width)
            self._cache[key] = strip
        if index == self.cursor:
            strip = highlight(strip, self.get_component_rich_style("thread-list--cursor"))
        return strip

    def _line(self, row: Row, width: int) -> Strip:
        style = self.get_component_rich_style
        thread = row.thread
        meta = f"{thread.message_count}"
        if thread.leaf_count > 1:
            meta += f" ⑂{thread.leaf_count}"
        meta += f" {relative_time(thread.updated_at, self._clock())}"
        if width >= 56:
            meta += f" {SOURCE_TAGS.get(thread.source, clean_line(thread.source)[:8])}"
        project = clean_line(payloads.project_name(thread.project))
        if project and width >= 40:
            meta = f"{fit(project, 12 if width >= 50 else 9)} {meta}"
        text = Text(no_wrap=True, end="")
        text.append(" ")
        if row.depth:
            text.append("  " * (row.depth - 1) + "↳ ", style=style("thread-list--child"))
        text.append(STATUS_GLYPHS.get(thread.status, "?") + " ", style=style("thread-list--glyph"))
        title_style = style("thread-list--archived" if thread.archived else "thread-list--title")
        if thread.id == self._open_id:
            title_style = title_style + style("thread-list--open")
        title = clean_line(thread.title or "Untitled")
        if thread.archived:
            title = "▪ " + title
        room = max(4, width - text.cell_len - len(meta) - 2)
        if len(title) > room:
            title = title[: room - 1] + "…"
        text.append(title.ljust(room), style=title_style)
        text.append(" " + meta, style=style("thread-list--meta"))
        return one_line(text, width, self.app.console, self.rich_style)


__all__ = ["Row", "STATUS_GLYPHS", "ThreadList", "arrange"]
