"""The Store: the async API of design.md §2 over one SQLite file.

Every public method is one transaction run in one hop on a connection's thread (see
`connection.py`). Writes go through the single writer connection with `BEGIN IMMEDIATE`;
reads go through a separate reader connection, so a long read never holds up a write.
The transactions themselves live in `transactions/` (one module per topic: forks,
moves, undo, checkpoints, …) and opening a file in `opening.py`: this module is the async
surface — arguments checked, one hop, rows turned into models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import search as text_search
from .checks import (
    check_count,
    check_id,
    check_json_object,
    check_message,
    check_optional_id,
    check_checkpoint_kind,
    check_checkpoint_name,
    check_rewind_target,
    check_role,
    check_step,
    check_text,
    check_thread_status,
    check_time,
)
from .compare import Comparison, compare
from .errors import InvalidOperation
from .models import (
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
from .opening import Opening, open_session
from .rows import (
    checkpoint_from_row,
    encode_time,
    event_from_row,
    message_from_row,
    messages_from_rows,
    thread_from_row,
)
from .session import Session
from .sources import Source
from .transactions import branches, checkpoints, events, forks, moves, steps, threads, tree, undo
from .usage import GROUPINGS, UsageRow, UsageTotals, group, rx_all_replies, rx_thread_replies, tally

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(timezone.utc)


class Store:
    """An open Grove database. Create one with `Store.open(path)`."""

    def __init__(self, path: str, session: Session, clock: Clock) -> None:
        self.db_path = path
        """Where the database file is (":memory:" for a private in-memory one)."""
        self._session = session
        """Internal: the connections, for bulk paths inside `store/` (see `session.py`)."""
        self._clock = clock
        self._closed = False

    # ------------------------------------------------------------------ lifecycle

    @staticmethod
    def open(path: str | Path, clock: Clock | None = None) -> Opening[Store]:
        """Open (creating and migrating if needed) the database at `path`.

        Use as `async with Store.open(path) as store:` or `store = await Store.open(path)`.
        """
        return Opening(lambda: Store._open(str(path), clock or utc_now))

    @classmethod
    async def _open(cls, path: str, clock: Clock) -> Store:
        return cls(path, await open_session(path), clock)

    async def close(self) -> None:
        """Close both connections. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        await self._session.close()

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
        self._session.read_only_reason = reason

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
        status_value = check_thread_status(status).value
        check_text(title, "title", optional=True)
        check_text(source, "source")
        check_text(project, "project", optional=True)
        metadata = check_json_object(metadata, "metadata")
        row = await self._session.write(threads.tx_create, self._stamp(), title, status_value, source, project, metadata)
        return thread_from_row(row)

    async def get_thread(self, thread_id: ThreadId) -> Thread:
        """The thread, or NotFound."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._session.read(steps.thread_row, thread_id))

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
        limit = check_count(limit, "limit")
        offset = check_count(offset, "offset")
        check_text(query, "query", optional=True)
        check_text(source, "source", optional=True)
        sql, params = threads.list_query(
            status=None if status is None else check_thread_status(status).value,
            include_archived=include_archived,
            archived_only=archived_only,
            include_hidden=include_hidden,
            query=query,
            source=source,
            project=project,
            limit=limit,
            offset=offset,
        )
        return [thread_from_row(r) for r in await self._session.read(steps.fetchall, sql, params)]

    async def count_threads(self, *, include_archived: bool = False, include_hidden: bool = False) -> int:
        """How many threads there are (archived and hidden ones only when asked)."""
        sql, params = threads.count_query(include_archived=include_archived, include_hidden=include_hidden)
        ((count,),) = await self._session.read(steps.fetchall, sql, params)
        return int(count)

    async def projects(self, *, include_archived: bool = False, include_hidden: bool = False) -> list[tuple[str, int]]:
        """(project path, thread count) of every known project, the busiest first."""
        sql, params = threads.projects_query(include_archived=include_archived, include_hidden=include_hidden)
        return [(str(path), int(count)) for path, count in await self._session.read(steps.fetchall, sql, params)]

    async def update_thread(
        self, thread_id: ThreadId, *, title: str | None = None, status: ThreadStatus | str | None = None
    ) -> Thread:
        """Change a thread's title and/or status."""
        if title is None and status is None:
            raise InvalidOperation("Nothing to update: give a new title or a new status.")
        check_id(thread_id, "thread")
        check_text(title, "title", optional=True)
        status_value = None if status is None else check_thread_status(status).value
        row = await self._session.write(threads.tx_update, self._stamp(), thread_id, title, status_value)
        return thread_from_row(row)

    async def rename_thread(self, thread_id: ThreadId, title: str) -> Thread:
        """Give a thread a new title (blank: refused)."""
        if not isinstance(title, str) or not title.strip():
            raise InvalidOperation("A thread needs a title; give some text.")
        return await self.update_thread(thread_id, title=title.strip())

    async def archive_thread(self, thread_id: ThreadId) -> Thread:
        """Hide a thread from the default list; nothing in it changes."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._session.write(threads.tx_archive, self._stamp(), thread_id, True))

    async def unarchive_thread(self, thread_id: ThreadId) -> Thread:
        """Bring an archived thread back to the default list."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._session.write(threads.tx_archive, self._stamp(), thread_id, False))

    async def delete_thread(self, thread_id: ThreadId) -> None:
        """Delete a thread with all its messages, checkpoints and events. Cannot be undone."""
        check_id(thread_id, "thread")
        await self._session.write(threads.tx_delete, thread_id)

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
        role_value = check_message(role, content)
        data = check_json_object(data, "data")
        # A naive or out-of-range time would surface as a ValueError/OverflowError; say it as a StoreError.
        check_time(created_at, "created_at")
        stamp = self._stamp()
        made = encode_time(created_at) if created_at is not None else stamp
        row = await self._session.write(tree.tx_append, stamp, made, thread_id, role_value, content, data)
        return message_from_row(row)

    async def fork(
        self, message_id: MessageId, role: Role | str, content: str, *, data: dict[str, Any] | None = None
    ) -> Message:
        """Add a message as a new child of ANY message (a branch) and move the head to it."""
        check_id(message_id, "message")
        role_value = check_message(role, content)
        data = check_json_object(data, "data")
        row = await self._session.write(forks.tx_fork, self._stamp(), message_id, role_value, content, data)
        return message_from_row(row)

    async def fork_thread(self, message_id: MessageId, *, title: str | None = None) -> Thread:
        """A new thread holding a copy of root..message; lineage is recorded in both threads."""
        check_id(message_id, "message")
        check_text(title, "title", optional=True)
        return thread_from_row(await self._session.write(forks.tx_fork_thread, self._stamp(), message_id, title))

    async def get_message(self, message_id: MessageId) -> Message:
        """The message, or NotFound."""
        check_id(message_id, "message")
        return message_from_row(await self._session.read(steps.message_row, message_id))

    async def path(self, thread_id: ThreadId, leaf_id: MessageId | None = None) -> list[Message]:
        """Messages from the root to `leaf_id` (default: the current leaf), oldest first."""
        check_id(thread_id, "thread")
        check_optional_id(leaf_id, "message")
        rows = await self._session.read(tree.rx_path, thread_id, leaf_id)
        return messages_from_rows(rows)

    async def messages(self, thread_id: ThreadId, *, after_id: MessageId | None = None) -> list[Message]:
        """Every message of the thread, every branch, in the order they were stored.

        `after_id`: only the messages stored after that one (ids grow), so a reader that
        holds a thread can fetch what was added since instead of reading it all again.
        """
        check_id(thread_id, "thread")
        after = check_id(after_id, "message") if after_id else 0
        rows = await self._session.read(tree.rx_thread_messages, thread_id, after)
        return messages_from_rows(rows)

    async def children(self, message_id: MessageId) -> list[Message]:
        """The message's children, oldest first."""
        check_id(message_id, "message")
        rows = await self._session.read(tree.rx_children, message_id)
        return messages_from_rows(rows)

    async def siblings(self, message_id: MessageId) -> list[Message]:
        """The message and its siblings (children of the same parent), oldest first."""
        check_id(message_id, "message")
        rows = await self._session.read(tree.rx_siblings, message_id)
        return messages_from_rows(rows)

    async def leaves(self, thread_id: ThreadId) -> list[Message]:
        """Every message of the thread without children, newest first."""
        check_id(thread_id, "thread")
        rows = await self._session.read(tree.rx_leaves, thread_id)
        return messages_from_rows(rows)

    async def newest_leaf(self, message_id: MessageId) -> Message:
        """The newest leaf at or below a message: where the head goes to bring it onto the path."""
        check_id(message_id, "message")
        return message_from_row(await self._session.read(tree.rx_newest_leaf, message_id))

    async def set_leaf(self, thread_id: ThreadId, message_id: MessageId) -> Thread:
        """Move the head to any message of this thread."""
        check_id(thread_id, "thread")
        check_id(message_id, "message")
        return thread_from_row(await self._session.write(moves.tx_set_leaf, self._stamp(), thread_id, message_id))

    async def switch_sibling(self, message_id: MessageId, step: int) -> Thread:
        """Move the head to the newest leaf under the sibling `step` places away (+1 or -1)."""
        check_id(message_id, "message")
        check_step(step)
        return thread_from_row(await self._session.write(moves.tx_switch_sibling, self._stamp(), message_id, step))

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
        check_id(thread_id, "thread")
        by = check_rewind_target(to, by, before)
        before_text = None if before is None else encode_time(before)
        row = await self._session.write(moves.tx_rewind, self._stamp(), thread_id, to, by, before_text)
        return thread_from_row(row)

    async def undo(self, thread_id: ThreadId) -> Thread:
        """Move the head back to where it was before the latest move not yet undone."""
        check_id(thread_id, "thread")
        return thread_from_row(await self._session.write(undo.tx_undo, self._stamp(), thread_id))

    async def delete_branch(self, message_id: MessageId, *, force: bool = False) -> Thread:
        """Delete a message and all its descendants.

        Refuses when a checkpoint points inside the branch, unless `force` (which deletes
        those checkpoints too). A head inside the branch moves to the message's parent.
        """
        check_id(message_id, "message")
        return thread_from_row(await self._session.write(branches.tx_delete_branch, self._stamp(), message_id, force))

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
        clean = check_checkpoint_name(name)
        check_text(note, "checkpoint note", optional=True)
        state = check_json_object(state, "state")
        if not clean:
            raise InvalidOperation("A checkpoint needs a name.")
        kind_value = check_checkpoint_kind(kind)
        row = await self._session.write(
            checkpoints.tx_save, self._stamp(), thread_id, clean, message_id, note, state, kind_value
        )
        return checkpoint_from_row(row)

    async def list_checkpoints(self, thread_id: ThreadId) -> list[Checkpoint]:
        """The thread's checkpoints, newest first."""
        check_id(thread_id, "thread")
        rows = await self._session.read(checkpoints.rx_checkpoints, thread_id)
        return [checkpoint_from_row(r) for r in rows]

    async def get_checkpoint(self, thread_id: ThreadId, name: str | None = None) -> Checkpoint:
        """The checkpoint with this name, or the newest one when no name is given."""
        # save_checkpoint strips the name it stores, so look names up the same way.
        check_id(thread_id, "thread")
        clean = None if name is None else check_text(name, "checkpoint name").strip()
        return checkpoint_from_row(await self._session.read(checkpoints.rx_checkpoint, thread_id, clean))

    async def restore_checkpoint(self, thread_id: ThreadId, name: str) -> Thread:
        """Move the head to the checkpoint's message."""
        check_id(thread_id, "thread")
        clean = check_checkpoint_name(name)
        return thread_from_row(await self._session.write(checkpoints.tx_restore, self._stamp(), thread_id, clean))

    async def delete_checkpoint(self, thread_id: ThreadId, name: str) -> None:
        """Delete a checkpoint; its message stays."""
        check_id(thread_id, "thread")
        clean = check_checkpoint_name(name)
        await self._session.write(checkpoints.tx_delete, self._stamp(), thread_id, clean)

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
        check_optional_id(thread_id, "thread")
        limit = check_count(limit, "limit")
        if after_seq is not None:
            after_seq = check_count(after_seq, "after_seq")
        sql, params = events.events_query(
            thread_id=thread_id, kinds=kinds, since=since, until=until, after_seq=after_seq, limit=limit
        )
        if thread_id is not None:
            rows = await self._session.read(events.rx_thread_events, thread_id, sql, params)
        else:
            rows = await self._session.read(steps.fetchall, sql, params)
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
        limit = min(check_count(limit, "limit"), text_search.MAX_LIMIT)
        words = text_search.query_words(text)
        if not words or limit <= 0:
            return []
        role_value = None if role is None else check_role(role)
        match = text_search.match_expression(words)
        rows = await self._session.read(text_search.rx_search, match, thread_id, limit, role_value, source)
        return [text_search.make_hit(row, words) for row in rows]

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
        return group(await self._session.read(rx_all_replies), by, since)

    async def thread_usage(self, thread_id: ThreadId) -> UsageTotals:
        """Tokens and cost of the replies a thread owns, every branch, each reply once."""
        await self.get_thread(thread_id)  # NotFound for an unknown id
        return tally(await self._session.read(rx_thread_replies, thread_id))

    async def branch_usage(self, thread_id: ThreadId, leaf_id: MessageId | None = None) -> UsageTotals:
        """Tokens and cost of root..leaf (default: the head): the replies the thread owns on it."""
        on_path = {m.id for m in await self.path(thread_id, leaf_id)}
        owned = await self._session.read(rx_thread_replies, thread_id)
        return tally(r for r in owned if r.message_id in on_path)

    async def on_active_path(self, message_ids: Iterable[MessageId]) -> set[MessageId]:
        """Which of these messages lie on their thread's active path (root..head)."""
        return set(await self._session.read(tree.rx_on_active_path, list(message_ids)))

    async def data_version(self) -> int:
        """A number that changes whenever another connection commits to the database."""
        return await self._session.read_plain(steps.data_version)
