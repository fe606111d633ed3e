"""Threads: create, rename or change status, archive, delete — and the queries that list them."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import InvalidOperation
from ..models import EventKind, ThreadId
from ..rows import THREAD_COLUMNS, ThreadRow, encode_json
from .steps import add_event, require_thread, thread_row


def tx_create(
    conn: sqlite3.Connection,
    stamp: str,
    title: str | None,
    status: str,
    source: str,
    project: str | None,
    metadata: dict[str, Any] | None,
) -> ThreadRow:
    """A new, empty thread and its `thread_created` event."""
    cursor = conn.execute(
        "INSERT INTO threads (title, status, source, project, created_at, updated_at, metadata)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (title, status, source, project, stamp, stamp, encode_json(metadata)),
    )
    thread_id = int(cursor.lastrowid)  # type: ignore[arg-type]
    add_event(conn, thread_id, EventKind.THREAD_CREATED, stamp, data={"title": title})
    return thread_row(conn, thread_id)


def tx_update(
    conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, title: str | None, status: str | None
) -> ThreadRow:
    """A new title and/or status; the event records both sides of each change."""
    before = thread_row(conn, thread_id)
    changes: dict[str, Any] = {}
    if title is not None:
        conn.execute("UPDATE threads SET title = ? WHERE id = ?", (title, thread_id))
        changes["title"] = {"from": before.title, "to": title}
    if status is not None:
        conn.execute("UPDATE threads SET status = ? WHERE id = ?", (status, thread_id))
        changes["status"] = {"from": before.status, "to": status}
    add_event(conn, thread_id, EventKind.THREAD_UPDATED, stamp, data=changes)
    return thread_row(conn, thread_id)


def tx_archive(conn: sqlite3.Connection, stamp: str, thread_id: ThreadId, archive: bool) -> ThreadRow:
    """Archive (or bring back) a thread; refused when it already is (or is not) archived."""
    archived = thread_row(conn, thread_id).archived_at is not None
    if archive and archived:
        raise InvalidOperation(f"Thread {thread_id} is already archived.")
    if not archive and not archived:
        raise InvalidOperation(f"Thread {thread_id} is not archived.")
    conn.execute("UPDATE threads SET archived_at = ? WHERE id = ?", (stamp if archive else None, thread_id))
    kind = EventKind.THREAD_ARCHIVED if archive else EventKind.THREAD_UNARCHIVED
    add_event(conn, thread_id, kind, stamp)
    return thread_row(conn, thread_id)


def tx_delete(conn: sqlite3.Connection, thread_id: ThreadId) -> None:
    """Delete a thread with its messages, checkpoints and events."""
    require_thread(conn, thread_id)
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


# ---------------------------------------------------------------------- queries (run with steps.fetchall)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _visibility(include_archived: bool, include_hidden: bool) -> list[str]:
    return ([] if include_archived else ["archived_at IS NULL"]) + ([] if include_hidden else ["hidden = 0"])


def list_query(
    *,
    status: str | None,
    include_archived: bool,
    archived_only: bool,
    include_hidden: bool,
    query: str | None,
    source: str | None,
    project: str | None,
    limit: int,
    offset: int,
) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of `Store.list_threads` and its parameters: newest update first."""
    clauses: list[str] = []
    params: list[Any] = []
    if not include_hidden:
        clauses.append("hidden = 0")
    if project is not None:
        clauses.append("project = ?")
        params.append(project)
    if archived_only:
        clauses.append("archived_at IS NOT NULL")
    elif not include_archived:
        clauses.append("archived_at IS NULL")
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if source is not None:
        clauses.append("source = ?")
        params.append(source)
    if query and "\x00" in query:
        # LIKE stops reading its pattern at a NUL (so "\x00" would match every title);
        # instr compares the whole text.
        clauses.append("instr(lower(title), lower(?)) > 0")
        params.append(query)
    elif query:
        clauses.append("title LIKE ? ESCAPE '\\'")
        params.append("%" + _like_escape(query) + "%")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"SELECT {THREAD_COLUMNS} FROM threads {where} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?"
    return sql, (*params, limit, offset)


def count_query(*, include_archived: bool, include_hidden: bool) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of `Store.count_threads`: one row, one count."""
    clauses = _visibility(include_archived, include_hidden)
    return "SELECT count(*) FROM threads" + (" WHERE " + " AND ".join(clauses) if clauses else ""), ()


def projects_query(*, include_archived: bool, include_hidden: bool) -> tuple[str, tuple[Any, ...]]:
    """The SELECT of `Store.projects`: (project, thread count), the busiest first."""
    clauses = ["project IS NOT NULL", "project != ''", *_visibility(include_archived, include_hidden)]
    sql = (
        f"SELECT project, count(*) FROM threads WHERE {' AND '.join(clauses)}"
        " GROUP BY project ORDER BY count(*) DESC, project"
    )
    return sql, ()
