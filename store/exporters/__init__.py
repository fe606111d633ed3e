"""Writing threads out: Grove JSON (the whole thread, full fidelity) and Markdown (the active path).

- `await export_json(store, thread_id) -> dict` — the document `grove import` reads back
  (`store.importers.grove_json`); `json.dumps` it to write a file.
- `await export_markdown(store, thread_id) -> str` — the active path for people to read.
"""

from __future__ import annotations

from .grove_json import export_json
from .markdown import export_markdown

__all__ = ["export_json", "export_markdown"]
