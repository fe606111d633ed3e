"""The poll for changes by other processes never cancels a check that is still applying one."""

from __future__ import annotations

from pathlib import Path

from textual.worker import WorkerState

from store import Store

from tui_helpers import main, make_app, settle


async def test_a_tick_during_a_check_leaves_it_to_finish(demo_db: Path) -> None:
    """Each check records the data_version before applying what changed; a tick that
    restarted the (exclusive) worker cancelled it halfway and the change never showed."""
    app = make_app(demo_db)  # no timer: the test ticks by hand
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        thread_id = screen.thread.id
        async with Store.open(demo_db) as other:
            written = await other.append(thread_id, "user", "from another process")
        check = screen.check_for_changes()
        screen._poll()  # the next tick, while the check is under way
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert check.state is WorkerState.SUCCESS
        assert screen.transcript.path[-1].id == written.id
