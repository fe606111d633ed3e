"""The command line with hostile data and careful commands (issue 10, items 11, 14, 22, 23):
outside fields cleaned, JSON with C1/DEL escaped, problems on stderr with a non-zero exit,
plural forms, checkpoint --force, switch, rename and delete."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
from pathlib import Path

from store import Store

from .test_cli import CLAUDE, fails, grove, ok

HOSTILE_SOURCE = "x\x1b]0;owned\x07\x1b]52;c;SGVsbG8=\x07y"
C1_TITLE = "t\x9b31m\x7fz"


def _make_db(path: Path) -> tuple[int, list[int]]:
    async def build() -> tuple[int, list[int]]:
        async with Store.open(path) as store:
            t = await store.create_thread(C1_TITLE, source=HOSTILE_SOURCE)
            a = await store.append(t.id, "user", "hello \x9b2J there")
            b = await store.append(t.id, "assistant", "hi", data={"score": math.nan})
            c = await store.append(t.id, "user", "again")
            return t.id, [a.id, b.id, c.id]

    return asyncio.run(build())


def test_outside_fields_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    tid, _ = _make_db(db)
    for args in (["threads"], ["show", str(tid)], ["tree", str(tid)], ["rename", str(tid), "New"]):
        out = ok(grove(*args, db=db))
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, args
    assert "xy" in ok(grove("threads", db=db))


def test_json_output_escapes_c1_and_del_and_has_no_nan(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    tid, _ = _make_db(db)
    for args in (["threads", "--json"], ["show", str(tid), "--json"], ["export", str(tid)]):
        out = ok(grove(*args, db=db))
        assert not any(0x7F <= ord(ch) <= 0x9F for ch in out), args
        assert "\x1b" not in out and "NaN" not in out, args
        json.loads(out)  # still valid JSON, the same text once decoded
    threads = json.loads(ok(grove("threads", "--json", db=db)))
    assert threads[0]["title"] == C1_TITLE and threads[0]["source"] == HOSTILE_SOURCE


def test_problems_go_to_stderr_and_make_the_exit_code_non_zero(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    missing = grove("import", "/nonexistent/nowhere.jsonl", db=db)
    assert missing.returncode == 1
    assert "nowhere" not in missing.stdout and "no such file or folder" in missing.stderr
    bad = grove("import", str(CLAUDE / "edge_cases.jsonl"), db=db)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "problems (the rest was imported)" in bad.stderr and "duplicate uuid" in bad.stderr
    assert "problem" not in bad.stdout and bad.stdout.startswith("Imported ")


def test_plural_forms_and_an_empty_file(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    one = ok(grove("import", str(CLAUDE / "dag_simple.jsonl"), db=db))
    assert "into 1 thread (1 new) from 1 file." in one
    empty = tmp_path / "new.jsonl"
    empty.write_bytes(b"")
    result = grove("import", str(empty), db=db)
    assert result.returncode == 0 and result.stderr == ""
    assert "Imported 0 messages into 0 threads (0 new) from 1 file." in result.stdout


def test_checkpoint_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    tid, (a, b, c) = _make_db(db)
    ok(grove("checkpoint", str(tid), "before", "--message", str(a), db=db))
    line = fails(grove("checkpoint", str(tid), "before", "--message", str(b), db=db), 1)
    assert "already has a checkpoint 'before'" in line and "--force" in line
    cps = json.loads(ok(grove("checkpoints", str(tid), "--json", db=db)))
    assert [cp["message_id"] for cp in cps] == [a]
    ok(grove("checkpoint", str(tid), "before", "--message", str(b), "--force", db=db))
    cps = json.loads(ok(grove("checkpoints", str(tid), "--json", db=db)))
    assert [cp["message_id"] for cp in cps] == [b]


def test_switch_moves_the_head(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    tid, (a, _b, c) = _make_db(db)
    out = json.loads(ok(grove("switch", str(tid), str(a), "--json", db=db)))
    assert out["current_leaf_id"] == a
    fails(grove("switch", str(tid), str(2**63), db=db), 1)
    assert "There is no thread" in fails(grove("switch", str(tid + 1), str(c), db=db), 1)


def test_rename_and_delete(tmp_path: Path) -> None:
    db = tmp_path / "g.db"
    tid, _ = _make_db(db)
    assert json.loads(ok(grove("rename", str(tid), "Better title", "--json", db=db)))["title"] == "Better title"
    fails(grove("rename", str(tid), "   ", db=db), 1)
    # Not on a terminal: no question can be asked, so --yes is needed.
    line = fails(grove("delete", str(tid), db=db), 1)
    assert "--yes" in line
    assert len(json.loads(ok(grove("threads", "--json", db=db)))) == 1
    assert "Deleted thread" in ok(grove("delete", str(tid), "--yes", db=db))
    assert json.loads(ok(grove("threads", "--json", db=db))) == []


def test_delete_asks_on_a_terminal(tmp_path: Path) -> None:
    import os
    import pty

    db = tmp_path / "g.db"
    tid, _ = _make_db(db)
    for answer, remaining in ((b"n\n", 1), (b"y\n", 0)):
        main, child = pty.openpty()
        process = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--db", str(db), "delete", str(tid)],
            stdin=child,
            stdout=subprocess.PIPE,
            stderr=child,
            cwd=Path(__file__).parents[2],
        )
        os.close(child)
        seen = b""
        while b"[y/N]" not in seen:
            chunk = os.read(main, 1024)
            assert chunk, seen
            seen += chunk
        os.write(main, answer)
        process.communicate(timeout=60)
        os.close(main)
        assert b"\x1b]" not in seen
        assert len(json.loads(ok(grove("threads", "--json", db=db)))) == remaining


def test_data_written_before_it_was_checked_still_shows(tmp_path: Path) -> None:
    """A database from before the Store refused non-object data (item 8) still reads."""
    import sqlite3

    db = tmp_path / "g.db"
    tid, (a, b, _c) = _make_db(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE messages SET data = '[1, 2]' WHERE id = ?", (a,))
        conn.execute("UPDATE messages SET data = '\"text\"' WHERE id = ?", (b,))
    for args in (["show", str(tid)], ["tree", str(tid)], ["export", str(tid)], ["export", str(tid), "--format", "markdown"]):
        ok(grove(*args, db=db))
    shown = json.loads(ok(grove("show", str(tid), "--json", db=db)))
    assert shown["path"][0]["data"] == {"value": [1, 2]}
