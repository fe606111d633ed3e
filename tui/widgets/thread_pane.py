"""ThreadPane: one open thread — its transcript and the side tabs (Tree, Timeline,
Checkpoints) — and everything that keeps them right.

The pane reads the thread from the store (in workers), shows it in its four children,
brings them up to date by delta when the thread grows under it (`follow`), and answers
the side tabs: enter on a tree run, a timeline event or a checkpoint moves the head
there. After a write of its own it posts `ThreadPane.Changed`, so the screen can bring
the thread list up to date. The dialogs (fork, rewind, deleting a checkpoint…) live in
`tui/flows/`; they ask the pane to `load_thread` when they are done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.message import Message as TextualMessage
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from store import Checkpoint, Event, Message, Store, Thread, payloads

from ..heap import settle_heap
from ..notify import literal
from ..safe_text import clean_line
from ..thread_model import ThreadView, grown_view, path_view, view_of
from .branch_tree import BranchTree
from .checkpoint_list import CheckpointList
from .timeline import Timeline
from .transcript import Transcript

SIDE_TABS = ("tab-tree", "tab-timeline", "tab-checkpoints")
EVENT_LIMIT = 100_000


class ThreadPane(Horizontal):
    """The open thread: the transcript and the side pane beside it."""

    DEFAULT_CSS = """
    ThreadPane { width: 1fr; height: 1fr; }
    """

    @dataclass
    class Changed(TextualMessage):
        """The pane wrote to the store (the head moved): the thread list may be stale."""

        pane: ThreadPane
        thread_id: int

        @property
        def control(self) -> ThreadPane:
            """The pane, so `@on(ThreadPane.Changed, "#selector")` works."""
            return self.pane

    @dataclass
    class Shown(TextualMessage):
        """A thread (or none) is now open in the pane."""

        pane: ThreadPane
        thread: Thread | None

        @property
        def control(self) -> ThreadPane:
            """The pane, so `@on(ThreadPane.Shown, "#selector")` works."""
            return self.pane

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.store = store
        """The open database."""
        self.clock = clock
        """"Now" for the ages on screen."""
        self.tz = tz
        """The zone message times are shown in (None: local)."""
        self.view: ThreadView | None = None
        """The open thread as shown."""

    def compose(self) -> ComposeResult:
        yield Transcript(clock=self.clock, tz=self.tz, id="transcript")
        with Vertical(id="side"):
            with TabbedContent(id="side-tabs", initial="tab-tree"):
                with TabPane("Tree", id="tab-tree"):
                    yield BranchTree(id="tree")
                with TabPane("Timeline", id="tab-timeline"):
                    yield Timeline(clock=self.clock, id="timeline")
                with TabPane("Checkpoints", id="tab-checkpoints"):
                    yield CheckpointList(clock=self.clock, id="checkpoints")

    def on_mount(self) -> None:
        for tabs in self.query("Tabs"):
            tabs.can_focus = False
        self.show_title()

    # ------------------------------------------------------------------ parts

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def side(self) -> Widget:
        """The side pane (its `display` folds it away)."""
        return self.query_one("#side")

    @property
    def thread(self) -> Thread | None:
        """The open thread."""
        return self.view.thread if self.view else None

    def side_list(self) -> Widget:
        """The list of the side tab on show."""
        lists: dict[str, type[Widget]] = {"tab-tree": BranchTree, "tab-timeline": Timeline, "tab-checkpoints": CheckpointList}
        return self.query_one(lists[self.query_one(TabbedContent).active])

    def pointed(self) -> Message | None:
        """The message under the cursor: the tree's node (its last message) when the tree has focus."""
        tree = self.query_one(BranchTree)
        if self.screen.focused is tree and tree.selected is not None:
            return tree.selected.last
        return self.transcript.selected

    # ------------------------------------------------------------------ loading

    @work(exclusive=True, group="thread", exit_on_error=False)
    async def load_thread(
        self, thread_id: int, select_id: int | None = None, select_index: int | None = None, focus: bool = False
    ) -> None:
        """Open a thread: its active path in the transcript, its tree, timeline and checkpoints.

        Another thread than the one shown is painted in two steps: its active path first
        (one indexed walk up from the head), then, once every message is read, the ‹k/n›
        marks, the tree and the side tabs — so a long thread reads at once.
        """
        thread = await self.store.get_thread(thread_id)
        first: ThreadView | None = None
        if self.view is None or self.view.thread.id != thread_id:
            path = await self.store.path(thread_id)
            if select_index is not None and 0 <= select_index < len(path):
                select_id, select_index = path[select_index].id, None
            self.view = first = path_view(thread, path)
            self.transcript.show_path(thread, path, {}, select_id=select_id)
            self.query_one(BranchTree).show_tree(None, [])
            self.query_one(Timeline).show_events(None, [])
            self.query_one(CheckpointList).show_checkpoints(None, [], {})
            self.show_title()
        messages = await self.store.messages(thread_id)
        view = view_of(thread, messages)
        # The path on screen is the one just read (nothing moved the head in between): it
        # only gains its marks, not a new layout.
        shown = first is not None and self.view is first and [m.id for m in view.path] == [m.id for m in first.path]
        self._show_view(view, select_id=select_id, select_index=select_index, path_shown=shown)
        if focus:
            self.transcript.focus()
        await self._load_side(thread)
        settle_heap()

    def _show_view(
        self, view: ThreadView, *, select_id: int | None = None, select_index: int | None = None, path_shown: bool = False
    ) -> None:
        self.view = view
        if select_index is not None and 0 <= select_index < len(view.path):
            select_id = view.path[select_index].id
        if path_shown:
            self.transcript.mark_siblings(view.path, view.siblings)
        else:
            self.transcript.show_path(view.thread, view.path, view.siblings, select_id=select_id)
        self.query_one(BranchTree).show_tree(view.thread, view.messages, view.children)
        self.post_message(self.Shown(self, view.thread))
        self.show_title()

    async def _load_side(self, thread: Thread) -> None:
        events: list[Event] = await self.store.events(thread.id, limit=EVENT_LIMIT)
        checkpoints: list[Checkpoint] = await self.store.list_checkpoints(thread.id)
        if self.view is None or self.view.thread.id != thread.id:
            return
        self.query_one(Timeline).show_events(self.view.thread, events)
        self._show_checkpoints(checkpoints)

    def _show_checkpoints(self, checkpoints: list[Checkpoint]) -> None:
        assert self.view is not None
        by_id = {m.id: m for m in self.view.messages}
        named = {c.message_id: by_id[c.message_id] for c in checkpoints if c.message_id in by_id}
        self.query_one(CheckpointList).show_checkpoints(self.view.thread, checkpoints, named)

    def close_thread(self) -> None:
        """Show no thread (it was deleted)."""
        self.view = None
        self.transcript.show_path(None, [], {})
        self.query_one(BranchTree).show_tree(None, [])
        self.query_one(Timeline).show_events(None, [])
        self.query_one(CheckpointList).show_checkpoints(None, [], {})
        self.post_message(self.Shown(self, None))
        self.show_title()

    # ------------------------------------------------------------------ live changes

    async def follow(self, thread: Thread) -> None:
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
        self.show_title()
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
        self._show_checkpoints(checkpoints)

    # ------------------------------------------------------------------ title

    def show_title(self) -> None:
        """The transcript's border: title, fork point, counts; status, source and project below."""
        view = self.view
        transcript = self.transcript
        if view is None:
            transcript.border_title = Content("Transcript")
            return
        parts = [clean_line(view.thread.title or "Untitled")]
        if (fork := view.fork_point) is not None:  # the transcript's ‹k/n›, not a second numbering
            message, (position, count) = fork
            parts.append(f"‹{position}/{count}› at #{message.id}")
        parts.append(f"{len(view.path)} of {view.thread.message_count} msgs")
        if view.thread.archived:
            parts.append("archived")
        transcript.border_title = Content(" · ".join(parts))
        where = [view.thread.status.value, clean_line(view.thread.source)]
        if view.thread.project:
            branch = payloads.git_branch(view.thread.metadata)
            where.append(clean_line(view.thread.project) + (f" ({clean_line(branch)})" if branch else ""))
        transcript.border_subtitle = Content(" · ".join(where))

    # ------------------------------------------------------------------ side tabs

    def next_tab(self) -> None:
        """Show the next side tab; the focus follows when it was in the side pane."""
        tabs = self.query_one(TabbedContent)
        side_has_focus = self.screen.focused is not None and self.screen.focused in self.query("#side *")
        tabs.active = SIDE_TABS[(SIDE_TABS.index(tabs.active) + 1) % len(SIDE_TABS)]
        if side_has_focus:
            self.side_list().focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        # A list in a hidden tab has no size, so it could not scroll to its cursor when
        # its data arrived; do it once the tab is on screen.
        self.call_after_refresh(self._reveal_side_cursors)

    def _reveal_side_cursors(self) -> None:
        for side_list in (self.query_one(Timeline), self.query_one(BranchTree)):
            if side_list.size.height and side_list.selected is not None:
                side_list.scroll_to_region(Region(0, side_list.cursor, 1, 1), animate=False, force=True, x_axis=False)

    # ------------------------------------------------------------------ head moves from the side tabs

    @on(BranchTree.RunChosen)
    def _run_chosen(self, event: BranchTree.RunChosen) -> None:
        if self.thread is not None:
            self.move_to_run(self.thread.id, event.run.last.id)

    @work(group="op", exit_on_error=False)
    async def move_to_run(self, thread_id: int, last_id: int) -> None:
        """Move the head to the newest leaf under a tree run."""
        leaf = await self.store.newest_leaf(last_id)
        if self.thread is not None and leaf.id == self.thread.current_leaf_id:
            self.notify("The head is already on this branch.")
            return
        await self.store.set_leaf(thread_id, leaf.id)
        self._moved(thread_id, leaf.id)

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
        """Move the head to the state a timeline event led to."""
        await self.store.set_leaf(thread_id, message_id)
        self.notify(f"The head moved to #{message_id} (u undoes).")
        self._moved(thread_id, message_id)

    @on(CheckpointList.RestoreRequested)
    def _restore(self, event: CheckpointList.RestoreRequested) -> None:
        self.restore(event.checkpoint)

    @work(group="op", exit_on_error=False)
    async def restore(self, checkpoint: Checkpoint) -> None:
        """Move the head to a checkpoint."""
        thread = await self.store.restore_checkpoint(checkpoint.thread_id, checkpoint.name)
        self.notify(literal("Restored $name (u undoes).", name=checkpoint.name))
        self._moved(thread.id, thread.current_leaf_id)

    def _moved(self, thread_id: int, select_id: int | None) -> None:
        self.load_thread(thread_id, select_id=select_id)
        self.post_message(self.Changed(self, thread_id))


__all__ = ["EVENT_LIMIT", "SIDE_TABS", "ThreadPane"]
