"""Lineage of imported threads: the thread (and message) that spawned a subagent, the thread a
fork came from. Recorded at once when the other thread is already stored, else kept in the
thread's metadata (`import_link`) and resolved at the end of the run (`link_pending`)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from . import payloads
from .parsed import ParsedThread


def _find_thread(conn: sqlite3.Connection, source: str, key: str | None) -> int | None:
    if key is None:
        return None
    row = conn.execute("SELECT id FROM threads WHERE source = ? AND source_key = ?", (source, key)).fetchone()
    return None if row is None else int(row[0])


def user_titled(conn: sqlite3.Connection, thread_id: int) -> bool:
    """True when a person renamed the thread in Grove (a re-import must not undo that)."""
    row = conn.execute(
        "SELECT 1 FROM events WHERE thread_id = ? AND kind = 'thread_updated' AND data LIKE '%\"title\"%' LIMIT 1",
        (thread_id,),
    ).fetchone()
    return row is not None


def link(conn: sqlite3.Connection, thread_id: int, parsed: ParsedThread) -> None:
    """Record lineage now if the other thread is already stored (else `link_pending` does it later)."""
    pending: dict[str, Any] = {}
    if parsed.parent_thread_key is not None:
        pending["parent_thread_key"] = parsed.parent_thread_key
        if parsed.parent_message_marker:
            pending["parent_message_marker"] = parsed.parent_message_marker
        if parsed.parent_message_key:
            pending["parent_message_key"] = parsed.parent_message_key
    if parsed.forked_from_thread_key is not None:
        pending["forked_from_thread_key"] = parsed.forked_from_thread_key
        if parsed.forked_from_message_key:
            pending["forked_from_message_key"] = parsed.forked_from_message_key
    if pending:
        conn.execute(
            "UPDATE threads SET metadata = json_set(coalesce(metadata, '{}'), '$.import_link', json(?)) WHERE id = ?",
            (json.dumps(pending), thread_id),
        )
        resolve_links(conn, parsed.source, thread_id)


def link_pending(conn: sqlite3.Connection) -> int:
    """Resolve the lineage of threads imported before the thread they name (one scan).

    Run with `store._session.write(link_pending)` after an import run; returns how many were linked.
    """
    rows = conn.execute(
        "SELECT id, source FROM threads WHERE metadata LIKE '%\"import_link\"%'"
        " AND ((parent_thread_id IS NULL OR parent_message_id IS NULL)"
        " AND json_extract(metadata, '$.import_link.parent_thread_key') IS NOT NULL"
        " OR forked_from_thread_id IS NULL AND json_extract(metadata, '$.import_link.forked_from_thread_key') IS NOT NULL)"
    ).fetchall()
    return sum(1 for thread_id, source in rows if resolve_links(conn, source, thread_id))


def resolve_links(conn: sqlite3.Connection, source: str, thread_id: int) -> bool:
    """Fill parent_thread_id/parent_message_id (or the forked_from pair) from the pending link."""
    row = conn.execute(
        "SELECT json_extract(metadata, '$.import_link'), parent_thread_id, parent_message_id,"
        " forked_from_thread_id FROM threads WHERE id = ?",
        (thread_id,),
    ).fetchone()
    if row is None or row[0] is None:
        return False
    link = json.loads(row[0])
    done = False
    parent_key = link.get("parent_thread_key")
    if parent_key is not None and (row[1] is None or row[2] is None):
        parent = _find_thread(conn, source, parent_key)
        if parent is not None and parent != thread_id:
            message = _find_message(conn, parent, link.get("parent_message_key"), link.get("parent_message_marker"))
            conn.execute(
                "UPDATE threads SET parent_thread_id = ?, parent_message_id = coalesce(parent_message_id, ?) WHERE id = ?",
                (parent, message, thread_id),
            )
            title = None if message is None else _task_title(conn, parent, message)
            if title is not None and not user_titled(conn, thread_id):
                # A subagent is named by what its Task call said it was for; kept in metadata so
                # a re-import of the subagent's file does not put its first prompt back.
                conn.execute(
                    "UPDATE threads SET title = ?, metadata = json_set(coalesce(metadata, '{}'), '$.task_title', ?)"
                    " WHERE id = ?",
                    (title, title, thread_id),
                )
            done = True
    fork_key = link.get("forked_from_thread_key")
    if fork_key is not None and row[3] is None:
        origin = _find_thread(conn, source, fork_key)
        if origin is not None and origin != thread_id:
            message = _find_message(conn, origin, link.get("forked_from_message_key"), None)
            conn.execute(
                "UPDATE threads SET forked_from_thread_id = ?, forked_from_message_id = ? WHERE id = ?",
                (origin, message, thread_id),
            )
            done = True
    return done


def _task_title(conn: sqlite3.Connection, thread_id: int, result_id: int) -> str | None:
    """`type: description` of the tool call whose result (message `result_id`) spawned a subagent."""
    row = conn.execute("SELECT data FROM messages WHERE id = ?", (result_id,)).fetchone()
    data = json.loads(row[0]) if row and row[0] else {}
    call_ids = [r.get("tool_use_id") for r in payloads.tool_results(data)]
    for call_id in (c for c in call_ids if isinstance(c, str) and c):
        for (raw,) in conn.execute(
            "SELECT data FROM messages WHERE thread_id = ? AND role = 'assistant' AND instr(data, ?) > 0",
            (thread_id, json.dumps(call_id)),
        ):
            for call in payloads.tool_calls(json.loads(raw)):
                args = call.get("input")
                if call.get("id") != call_id or not isinstance(args, dict):
                    continue
                description, kind = args.get("description"), args.get("subagent_type")
                if isinstance(description, str) and description.strip():
                    title = description.strip()
                    return f"{kind}: {title}" if isinstance(kind, str) and kind else title
    return None


def _find_message(conn: sqlite3.Connection, thread_id: int, key: str | None, marker: str | None) -> int | None:
    if key is not None:
        r = conn.execute("SELECT id FROM messages WHERE thread_id = ? AND source_key = ?", (thread_id, key)).fetchone()
        if r is not None:
            return int(r[0])
    if marker:
        r = conn.execute(
            "SELECT id FROM messages WHERE thread_id = ? AND instr(data, ?) > 0 ORDER BY id LIMIT 1",
            (thread_id, marker),
        ).fetchone()
        if r is not None:
            return int(r[0])
    return None
