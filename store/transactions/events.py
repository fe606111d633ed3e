"""The timeline: the query behind `Store.events`, one thread's or every thread's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..checks import check_time
from ..errors import InvalidOperation
from ..models import EventKind, ThreadId
from ..rows import EVENT_COLUMNS, encode_time
from .steps import Row, require_thread


def events_query(
    *,
    thread_id: ThreadId | None,
    kinds: Iterable[EventKind | str] | None,
    since: datetime | None,
    until: datetime | None,
    after_seq: int | None,
    limit: int,
) -> tuple[str, tuple[Any, ...]]:
    """The SELECT and its parameters, oldest first; unknown kinds and bad times refused.

    `after_seq` pages forward: with a thread it compares `seq`, across all threads `id`
    (the global order).
    """
    clauses: list[str] = []
    params: list[Any] = []
    if thread_id is not None:
        clauses.append("thread_id = ?")
        params.append(thread_id)
    if kinds is not None:
        try:
            values = [EventKind(k).value for k in kinds]
        except ValueError as exc:  # a StoreError, not a bare ValueError (contract §2)
            raise InvalidOperation(f"Unknown event kind: {exc}.") from None
        clauses.append(f"kind IN ({','.join('?' * len(values))})")
        params += values
    check_time(since, "since")
    check_time(until, "until")
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(encode_time(since))
    if until is not None:
        clauses.append("created_at < ?")
        params.append(encode_time(until))
    if after_seq is not None:
        clauses.append("seq > ?" if thread_id is not None else "id > ?")
        params.append(after_seq)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    order = "seq" if thread_id is not None else "id"
    return f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY {order} LIMIT ?", (*params, limit)


def rx_thread_events(conn: sqlite3.Connection, thread_id: ThreadId, sql: str, params: tuple[Any, ...]) -> list[Row]:
    """One thread's events (NotFound for an unknown thread) by a query of `events_query`."""
    require_thread(conn, thread_id)
    return conn.execute(sql, params).fetchall()
