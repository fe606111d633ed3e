"""Argument checks at the Store's boundary: a caller's mistake becomes a StoreError with
a sentence, never a raw OverflowError, UnicodeEncodeError, TypeError or IntegrityError
from deep inside sqlite3 or json."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from .errors import InvalidOperation, NotFound
from .models import CheckpointKind, Role, ThreadStatus

# SQLite integers are signed 64-bit; Python ints past this overflow when bound.
MAX_SQLITE_INT = 2**63 - 1


def check_id(value: Any, what: str) -> int:
    """A row id: a whole number (not a bool, not text); one SQLite cannot hold is NotFound."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOperation(f"A {what} id must be a whole number, not {value!r}.")
    if not 0 < value <= MAX_SQLITE_INT:
        raise NotFound(f"There is no {what} {value}.")
    return value


def check_optional_id(value: Any, what: str) -> int | None:
    return None if value is None else check_id(value, what)


def check_count(value: Any, what: str) -> int:
    """A limit or offset: a whole number, clamped to what SQLite can hold (negative: 0)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOperation(f"`{what}` must be a whole number, not {value!r}.")
    return min(max(0, value), MAX_SQLITE_INT)


def check_text(value: Any, what: str, *, optional: bool = False) -> Any:
    """Text SQLite can store: a str that is valid Unicode (no lone surrogate)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InvalidOperation(f"The {what} must be text, not {type(value).__name__}.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidOperation(
            f"The {what} is not valid Unicode (a lone surrogate at character {exc.start}); fix the text and retry."
        ) from None
    return value


def check_json_object(value: Any, what: str) -> dict[str, Any] | None:
    """A JSON object we can store: a dict of JSON values, text valid Unicode.

    Non-finite numbers (NaN, Infinity) are not JSON: they are stored as null.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidOperation(f"`{what}` must be a JSON object (a dict), not {type(value).__name__}.")
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        return value
    except ValueError as exc:
        if isinstance(exc, UnicodeEncodeError):
            raise InvalidOperation(f"`{what}` holds text that is not valid Unicode (a lone surrogate).") from None
        if "Circular" in str(exc):
            raise InvalidOperation(f"`{what}` refers to itself; give plain JSON values.") from None
        cleaned = finite_json(value)
        return check_json_object(cleaned, what)
    except TypeError as exc:
        raise InvalidOperation(f"`{what}` must hold only JSON values: {exc}.") from None
    except RecursionError:
        raise InvalidOperation(f"`{what}` is nested too deeply to store.") from None


def finite_json(value: Any) -> Any:
    """`value` with every NaN/Infinity replaced by None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value


def check_time(moment: Any, what: str) -> None:
    """An aware datetime whose UTC form is a real date (not before year 1 or after 9999)."""
    if moment is None:
        return
    if not isinstance(moment, datetime):
        raise InvalidOperation(f"Give `{what}` as a datetime.")
    if moment.tzinfo is None:
        raise InvalidOperation(f"Give `{what}` as a timezone-aware time.")
    try:
        moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise InvalidOperation(f"`{what}` ({moment.isoformat()}) is out of range: in UTC it falls before year 1 or after 9999.") from None


def check_thread_status(status: ThreadStatus | str) -> ThreadStatus:
    """A ThreadStatus from its value; an unknown one is InvalidOperation naming the valid ones."""
    try:
        return ThreadStatus(status)
    except ValueError:
        names = ", ".join(s.value for s in ThreadStatus)
        raise InvalidOperation(f"Unknown thread status {status!r}; use one of {names}.") from None


def check_role(role: Role | str) -> str:
    """A role's value; an unknown one is InvalidOperation."""
    try:
        return Role(role).value
    except ValueError:
        raise InvalidOperation(f"Unknown role {role!r}; use user, assistant, system or tool.") from None


def check_message(role: Role | str, content: Any) -> str:
    """The role's value for a new message whose content is text, and not blank from a user."""
    role_value = check_role(role)
    if not isinstance(content, str):
        raise InvalidOperation("Message content must be text.")
    if role_value == Role.USER.value and not content.strip():
        raise InvalidOperation("A user message cannot be blank; write something to send.")
    check_text(content, "message content")
    return role_value


def check_step(step: Any) -> None:
    """A step between siblings: a whole number, not 0."""
    if isinstance(step, bool) or not isinstance(step, int) or step == 0:
        raise InvalidOperation("Give a step of +1 (next sibling) or -1 (previous sibling).")


def check_rewind_target(to: Any, by: Any, before: Any) -> int | None:
    """Exactly one of `to` (a message id), `by` (1 or more) or `before` (an aware time);
    `by` as the transaction takes it: at most what SQLite can hold."""
    if sum(x is not None for x in (to, by, before)) != 1:
        raise InvalidOperation("Say where to rewind to: give exactly one of to, by or before.")
    check_optional_id(to, "message")
    if by is not None and (isinstance(by, bool) or not isinstance(by, int) or by < 1):
        raise InvalidOperation("Rewind by a whole number of messages, 1 or more.")
    if by is not None:
        by = min(by, MAX_SQLITE_INT)  # more than any path holds: back to the root
    check_time(before, "before")
    return by


def check_checkpoint_name(name: Any) -> str:
    """A checkpoint name as the store keeps it: text, stripped (save, look-up and restore
    all strip it the same way, so " v1 " finds "v1"). Blank is the caller's to refuse."""
    return str(check_text(name or "", "checkpoint name")).strip()


def check_checkpoint_kind(kind: CheckpointKind | str) -> str:
    """A checkpoint kind's value; an unknown one is InvalidOperation."""
    try:
        return CheckpointKind(kind).value
    except ValueError:
        raise InvalidOperation(f"Unknown checkpoint kind {kind!r}; use manual, auto or imported.") from None
