"""Shared helpers for the `grove resume` tests: the fixture sessions, and what a path says."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from store import Message
from store.payloads import MessageKind, is_api_error, message_kind, tool_calls, tool_results

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
CODEX = FIXTURES / "codex"

#: Real Claude Code sessions (2.0.42 – 2.1.114), each imported on its own.
CLAUDE_SESSIONS = [
    CLAUDE / "projects" / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl",
    CLAUDE / "projects" / "-experiments-worktrees" / "ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl",
    CLAUDE / "projects" / "-src-deep-manifest",
    CLAUDE / "projects" / "-Users-dain-workspace-JSSoundRecorder",
    CLAUDE / "codemie" / "session-196820da.jsonl",
    CLAUDE / "codemie" / "session-3fe1b6bc.jsonl",
    CLAUDE / "codemie" / "session-624a4a58.jsonl",
    CLAUDE / "codemie" / "session-9eda1058.jsonl",
    CLAUDE / "codemie" / "-tmp-private",
    CLAUDE / "codemie" / "incremental-subagents" / "turn-2.jsonl",
]
#: Real Codex rollouts (codex-tui 0.125.0, Codex Desktop 0.128) and the synthetic ones.
CODEX_SESSIONS = [
    CODEX / "codemie" / "rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl",
    CODEX / "codemie" / "rollout-2026-05-11T13-28-45-019e1695-0522-7c83-8b39-0dd379793f80.jsonl",
    CODEX / "codemie" / "incremental" / "turn-2.jsonl",
    CODEX / "sessions",
]


class Clock:
    """A deterministic clock: each call is one second after the last."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def agent_env(tmp_path: Path) -> dict[str, str]:
    """$CLAUDE_CONFIG_DIR and $CODEX_HOME inside the test's folder (never the real home)."""
    return {"CLAUDE_CONFIG_DIR": str(tmp_path / "claude"), "CODEX_HOME": str(tmp_path / "codex")}


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every line of a written session, each checked to be one JSON object."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        assert isinstance(obj, dict), line
        out.append(obj)
    return out


def conversation(path: list[Message]) -> dict[str, Any]:
    """What a path says, as an agent would take it: prompts, replies, answered calls, outputs.

    Computed here independently of the writer: a call counts when a result for it comes
    later on the path; an output counts when it answers such a call.
    """
    prompts: list[str] = []
    replies: list[str] = []
    calls: list[tuple[Any, ...]] = []
    outputs: dict[str, str] = {}
    seen_calls: set[str] = set()
    # Calls answered later on the path: walk forward, remembering results still to come.
    results_after: dict[str, int] = {}
    for i, m in enumerate(path):
        for r in tool_results(m.data):
            rid = r.get("tool_use_id")
            if isinstance(rid, str):
                results_after.setdefault(rid, i)
    for i, m in enumerate(path):
        kind = message_kind(m.role, m.data)
        if kind is MessageKind.PROMPT and m.content.strip():
            prompts.append(m.content)
        elif kind is MessageKind.REPLY and not is_api_error(m.data):
            if m.content.strip():
                replies.append(m.content.strip())
            for c in tool_calls(m.data):
                cid = c.get("id")
                if isinstance(cid, str) and cid not in seen_calls and results_after.get(cid, -1) > i:
                    seen_calls.add(cid)
                    calls.append((cid, c.get("name"), json.dumps(c.get("input"), sort_keys=True)))
        for r in tool_results(m.data):
            rid = r.get("tool_use_id")
            if isinstance(rid, str) and rid in seen_calls and rid not in outputs:
                outputs[rid] = r.get("output") or ""
    return {"prompts": prompts, "replies": replies, "calls": calls, "outputs": outputs}
