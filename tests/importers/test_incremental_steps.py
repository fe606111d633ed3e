"""Importing a session as it grows, in several steps, gives exactly what one import of the
whole file gives: the same threads, messages, parents, heads, titles and totals.

Every Claude Code and Codex fixture is cut at several line boundaries and imported after each
cut, with the parser's saved window shrunk to two uuids, so that nearly every earlier uuid a
line names is read back from `import_aliases` rather than found in the saved state.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from store import Store
from store.importers import import_paths, memory

from .helpers import CLAUDE, CODEX, Clock, assert_invariants

FIXTURE_FILES = sorted([*CLAUDE.rglob("*.jsonl"), *CODEX.rglob("*.jsonl")])


def _copy_tree(tmp_path: Path) -> tuple[Path, dict[Path, list[bytes]]]:
    root = tmp_path / "sessions"
    lines: dict[Path, list[bytes]] = {}
    for source in FIXTURE_FILES:
        base = CLAUDE if source.is_relative_to(CLAUDE) else CODEX
        target = root / base.name / source.relative_to(base)
        target.parent.mkdir(parents=True, exist_ok=True)
        lines[target] = source.read_bytes().splitlines(keepends=True)
    return root, lines


def _cut(count: int, share: float) -> int:
    """A line boundary at `share` of the file, never before the first line (a Codex file must
    show its first record, or it is taken for Claude Code)."""
    return max(1, min(count, int(count * share)))


def snapshot(db: Path) -> dict[str, Any]:
    """Everything an import decides, keyed by the sources' own ids (not by row ids)."""
    conn = sqlite3.connect(db)
    try:
        key = {tid: (source, skey) for tid, source, skey in conn.execute("SELECT id, source, source_key FROM threads")}
        mkey = dict(conn.execute("SELECT id, source_key FROM messages"))
        threads = {}
        for row in conn.execute(
            "SELECT id, title, project, hidden, message_count, leaf_count, input_tokens, output_tokens,"
            " parent_thread_id, parent_message_id, forked_from_thread_id, current_leaf_id FROM threads"
        ):
            threads[key[row[0]]] = (
                *row[1:8],
                key.get(row[8]),
                mkey.get(row[9]),
                key.get(row[10]),
                mkey.get(row[11]),
            )
        messages = {}
        for row in conn.execute(
            "SELECT thread_id, source_key, parent_id, role, content, data, status, created_at, depth, child_count FROM messages"
        ):
            data = json.loads(row[5]) if row[5] else None
            messages[(key[row[0]], row[1])] = (mkey.get(row[2]), row[3], row[4], data, *row[6:])
        return {"threads": threads, "messages": messages}
    finally:
        conn.close()


@pytest.mark.parametrize("shares", [(0.5,), (0.2, 0.45, 0.7, 0.9), (0.33, 0.34, 0.66)])
async def test_steps_give_what_one_import_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shares: tuple[float, ...]) -> None:
    monkeypatch.setattr(memory, "WINDOW", 2)
    root, lines = _copy_tree(tmp_path)
    async with Store.open(tmp_path / "steps.db", clock=Clock()) as store:
        for share in (*shares, 1.0):
            for target, content in lines.items():
                target.write_bytes(b"".join(content[: _cut(len(content), share)]))
            await import_paths(store, [root])
        await assert_invariants(store)
    async with Store.open(tmp_path / "whole.db", clock=Clock()) as store:
        await import_paths(store, [root])
    stepwise, whole = snapshot(tmp_path / "steps.db"), snapshot(tmp_path / "whole.db")
    assert stepwise["threads"].keys() == whole["threads"].keys()
    for k in whole["threads"]:
        assert stepwise["threads"][k] == whole["threads"][k], k
    assert stepwise["messages"].keys() == whole["messages"].keys()
    for k in whole["messages"]:
        assert stepwise["messages"][k] == whole["messages"][k], k
