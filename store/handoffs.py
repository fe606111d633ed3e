"""The `handoffs` table: sessions written for an agent, and linking them when they come back.

`record_handoff` runs when `grove resume` writes a session (store/resume.py): one row naming
the origin thread and message, the agent, the session id and the file, plus which of the
file's messages are copies of which origin messages; and one `handed_off` event on the
origin thread. `link_handoff` runs where the bulk writer creates an imported thread
(store/bulk.py): when the new thread is such a session, it becomes a fork of the origin
message (`forked_from_*`), and its copied messages are marked `copied_from` (so the app and
the totals can tell the copy from what the agent added).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from .models import EventKind
from .transactions import add_event


def record_handoff(
    conn: sqlite3.Connection,
    stamp: str,
    thread_id: int,
    message_id: int,
    agent: str,
    session_id: str,
    path: str,
    copied: dict[str, int],
    data: dict[str, Any],
) -> int:
    """Insert the hand-off and its `handed_off` event (run with `store._session.write`); the event's seq."""
    conn.execute(
        "INSERT INTO handoffs (thread_id, message_id, agent, session_id, path, copied, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (thread_id, message_id, agent, session_id, path, json.dumps(copied, separators=(",", ":")), stamp),
    )
    return add_event(conn, thread_id, EventKind.HANDED_OFF, stamp, message_id=message_id, data=data, touch=False)


def link_handoff(conn: sqlite3.Connection, thread_id: int, source: str, source_key: str) -> int:
    """Link a newly imported thread to the hand-off that wrote its session; how many copies it marked."""
    row = conn.execute(
        "SELECT thread_id, message_id, copied FROM handoffs WHERE agent = ? AND session_id = ?", (source, source_key)
    ).fetchone()
    if row is None:
        return 0
    origin_thread, origin_message, copied_json = row
    if origin_thread == thread_id:
        return 0
    conn.execute(
        "UPDATE threads SET forked_from_thread_id = ?, forked_from_message_id = ? WHERE id = ?",
        (origin_thread, origin_message, thread_id),
    )
    copied = json.loads(copied_json)
    cursor = conn.executemany(
        "UPDATE messages SET data = json_set(coalesce(data, '{}'), '$.copied_from', ?) WHERE thread_id = ? AND source_key = ?",
        [(origin, thread_id, key) for key, origin in copied.items()],
    )
    return max(cursor.rowcount, 0)
