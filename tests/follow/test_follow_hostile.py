"""Following under hostile conditions (issue 10, items 4, 7, 9, 11, 23): a full disk is
retried, a deleted database stops the watch with one sentence, a FIFO never freezes it,
SIGTERM stops it, and what it prints is one cleaned line per change."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from store.follow import DatabaseGone, FollowChange, Follower

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
SESSION = FIXTURES / "claude-code" / "dag_simple.jsonl"
BIG = FIXTURES / "claude-code" / "projects" / "-src-deep-manifest" / "a7da6a22-facc-4fcd-8bab-f83c87862004.jsonl"
WAIT = 20  # seconds: a bound for a hung follower, not a synchronisation delay


async def _limit_pages(store: Store, limit: int | None) -> None:
    """SQLite's own page limit: writes past it fail with SQLITE_FULL, as on a full disk."""

    def apply(conn: sqlite3.Connection) -> None:
        count = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {count if limit is None else limit}")

    await store._session.write(apply)


async def test_a_full_disk_is_retried_not_fatal(tmp_path: Path) -> None:
    root = tmp_path / "projects"
    root.mkdir()
    (root / BIG.name).write_bytes(BIG.read_bytes())  # far more than the free pages left
    changes: asyncio.Queue[FollowChange] = asyncio.Queue()
    async with Store.open(tmp_path / "grove.db") as store:
        await _limit_pages(store, None)  # full from now on
        follower = Follower(store, [root], force_polling=True, poll_delay_ms=20)
        follower.retry_seconds = 0.05
        stop = asyncio.Event()
        task = asyncio.create_task(follower.run(changes.put_nowait, stop))
        first = await asyncio.wait_for(changes.get(), WAIT)
        assert first.messages == 0 and any("disk is full" in e.reason and "try again" in e.reason for e in first.errors)
        assert not task.done()
        await _limit_pages(store, 1_073_741_823)  # space again; the file itself does not change
        while True:
            change = await asyncio.wait_for(changes.get(), WAIT)
            if change.messages:
                break
        stop.set()
        await asyncio.wait_for(task, WAIT)
        assert change.messages > 100 and len(await store.list_threads()) >= 1


async def test_a_full_disk_during_final_indexing_reports_the_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.importers import pipeline as importers
    from store.importers import import_paths

    real_finish = importers._finish

    def finish_on_a_full_disk(conn: sqlite3.Connection, link: bool) -> None:
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        real_finish(conn, link)

    big = BIG
    monkeypatch.setattr(importers, "_finish", finish_on_a_full_disk)
    async with Store.open(tmp_path / "grove.db") as store:
        with pytest.raises(sqlite3.OperationalError, match="full"):
            await import_paths(store, [big])
        await _limit_pages(store, 1_073_741_823)
    monkeypatch.undo()

    # The run left messages to index. Opening to read while the disk is still full works
    # (indexing on open is skipped), and reading lists the thread.
    import store.opening as store_module

    real_index = store_module.index_pending

    def index_on_a_full_disk(conn: sqlite3.Connection) -> int:
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        return real_index(conn)

    monkeypatch.setattr(store_module, "index_pending", index_on_a_full_disk)
    async with Store.open(tmp_path / "grove.db") as store:
        assert len(await store.list_threads()) == 1
    monkeypatch.undo()
    async with Store.open(tmp_path / "grove.db") as store:  # space again: indexed on open
        assert await store._session.read(lambda c: c.execute("SELECT count(*) FROM fts_pending").fetchone()[0]) == 0


async def test_a_deleted_database_stops_the_follower(tmp_path: Path) -> None:
    root = tmp_path / "projects"
    root.mkdir()
    changes: asyncio.Queue[FollowChange] = asyncio.Queue()
    async with Store.open(tmp_path / "grove.db") as store:
        follower = Follower(store, [root], force_polling=True, poll_delay_ms=20)
        task = asyncio.create_task(follower.run(changes.put_nowait, asyncio.Event()))
        await asyncio.wait_for(follower.ready.wait(), WAIT)
        os.unlink(tmp_path / "grove.db")
        (root / "a.jsonl").write_bytes(SESSION.read_bytes())
        with pytest.raises(DatabaseGone, match="deleted or replaced"):
            await asyncio.wait_for(task, WAIT)


def _grove(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *args]


def test_watch_of_a_deleted_database_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    root = tmp_path / "projects"
    root.mkdir()
    db = tmp_path / "grove.db"
    process = subprocess.Popen(_grove("--db", str(db), "watch", "--poll", str(root)), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        assert b"watching" in process.stdout.readline()
        os.unlink(db)
        (root / "a.jsonl").write_bytes(SESSION.read_bytes())
        _, stderr = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1
    text = stderr.decode()
    assert "Traceback" not in text and text.count("\n") == 1 and "was deleted or replaced" in text


@pytest.mark.parametrize("poll", [False, True], ids=["native", "polling"])
def test_watch_with_a_fifo_stays_responsive_to_sigterm(tmp_path: Path, poll: bool) -> None:
    root = tmp_path / "projects"
    root.mkdir()
    os.mkfifo(root / "pipe.jsonl")
    process = subprocess.Popen(
        _grove("--db", str(tmp_path / "grove.db"), "watch", *(["--poll"] if poll else []), str(root)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        assert b"watching" in process.stdout.readline()
        (root / "a.jsonl").write_bytes(SESSION.read_bytes())  # a real session beside it still imports
        assert b"new  thread" in process.stdout.readline()
        os.utime(root / "pipe.jsonl")  # the FIFO "changes": refused without opening it
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr


async def test_the_watch_line_cleans_the_source(tmp_path: Path) -> None:
    from tui.watch import describe

    async with Store.open(tmp_path / "grove.db") as store:
        thread = await store.create_thread("t\x1b]0;pwned\x07", source="x\x1b]52;c;SGVsbG8=\x07y")
        await store.append(thread.id, "user", "hi")
        line = await describe(store, FollowChange([tmp_path], [thread.id], [thread.id], 1), "12:00:00")
    assert line is not None and "\x1b" not in line and "\x07" not in line
    assert "+1 message (1 message, xy)" in line
