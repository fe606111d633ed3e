"""BranchTree: a thread's branch structure with linear runs collapsed, on the line API.

A *run* is a chain of messages where each has exactly one child; it ends at a leaf or
at a message with several children (a branch point), whose children each start a run.
A thread with 10,000 messages and 1,000 leaves is about 2,000 runs, one line each:

    ● 12 msgs “Add a login page”
    ├─● 4 msgs “use sessions”  ◀ head
    ├─○ 3 msgs “try JWT”
    └─○ 9 msgs “no auth at all”

`●` marks runs on the active path, `◀ head` the run holding the head. Enter asks the
app to move the head to the chosen run (`BranchTree.RunChosen`); the app moves it to the
newest leaf under the run's last message, so choosing a branch shows that whole branch
as it was last left (choosing the run that holds an inner head moves it to that run's
newest leaf as well).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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

from store import Message, Thread

from ..actions import bindings
from ..thread_model import Children, Run, build_runs, first_words, names_a_run
from .cursor import CursorKeys
from .lines import highlight, one_line

FIRST_WORDS = 8


class BranchTree(CursorKeys, ScrollView, can_focus=True):
    """The runs of a thread's tree with a cursor; enter moves the head to a run."""

    COMPONENT_CLASSES = {
        "branch-tree--cursor",
        "branch-tree--guide",
        "branch-tree--on-path",
        "branch-tree--off-path",
        "branch-tree--head",
        "branch-tree--count",
        "branch-tree--empty",
    }
    """Styles of the parts of a line; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    BranchTree { height: 1fr; scrollbar-size-horizontal: 0; }
    BranchTree > .branch-tree--cursor { background: $foreground 15%; text-style: bold; }
    BranchTree:focus > .branch-tree--cursor { background: $accent 50%; text-style: bold; }
    BranchTree > .branch-tree--guide { color: $text-muted; }
    BranchTree > .branch-tree--on-path { color: $success; text-style: bold; }
    BranchTree > .branch-tree--off-path { color: $text-muted; }
    BranchTree > .branch-tree--head { color: $warning; text-style: bold; }
    BranchTree > .branch-tree--count { color: $text; }
    BranchTree > .branch-tree--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("tree")

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `runs` of the selected run."""

    @dataclass
    class RunChosen(TextualMessage):
        """The user pressed enter on a run: move the head there."""

        branch_tree: BranchTree
        run: Run

        @property
        def control(self) -> BranchTree:
            """The tree, so `@on(BranchTree.RunChosen, "#selector")` works."""
            return self.branch_tree

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._thread: Thread | None = None
        self._built: list[Run] = []
        self._pending: tuple[list[Message], int | None, Children | None, int | None] | None = None
        """A tree to build when it is first needed: while the pane is hidden it costs nothing."""
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)

    @property
    def runs(self) -> list[Run]:
        """The lines of the tree."""
        return self._runs

    @property
    def _runs(self) -> list[Run]:
        if self._pending is not None:
            self._build()
        return self._built

    @property
    def selected(self) -> Run | None:
        """The run under the cursor."""
        return self._runs[self.cursor] if 0 <= self.cursor < len(self._runs) else None

    def show_tree(
        self, thread: Thread | None, messages: list[Message], children: Children | None = None
    ) -> None:
        """Show the tree of `messages` (all of `thread`'s); the cursor goes to the head's run,
        or stays on the same run when the same thread is shown again."""
        same = thread is not None and self._thread is not None and self._thread.id == thread.id
        previous = self.selected if same else None
        self._thread = thread
        self._built = []
        self._pending = (messages, thread.current_leaf_id, children, previous.first.id if previous else None) if thread is not None else None
        if self._pending is None or self.is_on_screen:
            self._build()
        else:  # hidden (another tab, or the side pane folded): built when shown
            self._cache.clear()
            self.refresh()

    def extend_tree(self, thread: Thread, messages: list[Message], children: Children, added: list[Message]) -> None:
        """The thread grew under its head by the chain `added`: the head's run gets longer.

        The old head was a leaf, so its run ended there and the chain continues it; no
        other line changes, so the tree is not built again (10,000 messages: ~35 ms).
        """
        at = next((i for i, r in enumerate(self._built) if r.has_head), None) if self._pending is None else None
        if at is None or self._thread is None or self._thread.id != thread.id or self._built[at].last.id != added[0].parent_id:
            self.show_tree(thread, messages, children)
            return
        run = self._built[at]
        self._thread = thread
        named_by = run.named_by or next((m for m in added if names_a_run(m)), None)
        self._built[at] = replace(run, last=added[-1], count=run.count + len(added), named_by=named_by)
        self._cache.clear()
        self.refresh()

    def _build(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            messages, head_id, children, previous_first = pending
            self._built = build_runs(messages, head_id, children)
        runs = self._built
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(runs)))
        target = next((i for i, r in enumerate(runs) if r.has_head), 0)
        if pending is not None and previous_first is not None:
            target = next((i for i, r in enumerate(runs) if r.first.id == previous_first), target)
        self.set_reactive(BranchTree.cursor, target)
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    def on_show(self) -> None:
        if self._pending is not None:
            self._build()

    @property
    def cursor_count(self) -> int:
        return len(self._runs)

    def action_choose(self) -> None:
        """Ask the app to move the head to the selected run."""
        if (run := self.selected) is not None:
            self.post_message(self.RunChosen(self, run))

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, x_axis=False, immediate=True)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_y)
        if 0 <= index < len(self._runs):
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.cursor = index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self._runs)))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = y + round(self.scroll_y)
        if not self._runs:
            if y == 0:
                text = "No thread open" if self._thread is None else "No messages yet"
                return one_line(Text(f" {text}", style=self.get_component_rich_style("branch-tree--empty")), width, self.app.console, self.rich_style)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._runs):
            return Strip.blank(width, self.rich_style)
        key = (index, width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._line(self._runs[index], width)
            self._cache[key] = strip
        if index == self.cursor:
            strip = highlight(strip, self.get_component_rich_style("branch-tree--cursor"))
        return strip

    def _line(self, run: Run, width: int) -> Strip:
        style = self.get_component_rich_style
        guide = run.guide(max(2, min(8, width // 8)))  # very deep trees: the nearest levels only
        text = Text(no_wrap=True, end="")
        text.append(" " + guide, style=style("branch-tree--guide"))
        if run.on_path:
            text.append("● ", style=style("branch-tree--on-path"))
        else:
            text.append("○ ", style=style("branch-tree--off-path"))
        label = f"{run.count} msgs" if run.count > 1 else run.first.role.value
        text.append(label + " ", style=style("branch-tree--count"))
        if run.has_head:  # before the words, so a narrow pane never cuts it off
            text.append("◀ head ", style=style("branch-tree--head"))
        text.append(f"“{first_words(run.label.content, FIRST_WORDS)}”", style=style("branch-tree--count" if run.on_path else "branch-tree--off-path"))
        return one_line(text, width, self.app.console, self.rich_style)


__all__ = ["BranchTree"]
