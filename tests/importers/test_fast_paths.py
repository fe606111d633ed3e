"""The import's fast paths give what the plain ones gave.

- lines are parsed with pydantic_core.from_json, and anything it refuses goes through
  json.loads, which decides and words the error exactly as before;
- a message's data and the parser's state are written with pydantic_core.to_json, with
  json.dumps for what it refuses;
- JSONL files are read in large blocks split on newlines: a line across a block boundary,
  a CRLF ending, a blank or an incomplete last line read as they did line by line.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.importers import encode_data, import_paths, lines

from .helpers import CLAUDE, Clock, assert_invariants

TRICKY = [
    b'{"type":"user","bom":1}',
    b"\xef\xbb\xbf" + b'{"type":"summary","summary":"with a BOM"}',
    b'{"type":"progress","uuid":"u-1","note":"lone \\ud800 surrogate (never stored)"}',
    b'{"type":"summary","summary":"raw\tcontrol"}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":"\xff"}',
    b'{"a":1} trailing',
    b"[1, 2]",
    b'"just a string"',
    b'{"a":NaN,"b":1e400,"c":12345678901234567890123}',
    b"",
]


def _refuse(raw: bytes, **_: object) -> object:
    raise ValueError("refused")


async def test_lines_import_as_json_loads_alone_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.importers import parsing as importers

    tricky = tmp_path / "tricky.jsonl"
    tricky.write_bytes(b"\n".join(TRICKY[:-1]) + b"\n" + (CLAUDE / "dag_simple.jsonl").read_bytes())
    files = [*sorted(CLAUDE.glob("*.jsonl")), tricky]
    fast = await _import_all(tmp_path / "fast.db", files)
    monkeypatch.setattr(importers, "fast_loads", _refuse)  # every line through json.loads
    plain = await _import_all(tmp_path / "plain.db", files)
    assert fast == plain
    reasons = [reason for name, _, reason in fast[1] if name == "tricky.jsonl"]
    assert "invalid UTF-8 at byte 6" in reasons and "not a JSON object (a list)" in reasons


def test_data_is_encoded_as_json_dumps_would() -> None:
    from store.rows import encode_json

    for value in (
        {},
        {"a": "é\u2028\x00", "b": [1, 2.5, None, True], "c": {"d": "e"}},
        {"surrogate": "\ud800"},
        {"big": 10**30, "nan": float("nan")},
    ):
        got = encode_data(value)
        want = encode_json(value)
        assert (got is None) == (want is None)
        if got is not None:
            assert got.replace("NaN", "null") == want.replace("NaN", "null") or json.loads(got) == json.loads(want)


async def _import_all(db: Path, paths: list[Path]) -> tuple[list[tuple[object, ...]], list[tuple[str, int, str]]]:
    async with Store.open(db, clock=Clock()) as store:
        report = await import_paths(store, paths)
        await assert_invariants(store)

        def dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
            return conn.execute(
                "SELECT source_key, role, content, data, created_at, depth, child_count FROM messages ORDER BY id"
            ).fetchall()

        rows = await store._session.read(dump)
    return rows, [(Path(e.file).name, e.line, e.reason) for e in report.errors]


async def test_tiny_read_blocks_read_the_same_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(CLAUDE.glob("*.jsonl"))
    # CRLF endings, blank lines and an over-the-block line, plus a last line still being written
    odd = tmp_path / "odd.jsonl"
    body = b"".join(line.rstrip(b"\n") + b"\r\n" for line in (CLAUDE / "dag_simple.jsonl").read_bytes().splitlines(True))
    odd.write_bytes(b"\n  \n" + body + b'{"type":"user","message":{"role":"user","content":"cut')
    files.append(odd)
    normal = await _import_all(tmp_path / "a.db", files)
    monkeypatch.setattr(lines, "READ_BLOCK", 7)
    tiny = await _import_all(tmp_path / "b.db", files)
    assert tiny == normal
    assert normal[0]


async def test_a_line_finished_later_is_read_once_across_rounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lines, "READ_BLOCK", 5)
    source = (CLAUDE / "dag_simple.jsonl").read_bytes().splitlines(True)
    path = tmp_path / "s.jsonl"
    async with Store.open(tmp_path / "g.db", clock=Clock()) as store:
        added = 0
        path.write_bytes(source[0] + source[1][:10])
        report = await import_paths(store, [path])
        added += report.messages
        assert [e.reason for e in report.pending] == ["incomplete last line (no newline yet); left for the next import"]
        path.write_bytes(b"".join(source))
        report = await import_paths(store, [path])
        added += report.messages
        assert report.errors == [] and report.pending == []
    fresh_rows, _ = await _import_all(tmp_path / "fresh.db", [path])
    assert added == len(fresh_rows)
