"""A path's conversation as an agent can take it back: prompts, replies, paired tool results.

`grove resume` writes a thread's path as a new Claude Code or Codex session. Both agents
send the conversation back to a model API that refuses a tool call without its result, a
result without its call, or empty text, so the path is first brought into that shape here
(one list of `Turn`s, format-neutral) and `claude_code.py` / `codex.py` only spell it.

What each kind of message (see `store.payloads`) becomes:

| kind | written as |
|---|---|
| prompt | a prompt (text) |
| reply | a reply: its text and the tool calls whose results are on the path; thinking is left out (a signature would not verify, and Codex's is encrypted) |
| tool_result | the results of the preceding reply's calls, moved right after that reply; a result whose call is not on the path is left out |
| compact_boundary, compact_summary | one compaction: the agent's own divider and the summary it continues from |
| thinking, command, meta, instructions, context, notice | left out: the agent's own bookkeeping (it injects its instructions and context again when it resumes), local command output, or notices |

Messages written in Grove carry no payload: a user message is a prompt, an assistant message
a reply, and a tool message (no call to answer) a prompt. A reply the agent marked as an API
error is left out (the agent never sends those to the model either).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..models import Message, Role
from ..payloads import MessageKind, ToolCall, ToolResult, is_api_error, message_kind, tool_calls, tool_results

#: What Claude Code writes as a compaction boundary's text.
BOUNDARY_TEXT = "Conversation compacted"


@dataclass
class Turn:
    """One entry of the conversation to write, from one message of the path."""

    kind: str
    """prompt, reply, results or compaction."""
    message: Message
    """The message of the path it comes from."""
    text: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    results: list[ToolResult] = field(default_factory=list)
    summary: str | None = None
    """compaction: the summary the conversation continued from, when known."""
    summary_message: Message | None = None
    """compaction: the message holding that summary, when it is not `message` itself."""

    @property
    def created_at(self) -> datetime:
        return self.message.created_at


def _call_id(call: ToolCall) -> str | None:
    value = call.get("id")
    return value if isinstance(value, str) and value else None


def _result_id(result: ToolResult) -> str | None:
    value = result.get("tool_use_id")
    return value if isinstance(value, str) and value else None


def pending_calls(path: list[Message]) -> set[str]:
    """Ids of the tool calls on the path whose result is not on it."""
    calls: set[str] = set()
    answered: set[str] = set()
    for m in path:
        calls.update(i for i in map(_call_id, tool_calls(m.data)) if i)
        answered.update(i for i in map(_result_id, tool_results(m.data)) if i)
    return calls - answered


def answers(message: Message) -> set[str]:
    """Ids of the calls a message gives results for."""
    return {i for i in map(_result_id, tool_results(message.data)) if i}


def turns_of(path: list[Message]) -> list[Turn]:
    """The conversation of `path` (root first), ready to write (see the module docstring)."""
    # Where each call's first result is, so that a call without one is left out.
    answered_at: dict[str, int] = {}
    for index, m in enumerate(path):
        for call_id in answers(m):
            answered_at.setdefault(call_id, index)
    consumed: set[int] = set()
    out: list[Turn] = []
    for index, m in enumerate(path):
        if index in consumed:
            continue
        kind = message_kind(m.role, m.data)
        if kind is MessageKind.PROMPT:
            if m.content.strip():
                out.append(Turn("prompt", m, text=m.content))
        elif kind is MessageKind.REPLY:
            if is_api_error(m.data):
                continue
            seen: set[str] = set()
            calls: list[ToolCall] = []
            for call in tool_calls(m.data):
                made = _call_id(call)
                if made and made not in seen and answered_at.get(made, -1) > index:
                    seen.add(made)
                    calls.append(call)
            text = m.content if m.content.strip() else ""
            if not text and not calls:
                continue
            out.append(Turn("reply", m, text=text, calls=calls))
            # The results follow their reply at once (what both APIs require), wherever
            # they were on the path (a Codex reply's parallel calls are separate messages).
            remaining = set(seen)
            for later in range(index + 1, len(path)):
                if not remaining:
                    break
                if later in consumed:
                    continue
                results: list[ToolResult] = []
                for result in tool_results(path[later].data):
                    result_id = _result_id(result)
                    if result_id in remaining:
                        remaining.discard(result_id)
                        results.append(result)
                if results:
                    consumed.add(later)
                    out.append(Turn("results", path[later], results=results))
        elif kind is MessageKind.TOOL_RESULT:
            if not tool_results(m.data) and m.role is Role.TOOL and m.content.strip():
                out.append(Turn("prompt", m, text=m.content))  # written in Grove: no call to answer
            # else: results whose call is not on the path (or came before it): left out.
        elif kind is MessageKind.COMPACT_BOUNDARY:
            out.append(Turn("compaction", m, text=m.content))
        elif kind is MessageKind.COMPACT_SUMMARY:
            last = out[-1] if out else None
            if last is not None and last.kind == "compaction" and last.summary is None:
                last.summary, last.summary_message = m.content, m
            else:
                out.append(Turn("compaction", m, text=BOUNDARY_TEXT, summary=m.content))
        # thinking, command, meta, instructions, context, notice: left out.
    return out


def summary_of(turn: Turn) -> str:
    """A compaction's summary text: its summary message, else the boundary's own text (Codex)."""
    if turn.summary:
        return turn.summary
    return "" if turn.text.strip() == BOUNDARY_TEXT else turn.text
