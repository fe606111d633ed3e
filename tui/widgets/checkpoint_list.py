"""CheckpointList: a thread's named checkpoints, newest first, drawn with the line API.

Each checkpoint takes two lines, three with a note:

    ● fake-clock  ◀ head               manual · 3h ago
      #128 “Good, do that.”
      flake fixed with an injected clock

The widget only asks: enter, `b` and `d` post `RestoreRequested`, `BranchRequested` and
`DeleteRequested`, and the app does the store call (and the confirmation for a delete).
Names, message text and notes are cleaned of terminal control sequences and never read
as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message as TextualMessage
from textual.strip import Strip

from store import Checkpoint, CheckpointKind, Message, Thread

from ..actions import bindings
from ..safe_text import clean_line
from ..thread_model import first_words
from ..timefmt import relative_time
from .line_list import LineList

Clock = Callable[[], datetime]

KIND_MARKERS: dict[CheckpointKind, str] = {
    CheckpointKind.MANUAL: "●",
    CheckpointKind.AUTO: "◌",
    CheckpointKind.IMPORTED: "↓",
}
FIRST_WORDS = 12
MIN_NAME_WIDTH = 8
"""A name is cut to make room for kind and age only down to this many cells."""


class CheckpointList(LineList[Checkpoint]):
    """A thread's checkpoints with a cursor; enter restores, `b` branches, `d` deletes."""

    COMPONENT_CLASSES = {
        "checkpoint-list--cursor",
        "checkpoint-list--name",
        "checkpoint-list--head",
        "checkpoint-list--kind",
        "checkpoint-list--age",
        "checkpoint-list--message",
        "checkpoint-list--note",
        "checkpoint-list--empty",
    }
    """Styles of the parts of an entry; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    CheckpointList {
        height: 1fr;
        background: $surface;
        scrollbar-size-horizontal: 0;
    }
    CheckpointList > .checkpoint-list--cursor { background: $foreground 15%; text-style: bold; }
    CheckpointList:focus > .checkpoint-list--cursor { background: $accent 50%; text-style: bold; }
    CheckpointList > .checkpoint-list--name { text-style: bold; }
    CheckpointList > .checkpoint-list--head { color: $success; text-style: bold; }
    CheckpointList > .checkpoint-list--kind { color: $secondary; }
    CheckpointList > .checkpoint-list--age { color: $text-muted; }
    CheckpointList > .checkpoint-list--message { color: $text-muted; }
    CheckpointList > .checkpoint-list--note { color: $text; text-style: italic; }
    CheckpointList > .checkpoint-list--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("checkpoints")

    CURSOR_CLASS = "checkpoint-list--cursor"
    EMPTY_CLASS = "checkpoint-list--empty"
    CACHE_SIZE = 256

    @dataclass
    class RestoreRequested(TextualMessage):
        """The user asked to move the head to this checkpoint."""

        checkpoint_list: CheckpointList
        """The list the request came from."""
        checkpoint: Checkpoint
        """The checkpoint to restore."""

        @property
        def control(self) -> CheckpointList:
            """The list, so `@on(CheckpointList.RestoreRequested, "#selector")` works."""
            return self.checkpoint_list

    @dataclass
    class BranchRequested(TextualMessage):
        """The user asked for a new thread branched at this checkpoint's message."""

        checkpoint_list: CheckpointList
        """The list the request came from."""
        checkpoint: Checkpoint
        """The checkpoint to branch from."""

        @property
        def control(self) -> CheckpointList:
            """The list, so `@on(CheckpointList.BranchRequested, "#selector")` works."""
            return self.checkpoint_list

    @dataclass
    class DeleteRequested(TextualMessage):
        """The user asked to delete this checkpoint (the app confirms first)."""

        checkpoint_list: CheckpointList
        """The list the request came from."""
        checkpoint: Checkpoint
        """The checkpoint to delete."""

        @property
        def control(self) -> CheckpointList:
            """The list, so `@on(CheckpointList.DeleteRequested, "#selector")` works."""
            return self.checkpoint_list

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """A checkpoint list; `clock` gives "now" for ages (default: the wall clock)."""
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._clock: Clock = clock or (lambda: datetime.now(timezone.utc))
        self._thread: Thread | None = None
        self._messages: dict[int, Message] = {}
        self.empty_text = "No thread selected"

    # ------------------------------------------------------------------ data

    @property
    def thread(self) -> Thread | None:
        """The thread whose checkpoints are shown."""
        return self._thread

    @property
    def checkpoints(self) -> list[Checkpoint]:
        """The checkpoints shown, in order (the store's: newest first)."""
        return self.items

    @property
    def selected(self) -> Checkpoint | None:
        """The checkpoint under the cursor."""
        return self.selected_item

    def item_key(self, item: Checkpoint) -> str:
        return item.name

    def item_height(self, item: Checkpoint) -> int:
        return 3 if item.note and item.note.strip() else 2

    def line_width(self) -> int:
        return self.size.width

    def show_checkpoints(
        self, thread: Thread | None, checkpoints: list[Checkpoint], messages: dict[int, Message]
    ) -> None:
        """Show `checkpoints` of `thread`; `messages` maps message ids to the messages they name.

        Pushing the same thread again keeps the selected checkpoint (by name) when it is
        still there.
        """
        same_thread = thread is not None and self._thread is not None and thread.id == self._thread.id
        self._thread = thread
        self._messages = dict(messages)
        self.empty_text = "No thread selected" if thread is None else "No checkpoints yet — press c to save one"
        self.set_items(list(checkpoints) if thread is not None else [], keep=same_thread)

    # ------------------------------------------------------------------ keys

    def action_restore(self) -> None:
        """Ask the app to move the head to the selected checkpoint."""
        if (checkpoint := self.selected) is not None:
            self.post_message(self.RestoreRequested(self, checkpoint))

    def action_branch(self) -> None:
        """Ask the app for a new thread branched at the selected checkpoint."""
        if (checkpoint := self.selected) is not None:
            self.post_message(self.BranchRequested(self, checkpoint))

    def action_delete(self) -> None:
        """Ask the app to delete the selected checkpoint."""
        if (checkpoint := self.selected) is not None:
            self.post_message(self.DeleteRequested(self, checkpoint))

    def make_chosen(self, item: Checkpoint) -> CheckpointList.RestoreRequested:
        """A double click restores, as enter does."""
        return self.RestoreRequested(self, item)

    # ------------------------------------------------------------------ drawing

    def render_item_line(self, item: Checkpoint, part: int, width: int, selected: bool) -> Strip:
        text = self._line_text(item, part, width)
        text.truncate(width, overflow="ellipsis")
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)

    def _line_text(self, checkpoint: Checkpoint, part: int, width: int) -> Text:
        style = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if part == 0:
            right = Text(end="")
            right.append(checkpoint.kind.value, style=style("checkpoint-list--kind"))
            right.append(" · ", style=style("checkpoint-list--age"))
            right.append(relative_time(checkpoint.created_at, self._clock()), style=style("checkpoint-list--age"))
            right.append(" ")
            marker = f" {KIND_MARKERS.get(checkpoint.kind, '●')} "
            head = "  ◀ head" if self._thread is not None and self._thread.current_leaf_id == checkpoint.message_id else ""
            name = Text(clean_line(checkpoint.name), style=style("checkpoint-list--name"), end="")
            # A long name gives way to the kind and age, down to a readable minimum.
            room = width - len(marker) - len(head) - right.cell_len - 1
            if name.cell_len > room >= MIN_NAME_WIDTH:
                name.truncate(room, overflow="ellipsis")
            text.append(marker, style=style("checkpoint-list--kind"))
            text.append_text(name)
            text.append(head, style=style("checkpoint-list--head"))
            gap = width - text.cell_len - right.cell_len
            if gap >= 1:
                text.append(" " * gap)
                text.append_text(right)
            return text
        if part == 1:
            message = self._messages.get(checkpoint.message_id)
            text.append(f"   #{checkpoint.message_id}", style=style("checkpoint-list--age"))
            if message is not None:
                text.append(f" {message.role.value}: ", style=style("checkpoint-list--age"))
                text.append(f"“{first_words(message.content, FIRST_WORDS)}”", style=style("checkpoint-list--message"))
            return text
        text.append("   " + clean_line(checkpoint.note or "").strip(), style=style("checkpoint-list--note"))
        return text
