"""One place where every worker's end is handled: failures become notifications.

`Worker.StateChanged` goes to the node that started the worker and does not bubble, so a
handler on one screen never hears about the search screen's workers or the app's
`--follow` importer. The app and every screen with workers route the message here
(screens through `ReportsWorkerFailures`), so a failing worker anywhere is a notification
with a sentence, never a silent stop or a traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual import work
from textual.app import App
from textual.worker import Worker, WorkerState

from store import StoreError

from .key_hold import KeyHold
from .notify import literal


def report_worker_state(app: App[Any], event: Worker.StateChanged) -> None:
    """Handle a worker's new state: let held keys go when it ends; report a failure."""
    if isinstance(app, KeyHold):
        app.worker_ended(event.worker)
    if event.state is not WorkerState.ERROR:
        return
    error = event.worker.error
    if isinstance(error, StoreError):
        app.notify(literal("$error", error=error), title="Not done", severity="error")
    else:
        app.log.error(f"worker {event.worker.name} failed: {error!r}")
        app.notify(literal("Something went wrong: $error", error=repr(error)), title="Error", severity="error")


class ReportsWorkerFailures:
    """For a screen (or widget) that runs workers: their state changes reach the app's handler."""

    app: App[Any]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_state(self.app, event)


class StoreOps:
    """The one helper every flow ends with: a short store call in a worker, then what follows.

    A flow asks first (`push_screen(dialog, callback)`), and the callback hands the store
    call here, so no worker ever waits on a dialog: every worker ends, and tests wait with
    `app.workers.wait_for_complete()`. A failure is a notification (`report_worker_state`).
    """

    @work(group="op", exit_on_error=False)
    async def run_op(self, call: Callable[[], Awaitable[Any]], then: Callable[[Any], object] | None = None) -> None:
        """Await `call()`, then hand its result to `then`."""
        result = await call()
        if then is not None:
            then(result)
