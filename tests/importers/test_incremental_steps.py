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
from store.schema import MIGRATIONS

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


DATA = Path(__file__).parent / "data"


async def test_a_schema_6_database_resumes_its_files_from_the_old_state(tmp_path: Path) -> None:
    """A database written before import_aliases (schema 6: the parser's whole memory in
    import_files.state) is migrated, and the next import resumes both files where they were
    read to: the new lines (a rewind branch under an old message, a Codex rollback) land
    exactly where one import of the whole files puts them."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    files = sorted(DATA.glob("*.jsonl"))
    for source in files:
        shutil.copy(source, sessions / source.name)
    db = tmp_path / "v6.db"
    conn = sqlite3.connect(db)
    for script in MIGRATIONS[:6]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 6")
    conn.executescript((DATA / "v6-database.sql").read_text().replace("@DIR@", str(sessions.resolve())))
    conn.close()
    async with Store.open(db, clock=Clock()) as store:
        report = await import_paths(store, [sessions])
        assert report.errors == []
        assert report.messages == 4 + 2  # the messages after the lines schema 6 had read
        await assert_invariants(store)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 7
        states = [json.loads(s) for (s,) in conn.execute("SELECT state FROM import_files ORDER BY format")]
        assert "alias" not in states[0] and set(states[0]["window"]["alias"]) >= {"a11", "a12"}
        assert "parents" not in states[1]
        # The old memory was written out: every uuid of the session can be read back.
        uuids = {u for (u,) in conn.execute("SELECT uuid FROM import_aliases")}
        assert uuids == {"a0", "p1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "p9", "a10", "a11", "a12"}
    finally:
        conn.close()
    async with Store.open(tmp_path / "whole.db", clock=Clock()) as store:
        await import_paths(store, [sessions])
    assert snapshot(db) == snapshot(tmp_path / "whole.db")


def _entry(index: int, parent: str | None, role: str = "") -> bytes:
    role = role or ("user" if index % 2 == 0 else "assistant")
    record = {
        "type": role,
        "uuid": f"u{index}",
        "parentUuid": parent,
        "sessionId": "long-session",
        "timestamp": f"2026-01-01T{index // 3600:02d}:{index // 60 % 60:02d}:{index % 60:02d}.000Z",
        "message": {"role": role, "content": [{"type": "text", "text": f"line {index}"}]},
    }
    return (json.dumps(record) + "\n").encode()


async def test_the_saved_state_stays_small_however_long_the_session(tmp_path: Path) -> None:
    """The state kept per file does not grow with the session; a line naming the very first
    message of a long one (far outside the saved window) still hangs under it."""
    sizes = []
    for count in (300, 3000):
        session = tmp_path / str(count) / "long-session.jsonl"
        session.parent.mkdir()
        session.write_bytes(b"".join(_entry(i, f"u{i - 1}" if i else None) for i in range(count)))
        async with Store.open(tmp_path / f"{count}.db", clock=Clock()) as store:
            await import_paths(store, [session])
            with open(session, "ab") as out:
                out.write(_entry(count + 1, "u0", role="assistant"))  # a second reply to the first prompt
            report = await import_paths(store, [session])
            assert (report.messages, report.errors) == (1, [])
            [thread] = await store.list_threads()
            first = (await store.path(thread.id))[0]
            kids = await store.children(first.id)
            assert [k.content for k in kids] == ["line 1", f"line {count + 1}"]
            await assert_invariants(store)
        conn = sqlite3.connect(tmp_path / f"{count}.db")
        sizes.append(conn.execute("SELECT length(state) FROM import_files").fetchone()[0])
        conn.close()
    assert sizes[1] < 1.2 * sizes[0] and sizes[1] < 100_000, sizes
