"""Undo: the head goes back to where it was before the latest move not yet undone.

A move is any event that changed the head (`MOVE_KINDS`); an `undone` event names the seq
it undid, so walking the events newest first skips what is already undone, and undo can
walk back through every move. Undo itself is an event and deletes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..errors import InvalidOperation
from ..models import MOVE_KINDS, EventKind, ThreadId
from ..rows import ThreadRow
from .steps import head, move_head

_MOVE_KIND_VALUES = tuple(k.value for k in MOVE_KINDS)


def tx_undo(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId) -> ThreadRow:
    """Move the head back to the `from_leaf_id` of the latest move not yet undone."""
    old_head = head(conn, thread_id)
    kinds = (*_MOVE_KIND_VALUES, EventKind.UNDONE.value)
    rows = conn.execute(
        f"SELECT seq, kind, from_leaf_id, data FROM events WHERE thread_id = ?"
        f" AND kind IN ({','.join('?' * len(kinds))}) ORDER BY seq DESC",
        (thread_id, *kinds),
    )  # iterated lazily: the scan usually stops at the newest move
    undone: set[int] = set()
    for seq, kind, from_leaf, data in rows:
        if kind == EventKind.UNDONE.value:
            undone.add(int(_json_field(data, "undoes_seq")))
            continue
        if seq in undone or from_leaf is None:
            continue
        exists = conn.execute("SELECT 1 FROM messages WHERE id = ? AND thread_id = ?", (from_leaf, thread_id))
        if exists.fetchone() is None:
            continue  # that state was deleted with its branch; walk further back
        return move_head(
            conn, thread_id, old_head, from_leaf, EventKind.UNDONE, stamp, {"undoes_seq": seq, "undoes_kind": kind}
        )
    raise InvalidOperation(f"Nothing left to undo in thread {thread_id}.")


def _json_field(text: str | None, key: str) -> Any:
    return json.loads(text or "{}").get(key, -1)
