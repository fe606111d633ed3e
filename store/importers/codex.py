"""Codex rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).

A rollout is a flat log: `session_meta`, `turn_context`, `response_item` (messages,
reasoning, function and custom tool calls and their outputs), `event_msg` (user and agent
messages, token counts, `thread_rolled_back`, collaboration events) and `compacted`. Each
message becomes a child of the previous one. `thread_rolled_back {num_turns}` moves the
attachment point back before the last N user turns, so what follows starts a new branch
and the dropped turns stay as an abandoned one. Reasoning keeps only its summary, never
`encrypted_content`. The same message often appears twice (an `event_msg` and a
`response_item`); the second copy is dropped. Unknown record types are skipped.

A subagent rollout (`session_meta.source.subagent.thread_spawn.parent_thread_id`) or a
forked one (`forked_from_id`) is linked to its parent thread; the prefix it copied from the
parent (records older than its own `session_meta`) is not imported twice.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..parsed import ParsedMessage, ParsedThread
from ..payloads import MessageKind
from ..sources import Source
from .lines import LineError, preview
from .memory import AliasRow, Recall
from .values import count_int, parse_time, scrub_surrogates

SOURCE = Source.CODEX
TITLE_CHARS = 80
# Blocks Codex puts at the top of the first user message; they are context, not what was typed.
_LEADING_BLOCK = re.compile(
    r"\A\s*(?:<(environment_context|user_instructions)>.*?</\1>|# AGENTS\.md instructions.*?</INSTRUCTIONS>)\s*",
    re.DOTALL,
)

_IDE_FILES = "# Files mentioned by the user:"
_IDE_REQUEST = "## My request for Codex:"


def _typed_title(content: str) -> str | None:
    """First line of what the person typed, after Codex's context blocks; None if nothing is left."""
    text = content
    while (match := _LEADING_BLOCK.match(text)) is not None:
        text = text[match.end():]
    # The IDE extension lists the files it attached, then "## My request for Codex:".
    if text.lstrip().startswith(_IDE_FILES) and _IDE_REQUEST in text:
        text = text.split(_IDE_REQUEST, 1)[1]
    text = text.strip()
    return text.splitlines()[0][:TITLE_CHARS] if text else None
_UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_CONTEXT_PREFIXES = ("<environment_context>", "<user_instructions>", "# AGENTS.md", "<permissions", "<INSTRUCTIONS>")


CALL_WINDOW = 64
"""Tool call ids the saved state remembers, for a spawn event written in a later round."""
_parse_time = parse_time  # also None for a time outside datetime's range (see values.parse_time)


def natural_key(path: Path) -> str:
    """The thread's key from the rollout's name: the session id it ends with, else the stem."""
    match = _UUID.search(path.stem)
    return match.group(1) if match else path.stem


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                parts.append(block["text"])
            elif isinstance(block, str):
                parts.append(block)
        return "\n".join(parts)
    if content is None:
        return ""
    return json.dumps(content, ensure_ascii=False)


