"""The store's transactions: plain synchronous functions on a sqlite3 connection.

Each `_tx_*` function is one whole write transaction's body and each `_rx_*` one read's;
`Store` runs them on a connection's thread in one hop (see `connection.py`). Each checks
the invariants before it writes anything and appends exactly one event per thread it
changes, so a refused operation leaves the file untouched.
"""


from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from .errors import InvalidOperation, NotFound
from .models import MOVE_KINDS, EventKind, MessageId, Role, ThreadId, ThreadStatus
from .rows import CHECKPOINT_COLUMNS, MESSAGE_COLUMNS, THREAD_COLUMNS, encode_json

Row = tuple[Any, ...]

_M_COLUMNS = ", ".join("m." + c for c in MESSAGE_COLUMNS.split(", "))
_MOVE_KIND_VALUES = tuple(k.value for k in MOVE_KINDS)
# How many of the newest-stored matches search() sorts by time, per hit asked for; see
# `search`. Imports store a session's messages in time order, so the window is exact in
# practice; a wider one costs time on every common word (2,000: 6 ms, 500: 2.6 ms).
_SEARCH_WINDOW_PER_HIT = 10
_SEARCH_WINDOW_MIN = 500


# ---------------------------------------------------------------------- validation


def _thread_status(status: ThreadStatus | str) -> ThreadStatus:
    try:
        return ThreadStatus(status)
    except ValueError:
        names = ", ".join(s.value for s in ThreadStatus)
        raise InvalidOperation(f"Unknown thread status {status!r}; use one of {names}.") from None


def _checked_content(role: Role | str, content: str) -> str:
    try:
        role_value = Role(role).value
    except ValueError:
        raise InvalidOperation(f"Unknown role {role!r}; use user, assistant, system or tool.") from None
    if not isinstance(content, str):
        raise InvalidOperation("Message content must be text.")
    if role_value == Role.USER.value and not content.strip():
        raise InvalidOperation("A user message cannot be blank; write something to send.")
    return role_value


def _check_aware(moment: datetime | None, name: str) -> None:
    if moment is not None and moment.tzinfo is None:
        raise InvalidOperation(f"Give `{name}` as a timezone-aware time.")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---------------------------------------------------------------------- shared transaction steps


def _fetchall(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Row]:
    return conn.execute(sql, params).fetchall()


def _data_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA data_version").fetchone()[0]


def _thread_row(conn: sqlite3.Connection, thread_id: ThreadId) -> Row:
    row = conn.execute(f"SELECT {THREAD_COLUMNS} FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no thread {thread_id}.")
    return row


