"""Growing and reading the tree: append, and the reads of paths, children, siblings, leaves."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..models import EventKind, MessageId, ThreadId
from ..rows import MESSAGE_COLUMNS, MessageRow
from .steps import (
    Row,
    add_event,
    head,
    insert_child,
    message_in_thread,
    message_row,
    newest_leaf_under,
    require_thread,
)

# The same columns, qualified, for a join on `messages m`.
_M_COLUMNS = ", ".join("m." + c for c in MESSAGE_COLUMNS.split(", "))


def tx_append(
    conn: sqlite3.Connection,
    stamp: str,
    made: str,
    thread_id: ThreadId,
    role: str,
    content: str,
    data: dict[str, Any] | None,
) -> MessageRow:
    """A new child of the head, which moves to it."""
    old_head = head(conn, thread_id)
    parent = message_row(conn, old_head) if old_head is not None else None
    new_id = insert_child(conn, thread_id, parent, role, content, data, made)
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_id, thread_id))
    add_event(conn, thread_id, EventKind.MESSAGE_APPENDED, stamp, message_id=new_id, from_leaf=old_head, to_leaf=new_id)
    return message_row(conn, new_id)


def rx_path(conn: sqlite3.Connection, thread_id: ThreadId, leaf_id: MessageId | None) -> list[Row]:
    """Rows from the root to `leaf_id` (None: the head), oldest first."""
    if leaf_id is None:
        leaf_id = head(conn, thread_id)
        if leaf_id is None:
            return []
    else:
        require_thread(conn, thread_id)
        message_in_thread(conn, thread_id, leaf_id)
    # The walk carries every column, so each step is one primary-key lookup; it yields
    # leaf first, and reversing in Python is cheaper than sorting in SQL.
    rows = conn.execute(
        f"WITH RECURSIVE up({MESSAGE_COLUMNS}) AS ("
        f" SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?"
        f" UNION ALL SELECT {_M_COLUMNS} FROM messages m JOIN up ON m.id = up.parent_id)"
        f" SELECT {MESSAGE_COLUMNS} FROM up",
        (leaf_id,),
    ).fetchall()
    rows.reverse()
    return rows


def rx_thread_messages(conn: sqlite3.Connection, thread_id: ThreadId, after_id: MessageId = 0) -> list[Row]:
    """Every message of the thread stored after `after_id`, in id order."""
    require_thread(conn, thread_id)
    # Ids only grow, so "after an id" is what a reader holding the older ones lacks.
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND id > ? ORDER BY id", (thread_id, after_id)
    ).fetchall()


def rx_children(conn: sqlite3.Connection, message_id: MessageId) -> list[Row]:
    """The message's children, oldest first."""
    message_row(conn, message_id)
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE parent_id = ? ORDER BY created_at, id", (message_id,)
    ).fetchall()


def rx_siblings(conn: sqlite3.Connection, message_id: MessageId) -> list[Row]:
    """The message and its siblings, oldest first (the thread's roots, for a root)."""
    row = message_row(conn, message_id)
    if row.parent_id is None:
        return conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND parent_id IS NULL"
            " ORDER BY created_at, id",
            (row.thread_id,),
        ).fetchall()
    return rx_children(conn, row.parent_id)


def rx_leaves(conn: sqlite3.Connection, thread_id: ThreadId) -> list[Row]:
    """Every message of the thread without children, newest first."""
    require_thread(conn, thread_id)
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND child_count = 0"
        " ORDER BY created_at DESC, id DESC",
        (thread_id,),
    ).fetchall()


def rx_newest_leaf(conn: sqlite3.Connection, message_id: MessageId) -> MessageRow:
    """The newest leaf at or below the message."""
    message_row(conn, message_id)
    return message_row(conn, newest_leaf_under(conn, message_id))


def rx_on_active_path(conn: sqlite3.Connection, message_ids: list[MessageId]) -> list[MessageId]:
    """Which of the messages lie on their thread's path from the root to the head."""
    # One walk up from each thread's head, only as deep as the shallowest message asked about.
    wanted: dict[ThreadId, dict[MessageId, int]] = {}
    for message_id in message_ids:
        row = conn.execute("SELECT thread_id, depth FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is not None:
            thread_id, depth = row
            wanted.setdefault(thread_id, {})[message_id] = depth
    found: list[MessageId] = []
    for thread_id, depths in wanted.items():
        leaf = head(conn, thread_id)
        if leaf is None:
            continue
        rows = conn.execute(
            "WITH RECURSIVE up(id, parent_id, depth) AS ("
            " SELECT id, parent_id, depth FROM messages WHERE id = ?"
            " UNION ALL SELECT m.id, m.parent_id, m.depth FROM messages m JOIN up ON m.id = up.parent_id"
            " WHERE up.depth > ?) SELECT id FROM up",
            (leaf, min(depths.values())),
        ).fetchall()
        on_path = {message_id for (message_id,) in rows}
        found += [m for m in depths if m in on_path]
    return found
