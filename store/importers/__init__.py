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

Each file is parsed off the event loop (a worker thread; a separate process once an import
is over 32 MB, so that parsing and writing use both cores), then written in one
transaction by `store.bulk.write_file` together with its `import_files` row. Bad input never
stops an import: each problem is an `ImportReport.errors` entry (file, line, reason), and an
incomplete last line is listed in `ImportReport.pending` and read next time.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import bulk
from ..rows import encode_json, encode_time
from . import chatgpt, claude_code, codex, grove_json
from .lines import LineError, LineReader, decode_line, load_record, load_records, plan

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
    """Session files in `~/.claude/projects` and `~/.codex/sessions` (under `home`)."""
    base = Path(home).expanduser() if home is not None else Path.home()
    found: list[SessionFile] = []
    claude = base / ".claude" / "projects"
    if claude.is_dir():
        found += _claude_files(claude)
    codex_dir = base / ".codex" / "sessions"
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
            with open(path, "rb") as f:
                head = f.read(4096)
        except OSError:
            return "chatgpt"
        return "grove" if b'"grove"' in head and b'"format"' in head else "chatgpt"
    if name.startswith("rollout-"):
        return "codex"
    try:
        with open(path, "rb") as f:
            first = f.readline(65536)
        obj = json.loads(first)
        if isinstance(obj, dict) and obj.get("type") in ("session_meta", "response_item", "event_msg", "turn_context"):
            return "codex"
    except (OSError, ValueError):
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
        raise ValueError(f"Unknown format {format!r}; use auto, {', '.join(FORMATS)}.")
    files = discover_sessions() if paths is None else expand_paths(paths, format)
    report = ImportReport()
    sizes = [_size(f.path) for f in files]
    total = sum(sizes)
    done = 0
    # A pipeline: file i+1 is parsed while file i's transaction runs. A big import parses in
    # a separate process (a real second core, and no GIL contention with the writer); a
    # small one on a worker thread.
    pool = _process_pool() if total >= PROCESS_THRESHOLD and len(files) > 1 else None
    window = 2 if pool is not None else 1
    parsing: deque[asyncio.Future[_Prepared | None]] = deque()
    writing: asyncio.Future[None] | None = None

    async def write_oldest() -> None:
        nonlocal writing
        prepared = await parsing.popleft()
        if writing is not None:
            await writing
            writing = None
        if prepared is not None:
            writing = asyncio.ensure_future(_commit(store, prepared, report))

    # Every file's `import_files` row in one read, not one hop per file.
    records = await store.run_read(load_records, [str(f.path.resolve()) for f in files]) if len(files) > 1 else None
    try:
        for f, size in zip(files, sizes):
            if not f.path.exists():
                report.errors.append(LineError(str(f.path), 0, "no such file or folder"))
                continue
            job = await _plan_job(store, f.path, f.format, report, records)
            if job is not None:
                parsing.append(asyncio.ensure_future(_run_job(job, pool, report)))
            while len(parsing) >= window:
                await write_oldest()
            done += size
            if on_progress is not None:
                on_progress(done, total, str(f.path))
        while parsing:
            await write_oldest()
        if writing is not None:
            await writing
    finally:
        for future in parsing:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        # One transaction for the whole run: subagents or forks imported before the thread
        # they name are linked, and every file's new messages are indexed for search (each
        # file's transaction only recorded its id range in `fts_pending`).
        await store.run_write(_finish, bool(report.threads))
    return report


def _finish(conn: sqlite3.Connection, link: bool) -> None:
    if link:
        bulk.link_pending(conn)
    bulk.index_pending(conn)


PROCESS_THRESHOLD = 32_000_000
"""Bytes to import from which parsing moves to a separate process."""

_Prepared = tuple[Path, list[bulk.ParsedThread], bulk.FileRecord]


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


