"""The import run: files stat'ed and planned, parsed in chunks off the event loop, written
one transaction per file, reported.

Files are parsed off the event loop in chunks of a few MB (a worker thread; a separate
process once an import is over 32 MB, so that parsing and writing use both cores), then
each file is written in one transaction by `store.bulk.write_file` together with its
`import_files` row (a chunk's transactions in one hop to the writer's thread). The new
messages are indexed for search once, at the end of the run. Bad input never
stops an import: each problem is an `ImportReport.errors` entry (file, line, reason), and an
incomplete last line is listed in `ImportReport.pending` and read next time.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import sqlite3
import stat as stat_module
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import bulk
from ..errors import InvalidValue
from ..rows import encode_time
from ..sources import Source
from .discovery import SessionFile, discover_sessions, expand_paths
from .lines import LineError, ReadPlan, kind_of, load_records, plan
from .parsing import parse_chunk
from .registry import FORMATS

__all__ = ["ImportReport", "ProgressCallback", "import_paths"]

ProgressCallback = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """What an import did."""

    threads: list[int] = field(default_factory=list)
    """Ids of threads created or updated, in the order first touched."""
    created: list[int] = field(default_factory=list)
    """Ids of the threads that are new."""
    messages: int = 0
    """Messages added."""
    updated_messages: int = 0
    files: int = 0
    """Files read (unchanged files are not counted)."""
    errors: list[LineError] = field(default_factory=list)
    pending: list[LineError] = field(default_factory=list)
    """Incomplete last lines left for the next import."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "threads": self.threads,
            "created": self.created,
            "messages": self.messages,
            "files": self.files,
            "errors": [e.as_dict() for e in self.errors],
            "pending": [e.as_dict() for e in self.pending],
        }


