"""SearchResults: matched threads and messages, drawn with the line API.

Each result is two lines: where it is (thread title · role · time · active path or
branch) and a snippet with the matched words highlighted. Highlights come from the
offsets the store computed, never from markup in the text, and the text is cleaned of
terminal control sequences first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message as TextualMessage
from textual.strip import Strip

from store import SearchHit, Thread

from ..safe_text import clean_line
from .line_list import LineList
from ..timefmt import relative_time

LINES_PER_RESULT = 2


@dataclass(frozen=True)
class ThreadResult:
    """A thread whose title matched."""

    thread: Thread


@dataclass(frozen=True)
class MessageResult:
    """A message that matched, and whether it lies on its thread's active path."""

    hit: SearchHit
    on_active_path: bool | None = None


Result = ThreadResult | MessageResult


def highlighted_snippet(snippet: str, highlights: list[tuple[int, int]], match_style: Style | str = "bold reverse") -> Text:
    """The snippet as Text, cleaned piece by piece so the highlight offsets stay right."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    cursor = 0
    for start, end in sorted(highlights):
        if start < cursor:
            continue
        text.append(clean_line(snippet[cursor:start]))
        text.append(clean_line(snippet[start:end]), style=match_style)
        cursor = end
    text.append(clean_line(snippet[cursor:]))
    return text


class SearchResults(LineList[Result], can_focus=False):
    """Search results with a cursor; the search screen owns the focus and the keys."""

    COMPONENT_CLASSES = {
        "search-results--cursor",
        "search-results--match",
        "search-results--where",
        "search-results--branch",
        "search-results--active",
    }

    DEFAULT_CSS = """
    SearchResults {
        height: 1fr;
        background: $surface;
    }
    SearchResults > .search-results--cursor { background: $accent 50%; text-style: bold; }
    SearchResults > .search-results--match { text-style: bold reverse; color: $warning; }
    SearchResults > .search-results--where { color: $text-muted; }
    SearchResults > .search-results--branch { color: $warning; }
    SearchResults > .search-results--active { color: $success; }
    """

    BINDINGS: ClassVar[list[BindingType]] = []
    """None: the search screen keeps the focus in its field and moves the cursor."""

    CURSOR_CLASS = "search-results--cursor"

    @dataclass
    class NearEnd(TextualMessage):
        """The cursor came close to the last loaded result: time to load more."""

        results: SearchResults

        @property
        def control(self) -> SearchResults:
            return self.results

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.empty_text = ""

    @property
    def results(self) -> list[Result]:
        """What is shown, in order."""
        return self.items

    @property
    def selected(self) -> Result | None:
        """The result under the cursor."""
        return self.selected_item

    def line_width(self) -> int:
        return self.size.width

    def item_height(self, item: Result) -> int:
        return LINES_PER_RESULT

    def show_results(self, results: list[Result], *, keep_cursor: bool = False) -> None:
        """Replace what is shown; `keep_cursor` keeps the cursor's place (more of the same results)."""
        if not keep_cursor or self.cursor >= len(results):
            self.scroll_to(y=0, animate=False)
            self.set_items(results, keep=False)
        else:
            self.set_items(results, fallback=self.cursor, keep=False)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        if new >= len(self.items) - 5:
            self.post_message(self.NearEnd(self))

    def render_item_line(self, item: Result, part: int, width: int, selected: bool) -> Strip:
        text = self._line_text(item, part, selected)
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)

    def _line_text(self, result: Result, part: int, selected: bool) -> Text:
        where_style = self.get_component_rich_style("search-results--where")
        marker = "▌ " if selected else "  "
        if isinstance(result, ThreadResult):
            thread = result.thread
            if part == 0:
                text = Text(marker, end="")
                text.append("thread  ", style=where_style)
                text.append(clean_line(thread.title or "Untitled"), style=Style(bold=True))
                return text
            source = clean_line(thread.source)[:20]  # from the file it came from: outside text
            detail = f"    {thread.message_count} msgs · {source} · {relative_time(thread.updated_at, self._clock())}"
            return Text(detail, style=where_style, end="")
        hit = result.hit
        if part == 0:
            text = Text(marker, end="")
            text.append(clean_line(hit.thread_title or "Untitled"), style=Style(bold=True))
            text.append(f" · {hit.role.value} · {relative_time(hit.created_at, self._clock())}", style=where_style)
            if result.on_active_path is True:
                text.append(" · active path", style=self.get_component_rich_style("search-results--active"))
            elif result.on_active_path is False:
                text.append(" · abandoned branch", style=self.get_component_rich_style("search-results--branch"))
            return text
        match_style = self.get_component_rich_style("search-results--match")
        snippet = highlighted_snippet(hit.snippet, hit.highlights, match_style)
        return Text("    ", end="") + snippet

