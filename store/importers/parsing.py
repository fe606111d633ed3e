"""Parsing one planned file into threads and its `import_files` record, self-contained so that
it can run on a worker thread or in another process (`parse_chunk`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic_core import from_json as fast_loads
from pydantic_core import to_json as fast_dumps

from .. import bulk
from ..rows import encode_json, encode_time
from ..sources import Source
from .lines import MAX_DOCUMENT_BYTES, TAIL_BYTES, LineError, LineReader, ReadPlan, decode_line, marks, read_bounded
from .memory import Recall
from .registry import FORMATS, Format, LineParser
from .values import (
    has_surrogate_escape,
    may_hold_unsafe_number,
    may_hold_unsafe_time,
    number_problem,
    rejected,
    safe_numbers,
    scrub_surrogates,
    unsafe_times,
)


def parse_chunk(jobs: list[tuple[Path, str, ReadPlan]]) -> list[Any]:
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


def _parse(
    path: Path, fmt: str, read_plan: Any, errors: list[LineError], pending: list[LineError]
) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
    form = FORMATS[Source(fmt)]
    if form.line_parser is None:
        return _parse_document(path, form, read_plan, errors)
    # The key of the file's main thread, when its name alone is not enough (see
    # _assign_thread_keys); a saved state already holds it.
    key = read_plan.thread_key if read_plan.state is None else None
    recall = Recall(read_plan.database, read_plan.path) if read_plan.database is not None else None
    try:
        parser = form.line_parser(path, read_plan.state, errors, thread_key=key, recall=recall)
        return _parse_lines(path, fmt, parser, read_plan, errors, pending)
    finally:
        if recall is not None:
            recall.close()


def _parse_lines(
    path: Path, fmt: str, parser: LineParser, read_plan: ReadPlan, errors: list[LineError], pending: list[LineError]
) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
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
    record.aliases = parser.aliases()
    record.forget_aliases = read_plan.state is None  # read from the start: what was kept is stale
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


def _parse_document(path: Path, form: Format, read_plan: Any, errors: list[LineError]) -> tuple[list[bulk.ParsedThread], bulk.FileRecord]:
    fmt = form.source
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
        parser_version=form.version,
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
    assert form.document_parser is not None
    threads = form.document_parser(path, doc, errors)
    rejected().clear()  # times parse_time refused here were reported by _storable above
    return threads, record
