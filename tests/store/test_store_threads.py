"""Threads: create, get, list (filters, paging, order), update, archive, unarchive, delete."""

from __future__ import annotations

import pytest
from store_helpers import snapshot

from store import EventKind, InvalidOperation, NotFound, Store, Thread, ThreadStatus


async def test_create_thread_defaults_and_first_event(store: Store, clock) -> None:
    t = await store.create_thread("First")
    assert isinstance(t, Thread)
    assert t.title == "First"
    assert t.status is ThreadStatus.IDLE
    assert t.source == "grove"
    assert t.current_leaf_id is None
    assert t.message_count == 0 and t.leaf_count == 0
    assert t.archived_at is None and not t.archived
    assert t.created_at == t.updated_at == clock.peek()
    events = await store.events(t.id)
    assert [(e.seq, e.kind) for e in events] == [(1, EventKind.THREAD_CREATED)]


async def test_create_thread_with_every_field(store: Store) -> None:
    t = await store.create_thread(
        "Agent", status=ThreadStatus.RUNNING, source="codex", project="/src/x", metadata={"k": [1, 2]}
    )
    got = await store.get_thread(t.id)
    assert got == t
    assert (got.status, got.source, got.project, got.metadata) == (
        ThreadStatus.RUNNING,
        "codex",
        "/src/x",
        {"k": [1, 2]},
    )
    # a plain string status is accepted too
    w = await store.create_thread(status="waiting")
    assert w.status is ThreadStatus.WAITING and w.title is None


async def test_create_thread_refuses_unknown_status(store: Store, db_path) -> None:
    before = snapshot(db_path)
    with pytest.raises(InvalidOperation):
        await store.create_thread("x", status="sleeping")
    assert snapshot(db_path) == before


async def test_get_thread_unknown_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        await store.get_thread(12345)


async def test_list_threads_newest_update_first(store: Store) -> None:
    a = await store.create_thread("a")
    b = await store.create_thread("b")
    c = await store.create_thread("c")
    assert [t.id for t in await store.list_threads()] == [c.id, b.id, a.id]
    await store.append(a.id, "user", "bump a")  # an event touches updated_at
    assert [t.id for t in await store.list_threads()] == [a.id, c.id, b.id]
    await store.update_thread(b.id, title="b2")
    assert [t.id for t in await store.list_threads()] == [b.id, a.id, c.id]


async def test_list_threads_paging(store: Store) -> None:
    made = [await store.create_thread(f"t{i}") for i in range(7)]
    newest_first = [t.id for t in reversed(made)]
    assert [t.id for t in await store.list_threads(limit=3)] == newest_first[:3]
    assert [t.id for t in await store.list_threads(limit=3, offset=3)] == newest_first[3:6]
    assert [t.id for t in await store.list_threads(limit=3, offset=6)] == newest_first[6:]
    assert await store.list_threads(limit=3, offset=7) == []
    assert len(await store.list_threads()) == 7


async def test_list_threads_filters(store: Store) -> None:
    idle = await store.create_thread("Fix the login test")
    running = await store.create_thread("Refactor LOGIN flow", status="running")
    done = await store.create_thread("100% done_ok", status="completed")
    archived = await store.create_thread("login archived")
    await store.archive_thread(archived.id)

    assert {t.id for t in await store.list_threads()} == {idle.id, running.id, done.id}
    assert {t.id for t in await store.list_threads(include_archived=True)} == {
        idle.id,
        running.id,
        done.id,
        archived.id,
    }
    assert [t.id for t in await store.list_threads(status=ThreadStatus.RUNNING)] == [running.id]
    assert [t.id for t in await store.list_threads(status="completed")] == [done.id]
    # query: title contains, case-insensitive
    assert {t.id for t in await store.list_threads(query="login")} == {idle.id, running.id}
    assert {t.id for t in await store.list_threads(query="login", include_archived=True)} == {
        idle.id,
        running.id,
        archived.id,
    }
    # LIKE wildcards in the query are literal
    assert [t.id for t in await store.list_threads(query="100%")] == [done.id]
    assert await store.list_threads(query="%x%") == []
    assert [t.id for t in await store.list_threads(query="e_o")] == [done.id]
    assert await store.list_threads(query="n_t") == []
    # combined
    assert [t.id for t in await store.list_threads(query="login", status="idle")] == [idle.id]


