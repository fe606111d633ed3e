"""Search and compare: they open another place in the same or another thread."""

from __future__ import annotations

from store import Message

from ..screens.compare import CompareScreen
from ..screens.search import SearchJump, SearchScreen
from .base import FlowHost


class JumpFlows(FlowHost):
    """Search every message; mark one message (or branch) and compare another with it."""

    marked: Message | None
    """The message `m` marked, which `=` compares another one with."""

    def action_search(self) -> None:
        """Search every message (the search screen)."""
        screen = SearchScreen(
            self.store, thread_id=self.thread.id if self.thread else None, clock=self.pane.clock, cursor_blink=self.cursor_blink
        )
        self.app.push_screen(screen, self._searched)

    def _searched(self, result: SearchJump | None) -> None:
        if result is not None:
            self.jump_to(result.thread_id, result.message_id)

    def jump_to(self, thread_id: int, message_id: int | None) -> None:
        """Open a thread; with a message off the active path, move the head so it is on it."""

        async def put_on_path() -> None:
            if message_id is not None and message_id not in await self.store.on_active_path([message_id]):
                leaf = await self.store.newest_leaf(message_id)
                await self.store.set_leaf(thread_id, leaf.id)
                self.notify("The head moved to the branch that holds this message (u undoes).")

        self.run_op(put_on_path, lambda _: self._opened(thread_id, message_id))

    def _opened(self, thread_id: int, message_id: int | None) -> None:
        self.reload(thread_id, select_id=message_id, focus=True)
        self.thread_list.select_thread(thread_id)

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
        self.app.push_screen(CompareScreen(self.store, self.marked.id, other.id, tz=self.pane.tz), self._compared)

    def _pointed(self) -> Message | None:
        message = self.pane.pointed()
        if message is None:
            self.notify("Open a thread and select a message first.", severity="warning")
        return message

    def _compared(self, opened: tuple[int, int] | None) -> None:
        if opened is not None:  # a side became the head of its thread: show it there
            self._opened(*opened)
