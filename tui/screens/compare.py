"""The compare screen: two branches side by side from where they part.

Opened from the main screen (`m` marks a message or a tree node, `=` on another compares
them). Each column is headed by its side's summary — messages, prompts, tool calls and
how many failed, tokens, cost, wall time — and the aligned turns below differ where the
gutter says `≠`. `a` / `b` make that side the head of its thread (a recorded move, so `u`
undoes it on the main screen); escape goes back.
"""

from __future__ import annotations

from typing import ClassVar

from datetime import tzinfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from store import Message, Store, Thread, payloads
from store.compare import BranchSummary, summarize

from ..actions import bindings
from .. import figures
from ..safe_text import clean_line
from ..widgets.compare_view import CompareView
from ..workers import ReportsWorkerFailures

TITLE_WIDTH = 56
"""Characters of a column's label (its first prompt) in its head."""

Opened = tuple[int, int]
"""What the screen returns when a side was made the head: (thread id, message id)."""


def side_label(thread: Thread, side: list[Message]) -> str:
    """What a column is about: its first prompt (the two sides of a branch differ there), else the thread's title."""
    for m in side:
        if payloads.message_kind(m.role.value, m.data) is payloads.MessageKind.PROMPT and m.content.strip():
            return m.content
    return thread.title or "Untitled"


def summary_text(name: str, message_id: int, label: str, summary: BranchSummary) -> Text:
    """The head of one column: which message, what it is about, and its figures."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{name} ", style="bold")
    text.append(f"#{message_id} · ")
    title = " ".join(clean_line(label).split())
    text.append(title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…")
    usage = summary.usage
    failed = f", {summary.failed_tool_calls} failed" if summary.failed_tool_calls else ""
    text.append(
        f"\n{summary.messages} messages · {summary.prompts} prompts · {summary.tool_calls} tool calls{failed}"
        f"\n{figures.tokens(usage.tokens)} tokens · {figures.cost(usage.cost_usd)} · {figures.duration(summary.wall_seconds)}"
    )
    return text


class CompareScreen(ReportsWorkerFailures, Screen[Opened | None]):
    """Two messages' branches side by side."""

    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    #compare-heads { height: 3; margin: 0 1; }
    #compare-heads Static { width: 1fr; height: 3; }
    #compare-b { margin-left: 3; }
    #compare-view { border: round $panel-lighten-2; border-title-color: $text; }
    #compare-view:focus { border: round $accent; border-title-color: $accent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("compare")

    def __init__(self, store: Store, a_id: int, b_id: int, *, tz: tzinfo | None = None) -> None:
        super().__init__()
        self.store = store
        self.a_id = a_id
        """The first (marked) message."""
        self.b_id = b_id
        """The message it is compared with."""
        self._tz = tz
        self.loaded = False
        """True once both sides are on screen."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-heads"):
            yield Static(id="compare-a")
            yield Static(id="compare-b")
        yield CompareView(tz=self._tz, id="compare-view")
        yield Footer()

    @property
    def view(self) -> CompareView:
        """The two columns."""
        return self.query_one(CompareView)

    def on_mount(self) -> None:
        self.view.border_title = Content("Compare")
        self.view.focus()
        self.load()

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def load(self) -> None:
        """Read both sides and their figures."""
        result = await self.store.compare(self.a_id, self.b_id)
        a = await self.store.get_message(self.a_id)
        b = await self.store.get_message(self.b_id)
        thread_a = await self.store.get_thread(a.thread_id)
        thread_b = thread_a if b.thread_id == a.thread_id else await self.store.get_thread(b.thread_id)
        self.query_one("#compare-a", Static).update(summary_text("A", a.id, side_label(thread_a, result.a), summarize(result.a)))
        self.query_one("#compare-b", Static).update(summary_text("B", b.id, side_label(thread_b, result.b), summarize(result.b)))
        self.view.show(result.a, result.b)
        where = f"they part after #{result.ancestor}" if result.ancestor is not None else "no shared history"
        count = len(self.view.differences)
        self.view.border_title = Content(f"Compare · {where} · {count} difference{'' if count == 1 else 's'}")
        self.view.border_subtitle = Content("n/N next/previous difference · a/b make a side the head · esc back")
        self.loaded = True

    def action_back(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)

    def action_open_side(self, side: str) -> None:
        """Make side A or B the head of its thread (a recorded move: u undoes it)."""
        self.open_side(self.a_id if side == "a" else self.b_id)

    @work(group="compare-op", exit_on_error=False)
    async def open_side(self, message_id: int) -> None:
        message = await self.store.get_message(message_id)
        thread = await self.store.get_thread(message.thread_id)
        if thread.current_leaf_id != message_id:
            await self.store.set_leaf(thread.id, message_id)
            self.app.notify(f"The head moved to #{message_id} (u undoes).")
        else:
            self.app.notify(f"#{message_id} is already the head.")
        self.dismiss((thread.id, message_id))


__all__ = ["CompareScreen", "side_label", "summary_text"]
