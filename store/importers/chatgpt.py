"""ChatGPT exports (`conversations.json`: a list of conversations, or one conversation).

Each conversation's `mapping` is a tree of nodes (`parent`/`children`); `current_node` is
the leaf the user last saw. System messages, hidden ones (`is_visually_hidden_from_conversation`)
and empty ones are skipped, and their children are re-parented to the nearest kept
ancestor. Node ids are the message keys, so importing a newer export of the same
conversation adds only the new nodes.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..parsed import ParsedMessage, ParsedThread
from ..sources import Source
from .lines import LineError
from .values import parse_time

SOURCE = Source.CHATGPT


def _time(value: Any) -> datetime | None:
    """ChatGPT's times are seconds since the epoch: a string is not one of its times."""
    return None if isinstance(value, str) else parse_time(value)


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if not isinstance(content, dict):
        return ""
    parts = content.get("parts")
    if isinstance(parts, list):
        texts = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    texts.append(part["text"])
                elif part.get("content_type") == "image_asset_pointer":
                    texts.append("[image]")
        return "\n".join(t for t in texts if t)
    if isinstance(content.get("text"), str):
        return content["text"]
    return ""


def _hidden(message: dict[str, Any]) -> bool:
    meta = message.get("metadata")
    return isinstance(meta, dict) and bool(meta.get("is_visually_hidden_from_conversation"))


def parse_document(path: Path, doc: Any, errors: list[LineError]) -> list[ParsedThread]:
    """Threads from a parsed conversations.json."""
    conversations = doc if isinstance(doc, list) else [doc]
    out: list[ParsedThread] = []
    for index, conv in enumerate(conversations):
        if not isinstance(conv, dict) or not isinstance(conv.get("mapping"), dict):
            errors.append(LineError(str(path), 0, f"conversation #{index + 1} has no mapping; skipped"))
            continue
        parsed = _conversation(path, index, conv, errors)
        if parsed is not None:
            out.append(parsed)
    return out


def _conversation(path: Path, index: int, conv: dict[str, Any], errors: list[LineError]) -> ParsedThread | None:
    mapping: dict[str, Any] = conv["mapping"]
    conv_id = conv.get("id") or conv.get("conversation_id") or f"{path.name}#{index}"
    fallback = _time(conv.get("create_time")) or datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    kept: dict[str, ParsedMessage] = {}
    order: list[ParsedMessage] = []
    visited: set[str] = set()

    def nearest_kept(node_id: Any) -> str | None:
        seen: set[Any] = set()
        while isinstance(node_id, str) and node_id not in seen:
            seen.add(node_id)
            if node_id in kept:
                return node_id
            node = mapping.get(node_id)
            node_id = node.get("parent") if isinstance(node, dict) else None
        return None

    # Walk from the roots, parents before children, never looping.
    roots = [k for k, n in mapping.items() if isinstance(n, dict) and (n.get("parent") is None or n.get("parent") not in mapping)]
    stack = list(reversed(roots))
    last_time = fallback
    while stack:
        node_id = stack.pop()
        if node_id in visited:
            continue
        visited.add(node_id)
        node = mapping.get(node_id)
        if not isinstance(node, dict):
            continue
        message = node.get("message")
        if isinstance(message, dict):
            author = found if isinstance(found := message.get("author"), dict) else {}
            role = author.get("role")
            text = _content(message)
            if role in ("user", "assistant", "tool") and text.strip() and not _hidden(message):
                moment = _time(message.get("create_time")) or last_time
                last_time = moment
                data: dict[str, Any] = {"node_id": node_id}
                meta = found_meta if isinstance(found_meta := message.get("metadata"), dict) else {}
                if isinstance(meta.get("model_slug"), str):
                    data["model"] = meta["model_slug"]
                if role == "tool" and isinstance(author.get("name"), str):
                    data["tool_name"] = author["name"]
                parent = nearest_kept(node.get("parent"))
                pm = ParsedMessage(node_id, parent, role, text, moment, data)
                kept[node_id] = pm
                order.append(pm)
        children = kids if isinstance(kids := node.get("children"), list) else []
        for child in reversed(children):
            if isinstance(child, str) and child in mapping:
                stack.append(child)
    missing = [k for k, n in mapping.items() if k not in visited]
    if missing:
        errors.append(LineError(str(path), 0, f"conversation {conv_id}: {len(missing)} nodes in a parent loop; skipped"))
    if not order:
        return None
    leaf = nearest_kept(conv.get("current_node"))
    title = conv.get("title") if isinstance(conv.get("title"), str) else None
    return ParsedThread(
        source=SOURCE,
        source_key=str(conv_id),
        messages=order,
        title=title,
        metadata={"conversation_id": str(conv_id), "file": str(path)},
        created_at=_time(conv.get("create_time")) or order[0].created_at,
        updated_at=_time(conv.get("update_time")) or max(m.created_at for m in order),
        leaf_key=leaf,
        archived_at=_time(conv.get("update_time")) if conv.get("is_archived") is True else None,
    )
