"""Opening SQLite the way design.md §1 asks, and running whole transactions in one hop.

aiosqlite runs each call on the connection's own thread, and every call is a thread hop
(50–150 µs). A transaction made of one await per statement would cost a millisecond and
could interleave with another coroutine's statements on the same connection. So every
transaction here is one plain function run on that thread: `BEGIN IMMEDIATE`, the
statements, `COMMIT` — one hop, never shared.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from .errors import StoreError

T = TypeVar("T")

BUSY_TIMEOUT_MS = 30_000
MEMORY = ":memory:"


def create_private_file(path: Path) -> None:
    """Create the database file with mode 0600 if it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def configure(conn: sqlite3.Connection, *, in_memory: bool) -> None:
    """Per-connection settings, in the order that matters: busy_timeout first."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not in_memory:
        mode = _switch_to_wal(conn)
        if str(mode).lower() != "wal":
            raise StoreError(
                f"SQLite would not switch the database to WAL mode (it answered {mode!r}); "
                "is it on a network file system? Put it on a local disk."
            )
    conn.execute("PRAGMA synchronous = NORMAL")


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Ask for WAL mode, waiting out other processes that open the same fresh file.

    Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is
    locked" at once, without its busy handler, when another connection is switching it
    at the same moment. So we retry for as long as busy_timeout would have waited.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


async def connect(path: str) -> aiosqlite.Connection:
    """An aiosqlite connection in autocommit mode with our pragmas set."""
    try:
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"Cannot open the database at {path}: {exc}.") from exc
    try:
        await conn._execute(configure, conn._conn, in_memory=path == MEMORY)
    except sqlite3.OperationalError as exc:
        await conn.close()
        if "locked" in str(exc):
            raise StoreError(
                f"{path} stayed locked by another program for {BUSY_TIMEOUT_MS // 1000} s; "
                "close it and try again."
            ) from exc
        raise StoreError(f"{path} is not a Grove database SQLite can read ({exc}).") from exc
    except sqlite3.DatabaseError as exc:
        await conn.close()
        raise StoreError(f"{path} is not a Grove database SQLite can read ({exc}).") from exc
    except BaseException:
        await conn.close()
        raise
    return conn


def _write_transaction(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args)
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may already have rolled the transaction back (SQLITE_FULL, SQLITE_IOERR…):
        # a ROLLBACK then fails with "no transaction is active" and would hide the cause.
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        raise
    return result


def _read_transaction(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    # A deferred transaction gives every statement of the read one snapshot.
    conn.execute("BEGIN")
    try:
        return fn(conn, *args)
    finally:
        conn.execute("COMMIT")


async def run_write(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(sqlite3_conn, *args)` inside BEGIN IMMEDIATE … COMMIT, in one hop."""
    return await conn._execute(_write_transaction, conn._conn, fn, args)


async def run_read(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(sqlite3_conn, *args)` inside one read transaction, in one hop."""
    return await conn._execute(_read_transaction, conn._conn, fn, args)


async def run_plain(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Run `fn(sqlite3_conn, *args)` on the connection's thread with no transaction around it."""
    return await conn._execute(fn, conn._conn, *args)
