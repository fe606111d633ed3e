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

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import SearchHit, Thread

from ..safe_text import clean_line
from .lines import highlight
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


class SearchResults(ScrollView, can_focus=False):
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

    BINDINGS = [
        Binding("down", "cursor_down", "Next", show=False, id="search.next"),
        Binding("up", "cursor_up", "Previous", show=False, id="search.previous"),
    ]

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the selected result."""

    @dataclass
    class NearEnd(TextualMessage):
        """The cursor came close to the last loaded result: time to load more."""

        results: SearchResults

        @property
        def control(self) -> SearchResults:
            return self.results

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._results: list[Result] = []
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    @property
    def results(self) -> list[Result]:
        """What is shown, in order."""
        return self._results

    @property
    def selected(self) -> Result | None:
        """The result under the cursor."""
        return self._results[self.cursor] if 0 <= self.cursor < len(self._results) else None

    def show_results(self, results: list[Result], *, keep_cursor: bool = False) -> None:
        """Replace what is shown."""
        self._results = results
        if not keep_cursor or self.cursor >= len(results):
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self.virtual_size = Size(self.size.width, len(results) * LINES_PER_RESULT)
        self.refresh()

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region_of(new)
        self.refresh()
        if new >= len(self._results) - 5:
            self.post_message(self.NearEnd(self))

    def scroll_to_region_of(self, index: int) -> None:
        top = index * LINES_PER_RESULT
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + LINES_PER_RESULT > self.scroll_y + self.size.height:
            self.scroll_to(y=top + LINES_PER_RESULT - self.size.height, animate=False)

    def action_cursor_down(self) -> None:
        if self.cursor < len(self._results) - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        if self.cursor > 0:
            self.cursor -= 1

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        index, part = divmod(line, LINES_PER_RESULT)
        width = self.size.width
        if index >= len(self._results):
            return Strip.blank(width, self.rich_style)
        text = self._line_text(self._results[index], part)
        segments = list(text.render(self.app.console))
        strip = Strip(segments).crop_extend(scroll_x, scroll_x + width, self.rich_style)
        if index == self.cursor:
            strip = highlight(strip, self.get_component_rich_style("search-results--cursor"))
        return strip

    def _line_text(self, result: Result, part: int) -> Text:
        where_style = self.get_component_rich_style("search-results--where")
        marker = "▌ " if result is self.selected else "  "
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

