"""A live thread changed by another process: the app applies the change as a delta.

The open thread is not read again: the messages already on screen stay the very same
objects (a reload builds new ones), and only what was stored after them is added.
"""

from __future__ import annotations

from pathlib import Path

from store import Store
from tui.thread_model import build_runs
from tui.widgets.branch_tree import BranchTree
from tui.widgets.timeline import Timeline

from tui_helpers import main, make_app, settle, wait_until


async def test_an_append_by_another_process_extends_the_open_thread_without_reloading(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        thread_id = screen.thread.id
        transcript = screen.transcript
        before = list(transcript.path)
        events_before = len(screen.query_one(Timeline).shown_events)
        transcript.cursor = len(before) - 1  # on the last message: the selection follows
        async with Store.open(demo_db) as other:
            first = await other.append(thread_id, "user", "written by another process")
            second = await other.append(thread_id, "assistant", "and its reply")
        await wait_until(pilot, lambda: transcript.path[-1].id == second.id)
        await settle(pilot)
        assert [m.id for m in transcript.path] == [m.id for m in before] + [first.id, second.id]
        assert all(a is b for a, b in zip(transcript.path, before))  # not read again
        assert transcript.selected is not None and transcript.selected.id == second.id
        assert screen.view is not None and len(screen.view.messages) == screen.view.thread.message_count
        timeline = screen.query_one(Timeline).shown_events
        assert len(timeline) == events_before + 2 and timeline[-1].message_id == second.id
        shape = lambda runs: [(r.first.id, r.last.id, r.count, r.depth, r.has_head, r.on_path) for r in runs]  # noqa: E731
        assert shape(screen.query_one(BranchTree).runs) == shape(build_runs(screen.view.messages, second.id))
        row = next(r for r in screen.thread_list.rows if r.thread.id == thread_id)
        assert row.thread.message_count == len(screen.view.messages)


async def test_a_branch_made_by_another_process_shows_with_its_sibling_marker(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        transcript = screen.transcript
        before = list(transcript.path)
        fork_at = before[1]
        async with Store.open(demo_db) as other:
            forked = await other.fork(fork_at.id, "user", "a branch from elsewhere")
        await wait_until(pilot, lambda: transcript.path[-1].id == forked.id)
        await settle(pilot)
        assert [m.id for m in transcript.path] == [before[0].id, fork_at.id, forked.id]
        assert transcript.path[0] is before[0]
        position, count = transcript.sibling_info(forked.id) or (0, 0)
        assert position == count and count >= 2
        assert screen.view is not None and screen.view.branches >= 2


async def test_a_branch_deleted_by_another_process_leaves_the_screen(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        transcript = screen.transcript
        last = transcript.path[-1]
        async with Store.open(demo_db) as other:
            await other.delete_branch(last.id, force=True)
        await wait_until(pilot, lambda: last.id not in {m.id for m in transcript.path})
        await settle(pilot)
        assert last.id not in {m.id for m in transcript.path}
        assert screen.view is not None and last.id not in {m.id for m in screen.view.messages}


async def test_the_thread_list_shows_a_new_title_and_a_new_thread_from_another_process(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        thread_id = screen.thread.id
        async with Store.open(demo_db) as other:
            await other.update_thread(thread_id, title="Renamed elsewhere")
            created = await other.create_thread("Started elsewhere")
            await other.append(created.id, "user", "hello")

        def listed() -> dict[int, str | None]:
            return {r.thread.id: r.thread.title for r in screen.thread_list.rows}

        await wait_until(pilot, lambda: listed().get(thread_id) == "Renamed elsewhere" and created.id in listed())
        await settle(pilot)
        assert listed()[thread_id] == "Renamed elsewhere"
        assert listed()[created.id] == "Started elsewhere"
        assert screen.thread is not None and screen.thread.title == "Renamed elsewhere"


async def test_a_thread_further_down_that_another_process_writes_to_moves_to_the_top(demo_db: Path) -> None:
    app = make_app(demo_db, poll_interval=0.05)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        rows = main(app).thread_list
        top = rows.rows[0].thread
        last = next(r.thread for r in reversed(rows.rows) if r.depth == 0)
        async with Store.open(demo_db) as other:
            await other.append(top.id, "user", "the top one grows in place")
            await other.append(last.id, "user", "now the newest")
        await wait_until(pilot, lambda: rows.rows[0].thread.id == last.id)
        await settle(pilot)
        assert rows.rows[0].thread.id == last.id
        assert next(r for r in rows.rows if r.thread.id == top.id).thread.message_count == top.message_count + 1
