"""Importing transcripts from other tools into the store.

The public entry points, for the CLI, the app's import screen and a future `grove watch`:

- `await import_paths(store, paths, *, format="auto", on_progress=None) -> ImportReport`
  imports files and folders (a Claude Code session file, a project folder or the whole
  projects tree, Codex rollouts, a ChatGPT `conversations.json`, a Grove JSON export).
  Calling it again on the same paths adds only what was appended since (each JSONL file's
  read offset and parser state are kept in `import_files`), so a follower can simply call it
  whenever a file changes. `on_progress(done_bytes, total_bytes, path)` is called after each
  file.
- `discover_sessions(home=None) -> list[SessionFile]` finds the session files in the
  standard places (`~/.claude/projects`, `~/.codex/sessions`).

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
import hashlib
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

from pydantic_core import from_json as fast_loads
from pydantic_core import to_json as fast_dumps

from .. import bulk
from ..errors import InvalidValue
from ..rows import encode_json, encode_time
from . import chatgpt, claude_code, codex, grove_json
from .lines import (
    MAX_DOCUMENT_BYTES,
    TAIL_BYTES,
    PARSER_VERSIONS,
    LineError,
    LineReader,
    ReadPlan,
    decode_line,
    kind_of,
    open_regular,
    read_bounded,
    has_surrogate_escape,
    load_records,
    marks,
    may_hold_unsafe_number,
    may_hold_unsafe_time,
    number_problem,
    plan,
    rejected,
    safe_numbers,
    scrub_surrogates,
    unsafe_times,
)

FORMATS = ("claude-code", "codex", "chatgpt", "grove")

ProgressCallback = Callable[[int, int, str], None]

__all__ = ["FORMATS", "ImportReport", "LineError", "SessionFile", "detect_format", "discover_sessions", "expand_paths", "import_paths"]


@dataclass
class SessionFile:
    """A file to import and its format."""

    path: Path
    format: str


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


def discover_sessions(home: Path | str | None = None) -> list[SessionFile]:
    """Session files in `~/.claude/projects` and `~/.codex/sessions` (under `home`).

    Without `home`, the agents' own settings decide, as they do for `grove resume`:
    `$CLAUDE_CONFIG_DIR/projects` and `$CODEX_HOME/sessions` when set.
    """
    from ..exporters.claude_code import claude_dir
    from ..exporters.codex import codex_home

    base = Path(home).expanduser() if home is not None else None
    found: list[SessionFile] = []
    claude = (base / ".claude" if base is not None else claude_dir()) / "projects"
    if claude.is_dir():
        found += _claude_files(claude)
    codex_dir = (base / ".codex" if base is not None else codex_home()) / "sessions"
    if codex_dir.is_dir():
        found += [SessionFile(p, "codex") for p in sorted(codex_dir.rglob("rollout-*.jsonl")) if p.is_file()]
    return found


def _claude_files(folder: Path) -> list[SessionFile]:
    files = [p for p in folder.rglob("*.jsonl") if p.is_file()]
    # Sessions before their subagents, so a child finds its parent thread at once.
    files.sort(key=lambda p: (p.stem.startswith("agent-"), str(p)))
    return [SessionFile(p, "claude-code") for p in files]


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and first bytes."""
    name = path.name
    if name.endswith(".json"):
        try:
            with open_regular(path) as f:  # never a FIFO or a device (see open_regular)
                head = f.read(4096)
        except OSError:
            return "chatgpt"
        return "grove" if b'"grove"' in head and b'"format"' in head else "chatgpt"
    if name.startswith("rollout-"):
        return "codex"
    try:
        with open_regular(path) as f:
            first = f.readline(65536)
        obj = json.loads(first)
        if isinstance(obj, dict) and obj.get("type") in ("session_meta", "response_item", "event_msg", "turn_context"):
            return "codex"
    except (OSError, ValueError, RecursionError):  # a first line nested 100,000 deep: not Codex
        pass
    return "claude-code"


