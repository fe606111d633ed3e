"""Helpers shared by the store tests: a stepping clock and a raw view of the database.

The raw view reads the file with plain sqlite3, never through the Store, so a test can
check what is really on disk (for example, that a refused operation wrote nothing).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

START = datetime(2026, 1, 1, tzinfo=timezone.utc)

TABLES = ("threads", "messages", "checkpoints", "events")


class SteppingClock:
    """A clock that moves forward one step on every call, so every stamp is distinct."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(seconds=1)) -> None:
        self.current = start - step
        self.step = step

    def __call__(self) -> datetime:
        self.current += self.step
        return self.current

    def peek(self) -> datetime:
        """The last time handed out (without moving)."""
        return self.current


def snapshot(path: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the store's tables, read with a separate plain sqlite3 connection."""
    conn = sqlite3.connect(str(path))
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in TABLES}
    finally:
        conn.close()


def raw_rows(path: str | Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one query with plain sqlite3."""
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
