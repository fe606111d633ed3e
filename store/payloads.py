"""What `Message.data` and `Event.data` hold, and the accessors every reader uses.

`data` is a JSON object kept beside each message and event. Importers, the demo, the
transactions, the CLI, the exporters and every widget write and read it through the names
here, so one spelling of each key exists in the code base. Readers never trust a payload:
every accessor tolerates a missing key or a value of the wrong type (data written by an
older Grove, or a Grove JSON file edited by hand) and answers an empty value.

A message's **kind** says what it is to a reader, beyond its role:

| kind | role | what it is |
|---|---|---|
| prompt | user | text a person typed |
| reply | assistant | the agent's answer: prose and/or tool calls (`tool_calls`) |
| tool_result | tool | the output of one or more tool calls (`tool_results`) |
| thinking | assistant | a reasoning summary (Codex); Claude Code's thinking is `thinking` on a reply |
| command | user / system | a slash command or bash-mode entry and its output (`command`) |
| meta | system | an entry the agent wrote for itself (caveats, hook output, injected context) |
| compact_boundary | system | where a compaction cut the conversation: shown as a divider |
| compact_summary | system | the summary a compaction continued from |
| instructions | system | developer / system instructions (Codex) |
| context | system | environment context the agent injected (Codex) |
| notice | system | any other system entry worth showing (model change, API error…) |
"""

from __future__ import annotations

import json
import re
import shlex
from enum import Enum
from typing import Any, TypedDict


class MessageKind(str, Enum):
    """What a message is to a reader (see the module docstring)."""

    PROMPT = "prompt"
    REPLY = "reply"
    TOOL_RESULT = "tool_result"
    THINKING = "thinking"
    COMMAND = "command"
    META = "meta"
    COMPACT_BOUNDARY = "compact_boundary"
    COMPACT_SUMMARY = "compact_summary"
    INSTRUCTIONS = "instructions"
    CONTEXT = "context"
    NOTICE = "notice"


#: Kinds that are part of the conversation proper; the rest is structure around it.
CONVERSATION_KINDS = frozenset({MessageKind.PROMPT, MessageKind.REPLY, MessageKind.TOOL_RESULT, MessageKind.THINKING})

#: Kinds written with an explicit `kind` key; prompt, reply and tool_result follow from the role.
_EXPLICIT_KINDS = {k.value: k for k in MessageKind}
# Older spellings still found in databases written before this module existed.
_EXPLICIT_KINDS["reasoning"] = MessageKind.THINKING


class ToolCall(TypedDict, total=False):
    """One tool call of a reply."""

    id: str | None
    """The source's call id (`tool_use.id`, Codex `call_id`): pairs the call with its result."""
    name: str | None
    input: Any
    """The call's arguments as the agent sent them (usually an object; a string for some)."""


class ToolResult(TypedDict, total=False):
    """The output of one tool call."""

    tool_use_id: str | None
    """The id of the call this answers."""
    output: str
    """The whole output, as text (the message's content holds only its first line)."""
    is_error: bool


class Usage(TypedDict, total=False):
    """Token counts of the API reply a message came from (Anthropic's names)."""

    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int


class Command(TypedDict, total=False):
    """A slash command (`/mcp`) or a bash-mode entry (`! ls`) and what it printed."""

    name: str
    """`/mcp`, `/clear`, or `!` for bash mode."""
    args: str
    output: str


class MessageData(TypedDict, total=False):
    """The keys a message's `data` may hold. All optional."""

    kind: str
    """A `MessageKind` value; absent for prompts, replies and tool results."""
    tool_calls: list[ToolCall]
    tool_results: list[ToolResult]
    thinking: str
    """Thinking text of a reply (never encrypted content)."""
    usage: Usage
    model: str
    message_id: str
    """The API reply's id (Claude Code `message.id`): usage counts once per reply id."""
    uuid: str
    """The source record's own id (Claude Code `uuid`)."""
    uuids: list[str]
    """Further source records merged into this message (one reply written as several lines)."""
    command: Command
    sidechain: bool
    api_error: bool
    agent_id: str
    """The subagent this tool result spawned (Claude Code `toolUseResult.agentId`)."""
    trigger: str
    """What started a compaction (manual, auto)."""
    pre_tokens: int
    tool_name: str
    """ChatGPT: the tool that wrote a tool message."""
    spawned_threads: list[str]
    """Codex: threads a collab tool call spawned."""
    copied_from: int
    """A copy of another thread's message (a branch into a new thread, or the prefix of a
    session handed to an agent and imported back): that message's id. Not new work."""


