"""ThreadList: every thread, one line each, drawn with the line API.

A line reads `● Fix flaky login test      31 ⑂3 2h`: status glyph, title, message count,
branches (leaves) when there is more than one, age; on wide panes the source too.
Child threads (a subagent's transcript, a fork made with `b`) sit under their parent
with `↳`. Ten thousand threads are ten thousand small tuples; the cursor, paging and the
cache of rendered lines are `LineList`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.strip import Strip

from store import payloads
from store import Source, Thread, ThreadStatus

from ..actions import bindings
from ..safe_text import clean_line
from ..timefmt import relative_time
from .line_list import LineList
from .lines import fit, one_line

STATUS_GLYPHS: dict[ThreadStatus, str] = {
    ThreadStatus.IDLE: "○",
    ThreadStatus.RUNNING: "◐",
    ThreadStatus.WAITING: "◔",
    ThreadStatus.COMPLETED: "●",
    ThreadStatus.FAILED: "✗",
    ThreadStatus.CANCELLED: "⊘",
}
SOURCE_TAGS: dict[str, str] = {source: source.value.removesuffix("-code") for source in Source}


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


class ThreadList(LineList[Row]):
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

    CURSOR_CLASS = "thread-list--cursor"
    EMPTY_CLASS = "thread-list--empty"

    @dataclass
    class ThreadChosen(LineList.Chosen):
        """The user pressed enter on a thread."""

        @property
        def thread_list(self) -> ThreadList:
            """The list the thread was chosen in."""
            return self.line_list  # type: ignore[return-value]

        @property
        def thread(self) -> Thread:
            """The chosen thread."""
            return self.item.thread

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
        self._open_id: int | None = None
        self.empty_text = "No threads"

    @property
    def rows(self) -> list[Row]:
        """The lines, in order."""
        return self.items

    @property
    def selected(self) -> Thread | None:
        """The thread under the cursor."""
        row = self.selected_item
        return row.thread if row is not None else None

    def item_key(self, item: Row) -> int:
        return item.thread.id

    def make_chosen(self, item: Row) -> ThreadList.ThreadChosen:
        return self.ThreadChosen(self, item)

    def show_threads(self, threads: list[Thread], *, open_id: int | None = None) -> None:
        """Show `threads` (newest first); the cursor stays on the same thread when it can."""
        self._open_id = open_id
        self.set_items(arrange(threads), fallback=self.cursor)

    def replace_threads(self, threads: list[Thread]) -> None:
        """New versions of listed threads whose place does not change (a live update)."""
        by_id = {t.id: t for t in threads}
        self.replace_items({i: Row(by_id[r.thread.id], r.depth) for i, r in enumerate(self.items) if r.thread.id in by_id})

    def select_thread(self, thread_id: int) -> None:
        """Move the cursor to a thread, if it is listed."""
        for index, row in enumerate(self.items):
            if row.thread.id == thread_id:
                self.cursor = index
                return

    def mark_open(self, thread_id: int | None) -> None:
        """Show which thread the transcript has open."""
        self._open_id = thread_id
        self.clear_cache()

    def render_item_line(self, item: Row, part: int, width: int, selected: bool) -> Strip:
        return self._line(item, width)

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
