"""Events: one per mutation, gapless per-thread seq, filters, the global timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from store import Event, EventKind, NotFound, Store


async def test_one_event_per_mutation_with_gapless_seq(store: Store) -> None:
    t = await store.create_thread("t")
    expected = [EventKind.THREAD_CREATED]

    async def did(kind: EventKind) -> None:
        expected.append(kind)
        events = await store.events(t.id, limit=1000)
        assert [e.kind for e in events] == expected
        assert [e.seq for e in events] == list(range(1, len(expected) + 1))

    a = await store.append(t.id, "user", "a")
    await did(EventKind.MESSAGE_APPENDED)
    b = await store.append(t.id, "assistant", "b")
    await did(EventKind.MESSAGE_APPENDED)
    await store.fork(a.id, "assistant", "b2")
    await did(EventKind.MESSAGE_FORKED)
    await store.set_leaf(t.id, b.id)
    await did(EventKind.LEAF_MOVED)
    await store.switch_sibling(b.id, +1)
    await did(EventKind.LEAF_MOVED)
    await store.rewind(t.id, by=1)
    await did(EventKind.REWOUND)
    await store.undo(t.id)
    await did(EventKind.UNDONE)
    await store.save_checkpoint(t.id, "cp")
    await did(EventKind.CHECKPOINT_SAVED)
    await store.restore_checkpoint(t.id, "cp")
    await did(EventKind.CHECKPOINT_RESTORED)
    await store.delete_checkpoint(t.id, "cp")
    await did(EventKind.CHECKPOINT_DELETED)
    await store.fork_thread(b.id)
    await did(EventKind.THREAD_FORKED)
    await store.delete_branch(b.id)
    await did(EventKind.BRANCH_DELETED)
    await store.update_thread(t.id, title="t2")
    await did(EventKind.THREAD_UPDATED)
    await store.archive_thread(t.id)
    await did(EventKind.THREAD_ARCHIVED)
    await store.unarchive_thread(t.id)
    await did(EventKind.THREAD_UNARCHIVED)
    # reads add nothing
    await store.path(t.id)
    await store.leaves(t.id)
    await store.list_checkpoints(t.id)
    await store.search("a")
    await did_nothing(store, t.id, len(expected))


async def did_nothing(store: Store, thread_id: int, count: int) -> None:
    assert len(await store.events(thread_id, limit=1000)) == count


async def test_head_moving_events_carry_from_and_to(store: Store) -> None:
    t = await store.create_thread("t")
    a = await store.append(t.id, "user", "a")
    b = await store.append(t.id, "assistant", "b")
    await store.set_leaf(t.id, a.id)
    await store.undo(t.id)
    moves = await store.events(t.id, kinds=[EventKind.MESSAGE_APPENDED, EventKind.LEAF_MOVED, EventKind.UNDONE])
    assert [(e.from_leaf_id, e.to_leaf_id) for e in moves] == [(None, a.id), (a.id, b.id), (b.id, a.id), (a.id, b.id)]
    assert all(isinstance(e, Event) and e.is_move == (e.kind is not EventKind.UNDONE) for e in moves)


async def test_filters(store: Store, clock) -> None:
    t = await store.create_thread("t")  # seq 1 at +0s
    for i in range(5):  # seq 2..6 at +1s..+5s
        await store.append(t.id, "user", f"m{i}")
    all_events = await store.events(t.id)
    assert [e.seq for e in all_events] == [1, 2, 3, 4, 5, 6]
    times = [e.created_at for e in all_events]
    assert times == sorted(times) and len(set(times)) == 6

    kinds = await store.events(t.id, kinds=["thread_created"])
    assert [e.seq for e in kinds] == [1]
    assert [e.seq for e in await store.events(t.id, since=times[2])] == [3, 4, 5, 6]
    assert [e.seq for e in await store.events(t.id, until=times[2])] == [1, 2]
    assert [e.seq for e in await store.events(t.id, since=times[1], until=times[4])] == [2, 3, 4]
    assert [e.seq for e in await store.events(t.id, after_seq=4)] == [5, 6]
    assert [e.seq for e in await store.events(t.id, limit=2)] == [1, 2]
    assert [e.seq for e in await store.events(t.id, after_seq=2, limit=2)] == [3, 4]
    assert await store.events(t.id, since=times[-1] + timedelta(seconds=1)) == []
    assert [e.seq for e in await store.events(t.id, kinds=[EventKind.MESSAGE_APPENDED], after_seq=5)] == [6]


async def test_global_timeline_across_threads(store: Store) -> None:
    t1 = await store.create_thread("one")
    t2 = await store.create_thread("two")
    await store.append(t1.id, "user", "a")
    await store.append(t2.id, "user", "b")
    await store.append(t1.id, "user", "c")
    everything = await store.events()
    assert [(e.thread_id, e.seq) for e in everything] == [(t1.id, 1), (t2.id, 1), (t1.id, 2), (t2.id, 2), (t1.id, 3)]
    ids = [e.id for e in everything]
    assert ids == sorted(ids)
    # across threads, after_seq pages by the global event id
    assert [(e.thread_id, e.seq) for e in await store.events(after_seq=ids[2])] == [(t2.id, 2), (t1.id, 3)]
    appended = await store.events(kinds=[EventKind.MESSAGE_APPENDED], limit=2)
    assert [(e.thread_id, e.seq) for e in appended] == [(t1.id, 2), (t2.id, 2)]


async def test_events_of_unknown_thread(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.events(9999)