class EventData(TypedDict, total=False):
    """The keys an event's `data` may hold, by the event kinds that write them. All optional."""

    title: Any
    """thread_created: the title; thread_updated: {"from", "to"}."""
    status: Any
    """thread_updated: {"from", "to"}."""
    via: str
    """leaf_moved: set_leaf, switch_sibling, search, tree…"""
    step: int
    """leaf_moved via switch_sibling: +1 / -1."""
    dropped: int
    """rewound: how many messages left the active path."""
    undoes_seq: int
    """undone: the seq of the move it undid."""
    undoes_kind: str
    name: str
    """checkpoint_*: the checkpoint's name."""
    overwrote_message_id: int
    """checkpoint_saved: the message a same-named checkpoint pointed at before."""
    deleted: int
    """branch_deleted: how many messages went."""
    to_thread_id: int
    """thread_forked (origin side): the new thread."""
    from_thread_id: int
    """thread_forked (copy side): the origin thread."""
    agent: str
    """handed_off: claude-code or codex."""
    session_id: str
    """handed_off: the new session's id."""
    path: str
    """handed_off: the session file written."""
    cwd: str
    """handed_off: the folder the agent continues in."""
    command: str
    """handed_off: the command that continues the session (run in `cwd`)."""
    messages: int
    """handed_off: how many messages of the path were written."""


class ThreadMetadata(TypedDict, total=False):
    """The keys a thread's `metadata` may hold (importers write them). All optional."""

    git_branch: str
    """The git branch the session ran on (Claude Code `gitBranch`, Codex `git.branch`)."""
    session_id: str
    file: str
    """The session file the thread was imported from."""


def git_branch(metadata: dict[str, Any]) -> str | None:
    """The git branch a thread's session ran on, when known."""
    value = metadata.get("git_branch") if isinstance(metadata, dict) else None
    if not isinstance(value, str):
        git = metadata.get("git") if isinstance(metadata, dict) else None
        value = git.get("branch") if isinstance(git, dict) else None
    return value if isinstance(value, str) and value and value != "HEAD" else None


def project_name(project: str | None) -> str:
    """The last part of a project path: `~/src/grove` → `grove`; '' when unknown."""
    if not project:
        return ""
    return project.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or project


# --- message accessors ---------------------------------------------------------------


def _list_of_dicts(value: Any) -> list[Any]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def message_kind(role: str, data: dict[str, Any]) -> MessageKind:
    """The kind of a message with this role and data."""
    explicit = data.get("kind") if isinstance(data, dict) else None
    if isinstance(explicit, str) and explicit in _EXPLICIT_KINDS:
        return _EXPLICIT_KINDS[explicit]
    role = getattr(role, "value", role)
    if role == "tool" or (isinstance(data, dict) and data.get("tool_results")):
        return MessageKind.TOOL_RESULT
    if role == "assistant":
        return MessageKind.REPLY
    if role == "user":
        return MessageKind.PROMPT
    return MessageKind.NOTICE


def tool_calls(data: dict[str, Any]) -> list[ToolCall]:
    """The tool calls of a reply, in order."""
    return _list_of_dicts(data.get("tool_calls"))


def tool_results(data: dict[str, Any]) -> list[ToolResult]:
    """The tool results a message carries, in order."""
    return _list_of_dicts(data.get("tool_results"))


def thinking(data: dict[str, Any]) -> str:
    """A reply's thinking text, or ''."""
    value = data.get("thinking")
    return value if isinstance(value, str) else ""


def usage(data: dict[str, Any]) -> Usage | None:
    """The token usage of the API reply this message came from, or None."""
    value = data.get("usage")
    return value if isinstance(value, dict) else None  # type: ignore[return-value]


#: Text that the stored JSON of every `data` holding usage contains: a cheap SQL prefilter
#: (`instr(data, USAGE_MARKER)`) before `usage()` decides.
USAGE_MARKER = '"usage"'


