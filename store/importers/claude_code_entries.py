"""What one Claude Code entry says: its role, text and data (`read_entry`), slash commands and
bash-mode entries, prompt titles, and a subagent's description from its sidecar file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .lines import MAX_SIDECAR_BYTES, LineError, preview, read_bounded
from .values import scrub_surrogates

TITLE_CHARS = 80
_SYSTEM_NOISE = {"stop_hook_summary", "turn_duration", "away_summary", "bridge_status", "api_error"}

Entry = tuple[str, str, dict[str, Any], "str | None"]
"""(role, content, data, API message id) of a conversational entry."""


def _text_of(value: Any) -> str:
    """Plain text from a tool_result's content (a string or a list of blocks)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for block in value:
            if isinstance(block, dict):
                if block.get("type") == "text" and isinstance(block.get("text"), str):
                    parts.append(block["text"])
                elif block.get("type") == "image":
                    parts.append("[image]")
            elif isinstance(block, str):
                parts.append(block)
        return "\n".join(parts)
    return ""


def read_entry(kind: Any, obj: dict[str, Any], number: int, name: str, errors: list[LineError]) -> Entry | None:
    """(role, content, data, message id) of a conversational entry; None for structure."""
    if kind == "system":
        subtype = obj.get("subtype")
        if subtype == "compact_boundary":
            meta = found if isinstance(found := obj.get("compactMetadata"), dict) else {}
            data: dict[str, Any] = {"kind": "compact_boundary"}
            if meta.get("trigger"):
                data["trigger"] = meta["trigger"]
            if meta.get("preTokens"):
                data["pre_tokens"] = meta["preTokens"]
            content = text if isinstance(text := obj.get("content"), str) else "Conversation compacted"
            return "system", content, data, None
        if subtype in _SYSTEM_NOISE:
            return None
        notice = obj.get("content")
        if not isinstance(notice, str) or not notice.strip():
            return None
        return "system", notice, {"kind": subtype or "notice"}, None
    if kind not in ("user", "assistant"):
        return None
    msg = obj.get("message")
    if not isinstance(msg, dict):
        errors.append(LineError(name, number, f"the {kind} entry's message is not an object; skipped"))
        return None
    raw = msg.get("content")
    texts: list[str] = []
    data = {}
    tool_calls: list[dict[str, Any]] = []
    tool_results: list[dict[str, Any]] = []
    thinking: list[str] = []
    if isinstance(raw, str):
        texts.append(raw)
    elif isinstance(raw, list):
        for block in raw:
            if isinstance(block, str):
                texts.append(block)
                continue
            if not isinstance(block, dict):
                continue
            btype = block.get("type")
            if btype == "text":
                if isinstance(block.get("text"), str):
                    texts.append(block["text"])
            elif btype == "tool_use":
                tool_calls.append({"id": block.get("id"), "name": block.get("name"), "input": block.get("input")})
            elif btype == "tool_result":
                text = _text_of(block.get("content"))
                result: dict[str, Any] = {"tool_use_id": block.get("tool_use_id"), "output": text}
                if block.get("is_error"):
                    result["is_error"] = True
                tool_results.append(result)
                texts.append(preview(text))
            elif btype == "thinking":
                if isinstance(block.get("thinking"), str) and block["thinking"]:
                    thinking.append(block["thinking"])
            elif btype == "image":
                texts.append("[image]")
    content = "\n\n".join(t for t in texts if t) if not tool_results else "\n".join(texts)
    if not content.strip() and not tool_calls and not tool_results and not thinking:
        return None
    msgid = msg.get("id") if isinstance(msg.get("id"), str) else None
    if kind == "assistant":
        role = "assistant"
        if isinstance(msg.get("model"), str):
            data["model"] = msg["model"]
        if isinstance(msg.get("usage"), dict):
            data["usage"] = msg["usage"]
        if msgid:
            data["message_id"] = msgid
        if obj.get("isApiErrorMessage"):
            data["api_error"] = True
    else:
        role = "tool" if tool_results else "user"
        if obj.get("isCompactSummary"):
            role, data["kind"] = "system", "compact_summary"
        elif obj.get("isMeta") or _is_caveat(content):
            role, data["kind"] = "system", "meta"
            content = _CAVEAT_TAG.sub("", content).strip() or content
        elif not tool_results and (said := _command_of(content)) is not None:
            data["kind"] = "command"
            data["command"] = said
            # Readable text for search and first words; the tags stay out of sight.
            content = command_text(said) or content
        use_result = obj.get("toolUseResult")
        if isinstance(use_result, dict) and isinstance(use_result.get("agentId"), str):
            data["agent_id"] = use_result["agentId"]
    if tool_calls:
        data["tool_calls"] = tool_calls
    if tool_results:
        data["tool_results"] = tool_results
    if thinking:
        data["thinking"] = "\n\n".join(thinking)
    if obj.get("isSidechain"):
        data["sidechain"] = True
    return role, content, data, msgid