async def import_file(store: Any, path: Path, fmt: str, report: ImportReport) -> None:
    """Import one file (its new lines) in one transaction."""
    job = await _plan_job(store, path, fmt, report)
    if job is None:
        return
    prepared = await _run_job(job, None, report)
    if prepared is not None:
        await _commit(store, prepared, report)
        await store.run_write(_finish, False)


async def _plan_job(
    store: Any, path: Path, fmt: str, report: ImportReport, records: dict[str, Any] | None = None
) -> tuple[Path, str, Any] | None:
    """Where to read a file from (its `import_files` row); None when nothing is new."""
    key = str(path.resolve())
    row = records.get(key) if records is not None else await store.run_read(load_record, key)
    try:
        read_plan = plan(path.resolve(), row, fmt)
    except OSError as exc:
        report.errors.append(LineError(str(path), 0, f"cannot read: {exc.strerror or exc}"))
        return None
    if read_plan.unchanged:
        return None
    if read_plan.state is not None and not await store.run_read(_thread_exists, fmt, read_plan.state):
        # Its thread was deleted in Grove: the saved state names messages that are gone, so
        # the file is read again from the start (the thread comes back as the session grows).
        read_plan.state, read_plan.offset, read_plan.line_count, read_plan.head_hash = None, 0, 0, ""
    return path, fmt, read_plan


async def _run_job(job: tuple[Path, str, Any], pool: ProcessPoolExecutor | None, report: ImportReport) -> _Prepared | None:
    """Parse a planned file on a worker thread or in the pool's process."""
    path, fmt, read_plan = job
    loop = asyncio.get_running_loop()
    try:
        threads, record, errors, pending = await loop.run_in_executor(pool, _parse_job, path, fmt, read_plan)
    except OSError as exc:
        report.errors.append(LineError(str(path), 0, f"cannot read: {exc.strerror or exc}"))
        return None
    report.files += 1
    report.errors += errors
    report.pending += pending
    if record.offset == 0 and record.line_count == 0 and not threads and record.size == 0:
        report.errors.append(LineError(str(path), 0, "empty file"))
    return path, threads, record


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


async def _commit(store: Any, prepared: _Prepared, report: ImportReport) -> None:
    """Write a parsed file in one transaction and add what it did to the report."""
    path, threads, record = prepared
    try:
        results = await store.run_write(bulk.write_file, threads, record, encode_time(store.now()), True)
    except sqlite3.Error as exc:
        report.errors.append(LineError(str(path), 0, f"could not be written: {exc}"))
        return
    for r in results:
        if r.created or r.added or r.updated or r.head_moved:
            if r.thread_id not in report.threads:
                report.threads.append(r.thread_id)
            if r.created and r.thread_id not in report.created:
                report.created.append(r.thread_id)
        report.messages += r.added
        report.updated_messages += r.updated


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
    else:
        parser = claude_code.ClaudeCodeParser(path, read_plan.state, errors)
    reader = LineReader(read_plan)
    name = str(path)
    feed = parser.feed
    for number, raw in reader:
        obj = decode_line(raw, name, number, errors)
        if obj is not None:
            try:
                feed(number, obj)
            except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
                errors.append(LineError(name, number, f"unexpected shape ({type(exc).__name__}: {exc})"))
    errors += reader.errors
    pending += reader.pending
    threads = parser.finish()
    for thread in threads:
        for message in thread.messages:
            message.data_json = encode_json(message.data)
            message.data = {}  # encoded once; not carried twice across a process boundary
    return threads, reader.record(fmt, parser.state())


def _parse_document(path: Path, fmt: str, read_plan: Any, errors: list[LineError]) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
    raw = Path(read_plan.path).read_bytes()
    record = bulk.FileRecord(
        path=read_plan.path, format=fmt, size=len(raw), mtime=read_plan.mtime, offset=len(raw), line_count=raw.count(b"\n"), head_hash="0:", state=None
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
    module = grove_json if fmt == "grove" else chatgpt
    return module.parse_document(path, doc, errors), record