def usage_tokens(data: dict[str, Any]) -> tuple[int, int, int, int]:
    """(input, output, cache read, cache write) tokens of the message's reply; zeros when unknown.

    `input` is the input *not* read from or written to the cache, whatever the source's
    convention: Anthropic counts cached input apart (`cache_read_input_tokens`), OpenAI /
    Codex include it in `input_tokens` (`cached_input_tokens` is part of it), so it is
    taken out here and the four numbers add up to what the reply cost.
    """
    u = usage(data) or {}
    output = _count(u, "output_tokens") or _count(u, "completion_tokens")
    if "cache_read_input_tokens" in u or "cache_creation_input_tokens" in u:
        return (
            _count(u, "input_tokens"),
            output,
            _count(u, "cache_read_input_tokens"),
            _count(u, "cache_creation_input_tokens"),
        )
    total_input = _count(u, "input_tokens") or _count(u, "prompt_tokens")
    cached = _count(u, "cached_input_tokens")
    details = u.get("prompt_tokens_details") or u.get("input_tokens_details")
    if not cached and isinstance(details, dict):
        cached = _count(details, "cached_tokens")
    cached = min(cached, total_input)
    return (total_input - cached, output, cached, 0)


def _count(mapping: Any, name: str) -> int:
    """A token count: a positive int, else 0 (a bool, a string, a negative number are not counts)."""
    value = mapping.get(name)
    return value if type(value) is int and value > 0 else 0


def model(data: dict[str, Any]) -> str | None:
    """The model that wrote a reply, when the source says."""
    value = data.get("model")
    return value if isinstance(value, str) and value else None


def reply_id(data: dict[str, Any]) -> str | None:
    """The API reply id (usage counts once per id), when the source has one."""
    value = data.get("message_id")
    return value if isinstance(value, str) and value else None


def source_ids(data: dict[str, Any]) -> list[str]:
    """The source records' own ids behind this message (first one first)."""
    ids = [data["uuid"]] if isinstance(data.get("uuid"), str) else []
    extra = data.get("uuids")
    if isinstance(extra, list):
        ids += [u for u in extra if isinstance(u, str)]
    return ids


def copied_from(data: dict[str, Any]) -> int | None:
    """The id of the message this one is a copy of (see `MessageData.copied_from`), or None."""
    value = data.get("copied_from") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def command(data: dict[str, Any]) -> Command | None:
    """The slash command or bash-mode entry a message records, or None."""
    value = data.get("command")
    return value if isinstance(value, dict) else None  # type: ignore[return-value]


def is_boundary(data: dict[str, Any]) -> bool:
    """True for a compaction boundary (drawn as a divider)."""
    return isinstance(data, dict) and data.get("kind") == MessageKind.COMPACT_BOUNDARY.value


def is_api_error(data: dict[str, Any]) -> bool:
    """True for a reply the agent wrote for a failed API call (never sent to the model)."""
    return isinstance(data, dict) and data.get("api_error") is True


def compaction(data: dict[str, Any]) -> tuple[str | None, int | None]:
    """(trigger, tokens before) of a compaction boundary, each None when unknown."""
    trigger = data.get("trigger") if isinstance(data, dict) else None
    pre = data.get("pre_tokens") if isinstance(data, dict) else None
    return (
        trigger if isinstance(trigger, str) and trigger else None,
        pre if isinstance(pre, int) and not isinstance(pre, bool) else None,
    )


def is_error_result(result: ToolResult) -> bool:
    """True when a tool result reports a failure (flagged, or a non-zero exit code)."""
    if result.get("is_error") is True:
        return True
    code = result_exit_code(result)
    return code is not None and code != 0


#: Codex's exec_command output starts with a header ("Chunk ID: …", "Wall time: …",
#: "Process exited with code N", "Original token count: …") and then "Output:".
_EXEC_HEADER = re.compile(r"\AChunk ID: [^\n]*\n(?:[^\n]*\n)*?Output:\n?")
_EXIT_CODE = re.compile(r"^Process exited with code (-?\d+)$", re.M)


