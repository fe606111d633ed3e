"""Reading a JSONL file from where the last import stopped, one line at a time.

`import_files` remembers per path: size, mtime, the byte offset and line count read so
far, and a hash of the file's first bytes. A file whose size and mtime are unchanged is not
opened again; a file that shrank or whose head changed was rewritten, so it is read from
the start (the bulk writer's per-message keys keep that idempotent). A last line without
its newline is left for the next round unless it already parses as a complete JSON object.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bulk import FileRecord

HEAD_BYTES = 4096
MAX_LINE_BYTES = 64 * 1024 * 1024
READ_BLOCK = 8 * 1024 * 1024
"""Lines longer than this are reported and skipped (a 10 MB tool result is imported)."""


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


#: The version of each importer's rules. Raise it when a change alters what an already imported
#: file becomes (its tree, kinds, titles): each file read by an older version is read again on the
#: next import and its threads rebuilt (`bulk.ParsedThread.rebuild`).
#: claude-code 1: commands, bash mode and caveats linearised, not branches (issue 8).
#: codex 1: reasoning summaries written as kind `thinking` (was `reasoning`).
PARSER_VERSIONS = {"claude-code": 1, "codex": 1, "chatgpt": 0, "grove": 0}


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
    reparse: bool = False
    """Read again from the start because older importer rules read it: its threads are rebuilt."""


def load_record(conn: sqlite3.Connection, path: str) -> tuple[Any, ...] | None:
    """The `import_files` row of a path (run with `Store.run_read`)."""
    return conn.execute(
        "SELECT size, mtime, offset, line_count, head_hash, state, format, parser_version FROM import_files"
        " WHERE path = ?", (path,)
    ).fetchone()


def load_records(conn: sqlite3.Connection, paths: list[str]) -> dict[str, tuple[Any, ...]]:
    """The `import_files` rows of many paths at once, by path (run with `Store.run_read`)."""
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
    with open(path, "rb") as f:
        head = f.read(length)
    return f"{len(head)}:{hashlib.sha1(head).hexdigest()}"


def plan(path: Path, row: tuple[Any, ...] | None, fmt: str, st: os.stat_result | None = None) -> ReadPlan:
    """Decide where to read `path` from, given its stored `import_files` row (and its stat)."""
    if st is None:
        st = path.stat()
    p = ReadPlan(str(path), st.st_size, st.st_mtime)
    if row is None:
        return p
    size, mtime, offset, line_count, head_hash, state, old_fmt, version = row
    if old_fmt != fmt:
        p.restarted = True
        return p
    if version < PARSER_VERSIONS.get(fmt, 0):
        p.restarted = p.reparse = True
        return p
    if size == st.st_size and mtime == st.st_mtime and offset == st.st_size:
        p.unchanged = True
        p.offset, p.line_count, p.head_hash = offset, line_count, head_hash
        return p
    if st.st_size < offset:
        p.restarted = True
        return p
    try:
        length = int(str(head_hash).split(":", 1)[0])
    except ValueError:
        length = 0
    if length and _head_hash(path, length) != head_hash:
        p.restarted = True
        return p
    p.offset, p.line_count, p.head_hash = offset, line_count, head_hash
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
        with open(path, "rb") as f:
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
            while True:
                block = f.read(READ_BLOCK)
                if self._head == b"" and block:
                    self._head = block[:HEAD_BYTES]
                if not block:
                    break
                if b"\n" not in block:
                    carried.append(block)
                    continue
                if carried:
                    carried.append(block)
                    block = b"".join(carried)
                parts = block.split(b"\n")
                last = parts.pop()
                carried = [last] if last else []
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
        return FileRecord(
            path=self.plan.path,
            format=fmt,
            size=self.plan.size if self.offset <= self.plan.size else self.offset,
            mtime=self.plan.mtime,
            offset=self.offset,
            line_count=self.line_count,
            head_hash=head_hash,
            state=state,
            parser_version=PARSER_VERSIONS.get(fmt, 0),
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


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A JSON `\\ud800`..`\\udfff` escape in raw bytes (may also match an escaped backslash
followed by "ud8..": that only costs a needless scrub)."""
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def has_surrogate_escape(raw: bytes) -> bool:
    """Whether raw JSON may decode to a string with a lone surrogate (cheap; rarely true)."""
    return b"\\u" in raw and _SURROGATE_ESCAPE.search(raw) is not None


def scrub_surrogates(value: Any) -> Any:
    """`value` with each lone UTF-16 surrogate in its strings (keys too) replaced by U+FFFD.

    JSON allows a `\\ud800` escape with no pair (a truncated emoji, fuzzed input), and
    json.loads returns it as a lone surrogate, which is no valid UTF-8: sqlite3 refuses to
    bind it (UnicodeEncodeError) and the whole file's transaction would fail. U+FFFD keeps
    the rest of the text readable and searchable, the way invalid bytes are shown elsewhere.
    A valid pair (`\\ud83d\\ude00`) was already joined into one character by the decoder.
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    return value


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
