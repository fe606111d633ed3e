"""Moves of the head within a thread: to any message (`set_leaf`), to a sibling's newest leaf
(`switch_sibling`), or back along the active path (`rewind`). Nothing is deleted by a move."""

from __future__ import annotations

import sqlite3

from ..errors import InvalidOperation
from ..models import EventKind, MessageId, ThreadId
from ..rows import ThreadRow
from .steps import ancestor_at_depth, head, message_in_thread, message_row, move_head, newest_leaf_under
from .tree import rx_siblings


def tx_set_leaf(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, message_id: MessageId) -> ThreadRow:
    """The head moves to any message of the thread."""
    old_head = head(conn, thread_id)
    message_in_thread(conn, thread_id, message_id)
    return move_head(conn, thread_id, old_head, message_id, EventKind.LEAF_MOVED, stamp, {"via": "set_leaf"})


def tx_switch_sibling(conn: sqlite3.Connection, stamp: str, message_id: MessageId, step: int) -> ThreadRow:
    """The head moves to the newest leaf under the sibling `step` places away."""
    thread_id = message_row(conn, message_id).thread_id
    siblings = [sibling_id for sibling_id, *_ in rx_siblings(conn, message_id)]
    index = siblings.index(message_id) + step
    if index < 0:
        raise InvalidOperation(f"Message {message_id} is the first of its {len(siblings)} siblings.")
    if index >= len(siblings):
        raise InvalidOperation(f"Message {message_id} is the last of its {len(siblings)} siblings.")
    target = siblings[index]
    leaf = newest_leaf_under(conn, target)
    old_head = head(conn, thread_id)
    data = {"via": "switch_sibling", "sibling_id": target, "step": step}
    return move_head(conn, thread_id, old_head, leaf, EventKind.LEAF_MOVED, stamp, data)


def tx_rewind(
    conn: sqlite3.Connection,
    stamp: str,
    thread_id: ThreadId,
    to: MessageId | None,
    by: int | None,
    before: str | None,
) -> ThreadRow:
    """The head moves back along the active path: `to` an ancestor, `by` N messages, or to
    the newest path message made `before` a moment (exactly one is given)."""
    old_head = head(conn, thread_id)
    if old_head is None:
        raise InvalidOperation(f"Thread {thread_id} is empty; there is nothing to rewind.")
    head_depth = message_row(conn, old_head).depth
    # Walk up from the head only as far as needed: a 10,000-message path must not be
    # read whole to step back one message.
    if to is not None:
        target_depth = message_in_thread(conn, thread_id, to).depth
        if to == old_head:
            raise InvalidOperation(f"Message {to} is already the head; rewind to an earlier message.")
        if target_depth >= head_depth or ancestor_at_depth(conn, old_head, target_depth) != to:
            raise InvalidOperation(
                f"Message {to} is not on the active path; use set_leaf to move to another branch."
            )
        target = to
    elif by is not None:
        if by > head_depth:
            raise InvalidOperation(
                f"Cannot rewind {by} messages: the active path has only {head_depth + 1},"
                f" so the most is {head_depth}."
            )
        target_depth = head_depth - by
        target = ancestor_at_depth(conn, old_head, target_depth)
    else:
        # The deepest message on the path made before `before`: the conversation as it was then.
        row = conn.execute(
            "WITH RECURSIVE up(id, parent_id, created_at, depth) AS ("
            " SELECT id, parent_id, created_at, depth FROM messages WHERE id = ?"
            " UNION ALL SELECT m.id, m.parent_id, m.created_at, m.depth FROM messages m"
            " JOIN up ON m.id = up.parent_id WHERE up.created_at >= ?)"
            " SELECT id, depth FROM up WHERE created_at < ? ORDER BY depth DESC LIMIT 1",
            (old_head, before, before),
        ).fetchone()
        if row is None:
            raise InvalidOperation(f"No message on the active path is older than {before}.")
        target, target_depth = row
        if target == old_head:
            raise InvalidOperation(f"Every message on the active path is older than {before}; nothing to rewind.")
    data = {"dropped": head_depth - target_depth}
    return move_head(conn, thread_id, old_head, target, EventKind.REWOUND, stamp, data)
