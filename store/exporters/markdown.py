"""Markdown export of a thread's active path: roles, times, and tool calls folded away.

Tool calls and tool results go into `<details>` blocks so the conversation reads first;
a compaction shows as a horizontal rule. Transcript text is written as Markdown (readers
render it), made safe to view: terminal control sequences are stripped (the file may be
`cat` to a terminal), a message cannot swallow what follows it (an unclosed code fence is
closed at its end, `<!--` is escaped), code goes in a fence longer than any inside it,
and text put inside HTML (summaries, the title) is escaped.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from ..models import Message, Thread


# ESC/C1-introduced sequences (CSI, OSC, DCS, SOS/PM/APC, two-byte ESC), then any other
# control but tab and newline: a Markdown file is text, none of them belongs in it.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?",
    re.DOTALL,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")


def _plain(text: str) -> str:
    """`text` without terminal control sequences or other controls (tab and newline stay)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text.replace("\r\n", "\n")))


def _line(text: str) -> str:
    """One line of plain text, HTML-escaped (for a heading, a summary, a fact)."""
    return html.escape(" ".join(_plain(text).split()), quote=False)


def _contained(text: str) -> str:
    """Markdown text that cannot run into what follows it: `<!--` outside code is escaped
    (else the rest of the file would be a comment) and a fence left open is closed."""
    out: list[str] = []
    open_fence: str | None = None
    for line in _plain(text).split("\n"):
        match = _FENCE_LINE.match(line)
        if open_fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                open_fence = match.group(1)
            else:
                line = line.replace("<!--", "&lt;!--")
        elif match and match.group(1)[0] == open_fence[0] and len(match.group(1)) >= len(open_fence) and not match.group(2).strip():
            open_fence = None
        out.append(line)
    if open_fence is not None:
        out.append(open_fence)
    return "\n".join(out)


def _time(message: Message) -> str:
    return message.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _fence(text: str) -> str:
    """`text` in a code fence longer than any run of backticks inside it."""
    text = _plain(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def _details(summary: str, body: str) -> str:
    return f"<details>\n<summary>{_line(summary)}</summary>\n\n{_fence(body)}\n\n</details>"


def render(thread: Thread, path: list[Message]) -> str:
    """The Markdown text for a thread and its active path."""
    out = [f"# {_line(thread.title or '') or 'Untitled thread'}", ""]
    facts = [f"source: {_line(thread.source)}"]
    if thread.project:
        facts.append(f"project: {_line(thread.project)}")
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
            out += [_contained(m.content), ""]
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
