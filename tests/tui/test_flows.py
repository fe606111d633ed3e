"""The dialog flows (tui/flows/): a dialog is open while no worker waits on it, and after
the answer every worker ends, so a test waits with `app.workers.wait_for_complete()`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.worker import WorkerState

from tui.screens.main import MainScreen
from tui.screens.modals import ComposerScreen, ConfirmScreen

from tui_helpers import main, make_app, select, settle

BRANCH_POINT = 339
"""A message in the middle of the demo's first thread."""


def _running(app: Any) -> list[Any]:
    return [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]


async def _all_done(app: Any) -> None:
    """Wait for the workers, then for the ones their results started (a reload)."""
    while _running(app):
        await app.workers.wait_for_complete()


async def test_fork_asks_with_no_worker_waiting_then_every_worker_ends(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        select(app, BRANCH_POINT)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert not _running(app)  # the dialog holds no worker open
        await pilot.press(*"a new branch", "ctrl+s")
        await pilot.pause()
        await _all_done(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        head = (await app.store.path(thread_id))[-1]
        assert head.content == "a new branch" and head.parent_id == BRANCH_POINT
        assert main(app).transcript.selected is not None and main(app).transcript.selected.id == head.id


async def test_rewind_confirmed_and_cancelled(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        start = main(app).thread.current_leaf_id
        select(app, BRANCH_POINT)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and not _running(app)
        await pilot.press("n")  # cancelled: nothing is written, no worker starts
        await pilot.pause()
        assert not _running(app)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == start
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await _all_done(app)
        await pilot.pause()
        assert (await app.store.get_thread(thread_id)).current_leaf_id == BRANCH_POINT
        assert main(app).view is not None and main(app).view.path[-1].id == BRANCH_POINT
