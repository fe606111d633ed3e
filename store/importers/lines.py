"""Reading a JSONL file from where the last import stopped, one line at a time.

`import_files` remembers per path: size, mtime (and mtime_ns), the byte offset and line
count read so far, a hash of the file's first bytes and one of the bytes just before the
offset (see `marks`). A file whose size, mtime_ns and offset are unchanged is not opened
again; a file that shrank, or whose head or the bytes before the offset changed, was
rewritten, so it is read from the start (the bulk writer's per-message keys keep that
idempotent). Only regular files are opened (`open_regular`): a FIFO or a device never is. A last line without
its newline is left for the next round unless it already parses as a complete JSON object.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..parsed import FileRecord

HEAD_BYTES = 4096
MAX_LINE_BYTES = 64 * 1024 * 1024
"""Lines longer than this are reported and skipped (a 10 MB tool result is imported)."""
READ_BLOCK = 8 * 1024 * 1024
MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024
"""A whole-file JSON document (ChatGPT export, Grove JSON) larger than this is refused."""
MAX_SIDECAR_BYTES = 1024 * 1024
"""A subagent's `agent-*.meta.json` larger than this is ignored (they are a few hundred bytes)."""


class NotRegularFile(OSError):
    """A path that is not a regular file (a FIFO, a device, a socket): never read."""


def open_regular(path: str | Path) -> Any:
    """Open a file for reading in binary, only if it is a regular file.

    Opened non-blocking and checked with fstat on the open descriptor, so a FIFO (whose
    open would wait for a writer forever) or a symlink to /dev/zero (endless bytes) is
    refused without blocking, whatever its name, even if it was swapped in after a stat.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_bounded(path: str | Path, limit: int) -> bytes | None:
    """The whole of a regular file, or None when it is larger than `limit` bytes."""
    with open_regular(path) as f:
        data: bytes = f.read(limit + 1)
    return None if len(data) > limit else data


PREVIEW_CHARS = 200


def preview(text: str) -> str:
    """What a tool result shows as its message `content`: its first line, at most 200 chars.

    The whole output stays in `data["tool_results"][i]["output"]`. Keeping it out of
    `content` keeps it out of the full-text index, where tool output (file dumps, logs) would
    be nine tenths of the bytes and most of the import time.
    """
    stripped = text.strip()
    if not stripped:
        return ""
    line = stripped.split("\n", 1)[0].rstrip()
    if len(line) > PREVIEW_CHARS:
        return line[: PREVIEW_CHARS - 1] + "…"
    return line if len(line) == len(stripped) else line + " …"


@dataclass
class LineError:
    """A line that could not be imported, and why."""

    file: str
    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass
class ReadPlan:
    """Where to start reading a file, with the parser state saved by the last import."""

    path: str
    size: int
    mtime: float
    offset: int = 0
    line_count: int = 0
    head_hash: str = ""
    state: dict[str, Any] | None = None
    unchanged: bool = False
    restarted: bool = False
    mtime_ns: int | None = None
    thread_key: str | None = None
    """The key of the file's main thread when its name alone is not enough (another file of
    the same name in another folder owns that key); None: the parser's own, from the name."""
    reparse: bool = False
    """Read again from the start because older importer rules read it: its threads are rebuilt."""
    version: int = 0
    """The version of the format's rules reading it now (`registry.Format.version`)."""
    database: str | None = None
    """The database file a line parser reads its older memory back from (`memory.Recall`);
    None for an in-memory database, whose parsers keep all of it in the saved state."""


