"""A path written as a new Claude Code session file (`grove resume --agent claude-code`).

The file is `<claude dir>/projects/<encoded cwd>/<session id>.jsonl` (the claude dir is
`$CLAUDE_CONFIG_DIR`, else `~/.claude`; the cwd is encoded by replacing every character
outside `[A-Za-z0-9]` with `-`, the way Claude Code names its project folders), and
`claude --resume <session id>` run in the cwd continues it.

Lines follow what Claude Code 2.1 writes (checked against the 2.1.42 / 2.1.114 sessions in
the fixtures): one `user` / `assistant` entry per turn, a linear `uuid` → `parentUuid`
chain, `message` in the Anthropic Messages shape. Replies carry a zero `usage` (Claude Code
reads one on every assistant entry), so the copied prefix adds no tokens when it is imported
back, and the model `<synthetic>` unless the reply came from a Claude model (the name Claude
Code itself gives replies it did not get from the API). A compaction is written the way
Claude Code writes one — a `compact_boundary` system entry and the summary as a user entry
marked `isCompactSummary` — except that the boundary keeps the chain (`parentUuid` is the
previous entry too), so the file stays one chain. A `custom-title` entry names the session.
"""

from __future__ import annotations

import os
import re
import uuid as uuid_module
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..payloads import compaction, is_error_result
from ..payloads import model as model_of
from .turns import BOUNDARY_TEXT, Turn, summary_of

#: The Claude Code release whose session format the files follow.
FORMAT_VERSION = "2.1.114"
SYNTHETIC_MODEL = "<synthetic>"
_ENCODE = re.compile(r"[^A-Za-z0-9]")
_TOOL_ID = re.compile(r"[^A-Za-z0-9_-]")
_TOOL_NAME = re.compile(r"[^A-Za-z0-9_-]")


def claude_dir(env: dict[str, str] | None = None) -> Path:
    """`$CLAUDE_CONFIG_DIR`, else `~/.claude`."""
    environ = os.environ if env is None else env
    configured = environ.get("CLAUDE_CONFIG_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".claude"


def encode_cwd(cwd: str) -> str:
    """The project folder name Claude Code uses for a working directory."""
    return _ENCODE.sub("-", cwd)


def session_file(base: Path, cwd: str, session_id: str) -> Path:
    """Where the session file of `session_id` run in `cwd` lives."""
    return base / "projects" / encode_cwd(cwd) / f"{session_id}.jsonl"


def command(session_id: str) -> list[str]:
    """The command (run in the session's cwd) that continues the session."""
    return ["claude", "--resume", session_id]


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z, as Claude Code writes them."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _tool_id(value: Any) -> str:
    # The API accepts [A-Za-z0-9_-] in tool ids; Claude Code's and Codex's ids already are.
    return _TOOL_ID.sub("_", str(value)) or "tool"


def _tool_name(value: Any) -> str:
    name = _TOOL_NAME.sub("_", value if isinstance(value, str) else "")[:64]
    return name or "tool"


def _input(value: Any) -> dict[str, Any]:
    # tool_use.input is an object; a Codex custom tool's input is a string (the patch).
    return value if isinstance(value, dict) else {"input": value}


def _zero_usage() -> dict[str, int]:
    return {"input_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "output_tokens": 0}


def render_session(
    turns: list[Turn],
    *,
    session_id: str,
    cwd: str,
    title: str,
    git_branch: str | None = None,
    new_uuid: Callable[[], str] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The entries of the session file, and {entry uuid: origin message id} of what they copy.

    The uuids are the keys the Claude Code importer gives the messages it reads from them.
    """
    make_uuid = new_uuid or (lambda: str(uuid_module.uuid4()))
    entries: list[dict[str, Any]] = []
    copied: dict[str, int] = {}
    parent: str | None = None
    call_owner: dict[str, str] = {}  # tool id -> uuid of the reply that made the call

    def entry(kind: str, moment: datetime, origin: int, **fields: Any) -> dict[str, Any]:
        nonlocal parent
        record: dict[str, Any] = {
            "parentUuid": parent,
            "isSidechain": False,
            "userType": "external",
            "cwd": cwd,
            "sessionId": session_id,
            "version": FORMAT_VERSION,
        }
        if git_branch:
            record["gitBranch"] = git_branch
        record["type"] = kind
        record.update(fields)
        record["uuid"] = make_uuid()
        record["timestamp"] = timestamp(moment)
        record["entrypoint"] = "cli"
        entries.append(record)
        copied[record["uuid"]] = origin
        parent = record["uuid"]
        return record

    for turn in turns:
        origin = turn.message.id
        if turn.kind == "prompt":
            entry("user", turn.created_at, origin, message={"role": "user", "content": turn.text})
        elif turn.kind == "reply":
            blocks: list[dict[str, Any]] = []
            if turn.text.strip():
                blocks.append({"type": "text", "text": turn.text})
            for call in turn.calls:
                blocks.append(
                    {"type": "tool_use", "id": _tool_id(call.get("id")), "name": _tool_name(call.get("name")), "input": _input(call.get("input"))}
                )
            model = model_of(turn.message.data)
            record = entry(
                "assistant",
                turn.created_at,
                origin,
                message={
                    "model": model if model and model.startswith("claude") else SYNTHETIC_MODEL,
                    "id": f"msg_grove_{uuid_module.uuid4().hex}",
                    "type": "message",
                    "role": "assistant",
                    "content": blocks,
                    "stop_reason": "tool_use" if turn.calls else "end_turn",
                    "stop_sequence": None,
                    "usage": _zero_usage(),
                },
            )
            for call in turn.calls:
                call_owner[_tool_id(call.get("id"))] = record["uuid"]
        elif turn.kind == "results":
            blocks = []
            for result in turn.results:
                output = result.get("output")
                blocks.append(
                    {
                        "tool_use_id": _tool_id(result.get("tool_use_id")),
                        "type": "tool_result",
                        "content": output if isinstance(output, str) else "",
                        "is_error": is_error_result(result),
                    }
                )
            fields: dict[str, Any] = {"message": {"role": "user", "content": blocks}}
            owner = call_owner.get(str(blocks[0]["tool_use_id"])) if blocks else None
            if owner:
                fields["sourceToolAssistantUUID"] = owner
            entry("user", turn.created_at, origin, **fields)
        elif turn.kind == "compaction":
            entry(  # only its place in the chain matters
                "system",
                turn.created_at,
                origin,
                subtype="compact_boundary",
                content=BOUNDARY_TEXT,
                isMeta=False,
                level="info",
                logicalParentUuid=parent,
                compactMetadata=_compact_metadata(turn),
            )
            summary = summary_of(turn)
            if summary.strip():
                holder = turn.summary_message or turn.message
                entry(
                    "user",
                    holder.created_at,
                    holder.id,
                    message={"role": "user", "content": summary},
                    isCompactSummary=True,
                    isVisibleInTranscriptOnly=True,
                )
    entries.append({"type": "custom-title", "customTitle": title, "sessionId": session_id})
    return entries, copied


def _compact_metadata(turn: Turn) -> dict[str, Any]:
    trigger, pre = compaction(turn.message.data)
    meta: dict[str, Any] = {"trigger": trigger or "manual"}
    if pre is not None:
        meta["preTokens"] = pre
    return meta
