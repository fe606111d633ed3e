"""Keys typed right after a key that opens a dialog belong to that dialog (issue 10 item 15).

Opening a dialog takes a few steps: the key travels to the focused widget and back up to
the app's bindings, the action may start a worker that reads the store first, the screen
mounts, its field takes the focus. Keys that arrive meanwhile ran as main-screen commands
(`cbefore` pasted made a thread, an edit composer and a rewind question). So when a key is
bound to an action that opens a dialog, the app holds the keys after it; the dialog replays
them once its field has the focus, in the order they came. If no dialog opens after all
(the action found nothing to act on, its worker ended or failed first), the keys are
replayed where they would have gone.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.worker import Worker, WorkerState

from .actions import DIALOG_BINDINGS  # the actions marked opens_dialog



class KeyHold(App[None]):
    """An app that holds the keys typed while a dialog opens."""

    _held_keys: list[events.Key] | None = None
    _opener: events.Key | None = None

    @property
    def holding_keys(self) -> bool:
        """Whether keys are being held for a dialog that is opening."""
        return self._held_keys is not None

    async def release_keys(self) -> None:
        """Handle the held keys now, in order, where the focus is now (the dialog's field)."""
        held, self._held_keys = self._held_keys, None
        for key in held or ():
            await super().on_event(key)

    def _opens_dialog(self, key: str) -> bool:
        active = self.screen.active_bindings.get(key)
        return active is not None and active.enabled and active.binding.id in DIALOG_BINDINGS

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            if self._opens_dialog(event.key):
                self._held_keys = []
                self._opener = event
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls the handler of every class in the MRO, subclass first: run the
        # app's (the bindings) here, then stop the MRO from running it a second time.
        await super()._on_key(event)
        event.prevent_default()
        if event is self._opener:
            # The opening key's action has run. A dialog on its way is either on the
            # stack already or in an "op" worker; with neither, nothing will take the keys.
            self._opener = None
            opening = any(w.group == "op" and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers)
            if not opening and not self.screen.is_modal:
                await self.release_keys()

    def worker_ended(self, worker: Worker[object]) -> None:
        """A screen's worker ended: if it was to open the dialog, it no longer will."""
        if self._held_keys is not None and worker.group == "op" and worker.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.call_later(self.release_keys)


def release_after_focus(app: App[Any]) -> None:
    """For a dialog's on_mount, after it focused its field: hand it the held keys.

    `Widget.focus` takes effect through `call_later`, so the release is queued after it.
    """
    if isinstance(app, KeyHold) and app.holding_keys:
        app.call_later(app.release_keys)
