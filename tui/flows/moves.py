"""Fork, edit, a first message, branch, rewind, sibling switches and undo."""

from __future__ import annotations

import asyncio
from functools import partial

from store import Message, Role, Thread

from ..notify import literal
from ..safe_text import clean_line
from ..screens.modals import Composed, ComposerScreen, ConfirmScreen
from ..thread_model import first_words
from .base import FlowHost


class MoveFlows(FlowHost):
    """Writing messages and moving the head."""

    _sibling_lock: asyncio.Lock

    # ------------------------------------------------------------------ writing

    def action_fork(self) -> None:
        """Write a new message after the selected one (a new branch there); in an empty
        thread, its first message."""
        view = self.view
        if view is not None and not view.path:
            title = f"First message of {clean_line(view.thread.title or 'Untitled')}"
            self.app.push_screen(
                ComposerScreen(title, role=Role.USER, cursor_blink=self.cursor_blink), partial(self._first_written, view.thread)
            )
            return
        if (message := self.selected()) is not None:
            role = Role.USER if message.role is not Role.USER else Role.ASSISTANT
            context = f"after {message.role.value}: {first_words(message.content, 14)}"
            screen = ComposerScreen(f"Fork after #{message.id}", role=role, context=context, cursor_blink=self.cursor_blink)
            self.app.push_screen(screen, partial(self._fork_written, message))

    def _first_written(self, thread: Thread, composed: Composed | None) -> None:
        if composed is not None:
            self.run_op(lambda: self.store.append(thread.id, composed.role, composed.text), self._written)

    def _fork_written(self, message: Message, composed: Composed | None) -> None:
        if composed is not None:
            self.run_op(lambda: self.store.fork(message.id, composed.role, composed.text), self._written)

    def _written(self, made: Message) -> None:
        self.reload(made.thread_id, select_id=made.id)

    def action_edit(self) -> None:
        """Write a new version of the selected message (a new sibling of it)."""
        if (message := self.selected()) is None:
            return
        if message.parent_id is None:
            self.notify("The first message has no parent to branch from; use f to fork after it.", severity="warning")
            return
        screen = ComposerScreen(
            f"Edit #{message.id} — saved as a new sibling", role=message.role, text=message.content, cursor_blink=self.cursor_blink
        )
        self.app.push_screen(screen, partial(self._edit_written, message.parent_id))

    def _edit_written(self, parent_id: int, composed: Composed | None) -> None:
        if composed is not None:
            self.run_op(lambda: self.store.fork(parent_id, composed.role, composed.text), self._written)

    def action_branch(self) -> None:
        """Copy root..selected message into a new thread and open it."""
        if (message := self.selected()) is not None:
            self.branch_from(message.id)

    def branch_from(self, message_id: int) -> None:
        """A new thread holding the path up to `message_id`, opened."""
        self.run_op(lambda: self.store.fork_thread(message_id), self._branched)

    def _branched(self, thread: Thread) -> None:
        self.notify(literal("Branched into a new thread: $title", title=thread.title or "Untitled"))
        self.open_thread(thread.id)

    # ------------------------------------------------------------------ moving the head

    def action_rewind(self) -> None:
        """Move the head back to the selected message (after a confirmation)."""
        message = self.selected()
        view = self.view
        if message is None or view is None:
            return
        leaving = len(view.path) - 1 - self.transcript.cursor
        if leaving <= 0:
            self.notify("The head is already at this message.", severity="warning")
            return
        noun = "message leaves" if leaving == 1 else "messages leave"
        body = (
            f"Rewind to #{message.id} ({message.role.value}: {first_words(message.content)})?\n\n"
            f"{leaving} {noun} the active path; they stay as a branch.\nu undoes the rewind."
        )
        self.app.push_screen(ConfirmScreen("Rewind", body), partial(self._rewind_confirmed, view.thread, message, leaving))

    def _rewind_confirmed(self, thread: Thread, message: Message, leaving: int, yes: bool | None) -> None:
        if not yes:
            return
        noun = "message leaves" if leaving == 1 else "messages leave"

        def rewound(updated: Thread) -> None:
            self.notify(f"Rewound: {leaving} {noun} the active path (u undoes).")
            self.reload(updated.id, select_id=message.id)

        self.run_op(lambda: self.store.rewind(thread.id, to=message.id), rewound)

    def action_sibling(self, step: int) -> None:
        """Switch to the previous/next sibling of the selected message."""
        message = self.selected()
        if message is None or self.thread is None:
            return
        if self.transcript.sibling_info(message.id) is None:
            self.notify("This message has no siblings.", severity="warning")
            return
        index = self.transcript.cursor

        def switched(thread: Thread | None) -> None:
            if thread is not None:  # None: the head stayed where it was
                self.reload(thread.id, select_index=index)

        self.run_op(lambda: self._switch_sibling(message, step), switched)

    async def _switch_sibling(self, message: Message, step: int) -> Thread | None:
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
                    return None
            return await self.store.switch_sibling(current.id, step)

    def action_undo(self) -> None:
        """Walk the head back through its moves, one per press."""
        if self.thread is None:
            self.notify("Open a thread first.", severity="warning")
            return
        thread_id = self.thread.id

        def undone(thread: Thread) -> None:
            self.notify(f"Undone: the head is back at #{thread.current_leaf_id}.")
            self.reload(thread_id, select_id=thread.current_leaf_id)

        self.run_op(lambda: self.store.undo(thread_id), undone)
