"""Steps every transaction shares: looking rows up, inserting a child, moving the head,
appending the one event a mutation owes, and walking the tree up or down."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import InvalidOperation, NotFound
from ..models import EventKind, MessageId, ThreadId
from ..rows import MESSAGE_COLUMNS, THREAD_COLUMNS, MessageRow, ThreadRow, as_row, encode_json

Row = tuple[Any, ...]
"""A row as sqlite3 returns it, in the order of the SELECT that read it."""


def fetchall(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Row]:
    """Every row of one query (a read built by the Store, e.g. a filtered thread list)."""
    return conn.execute(sql, params).fetchall()


def data_version(conn: sqlite3.Connection) -> int:
    """SQLite's `data_version`: it changes when another connection commits."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def thread_row(conn: sqlite3.Connection, thread_id: ThreadId) -> ThreadRow:
    """The thread's row, or NotFound."""
    row = conn.execute(f"SELECT {THREAD_COLUMNS} FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no thread {thread_id}.")
    return as_row(ThreadRow, row)


def require_thread(conn: sqlite3.Connection, thread_id: ThreadId) -> None:
    """NotFound unless the thread exists (reads no columns: cheaper than `thread_row`)."""
    if conn.execute("SELECT 1 FROM threads WHERE id = ?", (thread_id,)).fetchone() is None:
        raise NotFound(f"There is no thread {thread_id}.")


def message_row(conn: sqlite3.Connection, message_id: MessageId) -> MessageRow:
    """The message's row, or NotFound."""
    row = conn.execute(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no message {message_id}.")
    return as_row(MessageRow, row)


def head(conn: sqlite3.Connection, thread_id: ThreadId) -> MessageId | None:
    """The thread's current leaf (None when it is empty), or NotFound."""
    row = conn.execute("SELECT current_leaf_id FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no thread {thread_id}.")
    current_leaf_id: MessageId | None = row[0]
    return current_leaf_id


def message_in_thread(conn: sqlite3.Connection, thread_id: ThreadId, message_id: MessageId) -> MessageRow:
    """The message's row; InvalidOperation when it belongs to another thread."""
    row = message_row(conn, message_id)
    if row.thread_id != thread_id:
        raise InvalidOperation(
            f"Message {message_id} belongs to thread {row.thread_id}, not to thread {thread_id}."
        )
    return row


def has_pending_index(conn: sqlite3.Connection) -> bool:
    """Whether a bulk import left messages not yet indexed for search."""
    return conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is not None


def index_pending(conn: sqlite3.Connection) -> int:
    """Index for search every message range a bulk import left in `fts_pending` (schema v4).

    Run inside a write transaction: each range is indexed and forgotten in the same
    transaction, so no row is ever indexed twice (a duplicate corrupts FTS5's
    external-content index). Returns how many messages were indexed.
    """
    indexed: int = conn.execute(
        "INSERT INTO messages_fts(rowid, content) SELECT m.id, m.content FROM fts_pending p"
        " CROSS JOIN messages m ON m.id >= p.first_id AND m.id < p.end_id"
    ).rowcount
    conn.execute("DELETE FROM fts_pending")
    return indexed


def add_event(
    conn: sqlite3.Connection,
    thread_id: ThreadId,
    kind: EventKind,
    stamp: str,
    *,
    message_id: MessageId | None = None,
    from_leaf: MessageId | None = None,
    to_leaf: MessageId | None = None,
    data: dict[str, Any] | None = None,
    touch: bool = True,
) -> int:
    """Append the thread's next event; seq comes from `UPDATE … RETURNING`, so it has no gaps."""
    if touch:
        sql = "UPDATE threads SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq"
        seq: int = conn.execute(sql, (stamp, thread_id)).fetchone()[0]
    else:
        sql = "UPDATE threads SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"
        seq = conn.execute(sql, (thread_id,)).fetchone()[0]
    conn.execute(
        "INSERT INTO events (thread_id, seq, kind, message_id, from_leaf_id, to_leaf_id, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (thread_id, seq, kind.value, message_id, from_leaf, to_leaf, encode_json(data), stamp),
    )
    return seq


def move_head(
    conn: sqlite3.Connection,
    thread_id: ThreadId,
    old: MessageId | None,
    new: MessageId | None,
    kind: EventKind,
    stamp: str,
    data: dict[str, Any] | None = None,
    message_id: MessageId | None = None,
) -> ThreadRow:
    """Point the thread's head at `new` and record the move; the updated thread row."""
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new, thread_id))
    # A head move is reading, not activity: it is an event, but updated_at (what the
    # thread list orders by) stays the conversation's own last change (issue 10 item 19).
    add_event(conn, thread_id, kind, stamp, message_id=message_id, from_leaf=old, to_leaf=new, data=data, touch=False)
    return thread_row(conn, thread_id)


