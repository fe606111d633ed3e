"""Errors the store raises: each carries a sentence a person can act on."""

from __future__ import annotations

import sqlite3


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class NotFound(StoreError):
    """A thread, message or checkpoint that was asked for does not exist."""


class InvalidOperation(StoreError):
    """The operation would break an invariant of the tree, so nothing was written."""


def disk_full(exc: BaseException) -> bool:
    """Whether `exc` is SQLite saying the disk (or the database's size limit) is full."""
    return isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    )
