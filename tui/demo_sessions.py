"""Writers of agent transcripts in the agents' own formats, for the demo.

The demo is made the way a user's database is: sessions written as Claude Code, Codex and
ChatGPT write them, then imported. These writers produce the record shapes those agents
produce (as seen in `shared/fixtures`): Claude Code entries chained by uuid/parentUuid with
one line per content block of a reply, tool results as user entries, slash commands with
their stdout, compaction boundaries and 2.1-layout subagent files; Codex rollouts of
session_meta, response_item and event_msg records; ChatGPT's `mapping` tree.

Everything is deterministic: ids come from counters, times from a start and fixed steps.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

Tool = tuple[str, dict[str, Any], str] | tuple[str, dict[str, Any], str, bool]
"""(name, input, output) or (name, input, output, is_error) of one tool call."""


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Ids:
    """Deterministic uuids and short ids for one demo build."""

    seed: int
    count: int = 0

    def uuid(self) -> str:
        """A new uuid (the same sequence on every build)."""
        self.count += 1
        return str(uuid.UUID(int=(self.seed << 64) + self.count, version=4))

    def short(self, prefix: str) -> str:
        """A new id like `toolu_0001a`."""
        self.count += 1
        return f"{prefix}{self.seed:04x}{self.count:05d}"


@dataclass
class ClaudeSession:
    """A Claude Code session file (`~/.claude/projects/<project>/<session>.jsonl`)."""

    ids: Ids
    cwd: str
    start: datetime
    git_branch: str = "main"
    version: str = "2.1.42"
    model: str = "claude-sonnet-4-5-20250929"
    step: timedelta = timedelta(seconds=37)
    agent_id: str | None = None
    """Set for a subagent's transcript (its entries are sidechain entries)."""
    session_id: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)
    last: str | None = None
    """The uuid the next entry hangs under."""
    now: datetime = field(init=False)
    subagents: list[ClaudeSession] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    """A subagent's `agent-*.meta.json`."""

    def __post_init__(self) -> None:
        self.session_id = self.session_id or self.ids.uuid()
        self.now = self.start

    def _tick(self, seconds: float | None = None) -> str:
        self.now += timedelta(seconds=seconds) if seconds is not None else self.step
        return _stamp(self.now)

    def _entry(self, kind: str, message: dict[str, Any], *, parent: str | None, **extra: Any) -> str:
        uid = self.ids.uuid()
        entry: dict[str, Any] = {
            "parentUuid": parent,
            "isSidechain": self.agent_id is not None,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": self.version,
            "gitBranch": self.git_branch,
        }
        if self.agent_id is not None:
            entry["agentId"] = self.agent_id
        entry |= {"type": kind, "message": message, "uuid": uid, "timestamp": self._tick(extra.pop("after", None))}
        entry |= extra
        self.lines.append(entry)
        self.last = uid
        return uid

    def prompt(self, text: str, *, under: str | None = None, after: float | None = None) -> str:
        """A typed prompt; `under` hangs it elsewhere (a rewind: a real branch)."""
        parent = under if under is not None else self.last
        return self._entry("user", {"role": "user", "content": text}, parent=parent, after=after)

    def reply(self, text: str | None = None, *, thinking: str | None = None, tools: list[Tool] | None = None,
              tokens: tuple[int, int] = (1200, 180), spawns: ClaudeSession | None = None) -> str:
        """An assistant reply: one entry per content block, then one user entry per tool result.

        `spawns`: the subagent its first tool call (a Task) started.
        """
        msg_id = self.ids.short("msg_")
        usage = {"input_tokens": tokens[0], "output_tokens": tokens[1],
                 "cache_read_input_tokens": tokens[0] * 8, "cache_creation_input_tokens": tokens[0] // 4}
        blocks: list[dict[str, Any]] = []
        if thinking:
            blocks.append({"type": "thinking", "thinking": thinking, "signature": "demo"})
        if text:
            blocks.append({"type": "text", "text": text})
        calls: list[tuple[str, Tool]] = []
        for tool in tools or []:
            call_id = self.ids.short("toolu_")
            blocks.append({"type": "tool_use", "id": call_id, "name": tool[0], "input": tool[1]})
            calls.append((call_id, tool))
        for block in blocks:
            message = {"model": self.model, "id": msg_id, "type": "message", "role": "assistant",
                       "content": [block], "stop_reason": None, "usage": usage}
            self._entry("assistant", message, parent=self.last, after=4 if len(self.lines) and block is not blocks[0] else None,
                        requestId=f"req_{msg_id}")
        for call_id, tool in calls:
            failed = len(tool) == 4 and bool(tool[3])
            result = {"type": "tool_result", "tool_use_id": call_id, "content": tool[2], "is_error": failed}
            extra: dict[str, Any] = {"toolUseResult": {"stdout": tool[2], "stderr": "", "interrupted": False}}
            if spawns is not None and call_id == calls[0][0]:
                extra["toolUseResult"] = {"status": "completed", "agentId": spawns.agent_id, "content": [{"type": "text", "text": tool[2]}]}
            self._entry("user", {"role": "user", "content": [result]}, parent=self.last, after=6, **extra)
        return self.last or ""

    def command(self, name: str, output: str, args: str = "") -> str:
        """A slash command and what it printed, as Claude Code writes them."""
        self._entry("user", {"role": "user", "content": (
            f"<command-name>{name}</command-name>\n            <command-message>{name.lstrip('/')}</command-message>\n"
            f"            <command-args>{args}</command-args>")}, parent=self.last)
        return self._entry("user", {"role": "user", "content": f"<local-command-stdout>{output}</local-command-stdout>"},
                           parent=self.last, after=1)

    def compact(self, summary: str, pre_tokens: int = 158_000) -> str:
        """An automatic compaction: the boundary (parentUuid null) and the summary it continues from."""
        uid = self.ids.uuid()
        self.lines.append({
            "parentUuid": None, "logicalParentUuid": self.last, "isSidechain": False, "userType": "external",
            "cwd": self.cwd, "sessionId": self.session_id, "version": self.version, "gitBranch": self.git_branch,
            "type": "system", "subtype": "compact_boundary", "content": "Conversation compacted", "isMeta": False,
            "timestamp": self._tick(), "uuid": uid, "level": "info",
            "compactMetadata": {"trigger": "auto", "preTokens": pre_tokens},
        })
        self.last = uid
        return self._entry("user", {"role": "user", "content": summary}, parent=uid, isCompactSummary=True,
                           isVisibleInTranscriptOnly=True)

    def subagent(self, description: str, agent_type: str = "general-purpose") -> ClaudeSession:
        """A subagent transcript (2.1 layout), to be spawned by a reply's Task call (`reply(spawns=…)`)."""
        sub = ClaudeSession(self.ids, self.cwd, self.now, self.git_branch, self.version, self.model,
                            agent_id=self.ids.short("a"), session_id=self.session_id)
        sub.meta = {"agentType": agent_type, "description": description}
        self.subagents.append(sub)
        return sub

    def title(self, text: str) -> None:
        """A `/rename`d session: a custom-title line."""
        self.lines.append({"type": "custom-title", "customTitle": text, "sessionId": self.session_id})

    def write(self, folder: Path) -> Path:
        """Write the session (and its subagents, 2.1 layout) under `folder`; the session file's path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.session_id}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in self.lines), encoding="utf-8")
        for sub in self.subagents:
            sub_dir = folder / self.session_id / "subagents"
            sub_dir.mkdir(parents=True, exist_ok=True)
            (sub_dir / f"agent-{sub.agent_id}.jsonl").write_text(
                "".join(json.dumps(line) + "\n" for line in sub.lines), encoding="utf-8")
            (sub_dir / f"agent-{sub.agent_id}.meta.json").write_text(json.dumps(sub.meta), encoding="utf-8")
        return path


@dataclass
class CodexRollout:
    """A Codex rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-….jsonl`)."""

    ids: Ids
    cwd: str
    start: datetime
    git_branch: str = "main"
    model: str = "gpt-5-codex"
    step: timedelta = timedelta(seconds=29)
    lines: list[dict[str, Any]] = field(default_factory=list)
    session_id: str = ""
    now: datetime = field(init=False)
    total: list[int] = field(default_factory=lambda: [0, 0, 0])

    def __post_init__(self) -> None:
        self.session_id = self.session_id or self.ids.uuid()
        self.now = self.start
        self._record("session_meta", {
            "id": self.session_id, "timestamp": _stamp(self.start), "cwd": self.cwd, "originator": "codex_cli_rs",
            "cli_version": "0.125.0", "source": "cli", "model_provider": "openai",
            "git": {"branch": self.git_branch, "commit_hash": "4f1c2d9"},
        })
        self._record("turn_context", {"cwd": self.cwd, "approval_policy": "on-request", "model": self.model})

    def _record(self, kind: str, payload: dict[str, Any], seconds: float = 0) -> None:
        self.now += timedelta(seconds=seconds)
        self.lines.append({"timestamp": _stamp(self.now), "type": kind, "payload": payload})

    def prompt(self, text: str) -> None:
        """A user turn: the response item and the event the resume picker previews."""
        step = self.step.total_seconds()
        self._record("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}, step)
        self._record("event_msg", {"type": "user_message", "message": text, "images": []})

    def reasoning(self, summary: str) -> None:
        """A reasoning item: its summary (the encrypted content is never shown)."""
        self._record("response_item", {"type": "reasoning", "summary": [{"type": "summary_text", "text": summary}],
                                       "content": None, "encrypted_content": "gAAAAB-demo-opaque"}, 3)

    def exec(self, cmd: str, output: str, exit_code: int = 0) -> None:
        """An `exec_command` function call and its output."""
        call_id = self.ids.short("call_")
        args = json.dumps({"cmd": ["bash", "-lc", cmd], "workdir": self.cwd})
        self._record("response_item", {"type": "function_call", "name": "exec_command", "arguments": args, "call_id": call_id}, 2)
        out = f"Exit code: {exit_code}\nWall time: 0.4 seconds\nOutput:\n{output}"
        self._record("response_item", {"type": "function_call_output", "call_id": call_id, "output": out}, 5)

    def patch(self, body: str) -> None:
        """An `apply_patch` custom tool call and its output."""
        call_id = self.ids.short("call_")
        self._record("response_item", {"type": "custom_tool_call", "status": "completed", "call_id": call_id,
                                       "name": "apply_patch", "input": body}, 2)
        files = [line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("*** Update File:")]
        done = "Success. Updated the following files:\n" + "\n".join(f"M {f}" for f in files)
        self._record("response_item", {"type": "custom_tool_call_output", "call_id": call_id,
                                       "output": json.dumps({"output": done, "metadata": {"exit_code": 0}})}, 1)

    def reply(self, text: str, tokens: tuple[int, int] = (5400, 320)) -> None:
        """The agent's answer, then the token count of the turn."""
        self._record("response_item", {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text}]}, 4)
        self._record("event_msg", {"type": "agent_message", "message": text})
        self.total[0] += tokens[0]
        self.total[1] += tokens[1]
        last = {"input_tokens": tokens[0], "cached_input_tokens": tokens[0] // 2, "output_tokens": tokens[1],
                "reasoning_output_tokens": tokens[1] // 3, "total_tokens": tokens[0] + tokens[1]}
        total = {"input_tokens": self.total[0], "cached_input_tokens": self.total[0] // 2, "output_tokens": self.total[1],
                 "reasoning_output_tokens": self.total[1] // 3, "total_tokens": self.total[0] + self.total[1]}
        self._record("event_msg", {"type": "token_count", "info": {"total_token_usage": total, "last_token_usage": last}})

    def rollback(self, turns: int) -> None:
        """The user backtracked `turns` turns (what followed stays as an abandoned branch)."""
        self._record("event_msg", {"type": "thread_rolled_back", "num_turns": turns}, 10)

    def write(self, sessions: Path) -> Path:
        """Write under `sessions/YYYY/MM/DD/`; the rollout's path."""
        day = sessions / self.start.strftime("%Y/%m/%d")
        day.mkdir(parents=True, exist_ok=True)
        path = day / f"rollout-{self.start.strftime('%Y-%m-%dT%H-%M-%S')}-{self.session_id}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in self.lines), encoding="utf-8")
        return path


@dataclass
class ChatGPTConversation:
    """One conversation of a ChatGPT `conversations.json` export."""

    ids: Ids
    title: str
    start: datetime
    model: str = "gpt-4o"
    mapping: dict[str, dict[str, Any]] = field(default_factory=dict)
    last: str | None = None
    now: datetime = field(init=False)
    root: str = field(init=False)

    def __post_init__(self) -> None:
        self.now = self.start
        self.root = self.ids.uuid()
        self.mapping[self.root] = {"id": self.root, "message": None, "parent": None, "children": []}
        self.last = self.root

    def say(self, role: str, text: str, *, under: str | None = None) -> str:
        """A message under `under` (default: the last one)."""
        parent = under or self.last or self.root
        node = self.ids.uuid()
        self.now += timedelta(seconds=47)
        metadata = {"model_slug": self.model} if role == "assistant" else {}
        self.mapping[node] = {
            "id": node, "parent": parent, "children": [],
            "message": {"id": node, "author": {"role": role, "name": None, "metadata": {}},
                        "create_time": self.now.timestamp(), "content": {"content_type": "text", "parts": [text]},
                        "status": "finished_successfully", "metadata": metadata, "recipient": "all"},
        }
        self.mapping[parent]["children"].append(node)
        self.last = node
        return node

    def export(self) -> dict[str, Any]:
        """The conversation as the export writes it; the last message said is the current node."""
        return {"title": self.title, "create_time": self.start.timestamp(), "update_time": self.now.timestamp(),
                "mapping": self.mapping, "current_node": self.last, "conversation_id": self.root, "id": self.root}


def write_chatgpt(conversations: list[ChatGPTConversation], folder: Path) -> Path:
    """Write a `conversations.json` export holding `conversations`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "conversations.json"
    path.write_text(json.dumps([c.export() for c in conversations], indent=1), encoding="utf-8")
    return path
