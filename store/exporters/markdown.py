"""Markdown export of a thread's active path: roles, times, and tool calls folded away.

Tool calls and tool results go into `<details>` blocks so the conversation reads first;
a compaction shows as a horizontal rule. Transcript text is written as it is (Markdown
readers render it); nothing here is meant for a terminal.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Message, Thread


def _time(message: Message) -> str:
    return message.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}\n{text}\n{fence}"


def _details(summary: str, body: str) -> str:
    return f"<details>\n<summary>{summary}</summary>\n\n{_fence(body)}\n\n</details>"


def render(thread: Thread, path: list[Message]) -> str:
    """The Markdown text for a thread and its active path."""
    out = [f"# {thread.title or 'Untitled thread'}", ""]
    facts = [f"source: {thread.source}"]
    if thread.project:
        facts.append(f"project: `{thread.project}`")
    facts.append(f"{len(path)} of {thread.message_count} messages on the active path")
    out += ["*" + " · ".join(facts) + "*", ""]
    for m in path:
        kind = m.data.get("kind")
        if kind == "compact_boundary":
            out += ["---", "", f"*Conversation compacted · {_time(m)}*", "", "---", ""]
            continue
        out.append(f"## {m.role.value} · {_time(m)}")
        out.append("")
        if m.role.value == "tool":
            results = [r for r in m.data.get("tool_results", []) or [] if isinstance(r, dict)]
            ids = ", ".join(str(r.get("tool_use_id")) for r in results)
            # The whole output is in data (content holds only its first line).
            outputs = [r["output"] for r in results if isinstance(r.get("output"), str)]
            body = "\n\n".join(outputs) if outputs else m.content
            out += [_details(f"tool result{(' ' + ids) if ids else ''}", body), ""]
            continue
        if m.content.strip():
            out += [m.content, ""]
        for call in m.data.get("tool_calls", []) or []:
            if not isinstance(call, dict):
                continue
            call_input = call.get("input")
            text = call_input if isinstance(call_input, str) else json.dumps(call_input, indent=2, ensure_ascii=False)
            out += [_details(f"tool call: {call.get('name')}", text), ""]
    return "\n".join(out).rstrip() + "\n"


async def export_markdown(store: Any, thread_id: int) -> str:
    """The active path of a thread as Markdown (NotFound if there is no such thread)."""
    thread = await store.get_thread(thread_id)
    path = await store.path(thread_id)
    return render(thread, path)
