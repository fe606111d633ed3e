"""Saving a checkpoint, deleting one, and branching a new thread from one."""

from __future__ import annotations

from functools import partial

from textual import on

from store import Checkpoint, Message, Thread

from ..notify import literal
from ..safe_text import clean_line
from ..screens.modals import ConfirmScreen, PromptScreen
from ..widgets.checkpoint_list import CheckpointList
from .moves import MoveFlows


class CheckpointFlows(MoveFlows):
    """Named messages to come back to (restoring one: `ThreadPane.restore`)."""

    def action_checkpoint(self) -> None:
        """Save a named checkpoint at the selected message."""
        if (message := self.selected()) is not None and self.thread is not None:
            prompt = PromptScreen(f"Checkpoint at #{message.id}", placeholder="a name, e.g. before-refactor", cursor_blink=self.cursor_blink)
            self.app.push_screen(prompt, partial(self._named, self.thread, message))

    def _named(self, thread: Thread, message: Message, name: str | None) -> None:
        if name is None:
            return

        def checked(existing: list[Checkpoint]) -> None:
            old = next((c for c in existing if c.name == name), None)
            if old is None:
                self._save(thread, message, name, True)
                return
            body = f"A checkpoint named {clean_line(name)} already points at #{old.message_id}.\nOverwrite it to point at #{message.id}?"
            self.app.push_screen(ConfirmScreen("Overwrite checkpoint", body), partial(self._save, thread, message, name))

        self.run_op(lambda: self.store.list_checkpoints(thread.id), checked)

    def _save(self, thread: Thread, message: Message, name: str, yes: bool | None) -> None:
        if not yes:
            return

        def saved(_: object) -> None:
            self.notify(literal("Checkpoint $name saved at #$id.", name=name, id=message.id))
            self.reload(thread.id)

        self.run_op(lambda: self.store.save_checkpoint(thread.id, name, message_id=message.id), saved)

    @on(CheckpointList.DeleteRequested)
    def _delete_requested(self, event: CheckpointList.DeleteRequested) -> None:
        checkpoint = event.checkpoint
        body = f"Delete the checkpoint {clean_line(checkpoint.name)}?\nIts message #{checkpoint.message_id} stays."
        self.app.push_screen(ConfirmScreen("Delete checkpoint", body), partial(self._delete, checkpoint))

    def _delete(self, checkpoint: Checkpoint, yes: bool | None) -> None:
        if not yes:
            return

        def deleted(_: object) -> None:
            self.notify(literal("Deleted the checkpoint $name.", name=checkpoint.name))
            self.reload(checkpoint.thread_id)

        self.run_op(lambda: self.store.delete_checkpoint(checkpoint.thread_id, checkpoint.name), deleted)

    @on(CheckpointList.BranchRequested)
    def _branch_requested(self, event: CheckpointList.BranchRequested) -> None:
        self.branch_from(event.checkpoint.message_id)