def _message_row(conn: sqlite3.Connection, message_id: MessageId) -> Row:
    row = conn.execute(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no message {message_id}.")
    return row


def _head(conn: sqlite3.Connection, thread_id: ThreadId) -> MessageId | None:
    row = conn.execute("SELECT current_leaf_id FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        raise NotFound(f"There is no thread {thread_id}.")
    return row[0]


def _message_in_thread(conn: sqlite3.Connection, thread_id: ThreadId, message_id: MessageId) -> Row:
    row = _message_row(conn, message_id)
    if row[1] != thread_id:
        raise InvalidOperation(f"Message {message_id} belongs to thread {row[1]}, not to thread {thread_id}.")
    return row


def _has_pending_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM fts_pending LIMIT 1").fetchone() is not None


def index_pending(conn: sqlite3.Connection) -> int:
    """Index for search every message range a bulk import left in `fts_pending` (schema v4).

    Run inside a write transaction: each range is indexed and forgotten in the same
    transaction, so no row is ever indexed twice (a duplicate corrupts FTS5's
    external-content index). Returns how many messages were indexed.
    """
    indexed = conn.execute(
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
        seq = conn.execute(sql, (stamp, thread_id)).fetchone()[0]
    else:
        sql = "UPDATE threads SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"
        seq = conn.execute(sql, (thread_id,)).fetchone()[0]
    conn.execute(
        "INSERT INTO events (thread_id, seq, kind, message_id, from_leaf_id, to_leaf_id, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (thread_id, seq, kind.value, message_id, from_leaf, to_leaf, encode_json(data), stamp),
    )
    return seq


def _move_head(
    conn: sqlite3.Connection,
    thread_id: ThreadId,
    old: MessageId | None,
    new: MessageId | None,
    kind: EventKind,
    stamp: str,
    data: dict[str, Any] | None = None,
    message_id: MessageId | None = None,
) -> Row:
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new, thread_id))
    # A head move is reading, not activity: it is an event, but updated_at (what the
    # thread list orders by) stays the conversation's own last change (issue 10 item 19).
    add_event(conn, thread_id, kind, stamp, message_id=message_id, from_leaf=old, to_leaf=new, data=data, touch=False)
    return _thread_row(conn, thread_id)


def _insert_child(
    conn: sqlite3.Connection,
    thread_id: ThreadId,
    parent: Row | None,
    role: str,
    content: str,
    data: dict[str, Any] | None,
    made: str,
) -> MessageId:
    """Insert a message under `parent` (None: a new root) and keep the counts right."""
    depth = 0 if parent is None else parent[8] + 1
    parent_id = None if parent is None else parent[0]
    cursor = conn.execute(
        "INSERT INTO messages (thread_id, parent_id, role, content, data, created_at, depth)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (thread_id, parent_id, role, content, encode_json(data), made, depth),
    )
    new_leaf = 1
    if parent is not None:
        conn.execute("UPDATE messages SET child_count = child_count + 1 WHERE id = ?", (parent_id,))
        if parent[9] == 0:
            new_leaf = 0  # the parent stops being a leaf as the child becomes one
    conn.execute(
        "UPDATE threads SET message_count = message_count + 1, leaf_count = leaf_count + ? WHERE id = ?",
        (new_leaf, thread_id),
    )
    return int(cursor.lastrowid)  # type: ignore[arg-type]


def _ancestor_ids(conn: sqlite3.Connection, leaf_id: MessageId) -> list[MessageId]:
    """Ids from `leaf_id` up to its root, leaf first."""
    rows = conn.execute(
        "WITH RECURSIVE up(id, parent_id) AS ("
        " SELECT id, parent_id FROM messages WHERE id = ?"
        " UNION ALL SELECT m.id, m.parent_id FROM messages m JOIN up ON m.id = up.parent_id)"
        " SELECT id FROM up",
        (leaf_id,),
    ).fetchall()
    return [r[0] for r in rows]


def _descendant_ids(conn: sqlite3.Connection, message_id: MessageId) -> list[MessageId]:
    rows = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT m.id FROM messages m JOIN down ON m.parent_id = down.id) SELECT id FROM down",
        (message_id,),
    ).fetchall()
    return [r[0] for r in rows]


def _newest_leaf_under(conn: sqlite3.Connection, message_id: MessageId) -> MessageId:
    row = conn.execute(
        "WITH RECURSIVE down(id) AS (SELECT ? UNION ALL"
        " SELECT m.id FROM messages m JOIN down ON m.parent_id = down.id)"
        " SELECT m.id FROM down JOIN messages m ON m.id = down.id WHERE m.child_count = 0"
        " ORDER BY m.created_at DESC, m.id DESC LIMIT 1",
        (message_id,),
    ).fetchone()
    return row[0]


def _rx_newest_leaf(conn: sqlite3.Connection, message_id: MessageId) -> Row:
    _message_row(conn, message_id)
    return _message_row(conn, _newest_leaf_under(conn, message_id))


def _recount_leaves(conn: sqlite3.Connection, thread_id: ThreadId) -> None:
    conn.execute(
        "UPDATE threads SET leaf_count = (SELECT count(*) FROM messages WHERE thread_id = ? AND child_count = 0),"
        " message_count = (SELECT count(*) FROM messages WHERE thread_id = ?) WHERE id = ?",
        (thread_id, thread_id, thread_id),
    )


# ---------------------------------------------------------------------- thread transactions


def _tx_create_thread(
    conn: sqlite3.Connection,
    stamp: str,
    title: str | None,
    status: str,
    source: str,
    project: str | None,
    metadata: dict[str, Any] | None,
) -> Row:
    cursor = conn.execute(
        "INSERT INTO threads (title, status, source, project, created_at, updated_at, metadata)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (title, status, source, project, stamp, stamp, encode_json(metadata)),
    )
    thread_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    add_event(conn, thread_id, EventKind.THREAD_CREATED, stamp, data={"title": title})
    return _thread_row(conn, thread_id)


