"""How the commands print: tables, one-line summaries, JSON, and problems on stderr.

Transcript text is untrusted: every piece of it printed for a person goes through
`tui.safe_text.clean_line`, so escape sequences in a session never reach the terminal.
"""

from __future__ import annotations

import sys
from typing import Any

from store import Message, Thread
from tui.safe_text import clean_line, json_text

from .parsing import PROG


def dump(value: Any) -> str:
    def plain(v: Any) -> Any:
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json")
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v

    return json_text(plain(value), indent=2)


def plural(count: int, word: str) -> str:
    """"1 thread", "2 threads"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def problem(text: str) -> None:
    """A problem for the person: on stderr, so stdout stays the result."""
    print(text, file=sys.stderr)


def when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def short(text: str | None, width: int) -> str:
    line = clean_line(text or "").strip()
    return line if len(line) <= width else line[: width - 1] + "…"


def table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def describe_thread(t: Thread) -> str:
    """A few lines about a thread, for write commands."""
    head = f"head {t.current_leaf_id}" if t.current_leaf_id is not None else "empty"
    lines = [
        f"thread {t.id}: {short(t.title, 70) or 'Untitled'}",
        f"  {plural(t.message_count, 'message')}, {plural(t.leaf_count, 'leaf').replace('leafs', 'leaves')}, {head},"
        f" {short(t.source, 20)}, updated {when(t.updated_at)}",
    ]
    return "\n".join(lines)


def summary(m: Message) -> str:
    text = m.content
    if not text.strip():
        calls = m.data.get("tool_calls") or []
        names = ", ".join(str(c.get("name")) for c in calls if isinstance(c, dict))
        text = f"[tool call: {names}]" if names else ""
    if m.data.get("kind") == "compact_boundary":
        text = "── conversation compacted ──"
    return short(text, 72)


def fail(message: str, code: int) -> int:
    """Say what went wrong on stderr, in one cleaned line; returns the exit code."""
    message = clean_line(message).strip()
    print(f"{PROG}: {message}", file=sys.stderr)
    return code