def _codex_envelope(output: str) -> tuple[str, int | None] | None:
    """The text and exit code inside a Codex output envelope, or None when it is not one.

    Codex wraps a custom tool's output (apply_patch) as a JSON string
    `{"output": …, "metadata": {"exit_code": …}}` and an exec_command's output in a text
    header; a reader wants the output itself and whether the command failed."""
    if output.startswith('{"output":'):
        try:
            envelope = json.loads(output)
        except ValueError:
            return None
        if isinstance(envelope, dict) and isinstance(envelope.get("output"), str):
            meta = envelope.get("metadata")
            code = meta.get("exit_code") if isinstance(meta, dict) else None
            return envelope["output"], code if isinstance(code, int) and not isinstance(code, bool) else None
        return None
    header = _EXEC_HEADER.match(output)
    if header is None:
        return None
    code_match = _EXIT_CODE.search(header.group(0))
    return output[header.end():], int(code_match.group(1)) if code_match else None


def result_output(result: ToolResult) -> str:
    """What a tool printed, as a reader wants it (Codex's envelopes unwrapped)."""
    output = result.get("output") or ""
    envelope = _codex_envelope(output)
    return output if envelope is None else envelope[0]


def result_exit_code(result: ToolResult) -> int | None:
    """The exit code a tool result reports, when its source records one (Codex)."""
    envelope = _codex_envelope(result.get("output") or "")
    return None if envelope is None else envelope[1]


# --- one-line summaries of tool calls --------------------------------------------------

#: The input field that says most about a call of each well-known tool.
_SUMMARY_FIELDS: dict[str, tuple[str, ...]] = {
    "Bash": ("command",),
    "Read": ("file_path",),
    "Write": ("file_path",),
    "Edit": ("file_path",),
    "MultiEdit": ("file_path",),
    "NotebookEdit": ("notebook_path",),
    "Glob": ("pattern",),
    "Grep": ("pattern",),
    "Task": ("description",),
    "Agent": ("description",),
    "WebFetch": ("url",),
    "WebSearch": ("query",),
    "TodoWrite": (),
    "exec_command": ("cmd", "command"),
    "shell": ("command", "cmd"),
    "local_shell": ("command",),
    "web_search": ("query",),
    "update_plan": ("explanation",),
    "view_image": ("path",),
}

_GENERIC_FIELDS = ("command", "cmd", "file_path", "path", "pattern", "query", "url", "description", "prompt")


def _first_line(text: str, width: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        # Codex shell calls pass argv; `bash -lc "…"` is shown as the script it runs.
        if len(value) >= 3 and value[0] in ("bash", "sh", "zsh") and value[1] in ("-lc", "-c"):
            return value[2]
        return shlex.join(value)
    return ""


def patch_files(patch: str) -> int:
    """How many files an `apply_patch` body touches."""
    return sum(1 for line in patch.splitlines() if line.startswith(("*** Add File:", "*** Update File:", "*** Delete File:")))


def tool_summary(call: ToolCall) -> str:
    """A one-line summary of a call's input: `pytest -q tests/store`, `store/models.py`, `2 files`."""
    name = call.get("name") or ""
    raw = call.get("input")
    if name == "apply_patch":
        text = raw if isinstance(raw, str) else (raw.get("input") if isinstance(raw, dict) else None)
        if isinstance(text, str):
            n = patch_files(text)
            return f"{n} file" if n == 1 else f"{n} files"
    if name == "TodoWrite" and isinstance(raw, dict) and isinstance(raw.get("todos"), list):
        n = len(raw["todos"])
        return f"{n} todo" if n == 1 else f"{n} todos"
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return _first_line(raw)
    if isinstance(raw, dict):
        for field in _SUMMARY_FIELDS.get(name, ()) + _GENERIC_FIELDS:
            text = _as_text(raw.get(field))
            if text.strip():
                return _first_line(text)
        for value in raw.values():
            text = _as_text(value)
            if text.strip():
                return _first_line(text)
        return ""
    return _first_line(_as_text(raw))


def tool_input_text(call: ToolCall) -> str:
    """A call's whole input as readable text: the script or patch itself, else `key: value` lines."""
    raw = call.get("input")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.lstrip().startswith("{") else raw
        except ValueError:
            pass
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, dict):
        return json.dumps(raw, ensure_ascii=False, default=str)
    if len(raw) == 1 and isinstance(next(iter(raw.values())), str):
        return next(iter(raw.values()))
    lines: list[str] = []
    for key, value in raw.items():
        text = value if isinstance(value, str) else _as_text(value) or json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"{key}:\n{text}" if "\n" in text else f"{key}: {text}")
    return "\n".join(lines)