async def test_update_thread(store: Store, clock) -> None:
    t = await store.create_thread("old")
    u = await store.update_thread(t.id, title="new")
    assert u.title == "new" and u.status is ThreadStatus.IDLE
    assert u.updated_at > t.updated_at
    u = await store.update_thread(t.id, status=ThreadStatus.FAILED)
    assert u.title == "new" and u.status is ThreadStatus.FAILED
    u = await store.update_thread(t.id, title="both", status="completed")
    assert (u.title, u.status) == ("both", ThreadStatus.COMPLETED)
    assert await store.get_thread(t.id) == u
    events = await store.events(t.id)
    assert [e.kind for e in events] == [EventKind.THREAD_CREATED] + [EventKind.THREAD_UPDATED] * 3
    assert [e.seq for e in events] == [1, 2, 3, 4]


async def test_update_thread_refusals_write_nothing(store: Store, db_path) -> None:
    t = await store.create_thread("x")
    before = snapshot(db_path)
    with pytest.raises(InvalidOperation):
        await store.update_thread(t.id)
    with pytest.raises(InvalidOperation):
        await store.update_thread(t.id, status="bogus")
    with pytest.raises(NotFound):
        await store.update_thread(t.id + 100, title="y")
    assert snapshot(db_path) == before


async def test_rename_thread(store: Store, db_path) -> None:
    t = await store.create_thread("old")
    renamed = await store.rename_thread(t.id, "  fix [/tmp] path ")
    assert renamed.title == "fix [/tmp] path"
    assert (await store.get_thread(t.id)).title == "fix [/tmp] path"
    assert (await store.events(t.id))[-1].kind is EventKind.THREAD_UPDATED
    before = snapshot(db_path)
    for bad in ("", "   "):
        with pytest.raises(InvalidOperation):
            await store.rename_thread(t.id, bad)
    with pytest.raises(NotFound):
        await store.rename_thread(t.id + 100, "y")
    assert snapshot(db_path) == before


async def test_archive_and_unarchive(store: Store) -> None:
    t = await store.create_thread("x")
    a = await store.archive_thread(t.id)
    assert a.archived and a.archived_at is not None
    assert await store.list_threads() == []
    assert [x.id for x in await store.list_threads(include_archived=True)] == [t.id]
    u = await store.unarchive_thread(t.id)
    assert not u.archived
    assert [x.id for x in await store.list_threads()] == [t.id]
    kinds = [e.kind for e in await store.events(t.id)]
    assert kinds == [EventKind.THREAD_CREATED, EventKind.THREAD_ARCHIVED, EventKind.THREAD_UNARCHIVED]


async def test_archive_refusals_write_nothing(store: Store, db_path) -> None:
    t = await store.create_thread("x")
    before = snapshot(db_path)
    with pytest.raises(InvalidOperation):
        await store.unarchive_thread(t.id)
    with pytest.raises(NotFound):
        await store.archive_thread(t.id + 1)
    assert snapshot(db_path) == before
    await store.archive_thread(t.id)
    before = snapshot(db_path)
    with pytest.raises(InvalidOperation):
        await store.archive_thread(t.id)
    assert snapshot(db_path) == before


async def test_delete_thread_removes_everything_of_it(store: Store, db_path) -> None:
    keep = await store.create_thread("keep")
    kept = await store.append(keep.id, "user", "kept words")
    t = await store.create_thread("doomed")
    m1 = await store.append(t.id, "user", "zebra one")
    m2 = await store.append(t.id, "assistant", "zebra two")
    await store.save_checkpoint(t.id, "cp")
    fork = await store.fork_thread(m2.id)
    await store.delete_thread(t.id)

    with pytest.raises(NotFound):
        await store.get_thread(t.id)
    for m in (m1, m2):
        with pytest.raises(NotFound):
            await store.get_message(m.id)
    with pytest.raises(NotFound):
        await store.events(t.id)
    assert await store.search("zebra", thread_id=t.id) == []
    # the fork lives on, with its lineage cleared rather than dangling
    f = await store.get_thread(fork.id)
    assert f.forked_from_thread_id is None and f.forked_from_message_id is None
    assert [m.content for m in await store.path(fork.id)] == ["zebra one", "zebra two"]
    # the other thread is untouched
    assert [m.id for m in await store.path(keep.id)] == [kept.id]
    snap = snapshot(db_path)
    assert all(row[1] != t.id for row in snap["messages"] + snap["checkpoints"] + snap["events"])
    with pytest.raises(NotFound):
        await store.delete_thread(t.id)
