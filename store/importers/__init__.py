"""Importing transcripts from other tools into the store.

The public entry points, for the CLI, the app's import screen and `grove watch`:

- `await import_paths(store, paths, *, format="auto", on_progress=None) -> ImportReport`
  imports files and folders (a Claude Code session file, a project folder or the whole
  projects tree, Codex rollouts, a ChatGPT `conversations.json`, a Grove JSON export).
  Calling it again on the same paths adds only what was appended since (each JSONL file's
  read offset and a small checkpoint of its parser's state are kept in `import_files`), so a
  follower can simply call it whenever a file changes. `on_progress(done_bytes, total_bytes,
  path)` is called after each file.
- `discover_sessions(home=None) -> list[SessionFile]` finds the session files in the
  standard places (`~/.claude/projects`, `~/.codex/sessions`).

Where things live: `discovery` finds files and recognises formats, `registry` says which
parser reads which source (one module per format: `claude_code`, `codex`, `chatgpt`,
`grove_json`), `lines` reads a JSONL file from where the last import stopped, `values` holds
the one timestamp parser and the checks on numbers SQLite cannot hold, and `pipeline` runs an
import: parse off the event loop, one transaction per file, the report.
"""

from __future__ import annotations

from .discovery import SessionFile, detect_format, discover_sessions, expand_paths
from .lines import LineError
from .parsing import encode_data
from .pipeline import ImportReport, ProgressCallback, import_paths
from .registry import FORMATS

__all__ = [
    "FORMATS",
    "ImportReport",
    "LineError",
    "ProgressCallback",
    "SessionFile",
    "detect_format",
    "discover_sessions",
    "encode_data",
    "expand_paths",
    "import_paths",
]
