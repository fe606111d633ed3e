"""A line parser's memory of one file, beyond the checkpoint saved in `import_files.state`.

A Claude Code line may name any earlier line (`parentUuid`, `logicalParentUuid`, a
compaction's preserved messages, `last-prompt.leafUuid`). Keeping every uuid in the saved
state made it grow with the session (44 MB for a 100 MB session, decoded and encoded again
for each appended line). Instead the state keeps a bounded window of recent entries, every
entry is written to `import_aliases` with the file's batch, and an older uuid is read back
from there on demand (`Recall`), through a read-only connection of the parser's own: the
parser runs on a worker thread or in another process, and what it reads back was committed
by an earlier import run.
"""

from __future__ import annotations

import sqlite3
from itertools import islice
from pathlib import Path
from typing import Any

AliasRow = tuple[Any, ...]
"""(uuid, key, thread, seg, parent, role, first, first_at) as written to `import_aliases`: a
message's own row has no key (it is the uuid) and the rest; any other uuid's only its key."""
_NO_FIRST = (None, None)

BUSY_MS = 5000


class RecallFailed(OSError):
    """The database could not be read back (locked past the timeout, gone, damaged)."""


class Recall:
    """Entries of one file's parser memory, read back from the database by uuid."""

    def __init__(self, database: str, file: str) -> None:
        self.database = database
        self.file = file
        self._conn: sqlite3.Connection | None = None
        self._file_id: int | None = None
        self.reads = 0
        """How many uuids were looked up (for tests and profiles)."""

    def get(self, uuid: str) -> tuple[str | None, list[Any] | None] | None:
        """(key, node) stored for `uuid`, or None when the file never had it."""
        self.reads += 1
        try:
            if self._conn is None:
                uri = Path(self.database).absolute().as_uri() + "?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
                self._conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
                found = self._conn.execute("SELECT rowid FROM import_files WHERE path = ?", (self.file,)).fetchone()
                self._file_id = None if found is None else int(found[0])
            if self._file_id is None:
                return None
            row = self._conn.execute(
                "SELECT key, thread, seg, parent, role, first, first_at FROM import_aliases WHERE file = ? AND uuid = ?",
                (self._file_id, uuid),
            ).fetchone()
        except sqlite3.Error as exc:
            raise RecallFailed(f"the database could not be read back ({exc})") from exc
        if row is None:
            return None
        if row[4] is None:
            return row[0], None
        node = list(row[1:5]) if row[5] is None else list(row[1:7])
        return uuid, node  # a message's own row: its key is its uuid

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


WINDOW = 200
"""How many recent uuids the saved state keeps (the next lines mostly name the last few)."""


class ParserMemory:
    """What the Claude Code walk knows of each uuid of a file: in memory for this round, a
    window of it in the saved state, all of it in `import_aliases` (see the module docstring).

    `alias` maps every uuid read to the key of the message it stands for (None: none);
    `msgs` maps a message key to [thread, segment, Grove parent key, role]; `first_cand`
    maps a message key to [key, time] of its first prompt or reply child (a later one at
    another time is a real branch).
    """

    def __init__(self, recall: Recall | None, main: str | None = None) -> None:
        self.main = main
        """The file's main thread: stored as NULL in the rows of its messages (most of them)."""
        self.alias: dict[str, str | None] = {}
        self.msgs: dict[str, list[Any]] = {}
        self.first_cand: dict[str, list[Any]] = {}
        self.recall = recall
        self.complete = True
        """Everything of the file is in memory: a miss is final (a first read, or no database)."""
        self.loaded: set[str] = set()
        """uuids whose stored entry is unchanged (from the window or read back): not written again."""
        self.missing: set[str] = set()

    @classmethod
    def from_state(cls, state: dict[str, Any], recall: Recall | None) -> ParserMemory:
        """The memory a saved state resumes with (a window, or a whole memory saved by an older Grove)."""
        memory = cls(recall, state.get("main"))
        window = state.pop("window", None)
        if window is None:
            # Saved before import_aliases existed: the state holds all of it, written out this round.
            memory.alias = state.pop("alias", {})
            memory.msgs = state.pop("msgs", {})
            memory.first_cand = state.pop("first_cand", {})
            return memory
        memory.alias = dict(window["alias"])
        memory.loaded = set(memory.alias)
        for key, node in window["nodes"].items():
            memory._take(key, node)
        memory.complete = recall is None
        return memory

    def fetch(self, uuid: str) -> bool:
        """Read an older uuid's entry back from the database; False when the file never had it."""
        if self.complete or uuid in self.missing or self.recall is None:
            return False
        row = self.recall.get(uuid)
        if row is None:
            self.missing.add(uuid)
            return False
        key, node = row
        self.alias[uuid] = key
        self.loaded.add(uuid)
        if node is not None:
            self._take(uuid, node)
        return True

    def alias_of(self, uuid: str) -> str | None:
        """The message key `uuid` stands for (None: unknown, or no message)."""
        if uuid in self.alias or self.fetch(uuid):
            return self.alias[uuid]
        return None

    def node(self, key: str) -> list[Any] | None:
        """[thread, segment, parent key, role] of message `key`, or None."""
        found = self.msgs.get(key)
        if found is None and key not in self.alias and self.fetch(key):
            found = self.msgs.get(key)
        return found

    def set_first(self, key: str, first: list[Any]) -> None:
        self.first_cand[key] = first
        self.loaded.discard(key)  # a stored entry that changed: written again

    def _take(self, key: str, node: list[Any]) -> None:
        if node[0] is None:
            node[0] = self.main
        self.msgs[key] = node[:4]
        if len(node) > 4:
            self.first_cand[key] = node[4:6]

    def _node_of(self, key: str | None) -> list[Any] | None:
        if key is None or key not in self.msgs:
            return None
        first = self.first_cand.get(key)
        return self.msgs[key] + first if first else self.msgs[key]

    def rows(self) -> list[AliasRow]:
        """The entries to write with this round's batch: new ones and changed ones."""
        if self.recall is None:
            return []  # no database to read them back from: the state keeps everything
        loaded = self.loaded
        main = self.main
        out: list[AliasRow] = []
        for uuid, key in self.alias.items():
            if uuid in loaded:
                continue
            node = self.msgs.get(uuid) if uuid == key else None
            if node is None:
                out.append((uuid, key, None, None, None, None, None, None))
            else:
                thread = None if node[0] == main else node[0]
                out.append((uuid, None, thread, *node[1:], *self.first_cand.get(uuid, _NO_FIRST)))
        return out

    def window(self) -> dict[str, Any]:
        """The recent entries, for the saved state (everything when there is no database)."""
        if self.recall is not None:
            items = list(islice(reversed(self.alias.items()), WINDOW))[::-1]  # no copy of the whole map
        else:
            items = list(self.alias.items())
        alias = dict(items)
        nodes = {}
        for uuid, key in items:
            node = self._node_of(uuid) if uuid == key else None
            if node is not None:
                nodes[uuid] = node
        return {"alias": alias, "nodes": nodes}