def insert_child(
    conn: sqlite3.Connection,
    thread_id: ThreadId,
    parent: MessageRow | None,
    role: str,
    content: str,
    data: dict[str, Any] | None,
    made: str,
) -> MessageId:
    """Insert a message under `parent` (None: a new root) and keep the counts right."""
    depth = 0 if parent is None else parent.depth + 1
    parent_id = None if parent is None else parent.id
    cursor = conn.execute(
        "INSERT INTO messages (thread_id, parent_id, role, content, data, created_at, depth)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (thread_id, parent_id, role, content, encode_json(data), made, depth),
    )
    new_leaf = 1
    if parent is not None:
        conn.execute("UPDATE messages SET child_count = child_count + 1 WHERE id = ?", (parent_id,))
        if parent.child_count == 0:
            new_leaf = 0  # the parent stops being a leaf as the child becomes one
    conn.execute(
        "UPDATE threads SET message_count = message_count + 1, leaf_count = leaf_count + ? WHERE id = ?",
        (new_leaf, thread_id),
    )
    return int(cursor.lastrowid)  # type: ignore[arg-type]


def ancestor_ids(conn: sqlite3.Connection, leaf_id: MessageId) -> list[MessageId]:
    """Ids from `leaf_id` up to its root, leaf first."""
    rows = conn.execute(
        "WITH RECURSIVE up(id, parent_id) AS ("
        " SELECT id, parent_id FROM messages WHERE id = ?"
        " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id)"
        " SELECT id FROM up",
        (leaf_id,),
    ).fetchall()
    return [message_id for (message_id,) in rows]


def ancestor_at_depth(conn: sqlite3.Connection, leaf_id: MessageId, depth: int) -> MessageId:
    """The ancestor of `leaf_id` (or itself) at `depth`, walking up no further than that."""
    row = conn.execute(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, depth FROM messages WHERE id = ?"
        " UNION ALL SELECT m.id, m.parent_id, m.depth FROM messages m JOIN up ON m.id = up.parent_id"
        " WHERE up.depth > ?) SELECT id FROM up WHERE depth = ?",
        (leaf_id, depth, depth),
    ).fetchone()
    ancestor: MessageId = row[0]
    return ancestor


def descendant_ids(conn: sqlite3.Connection, message_id: MessageId) -> list[MessageId]:
    """The message and every message below it."""
    rows = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT m.id FROM messages m JOIN down ON m.parent_id = down.id) SELECT id FROM down",
        (message_id,),
    ).fetchall()
    return [descendant for (descendant,) in rows]


def newest_leaf_under(conn: sqlite3.Connection, message_id: MessageId) -> MessageId:
    """The newest leaf at or below a message."""
    row = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT m.id FROM messages m JOIN down ON m.parent_id = down.id)"
        " SELECT m.id FROM down JOIN messages m ON m.id = down.id WHERE m.child_count = 0"
        " ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
        (message_id,),
    ).fetchone()
    leaf: MessageId = row[0]
    return leaf


def recount_leaves(conn: sqlite3.Connection, thread_id: ThreadId) -> None:
    """Set the thread's message and leaf counts from its messages (after a bulk delete)."""
    conn.execute(
        "UPDATE threads SET leaf_count = (SELECT count(*) FROM messages WHERE thread_id = ? AND child_count = 0),"
        " message_count = (SELECT count(*) FROM messages WHERE thread_id = ?) WHERE id = ?",
        (thread_id, thread_id, thread_id),
    )
