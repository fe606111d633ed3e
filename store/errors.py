"""Errors the store raises: each carries a sentence a person can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""


class NotFound(StoreError):
    """A thread, message or checkpoint that was asked for does not exist."""


class InvalidOperation(StoreError):
    """The operation would break an invariant of the tree, so nothing was written."""
