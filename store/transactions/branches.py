"""Deleting a branch: a message and everything below it, the one deletion besides a whole thread.

Checkpoints inside the branch refuse it unless forced; a head inside moves to the
message's parent; events that named a deleted message keep their place but name nothing.
"""

from __future__ import annotations

import sqlite3

from ..errors import InvalidOperation
from ..models import EventKind, MessageId
from ..rows import ThreadRow
from .steps import add_event, descendant_ids, head, message_row, recount_leaves, thread_row


def tx_delete_branch(conn: sqlite3.Connection, stamp: str, message_id: MessageId, force: bool) -> ThreadRow:
    """Delete a message and its descendants (see `Store.delete_branch`)."""
    row = message_row(conn, message_id)
    thread_id, parent_id = row.thread_id, row.parent_id
    doomed = descendant_ids(conn, message_id)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.doomed")
    conn.executemany("INSERT INTO temp.doomed (id) VALUES (?)", ((i,) for i in doomed))
    inside = conn.execute(
        "SELECT name FROM checkpoints WHERE message_id IN (SELECT id FROM temp.doomed) ORDER BY name"
    ).fetchall()
    names = [name for (name,) in inside]
    if names and not force:
        raise InvalidOperation(
            f"Checkpoint{'s' if len(names) > 1 else ''} {', '.join(names)} point inside this branch;"
            " delete them first, or force the deletion to delete them too."
        )
    old_head = head(conn, thread_id)
    new_head = old_head
    if old_head is not None and conn.execute("SELECT 1 FROM temp.doomed WHERE id = ?", (old_head,)).fetchone():
        new_head = parent_id
    conn.execute("DELETE FROM checkpoints WHERE message_id IN (SELECT id FROM temp.doomed)")
    conn.execute(
        "UPDATE threads SET forked_from_message_id = NULL WHERE forked_from_message_id IN (SELECT id FROM temp.doomed)"
    )
    conn.execute(
        "UPDATE threads SET parent_message_id = NULL WHERE parent_message_id IN (SELECT id FROM temp.doomed)"
    )
    # Events that named a doomed message now name nothing (NULL): ids are never reused
    # (AUTOINCREMENT), but a timeline entry pointing at a message that no longer exists
    # would only be a dead end, and undo skips a NULL from_leaf_id. Found by
    # tests/store/test_store_tree.py::test_undo_skips_states_deleted_with_their_branch.
    conn.execute(
        "UPDATE events SET"
        " message_id = CASE WHEN message_id IN (SELECT id FROM temp.doomed) THEN NULL ELSE message_id END,"
        " from_leaf_id = CASE WHEN from_leaf_id IN (SELECT id FROM temp.doomed) THEN NULL ELSE from_leaf_id END,"
        " to_leaf_id = CASE WHEN to_leaf_id IN (SELECT id FROM temp.doomed) THEN NULL ELSE to_leaf_id END"
        " WHERE thread_id = ? AND (message_id IN (SELECT id FROM temp.doomed)"
        " OR from_leaf_id IN (SELECT id FROM temp.doomed) OR to_leaf_id IN (SELECT id FROM temp.doomed))",
        (thread_id,),
    )
    conn.execute("DELETE FROM messages WHERE id IN (SELECT id FROM temp.doomed)")
    conn.execute("DELETE FROM temp.doomed")
    if parent_id is not None:
        conn.execute("UPDATE messages SET child_count = child_count - 1 WHERE id = ?", (parent_id,))
    elif new_head is None and old_head is not None:
        # The deleted branch was a whole root: fall back to the newest remaining leaf, if any.
        leaf = conn.execute(
            "SELECT id FROM messages WHERE thread_id = ? AND child_count = 0 ORDER BY created_at DESC, id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
        new_head = leaf[0] if leaf else None
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_head, thread_id))
    recount_leaves(conn, thread_id)
    add_event(
        conn,
        thread_id,
        EventKind.BRANCH_DELETED,
        stamp,
        message_id=message_id,
        from_leaf=old_head,
        to_leaf=new_head,
        data={"deleted": len(doomed), "checkpoints": names},
    )
    return thread_row(conn, thread_id)