def _tx_update_thread(
    conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, title: str | None, status: str | None
) -> Row:
    before = _thread_row(conn, thread_id)
    changes: dict[str, Any] = {}
    if title is not None:
        conn.execute("UPDATE threads SET title = ? WHERE id = ?", (title, thread_id))
        changes["title"] = {"from": before[1], "to": title}
    if status is not None:
        conn.execute("UPDATE threads SET status = ? WHERE id = ?", (status, thread_id))
        changes["status"] = {"from": before[2], "to": status}
    add_event(conn, thread_id, EventKind.THREAD_UPDATED, stamp, data=changes)
    return _thread_row(conn, thread_id)


def _tx_archive(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, archive: bool) -> Row:
    row = _thread_row(conn, thread_id)
    archived = row[8] is not None
    if archive and archived:
        raise InvalidOperation(f"Thread {thread_id} is already archived.")
    if not archive and not archived:
        raise InvalidOperation(f"Thread {thread_id} is not archived.")
    conn.execute("UPDATE threads SET archived_at = ? WHERE id = ?", (stamp if archive else None, thread_id))
    kind = EventKind.THREAD_ARCHIVED if archive else EventKind.THREAD_UNARCHIVED
    add_event(conn, thread_id, kind, stamp)
    return _thread_row(conn, thread_id)


def _tx_delete_thread(conn: sqlite3.Connection, thread_id: ThreadId) -> None:
    _thread_row(conn, thread_id)
    # Children's lineage keeps the thread id column (SET NULL by the foreign key); the
    # message ids they name would dangle, so clear them here.
    conn.execute(
        "UPDATE threads SET forked_from_message_id = NULL WHERE forked_from_thread_id = ?", (thread_id,)
    )
    conn.execute("UPDATE threads SET parent_message_id = NULL WHERE parent_thread_id = ?", (thread_id,))
    # Checkpoints and events go first, then messages leaf-side first is unnecessary: one
    # statement deletes them all and foreign keys are checked when it ends.
    conn.execute("DELETE FROM checkpoints WHERE thread_id = ?", (thread_id,))
    conn.execute("DELETE FROM events WHERE thread_id = ?", (thread_id,))
    conn.execute("UPDATE threads SET current_leaf_id = NULL WHERE id = ?", (thread_id,))
    conn.execute("DELETE FROM messages WHERE thread_id = ?", (thread_id,))
    conn.execute("DELETE FROM threads WHERE id = ?", (thread_id,))


# ---------------------------------------------------------------------- tree transactions


def _tx_append(
    conn: sqlite3.Connection,
    stamp: str,
    made: str,
    thread_id: ThreadId,
    role: str,
    content: str,
    data: dict[str, Any] | None,
) -> Row:
    head = _head(conn, thread_id)
    parent = _message_row(conn, head) if head is not None else None
    new_id = _insert_child(conn, thread_id, parent, role, content, data, made)
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_id, thread_id))
    add_event(conn, thread_id, EventKind.MESSAGE_APPENDED, stamp, message_id=new_id, from_leaf=head, to_leaf=new_id)
    return _message_row(conn, new_id)


def _tx_fork(
    conn: sqlite3.Connection,
    stamp: str,
    message_id: MessageId,
    role: str,
    content: str,
    data: dict[str, Any] | None,
) -> Row:
    parent = _message_row(conn, message_id)
    thread_id = parent[1]
    head = _head(conn, thread_id)
    new_id = _insert_child(conn, thread_id, parent, role, content, data, stamp)
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_id, thread_id))
    add_event(
        conn,
        thread_id,
        EventKind.MESSAGE_FORKED,
        stamp,
        message_id=new_id,
        from_leaf=head,
        to_leaf=new_id,
        data={"parent_id": message_id},
    )
    return _message_row(conn, new_id)


def _tx_fork_thread(conn: sqlite3.Connection, stamp: str, message_id: MessageId, title: str | None) -> Row:
    origin = _message_row(conn, message_id)
    source = _thread_row(conn, origin[1])
    new_title = title if title is not None else f"{source[1] or 'Untitled'} (fork)"
    cursor = conn.execute(
        "INSERT INTO threads (title, status, source, project, created_at, updated_at,"
        " forked_from_thread_id, forked_from_message_id, metadata) VALUES (?, 'idle', 'grove', ?, ?, ?, ?, ?, ?)",
        (new_title, source[4], stamp, stamp, source[0], message_id, source[18]),
    )
    new_thread = int(cursor.lastrowid)  # type: ignore[arg-type]
    path_ids = list(reversed(_ancestor_ids(conn, message_id)))
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
        data={"from_thread_id": source[0], "from_message_id": message_id},
    )
    add_event(
        conn,
        source[0],
        EventKind.THREAD_FORKED,
        stamp,
        message_id=message_id,
        data={"to_thread_id": new_thread, "at_message_id": message_id},
        touch=False,
    )
    return _thread_row(conn, new_thread)


