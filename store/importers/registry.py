"""Which parser reads which source: one `Format` per source, looked up, never an `if` chain.

A JSONL format (Claude Code, Codex) has a *line parser*: fed one JSON object per line in
file order, then finished; its state (`state()`) is saved in `import_files` so that the next
import resumes after the last line read. A whole-file format (ChatGPT, Grove JSON) has a
*document parser*, given the decoded document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..parsed import ParsedThread
from ..sources import Source
from . import chatgpt, claude_code, codex, grove_json
from .lines import LineError
from .memory import AliasRow, Recall


class LineParser(Protocol):
    """A JSONL format's parser."""

    def feed(self, number: int, obj: dict[str, Any]) -> None:
        """Take the JSON object on line `number` (lines come in file order)."""

    def finish(self) -> list[ParsedThread]:
        """The threads with something new since the parser was made."""

    def state(self) -> dict[str, Any] | None:
        """What the next import needs to resume after the last line fed (JSON-able, small)."""

    def aliases(self) -> list[AliasRow]:
        """Memory to write to `import_aliases` with the batch (read back by later rounds)."""


class LineParserFactory(Protocol):
    def __call__(
        self,
        path: Path,
        state: dict[str, Any] | None,
        errors: list[LineError],
        *,
        thread_key: str | None = None,
        recall: Recall | None = None,
    ) -> LineParser: ...


DocumentParser = Callable[[Path, Any, list[LineError]], list[ParsedThread]]


@dataclass(frozen=True)
class Format:
    """How one source's files are read."""

    source: Source
    version: int
    """The version of the format's rules. Raise it when a change alters what an already
    imported file becomes (its tree, kinds, titles): each file read by an older version is read
    again on the next import and its threads rebuilt (`bulk.ParsedThread.rebuild`)."""
    line_parser: LineParserFactory | None = None
    document_parser: DocumentParser | None = None
    natural_key: Callable[[Path], str] | None = None
    """The main thread's key from the file's name alone (a session file named by its id)."""
    state_key: str | None = None
    """The field of the saved parser state that holds the main thread's key."""


FORMATS: dict[Source, Format] = {
    # claude-code 1: commands, bash mode and caveats linearised, not branches (issue 8).
    Source.CLAUDE_CODE: Format(
        Source.CLAUDE_CODE, 1, line_parser=claude_code.ClaudeCodeParser, natural_key=claude_code.natural_key, state_key="main"
    ),
    # codex 1: reasoning summaries written as kind `thinking` (was `reasoning`).
    # codex 2: a prompt from the IDE extension is titled by its request, not its file list.
    Source.CODEX: Format(Source.CODEX, 2, line_parser=codex.CodexParser, natural_key=codex.natural_key, state_key="key"),
    Source.CHATGPT: Format(Source.CHATGPT, 0, document_parser=chatgpt.parse_document),
    Source.GROVE: Format(Source.GROVE, 0, document_parser=grove_json.parse_document),
}