_COMMAND = re.compile(r"<command-name>\s*([^<]*?)\s*</command-name>")
_COMMAND_ARGS = re.compile(r"<command-args>(.*?)</command-args>", re.DOTALL)
_BASH_INPUT = re.compile(r"\A\s*<bash-input>(.*?)</bash-input>\s*\Z", re.DOTALL)
# What a slash command or a bash-mode command printed, each in its own entry.
_OUTPUT_TAGS = re.compile(r"<(local-command-stdout|local-command-stderr|bash-stdout|bash-stderr)>(.*?)</\1>", re.DOTALL)
_ONLY_OUTPUT = re.compile(
    r"\A\s*(?:<(local-command-stdout|local-command-stderr|bash-stdout|bash-stderr)>.*?</\1>\s*)+\Z", re.DOTALL
)


_CAVEAT_TAG = re.compile(r"</?local-command-caveat>")


def command_text(said: dict[str, str]) -> str:
    """A command as plain text: `/doctor args`, then what it printed."""
    line = " ".join(part for part in (said.get("name", ""), said.get("args", "")) if part)
    return "\n".join(part for part in (line, said.get("output", "")) if part)


def _is_caveat(text: str) -> bool:
    """Claude Code's note before local command output ("Caveat: The messages below were …")."""
    stripped = text.lstrip()
    return stripped.startswith(("<local-command-caveat>", "Caveat: The messages below were generated by the user"))


def _command_of(text: str) -> dict[str, str] | None:
    """The slash command, bash-mode entry or command output a user entry records, or None."""
    if (name := _COMMAND.search(text)) is not None:
        args = _COMMAND_ARGS.search(text)
        said = {"name": name.group(1)}
        if args and args.group(1).strip():
            said["args"] = args.group(1).strip()
        return said
    if (bash := _BASH_INPUT.match(text)) is not None:
        return {"name": "!", "args": bash.group(1).strip()}
    if _ONLY_OUTPUT.match(text):
        parts = [body.strip() for _, body in _OUTPUT_TAGS.findall(text)]
        return {"output": "\n".join(p for p in parts if p)}
    return None


# A tag block Claude Code puts before (or instead of) the typed words: an IDE selection,
# a system reminder, a slash command's name/args/output.
_LEADING_TAG_BLOCK = re.compile(r"\A\s*<([A-Za-z][\w-]*)>.*?</\1>\s*", re.DOTALL)


def prompt_title(text: str) -> str | None:
    """The first line of what was typed (80 chars), after leading tag blocks; None for commands,
    caveats and other noise."""
    stripped = text
    while (block := _LEADING_TAG_BLOCK.match(stripped)) is not None:
        stripped = stripped[block.end():]
    stripped = stripped.strip()
    if not stripped or stripped.startswith(("[Request interrupted", "Caveat:", "<", "/")):
        return None
    return stripped.splitlines()[0][:TITLE_CHARS]


def agent_description(path: Path) -> str | None:
    meta = path.with_name(path.stem + ".meta.json")
    try:
        raw = read_bounded(meta, MAX_SIDECAR_BYTES)  # never a FIFO, /dev/zero or a huge file
        data = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    description = data.get("description")
    agent_type = data.get("agentType")
    if isinstance(description, str) and description:
        title = f"{agent_type}: {description}" if isinstance(agent_type, str) and agent_type else description
        return scrub_surrogates(title)  # a lone surrogate would fail the write (see there)
    return None