def _rx_path(conn: sqlite3.Connection, thread_id: ThreadId, leaf_id: MessageId | None) -> list[Row]:
    if leaf_id is None:
        leaf_id = _head(conn, thread_id)
        if leaf_id is None:
            return []
    else:
        _thread_row(conn, thread_id)
        _message_in_thread(conn, thread_id, leaf_id)
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


def _rx_thread_messages(conn: sqlite3.Connection, thread_id: ThreadId, after_id: MessageId = 0) -> list[Row]:
    _thread_row(conn, thread_id)
    # Ids only grow, so "after an id" is what a reader holding the older ones lacks.
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND id > ? ORDER BY id", (thread_id, after_id)
    ).fetchall()


def _rx_children(conn: sqlite3.Connection, message_id: MessageId) -> list[Row]:
    _message_row(conn, message_id)
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE parent_id = ? ORDER BY created_at, id", (message_id,)
    ).fetchall()


def _rx_siblings(conn: sqlite3.Connection, message_id: MessageId) -> list[Row]:
    row = _message_row(conn, message_id)
    if row[2] is None:
        return conn.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND parent_id IS NULL"
            " ORDER BY created_at, id",
            (row[1],),
        ).fetchall()
    return _rx_children(conn, row[2])


def _rx_leaves(conn: sqlite3.Connection, thread_id: ThreadId) -> list[Row]:
    _thread_row(conn, thread_id)
    return conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = ? AND child_count = 0"
        " ORDER BY created_at DESC, id DESC",
        (thread_id,),
    ).fetchall()


def _tx_set_leaf(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, message_id: MessageId) -> Row:
    head = _head(conn, thread_id)
    _message_in_thread(conn, thread_id, message_id)
    return _move_head(conn, thread_id, head, message_id, EventKind.LEAF_MOVED, stamp, {"via": "set_leaf"})


def _tx_switch_sibling(conn: sqlite3.Connection, stamp: str, message_id: MessageId, step: int) -> Row:
    row = _message_row(conn, message_id)
    thread_id = row[1]
    siblings = [r[0] for r in _rx_siblings(conn, message_id)]
    index = siblings.index(message_id) + step
    if index < 0:
        raise InvalidOperation(f"Message {message_id} is the first of its {len(siblings)} siblings.")
    if index >= len(siblings):
        raise InvalidOperation(f"Message {message_id} is the last of its {len(siblings)} siblings.")
    target = siblings[index]
    leaf = _newest_leaf_under(conn, target)
    head = _head(conn, thread_id)
    data = {"via": "switch_sibling", "sibling_id": target, "step": step}
    return _move_head(conn, thread_id, head, leaf, EventKind.LEAF_MOVED, stamp, data)


def _tx_rewind(
    conn: sqlite3.Connection,
    stamp: str,
    thread_id: ThreadId,
    to: MessageId | None,
    by: int | None,
    before: str | None,
) -> Row:
    head = _head(conn, thread_id)
    if head is None:
        raise InvalidOperation(f"Thread {thread_id} is empty; there is nothing to rewind.")
    head_depth = _message_row(conn, head)[8]
    # Walk up from the head only as far as needed: a 10,000-message path must not be
    # read whole to step back one message.
    if to is not None:
        target_depth = _message_in_thread(conn, thread_id, to)[8]
        if to == head:
            raise InvalidOperation(f"Message {to} is already the head; rewind to an earlier message.")
        if target_depth >= head_depth or _ancestor_at_depth(conn, head, target_depth) != to:
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
        target = _ancestor_at_depth(conn, head, target_depth)
    else:
        # The deepest message on the path made before `before`: the conversation as it was then.
        row = conn.execute(
            "WITH RECURSIVE up(id, parent_id, created_at, depth) AS ("
            " SELECT id, parent_id, created_at, depth FROM messages WHERE id = ?"
            " UNION ALL SELECT m.id, m.parent_id, m.created_at, m.depth FROM messages m"
            " JOIN up ON m.id = up.parent_id WHERE up.created_at >= ?)"
            " SELECT id, depth FROM up WHERE created_at < ? ORDER BY depth DESC LIMIT 1",
            (head, before, before),
        ).fetchone()
        if row is None:
            raise InvalidOperation(f"No message on the active path is older than {before}.")
        if row[0] == head:
            raise InvalidOperation(f"Every message on the active path is older than {before}; nothing to rewind.")
        target, target_depth = row
    data = {"dropped": head_depth - target_depth}
    return _move_head(conn, thread_id, head, target, EventKind.REWOUND, stamp, data)


