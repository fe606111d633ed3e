"""The main screen: Threads | Transcript | Tree · Timeline · Checkpoints.

This screen keeps the layout (which panes fit), the focus between panes, the thread
list (its filters, loading, live merging) and the wiring between the list and the
`ThreadPane`, which owns the open thread. What the keys do lives by topic in
`tui/flows/` (fork, rewind and undo in `moves.py`, …), mixed in here. Every store call
runs in a worker; a failure becomes a notification through `tui/workers.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import WorkerState

from store import Message, Source, Store, StoreError, Thread, ThreadStatus, payloads

from ..actions import PaletteTarget, bindings
from ..flows.checkpoints import CheckpointFlows
from ..flows.handoff import HandOffFlows
from ..flows.jumps import JumpFlows
from ..flows.sessions import SessionFlows
from ..heap import settle_heap
from ..safe_text import clean_line
from ..widgets.thread_list import ThreadList
from ..widgets.thread_pane import ThreadPane
from ..workers import ReportsWorkerFailures
from .help import HelpScreen
from .modals import ProjectScreen

STATUS_FILTERS: tuple[ThreadStatus | None, ...] = (None, *ThreadStatus)
SOURCE_FILTERS: tuple[str | None, ...] = (None, *Source)
ARCHIVE_FILTERS = ("hide", "include", "only")
RECENT_PAGE = 100
"""How many of the most recently updated threads a live refresh reads and merges."""
FULL_RELOAD_SECONDS = 5.0
"""While changes keep coming, reload the whole thread list at most this often."""
THREAD_LIMIT = 1_000_000
FIRST_PAGE = 200
"""On start, this many of the newest threads are shown before the whole list is read."""
SIDE_AUTO_WIDTH = 110
"""Below this many columns the side pane folds away (p shows it)."""
THREADS_AUTO_WIDTH = 70
"""Below this many columns the thread list folds away (l shows it)."""
TRANSCRIPT_MIN_WIDTH = 32
"""The transcript keeps at least this many columns; a pane that would leave it fewer folds away."""


def threads_width(width: int) -> int:
    """The thread list's columns in a terminal `width` wide (grove.tcss: 28%, 26..52)."""
    return min(52, max(26, width * 28 // 100))


def side_width(width: int) -> int:
    """The side pane's columns in a terminal `width` wide (grove.tcss: 30%, 34..64)."""
    return min(64, max(34, width * 30 // 100))


def fit_panes(width: int, threads: bool, side: bool, keep: str | None) -> tuple[bool, bool]:
    """Which of the thread list and the side pane fit beside a readable transcript.

    `keep` is the pane the person asked for last ("threads" or "side"): when both do not
    fit, the other one folds first.
    """
    def room(t: bool, s: bool) -> int:
        return width - (threads_width(width) if t else 0) - (side_width(width) if s else 0)

    if threads and side and room(True, True) < TRANSCRIPT_MIN_WIDTH:
        if keep == "threads":
            side = False
        else:
            threads = False
    if side and room(threads, True) < TRANSCRIPT_MIN_WIDTH:
        side = False
    if threads and room(True, side) < TRANSCRIPT_MIN_WIDTH:
        threads = False
    return threads, side

class MainScreen(PaletteTarget, SessionFlows, HandOffFlows, JumpFlows, CheckpointFlows, ReportsWorkerFailures):
    """The thread list and the thread pane, and every action on threads and messages."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("main")

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        cursor_blink: bool = True,
        poll_interval: float | None = 0.25,
    ) -> None:
        super().__init__()
        self.store = store
        """The open database."""
        self._clock = clock
        self._tz = tz
        self.cursor_blink = cursor_blink
        self._poll_interval = poll_interval
        self.status_filter = 0
        self.source_filter = 0
        self.archive_filter = 0
        self.project_filter: str | None = None
        """The project the thread list is narrowed to (P); None: every project."""
        self.show_hidden = False
        """Whether the thread list shows hidden threads (Claude Code warm-up sidechains)."""
        self._thread_count = 0
        self._data_version: int | None = None
        self._side_shown: bool | None = None
        self._threads_shown: bool | None = None
        self._asked_last: str | None = None
        """The pane (threads or side) the person showed last: it stays when both do not fit."""
        self.opened_first = False
        self._threads: list[Thread] = []
        self._total = 0
        self._latest: datetime | None = None
        self._full_at = 0.0
        self.marked: Message | None = None
        """The message `m` marked, which `=` compares another one with."""
        self._sibling_lock = asyncio.Lock()

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield ThreadList(clock=self._clock, id="threads")
            yield ThreadPane(self.store, clock=self._clock, tz=self._tz, id="thread-pane")
        yield Footer()

    async def on_mount(self) -> None:
        self._show_threads_title()
        self.thread_list.focus()
        self._apply_widths(self.size.width)
        self.load_threads(first=True)
        if self._poll_interval:
            self.set_interval(self._poll_interval, self._poll)

    def on_resize(self) -> None:
        self._apply_widths(self.size.width)

    def _apply_widths(self, width: int) -> None:
        side = self._side_shown if self._side_shown is not None else width >= SIDE_AUTO_WIDTH
        threads = self._threads_shown if self._threads_shown is not None else width >= THREADS_AUTO_WIDTH
        threads, side = fit_panes(width, threads, side, self._asked_last)
        self.pane.side.display = side
        self.thread_list.display = threads
        if self.focused is not None and not self.focused.display:
            self.transcript.focus()
        elif self.focused is not None and not side and self.focused in self.query("#side *"):
            self.transcript.focus()

    # ------------------------------------------------------------------ the thread list

    def _show_threads_title(self) -> None:
        parts = [f"Threads {self._thread_count}"]
        status = STATUS_FILTERS[self.status_filter]
        source = SOURCE_FILTERS[self.source_filter]
        if status is not None:
            parts.append(f"status: {status.value}")
        if source is not None:
            parts.append(f"source: {source}")
        if self.archive_filter == 1:
            parts.append("+archived")
        elif self.archive_filter == 2:
            parts.append("archived only")
        if self.project_filter is not None:
            parts.append(f"project: {clean_line(payloads.project_name(self.project_filter))}")
        if self.show_hidden:
            parts.append("+hidden")
        self.thread_list.border_title = Content(" · ".join(parts))
        self.thread_list.empty_text = "No threads match the filters (1 2 3 P change them)" if len(parts) > 1 else "No threads — n starts one"

    @work(exclusive=True, group="threads", exit_on_error=False)
    async def load_threads(self, first: bool = False, select_id: int | None = None) -> None:
        """Load every thread that passes the filters into the thread list."""
        status = STATUS_FILTERS[self.status_filter]
        filters: dict[str, Any] = {
            "status": status,
            "source": SOURCE_FILTERS[self.source_filter],
            "include_archived": self.archive_filter == 1,
            "archived_only": self.archive_filter == 2,
            "project": self.project_filter,
            "include_hidden": self.show_hidden,
        }
        paged = False
        if first:  # paint a screenful first; reading every thread takes a while on a big database
            page = await self.store.list_threads(**filters, limit=FIRST_PAGE)
            if len(page) == FIRST_PAGE:
                paged = True
                self.thread_list.show_threads(page)
        threads = await self.store.list_threads(**filters, limit=THREAD_LIMIT)
        if paged and self.thread_list.cursor == 0:  # the cursor never moved: start at the top, as without the page
            self.thread_list.show_threads([])
        self._threads = threads
        self._total = await self.store.count_threads(include_archived=True)
        self._latest = max((t.updated_at for t in threads), default=None)
        self._full_at = time.monotonic()
        self._thread_count = len(threads)
        self.thread_list.show_threads(threads, open_id=self.thread.id if self.thread else None)
        if select_id is not None:
            self.thread_list.select_thread(select_id)
        self._show_threads_title()
        settle_heap()
        if first:
            self._data_version = await self.store.data_version()
            if not threads and not await self.store.count_threads(include_archived=True):
                self.welcome()
            elif threads and self.view is None and not self.opened_first:
                self.opened_first = True
                self.pane.load_thread(self.thread_list.rows[0].thread.id)

    def _poll(self) -> None:
        # A check still under way is left to finish: starting another (an exclusive
        # worker) would cancel it halfway through applying a change whose data_version it
        # already recorded, and that change would never show (a loaded machine, a big delta).
        if not any(w.group == "poll" and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers):
            self.check_for_changes()

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def check_for_changes(self) -> None:
        """Refresh what another connection changed (another process, or our own writes)."""
        if any(w.group in ("thread", "threads") and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers):
            return  # a load is under way (after our own write, say); look again next tick
        version = await self.store.data_version()
        if version == self._data_version:
            return
        self._data_version = version
        await self._refresh_threads()
        view = self.view
        if view is None:
            return
        try:
            thread = await self.store.get_thread(view.thread.id)
        except StoreError:
            self.pane.close_thread()
            return
        mark = (thread.updated_at, thread.current_leaf_id, thread.message_count, thread.title, thread.status, thread.archived_at)
        old = view.thread
        if mark != (old.updated_at, old.current_leaf_id, old.message_count, old.title, old.status, old.archived_at):
            await self.pane.follow(thread)

    def _passes(self, thread: Thread) -> bool:
        """Whether a thread passes the thread list's filters."""
        status = STATUS_FILTERS[self.status_filter]
        source = SOURCE_FILTERS[self.source_filter]
        if status is not None and thread.status is not status:
            return False
        if source is not None and thread.source != source:
            return False
        if self.archive_filter == 0 and thread.archived:
            return False
        if self.project_filter is not None and thread.project != self.project_filter:
            return False
        if thread.hidden and not self.show_hidden:
            return False
        return not (self.archive_filter == 2 and not thread.archived)

    async def _refresh_threads(self) -> None:
        """Bring the thread list up to date cheaply: merge the recently updated threads.

        A whole reload of 10,000 threads takes ~100 ms, too much four times a second
        while an agent writes; so only the newest page is read and merged, unless the
        number of threads changed (a new or deleted thread), the page is all new, or the
        last whole reload is more than `FULL_RELOAD_SECONDS` old (a safety net for writes
        that do not bump `updated_at`, such as imports of old sessions).
        """
        total = await self.store.count_threads(include_archived=True)
        stale = time.monotonic() - self._full_at > FULL_RELOAD_SECONDS
        if total != self._total or self._latest is None or stale:
            self.load_threads()
            return
        recent = await self.store.list_threads(include_archived=True, include_hidden=self.show_hidden, limit=RECENT_PAGE)
        by_id = {t.id: t for t in self._threads}
        # What differs from the rows on screen (an import of an older session growing
        # under --follow keeps its old updated_at, so "newer" alone would miss it).
        fresh = [t for t in recent if by_id.get(t.id) != t]
        # Nothing on the first page changed, yet the database did: the change is further
        # down. Or the whole page changed: there may be more. Either way, reload it all.
        if not fresh or len(fresh) == len(recent):
            self.load_threads()
            return
        if self._update_in_place(fresh):
            self._latest = max(self._latest, *(t.updated_at for t in fresh))
            return
        for thread in fresh:
            if self._passes(thread):
                by_id[thread.id] = thread
            else:
                by_id.pop(thread.id, None)
        self._threads = sorted(by_id.values(), key=lambda t: (t.updated_at, t.id), reverse=True)
        self._latest = max(self._latest, *(t.updated_at for t in fresh)) if fresh else self._latest
        self._thread_count = len(self._threads)
        self.thread_list.show_threads(self._threads, open_id=self.thread.id if self.thread else None)
        self._show_threads_title()

    def _update_in_place(self, fresh: list[Thread]) -> bool:
        """Replace the listed rows of `fresh` threads when none of them moves.

        The live case — the thread an agent writes to is already the newest — changes
        one row's counts and time; re-sorting and re-arranging 10,000 rows for it costs
        ~40 ms a poll. False (nothing done) when a row would move, appear, vanish or
        change its parent.
        """
        place = {t.id: i for i, t in enumerate(self._threads)}
        updated = list(self._threads)
        for thread in fresh:
            at = place.get(thread.id)
            if at is None or not self._passes(thread):
                return False
            old = updated[at]
            if (old.parent_thread_id, old.forked_from_thread_id) != (thread.parent_thread_id, thread.forked_from_thread_id):
                return False
            updated[at] = thread
        order = [(t.updated_at, t.id) for t in updated]
        for thread in fresh:
            at = place[thread.id]
            key = order[at]
            if (at > 0 and order[at - 1] < key) or (at + 1 < len(order) and order[at + 1] > key):
                return False
        self._threads = updated
        self.thread_list.replace_threads(fresh)
        return True

    @on(ThreadList.ThreadChosen)
    def _thread_chosen(self, event: ThreadList.ThreadChosen) -> None:
        self.pane.load_thread(event.thread.id, focus=True)

    @on(ThreadPane.Shown)
    def _thread_shown(self, event: ThreadPane.Shown) -> None:
        self.thread_list.mark_open(event.thread.id if event.thread else None)

    @on(ThreadPane.Changed)
    def _pane_changed(self) -> None:
        self.load_threads()

    def action_cycle_filter(self, which: str) -> None:
        """Cycle one filter of the thread list: status, source or archived."""
        if which == "status":
            self.status_filter = (self.status_filter + 1) % len(STATUS_FILTERS)
        elif which == "source":
            self.source_filter = (self.source_filter + 1) % len(SOURCE_FILTERS)
        else:
            self.archive_filter = (self.archive_filter + 1) % len(ARCHIVE_FILTERS)
        self._show_threads_title()
        self.load_threads()

    def action_pick_project(self) -> None:
        """Narrow the thread list to one project, picked from the projects the store knows."""
        self.pick_project_flow()

    @work(group="op", exit_on_error=False)
    async def pick_project_flow(self) -> None:
        """Read the projects, then ask which one the list shows."""
        projects = await self.store.projects(include_archived=self.archive_filter != 0, include_hidden=self.show_hidden)
        if not projects:
            self.notify("No thread has a project yet: projects come from imported sessions.", severity="warning")
            return
        self.app.push_screen(ProjectScreen(projects, self.project_filter), self._project_picked)

    def _project_picked(self, chosen: str | None) -> None:
        self.project_filter = chosen or None
        self._show_threads_title()
        self.load_threads()

    def action_toggle_hidden(self) -> None:
        """Show or hide hidden threads (Claude Code warm-up sidechains) in the thread list."""
        self.show_hidden = not self.show_hidden
        self._show_threads_title()
        self.load_threads()

    # ------------------------------------------------------------------ panes

    def _panes(self) -> list[Widget]:
        panes: list[Widget] = []
        if self.thread_list.display:
            panes.append(self.thread_list)
        panes.append(self.transcript)
        if self.pane.side.display:
            panes.append(self.pane.side_list())
        return panes

    def action_focus_pane(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        panes[(index + step) % len(panes)].focus()

    def action_next_tab(self) -> None:
        """Show the next tab of the side pane (Tree, Timeline, Checkpoints)."""
        if not self.pane.side.display:
            self._side_shown = True
            self._apply_widths(self.size.width)
        self.pane.next_tab()

    def action_toggle_side(self) -> None:
        """Show or hide the side pane."""
        self._side_shown = not self.pane.side.display
        self._asked_last = "side"
        self._apply_widths(self.size.width)
        if self._side_shown and not self.pane.side.display:
            self.notify("Too narrow for the side pane beside the transcript; widen the terminal.", severity="warning")

    def action_toggle_threads(self) -> None:
        """Show or hide the thread list."""
        self._threads_shown = not self.thread_list.display
        self._asked_last = "threads"
        self._apply_widths(self.size.width)
        if self._threads_shown and not self.thread_list.display:
            self.notify("Too narrow for the thread list beside the transcript; widen the terminal.", severity="warning")
        if self.thread_list.display:
            self.thread_list.focus()

    def action_help(self) -> None:
        """Show every key (the user's keys where they remapped one)."""
        self.app.push_screen(HelpScreen(dict(getattr(self.app, "user_keys", {}))))


__all__ = ["MainScreen", "fit_panes"]
