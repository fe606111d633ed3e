"""The Store: the async API of design.md §2 over one SQLite file.

Every public method is one transaction run in one hop on a connection's thread (see
`connection.py`). Writes go through the single writer connection with `BEGIN IMMEDIATE`;
reads go through a separate reader connection, so a long read never holds up a write.
The transactions themselves live in `transactions.py`: this module is the async
surface — arguments checked, one hop, rows turned into models.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Generator

import aiosqlite

from . import connection
from .checks import check_count, check_id, check_json_object, check_optional_id, check_text, check_time
from .errors import InvalidOperation, StoreError
from .models import (
    MOVE_KINDS,
    Checkpoint,
    CheckpointKind,
    Event,
    EventKind,
    Message,
    MessageId,
    Role,
    SearchHit,
    Thread,
    ThreadId,
    ThreadStatus,
)
from .rows import (
    EVENT_COLUMNS,
    MESSAGE_COLUMNS,
    THREAD_COLUMNS,
    checkpoint_from_row,
    encode_time,
    event_from_row,
    message_from_row,
    messages_from_rows,
    thread_from_row,
)
from .compare import Comparison, compare
from .schema import migrate
from .search import make_hit, match_expression, query_words
from .sources import Source
from .usage import GROUPINGS, UsageRow, UsageTotals, group, rx_all_replies, rx_thread_replies, tally
from .transactions import (
    _checked_content,
    _checkpoint_row,
    _data_version,
    _fetchall,
    _has_pending_index,
    _like_escape,
    _message_row,
    _rx_checkpoints,
    _rx_children,
    _rx_leaves,
    _rx_newest_leaf,
    _rx_on_active_path,
    _rx_path,
    _rx_search,
    _rx_siblings,
    _rx_thread_events,
    _rx_thread_messages,
    _thread_row,
    _thread_status,
    _tx_append,
    _tx_archive,
    _tx_create_thread,
    _tx_delete_branch,
    _tx_delete_checkpoint,
    _tx_delete_thread,
    _tx_fork,
    _tx_fork_thread,
    _tx_restore_checkpoint,
    _tx_rewind,
    _tx_save_checkpoint,
    _tx_set_leaf,
    _tx_switch_sibling,
    _tx_undo,
    _tx_update_thread,
    index_pending,
)

Clock = Callable[[], datetime]
Row = tuple[Any, ...]

_M_COLUMNS = ", ".join("m." + c for c in MESSAGE_COLUMNS.split(", "))
_MOVE_KIND_VALUES = tuple(k.value for k in MOVE_KINDS)
# How many of the newest-stored matches search() sorts by time, per hit asked for; see
# `search`. Imports store a session's messages in time order, so the window is exact in
# practice; a wider one costs time on every common word (2,000: 6 ms, 500: 2.6 ms).
_SEARCH_WINDOW_PER_HIT = 10
_SEARCH_WINDOW_MIN = 500


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(timezone.utc)


class Store:
    """An open Grove database. Create one with `Store.open(path)`."""

    def __init__(
        self, path: str, writer: aiosqlite.Connection, reader: aiosqlite.Connection, clock: Clock
    ) -> None:
        self.db_path = path
        """Where the database file is (":memory:" for a private in-memory one)."""
        self._writer = writer
        self._reader = reader
        self._clock = clock
        self._closed = False
        self._read_only_reason: str | None = None

    # ------------------------------------------------------------------ lifecycle

    @staticmethod
    def open(path: str | Path, clock: Clock | None = None) -> _StoreOpener:
        """Open (creating and migrating if needed) the database at `path`.

        Use as `async with Store.open(path) as store:` or `store = await Store.open(path)`.
        """
        return _StoreOpener(str(path), clock or utc_now)

    @classmethod
    async def _open(cls, path: str, clock: Clock) -> Store:
        in_memory = path == connection.MEMORY
        if not in_memory:
            target = Path(path)
            if target.is_dir():
                raise StoreError(f"{path} is a folder; give the path of a database file.")
            try:
                connection.create_private_file(target)
            except OSError as exc:  # e.g. a parent that is a file: a StoreError, not a raw OSError
                raise StoreError(f"Cannot create the database at {path}: {exc.strerror or exc}.") from exc
        writer = await connection.connect(path)
        try:
            try:
                await connection.run_plain(writer, migrate)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{path} is not a Grove database SQLite can read ({exc}).") from exc
            # Messages a bulk import wrote but had not indexed for search yet when its
            # process died (see `index_pending`) are indexed now.
            if await connection.run_read(writer, _has_pending_index):
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
        return cls(path, writer, reader, clock)

    async def close(self) -> None:
        """Close both connections. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not self._writer:
            await self._reader.close()
        await self._writer.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def now(self) -> datetime:
        """The store's clock (injectable, so tests and snapshots are deterministic)."""
        return self._clock()

    def make_read_only(self, reason: str) -> None:
        """Refuse every write from now on with `reason` (e.g. the file was deleted under us:
        writes would go to an unlinked file and vanish). Reads still work."""
        self._read_only_reason = reason

    def _check_writable(self) -> None:
        if self._read_only_reason is not None:
            raise InvalidOperation(self._read_only_reason)

    async def _write(self, fn: Callable[..., Any], *args: Any) -> Any:
        self._check_writable()
        return await connection.run_write(self._writer, fn, *args)

    async def _read(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await connection.run_read(self._reader, fn, *args)

    def _stamp(self) -> str:
        return encode_time(self._clock())

    # ------------------------------------------------------------------ threads

    async def create_thread(
        self,
        title: str | None = None,
        *,
        status: ThreadStatus | str = ThreadStatus.IDLE,
        source: str = Source.GROVE,
        project: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Thread:
        """A new, empty thread."""
        status_value = _thread_status(status).value
        check_text(title, "title", optional=True)
        check_text(source, "source")
        check_text(project, "project", optional=True)
        metadata = check_json_object(metadata, "metadata")
        row = await self._write(_tx_create_thread, self._stamp(), title, status_value, source, project, metadata)
        return thread_from_row(row)

    async def get_thread(self, thread_id: ThreadId) -> Thread:
        """The thread, or NotFound."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._read(_thread_row, thread_id))

    async def list_threads(
        self,
        *,
        status: ThreadStatus | str | None = None,
        include_archived: bool = False,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
        source: str | None = None,
        archived_only: bool = False,
        include_hidden: bool = False,
        project: str | None = None,
    ) -> list[Thread]:
        """Threads, most recently updated first.

        Args:
            status: only threads with this status.
            include_archived: also archived threads.
            query: only threads whose title contains this text (case-insensitive).
            limit: page size.
            offset: how many to skip.
            source: only threads from this source (claude-code, codex, chatgpt, grove).
            archived_only: only archived threads.
            include_hidden: also hidden threads (Claude Code warm-up sidechains).
            project: only threads of this project (its path, as `Thread.project` holds it).
        """
        clauses: list[str] = []
        params: list[Any] = []
        limit = check_count(limit, "limit")
        offset = check_count(offset, "offset")
        check_text(query, "query", optional=True)
        check_text(source, "source", optional=True)
        if not include_hidden:
            clauses.append("hidden = 0")
        if project is not None:
            clauses.append("project = ?")
            params.append(project)
        if archived_only:
            clauses.append("archived_at IS NOT NULL")
        elif not include_archived:
            clauses.append("archived_at IS NULL")
        if status is not None:
            clauses.append("status = ?")
            params.append(_thread_status(status).value)
        if source is not None:
            clauses.append("source = ?")
            params.append(source)
        if query and "\x00" in query:
            # LIKE stops reading its pattern at a NUL (so "\x00" would match every title);
            # instr compares the whole text.
            clauses.append("instr(lower(title), lower(?)) > 0")
            params.append(query)
        elif query:
            clauses.append("title LIKE ? ESCAPE '\\'")
            params.append("%" + _like_escape(query) + "%")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (
            f"SELECT {THREAD_COLUMNS} FROM threads {where} "
            "ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
        rows = await self._read(_fetchall, sql, tuple(params))
        return [thread_from_row(r) for r in rows]

    async def count_threads(self, *, include_archived: bool = False, include_hidden: bool = False) -> int:
        """How many threads there are (archived and hidden ones only when asked)."""
        clauses = ([] if include_archived else ["archived_at IS NULL"]) + ([] if include_hidden else ["hidden = 0"])
        sql = "SELECT count(*) FROM threads" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        rows = await self._read(_fetchall, sql, ())
        return int(rows[0][0])

    async def projects(self, *, include_archived: bool = False, include_hidden: bool = False) -> list[tuple[str, int]]:
        """(project path, thread count) of every known project, the busiest first."""
        clauses = ["project IS NOT NULL", "project != ''"]
        clauses += ([] if include_archived else ["archived_at IS NULL"]) + ([] if include_hidden else ["hidden = 0"])
        sql = (
            f"SELECT project, count(*) FROM threads WHERE {' AND '.join(clauses)}"
            " GROUP BY project ORDER BY count(*) DESC, project"
        )
        rows = await self._read(_fetchall, sql, ())
        return [(str(r[0]), int(r[1])) for r in rows]

    async def update_thread(
        self, thread_id: ThreadId, *, title: str | None = None, status: ThreadStatus | str | None = None
    ) -> Thread:
        """Change a thread's title and/or status."""
        if title is None and status is None:
            raise InvalidOperation("Nothing to update: give a new title or a new status.")
        check_id(thread_id, "thread")
        check_text(title, "title", optional=True)
        status_value = None if status is None else _thread_status(status).value
        row = await self._write(_tx_update_thread, self._stamp(), thread_id, title, status_value)
        return thread_from_row(row)

    async def rename_thread(self, thread_id: ThreadId, title: str) -> Thread:
        """Give a thread a new title (blank: refused)."""
        if not isinstance(title, str) or not title.strip():
            raise InvalidOperation("A thread needs a title; give some text.")
        return await self.update_thread(thread_id, title=title.strip())

    async def archive_thread(self, thread_id: ThreadId) -> Thread:
        """Hide a thread from the default list; nothing in it changes."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._write(_tx_archive, self._stamp(), thread_id, True))

    async def unarchive_thread(self, thread_id: ThreadId) -> Thread:
        """Bring an archived thread back to the default list."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._write(_tx_archive, self._stamp(), thread_id, False))

    async def delete_thread(self, thread_id: ThreadId) -> None:
        """Delete a thread with all its messages, checkpoints and events. Cannot be undone."""
        check_id(thread_id, "thread")
        await self._write(_tx_delete_thread, thread_id)

    # ------------------------------------------------------------------ the tree

    async def append(
        self,
        thread_id: ThreadId,
        role: Role | str,
        content: str,
        *,
        data: dict[str, Any] | None = None,
        created_at: datetime | None = None,
    ) -> Message:
        """Add a message as a child of the current leaf and move the head to it."""
        check_id(thread_id, "thread")
        role_value = _checked_content(role, content)
        check_text(content, "message content")
        data = check_json_object(data, "data")
        # A naive or out-of-range time would surface as a ValueError/OverflowError; say it as a StoreError.
        check_time(created_at, "created_at")
        stamp = self._stamp()
        made = encode_time(created_at) if created_at is not None else stamp
        row = await self._write(_tx_append, stamp, made, thread_id, role_value, content, data)
        return message_from_row(row)

    async def fork(
        self, message_id: MessageId, role: Role | str, content: str, *, data: dict[str, Any] | None = None
    ) -> Message:
        """Add a message as a new child of ANY message (a branch) and move the head to it."""
        check_id(message_id, "message")
        role_value = _checked_content(role, content)
        check_text(content, "message content")
        data = check_json_object(data, "data")
        row = await self._write(_tx_fork, self._stamp(), message_id, role_value, content, data)
        return message_from_row(row)

    async def fork_thread(self, message_id: MessageId, *, title: str | None = None) -> Thread:
        """A new thread holding a copy of root..message; lineage is recorded in both threads."""
        check_id(message_id, "message")
        check_text(title, "title", optional=True)
        return thread_from_row(await self._write(_tx_fork_thread, self._stamp(), message_id, title))

    async def get_message(self, message_id: MessageId) -> Message:
        """The message, or NotFound."""
        check_id(message_id, "message")
        return message_from_row(await self._read(_message_row, message_id))

    async def path(self, thread_id: ThreadId, leaf_id: MessageId | None = None) -> list[Message]:
        """Messages from the root to `leaf_id` (default: the current leaf), oldest first."""
        check_id(thread_id, "thread")
        check_optional_id(leaf_id, "message")
        rows = await self._read(_rx_path, thread_id, leaf_id)
        return messages_from_rows(rows)

    async def messages(self, thread_id: ThreadId, *, after_id: MessageId | None = None) -> list[Message]:
        """Every message of the thread, every branch, in the order they were stored.

        `after_id`: only the messages stored after that one (ids grow), so a reader that
        holds a thread can fetch what was added since instead of reading it all again.
        """
        check_id(thread_id, "thread")
        after = check_id(after_id, "message") if after_id else 0
        rows = await self._read(_rx_thread_messages, thread_id, after)
        return messages_from_rows(rows)

    async def children(self, message_id: MessageId) -> list[Message]:
        """The message's children, oldest first."""
        check_id(message_id, "message")
        rows = await self._read(_rx_children, message_id)
        return messages_from_rows(rows)

    async def siblings(self, message_id: MessageId) -> list[Message]:
        """The message and its siblings (children of the same parent), oldest first."""
        check_id(message_id, "message")
        rows = await self._read(_rx_siblings, message_id)
        return messages_from_rows(rows)

    async def leaves(self, thread_id: ThreadId) -> list[Message]:
        """Every message of the thread without children, newest first."""
        check_id(thread_id, "thread")
        rows = await self._read(_rx_leaves, thread_id)
        return messages_from_rows(rows)

    async def newest_leaf(self, message_id: MessageId) -> Message:
        """The newest leaf at or below a message: where the head goes to bring it onto the path."""
        check_id(message_id, "message")
        return message_from_row(await self._read(_rx_newest_leaf, message_id))

    async def set_leaf(self, thread_id: ThreadId, message_id: MessageId) -> Thread:
        """Move the head to any message of this thread."""
        check_id(thread_id, "thread")
        check_id(message_id, "message")
        return thread_from_row(await self._write(_tx_set_leaf, self._stamp(), thread_id, message_id))

    async def switch_sibling(self, message_id: MessageId, step: int) -> Thread:
        """Move the head to the newest leaf under the sibling `step` places away (+1 or -1)."""
        check_id(message_id, "message")
        if isinstance(step, bool) or not isinstance(step, int) or step == 0:
            raise InvalidOperation("Give a step of +1 (next sibling) or -1 (previous sibling).")
        return thread_from_row(await self._write(_tx_switch_sibling, self._stamp(), message_id, step))

    async def rewind(
        self,
        thread_id: ThreadId,
        *,
        to: MessageId | None = None,
        by: int | None = None,
        before: datetime | None = None,
    ) -> Thread:
        """Move the head back along the active path; what it leaves stays as a branch.

        Exactly one of: `to` an ancestor on the current path, `by` N messages, or
        `before` a moment (the head moves to the newest path message older than it).
        """
        given = sum(x is not None for x in (to, by, before))
        if given != 1:
            raise InvalidOperation("Say where to rewind to: give exactly one of to, by or before.")
        check_id(thread_id, "thread")
        check_optional_id(to, "message")
        if by is not None and (isinstance(by, bool) or not isinstance(by, int) or by < 1):
            raise InvalidOperation("Rewind by a whole number of messages, 1 or more.")
        if by is not None:
            by = min(by, 2**63 - 1)  # more than any path holds: back to the root
        check_time(before, "before")
        before_text = encode_time(before) if before is not None else None
        row = await self._write(_tx_rewind, self._stamp(), thread_id, to, by, before_text)
        return thread_from_row(row)

    async def undo(self, thread_id: ThreadId) -> Thread:
        """Move the head back to where it was before the latest move not yet undone."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._write(_tx_undo, self._stamp(), thread_id))

    async def delete_branch(self, message_id: MessageId, *, force: bool = False) -> Thread:
        """Delete a message and all its descendants.

        Refuses when a checkpoint points inside the branch, unless `force` (which deletes
        those checkpoints too). A head inside the branch moves to the message's parent.
        """
        check_id(message_id, "message")
        return thread_from_row(await self._write(_tx_delete_branch, self._stamp(), message_id, force))

    # ------------------------------------------------------------------ checkpoints

    async def save_checkpoint(
        self,
        thread_id: ThreadId,
        name: str,
        *,
        message_id: MessageId | None = None,
        note: str | None = None,
        state: dict[str, Any] | None = None,
        kind: CheckpointKind | str = CheckpointKind.MANUAL,
    ) -> Checkpoint:
        """Save (or overwrite, by name) a checkpoint at a message (default: the head)."""
        check_id(thread_id, "thread")
        check_optional_id(message_id, "message")
        clean = check_text(name or "", "checkpoint name").strip()
        check_text(note, "checkpoint note", optional=True)
        state = check_json_object(state, "state")
        if not clean:
            raise InvalidOperation("A checkpoint needs a name.")
        try:
            kind_value = CheckpointKind(kind).value
        except ValueError:
            raise InvalidOperation(f"Unknown checkpoint kind {kind!r}; use manual, auto or imported.") from None
        row = await self._write(
            _tx_save_checkpoint, self._stamp(), thread_id, clean, message_id, note, state, kind_value
        )
        return checkpoint_from_row(row)

    async def list_checkpoints(self, thread_id: ThreadId) -> list[Checkpoint]:
        """The thread's checkpoints, newest first."""
        check_id(thread_id, "thread")
        rows = await self._read(_rx_checkpoints, thread_id)
        return [checkpoint_from_row(r) for r in rows]

    async def get_checkpoint(self, thread_id: ThreadId, name: str | None = None) -> Checkpoint:
        """The checkpoint with this name, or the newest one when no name is given."""
        # save_checkpoint strips the name it stores, so look names up the same way.
        check_id(thread_id, "thread")
        clean = None if name is None else check_text(name, "checkpoint name").strip()
        return checkpoint_from_row(await self._read(_checkpoint_row, thread_id, clean))

    async def restore_checkpoint(self, thread_id: ThreadId, name: str) -> Thread:
        """Move the head to the checkpoint's message."""
        check_id(thread_id, "thread")
        clean = check_text(name or "", "checkpoint name").strip()  # as save_checkpoint stored it
        return thread_from_row(await self._write(_tx_restore_checkpoint, self._stamp(), thread_id, clean))

    async def delete_checkpoint(self, thread_id: ThreadId, name: str) -> None:
        """Delete a checkpoint; its message stays."""
        check_id(thread_id, "thread")
        clean = check_text(name or "", "checkpoint name").strip()  # as save_checkpoint stored it
        await self._write(_tx_delete_checkpoint, self._stamp(), thread_id, clean)

    # ------------------------------------------------------------------ events, search

    async def events(
        self,
        thread_id: ThreadId | None = None,
        *,
        kinds: Iterable[EventKind | str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after_seq: int | None = None,
        limit: int = 100,
    ) -> list[Event]:
        """The timeline, oldest first: one thread's events, or every thread's.

        `after_seq` pages forward: with a thread it compares `Event.seq`, across all
        threads it compares `Event.id` (the global order).
        """
        clauses: list[str] = []
        params: list[Any] = []
        check_optional_id(thread_id, "thread")
        limit = check_count(limit, "limit")
        if after_seq is not None:
            after_seq = check_count(after_seq, "after_seq")
        if thread_id is not None:
            clauses.append("thread_id = ?")
            params.append(thread_id)
        if kinds is not None:
            try:
                values = [EventKind(k).value for k in kinds]
            except ValueError as exc:  # a StoreError, not a bare ValueError (contract §2)
                raise InvalidOperation(f"Unknown event kind: {exc}.") from None
            clauses.append(f"kind IN ({','.join('?' * len(values))})")
            params += values
        check_time(since, "since")
        check_time(until, "until")
        if since is not None:
            clauses.append("created_at >= ?")
            params.append(encode_time(since))
        if until is not None:
            clauses.append("created_at < ?")
            params.append(encode_time(until))
        if after_seq is not None:
            clauses.append("seq > ?" if thread_id is not None else "id > ?")
            params.append(after_seq)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        order = "seq" if thread_id is not None else "id"
        sql = f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY {order} LIMIT ?"
        params.append(limit)
        if thread_id is not None:
            rows = await self._read(_rx_thread_events, thread_id, sql, tuple(params))
        else:
            rows = await self._read(_fetchall, sql, tuple(params))
        return [event_from_row(r) for r in rows]

    async def search(
        self,
        text: str,
        *,
        thread_id: ThreadId | None = None,
        limit: int = 50,
        role: Role | str | None = None,
        source: str | None = None,
    ) -> list[SearchHit]:
        """Messages containing every word of `text` (the last one as a prefix), newest first.

        Words are taken literally: quotes, `-`, `*`, AND/OR/NOT are just text. Optional
        filters: `role` of the message, `source` of its thread. The newest-stored matches
        (ten per hit asked for, at least 500) are sorted by time, which is exact unless the
        words match more messages than that.
        """
        check_text(text, "search text")
        check_optional_id(thread_id, "thread")
        check_text(source, "source", optional=True)
        # The search window is ten times the limit: keep that product a SQLite integer too.
        limit = min(check_count(limit, "limit"), (2**63 - 1) // _SEARCH_WINDOW_PER_HIT)
        words = query_words(text)
        if not words or limit <= 0:
            return []
        try:
            role_value = None if role is None else Role(role).value
        except ValueError:  # a StoreError, not a bare ValueError (contract §2)
            raise InvalidOperation(f"Unknown role {role!r}; use user, assistant, system or tool.") from None
        rows = await self._read(_rx_search, match_expression(words), thread_id, limit, role_value, source)
        return [make_hit(row, words) for row in rows]

    # ------------------------------------------------------------------ compare, usage

    async def compare(self, a_id: MessageId, b_id: MessageId) -> Comparison:
        """Where the paths to two messages part (following forks), and each side from there."""
        return await compare(self, a_id, b_id)

    async def usage(self, *, by: str | None = None, since: datetime | None = None) -> list[UsageRow]:
        """Tokens and cost of every API reply once, per thread / project / model / day or in total.

        Args:
            by: "thread", "project", "model", "day", or None for one "total" row.
            since: only replies made at or after this (aware) moment.
        """
        if by is not None and by not in GROUPINGS:
            raise InvalidOperation(f"Cannot group usage by {by!r}; use {', '.join(GROUPINGS)}.")
        check_time(since, "since")
        return group(await self._read(rx_all_replies), by, since)

    async def thread_usage(self, thread_id: ThreadId) -> UsageTotals:
        """Tokens and cost of the replies a thread owns, every branch, each reply once."""
        await self.get_thread(thread_id)  # NotFound for an unknown id
        return tally(await self._read(rx_thread_replies, thread_id))

    async def branch_usage(self, thread_id: ThreadId, leaf_id: MessageId | None = None) -> UsageTotals:
        """Tokens and cost of root..leaf (default: the head): the replies the thread owns on it."""
        on_path = {m.id for m in await self.path(thread_id, leaf_id)}
        owned = await self._read(rx_thread_replies, thread_id)
        return tally(r for r in owned if r.message_id in on_path)

    async def on_active_path(self, message_ids: Iterable[MessageId]) -> set[MessageId]:
        """Which of these messages lie on their thread's active path (root..head)."""
        return set(await self._read(_rx_on_active_path, list(message_ids)))

    async def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database."""
        return int(await connection.run_plain(self._reader, _data_version))

    # ------------------------------------------------------------------ internals for importers

    async def run_write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(sqlite3_conn, *args)` as one write transaction (bulk paths: importers)."""
        return await self._write(fn, *args)

    async def run_writes(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        """Run `fn(sqlite3_conn, *args)` for each `args` as its own write transaction, all in one
        hop; a call that fails with `sqlite3.Error` is rolled back alone and gives the error."""
        self._check_writable()
        return await connection.run_writes(self._writer, fn, calls)

    async def run_read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(sqlite3_conn, *args)` as one read transaction."""
        return await self._read(fn, *args)


class _StoreOpener:
    """What `Store.open` returns: awaitable, and an async context manager."""

    def __init__(self, path: str, clock: Clock) -> None:
        self._path = path
        self._clock = clock
        self._store: Store | None = None

    def __await__(self) -> Generator[Any, None, Store]:
        return Store._open(self._path, self._clock).__await__()

    async def __aenter__(self) -> Store:
        self._store = await Store._open(self._path, self._clock)
        return self._store

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._store is not None:
            await self._store.close()
