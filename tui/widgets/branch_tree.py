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
from textual.binding import BindingType
from textual.strip import Strip

from store import Message, Thread

from ..actions import bindings
from ..thread_model import Children, Run, build_runs, first_words, names_a_run
from .line_list import LineList
from .lines import one_line

FIRST_WORDS = 8


class BranchTree(LineList[Run]):
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

    CURSOR_CLASS = "branch-tree--cursor"
    EMPTY_CLASS = "branch-tree--empty"

    @dataclass
    class RunChosen(LineList.Chosen):
        """The user pressed enter on a run: move the head there."""

        @property
        def branch_tree(self) -> BranchTree:
            """The tree the run was chosen in."""
            return self.line_list  # type: ignore[return-value]

        @property
        def run(self) -> Run:
            """The chosen run."""
            return self.item

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._thread: Thread | None = None
        self._pending: tuple[list[Message], int | None, Children | None, int | None] | None = None
        """A tree to build when it is first needed: while the pane is hidden it costs nothing."""
        self.empty_text = "No thread open"

    @property
    def items(self) -> list[Run]:
        """The runs, built first if a tree is waiting to be."""
        if self._pending is not None:
            self._build()
        return self._items

    @property
    def runs(self) -> list[Run]:
        """The lines of the tree."""
        return self.items

    @property
    def selected(self) -> Run | None:
        """The run under the cursor."""
        return self.selected_item

    def item_key(self, item: Run) -> int:
        return item.first.id

    def make_chosen(self, item: Run) -> BranchTree.RunChosen:
        return self.RunChosen(self, item)

    def show_tree(
        self, thread: Thread | None, messages: list[Message], children: Children | None = None
    ) -> None:
        """Show the tree of `messages` (all of `thread`'s); the cursor goes to the head's run,
        or stays on the same run when the same thread is shown again."""
        same = thread is not None and self._thread is not None and self._thread.id == thread.id
        previous = self.selected if same else None
        self._thread = thread
        self.empty_text = "No thread open" if thread is None else "No messages yet"
        self._pending = (messages, thread.current_leaf_id, children, previous.first.id if previous else None) if thread is not None else None
        if self._pending is None or self.is_on_screen:
            self._build()
        else:  # hidden (another tab, or the side pane folded): built when shown
            self._items = []
            self.clear_cache()

    def extend_tree(self, thread: Thread, messages: list[Message], children: Children, added: list[Message]) -> None:
        """The thread grew under its head by the chain `added`: the head's run gets longer.

        The old head was a leaf, so its run ended there and the chain continues it; no
        other line changes, so the tree is not built again (10,000 messages: ~35 ms).
        """
        at = next((i for i, r in enumerate(self._items) if r.has_head), None) if self._pending is None else None
        if at is None or self._thread is None or self._thread.id != thread.id or self._items[at].last.id != added[0].parent_id:
            self.show_tree(thread, messages, children)
            return
        run = self._items[at]
        self._thread = thread
        named_by = run.named_by or next((m for m in added if names_a_run(m)), None)
        self.replace_items({at: replace(run, last=added[-1], count=run.count + len(added), named_by=named_by)})

    def _build(self) -> None:
        pending, self._pending = self._pending, None
        runs = build_runs(pending[0], pending[1], pending[2]) if pending is not None else []
        target = next((i for i, r in enumerate(runs) if r.has_head), 0)
        if pending is not None and pending[3] is not None:
            target = next((i for i, r in enumerate(runs) if r.first.id == pending[3]), target)
        self.set_items(runs, fallback=target, keep=False)

    def on_show(self) -> None:
        if self._pending is not None:
            self._build()

    def render_item_line(self, item: Run, part: int, width: int, selected: bool) -> Strip:
        return self._line(item, width)

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
