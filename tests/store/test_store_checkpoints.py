"""Checkpoints: save (overwrite by name), list newest first, get, restore (undoable), delete."""

from __future__ import annotations

import pytest
from store_helpers import snapshot

from store import Checkpoint, CheckpointKind, EventKind, InvalidOperation, NotFound, Store


async def _thread_abc(store: Store):
    t = await store.create_thread("t")
    a = await store.append(t.id, "user", "a")
    b = await store.append(t.id, "assistant", "b")
    c = await store.append(t.id, "user", "c")
    return t, a, b, c


async def test_save_at_head_or_message(store: Store, clock) -> None:
    t, a, b, c = await _thread_abc(store)
    cp = await store.save_checkpoint(t.id, "here", note="n", state={"files": ["x.py"]})
    assert isinstance(cp, Checkpoint)
    assert (cp.thread_id, cp.name, cp.message_id, cp.kind, cp.note, cp.state) == (
        t.id,
        "here",
        c.id,
        CheckpointKind.MANUAL,
        "n",
        {"files": ["x.py"]},
    )
    assert cp.created_at == clock.peek()
    auto = await store.save_checkpoint(t.id, "auto-1", message_id=a.id, kind="auto")
    assert (auto.message_id, auto.kind) == (a.id, CheckpointKind.AUTO)
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.message_id, e.data.get("name")) == (EventKind.CHECKPOINT_SAVED, a.id, "auto-1")
    assert (await store.get_thread(t.id)).current_leaf_id == c.id  # saving does not move the head


async def test_same_name_overwrites(store: Store) -> None:
    t, a, b, c = await _thread_abc(store)
    first = await store.save_checkpoint(t.id, "x", message_id=a.id)
    await store.save_checkpoint(t.id, "y", message_id=b.id)
    again = await store.save_checkpoint(t.id, "x", message_id=c.id, note="moved")
    assert again.message_id == c.id and again.note == "moved"
    cps = await store.list_checkpoints(t.id)
    assert [(cp.name, cp.message_id) for cp in cps] == [("x", c.id), ("y", b.id)]
    assert again.created_at > first.created_at
    e = (await store.events(t.id))[-1]
    assert e.data.get("overwrote_message_id") == a.id


async def test_list_newest_first_and_get(store: Store) -> None:
    t, a, b, c = await _thread_abc(store)
    assert await store.list_checkpoints(t.id) == []
    for name, m in (("one", a), ("two", b), ("three", c)):
        await store.save_checkpoint(t.id, name, message_id=m.id)
    assert [cp.name for cp in await store.list_checkpoints(t.id)] == ["three", "two", "one"]
    assert (await store.get_checkpoint(t.id)).name == "three"
    assert (await store.get_checkpoint(t.id, "one")).message_id == a.id
    assert (await store.get_checkpoint(t.id, name="two")).message_id == b.id
    # checkpoints belong to their thread
    other = await store.create_thread("o")
    await store.append(other.id, "user", "x")
    await store.save_checkpoint(other.id, "one")
    assert [cp.name for cp in await store.list_checkpoints(t.id)] == ["three", "two", "one"]
    assert (await store.get_checkpoint(t.id, "one")).message_id == a.id


async def test_restore_moves_the_head_and_is_undoable(store: Store) -> None:
    t, a, b, c = await _thread_abc(store)
    await store.save_checkpoint(t.id, "start", message_id=a.id)
    th = await store.restore_checkpoint(t.id, "start")
    assert th.current_leaf_id == a.id
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.from_leaf_id, e.to_leaf_id) == (EventKind.CHECKPOINT_RESTORED, c.id, a.id)
    assert (await store.undo(t.id)).current_leaf_id == c.id


async def test_delete_checkpoint(store: Store) -> None:
    t, a, b, c = await _thread_abc(store)
    await store.save_checkpoint(t.id, "x", message_id=b.id)
    await store.delete_checkpoint(t.id, "x")
    assert await store.list_checkpoints(t.id) == []
    with pytest.raises(NotFound):
        await store.get_checkpoint(t.id, "x")
    await store.get_message(b.id)  # the message stays
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.message_id) == (EventKind.CHECKPOINT_DELETED, b.id)


async def test_checkpoint_refusals_write_nothing(store: Store, db_path) -> None:
    empty = await store.create_thread("empty")
    t, a, b, c = await _thread_abc(store)
    other = await store.create_thread("o")
    x = await store.append(other.id, "user", "x")
    await store.save_checkpoint(t.id, "kept")
    cases = [
        (InvalidOperation, store.save_checkpoint(t.id, "  ")),
        (InvalidOperation, store.save_checkpoint(t.id, "k", kind="weird")),
        (InvalidOperation, store.save_checkpoint(empty.id, "k")),
        (InvalidOperation, store.save_checkpoint(t.id, "k", message_id=x.id)),
        (NotFound, store.save_checkpoint(t.id, "k", message_id=9999)),
        (NotFound, store.save_checkpoint(9999, "k")),
        (NotFound, store.get_checkpoint(empty.id)),
        (NotFound, store.get_checkpoint(t.id, "nope")),
        (NotFound, store.restore_checkpoint(t.id, "nope")),
        (NotFound, store.delete_checkpoint(t.id, "nope")),
        (NotFound, store.list_checkpoints(9999)),
    ]
    for error, coro in cases:
        before = snapshot(db_path)
        with pytest.raises(error):
            await coro
        assert snapshot(db_path) == before


async def test_names_are_looked_up_as_they_were_saved(store: Store) -> None:
    """save_checkpoint stores a stripped name; get, restore and delete find it the same way."""
    t, a, b, c = await _thread_abc(store)
    saved = await store.save_checkpoint(t.id, "  before refactor ", message_id=a.id)
    assert saved.name == "before refactor"
    assert (await store.get_checkpoint(t.id, " before refactor ")).id == saved.id
    assert (await store.get_checkpoint(t.id, "before refactor")).id == saved.id
    assert (await store.restore_checkpoint(t.id, "  before refactor ")).current_leaf_id == a.id
    await store.delete_checkpoint(t.id, " before refactor")
    assert await store.list_checkpoints(t.id) == []
