"""Grove's conversation store: threads whose messages form a tree, in SQLite.

This package never imports textual or rich; the app depends on it, not the reverse.
"""

from __future__ import annotations

from .errors import InvalidOperation, InvalidValue, NotFound, PathNotFound, StoreError
from .models import (
    Checkpoint,
    CheckpointKind,
    Event,
    EventKind,
    Message,
    MessageStatus,
    Role,
    SearchHit,
    Thread,
    ThreadStatus,
)
from .sources import Source
from .store import Store

__all__ = [
    "Checkpoint",
    "CheckpointKind",
    "Event",
    "EventKind",
    "InvalidOperation",
    "InvalidValue",
    "Message",
    "MessageStatus",
    "NotFound",
    "PathNotFound",
    "Role",
    "SearchHit",
    "Source",
    "Store",
    "StoreError",
    "Thread",
    "ThreadStatus",
]
