"""Search indexing deferred to the end of an import run (fts_pending, schema v4).

Each file transaction of an import records its new messages' id range instead of feeding
FTS5; the run indexes every range at its end, and `Store.open` does it after a crash. A
row must never be indexed twice, nor 'deleted' from the index before it was indexed: both
corrupt FTS5's external-content index, which `integrity-check` with rank 1 detects.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from store import Store
from store.bulk import ParsedMessage, ParsedThread, index_pending, write_file
from store.importers import import_paths
from store.rows import encode_time

from .helpers import CLAUDE, Clock, assert_invariants, thread_by_key

STAMP = "2030-01-01T00:00:00.000000+00:00"


def _index_state(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(messages, indexed documents, pending ranges); raises if the index is inconsistent."""
    messages = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    indexed = conn.execute("SELECT count(*) FROM messages_fts_docsize").fetchone()[0]
    pending = conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0]
    if not pending:  # (with rows pending, the index rightly differs from the messages)
        conn.execute("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
    return messages, indexed, pending


def _thread(key: str, *words: str) -> ParsedThread:
    moment = datetime(2029, 5, 1, tzinfo=timezone.utc)
    messages = []
    parent = None
    for i, word in enumerate(words):
        messages.append(ParsedMessage(f"{key}-{i}", parent, "user" if i % 2 == 0 else "assistant", word, moment))
        parent = f"{key}-{i}"
    return ParsedThread(source="claude-code", source_key=key, messages=messages)


async def _write_deferred(store: Store, *threads: ParsedThread) -> None:
    await store._session.write(write_file, list(threads), None, encode_time(store.now()), True)


async def test_import_run_leaves_nothing_pending_and_indexes_everything(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=Clock()) as store:
        report = await import_paths(store, [CLAUDE / "projects"])
        assert report.messages > 0
        messages, indexed, pending = await store._session.read(_index_state)
        assert (indexed, pending) == (messages, 0)
        # again: nothing new, nothing indexed twice
        await import_paths(store, [CLAUDE / "projects"])
        assert await store._session.read(_index_state) == (messages, messages, 0)
        await assert_invariants(store)


async def test_a_crash_before_the_end_of_the_run_is_indexed_on_open(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    async with Store.open(db, clock=Clock()) as store:
        await _write_deferred(store, _thread("a", "alpha wombat", "beta"), _thread("b", "gamma wombat"))
        await _write_deferred(store, _thread("c", "delta wombat"))
        assert await store._session.read(_index_state) == (4, 0, 2)
        assert await store.search("wombat") == []  # the "crash": the run never finished
    async with Store.open(db, clock=Clock()) as store:
        assert await store._session.read(_index_state) == (4, 4, 0)
        assert len(await store.search("wombat")) == 3


async def test_pending_rows_can_be_deleted_and_edited_before_they_are_indexed(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    async with Store.open(db, clock=Clock()) as store:
        await store.append((await store.create_thread("mine")).id, "user", "an indexed wombat")
        await _write_deferred(store, _thread("a", "doomed wombat", "doomed reply"), _thread("b", "kept wombat", "old words"))
        doomed = await thread_by_key(store, "claude-code", "a")
        await store.delete_thread(doomed.id)

        def edit(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE messages SET content = 'new words' WHERE content = 'old words'")

        await store._session.write(edit)
        # a message appended meanwhile is indexed at once by the trigger, and only once
        appended = await store.append((await store.create_thread("later")).id, "user", "fresh wombat")
        assert [h.message_id for h in await store.search("fresh")] == [appended.id]
        await store._session.write(index_pending)
        messages, indexed, pending = await store._session.read(_index_state)
        assert (indexed, pending) == (messages, 0)
        assert len(await store.search("wombat")) == 3
        assert await store.search("old words") == []
        assert len(await store.search("new words")) == 1


async def test_a_plain_write_file_indexes_in_its_own_transaction(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db", clock=Clock()) as store:
        await store._session.write(write_file, [_thread("a", "quokka here")], None, STAMP)
        assert await store._session.read(_index_state) == (1, 1, 0)
        assert len(await store.search("quokka")) == 1
