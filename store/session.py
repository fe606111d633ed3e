"""The Store's connections, for code inside `store/` that runs transactions of its own.

The public Store speaks models only (design.md §2). Bulk paths — the importers, the Grove
JSON exporter's key lookups, `grove resume`'s hand-off record — run whole transactions of
their own (many rows in one hop) on the same connections; they reach them through this one
object, `store._session`: internal, not for code outside `store/` (the app and the CLI use
the Store's methods).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import aiosqlite

from . import connection
from .errors import InvalidOperation

T = TypeVar("T")


class Session:
    """The writer and reader connections of one open Store, and whether writes are allowed."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.writer = writer
        """The one connection every write transaction goes through (`BEGIN IMMEDIATE`)."""
        self.reader = reader
        """Reads go here, so a long read never holds up a write (the writer itself in memory)."""
        self.read_only_reason: str | None = None
        """Why writes are refused (e.g. the file was deleted under us); None: writable."""

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(sqlite3_conn, *args)` as one write transaction, in one hop."""
        if self.read_only_reason is not None:
            raise InvalidOperation(self.read_only_reason)
        return await connection.run_write(self.writer, fn, *args)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(sqlite3_conn, *args)` as one read transaction (one snapshot), in one hop."""
        return await connection.run_read(self.reader, fn, *args)

    async def read_plain(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(sqlite3_conn, *args)` on the reader outside any transaction (PRAGMAs)."""
        return await connection.run_plain(self.reader, fn, *args)

    async def close(self) -> None:
        """Close both connections."""
        if self.reader is not self.writer:
            await self.reader.close()
        await self.writer.close()