def load_records(conn: sqlite3.Connection, paths: list[str]) -> dict[str, tuple[Any, ...]]:
    """The `import_files` rows of many paths at once, by path (run with `store._session.read`)."""
    found: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(paths), 500):
        chunk = paths[i : i + 500]
        rows = conn.execute(
            "SELECT path, size, mtime, offset, line_count, head_hash, state, format, parser_version FROM import_files"
            f" WHERE path IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for row in rows:
            found[row[0]] = row[1:]
    return found


def _head_hash(path: Path, length: int) -> str:
    with open_regular(path) as f:
        head = f.read(length)
    return f"{len(head)}:{hashlib.sha1(head).hexdigest()}"


TAIL_BYTES = 4096


def _tail_hash(path: Path | str, offset: int, length: int) -> str:
    """The hash of the `length` bytes before `offset`: what the next read resumes after."""
    with open_regular(path) as f:
        f.seek(max(0, offset - length))
        tail = f.read(min(length, offset))
    return _mark(tail)


def _mark(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha1(data).hexdigest()}"


def marks(head: str, tail: str, mtime_ns: int | None) -> str:
    """The `head_hash` column: the head's hash, the hash of the bytes before the offset, and
    the file's mtime in nanoseconds (the REAL `mtime` column cannot hold it exactly)."""
    return f"{head}|{tail}|{'' if mtime_ns is None else mtime_ns}"


def split_marks(text: Any) -> tuple[str, str, int | None]:
    """The inverse of `marks`; a row from before them has only the head's hash."""
    parts = str(text or "").split("|")
    tail = parts[1] if len(parts) > 1 else ""
    ns = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    return parts[0], tail, ns


def _mark_length(mark: str) -> int:
    try:
        return int(mark.split(":", 1)[0])
    except ValueError:
        return 0


def plan(path: Path, row: tuple[Any, ...] | None, fmt: str, st: os.stat_result | None = None, version: int = 0) -> ReadPlan:
    """Decide where to read `path` from, given its stored `import_files` row (and its stat).

    Unchanged (not opened) only when size, mtime_ns and offset all match. Otherwise the file
    is read from the start unless both its first bytes and the bytes just before the saved
    offset are what was read last time (a same-size rewrite of the last line is noticed).
    """
    if st is None:
        st = path.stat()
    p = ReadPlan(str(path), st.st_size, st.st_mtime, mtime_ns=st.st_mtime_ns, version=version)
    if row is None:
        return p
    size, mtime, offset, line_count, head_hash, state, old_fmt, old_version = row
    head_mark, tail_mark, stored_ns = split_marks(head_hash)
    if old_fmt != fmt:
        p.restarted = True
        return p
    if old_version < version:
        p.restarted = p.reparse = True
        return p
    same_time = stored_ns == st.st_mtime_ns if stored_ns is not None else mtime == st.st_mtime
    if size == st.st_size and same_time and offset == st.st_size:
        p.unchanged = True
        p.offset, p.line_count, p.head_hash = offset, line_count, head_mark
        return p
    if st.st_size < offset:
        p.restarted = True
        return p
    length = _mark_length(head_mark)
    if length and _head_hash(path, length) != head_mark:
        p.restarted = True
        return p
    tail_length = _mark_length(tail_mark)
    if tail_length and _tail_hash(path, offset, tail_length) != tail_mark:
        p.restarted = True
        return p
    p.offset, p.line_count, p.head_hash = offset, line_count, head_mark
    p.state = json.loads(state) if state else None
    if offset == st.st_size:
        p.unchanged = True
    return p


@dataclass
class LineReader:
    """Iterate (line number, raw bytes) of the complete lines after `plan.offset`."""

    plan: ReadPlan
    offset: int = 0
    line_count: int = 0
    pending: list[LineError] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    _head: bytes | None = None
    """The file's first bytes, when this round read it from the start."""

    def __post_init__(self) -> None:
        self.offset = self.plan.offset
        self.line_count = self.plan.line_count

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        # The file is read in large blocks and split on b"\n" (what iterating a binary file
        # does, without a Python-level readline per line). Lines are yielded without their
        # newline.
        path = self.plan.path
        with open_regular(path) as f:
            continuation = False
            if self.offset > 0:
                # The last round ended on a complete line that had no newline yet: its
                # newline arrives first now, and is not a line of its own.
                f.seek(self.offset - 1)
                continuation = f.read(1) != b"\n"
            else:
                self._head = b""
            f.seek(self.offset)
            carried: list[bytes] = []  # the start of a line that continues in the next block
            carried_bytes = 0
            skipping = 0  # bytes of an over-long line being skipped (not kept in memory)
            while True:
                block = f.read(READ_BLOCK)
                if self._head == b"" and block:
                    self._head = block[:HEAD_BYTES]
                if not block:
                    break
                if skipping:
                    end = block.find(b"\n")
                    if end < 0:
                        skipping += len(block)
                        self.offset += len(block)
                        continue
                    skipping += end + 1
                    self.offset += end + 1
                    self.line_count += 1
                    self.errors.append(
                        LineError(path, self.line_count, f"line is {skipping // 1_000_000} MB, over the limit; skipped")
                    )
                    skipping = 0
                    block = block[end + 1 :]
                    if not block:
                        continue
                if b"\n" not in block:
                    carried.append(block)
                    carried_bytes += len(block)
                    if carried_bytes > MAX_LINE_BYTES:
                        # One line past the bound: skip to its end without holding it.
                        skipping = carried_bytes
                        self.offset += carried_bytes
                        carried, carried_bytes = [], 0
                    continue
                if carried:
                    carried.append(block)
                    block = b"".join(carried)
                parts = block.split(b"\n")
                last = parts.pop()
                carried = [last] if last else []
                carried_bytes = len(last)
                for part in parts:
                    size = len(part) + 1
                    if continuation:
                        continuation = False
                        if not part or part == b"\r":
                            self.offset += size
                            continue
                    number = self.line_count + 1
                    self.offset += size
                    self.line_count = number
                    if size > MAX_LINE_BYTES:
                        self.errors.append(LineError(path, number, f"line is {size // 1_000_000} MB, over the limit; skipped"))
                        continue
                    if not part or part.isspace():
                        continue
                    yield number, part
            if skipping:
                # An over-long last line without its newline: reported, and read past.
                self.line_count += 1
                self.errors.append(
                    LineError(path, self.line_count, f"line is {skipping // 1_000_000} MB, over the limit; skipped")
                )
                return
            rest = b"".join(carried)
            if rest:
                # The last line has no newline: the writer may still be writing it, so it
                # is left for next time unless it is already a complete JSON object.
                number = self.line_count + 1
                if not rest.strip():
                    self.offset += len(rest)
                    return
                try:
                    complete = isinstance(json.loads(rest), dict)
                except ValueError:
                    complete = False
                if not complete:
                    self.pending.append(LineError(path, number, "incomplete last line (no newline yet); left for the next import"))
                    return
                self.offset += len(rest)
                self.line_count = number
                if len(rest) > MAX_LINE_BYTES:
                    self.errors.append(LineError(path, number, f"line is {len(rest) // 1_000_000} MB, over the limit; skipped"))
                    return
                yield number, rest

    def record(self, fmt: str, state: dict[str, Any] | None) -> FileRecord:
        """The `import_files` row to store once this round is written."""
        head_hash = self.plan.head_hash
        if not head_hash or int(head_hash.split(":", 1)[0]) < HEAD_BYTES:
            length = min(HEAD_BYTES, self.offset)
            if self._head is not None and len(self._head) >= length:
                head = self._head[:length]
                head_hash = f"{len(head)}:{hashlib.sha1(head).hexdigest()}"
            else:
                head_hash = _head_hash(Path(self.plan.path), length)
        tail = _tail_hash(self.plan.path, self.offset, TAIL_BYTES) if self.offset else _mark(b"")
        return FileRecord(
            path=self.plan.path,
            format=fmt,
            size=self.plan.size if self.offset <= self.plan.size else self.offset,
            mtime=self.plan.mtime,
            offset=self.offset,
            line_count=self.line_count,
            head_hash=marks(head_hash, tail, self.plan.mtime_ns),
            state=state,
            parser_version=self.plan.version,
        )


def decode_line(raw: bytes, path: str, number: int, errors: list[LineError]) -> dict[str, Any] | None:
    """The JSON object on a line, or None with the reason recorded."""
    try:
        obj = json.loads(raw)
    except UnicodeDecodeError as exc:
        errors.append(LineError(path, number, f"invalid UTF-8 at byte {exc.start}"))
        return None
    except ValueError as exc:
        errors.append(LineError(path, number, f"invalid JSON ({exc.args[0] if exc.args else exc})"))
        return None
    except RecursionError:
        errors.append(LineError(path, number, "JSON nested too deeply"))
        return None
    if not isinstance(obj, dict):
        errors.append(LineError(path, number, f"not a JSON object (a {type(obj).__name__})"))
        return None
    return obj