def expand_paths(paths: Iterable[Path | str], format: str = "auto") -> list[SessionFile]:
    """The files to import for the given files and folders."""
    out: list[SessionFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            if format in ("auto", "claude-code"):
                jsonl = [p for p in path.rglob("*.jsonl") if p.is_file()]
                codex_files = [p for p in jsonl if format == "auto" and detect_format(p) == "codex"]
                rest = [p for p in jsonl if p not in set(codex_files)]
                rest.sort(key=lambda p: (p.stem.startswith("agent-"), str(p)))
                out += [SessionFile(p, "claude-code") for p in rest]
                out += [SessionFile(p, "codex") for p in sorted(codex_files)]
            elif format == "codex":
                out += [SessionFile(p, "codex") for p in sorted(path.rglob("*.jsonl")) if p.is_file()]
            if format in ("auto", "chatgpt", "grove"):
                for p in sorted(path.rglob("*.json")):
                    if p.name.endswith(".meta.json") or not p.is_file():
                        continue
                    fmt = detect_format(p) if format == "auto" else format
                    # In a folder, only files that look like exports (not every JSON file around).
                    if format == "auto" and fmt == "chatgpt" and not p.name.startswith("conversations"):
                        continue
                    out.append(SessionFile(p, fmt))
        else:
            out.append(SessionFile(path, detect_format(path) if format == "auto" else format))
    seen: set[Path] = set()
    unique = []
    for f in out:
        if f.path not in seen:
            seen.add(f.path)
            unique.append(f)
    return unique


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
    for u in units:
        _plan_unit(u, records)
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
            parsing.append((chunk, loop.run_in_executor(pool, _parse_chunk, jobs)))

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
        written = await store._session.writes(_write_file, calls) if calls else []
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


def _write_file(conn: sqlite3.Connection, *args: Any) -> list[bulk.WriteResult]:
    """`bulk.write_file`, where any failure rolls back that file alone and is reported for it.

    `run_writes` gives an `sqlite3.Error` in the file's place and goes on with the other
    files; anything else would abort the whole run, so it is raised as one (`WriteFailed`).
    """
    try:
        return bulk.write_file(conn, *args)
    except sqlite3.Error:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        raise WriteFailed(f"{type(exc).__name__}: {exc}") from exc


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
        read_plan = plan(Path(u.key), records.get(u.key), u.format, u.stat)
    except OSError as exc:
        u.errors.append(LineError(str(u.path), 0, f"cannot read: {exc.strerror or exc}"))
        return
    if not read_plan.unchanged:
        u.job = read_plan


def _natural_key(u: _Unit) -> str | None:
    """The main thread's key a parser derives from the file's name alone (None: not keyed by name)."""
    if u.format == "claude-code":
        return claude_code.session_of(u.path)[0]
    if u.format == "codex":
        match = codex._UUID.search(u.path.stem)
        return match.group(1) if match else u.path.stem
    return None


def _saved_key(u: _Unit, row: tuple[Any, ...]) -> str | None:
    """The main thread's key an earlier import of this very file used (from its saved state)."""
    try:
        state = json.loads(row[5]) if row[5] else None
    except ValueError:
        return None
    value = state.get("main" if u.format == "claude-code" else "key") if isinstance(state, dict) else None
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _parse_chunk(jobs: list[tuple[Path, str, ReadPlan]]) -> list[Any]:
    """Parse a few planned files (on a worker thread or in the pool's process)."""
    out: list[Any] = []
    for path, fmt, read_plan in jobs:
        try:
            out.append(_parse_job(path, fmt, read_plan))
        except OSError as exc:
            out.append(exc)
    return out


def _parse_job(
    path: Path, fmt: str, read_plan: Any
) -> tuple[list[bulk.ParsedThread], bulk.FileRecord, list[LineError], list[LineError]]:
    """The whole parse of one file, self-contained so that it can run in another process."""
    errors: list[LineError] = []
    pending: list[LineError] = []
    threads, record = _parse(path, fmt, read_plan, errors, pending)
    for e in errors:
        e.file = str(path)
    for e in pending:
        e.file = str(path)
    return threads, record, errors, pending


def _threads_exist(conn: sqlite3.Connection, keyed: list[tuple[str, dict[str, Any]]]) -> list[bool]:
    return [_thread_exists(conn, fmt, state) for fmt, state in keyed]


def _thread_exists(conn: sqlite3.Connection, fmt: str, state: dict[str, Any]) -> bool:
    key = state.get("main") if fmt == "claude-code" else state.get("key")
    if not isinstance(key, str):
        return False
    row = conn.execute("SELECT 1 FROM threads WHERE source = ? AND source_key = ?", (fmt, key)).fetchone()
    return row is not None


def _parse(
    path: Path, fmt: str, read_plan: Any, errors: list[LineError], pending: list[LineError]
) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
    if fmt in ("chatgpt", "grove"):
        return _parse_document(path, fmt, read_plan, errors)
    parser: Any
    if fmt == "codex":
        parser = codex.CodexParser(path, read_plan.state, errors)
        if read_plan.thread_key is not None and read_plan.state is None:
            parser.s["key"] = read_plan.thread_key  # see _assign_thread_keys
    else:
        parser = claude_code.ClaudeCodeParser(path, read_plan.state, errors)
        if read_plan.thread_key is not None and read_plan.state is None:
            parser.s["main"] = read_plan.thread_key
    reader = LineReader(read_plan)
    name = str(path)
    feed = parser.feed
    refused = rejected()  # what count_int/parse_time refuse while a line is fed
    refused.clear()
    for number, raw in reader:
        # pydantic_core's JSON parser is about twice as fast as json.loads and gives the
        # same objects; whatever it refuses (invalid JSON or UTF-8, a BOM, lone surrogates,
        # deep nesting) goes through json.loads, which decides and words the error.
        try:
            obj = fast_loads(raw, cache_strings="keys")
        except ValueError:
            obj = decode_line(raw, name, number, errors)
            if obj is None:
                continue
        if obj.__class__ is not dict:
            decode_line(raw, name, number, errors)  # "not a JSON object"
            continue
        try:
            if has_surrogate_escape(raw):
                obj = scrub_surrogates(obj)  # lone surrogates: U+FFFD (see scrub_surrogates)
            feed(number, obj)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            errors.append(LineError(name, number, f"unexpected shape ({type(exc).__name__}: {exc})"))
        if refused:
            # A count past SQLite's range (clamped) or a time out of range (not used).
            errors.append(LineError(name, number, number_problem(list(dict.fromkeys(refused)))))
            refused.clear()
    errors += reader.errors
    pending += reader.pending
    threads = parser.finish()
    refused.clear()  # finish() re-reads times already reported with their lines
    for thread in threads:
        thread.reread = read_plan.restarted
        thread.rebuild = read_plan.reparse
        # Flattened here (data and times encoded) so the writer only inserts tuples.
        thread.rows = [
            (m.key, m.parent_key, m.role, m.content, encode_data(m.data), m.status, encode_time(m.created_at))
            for m in thread.messages
        ]
        thread.messages = []
    record = reader.record(fmt, parser.state())
    if record.state is not None:
        # Kept as JSON (the parser's whole state: a map of every uuid seen, …), encoded here.
        try:
            record.state_json = fast_dumps(record.state).decode()
        except Exception:  # noqa: BLE001 - any refusal: the standard encoder decides
            record.state_json = json.dumps(record.state, separators=(",", ":"))
        record.state = None
    return threads, record


def _storable(obj: Any, name: str, number: int, errors: list[LineError]) -> Any:
    """`obj` with the numbers SQLite cannot hold clamped (or nulled), and one problem for
    the line naming them and any timestamp out of range (the parsers skip those)."""
    found: list[str] = []
    obj = safe_numbers(obj, found)
    unsafe_times(obj, found)
    if found:
        errors.append(LineError(name, number, number_problem(found)))
    return obj


def encode_data(value: dict[str, Any]) -> str | None:
    """`encode_json` of a message's data, three times faster: pydantic_core writes the same
    JSON text (floats may spell their exponent without a '+' or leading 0); what it refuses
    (a lone surrogate) goes through json.dumps."""
    if not value:
        return None
    try:
        # NaN/Infinity are not JSON: null (the standard encoder below does the same).
        return fast_dumps(value, inf_nan_mode="null").decode()
    except Exception:  # noqa: BLE001 - any refusal: the standard encoder decides
        return encode_json(value)


def _parse_document(path: Path, fmt: str, read_plan: Any, errors: list[LineError]) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
    bounded = read_bounded(read_plan.path, MAX_DOCUMENT_BYTES)
    if bounded is None:
        errors.append(
            LineError(str(path), 0, f"larger than {MAX_DOCUMENT_BYTES // 2**20} MB, more than one JSON document may take; skipped")
        )
        return [], bulk.FileRecord(
            path=read_plan.path, format=fmt, size=read_plan.size, mtime=read_plan.mtime, offset=read_plan.size, line_count=0, head_hash="0:", state=None
        )
    raw = bounded
    record = bulk.FileRecord(
        path=read_plan.path,
        format=fmt,
        size=len(raw),
        mtime=read_plan.mtime,
        offset=len(raw),
        line_count=raw.count(b"\n"),
        # No head to compare (a document is read whole), but its last bytes and mtime_ns
        # are, so a same-size rewrite is read again.
        head_hash=marks("0:", f"{min(len(raw), TAIL_BYTES)}:{hashlib.sha1(raw[-TAIL_BYTES:] if raw else b'').hexdigest()}", read_plan.mtime_ns),
        state=None,
        parser_version=PARSER_VERSIONS.get(fmt, 0),
    )
    if not raw.strip():
        return [], record
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.append(LineError(str(path), line, f"invalid UTF-8 at byte {exc.start}"))
        return [], record
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        errors.append(LineError(str(path), line, f"invalid JSON ({getattr(exc, 'msg', exc)})"))
        return [], record
    except RecursionError:
        errors.append(LineError(str(path), 0, "JSON nested too deeply"))
        return [], record
    if has_surrogate_escape(raw):
        try:
            doc = scrub_surrogates(doc)
        except RecursionError:
            errors.append(LineError(str(path), 0, "JSON nested too deeply"))
            return [], record
    if may_hold_unsafe_number(raw) or may_hold_unsafe_time(raw):
        try:
            doc = _storable(doc, str(path), 0, errors)
        except RecursionError:
            errors.append(LineError(str(path), 0, "JSON nested too deeply"))
            return [], record
    module = grove_json if fmt == "grove" else chatgpt
    threads = module.parse_document(path, doc, errors)
    rejected().clear()  # times parse_time refused here were reported by _storable above
    return threads, record