async def import_paths(
    store: Any,
    paths: Iterable[Path | str] | None,
    *,
    format: str = "auto",
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import files and folders (None: the standard locations); see the module docstring."""
    if format != "auto" and format not in FORMATS:
        raise InvalidValue(f"Unknown format {format!r}; use auto, {', '.join(FORMATS)}.")
    files = discover_sessions() if paths is None else expand_paths(paths, format)
    report = ImportReport()
    units = _stat_files(files)
    total = sum(u.size for u in units)
    # Every file's `import_files` row in one read, not one hop per file.
    records = await store._session.read(load_records, [u.key for u in units if u.key is not None])
    database = None if store.db_path == ":memory:" else str(store.db_path)
    for u in units:
        _plan_unit(u, records)
        if u.job is not None:
            u.job.database = database
    await _check_restarts(store, units)
    _assign_thread_keys(units, records)
    # A pipeline of chunks of files (a few MB each): chunk i+1 is parsed while chunk i is
    # written, each of its files in its own transaction but the whole chunk in one hop to
    # the writer's thread. A big import parses in a separate process (a real second core,
    # and no GIL contention with the writer); a small one on a worker thread.
    parse_bytes = sum(u.size for u in units if u.job is not None)
    pool = _process_pool() if parse_bytes >= PROCESS_THRESHOLD and len(files) > 1 else None
    window = 3 if pool is not None else 1
    chunks = _chunks(units, CHUNK_BYTES if pool is not None else THREAD_CHUNK_BYTES)
    loop = asyncio.get_running_loop()
    parsing: deque[tuple[list[_Unit], asyncio.Future[list[Any]]]] = deque()
    writing: asyncio.Future[None] | None = None
    seen: set[int] = set()
    done = 0
    position = 0

    def submit() -> None:
        nonlocal position
        while position < len(chunks) and len(parsing) < window:
            chunk = chunks[position]
            position += 1
            jobs = [(u.path, u.format, u.job) for u in chunk if u.job is not None]
            parsing.append((chunk, loop.run_in_executor(pool, parse_chunk, jobs)))

    async def write(chunk: list[_Unit], parsed: list[Any]) -> None:
        nonlocal done
        calls: list[tuple[Any, ...]] = []
        owners: list[_Unit] = []
        results = iter(parsed)
        for u in chunk:
            if u.job is None:
                continue
            u.parsed = next(results)
            if isinstance(u.parsed, tuple):
                threads, record = u.parsed[0], u.parsed[1]
                calls.append((threads, record, encode_time(store.now()), True))
                owners.append(u)
        written = await store._session.write(_write_files, calls) if calls else []
        for u, outcome in zip(owners, written):
            u.written = outcome
        for u in chunk:
            _report_unit(u, report, seen)
            done += u.size
            if on_progress is not None:
                on_progress(done, total, str(u.path))

    try:
        submit()
        while parsing:
            chunk, future = parsing[0]
            parsed = await future
            parsing.popleft()
            submit()
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(write(chunk, parsed))
        if writing is not None:
            await writing
    finally:
        for _, future in parsing:
            future.cancel()
        if writing is not None and not writing.done():
            writing.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        # One transaction for the whole run: subagents or forks imported before the thread
        # they name are linked, and every file's new messages are indexed for search (each
        # file's transaction only recorded its id range in `fts_pending`).
        await store._session.write(_finish, bool(report.threads))
    return report


class WriteFailed(sqlite3.Error):
    """Writing one file failed with an error that is not SQLite's (a value sqlite3 cannot bind…)."""


def _write_files(conn: sqlite3.Connection, calls: list[tuple[Any, ...]]) -> list[list[bulk.WriteResult] | sqlite3.Error]:
    """A chunk's files in one write transaction, each inside its own SAVEPOINT.

    One commit (one WAL sync) per chunk instead of one per file; a file whose write fails is
    rolled back to its savepoint alone and gives its error in its place, and the others are
    committed. Only an error after which SQLite has already rolled the whole transaction back
    (a full disk, an I/O error) ends the chunk.
    """
    out: list[list[bulk.WriteResult] | sqlite3.Error] = []
    for args in calls:
        conn.execute("SAVEPOINT import_file")
        try:
            out.append(bulk.write_file(conn, *args))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            if not conn.in_transaction:
                raise
            conn.execute("ROLLBACK TO import_file")
            out.append(exc if isinstance(exc, sqlite3.Error) else WriteFailed(f"{type(exc).__name__}: {exc}"))
        conn.execute("RELEASE import_file")
    return out


def _finish(conn: sqlite3.Connection, link: bool) -> None:
    if link:
        bulk.link_pending(conn)
        # A subagent transcript with no prompt of its own is a warm-up (Claude Code 2.0 wrote
        # only the warm-up reply for those) unless a Task call spawned it; known only once linked.
        conn.execute(
            "UPDATE threads SET hidden = (parent_message_id IS NULL)"
            " WHERE metadata LIKE '%\"no_prompt\"%' AND json_extract(metadata, '$.no_prompt') = 1"
        )
    bulk.index_pending(conn)


PROCESS_THRESHOLD = 32_000_000
"""Bytes to parse from which parsing moves to a separate process."""
CHUNK_BYTES = 2_000_000
"""About how many bytes of files one parse task in the separate process reads."""
THREAD_CHUNK_BYTES = 1_000_000


@dataclass
class _Unit:
    """One file of an import run, from its stat to what writing it did."""

    path: Path
    format: str
    key: str | None = None
    """The resolved path, the `import_files` key; None when the file cannot be read."""
    size: int = 0
    stat: os.stat_result | None = None
    errors: list[LineError] = field(default_factory=list)
    job: ReadPlan | None = None
    """Where to read from; None when there is nothing new (or nothing to read)."""
    parsed: Any = None
    """(threads, record, errors, pending) from the parser, or the OSError it met."""
    written: Any = None
    """The bulk writer's results, or the sqlite3.Error it met."""


def _stat_files(files: list[SessionFile]) -> list[_Unit]:
    """Each file's resolved path and stat: one lstat per file and one realpath per folder."""
    folders: dict[str, str] = {}
    units = []
    for f in files:
        u = _Unit(f.path, f.format)
        units.append(u)
        text = str(f.path)
        try:
            st = os.lstat(text)
            if stat_module.S_ISLNK(st.st_mode):
                u.key = os.path.realpath(text)
                st = os.stat(u.key)
            else:
                parent, name = os.path.split(text)
                real = folders.get(parent)
                if real is None:
                    real = folders[parent] = os.path.realpath(parent or ".")
                u.key = os.path.join(real, name)
        except FileNotFoundError:
            u.key = None
            u.errors.append(LineError(text, 0, "no such file or folder"))
            continue
        except OSError as exc:
            u.key = None
            u.errors.append(LineError(text, 0, f"cannot read: {exc.strerror or exc}"))
            continue
        if not stat_module.S_ISREG(st.st_mode):
            # Only regular files: a FIFO would block the import and a device (a symlink to
            # /dev/zero named *.jsonl) would never end.
            u.key = None
            u.errors.append(LineError(text, 0, f"is {kind_of(st.st_mode)}, not a regular file; skipped"))
            continue
        u.stat = st
        u.size = st.st_size
    return units


def _plan_unit(u: _Unit, records: dict[str, Any]) -> None:
    """Where to read a file from (its `import_files` row); no job when nothing is new."""
    if u.key is None:
        return
    try:
        read_plan = plan(Path(u.key), records.get(u.key), u.format, u.stat, FORMATS[Source(u.format)].version)
    except OSError as exc:
        u.errors.append(LineError(str(u.path), 0, f"cannot read: {exc.strerror or exc}"))
        return
    if not read_plan.unchanged:
        u.job = read_plan


def _natural_key(u: _Unit) -> str | None:
    """The main thread's key a parser derives from the file's name alone (None: not keyed by name)."""
    natural = FORMATS[Source(u.format)].natural_key
    return natural(u.path) if natural is not None else None


def _saved_key(u: _Unit, row: tuple[Any, ...]) -> str | None:
    """The main thread's key an earlier import of this very file used (from its saved state)."""
    try:
        state = json.loads(row[5]) if row[5] else None
    except ValueError:
        return None
    field_name = FORMATS[Source(u.format)].state_key
    value = state.get(field_name) if isinstance(state, dict) and field_name else None
    return value if isinstance(value, str) else None


_SESSION_ID = re.compile(
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:)?"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|agent-[0-9a-f]+)"
)
"""A key that is an agent's own session id (a UUID; `agent-<hex>` for a subagent): unique
wherever the file lies, so a copy of the file in another folder is the same session."""