def _ancestor_at_depth(conn: sqlite3.Connection, leaf_id: MessageId, depth: int) -> MessageId:
    """The ancestor of `leaf_id` (or itself) at `depth`, walking up no further than that."""
    row = conn.execute(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, depth FROM messages WHERE id = ?"
        " UNION ALL SELECT m.id, m.parent_id, m.depth FROM messages m JOIN up ON m.id = up.parent_id"
        " WHERE up.depth > ?) SELECT id FROM up WHERE depth = ?",
        (leaf_id, depth, depth),
    ).fetchone()
    return row[0]


def _tx_undo(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId) -> Row:
    head = _head(conn, thread_id)
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
        return _move_head(
            conn, thread_id, head, from_leaf, EventKind.UNDONE, stamp, {"undoes_seq": seq, "undoes_kind": kind}
        )
    raise InvalidOperation(f"Nothing left to undo in thread {thread_id}.")


def _json_field(text: str | None, key: str) -> Any:
    return json.loads(text or "{}").get(key, -1)


def _tx_delete_branch(conn: sqlite3.Connection, stamp: str, message_id: MessageId, force: bool) -> Row:
    row = _message_row(conn, message_id)
    thread_id, parent_id = row[1], row[2]
    doomed = _descendant_ids(conn, message_id)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS doomed (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.doomed")
    conn.executemany("INSERT INTO temp.doomed (id) VALUES (?)", ((i,) for i in doomed))
    inside = conn.execute(
        "SELECT name FROM checkpoints WHERE message_id IN (SELECT id FROM temp.doomed) ORDER BY name"
    ).fetchall()
    names = [r[0] for r in inside]
    if names and not force:
        raise InvalidOperation(
            f"Checkpoint{'s' if len(names) > 1 else ''} {', '.join(names)} point inside this branch;"
            " delete them first, or force the deletion to delete them too."
        )
    head = _head(conn, thread_id)
    new_head = head
    if head is not None and conn.execute("SELECT 1 FROM temp.doomed WHERE id = ?", (head,)).fetchone():
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
    elif new_head is None and head is not None:
        # The deleted branch was a whole root: fall back to the newest remaining leaf, if any.
        leaf = conn.execute(
            "SELECT id FROM messages WHERE thread_id = ? AND child_count = 0 ORDER BY created_at DESC, id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
        new_head = leaf[0] if leaf else None
    conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_head, thread_id))
    _recount_leaves(conn, thread_id)
    add_event(
        conn,
        thread_id,
        EventKind.BRANCH_DELETED,
        stamp,
        message_id=message_id,
        from_leaf=head,
        to_leaf=new_head,
        data={"deleted": len(doomed), "checkpoints": names},
    )
    return _thread_row(conn, thread_id)


# ---------------------------------------------------------------------- checkpoint transactions


def _checkpoint_row(conn: sqlite3.Connection, thread_id: ThreadId, name: str | None) -> Row:
    _thread_row(conn, thread_id)
    if name is None:
        row = conn.execute(
            f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"Thread {thread_id} has no checkpoints yet.")
        return row
    row = conn.execute(
        f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? AND name = ?", (thread_id, name)
    ).fetchone()
    if row is None:
        raise NotFound(f"Thread {thread_id} has no checkpoint named {name!r}.")
    return row


def _tx_save_checkpoint(
    conn: sqlite3.Connection,
    stamp: str,
    thread_id: ThreadId,
    name: str,
    message_id: MessageId | None,
    note: str | None,
    state: dict[str, Any] | None,
    kind: str,
) -> Row:
    if message_id is None:
        message_id = _head(conn, thread_id)
        if message_id is None:
            raise InvalidOperation(f"Thread {thread_id} is empty; add a message before saving a checkpoint.")
    else:
        _head(conn, thread_id)
        _message_in_thread(conn, thread_id, message_id)
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
        data["overwrote_message_id"] = existed[0]
    add_event(conn, thread_id, EventKind.CHECKPOINT_SAVED, stamp, message_id=message_id, data=data)
    return row


