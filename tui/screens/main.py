"""The main screen: Threads | Transcript | Tree · Timeline · Checkpoints.

The widgets only show what they are given and post what the user asked for; this screen
does every store call, in workers, and pushes the results back into the widgets. Every
failure of a worker becomes a notification through `tui/workers.py` (a `StoreError`
carries a sentence a person can act on).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.app import SuspendNotSupported
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import WorkerState

from store import payloads
from store import Checkpoint, Event, Message, Role, Store, StoreError, Thread, ThreadStatus

from ..actions import PaletteTarget, bindings
from ..notify import literal
from ..safe_text import clean_line
from ..thread_model import ThreadView, first_words, grown_view, view_of
from ..widgets.branch_tree import BranchTree
from ..widgets.checkpoint_list import CheckpointList
from ..widgets.thread_list import ThreadList
from ..widgets.timeline import Timeline
from ..widgets.transcript import Transcript
from ..workers import ReportsWorkerFailures
from .help import HelpScreen
from .modals import Composed, ComposerScreen, ConfirmScreen, HandOffChoice, HandOffScreen, ProjectScreen, PromptScreen
from .welcome import WelcomeScreen

STATUS_FILTERS: tuple[ThreadStatus | None, ...] = (None, *ThreadStatus)
SOURCE_FILTERS: tuple[str | None, ...] = (None, "claude-code", "codex", "chatgpt", "grove")
ARCHIVE_FILTERS = ("hide", "include", "only")
STATUS_CYCLE = tuple(ThreadStatus)
SIDE_TABS = ("tab-tree", "tab-timeline", "tab-checkpoints")
EVENT_LIMIT = 100_000
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


class MainScreen(PaletteTarget, ReportsWorkerFailures, Screen[None]):
    """The four panes and every action on threads and messages."""

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
        self._cursor_blink = cursor_blink
        self._poll_interval = poll_interval
        self.view: ThreadView | None = None
        """The open thread as shown."""
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
        self._opened_first = False
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
            yield Transcript(clock=self._clock, tz=self._tz, id="transcript")
            with Vertical(id="side"):
                with TabbedContent(id="side-tabs", initial="tab-tree"):
                    with TabPane("Tree", id="tab-tree"):
                        yield BranchTree(id="tree")
                    with TabPane("Timeline", id="tab-timeline"):
                        yield Timeline(clock=self._clock, id="timeline")
                    with TabPane("Checkpoints", id="tab-checkpoints"):
                        yield CheckpointList(clock=self._clock, id="checkpoints")
        yield Footer()

    @property
    def thread_list(self) -> ThreadList:
        return self.query_one(ThreadList)

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def thread(self) -> Thread | None:
        """The open thread."""
        return self.view.thread if self.view else None

    async def on_mount(self) -> None:
        for tabs in self.query("Tabs"):
            tabs.can_focus = False
        self._show_threads_title()
        self._show_transcript_title()
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
        self.query_one("#side").display = side
        self.thread_list.display = threads
        if self.focused is not None and not self.focused.display:
            self.transcript.focus()
        elif self.focused is not None and not self.query_one("#side").display and self.focused in self.query("#side *"):
            self.transcript.focus()

    # ------------------------------------------------------------------ titles

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

    def _show_transcript_title(self) -> None:
        view = self.view
        if view is None:
            self.transcript.border_title = Content("Transcript")
            return
        title = clean_line(view.thread.title or "Untitled")
        parts = [title]
        if (fork := view.fork_point) is not None:  # the transcript's ‹k/n›, not a second numbering
            message, (position, count) = fork
            parts.append(f"‹{position}/{count}› at #{message.id}")
        parts.append(f"{len(view.path)} of {view.thread.message_count} msgs")
        if view.thread.archived:
            parts.append("archived")
        self.transcript.border_title = Content(" · ".join(parts))
        where = [view.thread.status.value, clean_line(view.thread.source)]
        if view.thread.project:
            branch = payloads.git_branch(view.thread.metadata)
            where.append(clean_line(view.thread.project) + (f" ({clean_line(branch)})" if branch else ""))
        self.transcript.border_subtitle = Content(" · ".join(where))

    # ------------------------------------------------------------------ loading

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
        if first:
            self._data_version = await self.store.data_version()
            if not threads and not await self.store.count_threads(include_archived=True):
                self._welcome()
            elif threads and self.view is None and not self._opened_first:
                self._opened_first = True
                self.load_thread(self.thread_list.rows[0].thread.id)

    @work(exclusive=True, group="thread", exit_on_error=False)
    async def load_thread(
        self, thread_id: int, select_id: int | None = None, select_index: int | None = None, focus: bool = False
    ) -> None:
        """Open a thread: its active path in the transcript, its tree, timeline and checkpoints."""
        thread = await self.store.get_thread(thread_id)
        messages = await self.store.messages(thread_id)
        self._show_view(view_of(thread, messages), select_id=select_id, select_index=select_index)
        if focus:
            self.transcript.focus()
        await self._load_side(thread)

    def _show_view(self, view: ThreadView, *, select_id: int | None = None, select_index: int | None = None) -> None:
        self.view = view
        if select_index is not None and 0 <= select_index < len(view.path):
            select_id = view.path[select_index].id
        self.transcript.show_path(view.thread, view.path, view.siblings, select_id=select_id)
        self.query_one(BranchTree).show_tree(view.thread, view.messages, view.children)
        self.thread_list.mark_open(view.thread.id)
        self._show_transcript_title()

    async def _load_side(self, thread: Thread) -> None:
        events: list[Event] = await self.store.events(thread.id, limit=EVENT_LIMIT)
        checkpoints: list[Checkpoint] = await self.store.list_checkpoints(thread.id)
        if self.view is None or self.view.thread.id != thread.id:
            return
        by_id = {m.id: m for m in self.view.messages}
        named = {c.message_id: by_id[c.message_id] for c in checkpoints if c.message_id in by_id}
        self.query_one(Timeline).show_events(self.view.thread, events)
        self.query_one(CheckpointList).show_checkpoints(self.view.thread, checkpoints, named)

    def _poll(self) -> None:
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
            self._close_thread()
            return
        mark = (thread.updated_at, thread.current_leaf_id, thread.message_count, thread.title, thread.status, thread.archived_at)
        old = view.thread
        if mark != (old.updated_at, old.current_leaf_id, old.message_count, old.title, old.status, old.archived_at):
            await self._follow_thread(thread)

    async def _follow_thread(self, thread: Thread) -> None:
        """Apply what changed in the open thread as a delta: the messages stored after the
        newest one shown and the events after the last seq shown, not the whole thread.

        Messages are never edited in place, so when every message is still there, the new
        ones are all that is missing. Fewer than expected (a branch was deleted) reloads.
        """
        view = self.view
        assert view is not None
        newest = max((m.id for m in view.messages), default=0)
        added = await self.store.messages(thread.id, after_id=newest)
        if self.view is not view:
            return  # another thread was opened meanwhile
        if len(view.messages) + len(added) != thread.message_count:
            self.load_thread(thread.id)
            return
        grown, extends = grown_view(view, thread, added)
        self.view = grown
        if extends:
            self.transcript.extend_path(thread, added, grown.siblings)
            self.query_one(BranchTree).extend_tree(thread, grown.messages, grown.children, added)
        else:
            self.transcript.show_path(thread, grown.path, grown.siblings)
            self.query_one(BranchTree).show_tree(thread, grown.messages, grown.children)
        self._show_transcript_title()
        await self._follow_side(thread)

    async def _follow_side(self, thread: Thread) -> None:
        """The timeline and checkpoints of the open thread, brought up to date by delta."""
        timeline = self.query_one(Timeline)
        shown = timeline.shown_events if timeline.thread is not None and timeline.thread.id == thread.id else None
        if shown is None:
            await self._load_side(thread)
            return
        after = shown[-1].seq if shown else 0
        new_events: list[Event] = await self.store.events(thread.id, after_seq=after, limit=EVENT_LIMIT)
        checkpoints: list[Checkpoint] = await self.store.list_checkpoints(thread.id)
        if self.view is None or self.view.thread.id != thread.id:
            return
        if new_events:
            timeline.show_events(self.view.thread, shown + new_events)
        by_id = {m.id: m for m in self.view.messages}
        named = {c.message_id: by_id[c.message_id] for c in checkpoints if c.message_id in by_id}
        self.query_one(CheckpointList).show_checkpoints(self.view.thread, checkpoints, named)

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

    def _close_thread(self) -> None:
        self.view = None
        self.transcript.show_path(None, [], {})
        self.query_one(BranchTree).show_tree(None, [])
        self.query_one(Timeline).show_events(None, [])
        self.query_one(CheckpointList).show_checkpoints(None, [], {})
        self._show_transcript_title()

    # ------------------------------------------------------------------ helpers

    def _selected(self) -> Message | None:
        message = self.transcript.selected
        if message is None:
            self.notify("Open a thread and select a message first.", severity="warning")
        return message

    def _target_thread(self) -> Thread | None:
        """The thread an archive/status key acts on: the list's cursor when the list has focus."""
        if self.focused is self.thread_list and self.thread_list.selected is not None:
            return self.thread_list.selected
        if self.thread is not None:
            return self.thread
        return self.thread_list.selected

    async def _ask(self, screen: Any) -> Any:
        return await self.app.push_screen_wait(screen)

    def _reload(self, thread_id: int, *, select_id: int | None = None, select_index: int | None = None, focus: bool = False) -> None:
        self.load_thread(thread_id, select_id=select_id, select_index=select_index, focus=focus)
        self.load_threads()

    async def _settle_version(self) -> None:
        # Our own writes come back through data_version too; the explicit reload after an
        # operation already shows them, so the poller need not load everything again.
        self._data_version = await self.store.data_version()

    # ------------------------------------------------------------------ panes

    def _panes(self) -> list[Widget]:
        panes: list[Widget] = []
        if self.thread_list.display:
            panes.append(self.thread_list)
        panes.append(self.transcript)
        if self.query_one("#side").display:
            active = self.query_one(TabbedContent).active
            tab_widgets: dict[str, type[Widget]] = {
                "tab-tree": BranchTree,
                "tab-timeline": Timeline,
                "tab-checkpoints": CheckpointList,
            }
            panes.append(self.query_one(tab_widgets[active]))
        return panes

    def action_focus_pane(self, step: int) -> None:
        """Move the focus to the next (or previous) pane."""
        panes = self._panes()
        focused = self.focused
        index = panes.index(focused) if focused in panes else -1
        panes[(index + step) % len(panes)].focus()

    def action_next_tab(self) -> None:
        """Show the next tab of the side pane (Tree, Timeline, Checkpoints)."""
        tabs = self.query_one(TabbedContent)
        if not self.query_one("#side").display:
            self._side_shown = True
            self._apply_widths(self.size.width)
        side_has_focus = self.focused is not None and self.focused in self.query("#side *")
        tabs.active = SIDE_TABS[(SIDE_TABS.index(tabs.active) + 1) % len(SIDE_TABS)]
        if side_has_focus:
            self._panes()[-1].focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        # A list in a hidden tab has no size, so it could not scroll to its cursor when
        # its data arrived; do it once the tab is on screen.
        self.call_after_refresh(self._reveal_side_cursors)

    def _reveal_side_cursors(self) -> None:
        timeline = self.query_one(Timeline)
        if timeline.size.height and timeline.selected is not None:
            timeline.scroll_to_region(Region(0, timeline.cursor, 1, 1), animate=False, force=True, x_axis=False)
        tree = self.query_one(BranchTree)
        if tree.size.height and tree.selected is not None:
            tree.scroll_to_region(Region(0, tree.cursor, 1, 1), animate=False, force=True, x_axis=False)

    def action_toggle_side(self) -> None:
        """Show or hide the side pane."""
        self._side_shown = not self.query_one("#side").display
        self._asked_last = "side"
        self._apply_widths(self.size.width)
        if self._side_shown and not self.query_one("#side").display:
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
        """Show every key."""
        self.app.push_screen(HelpScreen(dict(getattr(self.app, "user_keys", {}))))

    # ------------------------------------------------------------------ opening

    @on(ThreadList.ThreadChosen)
    def _thread_chosen(self, event: ThreadList.ThreadChosen) -> None:
        self.load_thread(event.thread.id, focus=True)

    def action_search(self) -> None:
        """Search every message (the search screen)."""
        from .search import SearchJump, SearchScreen

        def jump(result: SearchJump | None) -> None:
            if result is not None:
                self.jump_to(result.thread_id, result.message_id)

        screen = SearchScreen(self.store, thread_id=self.thread.id if self.thread else None, clock=self._clock, cursor_blink=self._cursor_blink)
        self.app.push_screen(screen, jump)

    @work(group="op", exit_on_error=False)
    async def jump_to(self, thread_id: int, message_id: int | None) -> None:
        """Open a thread; with a message off the active path, move the head so it is on it."""
        if message_id is not None:
            on_path = await self.store.on_active_path([message_id])
            if message_id not in on_path:
                leaf = await self.store.newest_leaf(message_id)
                await self.store.set_leaf(thread_id, leaf.id)
                self.notify("The head moved to the branch that holds this message (u undoes).")
        self._reload(thread_id, select_id=message_id, focus=True)
        self.thread_list.select_thread(thread_id)

    # ------------------------------------------------------------------ moves

    def action_sibling(self, step: int) -> None:
        """Switch to the previous/next sibling of the selected message."""
        message = self._selected()
        if message is None or self.thread is None:
            return
        if self.transcript.sibling_info(message.id) is None:
            self.notify("This message has no siblings.", severity="warning")
            return
        self.switch_sibling(message, step, self.transcript.cursor)

    @work(group="op", exit_on_error=False)
    async def switch_sibling(self, message: Message, step: int, index: int) -> None:
        # Presses come faster than the screen redraws, so `message` may be a sibling the
        # head already left: step from the one on the active path now, one press at a
        # time, and record nothing when the head would stay where it is (item 17).
        async with self._sibling_lock:
            path = await self.store.path(message.thread_id)
            current = next((m for m in path if m.parent_id == message.parent_id and m.depth == message.depth), message)
            siblings = await self.store.siblings(current.id)
            position = next(i for i, m in enumerate(siblings) if m.id == current.id) + step
            if 0 <= position < len(siblings):
                leaf = await self.store.newest_leaf(siblings[position].id)
                if path and leaf.id == path[-1].id:
                    return
            thread = await self.store.switch_sibling(current.id, step)
        self._reload(thread.id, select_index=index)

    def action_fork(self) -> None:
        """Write a new message after the selected one (a new branch there); in an empty
        thread, its first message."""
        view = self.view
        if view is not None and not view.path:
            self.first_message_flow(view.thread)
            return
        if (message := self._selected()) is not None:
            self.fork_flow(message)

    @work(group="op", exit_on_error=False)
    async def first_message_flow(self, thread: Thread) -> None:
        composed: Composed | None = await self._ask(
            ComposerScreen(f"First message of {clean_line(thread.title or 'Untitled')}", role=Role.USER, cursor_blink=self._cursor_blink)
        )
        if composed is None:
            return
        made = await self.store.append(thread.id, composed.role, composed.text)
        self._reload(thread.id, select_id=made.id)

    @work(group="op", exit_on_error=False)
    async def fork_flow(self, message: Message) -> None:
        role = Role.USER if message.role is not Role.USER else Role.ASSISTANT
        composed: Composed | None = await self._ask(
            ComposerScreen(f"Fork after #{message.id}", role=role, context=f"after {message.role.value}: {first_words(message.content, 14)}", cursor_blink=self._cursor_blink)
        )
        if composed is None:
            return
        made = await self.store.fork(message.id, composed.role, composed.text)
        self._reload(made.thread_id, select_id=made.id)

    def action_edit(self) -> None:
        """Write a new version of the selected message (a new sibling of it)."""
        if (message := self._selected()) is not None:
            if message.parent_id is None:
                self.notify("The first message has no parent to branch from; use f to fork after it.", severity="warning")
                return
            self.edit_flow(message)

    @work(group="op", exit_on_error=False)
    async def edit_flow(self, message: Message) -> None:
        composed: Composed | None = await self._ask(
            ComposerScreen(f"Edit #{message.id} — saved as a new sibling", role=message.role, text=message.content, cursor_blink=self._cursor_blink)
        )
        if composed is None or message.parent_id is None:
            return
        made = await self.store.fork(message.parent_id, composed.role, composed.text)
        self._reload(made.thread_id, select_id=made.id)

    def action_branch(self) -> None:
        """Copy root..selected message into a new thread and open it."""
        if (message := self._selected()) is not None:
            self.branch_from(message.id)

    @work(group="op", exit_on_error=False)
    async def branch_from(self, message_id: int) -> None:
        thread = await self.store.fork_thread(message_id)
        self.notify(literal("Branched into a new thread: $title", title=thread.title or "Untitled"))
        self.load_threads(select_id=thread.id)
        self.load_thread(thread.id, focus=True)

    def action_rewind(self) -> None:
        """Move the head back to the selected message (after a confirmation)."""
        message = self._selected()
        view = self.view
        if message is None or view is None:
            return
        index = self.transcript.cursor
        leaving = len(view.path) - 1 - index
        if leaving <= 0:
            self.notify("The head is already at this message.", severity="warning")
            return
        self.rewind_flow(view.thread, message, leaving)

    @work(group="op", exit_on_error=False)
    async def rewind_flow(self, thread: Thread, message: Message, leaving: int) -> None:
        noun = "message leaves" if leaving == 1 else "messages leave"
        body = (
            f"Rewind to #{message.id} ({message.role.value}: {first_words(message.content)})?\n\n"
            f"{leaving} {noun} the active path; they stay as a branch.\nu undoes the rewind."
        )
        if not await self._ask(ConfirmScreen("Rewind", body)):
            return
        updated = await self.store.rewind(thread.id, to=message.id)
        self.notify(f"Rewound: {leaving} {noun} the active path (u undoes).")
        self._reload(updated.id, select_id=message.id)

    def action_continue_in_agent(self) -> None:
        """Continue the path up to the selected message in Claude Code or Codex (after a confirmation)."""
        if (message := self._selected()) is not None and self.thread is not None:
            self.hand_off_flow(self.thread, message)

    @work(group="op", exit_on_error=False)
    async def hand_off_flow(self, thread: Thread, message: Message) -> None:
        from store.importers import import_paths
        from store.resume import AGENTS, default_agent, prepare, write

        # Both agents are rendered up front (nothing is written yet), so `a` in the
        # confirmation switches at once; a refusal (no folder…) is a notification.
        prepared = {agent: await prepare(self.store, thread.id, message_id=message.id, agent=agent) for agent in AGENTS}
        choice: HandOffChoice | None = await self._ask(HandOffScreen(prepared, default_agent(thread)))
        if choice is None:
            return
        chosen = prepared[choice.agent]
        if choice.how == "run" and not os.path.isdir(chosen.cwd):
            self.notify(literal("The thread's folder $cwd does not exist here; nothing was written.", cwd=chosen.cwd), severity="error")
            return
        await write(self.store, chosen)
        self._reload(thread.id, select_id=message.id)
        line = chosen.shell_line
        if choice.how == "copy" or shutil.which(chosen.argv[0]) is None:
            self.app.copy_to_clipboard(line)
            missing = "" if choice.how == "copy" else f"{chosen.argv[0]} is not on PATH. "
            self.notify(literal("$missing" + "Copied: $line", missing=missing, line=line), title=f"{chosen.agent_name} session written")
            return
        code = self.run_agent(chosen.argv, chosen.cwd)
        if code is None:
            self.app.copy_to_clipboard(line)
            self.notify(literal("This terminal cannot be handed over; copied: $line", line=line), title=f"{chosen.agent_name} session written")
            return
        # Back from the agent: what it added comes in now (live import would bring it too).
        report = await import_paths(self.store, [chosen.path])
        if report.threads:
            continuation = report.threads[0]
            self.notify(f"Back from {chosen.agent_name}: the continuation is a fork of #{chosen.message_id}.")
            self.load_threads(select_id=continuation)
            self.load_thread(continuation, focus=True)

    def run_agent(self, argv: list[str], cwd: str) -> int | None:
        """Suspend Grove and run the agent in `cwd`; its exit code, or None when this
        terminal cannot be handed over (Textual Web, a headless run)."""
        try:
            with self.app.suspend():
                return subprocess.run(argv, cwd=cwd, check=False).returncode
        except SuspendNotSupported:
            return None

    def action_checkpoint(self) -> None:
        """Save a named checkpoint at the selected message."""
        if (message := self._selected()) is not None and self.thread is not None:
            self.checkpoint_flow(self.thread, message)

    @work(group="op", exit_on_error=False)
    async def checkpoint_flow(self, thread: Thread, message: Message) -> None:
        name: str | None = await self._ask(
            PromptScreen(f"Checkpoint at #{message.id}", placeholder="a name, e.g. before-refactor", cursor_blink=self._cursor_blink)
        )
        if name is None:
            return
        existing = {c.name: c for c in await self.store.list_checkpoints(thread.id)}
        if name in existing:
            old = existing[name]
            body = f"A checkpoint named {clean_line(name)} already points at #{old.message_id}.\nOverwrite it to point at #{message.id}?"
            if not await self._ask(ConfirmScreen("Overwrite checkpoint", body)):
                return
        await self.store.save_checkpoint(thread.id, name, message_id=message.id)
        self.notify(literal("Checkpoint $name saved at #$id.", name=name, id=message.id))
        self._reload(thread.id)

    def action_undo(self) -> None:
        """Walk the head back through its moves, one per press."""
        if self.thread is None:
            self.notify("Open a thread first.", severity="warning")
            return
        self.undo(self.thread.id)

    @work(group="op", exit_on_error=False)
    async def undo(self, thread_id: int) -> None:
        thread = await self.store.undo(thread_id)
        self.notify(f"Undone: the head is back at #{thread.current_leaf_id}.")
        self._reload(thread_id, select_id=thread.current_leaf_id)

    # ------------------------------------------------------------------ compare

    def _pointed(self) -> Message | None:
        """The message under the cursor: the tree's node (its last message) when the tree has focus."""
        tree = self.query_one(BranchTree)
        if self.focused is tree and tree.selected is not None:
            return tree.selected.last
        return self._selected()

    def action_mark(self) -> None:
        """Mark the selected message (or tree node) to compare another one with (=)."""
        if (message := self._pointed()) is not None:
            self.marked = message
            self.notify(f"Marked #{message.id}; = on another message or branch compares the two.")

    def action_compare(self) -> None:
        """Compare the marked message with the selected one, side by side."""
        other = self._pointed()
        if other is None:
            return
        if self.marked is None:
            self.notify("Mark a message or a branch with m first, then press = on another.", severity="warning")
            return
        from .compare import CompareScreen

        self.app.push_screen(CompareScreen(self.store, self.marked.id, other.id, tz=self._tz), self._compared)

    def _compared(self, opened: tuple[int, int] | None) -> None:
        if opened is not None:  # a side became the head of its thread: show it there
            thread_id, message_id = opened
            self._reload(thread_id, select_id=message_id, focus=True)
            self.thread_list.select_thread(thread_id)

    # ------------------------------------------------------------------ side pane requests

    @on(BranchTree.RunChosen)
    def _run_chosen(self, event: BranchTree.RunChosen) -> None:
        if self.thread is not None:
            self.move_to_run(self.thread.id, event.run.last.id)

    @work(group="op", exit_on_error=False)
    async def move_to_run(self, thread_id: int, last_id: int) -> None:
        leaf = await self.store.newest_leaf(last_id)
        if self.thread is not None and leaf.id == self.thread.current_leaf_id:
            self.notify("The head is already on this branch.")
            return
        await self.store.set_leaf(thread_id, leaf.id)
        self._reload(thread_id, select_id=leaf.id)

    @on(Timeline.EventChosen)
    def _event_chosen(self, event: Timeline.EventChosen) -> None:
        if self.thread is None:
            return
        target = event.event.to_leaf_id
        if target is None:
            self.notify("This event did not move the head.", severity="warning")
        elif target == self.thread.current_leaf_id:
            self.notify("The head is already there.")
        else:
            self.set_head(self.thread.id, target)

    @work(group="op", exit_on_error=False)
    async def set_head(self, thread_id: int, message_id: int) -> None:
        await self.store.set_leaf(thread_id, message_id)
        self.notify(f"The head moved to #{message_id} (u undoes).")
        self._reload(thread_id, select_id=message_id)

    @on(CheckpointList.RestoreRequested)
    def _restore(self, event: CheckpointList.RestoreRequested) -> None:
        self.restore(event.checkpoint)

    @work(group="op", exit_on_error=False)
    async def restore(self, checkpoint: Checkpoint) -> None:
        thread = await self.store.restore_checkpoint(checkpoint.thread_id, checkpoint.name)
        self.notify(literal("Restored $name (u undoes).", name=checkpoint.name))
        self._reload(thread.id, select_id=thread.current_leaf_id)

    @on(CheckpointList.BranchRequested)
    def _branch_checkpoint(self, event: CheckpointList.BranchRequested) -> None:
        self.branch_from(event.checkpoint.message_id)

    @on(CheckpointList.DeleteRequested)
    def _delete_checkpoint(self, event: CheckpointList.DeleteRequested) -> None:
        self.delete_checkpoint(event.checkpoint)

    @work(group="op", exit_on_error=False)
    async def delete_checkpoint(self, checkpoint: Checkpoint) -> None:
        body = f"Delete the checkpoint {clean_line(checkpoint.name)}?\nIts message #{checkpoint.message_id} stays."
        if not await self._ask(ConfirmScreen("Delete checkpoint", body)):
            return
        await self.store.delete_checkpoint(checkpoint.thread_id, checkpoint.name)
        self.notify(literal("Deleted the checkpoint $name.", name=checkpoint.name))
        self._reload(checkpoint.thread_id)

    # ------------------------------------------------------------------ threads

    def action_archive(self) -> None:
        """Archive (or bring back) the thread under the cursor / the open thread."""
        if (thread := self._target_thread()) is not None:
            self.toggle_archive(thread)

    @work(group="op", exit_on_error=False)
    async def toggle_archive(self, thread: Thread) -> None:
        current = await self.store.get_thread(thread.id)
        title = clean_line(current.title or "Untitled")
        if current.archived:
            updated = await self.store.unarchive_thread(thread.id)
            self.notify(literal("Brought back $title.", title=title))
        else:
            updated = await self.store.archive_thread(thread.id)
            self.notify(literal("Archived $title (3 shows archived threads; a again brings it back).", title=title))
        if self.thread is not None and self.thread.id == updated.id:
            self.load_thread(updated.id)
        self.load_threads()

    def action_rename_thread(self) -> None:
        """Give the thread under the cursor / the open thread a new title."""
        if (thread := self._target_thread()) is not None:
            self.rename_flow(thread)

    @work(group="op", exit_on_error=False)
    async def rename_flow(self, thread: Thread) -> None:
        title: str | None = await self._ask(
            PromptScreen("Rename thread", value=clean_line(thread.title or ""), placeholder="a title", cursor_blink=self._cursor_blink)
        )
        if title is None:
            return
        updated = await self.store.rename_thread(thread.id, title)
        self.notify(literal("Renamed to $title.", title=updated.title or ""))
        if self.thread is not None and self.thread.id == updated.id:
            self.load_thread(updated.id)
        self.load_threads(select_id=updated.id)

    def action_delete_thread(self) -> None:
        """Delete the thread under the cursor / the open thread, after a confirmation."""
        if (thread := self._target_thread()) is not None:
            self.delete_thread_flow(thread)

    @work(group="op", exit_on_error=False)
    async def delete_thread_flow(self, thread: Thread) -> None:
        title = clean_line(thread.title or "Untitled")
        noun = "message" if thread.message_count == 1 else "messages"
        body = (
            f"Delete the thread {title} with its {thread.message_count} {noun}, checkpoints and history?\n\n"
            "This cannot be undone (a archives it instead)."
        )
        if not await self._ask(ConfirmScreen("Delete thread", body)):
            return
        await self.store.delete_thread(thread.id)
        self.notify(literal("Deleted $title.", title=title))
        if self.thread is not None and self.thread.id == thread.id:
            self._close_thread()
        self.load_threads()

    def action_cycle_status(self) -> None:
        """Set the next status on the thread under the cursor / the open thread."""
        if (thread := self._target_thread()) is not None:
            self.cycle_status(thread)

    @work(group="op", exit_on_error=False)
    async def cycle_status(self, thread: Thread) -> None:
        current = await self.store.get_thread(thread.id)
        status = STATUS_CYCLE[(STATUS_CYCLE.index(current.status) + 1) % len(STATUS_CYCLE)]
        updated = await self.store.update_thread(thread.id, status=status)
        self.notify(f"Status: {status.value}")
        if self.thread is not None and self.thread.id == updated.id:
            self.load_thread(updated.id)
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
        projects = await self.store.projects(include_archived=self.archive_filter != 0, include_hidden=self.show_hidden)
        if not projects:
            self.notify("No thread has a project yet: projects come from imported sessions.", severity="warning")
            return
        chosen: str = await self._ask(ProjectScreen(projects, self.project_filter))
        self.project_filter = chosen or None
        self._show_threads_title()
        self.load_threads()

    def action_toggle_hidden(self) -> None:
        """Show or hide hidden threads (Claude Code warm-up sidechains) in the thread list."""
        self.show_hidden = not self.show_hidden
        self._show_threads_title()
        self.load_threads()

    def action_new_thread(self) -> None:
        """Start a new thread: a title, then its first message."""
        self.new_thread_flow()

    @work(group="op", exit_on_error=False)
    async def new_thread_flow(self) -> None:
        title: str | None = await self._ask(PromptScreen("New thread", placeholder="a title", cursor_blink=self._cursor_blink))
        if title is None:
            return
        thread = await self.store.create_thread(title)
        composed: Composed | None = await self._ask(
            ComposerScreen(f"First message of {clean_line(title)}", role=Role.USER, cursor_blink=self._cursor_blink)
        )
        if composed is not None:
            await self.store.append(thread.id, composed.role, composed.text)
        self.load_threads(select_id=thread.id)
        self.load_thread(thread.id, focus=True)

    # ------------------------------------------------------------------ empty database, import

    def _welcome(self) -> None:
        sessions = _count_sessions()
        path = None if self.store.db_path == ":memory:" else __import__("pathlib").Path(self.store.db_path)
        self.app.push_screen(WelcomeScreen(path, sessions), self._welcome_choice)

    def _welcome_choice(self, choice: str | None) -> None:
        if choice == "demo":
            self.fill_demo()
        elif choice == "import":
            self.import_sessions()
        elif choice == "new":
            self.new_thread_flow()

    @work(group="op", exit_on_error=False)
    async def fill_demo(self) -> None:
        """Fill this (empty) database with the demo threads."""
        from ..demo import build_demo

        if await self.store.count_threads(include_archived=True):
            self.notify("The demo fills only an empty database; try grove --demo.", severity="warning")
            return
        self.notify("Writing the demo threads…")
        await build_demo(self.store)
        self._opened_first = False
        self.load_threads(first=True)

    def action_import_sessions(self) -> None:
        """Import the sessions found on this machine."""
        self.import_sessions()

    @work(group="op", exit_on_error=False)
    async def import_sessions(self) -> None:
        try:
            from store.importers import discover_sessions, import_paths
        except ImportError:
            self.notify("The importers are not available in this build.", severity="warning")
            return
        sessions = discover_sessions()
        if not sessions:
            self.notify("No sessions found in ~/.claude/projects or ~/.codex/sessions.", severity="warning")
            return
        self.notify(f"Importing {len(sessions)} session files…")
        report = await import_paths(self.store, [s.path for s in sessions])
        errors = len(getattr(report, "errors", []) or [])
        self.notify(f"Imported {getattr(report, 'messages', 0)} messages into {len(getattr(report, 'threads', []))} threads" + (f"; {errors} lines could not be read." if errors else "."))
        self._opened_first = False
        self.load_threads(first=True)


def _count_sessions() -> int | None:
    """How many session files the importers would find here; None without importers."""
    try:
        from store.importers import discover_sessions
    except ImportError:
        return None
    try:
        return len(discover_sessions())
    except Exception:  # a broken home folder must not keep the app from starting
        return 0


__all__ = ["MainScreen"]