class CodexParser:
    """Feeds rollout records one at a time."""

    format = SOURCE

    def __init__(
        self,
        path: Path,
        state: dict[str, Any] | None,
        errors: list[LineError],
        *,
        thread_key: str | None = None,
        recall: Recall | None = None,
    ) -> None:
        self.path = path
        self.name = str(path)
        self.errors = errors
        self.s = state or {
            "key": thread_key or natural_key(path),
            "tail": None,
            "turns": [],
            "last_role": {},
            "tokens": [0, 0],
            "meta": {},
            "cutoff": None,
            "first_ts": None,
            "last_ts": None,
            "title": None,
            "parent": None,
            "forked_from": None,
        }
        if "parents" in self.s:
            # Saved by an older Grove: every message's parent. Only the user turns' are needed.
            parents = self.s.pop("parents")
            self.s["turns"] = [[key, parents.get(key)] for key in self.s["turns"]]
        self.calls: dict[str, str] = self.s.setdefault("calls", {})
        """Tool call id → its message (the recent ones: a spawn event follows its call closely)."""
        self.patches: dict[str, dict[str, Any]] = {}
        """Changes to the data of messages an earlier round wrote (a spawn, a late token count)."""
        self.new: list[ParsedMessage] = []
        self.updates: dict[str, ParsedMessage] = {}
        self.by_key: dict[str, ParsedMessage] = {}
        self.lines = 0
        self.first_line: int | None = None
        self.last_line: int | None = None

    def state(self) -> dict[str, Any]:
        """The tail, each user turn with its parent (for a rollback), titles and totals: a rollout's
        lines only ever name the previous message, so nothing older is kept."""
        tail = self.s["tail"]
        known = self.by_key[tail].data if tail in self.by_key else self.patches.get(tail)
        if known is not None:
            # The tail's usage as this file counted it: a token count in a later round adds to it.
            self.s["tail_usage"] = {"key": tail, "usage": known.get("usage")}
        calls = self.s["calls"]
        if len(calls) > CALL_WINDOW:
            self.s["calls"] = dict(list(calls.items())[-CALL_WINDOW:])
        return self.s

    def aliases(self) -> list[AliasRow]:
        return []

    def feed(self, number: int, obj: dict[str, Any]) -> None:
        self.lines += 1
        self.first_line = self.first_line or number
        self.last_line = number
        kind = obj.get("type")
        payload = obj.get("payload")
        if not isinstance(payload, dict):
            if kind in ("session_meta", "response_item", "event_msg", "turn_context", "compacted"):
                self.errors.append(LineError(self.name, number, f"{kind} record without a payload object; skipped"))
            return
        moment = _parse_time(obj.get("timestamp"))
        stamp = obj.get("timestamp") if moment is not None else self.s["last_ts"]
        if moment is None:
            moment = _parse_time(self.s["last_ts"]) or datetime.fromtimestamp(self.path.stat().st_mtime, timezone.utc)
        if kind == "session_meta":
            self._session_meta(payload, stamp)
            return
        cutoff = self.s["cutoff"]
        if cutoff is not None and stamp is not None and stamp < cutoff:
            return  # the prefix copied from the parent rollout
        if stamp is not None:
            self.s["first_ts"] = self.s["first_ts"] or stamp
            self.s["last_ts"] = max(self.s["last_ts"] or stamp, stamp)
        if kind == "turn_context":
            for name in ("model", "cwd"):
                if isinstance(payload.get(name), str):
                    self.s["meta"][name] = payload[name]
            return
        if kind == "compacted":
            text = message if isinstance(message := payload.get("message"), str) else "Conversation compacted"
            self._add(number, "system", text, {"kind": "compact_boundary"}, moment, stream="x")
            return
        if kind == "event_msg":
            self._event(number, payload, moment)
            return
        if kind == "response_item":
            self._item(number, payload, moment)
            return
        # Unknown record types are skipped on purpose: newer Codex versions add them.

    def _session_meta(self, payload: dict[str, Any], stamp: str | None) -> None:
        meta = self.s["meta"]
        if isinstance(payload.get("id"), str):
            self.s["key"] = payload["id"] if not self.s["tail"] else self.s["key"]
            meta["session_id"] = payload["id"]
        for name in ("cwd", "cli_version", "originator", "model_provider", "model"):
            if isinstance(payload.get(name), str):
                meta[name] = payload[name]
        source = payload.get("source")
        parent = None
        if isinstance(source, dict):
            spawn = source.get("subagent")
            if isinstance(spawn, dict):
                spawn = spawn.get("thread_spawn", spawn)
                if isinstance(spawn, dict) and isinstance(spawn.get("parent_thread_id"), str):
                    parent = spawn["parent_thread_id"]
        if parent:
            self.s["parent"] = parent
        if isinstance(payload.get("forked_from_id"), str):
            self.s["forked_from"] = payload["forked_from_id"]
        own = payload.get("timestamp") if isinstance(payload.get("timestamp"), str) else stamp
        if (parent or self.s["forked_from"]) and own and self.s["tail"] is None:
            self.s["cutoff"] = own
        if stamp:
            self.s["first_ts"] = self.s["first_ts"] or stamp

    def _event(self, number: int, payload: dict[str, Any], moment: datetime) -> None:
        etype = payload.get("type")
        if etype == "user_message" and isinstance(payload.get("message"), str):
            self._add(number, "user", payload["message"], {}, moment, stream="event")
        elif etype == "agent_message" and isinstance(payload.get("message"), str):
            self._add(number, "assistant", payload["message"], {}, moment, stream="event")
        elif etype == "token_count":
            self._tokens(payload)
        elif etype == "thread_rolled_back":
            n = payload.get("num_turns")
            turns = self.s["turns"]
            if isinstance(n, int) and 0 < n <= len(turns):
                self.s["tail"] = turns[-n][1]  # the parent of the first dropped turn
                del turns[-n:]
                self.s["last_role"] = {}
            else:
                self.errors.append(LineError(self.name, number, f"rollback of {n!r} turns, but only {len(turns)} exist; ignored"))
        elif etype == "collab_tool_call":
            call = payload.get("call_id")
            new_thread = payload.get("new_thread_id")
            key = self.calls.get(call) if isinstance(call, str) else None
            if key and isinstance(new_thread, str):
                message = self._message(key)
                if message is not None:
                    message.data.setdefault("spawned_threads", []).append(new_thread)
                else:
                    self.patches.setdefault(key, {}).setdefault("spawned_threads", []).append(new_thread)

    def _message(self, key: str) -> ParsedMessage | None:
        return self.by_key.get(key)

    def _tokens(self, payload: dict[str, Any]) -> None:
        info = payload.get("info")
        if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
            total = info["total_token_usage"]
            self.s["tokens"] = [_int(total.get("input_tokens")), _int(total.get("output_tokens"))]
            usage = info.get("last_token_usage") if isinstance(info.get("last_token_usage"), dict) else total
        elif isinstance(payload.get("usage"), dict):
            usage = payload["usage"]
            self.s["tokens"][0] += _int(usage.get("input_tokens", usage.get("prompt_tokens")))
            self.s["tokens"][1] += _int(usage.get("output_tokens", usage.get("completion_tokens")))
        else:
            return
        tail = self.s["tail"]
        if tail:
            # One token_count per API call: the same running total again is the same call
            # reported twice; a second call that ended on the same message adds to it.
            total = list(self.s["tokens"])
            if self.s.get("usage_total") == total:
                return
            self.s["usage_total"] = total
            # A message an earlier round wrote is patched where it is stored (bulk.merge_data).
            if tail in self.by_key:
                data = self.by_key[tail].data
            else:
                data = self.patches.setdefault(tail, {})
                counted = self.s.get("tail_usage") or {}
                if "usage" not in data and counted.get("key") == tail and counted.get("usage") is not None:
                    data["usage"] = dict(counted["usage"])  # what this file counted for it so far
            if isinstance(data.get("usage"), dict) and isinstance(usage, dict):
                usage = {k: _int(data["usage"].get(k)) + _int(v) for k, v in usage.items()}
            data["usage"] = usage
            if isinstance(self.s["meta"].get("model"), str):
                data["model"] = self.s["meta"]["model"]

    def _item(self, number: int, payload: dict[str, Any], moment: datetime) -> None:
        itype = payload.get("type")
        if itype == "message":
            role = payload.get("role")
            text = _text(payload.get("content"))
            data: dict[str, Any] = {}
            if role in ("developer", "system"):
                role, data["kind"] = "system", "instructions"
            elif role == "user" and text.lstrip().startswith(_CONTEXT_PREFIXES):
                role, data["kind"] = "system", "context"
            elif role not in ("user", "assistant"):
                return
            self._add(number, role, text, data, moment, stream="item")
        elif itype == "reasoning":
            summary = payload.get("summary")
            text = _text(summary) if isinstance(summary, list) else ""
            if text.strip():
                self._add(number, "assistant", text, {"kind": MessageKind.THINKING.value}, moment, stream="x")
        elif itype in ("function_call", "custom_tool_call", "local_shell_call", "web_search_call"):
            call_id = payload.get("call_id") or payload.get("id")
            raw_input = payload.get("arguments", payload.get("input", payload.get("action")))
            parsed_input: Any = raw_input
            if isinstance(raw_input, str) and itype == "function_call":
                try:
                    parsed_input = json.loads(raw_input)
                    if "\\u" in raw_input:
                        parsed_input = scrub_surrogates(parsed_input)
                except ValueError:
                    parsed_input = raw_input
            name = payload.get("name") or itype.replace("_call", "")
            data = {"tool_calls": [{"id": call_id, "name": name, "input": parsed_input}]}
            key = self._add(number, "assistant", "", data, moment, stream="x")
            if isinstance(call_id, str) and key:
                self.calls[call_id] = key
        elif itype in ("function_call_output", "custom_tool_call_output", "local_shell_call_output"):
            output = payload.get("output")
            if isinstance(output, dict) and "content" in output:
                output = output["content"]
            text = _text(output)
            result = {"tool_use_id": payload.get("call_id"), "output": text}
            self._add(number, "tool", preview(text), {"tool_results": [result]}, moment, stream="x")

    def _add(self, number: int, role: str, content: str, data: dict[str, Any], moment: datetime, *, stream: str) -> str | None:
        if role in ("user", "assistant") and stream in ("event", "item"):
            last = self.s["last_role"].get(role)
            if last is not None and last[0] == content and last[1] != stream:
                self.s["last_role"][role] = None
                return None  # the other stream's copy of the message just imported
            self.s["last_role"][role] = [content, stream]
        if role == "user" and not content.strip():
            return None
        key = f"L{number}"
        parent = self.s["tail"]
        message = ParsedMessage(key, parent, role, content, moment, data)
        self.new.append(message)
        self.by_key[key] = message
        self.s["tail"] = key
        if role == "user" and not data.get("kind"):
            self.s["turns"].append([key, parent])
            if self.s["title"] is None:
                self.s["title"] = _typed_title(content)
        elif role == "assistant" and self.s.get("reply_title") is None and content.strip():
            # A rollout with no typed prompt is still named by its first reply, not "Untitled".
            self.s["reply_title"] = content.strip().splitlines()[0][:TITLE_CHARS]
        return key

    def finish(self) -> list[ParsedThread]:
        if not self.new and not self.s["tail"] and not self.patches:
            return []
        meta = self.s["meta"]
        parsed = ParsedThread(
            source=SOURCE,
            source_key=self.s["key"],
            messages=self.new,
            title=self.s["title"] or self.s.get("reply_title"),
            project=meta.get("cwd"),
            metadata={k: v for k, v in meta.items() if v} | {"file": self.name},
            created_at=_parse_time(self.s["first_ts"]),
            updated_at=_parse_time(self.s["last_ts"]),
            leaf_key=self.s["tail"],
            input_tokens=self.s["tokens"][0],
            output_tokens=self.s["tokens"][1],
            import_data={"file": self.name, "lines": [self.first_line, self.last_line]} if self.lines else {},
            patches=list(self.patches.items()),
        )
        if self.s["parent"]:
            parsed.parent_thread_key = self.s["parent"]
            parsed.parent_message_marker = self.s["key"]
        elif self.s["forked_from"]:
            parsed.forked_from_thread_key = self.s["forked_from"]
        return [parsed]


# Shared: clamps a count past SQLite's range and notes it for the line (lines.count_int).
_int = count_int
