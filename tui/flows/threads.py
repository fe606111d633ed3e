"""New, rename, archive, delete a thread, and cycle its status."""

from __future__ import annotations

from functools import partial

from store import Role, Thread, ThreadStatus

from ..notify import literal
from ..safe_text import clean_line
from ..screens.modals import Composed, ComposerScreen, ConfirmScreen, PromptScreen
from .base import FlowHost

STATUS_CYCLE = tuple(ThreadStatus)


class ThreadFlows(FlowHost):
    """Whole threads: the list's cursor when the list has focus, else the open thread."""

    def _updated(self, updated: Thread, select: bool = False) -> None:
        """Show a changed thread: in the pane when it is open, and in the list."""
        if self.thread is not None and self.thread.id == updated.id:
            self.pane.load_thread(updated.id)
        self.load_threads(select_id=updated.id if select else None)

    def action_new_thread(self) -> None:
        """Start a new thread: a title, then its first message."""
        self.app.push_screen(PromptScreen("New thread", placeholder="a title", cursor_blink=self.cursor_blink), self._titled)

    def _titled(self, title: str | None) -> None:
        if title is None:
            return

        def created(thread: Thread) -> None:
            screen = ComposerScreen(f"First message of {clean_line(title)}", role=Role.USER, cursor_blink=self.cursor_blink)
            self.app.push_screen(screen, partial(self._first_message, thread))

        self.run_op(lambda: self.store.create_thread(title), created)

    def _first_message(self, thread: Thread, composed: Composed | None) -> None:
        if composed is None:  # the thread stays, empty: f writes its first message
            self.open_thread(thread.id)
            return
        self.run_op(lambda: self.store.append(thread.id, composed.role, composed.text), lambda _: self.open_thread(thread.id))

    def action_rename_thread(self) -> None:
        """Give the thread under the cursor / the open thread a new title."""
        if (thread := self.target_thread()) is not None:
            prompt = PromptScreen("Rename thread", value=clean_line(thread.title or ""), placeholder="a title", cursor_blink=self.cursor_blink)
            self.app.push_screen(prompt, partial(self._renamed, thread))

    def _renamed(self, thread: Thread, title: str | None) -> None:
        if title is None:
            return

        def renamed(updated: Thread) -> None:
            self.notify(literal("Renamed to $title.", title=updated.title or ""))
            self._updated(updated, select=True)

        self.run_op(lambda: self.store.rename_thread(thread.id, title), renamed)

    def action_archive(self) -> None:
        """Archive (or bring back) the thread under the cursor / the open thread."""
        if (thread := self.target_thread()) is not None:
            self.run_op(lambda: self._toggle_archive(thread), self._updated)

    async def _toggle_archive(self, thread: Thread) -> Thread:
        current = await self.store.get_thread(thread.id)
        title = clean_line(current.title or "Untitled")
        if current.archived:
            updated = await self.store.unarchive_thread(thread.id)
            self.notify(literal("Brought back $title.", title=title))
        else:
            updated = await self.store.archive_thread(thread.id)
            self.notify(literal("Archived $title (3 shows archived threads; a again brings it back).", title=title))
        return updated

    def action_delete_thread(self) -> None:
        """Delete the thread under the cursor / the open thread, after a confirmation."""
        if (thread := self.target_thread()) is None:
            return
        title = clean_line(thread.title or "Untitled")
        noun = "message" if thread.message_count == 1 else "messages"
        body = (
            f"Delete the thread {title} with its {thread.message_count} {noun}, checkpoints and history?\n\n"
            "This cannot be undone (a archives it instead)."
        )
        self.app.push_screen(ConfirmScreen("Delete thread", body), partial(self._delete_thread, thread, title))

    def _delete_thread(self, thread: Thread, title: str, yes: bool | None) -> None:
        if not yes:
            return

        def deleted(_: object) -> None:
            self.notify(literal("Deleted $title.", title=title))
            if self.thread is not None and self.thread.id == thread.id:
                self.pane.close_thread()
            self.load_threads()

        self.run_op(lambda: self.store.delete_thread(thread.id), deleted)

    def action_cycle_status(self) -> None:
        """Set the next status on the thread under the cursor / the open thread."""
        if (thread := self.target_thread()) is not None:
            self.run_op(lambda: self._next_status(thread), self._updated)

    async def _next_status(self, thread: Thread) -> Thread:
        current = await self.store.get_thread(thread.id)
        status = STATUS_CYCLE[(STATUS_CYCLE.index(current.status) + 1) % len(STATUS_CYCLE)]
        updated = await self.store.update_thread(thread.id, status=status)
        self.notify(f"Status: {status.value}")
        return updated
