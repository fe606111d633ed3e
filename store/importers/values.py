"""Values read from transcripts that SQLite or datetime cannot hold, and the one timestamp parser.

JSONL lines are not scanned for risky numbers (that would cost a tenth of an import's time):
their parsers read counts through `count_int` and times through `parse_time`, which note what
they refuse for the line being fed (`rejected`); whole-file documents are scanned once
(`may_hold_unsafe_number`, `safe_numbers`).
"""

from __future__ import annotations

import math
import re
import threading
from datetime import datetime, timezone
from typing import Any

MAX_SQLITE_INT = 2**63 - 1
_RISKY_NUMBER = re.compile(rb"[:\[,]\s*-?(?:\d{19}|NaN|Infinity|\d+(?:\.\d+)?[eE]\+?\d{3})")
"""A JSON number token (after `:`, `[` or `,`) that may decode to an int past SQLite's 64
bits or to a non-finite float: scanned for once per whole-file document (a match inside a
string only costs a needless walk). JSONL lines are not scanned (that would cost a tenth of
the import's time): their parsers read numbers through `count_int` and times through
`parse_time`, which note what they refuse for the line being fed (see `rejected`)."""
_RISKY_YEAR = re.compile(rb'"[+-]?(?:0001|9999)-')
"""A timestamp in year 1 or 9999: with a UTC offset it may fall outside datetime's range."""

_refusals = threading.local()


def rejected() -> list[str]:
    """This thread's list of values `count_int` and `parse_time` refused since it was last
    cleared: the line loop reports them as one problem of the line it just fed."""
    items: list[str] | None = getattr(_refusals, "items", None)
    if items is None:
        items = _refusals.items = []
    return items


def count_int(value: Any) -> int:
    """A count (tokens…) read from a line: an int (not a bool), else 0; one past SQLite's
    64 bits is clamped to its range and noted in `rejected`."""
    if not isinstance(value, int) or isinstance(value, bool):
        return 0
    if -MAX_SQLITE_INT - 1 <= value <= MAX_SQLITE_INT:
        return value
    clamped = MAX_SQLITE_INT if value > 0 else -MAX_SQLITE_INT - 1
    rejected().append(f"the number {_digits(value)} is out of range; counted as {clamped}")
    return clamped


def may_hold_unsafe_number(raw: bytes) -> bool:
    return _RISKY_NUMBER.search(raw) is not None


def safe_numbers(value: Any, found: list[str]) -> Any:
    """`value` with each int SQLite cannot hold clamped to its range and each NaN/Infinity
    replaced by None; what was changed is described in `found`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -MAX_SQLITE_INT - 1 <= value <= MAX_SQLITE_INT:
            return value
        clamped = MAX_SQLITE_INT if value > 0 else -MAX_SQLITE_INT - 1
        found.append(f"the number {_digits(value)} is out of range; stored as {clamped}")
        return clamped
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        found.append(f"the number {value} is not valid JSON; stored as null")
        return None
    if isinstance(value, dict):
        return {k: safe_numbers(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [safe_numbers(v, found) for v in value]
    return value


def _digits(value: int) -> str:
    text = str(value) if value.bit_length() < 4000 else f"{'-' if value < 0 else ''}with {value.bit_length()} bits"
    return text if len(text) <= 40 else text[:20] + "…" + text[-5:]


def number_problem(found: list[str]) -> str:
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return found[0] + more


def parse_time(value: Any) -> datetime | None:
    """The one timestamp parser of every importer: an ISO-8601 time (naive: UTC) or a number
    of seconds since the epoch (ChatGPT's), as an aware datetime Grove can store; None when it
    is not a time or is out of range (before year 1 or after 9999 once in UTC)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(float(value), timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        rejected().append(f"the time {value[:40]} is out of range (before year 1 or after 9999 in UTC); not used")
        return None
    return moment


def may_hold_unsafe_time(raw: bytes) -> bool:
    return _RISKY_YEAR.search(raw) is not None


def unsafe_times(value: Any, found: list[str]) -> None:
    """Describe in `found` each ISO time in `value` that falls outside datetime's range in UTC."""
    if isinstance(value, str):
        if value[:5].lstrip("+-") in ("0001-", "9999-") or value[:4] in ("0001", "9999"):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return
            if moment.tzinfo is not None and parse_time(value) is None:
                found.append(f"the time {value[:40]} is out of range (before year 1 or after 9999 in UTC); not used")
    elif isinstance(value, dict):
        for v in value.values():
            unsafe_times(v, found)
    elif isinstance(value, list):
        for v in value:
            unsafe_times(v, found)


# ---------------------------------------------------------------------- lone surrogates

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
