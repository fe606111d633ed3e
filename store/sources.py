"""Where a thread comes from: the agent or tool that wrote it (`Thread.source`)."""

from __future__ import annotations

from enum import StrEnum


class Source(StrEnum):
    """A thread's source, as stored in `threads.source`; also the name of its import format."""

    CLAUDE_CODE = "claude-code"
    CODEX = "codex"
    CHATGPT = "chatgpt"
    GROVE = "grove"
    """Made in Grove itself, or read back from a Grove JSON export."""


AGENT_NAMES: dict[str, str] = {Source.CLAUDE_CODE: "Claude Code", Source.CODEX: "Codex"}
"""The agents a thread can be resumed in, by their names in prose."""
