"""The store's pydantic models and enums (design.md §1).

Ids are integers handed out by SQLite; callers treat them as opaque values.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .sources import Source

ThreadId = int
MessageId = int


class Role(str, Enum):
    """Who wrote a message."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class ThreadStatus(str, Enum):
    """Where a thread's work stands. Archiving is kept apart, in `Thread.archived_at`."""

    IDLE = "idle"
    RUNNING = "running"
    WAITING = "waiting"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MessageStatus(str, Enum):
    """Whether a message is complete."""

    QUEUED = "queued"
    STREAMING = "streaming"
    COMPLETED = "completed"
    FAILED = "failed"


class CheckpointKind(str, Enum):
    """Who made a checkpoint."""

    MANUAL = "manual"
    AUTO = "auto"
    IMPORTED = "imported"


class EventKind(str, Enum):
    """What an event in a thread's timeline records."""

    THREAD_CREATED = "thread_created"
    THREAD_UPDATED = "thread_updated"
    THREAD_ARCHIVED = "thread_archived"
    THREAD_UNARCHIVED = "thread_unarchived"
    MESSAGE_APPENDED = "message_appended"
    MESSAGE_FORKED = "message_forked"
    THREAD_FORKED = "thread_forked"
    LEAF_MOVED = "leaf_moved"
    REWOUND = "rewound"
    UNDONE = "undone"
    CHECKPOINT_SAVED = "checkpoint_saved"
    CHECKPOINT_RESTORED = "checkpoint_restored"
    CHECKPOINT_DELETED = "checkpoint_deleted"
    BRANCH_DELETED = "branch_deleted"
    IMPORTED = "imported"
    HANDED_OFF = "handed_off"
    """The path was written out as a new Claude Code or Codex session (`grove resume`)."""


#: Events that count as a "move" of the head, which `undo` can walk back.
MOVE_KINDS: frozenset[EventKind] = frozenset(
    {
        EventKind.MESSAGE_APPENDED,
        EventKind.MESSAGE_FORKED,
        EventKind.LEAF_MOVED,
        EventKind.REWOUND,
        EventKind.CHECKPOINT_RESTORED,
    }
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, use_enum_values=False)


class Thread(_Model):
    """A conversation: a tree of messages with a current leaf (its head)."""

    id: ThreadId
    title: str | None = None
    status: ThreadStatus = ThreadStatus.IDLE
    source: str = Source.GROVE
    """Where the thread came from: grove, claude-code, codex, chatgpt."""
    project: str | None = None
    """The working directory the session ran in, when known."""
    created_at: datetime
    updated_at: datetime
    current_leaf_id: MessageId | None = None
    """The head: which path through the tree is the conversation now."""
    archived_at: datetime | None = None
    forked_from_thread_id: ThreadId | None = None
    forked_from_message_id: MessageId | None = None
    parent_thread_id: ThreadId | None = None
    """For a subagent's thread: the thread that spawned it."""
    parent_message_id: MessageId | None = None
    message_count: int = 0
    leaf_count: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    metadata: dict[str, Any] = Field(default_factory=dict)
    hidden: bool = False
    """Kept but not listed by default (a Claude Code warm-up sidechain)."""

    @property
    def archived(self) -> bool:
        """True when the thread is archived."""
        return self.archived_at is not None


class Message(_Model):
    """One node of a thread's tree."""

    id: MessageId
    thread_id: ThreadId
    parent_id: MessageId | None = None
    role: Role
    content: str
    data: dict[str, Any] = Field(default_factory=dict)
    """Tool calls, usage, the source record's own ids."""
    status: MessageStatus = MessageStatus.COMPLETED
    created_at: datetime
    depth: int = 0
    """0 for a root."""
    child_count: int = 0


class Checkpoint(_Model):
    """A named point in a thread that the head can be restored to."""

    id: int
    thread_id: ThreadId
    name: str
    message_id: MessageId
    kind: CheckpointKind = CheckpointKind.MANUAL
    note: str | None = None
    state: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime


class Event(_Model):
    """One entry of a thread's timeline; `seq` counts 1, 2, 3… per thread."""

    id: int
    thread_id: ThreadId
    seq: int
    kind: EventKind
    message_id: MessageId | None = None
    from_leaf_id: MessageId | None = None
    to_leaf_id: MessageId | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime

    @property
    def is_move(self) -> bool:
        """True when the event moved the head (and so can be undone)."""
        return self.kind in MOVE_KINDS


class SearchHit(_Model):
    """A message that matched a search, with a plain-text snippet around the match."""

    thread_id: ThreadId
    message_id: MessageId
    snippet: str
    highlights: list[tuple[int, int]] = Field(default_factory=list)
    """(start, end) offsets in `snippet` of each matched word: highlight from these, never markup."""
    role: Role
    created_at: datetime
    thread_title: str | None = None
