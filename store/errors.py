"""Errors the store raises: each carries a sentence a person can act on."""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class NotFound(StoreError):
    """A thread, message or checkpoint that was asked for does not exist."""


class InvalidOperation(StoreError):
    """The operation would break an invariant of the tree, so nothing was written."""


# The two below are also the built-in error that these places raised before, so a caller
# that caught ValueError or FileNotFoundError there still does; new code catches StoreError.


class InvalidValue(InvalidOperation, ValueError):
    """An argument the store cannot take: an unknown import format, a time without a
    timezone, a database path with a NUL character in it."""


class PathNotFound(NotFound, FileNotFoundError):
    """A file or folder the store was asked to read or watch does not exist."""


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` is SQLite saying the disk (or the database's size limit) is full."""
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    )