def _rx_checkpoints(conn: sqlite3.Connection, thread_id: ThreadId) -> list[Row]:
    _thread_row(conn, thread_id)
    return conn.execute(
        f"SELECT {CHECKPOINT_COLUMNS} FROM checkpoints WHERE thread_id = ? ORDER BY created_at DESC, id DESC",
        (thread_id,),
    ).fetchall()


def _tx_restore_checkpoint(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, name: str) -> Row:
    checkpoint = _checkpoint_row(conn, thread_id, name)
    head = _head(conn, thread_id)
    target = checkpoint[3]
    return _move_head(
        conn, thread_id, head, target, EventKind.CHECKPOINT_RESTORED, stamp, {"name": name}, message_id=target
    )


def _tx_delete_checkpoint(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, name: str) -> None:
    checkpoint = _checkpoint_row(conn, thread_id, name)
    conn.execute("DELETE FROM checkpoints WHERE id = ?", (checkpoint[0],))
    add_event(conn, thread_id, EventKind.CHECKPOINT_DELETED, stamp, message_id=checkpoint[3], data={"name": name})


# ---------------------------------------------------------------------- events, search


def _rx_thread_events(conn: sqlite3.Connection, thread_id: ThreadId, sql: str, params: tuple[Any, ...]) -> list[Row]:
    _thread_row(conn, thread_id)
    return conn.execute(sql, params).fetchall()


def _rx_search(
    conn: sqlite3.Connection,
    match: str,
    thread_id: ThreadId | None,
    limit: int,
    role: str | None = None,
    source: str | None = None,
) -> list[Row]:
    # FTS5 walks its index in rowid order cheaply, but sorting every match by time would
    # not be cheap for a common word over a million messages. So take the newest-stored
    # window of matches (filters applied as the index is walked), then order it by time.
    filters = ""
    params: list[Any] = [match]
    if thread_id is not None:
        filters += " AND m.thread_id = ?"
        params.append(thread_id)
    if role is not None:
        filters += " AND m.role = ?"
        params.append(role)
    if source is not None:
        filters += " AND m.thread_id IN (SELECT id FROM threads WHERE source = ?)"
        params.append(source)
    window = (
        "SELECT f.rowid AS id FROM messages_fts f"
        + (" JOIN messages m ON m.id = f.rowid" if filters else "")
        + f" WHERE messages_fts MATCH ?{filters} ORDER BY f.rowid DESC LIMIT ?"
    )
    params += [max(_SEARCH_WINDOW_MIN, limit * _SEARCH_WINDOW_PER_HIT), limit]
    sql = (
        "SELECT m.id, m.thread_id, m.role, m.content, m.created_at, t.title"
        f" FROM ({window}) hits JOIN messages m ON m.id = hits.id JOIN threads t ON t.id = m.thread_id"
        " ORDER BY m.created_at DESC, m.id DESC LIMIT ?"
    )
    return conn.execute(sql, params).fetchall()


def _rx_on_active_path(conn: sqlite3.Connection, message_ids: list[MessageId]) -> list[MessageId]:
    # One walk up from each thread's head, only as deep as the shallowest message asked about.
    wanted: dict[ThreadId, dict[MessageId, int]] = {}
    for message_id in message_ids:
        row = conn.execute("SELECT thread_id, depth FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is not None:
            wanted.setdefault(row[0], {})[message_id] = row[1]
    found: list[MessageId] = []
    for thread_id, depths in wanted.items():
        head = _head(conn, thread_id)
        if head is None:
            continue
        rows = conn.execute(
            "WITH RECURSIVE up(id, parent_id, depth) AS ("
            " SELECT id, parent_id, depth FROM messages WHERE id = ?"
            " UNION ALL SELECT m.id, m.parent_id, m.depth FROM messages m JOIN up ON m.id = up.parent_id"
            " WHERE up.depth > ?) SELECT id FROM up",
            (head, min(depths.values())),
        ).fetchall()
        on_path = {r[0] for r in rows}
        found += [m for m in depths if m in on_path]
    return found
