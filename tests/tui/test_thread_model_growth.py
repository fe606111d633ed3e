"""`grown_view` gives the same view as computing it afresh from all the messages."""

from __future__ import annotations

from pathlib import Path

from store import Store
from tui.thread_model import grown_view, view_of


async def _same_as_fresh(store: Store, thread_id: int, view_before, expect_extends: bool):  # type: ignore[no-untyped-def]
    thread = await store.get_thread(thread_id)
    newest = max((m.id for m in view_before.messages), default=0)
    added = await store.messages(thread_id, after_id=newest)
    grown, extends = grown_view(view_before, thread, added)
    fresh = view_of(thread, await store.messages(thread_id))
    assert extends is expect_extends
    assert [m.id for m in grown.path] == [m.id for m in fresh.path]
    assert grown.siblings == fresh.siblings
    assert (grown.branch, grown.branches) == (fresh.branch, fresh.branches)
    assert {k: [m.id for m in v] for k, v in grown.children.items()} == {
        k: [m.id for m in v] for k, v in fresh.children.items()
    }
    return grown


async def test_growth_under_the_head_extends_and_other_changes_recompute(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db") as store:
        thread = await store.create_thread("t")
        view = view_of(thread, [])
        root = await store.append(thread.id, "user", "root")
        view = await _same_as_fresh(store, thread.id, view, True)  # the first message of an empty thread
        await store.append(thread.id, "assistant", "reply")
        view = await _same_as_fresh(store, thread.id, view, True)
        await store.fork(root.id, "assistant", "another reply")  # a branch: two leaves now
        view = await _same_as_fresh(store, thread.id, view, False)
        await store.append(thread.id, "user", "more on the branch")
        view = await _same_as_fresh(store, thread.id, view, True)  # grows the newest of two leaves
        await store.rewind(thread.id, by=1)
        await store.append(thread.id, "user", "after a rewind")  # a sibling of the old head
        view = await _same_as_fresh(store, thread.id, view, False)
        await store.set_leaf(thread.id, root.id)  # a head move, nothing added
        await _same_as_fresh(store, thread.id, view, False)
