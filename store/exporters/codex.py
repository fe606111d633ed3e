"""A path written as a new Codex rollout (`grove resume --agent codex`).

The file is `<codex home>/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl`
(`$CODEX_HOME`, else `~/.codex`; date and time of writing, UTC), and `codex resume <id>`
run in the cwd continues it. A line `{id, thread_name, updated_at}` appended to
`<codex home>/session_index.jsonl` names it, so `codex resume "<name>"` finds it too.

Records follow what Codex 0.125 writes (checked against the codex-tui 0.125.0 and Codex
Desktop 0.128 rollouts in the fixtures): `session_meta` first (`id`, `timestamp`, `cwd`,
`originator`, `cli_version`, `source`, `model_provider`, and `forked_from_id` when the path
came from a Codex session), then per turn the `response_item`s the model gets back — a
prompt as a user `message` of `input_text` followed by the `event_msg user_message` the
resume picker previews; a reply as the `event_msg agent_message` the TUI replays followed
by an assistant `message` of `output_text`; each tool call as a `function_call` (arguments
as a JSON string) or, when its input is plain text (apply_patch), a `custom_tool_call`,
and its result as the matching `*_output` with the same `call_id`. A compaction is one
`compacted` record carrying the summary. Every record is stamped with the time of writing,
as Codex stamps the items it copies into a fork (the message times stay in Grove).
Token counts are not written: the copied prefix adds no tokens when imported back.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .claude_code import timestamp
from .turns import Turn, summary_of

#: The Codex release whose rollout format the files follow.
CLI_VERSION = "0.125.0"
ORIGINATOR = "codex_cli_rs"


def codex_home(env: dict[str, str] | None = None) -> Path:
    """`$CODEX_HOME`, else `~/.codex`."""
    environ = os.environ if env is None else env
    configured = environ.get("CODEX_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".codex"


def rollout_file(home: Path, moment: datetime, session_id: str) -> Path:
    """Where a rollout written at `moment` (UTC) lives."""
    utc = moment.astimezone(timezone.utc)
    return home / "sessions" / utc.strftime("%Y/%m/%d") / f"rollout-{utc.strftime('%Y-%m-%dT%H-%M-%S')}-{session_id}.jsonl"


def index_file(home: Path) -> Path:
    """`session_index.jsonl`: thread names, newest entry last."""
    return home / "session_index.jsonl"


def command(session_id: str) -> list[str]:
    """The command (run in the session's cwd) that continues the session."""
    return ["codex", "resume", session_id]


def index_entry(session_id: str, name: str, moment: datetime) -> dict[str, Any]:
    """The `session_index.jsonl` line naming the session (RFC 3339 time, as Codex writes it)."""
    return {"id": session_id, "thread_name": name, "updated_at": moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def render_rollout(
    turns: list[Turn],
    *,
    session_id: str,
    cwd: str,
    moment: datetime,
    model_provider: str | None = None,
    forked_from_id: str | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The rollout's records, and {importer key: origin message id} of what they copy.

    The Codex importer keys a message by the number of its line (`L12`). A prompt or a reply
    is written twice (a `response_item` and its `event_msg`) and the importer keeps one of
    the two: both lines are named, so the link holds whichever it keeps.
    """
    stamp = timestamp(moment)
    meta: dict[str, Any] = {"id": session_id}
    if forked_from_id:
        meta["forked_from_id"] = forked_from_id
    meta.update(
        {
            "timestamp": stamp,
            "cwd": cwd,
            "originator": ORIGINATOR,
            "cli_version": CLI_VERSION,
            "source": "cli",
            "model_provider": model_provider or "openai",
        }
    )
    records: list[dict[str, Any]] = [{"timestamp": stamp, "type": "session_meta", "payload": meta}]
    copied: dict[str, int] = {}
    custom_calls: set[str] = set()

    def add(kind: str, payload: dict[str, Any], origin: int) -> None:
        records.append({"timestamp": stamp, "type": kind, "payload": payload})
        copied[f"L{len(records)}"] = origin

    for turn in turns:
        origin = turn.message.id
        if turn.kind == "prompt":
            add("response_item", {"type": "message", "role": "user", "content": [{"type": "input_text", "text": turn.text}]}, origin)
            add("event_msg", {"type": "user_message", "message": turn.text, "images": [], "local_images": [], "text_elements": []}, origin)
        elif turn.kind == "reply":
            if turn.text.strip():
                add("event_msg", {"type": "agent_message", "message": turn.text}, origin)
                add("response_item", {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": turn.text}]}, origin)
            for call in turn.calls:
                call_id = str(call.get("id"))
                name = call.get("name") if isinstance(call.get("name"), str) and call.get("name") else "tool"
                raw = call.get("input")
                if isinstance(raw, str):
                    custom_calls.add(call_id)
                    add("response_item", {"type": "custom_tool_call", "status": "completed", "call_id": call_id, "name": name, "input": raw}, origin)
                else:
                    arguments = json.dumps(raw, ensure_ascii=False)
                    add("response_item", {"type": "function_call", "name": name, "arguments": arguments, "call_id": call_id}, origin)
        elif turn.kind == "results":
            for result in turn.results:
                call_id = str(result.get("tool_use_id"))
                output = result.get("output")
                kind = "custom_tool_call_output" if call_id in custom_calls else "function_call_output"
                add("response_item", {"type": kind, "call_id": call_id, "output": output if isinstance(output, str) else ""}, origin)
        elif turn.kind == "compaction":
            add("compacted", {"message": summary_of(turn)}, origin)
    return records, copied
