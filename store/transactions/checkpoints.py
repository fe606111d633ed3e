"""Checkpoints: named pointers at a message of a thread — save (same name: overwrite), list,
look up, restore (the head moves there), delete (the message stays)."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import InvalidOperation, NotFound
from ..models import EventKind, MessageId, ThreadId
from ..rows import CHECKPOINT_COLUMNS, CheckpointRow, ThreadRow, as_row, encode_json
from .steps import Row, add_event, head, message_in_thread, move_head, require_thread


def rx_checkpoint(conn: sqlite3.Connection, thread_id: ThreadId, name: str | None) -> CheckpointRow:
    """The checkpoint named `name` (None: the newest), or NotFound."""
    require_thread(conn, thread_id)
    if name is None:
        row = conn.execute(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"Thread {thread_id} has no checkpoints yet.")
        return as_row(CheckpointRow, row)
    row = conn.execute(
        f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? AND name = ?", (thread_id, name)
    ).fetchone()
    if row is None:
        raise NotFound(f"Thread {thread_id} has no checkpoint named {name!r}.")
    return as_row(CheckpointRow, row)


def rx_checkpoints(conn: sqlite3.Connection, thread_id: ThreadId) -> list[Row]:
    """The thread's checkpoints, newest first."""
    require_thread(conn, thread_id)
    return conn.execute(
        f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? ORDER BY created_at DESC, id DESC",
        (thread_id,),
    ).fetchall()


def tx_save(
    conn: sqlite3.Connection,
    stamp: str,
    thread_id: ThreadId,
    name: str,
    message_id: MessageId | None,
    note: str | None,
    state: dict[str, Any] | None,
    kind: str,
) -> CheckpointRow:
    """Save a checkpoint at `message_id` (None: the head); a checkpoint of that name is replaced."""
    if message_id is None:
        message_id = head(conn, thread_id)
        if message_id is None:
            raise InvalidOperation(f"Thread {thread_id} is empty; add a message before saving a checkpoint.")
    else:
        head(conn, thread_id)
        message_in_thread(conn, thread_id, message_id)
    existed = conn.execute(
        "SELECT message_id FROM checkpoints WHERE thread_id = ? AND name = ?", (thread_id, name)
    ).fetchone()
    row = conn.execute(
        "INSERT INTO checkpoints (thread_id, name, message_id, kind, note, state, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id, name) DO UPDATE SET"
        " message_id = excluded.message_id, kind = excluded.kind, note = excluded.note,"
        " state = excluded.state, created_at = excluded.created_at"
        f" RETURNING {CHECKPOINT_COLUMNS}",
        (thread_id, name, message_id, kind, note, encode_json(state), stamp),
    ).fetchone()
    data: dict[str, Any] = {"name": name}
    if existed is not None:
        (data["overwrote_message_id"],) = existed
    add_event(conn, thread_id, EventKind.CHECKPOINT_SAVED, stamp, message_id=message_id, data=data)
    return as_row(CheckpointRow, row)


def tx_restore(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, name: str) -> ThreadRow:
    """The head moves to the checkpoint's message."""
    checkpoint = rx_checkpoint(conn, thread_id, name)
    old_head = head(conn, thread_id)
    target = checkpoint.message_id
    return move_head(
        conn, thread_id, old_head, target, EventKind.CHECKPOINT_RESTORED, stamp, {"name": name}, message_id=target
    )


def tx_delete(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, name: str) -> None:
    """Delete the checkpoint; its message stays."""
    checkpoint = rx_checkpoint(conn, thread_id, name)
    conn.execute("DELETE FROM checkpoints WHERE id = ?", (checkpoint.id,))
    add_event(
        conn, thread_id, EventKind.CHECKPOINT_DELETED, stamp, message_id=checkpoint.message_id, data={"name": name}
    )
