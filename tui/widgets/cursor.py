"""Cursor keys shared by the line-API lists (threads, tree, timeline, checkpoints)."""

from __future__ import annotations


class CursorKeys:
    """j/k, first/last and page moves over `cursor_count` items.

    Mixed into a widget that has a reactive `cursor` and reacts to it in `watch_cursor`
    (scrolling and repainting stay with each widget: their rows differ in height).
    """

    cursor: int

    @property
    def cursor_count(self) -> int:
        """How many items the cursor moves over."""
        raise NotImplementedError

    def action_cursor_down(self) -> None:
        """The next item."""
        if self.cursor < self.cursor_count - 1:
            self.cursor += 1

    def action_cursor_up(self) -> None:
        """The previous item."""
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_first(self) -> None:
        """The first item."""
        self.cursor = 0

    def action_cursor_last(self) -> None:
        """The last item."""
        self.cursor = max(0, self.cursor_count - 1)

    def move_cursor_by(self, step: int) -> None:
        """Move `step` items, stopping at either end."""
        self.cursor = max(0, min(self.cursor_count - 1, self.cursor + step))
