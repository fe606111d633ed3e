"""Opening another thread paints its active path first; the ‹k/n› marks, the tree and the
side tabs follow once every message is read, and then the transcript holds the very
messages of the view (one copy)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tui.widgets.branch_tree import BranchTree
from tui_helpers import main, make_app, settle, wait_until


async def test_the_path_shows_before_the_rest_of_the_thread_is_read(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        store = app.store
        # A thread with a branch point on its path, other than the one open.
        target = None
        for row in screen.thread_list.rows:
            if row.thread.id != screen.thread.id and row.thread.leaf_count > 1:
                target = row.thread
                break
        assert target is not None
        path = await store.path(target.id)

        # Hold the read of every message until the test lets it go (the real read runs then).
        gate = asyncio.Event()
        read_all = store.messages

        async def held(*args: Any, **kwargs: Any) -> Any:
            await gate.wait()
            return await read_all(*args, **kwargs)

        store.messages = held  # type: ignore[method-assign]
        try:
            screen.pane.load_thread(target.id)
            transcript = screen.transcript
            assert await wait_until(pilot, lambda: transcript.thread is not None and transcript.thread.id == target.id)
            await pilot.pause()
            assert [m.id for m in transcript.path] == [m.id for m in path]
            assert all(transcript.sibling_info(m.id) is None for m in path)  # no marks yet
            assert screen.query_one(BranchTree).runs == []  # nor the old thread's tree
            assert target.title and target.title.split()[0] in str(transcript.border_title)
        finally:
            gate.set()
            store.messages = read_all  # type: ignore[method-assign]
        await settle(pilot)
        view = screen.pane.view
        assert view is not None and view.thread.id == target.id
        assert any(transcript.sibling_info(m.id) is not None for m in path)
        assert screen.query_one(BranchTree).runs
        assert all(a is b for a, b in zip(transcript.path, view.path))
