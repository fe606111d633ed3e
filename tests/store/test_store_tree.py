"""The tree: append, fork, fork_thread, path, children, siblings, leaves, set_leaf,
switch_sibling, rewind, undo, delete_branch — and every refusal writing nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from store_helpers import START, snapshot

from store import EventKind, InvalidOperation, Message, NotFound, Role, Store, StoreError, Thread


async def _chain(store: Store, thread_id: int, *contents: str) -> list[Message]:
    out = []
    for i, text in enumerate(contents):
        out.append(await store.append(thread_id, "user" if i % 2 == 0 else "assistant", text))
    return out


async def _head(store: Store, thread_id: int) -> int | None:
    return (await store.get_thread(thread_id)).current_leaf_id


class Refusal:
    """Asserts that an awaited call raises and leaves every table exactly as it was."""

    def __init__(self, db_path) -> None:
        self.db_path = db_path

    async def __call__(self, error: type[StoreError], coro) -> StoreError:
        before = snapshot(self.db_path)
        with pytest.raises(error) as info:
            await coro
        assert snapshot(self.db_path) == before, "a refused operation wrote something"
        assert str(info.value).strip(), "the error needs a message a person understands"
        return info.value


@pytest.fixture
def refused(db_path) -> Refusal:
    return Refusal(db_path)


# ---------------------------------------------------------------------- append


async def test_append_builds_a_chain_and_moves_the_head(store: Store) -> None:
    t = await store.create_thread("t")
    a = await store.append(t.id, Role.USER, "hello", data={"usage": {"in": 3}})
    assert isinstance(a, Message)
    assert (a.thread_id, a.parent_id, a.depth, a.role, a.content, a.data) == (
        t.id,
        None,
        0,
        Role.USER,
        "hello",
        {"usage": {"in": 3}},
    )
    b = await store.append(t.id, "assistant", "hi")
    assert (b.parent_id, b.depth) == (a.id, 1)
    th = await store.get_thread(t.id)
    assert th.current_leaf_id == b.id
    assert (th.message_count, th.leaf_count) == (2, 1)
    assert (await store.get_message(a.id)).child_count == 1
    assert await store.get_message(b.id) == b
    ev = (await store.events(t.id))[-2:]
    assert [(e.kind, e.message_id, e.from_leaf_id, e.to_leaf_id) for e in ev] == [
        (EventKind.MESSAGE_APPENDED, a.id, None, a.id),
        (EventKind.MESSAGE_APPENDED, b.id, a.id, b.id),
    ]


async def test_append_keeps_a_given_created_at(store: Store) -> None:
    t = await store.create_thread("t")
    when = START - timedelta(days=3)
    m = await store.append(t.id, "user", "old", created_at=when)
    assert m.created_at == when
    assert (await store.get_message(m.id)).created_at == when


async def test_append_after_rewind_starts_a_branch(store: Store) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    await store.rewind(t.id, to=a.id)
    c = await store.append(t.id, "assistant", "c")
    assert c.parent_id == a.id
    assert [m.id for m in await store.children(a.id)] == [b.id, c.id]
    assert (await store.get_thread(t.id)).leaf_count == 2


async def test_append_refusals(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    await store.append(t.id, "user", "a")
    await refused(InvalidOperation, store.append(t.id, "user", ""))
    await refused(InvalidOperation, store.append(t.id, Role.USER, "  \n\t "))
    await refused(InvalidOperation, store.append(t.id, "robot", "hi"))
    await refused(NotFound, store.append(t.id + 99, "user", "hi"))
    # blank is only refused for a user message
    tool = await store.append(t.id, "tool", "")
    assert tool.content == ""


# ---------------------------------------------------------------------- fork


async def test_fork_adds_a_child_of_any_message(store: Store) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    f = await store.fork(a.id, "assistant", "other answer", data={"x": 1})
    assert (f.parent_id, f.depth, f.data) == (a.id, 1, {"x": 1})
    th = await store.get_thread(t.id)
    assert th.current_leaf_id == f.id
    assert (th.message_count, th.leaf_count) == (4, 2)
    assert [m.id for m in await store.path(t.id)] == [a.id, f.id]
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.message_id, e.from_leaf_id, e.to_leaf_id) == (EventKind.MESSAGE_FORKED, f.id, c.id, f.id)
    # forking at a leaf just extends it, and the leaf count stays
    g = await store.fork(c.id, "user", "more")
    assert g.parent_id == c.id
    assert (await store.get_thread(t.id)).leaf_count == 2


async def test_fork_refusals(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    (a,) = await _chain(store, t.id, "a")
    await refused(NotFound, store.fork(a.id + 1000, "user", "x"))
    await refused(InvalidOperation, store.fork(a.id, "user", " "))


# ---------------------------------------------------------------------- fork_thread


async def test_fork_thread_copies_root_to_message_with_lineage(store: Store) -> None:
    t = await store.create_thread("Source", project="/p")
    a, b, c, d = await _chain(store, t.id, "a", "b", "c", "d")
    side = await store.fork(b.id, "user", "side")
    before_source = await store.get_thread(t.id)
    new = await store.fork_thread(c.id, title="Copy")
    assert isinstance(new, Thread)
    assert new.id != t.id
    assert (new.title, new.forked_from_thread_id, new.forked_from_message_id) == ("Copy", t.id, c.id)
    assert new.project == "/p"
    assert (new.message_count, new.leaf_count) == (3, 1)
    copied = await store.path(new.id)
    assert [(m.role, m.content, m.depth) for m in copied] == [
        (x.role, x.content, x.depth) for x in (a, b, c)
    ]
    assert {m.id for m in copied}.isdisjoint({a.id, b.id, c.id, d.id, side.id})
    assert all(m.thread_id == new.id for m in copied)
    assert [m.parent_id for m in copied] == [None, copied[0].id, copied[1].id]
    assert new.current_leaf_id == copied[-1].id
    assert [m.id for m in await store.leaves(new.id)] == [copied[-1].id]
    # the source thread keeps every message and its head
    after_source = await store.get_thread(t.id)
    assert after_source.current_leaf_id == before_source.current_leaf_id == side.id
    assert after_source.message_count == 5
    # an event in both threads
    new_events = await store.events(new.id)
    assert [(e.seq, e.kind) for e in new_events] == [(1, EventKind.THREAD_FORKED)]
    src_last = (await store.events(t.id))[-1]
    assert src_last.kind is EventKind.THREAD_FORKED
    assert src_last.seq == len(await store.events(t.id))
    assert src_last.data.get("to_thread_id") == new.id
    assert new_events[0].data.get("from_thread_id") == t.id
    # the copy is a thread of its own: appending to it leaves the source alone
    await store.append(new.id, "assistant", "only in the copy")
    assert (await store.get_thread(t.id)).message_count == 5


async def test_fork_thread_default_title_and_refusal(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("Plan")
    (a,) = await _chain(store, t.id, "a")
    new = await store.fork_thread(a.id)
    assert new.title and "Plan" in new.title
    await refused(NotFound, store.fork_thread(a.id + 1000))


# ---------------------------------------------------------------------- reading the tree


async def test_path_default_explicit_and_refused(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    assert await store.path(t.id) == []
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    f = await store.fork(a.id, "assistant", "f")
    assert [m.id for m in await store.path(t.id)] == [a.id, f.id]
    assert [m.id for m in await store.path(t.id, c.id)] == [a.id, b.id, c.id]
    assert [m.id for m in await store.path(t.id, leaf_id=b.id)] == [a.id, b.id]
    other = await store.create_thread("o")
    (x,) = await _chain(store, other.id, "x")
    await refused(InvalidOperation, store.path(t.id, x.id))
    await refused(NotFound, store.path(t.id, 10_000))
    await refused(NotFound, store.path(10_000))


async def test_children_siblings_oldest_first(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    c = await store.fork(a.id, "assistant", "c")
    d = await store.fork(a.id, "assistant", "d")
    assert [m.id for m in await store.children(a.id)] == [b.id, c.id, d.id]
    assert await store.children(d.id) == []
    for m in (b, c, d):
        assert [s.id for s in await store.siblings(m.id)] == [b.id, c.id, d.id]
    assert [s.id for s in await store.siblings(a.id)] == [a.id]
    await refused(NotFound, store.children(9999))
    await refused(NotFound, store.siblings(9999))


async def test_leaves_newest_first_by_time_not_by_id(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    root = await store.append(t.id, "user", "root")
    early = await store.append(t.id, "assistant", "early", created_at=START - timedelta(days=1))
    await store.set_leaf(t.id, root.id)
    late = await store.append(t.id, "assistant", "late")
    await store.set_leaf(t.id, root.id)
    mid = await store.append(t.id, "assistant", "mid", created_at=START - timedelta(hours=1))
    # ids grow early < late < mid, times early < mid < late
    assert [m.id for m in await store.leaves(t.id)] == [late.id, mid.id, early.id]
    assert (await store.get_thread(t.id)).leaf_count == 3
    await refused(NotFound, store.leaves(9999))


async def test_set_leaf_moves_the_head_anywhere_in_the_thread(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    th = await store.set_leaf(t.id, b.id)
    assert isinstance(th, Thread) and th.current_leaf_id == b.id
    assert [m.id for m in await store.path(t.id)] == [a.id, b.id]
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.from_leaf_id, e.to_leaf_id) == (EventKind.LEAF_MOVED, c.id, b.id)
    other = await store.create_thread("o")
    (x,) = await _chain(store, other.id, "x")
    await refused(InvalidOperation, store.set_leaf(t.id, x.id))
    await refused(NotFound, store.set_leaf(t.id, 9999))
    await refused(NotFound, store.set_leaf(9999, a.id))
    assert await _head(store, t.id) == b.id


async def test_switch_sibling_goes_to_newest_leaf_under_sibling(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    a, b, b1 = await _chain(store, t.id, "a", "b", "b1")
    c = await store.fork(a.id, "assistant", "c")
    c1 = await store.append(t.id, "user", "c1")
    c2 = await store.fork(c.id, "user", "c2")  # newest leaf under c
    d = await store.fork(a.id, "assistant", "d")
    await store.set_leaf(t.id, b1.id)

    th = await store.switch_sibling(b.id, +1)
    assert th.current_leaf_id == c2.id
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.from_leaf_id, e.to_leaf_id) == (EventKind.LEAF_MOVED, b1.id, c2.id)
    assert (await store.switch_sibling(c.id, 1)).current_leaf_id == d.id
    assert (await store.switch_sibling(d.id, -1)).current_leaf_id == c2.id
    assert (await store.switch_sibling(c.id, -1)).current_leaf_id == b1.id
    assert c1.id != c2.id
    await refused(InvalidOperation, store.switch_sibling(b.id, -1))
    await refused(InvalidOperation, store.switch_sibling(d.id, +1))
    await refused(InvalidOperation, store.switch_sibling(a.id, +1))  # an only child
    await refused(InvalidOperation, store.switch_sibling(b.id, 0))
    await refused(NotFound, store.switch_sibling(9999, 1))


# ---------------------------------------------------------------------- rewind


async def test_rewind_to_by_and_before(store: Store, clock) -> None:
    t = await store.create_thread("t")
    a, b, c, d, e = await _chain(store, t.id, "a", "b", "c", "d", "e")
    th = await store.rewind(t.id, to=b.id)
    assert isinstance(th, Thread) and th.current_leaf_id == b.id
    ev = (await store.events(t.id))[-1]
    assert (ev.kind, ev.from_leaf_id, ev.to_leaf_id) == (EventKind.REWOUND, e.id, b.id)
    # nothing is lost: the rest stays as a branch
    assert (await store.get_thread(t.id)).message_count == 5
    assert [m.id for m in await store.leaves(t.id)] == [e.id]

    await store.set_leaf(t.id, e.id)
    assert (await store.rewind(t.id, by=1)).current_leaf_id == d.id
    assert (await store.rewind(t.id, by=3)).current_leaf_id == a.id

    await store.set_leaf(t.id, e.id)
    # before: the newest path message made strictly before that moment
    assert (await store.rewind(t.id, before=c.created_at)).current_leaf_id == b.id
    await store.set_leaf(t.id, e.id)
    between = d.created_at + (e.created_at - d.created_at) / 2
    assert (await store.rewind(t.id, before=between)).current_leaf_id == d.id


async def test_rewind_refusals(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    await refused(InvalidOperation, store.rewind(t.id, by=1))  # empty thread
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    side = await store.fork(a.id, "assistant", "side")
    await store.set_leaf(t.id, c.id)
    await refused(InvalidOperation, store.rewind(t.id, by=3))  # past the root
    await refused(InvalidOperation, store.rewind(t.id, by=0))
    await refused(InvalidOperation, store.rewind(t.id, to=side.id))  # not on the path
    await refused(InvalidOperation, store.rewind(t.id, to=c.id))  # the head itself
    await refused(InvalidOperation, store.rewind(t.id))  # none given
    await refused(InvalidOperation, store.rewind(t.id, to=a.id, by=1))  # two given
    await refused(InvalidOperation, store.rewind(t.id, by=1, before=c.created_at))
    await refused(InvalidOperation, store.rewind(t.id, before=a.created_at))  # nothing older
    await refused(InvalidOperation, store.rewind(t.id, before=c.created_at + timedelta(days=1)))
    other = await store.create_thread("o")
    (x,) = await _chain(store, other.id, "x")
    await refused(InvalidOperation, store.rewind(t.id, to=x.id))
    await refused(NotFound, store.rewind(9999, by=1))
    assert await _head(store, t.id) == c.id


# ---------------------------------------------------------------------- undo


async def test_undo_walks_back_through_every_move(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    await refused(InvalidOperation, store.undo(t.id))
    a, b, c = await _chain(store, t.id, "a", "b", "c")  # heads: None→a→b→c
    f = await store.fork(a.id, "assistant", "f")  # c→f
    await store.set_leaf(t.id, b.id)  # f→b
    await store.save_checkpoint(t.id, "at-b")  # not a move
    await store.switch_sibling(b.id, +1)  # b→f
    await store.rewind(t.id, to=a.id)  # f→a
    await store.restore_checkpoint(t.id, "at-b")  # a→b
    count = (await store.get_thread(t.id)).message_count

    seen = []
    for _ in range(7):
        th = await store.undo(t.id)
        seen.append(th.current_leaf_id)
        assert (await store.events(t.id))[-1].kind is EventKind.UNDONE
    # restore, rewind, switch, set_leaf, fork, append c, append b; append a came from None
    assert seen == [a.id, f.id, b.id, f.id, c.id, b.id, a.id]
    await refused(InvalidOperation, store.undo(t.id))
    th = await store.get_thread(t.id)
    assert th.message_count == count  # undo never deletes
    assert th.current_leaf_id == a.id


async def test_undo_is_an_event_with_from_and_to(store: Store) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    await store.undo(t.id)
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.from_leaf_id, e.to_leaf_id) == (EventKind.UNDONE, b.id, a.id)


async def test_undo_after_a_new_move_undoes_that_move_first(store: Store) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    assert (await store.undo(t.id)).current_leaf_id == b.id
    d = await store.append(t.id, "user", "d")  # b→d
    assert (await store.undo(t.id)).current_leaf_id == b.id  # undoes d
    assert (await store.undo(t.id)).current_leaf_id == a.id  # c was already undone: next is b
    with pytest.raises(InvalidOperation):
        await store.undo(t.id)
    assert d.parent_id == b.id


async def test_undo_skips_states_deleted_with_their_branch(store: Store) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    await store.set_leaf(t.id, a.id)  # c→a
    await store.delete_branch(b.id)  # b and c go; head a stays
    d = await store.append(t.id, "user", "d")  # a→d (d may get a freed id)
    assert (await store.undo(t.id)).current_leaf_id == a.id  # undoes d
    # set_leaf came from c (deleted), append c from b (deleted): skip both; append b from a
    assert (await store.undo(t.id)).current_leaf_id == a.id
    with pytest.raises(InvalidOperation):
        await store.undo(t.id)
    assert [m.id for m in await store.path(t.id, d.id)] == [a.id, d.id]


# ---------------------------------------------------------------------- delete_branch


async def test_delete_branch_counts_head_and_event(store: Store, refused: Refusal) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    f = await store.fork(a.id, "assistant", "f")
    await store.append(t.id, "user", "f1")
    await store.set_leaf(t.id, c.id)
    th = await store.delete_branch(b.id)
    assert isinstance(th, Thread)
    assert th.current_leaf_id == a.id  # the head was inside: it goes to b's parent
    assert (th.message_count, th.leaf_count) == (3, 1)
    for m in (b, c):
        with pytest.raises(NotFound):
            await store.get_message(m.id)
    assert (await store.get_message(a.id)).child_count == 1
    assert [m.id for m in await store.children(a.id)] == [f.id]
    e = (await store.events(t.id))[-1]
    assert (e.kind, e.message_id, e.from_leaf_id, e.to_leaf_id) == (EventKind.BRANCH_DELETED, b.id, c.id, a.id)
    await refused(NotFound, store.delete_branch(b.id))


async def test_delete_branch_keeps_a_head_outside(store: Store) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    f = await store.fork(a.id, "assistant", "f")
    th = await store.delete_branch(b.id)
    assert th.current_leaf_id == f.id
    assert (th.message_count, th.leaf_count) == (2, 1)


async def test_delete_branch_refuses_with_a_checkpoint_inside_unless_forced(
    store: Store, refused: Refusal
) -> None:
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    await store.save_checkpoint(t.id, "deep", message_id=c.id)
    await store.save_checkpoint(t.id, "top", message_id=a.id)
    err = await refused(InvalidOperation, store.delete_branch(b.id))
    assert "deep" in str(err)
    th = await store.delete_branch(b.id, force=True)
    assert th.current_leaf_id == a.id
    assert [cp.name for cp in await store.list_checkpoints(t.id)] == ["top"]
    with pytest.raises(NotFound):
        await store.get_checkpoint(t.id, "deep")


async def test_delete_branch_clears_fork_lineage(store: Store) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    copy = await store.fork_thread(b.id)
    await store.delete_branch(b.id)
    c = await store.get_thread(copy.id)
    assert c.forked_from_thread_id == t.id and c.forked_from_message_id is None
    assert len(await store.path(copy.id)) == 2


async def test_bad_arguments_are_store_errors_not_raw_exceptions(store: Store, refused: Refusal) -> None:
    from datetime import datetime

    t = await store.create_thread("t")
    await store.append(t.id, "user", "a")
    naive = datetime(2026, 1, 1)
    await refused(InvalidOperation, store.append(t.id, "user", "b", created_at=naive))
    await refused(InvalidOperation, store.rewind(t.id, before=naive))
    await refused(InvalidOperation, store.events(t.id, since=naive))
    await refused(InvalidOperation, store.events(t.id, until=naive))
    await refused(InvalidOperation, store.events(t.id, kinds=["no_such_kind"]))
    await refused(InvalidOperation, store.search("a", role="robot"))


async def test_ids_of_deleted_messages_and_threads_are_never_handed_out_again(store: Store) -> None:
    t = await store.create_thread("t")
    a, b = await _chain(store, t.id, "a", "b")
    await store.delete_branch(b.id)  # b had the highest id
    c = await store.append(t.id, "user", "c")
    assert c.id not in (a.id, b.id)
    gone = await store.create_thread("gone")
    await store.delete_thread(gone.id)  # the highest thread id
    again = await store.create_thread("again")
    assert again.id not in (t.id, gone.id)


async def test_messages_after_an_id_are_only_the_ones_stored_since(store: Store) -> None:
    thread = await store.create_thread("t")
    a, b = await _chain(store, thread.id, "one", "two")
    other = await store.create_thread("other")
    await store.append(other.id, "user", "elsewhere")
    c = await store.fork(a.id, "assistant", "a branch")
    assert [m.id for m in await store.messages(thread.id, after_id=a.id)] == [b.id, c.id]
    assert [m.id for m in await store.messages(thread.id, after_id=c.id)] == []
    assert [m.id for m in await store.messages(thread.id)] == [a.id, b.id, c.id]


async def test_head_moves_keep_the_threads_last_activity(store: Store) -> None:
    """Reading changes no history: switching, rewinding, undoing and restoring move the head
    (and are events) but the thread's updated_at stays its last real activity, so the list
    does not reorder (issue 10 item 19)."""
    t = await store.create_thread("t")
    a, b, c = await _chain(store, t.id, "a", "b", "c")
    d = await store.fork(a.id, "assistant", "d")
    await store.save_checkpoint(t.id, "here", message_id=b.id)
    active = (await store.get_thread(t.id)).updated_at
    await store.switch_sibling(d.id, -1)
    await store.set_leaf(t.id, d.id)
    await store.rewind(t.id, to=a.id)
    await store.undo(t.id)
    await store.restore_checkpoint(t.id, "here")
    thread = await store.get_thread(t.id)
    assert thread.current_leaf_id == b.id
    assert thread.updated_at == active
    kinds = [e.kind for e in await store.events(t.id)][-5:]
    assert kinds == [EventKind.LEAF_MOVED, EventKind.LEAF_MOVED, EventKind.REWOUND, EventKind.UNDONE, EventKind.CHECKPOINT_RESTORED]
