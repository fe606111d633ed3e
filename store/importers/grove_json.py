"""Grove JSON: the full-fidelity export (`grove export --format json`), read back.

The document holds one thread (or a list of them under "threads"): every message of every
branch keyed by a stable key, checkpoints, the timeline of events and the lineage. Importing
it into an empty database gives the same tree, head, checkpoints and events (plus one
`imported` event); importing it again adds nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..models import EventKind
from ..parsed import ParsedCheckpoint, ParsedEvent, ParsedMessage, ParsedThread
from ..sources import Source
from .lines import LineError
from .values import parse_time

FORMAT = Source.GROVE
_EVENT_KINDS = {k.value for k in EventKind}
VERSION = 1


_time = parse_time  # the importers' one timestamp parser

def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _choice(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def parse_document(path: Path, doc: Any, errors: list[LineError]) -> list[ParsedThread]:
    """Threads from a parsed Grove JSON document."""
    if isinstance(doc, dict) and isinstance(doc.get("threads"), list):
        docs = doc["threads"]
    elif isinstance(doc, list):
        docs = doc
    else:
        docs = [doc]
    out = []
    for index, item in enumerate(docs):
        if not isinstance(item, dict) or item.get("format") != FORMAT or not isinstance(item.get("thread"), dict):
            errors.append(LineError(str(path), 0, f"document #{index + 1} is not a Grove JSON thread export; skipped"))
            continue
        parsed = parse_thread(path, item, errors)
        if parsed is not None:
            out.append(parsed)
    return out


def parse_thread(path: Path, doc: dict[str, Any], errors: list[LineError]) -> ParsedThread | None:
    thread = doc["thread"]
    key = thread.get("key")
    if not isinstance(key, str) or not key:
        errors.append(LineError(str(path), 0, "the thread has no key; skipped"))
        return None
    fallback = _time(thread.get("created_at")) or datetime.now(timezone.utc)
    messages: list[ParsedMessage] = []
    known: set[str] = set()
    for index, m in enumerate(doc.get("messages") or []):
        if not isinstance(m, dict) or not isinstance(m.get("key"), str) or m.get("role") not in ("user", "assistant", "system", "tool"):
            errors.append(LineError(str(path), 0, f"message #{index + 1} is malformed; skipped"))
            continue
        parent = _str(m.get("parent_key"))
        if parent is not None and parent not in known:
            errors.append(LineError(str(path), 0, f"message {m['key']}: parent {parent} not found before it; made a root"))
            parent = None
        known.add(m["key"])
        messages.append(
            ParsedMessage(
                key=m["key"],
                parent_key=parent,
                role=m["role"],
                content=_str(m.get("content")) or "",
                created_at=_time(m.get("created_at")) or fallback,
                data=_dict(m.get("data")),
                status=_choice(m.get("status"), ("queued", "streaming", "completed", "failed"), "completed"),
            )
        )
    checkpoints = [
        ParsedCheckpoint(
            name=c["name"],
            message_key=c["message_key"],
            kind=_choice(c.get("kind"), ("manual", "auto", "imported"), "imported"),
            note=_str(c.get("note")),
            state=_dict(c.get("state")),
            created_at=_time(c.get("created_at")) or fallback,
        )
        for c in doc.get("checkpoints") or []
        if isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("message_key"), str)
    ]
    events = [
        ParsedEvent(
            seq=e["seq"],
            kind=e["kind"],
            message_key=_str(e.get("message_key")),
            from_leaf_key=_str(e.get("from_leaf_key")),
            to_leaf_key=_str(e.get("to_leaf_key")),
            data=_dict(e.get("data")),
            created_at=_time(e.get("created_at")) or fallback,
            data_keys={k: _str(v) for k, v in _dict(e.get("data_keys")).items() if isinstance(k, str)},
            data_thread_keys={k: _str(v) for k, v in _dict(e.get("data_thread_keys")).items() if isinstance(k, str)},
        )
        for e in doc.get("events") or []
        if isinstance(e, dict) and isinstance(e.get("seq"), int) and e.get("kind") in _EVENT_KINDS
    ]
    lineage = _dict(doc.get("lineage"))
    parent_link = _dict(lineage.get("parent"))
    fork_link = _dict(lineage.get("forked_from"))
    status = thread.get("status")
    return ParsedThread(
        source=thread.get("source") if isinstance(thread.get("source"), str) else Source.GROVE,
        source_key=key,
        messages=messages,
        title=thread.get("title") if isinstance(thread.get("title"), str) else None,
        project=thread.get("project") if isinstance(thread.get("project"), str) else None,
        status=status if status in ("idle", "running", "waiting", "completed", "failed", "cancelled") else "idle",
        metadata=thread.get("metadata") if isinstance(thread.get("metadata"), dict) else {},
        created_at=_time(thread.get("created_at")),
        updated_at=_time(thread.get("updated_at")),
        leaf_key=thread.get("current_leaf_key") if isinstance(thread.get("current_leaf_key"), str) else None,
        input_tokens=thread.get("input_tokens") if isinstance(thread.get("input_tokens"), int) else None,
        output_tokens=thread.get("output_tokens") if isinstance(thread.get("output_tokens"), int) else None,
        cost_usd=thread.get("cost_usd") if isinstance(thread.get("cost_usd"), (int, float)) else None,
        parent_thread_key=_str(parent_link.get("thread_key")),
        parent_message_key=_str(parent_link.get("message_key")),
        forked_from_thread_key=_str(fork_link.get("thread_key")),
        forked_from_message_key=_str(fork_link.get("message_key")),
        checkpoints=checkpoints,
        events=events,
        archived_at=_time(thread.get("archived_at")),
        import_data={"file": str(path)},
    )
