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
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message as TextualMessage
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Checkpoint, CheckpointKind, Message, Thread

from ..actions import bindings
from ..safe_text import clean_line
from ..thread_model import first_words
from .lines import highlight
from ..timefmt import relative_time
from .cursor import CursorKeys

Clock = Callable[[], datetime]

KIND_MARKERS: dict[CheckpointKind, str] = {
    CheckpointKind.MANUAL: "●",
    CheckpointKind.AUTO: "◌",
    CheckpointKind.IMPORTED: "↓",
}
FIRST_WORDS = 12
MIN_NAME_WIDTH = 8
"""A name is cut to make room for kind and age only down to this many cells."""


@dataclass(frozen=True)
class _Row:
    index: int
    """Which checkpoint the line belongs to."""
    part: int
    """0: name line, 1: message line, 2: note line."""


class CheckpointList(CursorKeys, ScrollView, can_focus=True):
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

    cursor: reactive[int] = reactive(0, init=False)
    """Index in `checkpoints` of the selected checkpoint."""

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
        self._checkpoints: list[Checkpoint] = []
        self._messages: dict[int, Message] = {}
        self._rows: list[_Row] = []
        self._first_row: list[int] = []
        self._line_cache: LRUCache[tuple[int, int], Strip] = LRUCache(256)

    # ------------------------------------------------------------------ data

    @property
    def thread(self) -> Thread | None:
        """The thread whose checkpoints are shown."""
        return self._thread

    @property
    def checkpoints(self) -> list[Checkpoint]:
        """The checkpoints shown, in order (the store's: newest first)."""
        return self._checkpoints

    @property
    def selected(self) -> Checkpoint | None:
        """The checkpoint under the cursor."""
        return self._checkpoints[self.cursor] if 0 <= self.cursor < len(self._checkpoints) else None

    def show_checkpoints(
        self, thread: Thread | None, checkpoints: list[Checkpoint], messages: dict[int, Message]
    ) -> None:
        """Show `checkpoints` of `thread`; `messages` maps message ids to the messages they name.

        Pushing the same thread again keeps the selected checkpoint (by name) when it is
        still there.
        """
        previous = self.selected
        same_thread = thread is not None and self._thread is not None and thread.id == self._thread.id
        self._thread = thread
        self._checkpoints = list(checkpoints) if thread is not None else []
        self._messages = dict(messages)
        self._rows = []
        self._first_row = []
        for index, checkpoint in enumerate(self._checkpoints):
            self._first_row.append(len(self._rows))
            parts = 3 if checkpoint.note and checkpoint.note.strip() else 2
            self._rows += [_Row(index, part) for part in range(parts)]
        self._line_cache.clear()
        self.virtual_size = Size(self.size.width, max(1, len(self._rows)))
        target = 0
        if same_thread and previous is not None:
            target = next((i for i, c in enumerate(self._checkpoints) if c.name == previous.name), 0)
        self.set_reactive(CheckpointList.cursor, target)
        self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()

    # ------------------------------------------------------------------ keys

    @property
    def cursor_count(self) -> int:
        return len(self._checkpoints)

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

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self._refresh_entry(old)
        self._refresh_entry(new)

    def _entry_region(self, index: int) -> Region | None:
        if not 0 <= index < len(self._first_row):
            return None
        top = self._first_row[index]
        bottom = self._first_row[index + 1] if index + 1 < len(self._first_row) else len(self._rows)
        return Region(0, top, max(1, self.size.width), bottom - top)

    def _refresh_entry(self, index: int) -> None:
        region = self._entry_region(index)
        if region is not None:
            self.refresh(region.translate((0, -self.scroll_offset.y)))

    def _scroll_to_cursor(self) -> None:
        region = self._entry_region(self.cursor)
        if region is not None:
            self.scroll_to_region(region, animate=False, force=True, x_axis=False, immediate=True)

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + self.scroll_offset.y
        if 0 <= line < len(self._rows):
            self.cursor = self._rows[line].index

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, max(1, len(self._rows)))

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        line = y + self.scroll_offset.y
        width = self.size.width
        if not self._rows:
            if y == 0:
                message = "No thread selected" if self._thread is None else "No checkpoints yet — press c to save one"
                text = Text(f" {message}", style=self.get_component_rich_style("checkpoint-list--empty"), end="")
                return self._strip(text, width)
            return Strip.blank(width, self.rich_style)
        if line >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        key = (line, width)
        strip = self._line_cache.get(key)
        if strip is None:
            strip = self._strip(self._line_text(self._rows[line], width), width)
            self._line_cache[key] = strip
        if self._rows[line].index == self.cursor:
            strip = highlight(strip, self.get_component_rich_style("checkpoint-list--cursor"))
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        text.truncate(width, overflow="ellipsis")
        segments = list(text.render(self.app.console))
        return Strip(segments).crop_extend(0, width, self.rich_style)

    def _line_text(self, row: _Row, width: int) -> Text:
        style = self.get_component_rich_style
        checkpoint = self._checkpoints[row.index]
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if row.part == 0:
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
        if row.part == 1:
            message = self._messages.get(checkpoint.message_id)
            text.append(f"   #{checkpoint.message_id}", style=style("checkpoint-list--age"))
            if message is not None:
                text.append(f" {message.role.value}: ", style=style("checkpoint-list--age"))
                text.append(f"“{first_words(message.content, FIRST_WORDS)}”", style=style("checkpoint-list--message"))
            return text
        text.append("   " + clean_line(checkpoint.note or "").strip(), style=style("checkpoint-list--note"))
        return text
