"""What an importer hands the bulk writer: format-neutral threads, messages, checkpoints and
events keyed by the source's own ids, and how far a file has been read (`FileRecord`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .rows import encode_json, encode_time


@dataclass
class ParsedMessage:
    """One message as a parser saw it; ids are the source's own keys."""

    key: str
    """Unique within the thread: the source record's id (uuid, node id, …)."""
    parent_key: str | None
    """The parent's key (in this batch or already stored); None for a root."""
    role: str
    content: str
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    status: str = "completed"
    data_json: str | None = None
    """`data` already encoded (parsers do it on their own thread, off the writer's)."""


MessageRow = tuple[str, str | None, str, str, str | None, str, str]
"""(key, parent_key, role, content, data JSON, status, created_at text) of a new message."""


def message_row(m: ParsedMessage) -> MessageRow:
    """A parsed message as the tuple the writer inserts."""
    data_json = m.data_json if m.data_json is not None else encode_json(m.data)
    return (m.key, m.parent_key, m.role, m.content, data_json, m.status, encode_time(m.created_at))


@dataclass
class ParsedCheckpoint:
    """A checkpoint carried by a full-fidelity (Grove JSON) import."""

    name: str
    message_key: str
    kind: str
    note: str | None
    state: dict[str, Any]
    created_at: datetime


@dataclass
class ParsedEvent:
    """A timeline event carried by a full-fidelity (Grove JSON) import."""

    seq: int
    kind: str
    message_key: str | None
    from_leaf_key: str | None
    to_leaf_key: str | None
    data: dict[str, Any]
    created_at: datetime
    data_keys: dict[str, str | None] = field(default_factory=dict)
    """Fields of `data` that name a message (`parent_id`…), by the message's key: given the
    message's id in this database when written (None when it is not here)."""
    data_thread_keys: dict[str, str | None] = field(default_factory=dict)
    """The same for fields that name a thread (`from_thread_id`…), by the thread's key."""


@dataclass
class ParsedThread:
    """A thread as a parser produced it: what to create or add to, keyed by its source."""

    source: str
    source_key: str
    messages: list[ParsedMessage] = field(default_factory=list)
    """New messages, parents before children."""
    rows: list[MessageRow] | None = None
    """The new messages already flattened (`message_row`), in place of `messages`: importers
    do it where they parse, so the writer gets plain tuples (cheap to send between processes)."""
    updates: list[ParsedMessage] = field(default_factory=list)
    """Messages already imported whose content or data changed."""
    title: str | None = None
    project: str | None = None
    status: str = "idle"
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    leaf_key: str | None = None
    """The source's own current leaf; None: the newest user/assistant leaf."""
    input_tokens: int | None = None
    """Totals for the whole source thread (not a delta); None leaves the stored value."""
    output_tokens: int | None = None
    cost_usd: float | None = None
    parent_thread_key: str | None = None
    """source_key (same source) of the thread that spawned this one (a subagent)."""
    parent_message_marker: str | None = None
    """Text found in the `data` of the spawning message of the parent thread."""
    parent_message_key: str | None = None
    forked_from_thread_key: str | None = None
    forked_from_message_key: str | None = None
    checkpoints: list[ParsedCheckpoint] = field(default_factory=list)
    events: list[ParsedEvent] = field(default_factory=list)
    archived_at: datetime | None = None
    import_data: dict[str, Any] = field(default_factory=dict)
    """Extra facts for the `imported` event (the file, line numbers)."""
    reread: bool = False
    """The file was read again from the start (it was rewritten): messages already stored
    take the content read now, so an edit in place is not lost."""
    hidden: bool | None = None
    """Keep the thread out of the default lists (a warm-up sidechain); None leaves it as stored."""
    patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(message key, changes) to the data of a message already stored, for what a later round
    learnt about it (a spawn, a token count): see `merge_data`."""
    rebuild: bool = False
    """The whole source was parsed again by newer rules: messages already stored take the new
    parse's parents, content and data; stored leaves the new parse no longer has are removed."""


@dataclass
class WriteResult:
    """What one thread's bulk write did."""

    thread_id: int
    created: bool
    added: int
    updated: int
    head_moved: bool
    first_id: int = 0
    """The new messages' ids are first_id … end_id - 1 (contiguous)."""
    end_id: int = 0


@dataclass
class FileRecord:
    """How far a file has been read (the `import_files` row)."""

    path: str
    format: str
    size: int
    mtime: float
    offset: int
    line_count: int
    head_hash: str
    state: dict[str, Any] | None = None
    state_json: str | None = None
    """`state` already encoded (by the parser, off the writer's thread); used instead of it."""
    parser_version: int = 0
    """The version of the importer's rules that read it (`importers.registry.Format.version`)."""
    aliases: list[tuple[Any, ...]] = field(default_factory=list)
    """Rows of the parser's memory to keep in `import_aliases` (`importers.memory.AliasRow`)."""
    forget_aliases: bool = False
    """The file was read from the start: its old `import_aliases` rows go first."""
