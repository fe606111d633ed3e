"""Finding the files to import and recognising their format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..sources import Source
from .lines import open_regular

_CODEX_RECORDS = ("session_meta", "response_item", "event_msg", "turn_context")


@dataclass
class SessionFile:
    """A file to import and its format (a `Source` value)."""

    path: Path
    format: str


def discover_sessions(home: Path | str | None = None) -> list[SessionFile]:
    """Session files in `~/.claude/projects` and `~/.codex/sessions` (under `home`).

    Without `home`, the agents' own settings decide, as they do for `grove resume`:
    `$CLAUDE_CONFIG_DIR/projects` and `$CODEX_HOME/sessions` when set.
    """
    from ..exporters.claude_code import claude_dir
    from ..exporters.codex import codex_home

    base = Path(home).expanduser() if home is not None else None
    found: list[SessionFile] = []
    claude = (base / ".claude" if base is not None else claude_dir()) / "projects"
    if claude.is_dir():
        found += _claude_files(claude)
    codex_dir = (base / ".codex" if base is not None else codex_home()) / "sessions"
    if codex_dir.is_dir():
        found += [SessionFile(p, Source.CODEX) for p in sorted(codex_dir.rglob("rollout-*.jsonl")) if p.is_file()]
    return found


def _claude_files(folder: Path) -> list[SessionFile]:
    files = [p for p in folder.rglob("*.jsonl") if p.is_file()]
    # Sessions before their subagents, so a child finds its parent thread at once.
    files.sort(key=lambda p: (p.stem.startswith("agent-"), str(p)))
    return [SessionFile(p, Source.CLAUDE_CODE) for p in files]


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and first bytes."""
    name = path.name
    if name.endswith(".json"):
        try:
            with open_regular(path) as f:  # never a FIFO or a device (see open_regular)
                head = f.read(4096)
        except OSError:
            return Source.CHATGPT
        return Source.GROVE if b'"grove"' in head and b'"format"' in head else Source.CHATGPT
    if name.startswith("rollout-"):
        return Source.CODEX
    try:
        with open_regular(path) as f:
            first = f.readline(65536)
        obj = json.loads(first)
        if isinstance(obj, dict) and obj.get("type") in _CODEX_RECORDS:
            return Source.CODEX
    except (OSError, ValueError, RecursionError):  # a first line nested 100,000 deep: not Codex
        pass
    return Source.CLAUDE_CODE


def expand_paths(paths: Iterable[Path | str], format: str = "auto") -> list[SessionFile]:
    """The files to import for the given files and folders."""
    out: list[SessionFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            out += _folder_files(path, format)
        else:
            out.append(SessionFile(path, detect_format(path) if format == "auto" else format))
    seen: set[Path] = set()
    unique = []
    for f in out:
        if f.path not in seen:
            seen.add(f.path)
            unique.append(f)
    return unique


def _folder_files(path: Path, format: str) -> list[SessionFile]:
    out: list[SessionFile] = []
    if format in ("auto", Source.CLAUDE_CODE):
        jsonl = [p for p in path.rglob("*.jsonl") if p.is_file()]
        codex_files = [p for p in jsonl if format == "auto" and detect_format(p) == Source.CODEX]
        rest = [p for p in jsonl if p not in set(codex_files)]
        rest.sort(key=lambda p: (p.stem.startswith("agent-"), str(p)))
        out += [SessionFile(p, Source.CLAUDE_CODE) for p in rest]
        out += [SessionFile(p, Source.CODEX) for p in sorted(codex_files)]
    elif format == Source.CODEX:
        out += [SessionFile(p, Source.CODEX) for p in sorted(path.rglob("*.jsonl")) if p.is_file()]
    if format in ("auto", Source.CHATGPT, Source.GROVE):
        for p in sorted(path.rglob("*.json")):
            if p.name.endswith(".meta.json") or not p.is_file():
                continue
            fmt = detect_format(p) if format == "auto" else format
            # In a folder, only files that look like exports (not every JSON file around).
            if format == "auto" and fmt == Source.CHATGPT and not p.name.startswith("conversations"):
                continue
            out.append(SessionFile(p, fmt))
    return out
