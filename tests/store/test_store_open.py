"""Opening the file: permissions, WAL, data_version, migrations, refusals, import hygiene."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import SteppingClock, raw_rows

from store import Store, StoreError
from store.schema import MIGRATIONS, SCHEMA_VERSION


async def test_file_is_private_and_in_wal_mode(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        t = await store.create_thread("t")
        await store.append(t.id, "user", "secret")
        assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
        wal = Path(str(db_path) + "-wal")
        if wal.exists():
            assert stat.S_IMODE(os.stat(wal).st_mode) & 0o077 == 0
    assert raw_rows(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert raw_rows(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


async def test_creates_missing_folders_and_refuses_a_folder(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b" / "grove.db"
    async with Store.open(nested) as store:
        await store.create_thread("t")
    assert stat.S_IMODE(os.stat(nested).st_mode) == 0o600
    with pytest.raises(StoreError):
        await Store.open(tmp_path)


async def test_await_open_and_close_twice(db_path: Path) -> None:
    store = await Store.open(db_path, clock=SteppingClock())
    t = await store.create_thread("t")
    await store.close()
    await store.close()
    async with Store.open(db_path) as again:
        assert (await again.get_thread(t.id)).title == "t"


async def test_data_version_changes_when_another_connection_commits(db_path: Path) -> None:
    async with Store.open(db_path) as first, Store.open(db_path) as second:
        v0 = await first.data_version()
        assert await first.data_version() == v0  # stable while nobody writes
        t = await second.create_thread("from the second store")
        v1 = await first.data_version()
        assert v1 != v0
        assert [x.id for x in await first.list_threads()] == [t.id]
        await second.append(t.id, "user", "more")
        v2 = await first.data_version()
        assert v2 != v1
        assert await first.data_version() == v2


# ---------------------------------------------------------------------- migrations


def _build_old(path: Path, version: int) -> None:
    """A database at an earlier schema version, made with plain sqlite3, with some data."""
    conn = sqlite3.connect(str(path))
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {version}")
    if version >= 1:
        stamp = "2025-06-01T10:00:00.000000+00:00"
        conn.execute(
            "INSERT INTO threads (id, title, created_at, updated_at, current_leaf_id, message_count, leaf_count,"
            " last_seq) VALUES (1, 'old thread', ?, ?, 2, 2, 1, 3)",
            (stamp, stamp),
        )
        conn.execute(
            "INSERT INTO messages (id, thread_id, parent_id, role, content, created_at, depth, child_count)"
            " VALUES (1, 1, NULL, 'user', 'an ancient wombat', ?, 0, 1),"
            " (2, 1, 1, 'assistant', 'indeed a wombat', ?, 1, 0)",
            (stamp, stamp),
        )
        conn.execute(
            "INSERT INTO events (thread_id, seq, kind, message_id, from_leaf_id, to_leaf_id, created_at) VALUES"
            " (1, 1, 'thread_created', NULL, NULL, NULL, ?), (1, 2, 'message_appended', 1, NULL, 1, ?),"
            " (1, 3, 'message_appended', 2, 1, 2, ?)",
            (stamp, stamp, stamp),
        )
        conn.execute(
            "INSERT INTO checkpoints (thread_id, name, message_id, created_at) VALUES (1, 'old-cp', 1, ?)",
            (stamp,),
        )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
async def test_older_schema_upgrades_with_data_intact(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.db"
    _build_old(path, version)
    async with Store.open(path, clock=SteppingClock()) as store:
        assert raw_rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        if version >= 1:
            t = await store.get_thread(1)
            assert t.title == "old thread" and t.current_leaf_id == 2
            assert [m.content for m in await store.path(1)] == ["an ancient wombat", "indeed a wombat"]
            assert (await store.get_checkpoint(1, "old-cp")).message_id == 1
            # the search index covers rows written before it existed
            assert [h.message_id for h in await store.search("wombat")] == [2, 1]
            # the store carries on where the old data left off
            m = await store.append(1, "user", "new wombat")
            assert m.parent_id == 2
            assert [e.seq for e in await store.events(1)] == [1, 2, 3, 4]
            assert (await store.undo(1)).current_leaf_id == 2
        else:
            t = await store.create_thread("fresh")
            await store.append(t.id, "user", "hello")
            assert [h.message_id for h in await store.search("hello")]
    assert raw_rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert raw_rows(path, "PRAGMA foreign_key_check") == []


async def test_newer_schema_is_refused(db_path: Path) -> None:
    _build_old(db_path, SCHEMA_VERSION)
    conn = sqlite3.connect(str(db_path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer Grove"):
        await Store.open(db_path)
    # and the file is left as it was
    assert raw_rows(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]
    assert raw_rows(db_path, "SELECT title FROM threads") == [("old thread",)]


@pytest.mark.parametrize(
    "content",
    [
        b"This is just a text file, not a database.\n" * 50,
        b"SQLite format 3\x00" + b"\xff" * 4000,
        random.Random(7).randbytes(8192),
    ],
    ids=["text", "bad-header", "random"],
)
async def test_not_a_database_is_a_store_error(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        async with Store.open(db_path):
            pass
    assert not isinstance(info.value, sqlite3.Error)
    assert db_path.read_bytes() == content  # never overwritten


def test_importing_the_store_pulls_in_no_ui_library() -> None:
    code = (
        "import sys\n"
        "import store, store.store, store.models, store.schema, store.connection, store.search, store.rows\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"store imported {done.stdout.strip()} {done.stderr}"


def test_no_module_of_the_store_package_pulls_in_a_ui_library() -> None:
    """Every submodule, importers and exporters included, found by walking the package."""
    code = (
        "import pkgutil, sys, importlib, store\n"
        "for info in pkgutil.walk_packages(store.__path__, 'store.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"store imported {done.stdout.strip()} {done.stderr}"


async def test_a_parent_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        await Store.open(blocker / "grove.db")


async def test_in_memory_store_works() -> None:
    async with Store.open(":memory:") as store:
        t = await store.create_thread("mem")
        m = await store.append(t.id, "user", "ephemeral words")
        assert [h.message_id for h in await store.search("ephem")] == [m.id]
        assert [x.id for x in await store.path(t.id)] == [m.id]


def test_the_contract_names_and_values() -> None:
    """design.md §2: these names are fixed for code outside this repository."""
    import store

    for name in ("Store", "StoreError", "NotFound", "InvalidOperation", "Thread", "Message", "Checkpoint",
                 "Event", "SearchHit", "Role", "ThreadStatus", "EventKind"):
        assert hasattr(store, name), name
    assert issubclass(store.NotFound, store.StoreError)
    assert issubclass(store.InvalidOperation, store.StoreError)
    assert {r.value for r in store.Role} == {"user", "assistant", "system", "tool"}
    assert {s.value for s in store.ThreadStatus} == {"idle", "running", "waiting", "completed", "failed", "cancelled"}
    assert {k.value for k in store.EventKind} == {
        "thread_created", "thread_updated", "thread_archived", "thread_unarchived", "message_appended",
        "message_forked", "thread_forked", "leaf_moved", "rewound", "undone", "checkpoint_saved",
        "checkpoint_restored", "checkpoint_deleted", "branch_deleted", "imported", "handed_off",
    }
    assert all(isinstance(k, str) for k in store.EventKind)
    for model, fields in (
        (store.Message, {"id", "thread_id", "parent_id", "role", "content", "data", "status", "created_at", "depth",
                         "child_count"}),
        (store.Event, {"id", "thread_id", "seq", "kind", "message_id", "from_leaf_id", "to_leaf_id", "data",
                       "created_at"}),
        (store.Checkpoint, {"thread_id", "name", "message_id", "kind", "note", "state", "created_at"}),
        (store.Thread, {"id", "title", "status", "source", "project", "created_at", "updated_at", "current_leaf_id",
                        "archived_at", "forked_from_thread_id", "forked_from_message_id", "parent_thread_id",
                        "parent_message_id", "message_count", "leaf_count", "metadata"}),
        (store.SearchHit, {"thread_id", "message_id", "snippet"}),
    ):
        assert fields <= set(model.model_fields), (model, fields - set(model.model_fields))
    names = [n for n in dir(store.Store) if not n.startswith("_")]
    for method in ("open", "create_thread", "get_thread", "list_threads", "update_thread", "archive_thread",
                   "unarchive_thread", "delete_thread", "append", "fork", "fork_thread", "get_message", "path",
                   "children", "siblings", "leaves", "set_leaf", "switch_sibling", "rewind", "undo",
                   "delete_branch", "save_checkpoint", "list_checkpoints", "get_checkpoint", "restore_checkpoint",
                   "delete_checkpoint", "events", "search", "data_version", "close"):
        assert method in names, method
