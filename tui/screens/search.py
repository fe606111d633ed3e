"""The search screen: type to find any message or thread title, enter to jump there.

Results follow the typing: every keystroke restarts one exclusive worker, so a slow
query never holds up the keys. The screen dismisses with a `SearchJump` (or None); the
app then opens the thread with the head moved so the hit is on the active path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store import Role, Source, Store

from ..actions import bindings
from ..widgets.search_results import MessageResult, Result, SearchResults, ThreadResult
from ..key_hold import release_after_focus
from ..workers import ReportsWorkerFailures

PAGE = 50
ROLES: tuple[Role | None, ...] = (None, Role.USER, Role.ASSISTANT, Role.TOOL, Role.SYSTEM)
SOURCES: tuple[str | None, ...] = (None, *Source)


@dataclass(frozen=True)
class SearchJump:
    """Where the person chose to go: a thread, and the message in it (None: just the thread)."""

    thread_id: int
    message_id: int | None


class SearchScreen(ReportsWorkerFailures, ModalScreen[SearchJump | None]):
    """Full-text search over every message (or one thread), with filters."""

    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen > Vertical {
        width: 90%;
        height: 85%;
        border: round $accent;
        border-title-color: $accent;
        background: $surface;
        padding: 0 1;
    }
    SearchScreen #search-filters { color: $text-muted; height: 1; }
    SearchScreen #search-status { color: $text-muted; height: 1; }
    SearchScreen Input, SearchScreen Input:focus { border: none; height: 1; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("search")

    def __init__(
        self,
        store: Store,
        *,
        thread_id: int | None = None,
        query: str = "",
        clock: Callable[[], datetime] | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self._store = store
        self._current_thread = thread_id
        self._initial_query = query
        self._clock = clock
        self._cursor_blink = cursor_blink
        self.this_thread_only = False
        """Search only the thread that was open when the screen opened."""
        self.role_index = 0
        self.source_index = 0
        self._limit = PAGE
        self._exhausted = False

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Search"
            query = Input(
                value=self._initial_query,
                placeholder="words to find (the last one may be cut short)…",
                id="search-input",
            )
            query.cursor_blink = self._cursor_blink
            yield query
            yield Static(id="search-filters")
            yield SearchResults(clock=self._clock, id="search-results")
            yield Static(id="search-status")

    def on_mount(self) -> None:
        self._show_filters()
        self.query_one(Input).focus()
        release_after_focus(self.app)
        if self._initial_query:
            self._restart()

    @property
    def results(self) -> SearchResults:
        """The results list."""
        return self.query_one(SearchResults)

    # ------------------------------------------------------------------ filters

    def _show_filters(self) -> None:
        scope = "this thread" if self.this_thread_only else "all threads"
        role = ROLES[self.role_index]
        source = SOURCES[self.source_index]
        self.query_one("#search-filters", Static).update(
            f"scope: {scope} (ctrl+t) · role: {role.value if role else 'any'} (ctrl+r)"
            f" · source: {source or 'any'} (ctrl+o)"
        )

    def action_toggle_scope(self) -> None:
        if self._current_thread is None:
            self.notify("No thread is open, so search covers every thread.", severity="warning")
            return
        self.this_thread_only = not self.this_thread_only
        self._show_filters()
        self._restart()

    def action_cycle_role(self) -> None:
        self.role_index = (self.role_index + 1) % len(ROLES)
        self._show_filters()
        self._restart()

    def action_cycle_source(self) -> None:
        self.source_index = (self.source_index + 1) % len(SOURCES)
        self._show_filters()
        self._restart()

    # ------------------------------------------------------------------ searching

    @on(Input.Changed, "#search-input")
    def _query_changed(self) -> None:
        self._restart()

    def _restart(self) -> None:
        self._limit = PAGE
        self._exhausted = False
        self.run_search(self.query_one(Input).value, keep_cursor=False)

    @on(SearchResults.NearEnd)
    def _load_more(self) -> None:
        if self._exhausted:
            return
        self._limit += PAGE
        self.run_search(self.query_one(Input).value, keep_cursor=True)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, text: str, keep_cursor: bool) -> None:
        """Run the query with the current filters and show what it finds."""
        role = ROLES[self.role_index]
        source = SOURCES[self.source_index]
        thread_id = self._current_thread if self.this_thread_only else None
        results: list[Result] = []
        if text.strip() and thread_id is None and role is None:
            threads = await self._store.list_threads(query=text.strip(), include_archived=True, source=source, limit=5)
            results += [ThreadResult(t) for t in threads]
        hits = await self._store.search(text, thread_id=thread_id, limit=self._limit, role=role, source=source)
        self._exhausted = len(hits) < self._limit
        on_path = await self._store.on_active_path(h.message_id for h in hits)
        results += [MessageResult(h, h.message_id in on_path) for h in hits]
        self.results.show_results(results, keep_cursor=keep_cursor)
        status = f"{len(hits)}{'' if self._exhausted else '+'} messages"
        if not text.strip():
            status = "Type to search every message and thread title."
        elif not results:
            status = "Nothing matches. Words are matched whole, except the last, which may be cut short."
        self.query_one("#search-status", Static).update(status)

    # ------------------------------------------------------------------ moving, choosing

    def action_move(self, step: int) -> None:
        if self.results.results:
            self.results.move_cursor_by(step)

    def action_jump(self) -> None:
        chosen = self.results.selected
        if isinstance(chosen, ThreadResult):
            self.dismiss(SearchJump(chosen.thread.id, None))
        elif isinstance(chosen, MessageResult):
            self.dismiss(SearchJump(chosen.hit.thread_id, chosen.hit.message_id))

    def action_close(self) -> None:
        self.dismiss(None)
