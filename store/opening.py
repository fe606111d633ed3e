"""Opening a database file: create it private, migrate it, finish an interrupted import's
search index, and connect the writer and the reader (see `Store.open`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Generator, Generic, Protocol, TypeVar

from . import connection
from .errors import InvalidValue, StoreError
from .schema import migrate
from .session import Session
from .transactions.steps import has_pending_index, index_pending


async def open_session(path: str) -> Session:
    """The connections of the database at `path`, created and migrated if needed."""
    in_memory = path == connection.MEMORY
    if not in_memory:
        if "\x00" in path:  # the OS cannot name such a file (a raw ValueError from os.open)
            raise InvalidValue(f"The database path {path!r} holds a NUL character; give a real file path.")
        target = Path(path)
        try:
            if target.is_dir():
                raise StoreError(f"{path} is a folder; give the path of a database file.")
            connection.create_private_file(target)
        except OSError as exc:  # e.g. a parent that is a file, a name too long: not a raw OSError
            raise StoreError(f"Cannot create the database at {path}: {exc.strerror or exc}.") from exc
    writer = await connection.connect(path)
    try:
        try:
            await connection.run_plain(writer, migrate)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a Grove database SQLite can read ({exc}).") from exc
        # Messages a bulk import wrote but had not indexed for search yet when its
        # process died (see `index_pending`) are indexed now.
        if await connection.run_read(writer, has_pending_index):
            try:
                await connection.run_write(writer, index_pending)
            except sqlite3.OperationalError:
                # A full disk (or a locked file) must not stop reads: the messages
                # stay pending, searchable once a later open or import indexes them.
                pass
        # An in-memory database exists only on its one connection, so it reads there too.
        reader = writer if in_memory else await connection.connect(path)
    except BaseException:
        await writer.close()
        raise
    return Session(writer, reader)


class _Closable(Protocol):
    async def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


class Opening(Generic[C]):
    """What `Store.open` returns: awaitable, and an async context manager that closes what it opened."""

    def __init__(self, open_: Callable[[], Awaitable[C]]) -> None:
        self._open = open_
        self._opened: C | None = None

    def __await__(self) -> Generator[Any, None, C]:
        return self._open().__await__()

    async def __aenter__(self) -> C:
        self._opened = await self._open()
        return self._opened

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._opened is not None:
            await self._opened.close()