def _assign_thread_keys(units: list[_Unit], records: dict[str, Any]) -> None:
    """Threads are keyed by the file they come from, never by a file name alone.

    Claude Code and Codex name a session's file by its session id (a UUID): that id keys the
    thread wherever the file lies, so a copy elsewhere is the same session and adds nothing.
    Any other name (`a/session.jsonl`, `b/session.jsonl`, old transcripts) is qualified by
    the file's path, so two files are two threads. A file read before keeps the key it had
    (from its saved state when it is read again from the start).
    """
    for u in units:
        if u.job is None or u.key is None or u.job.state is not None:
            continue
        natural = _natural_key(u)
        if natural is None:
            continue
        row = records.get(u.key)
        saved = _saved_key(u, row) if row is not None and row[6] == u.format else None
        if saved is not None:
            if saved != natural:
                u.job.thread_key = saved
        elif _SESSION_ID.fullmatch(natural) is None:
            u.job.thread_key = f"{natural}@{u.key}"


async def _check_restarts(store: Any, units: list[_Unit]) -> None:
    """A file whose thread was deleted in Grove is read again from the start.

    Its saved state names messages that are gone; the thread comes back as the session grows.
    """
    keyed = [(u, u.format, u.job.state) for u in units if u.job is not None and u.job.state is not None]
    if not keyed:
        return
    exists = await store._session.read(_threads_exist, [(fmt, state) for _, fmt, state in keyed])
    for (u, _, _), found in zip(keyed, exists):
        if not found and u.job is not None:
            u.job.state, u.job.offset, u.job.line_count, u.job.head_hash = None, 0, 0, ""


def _chunks(units: list[_Unit], limit: int) -> list[list[_Unit]]:
    """Consecutive runs of files of about `limit` bytes to parse (files stay in order)."""
    chunks: list[list[_Unit]] = []
    current: list[_Unit] = []
    size = 0
    for u in units:
        current.append(u)
        if u.job is not None:
            size += max(0, u.size - u.job.offset)
        if size >= limit:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _report_unit(u: _Unit, report: ImportReport, seen: set[int]) -> None:
    """Add what importing one file did to the report (files are reported in order)."""
    report.errors += u.errors
    parsed = u.parsed
    if u.job is None or parsed is None:
        return
    if isinstance(parsed, OSError):
        report.errors.append(LineError(str(u.path), 0, f"cannot read: {parsed.strerror or parsed}"))
        return
    threads, record, errors, pending = parsed
    report.files += 1
    report.errors += errors
    report.pending += pending
    if isinstance(u.written, sqlite3.Error):
        report.errors.append(LineError(str(u.path), 0, f"could not be written: {u.written}"))
        return
    for r in u.written or ():
        if r.created or r.added or r.updated or r.head_moved:
            if r.thread_id not in seen:
                seen.add(r.thread_id)
                report.threads.append(r.thread_id)
            if r.created:
                report.created.append(r.thread_id)
        report.messages += r.added
        report.updated_messages += r.updated


def _process_pool() -> ProcessPoolExecutor | None:
    try:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, NotImplementedError, ValueError):
        return None


def _threads_exist(conn: sqlite3.Connection, keyed: list[tuple[str, dict[str, Any]]]) -> list[bool]:
    return [_thread_exists(conn, fmt, state) for fmt, state in keyed]


def _thread_exists(conn: sqlite3.Connection, fmt: str, state: dict[str, Any]) -> bool:
    """Whether every thread an earlier import of the file wrote is still there.

    A file that holds several threads (a Claude Code session with inline sidechains) names
    them in its state's `threads`; its main thread may never have been written (a file of
    sidechain entries only), so the main key alone would wrongly say "deleted".
    """
    field_name = FORMATS[Source(fmt)].state_key
    threads = state.get("threads")
    keys = list(threads) if isinstance(threads, dict) and threads else [state.get(field_name) if field_name else None]
    for key in keys:
        if not isinstance(key, str):
            return False
        row = conn.execute("SELECT 1 FROM threads WHERE source = ? AND source_key = ?", (fmt, key)).fetchone()
        if row is None:
            return False
    return True
