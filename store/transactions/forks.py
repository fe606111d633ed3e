"""Forks: a new branch inside a thread (`fork`), or a new thread from a copy of a path (`fork_thread`)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..models import EventKind, MessageId
from ..rows import MessageRow, ThreadRow
from .steps import add_event, ancestor_ids, head, insert_child, message_row, thread_row


def tx_fork(
    conn: sqlite3.Connection,
    stamp: str,
    message_id: MessageId,
    role: str,
    content: str,
    data: dict[str, Any] | None,
) -> MessageRow:
    """A new child of any message; the head moves to it."""
    parent = message_row(conn, message_id)
    thread_id = parent.thread_id
    old_head = head(conn, thread_id)
    new_id = insert_child(conn, thread_id, parent, role, content, data, stamp)
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_id, thread_id))
    add_event(
        conn,
        thread_id,
        EventKind.MESSAGE_FORKED,
        stamp,
        message_id=new_id,
        from_leaf=old_head,
        to_leaf=new_id,
        data={"parent_id": message_id},
    )
    return message_row(conn, new_id)


def tx_fork_thread(conn: sqlite3.Connection, stamp: str, message_id: MessageId, title: str | None) -> ThreadRow:
    """A new thread holding a copy of root..message; both threads record the lineage."""
    origin = message_row(conn, message_id)
    source = thread_row(conn, origin.thread_id)
    new_title = title if title is not None else f"{source.title or 'Untitled'} (fork)"
    cursor = conn.execute(
        "INSERT INTO threads (title, status, source, project, created_at, updated_at,"
        " forked_from_thread_id, forked_from_message_id, metadata) VALUES (?, 'idle', 'grove', ?, ?, ?, ?, ?, ?)",
        (new_title, source.project, stamp, stamp, source.id, message_id, source.metadata),
    )
    new_thread = int(cursor.lastrowid)  # type: ignore[arg-type]
    path_ids = list(reversed(ancestor_ids(conn, message_id)))
    parent_copy: MessageId | None = None
    for old_id in path_ids:
        cursor = conn.execute(
            "INSERT INTO messages (thread_id, parent_id, role, content, data, status, created_at, depth, child_count)"
            " SELECT ?, ?, role, content, json_set(coalesce(data, '{}'), '$.copied_from', id), status,"
            " created_at, depth, ? FROM messages WHERE id = ?",
            (new_thread, parent_copy, 0 if old_id == message_id else 1, old_id),
        )
        parent_copy = int(cursor.lastrowid)  # type: ignore[arg-type]
    conn.execute(
        "UPDATE threads SET current_leaf_id = ?, message_count = ?, leaf_count = 1 WHERE id = ?",
        (parent_copy, len(path_ids), new_thread),
    )
    add_event(
        conn,
        new_thread,
        EventKind.THREAD_FORKED,
        stamp,
        message_id=parent_copy,
        to_leaf=parent_copy,
        data={"from_thread_id": source.id, "from_message_id": message_id},
    )
    add_event(
        conn,
        source.id,
        EventKind.THREAD_FORKED,
        stamp,
        message_id=message_id,
        data={"to_thread_id": new_thread, "at_message_id": message_id},
        touch=False,
    )
    return thread_row(conn, new_thread)
