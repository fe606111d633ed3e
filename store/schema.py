"""The schema as a list of migrations, tracked with `PRAGMA user_version`.

Migration N (1-based) takes a database from version N-1 to N. Each runs inside
`BEGIN IMMEDIATE`, and the version is read again after the lock is taken, so two
processes opening a fresh database at once do not both migrate it.
"""

from __future__ import annotations

import sqlite3

from .errors import StoreError

_V1_CORE = """
-- AUTOINCREMENT: an id is never handed out twice, so events, exports and scripts that
-- name a deleted thread or message can never end up naming a new one.
CREATE TABLE threads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT,
    status TEXT NOT NULL DEFAULT 'idle',
    source TEXT NOT NULL DEFAULT 'grove',
    project TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    current_leaf_id INTEGER,
    archived_at TEXT,
    forked_from_thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
    forked_from_message_id INTEGER,
    parent_thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL,
    parent_message_id INTEGER,
    message_count INTEGER NOT NULL DEFAULT 0,
    leaf_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    metadata TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_by_update ON threads(updated_at DESC, id DESC);
CREATE INDEX threads_by_parent ON threads(parent_thread_id) WHERE parent_thread_id IS NOT NULL;

CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES messages(id),
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    data TEXT,
    status TEXT NOT NULL DEFAULT 'completed',
    created_at TEXT NOT NULL,
    depth INTEGER NOT NULL DEFAULT 0,
    child_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_parent ON messages(parent_id, created_at, id);
CREATE INDEX messages_roots ON messages(thread_id, created_at, id) WHERE parent_id IS NULL;
-- child_count = 0 marks a leaf, so leaves() is an index range scan, not an anti-join.
CREATE INDEX messages_leaves ON messages(thread_id, child_count, created_at, id);

CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    kind TEXT NOT NULL DEFAULT 'manual',
    note TEXT,
    state TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (thread_id, name)
);
CREATE INDEX checkpoints_by_message ON checkpoints(message_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message_id INTEGER,
    from_leaf_id INTEGER,
    to_leaf_id INTEGER,
    data TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (thread_id, seq)
);
CREATE INDEX events_by_time ON events(created_at);
"""

_V2_SEARCH = """
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content,
    content='messages',
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    -- Prefix indexes make "last word as a prefix" fast while a person types (the* over a
    -- million messages: 70 ms without, 1 ms with).
    prefix='2 3'
);
-- Bulk imports set `paused` and index their rows in one statement afterwards.
CREATE TABLE fts_control (id INTEGER PRIMARY KEY CHECK (id = 1), paused INTEGER NOT NULL);
INSERT INTO fts_control VALUES (1, 0);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN (SELECT paused FROM fts_control) = 0 BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
"""

_V3_IMPORTS = """
-- Where an imported thread or message came from, so a re-import adds only what is new.
ALTER TABLE threads ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX threads_by_source_key ON threads(source, source_key) WHERE source_key IS NOT NULL;
ALTER TABLE messages ADD COLUMN source_key TEXT;
CREATE INDEX messages_by_source_key ON messages(thread_id, source_key) WHERE source_key IS NOT NULL;
-- How far each imported file has been read, for incremental imports.
CREATE TABLE import_files (
    path TEXT PRIMARY KEY,
    format TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    offset INTEGER NOT NULL,
    line_count INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    state TEXT,
    imported_at TEXT NOT NULL
);
"""

_V4_DEFERRED_SEARCH = """
-- A bulk import does not index each file's messages in the file's own transaction (one
-- FTS5 segment flush per file is most of an import's time). Each file transaction records
-- the contiguous id range of its new messages here instead, and every pending range is
-- indexed in one statement at the end of the import run, or when the store is next opened
-- after a crash (store.bulk.index_pending). Until then those rows are not in messages_fts,
-- so deleting or editing one must not touch the index: an FTS5 'delete' of a row that was
-- never indexed corrupts an external-content table.
CREATE TABLE fts_pending (first_id INTEGER PRIMARY KEY, end_id INTEGER NOT NULL);
DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN coalesce((SELECT end_id FROM fts_pending WHERE first_id <= old.id ORDER BY first_id DESC LIMIT 1), 0) <= old.id
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages
WHEN coalesce((SELECT end_id FROM fts_pending WHERE first_id <= old.id ORDER BY first_id DESC LIMIT 1), 0) <= old.id
BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
"""

_V5_HANDOFFS = """
-- Sessions written for an agent by `grove resume` (store/resume.py). When such a session
-- file is imported, its thread is linked to the origin message as a fork and the messages
-- it copied are marked as copies; `copied` maps each copied message's source_key (as the
-- importer keys it) to the origin message it came from.
CREATE TABLE handoffs (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    agent TEXT NOT NULL,
    session_id TEXT NOT NULL,
    path TEXT NOT NULL,
    copied TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (agent, session_id)
);
CREATE INDEX handoffs_by_thread ON handoffs(thread_id);
"""

_V6_HIDDEN_AND_PARSERS = """
-- Threads kept but not listed by default (Claude Code warm-up sidechains); `grove threads
-- --all` and the app's "Show hidden threads" list them.
ALTER TABLE threads ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE INDEX threads_by_project ON threads(project);
-- Which version of its importer's rules read each file: a file read by older rules is read
-- again from the start on the next import (store/importers PARSER_VERSIONS), which rebuilds
-- its threads with the new rules. 0: read before versions were recorded.
ALTER TABLE import_files ADD COLUMN parser_version INTEGER NOT NULL DEFAULT 0;
"""

_V7_IMPORT_ALIASES = """
-- What an incremental import's parser remembers of a file beyond the small checkpoint kept
-- in import_files.state (store/importers/memory.py): every record id (uuid) it has read, the
-- message it stands for, and for a message what the walk knows of it. A later line naming
-- an older uuid is answered from here, so the saved state stays a few KB however long the
-- session grows. Written in the same transaction as the file's messages and import_files row.
-- `file` is the import_files rowid (a path in each of millions of rows would double the table).
-- A row with a `role` is a message's own (its key is its uuid): its thread (NULL: the file's main one), segment, parent
-- and first prompt-or-reply child (`first`, written at `first_at`); else `key` names the
-- message the uuid stands for (NULL: none).
CREATE TABLE import_aliases (
    file INTEGER NOT NULL,
    uuid TEXT NOT NULL,
    key TEXT,
    thread TEXT,
    seg TEXT,
    parent TEXT,
    role TEXT,
    first TEXT,
    first_at TEXT,
    PRIMARY KEY (file, uuid)
) WITHOUT ROWID;
"""

MIGRATIONS: list[str] = [
    _V1_CORE,
    _V2_SEARCH,
    _V3_IMPORTS,
    _V4_DEFERRED_SEARCH,
    _V5_HANDOFFS,
    _V6_HIDDEN_AND_PARSERS,
    _V7_IMPORT_ALIASES,
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to SCHEMA_VERSION; return the version it was at.

    Raises:
        StoreError: the database comes from a newer Grove.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"This database was written by a newer Grove (schema version {version}; "
                f"this Grove knows up to {SCHEMA_VERSION}). Upgrade Grove to open it."
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would COMMIT our transaction)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
