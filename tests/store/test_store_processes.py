"""Four processes appending to one thread at once: every write commits, no error, no seq gap."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from store_helpers import raw_rows

from store import EventKind, Store
from store.schema import SCHEMA_VERSION

WORKERS = Path(__file__).with_name("store_workers.py")
PROCESSES = 4
EACH = 60


def _start(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _release_together(procs: list[subprocess.Popen[str]]) -> list[tuple[str, str]]:
    """Wait until every process says it is ready, then tell them all to go."""
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        return [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


async def test_four_processes_open_a_fresh_file_at_once(db_path: Path) -> None:
    """Each migration re-reads the version under BEGIN IMMEDIATE, so only one migrates."""
    procs = [_start(["open", str(db_path), "0", f"p{i}"]) for i in range(PROCESSES)]
    outputs = _release_together(procs)
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        assert out.strip(), err
    assert raw_rows(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert raw_rows(db_path, "PRAGMA integrity_check") == [("ok",)]
    async with Store.open(db_path) as store:
        threads = await store.list_threads()
        assert sorted(t.title or "" for t in threads) == [f"p{i}" for i in range(PROCESSES)]
        assert len(await store.search("hello")) == PROCESSES


async def test_concurrent_calls_on_one_store_and_two_stores(db_path: Path) -> None:
    """Coroutines writing at once, through one Store and through two, still make one chain."""
    async with Store.open(db_path) as one, Store.open(db_path) as two:
        t = await one.create_thread("gather")
        calls = [(one if i % 3 else two).append(t.id, "user", f"m{i}") for i in range(60)]
        made = await asyncio.gather(*calls)
        assert len({m.id for m in made}) == 60
        th = await one.get_thread(t.id)
        assert (th.message_count, th.leaf_count) == (60, 1)
        assert len(await two.path(t.id)) == 60
        assert [e.seq for e in await one.events(t.id)] == list(range(1, 62))


async def test_four_processes_append_to_the_same_thread(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        t = await store.create_thread("shared")
        first = await store.append(t.id, "user", "start")

    procs = [_start(["append", str(db_path), str(t.id), f"p{i}", str(EACH)]) for i in range(PROCESSES)]
    outputs = _release_together(procs)

    acked: dict[int, str] = {}
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
        assert "Error" not in err and "Traceback" not in err, err
        lines = out.split()
        pairs = list(zip(lines[0::2], lines[1::2]))
        assert len(pairs) == EACH
        for message_id, token in pairs:
            assert int(message_id) not in acked
            acked[int(message_id)] = token

    total = 1 + PROCESSES * EACH
    async with Store.open(db_path) as store:
        th = await store.get_thread(t.id)
        assert th.message_count == total
        # Each append read the head inside its own write transaction, so the writes form
        # one chain: no two appends ever saw the same head.
        path = await store.path(t.id)
        assert len(path) == total and path[0].id == first.id
        assert th.leaf_count == 1 and [m.id for m in await store.leaves(t.id)] == [path[-1].id]
        for m in path[1:]:
            assert m.content.startswith(acked[m.id] + " ")
        # each worker's own messages appear in its own order
        for i in range(PROCESSES):
            mine = [m.content.split()[0] for m in path if m.content.startswith(f"p{i}-")]
            assert mine == [f"p{i}-{n}" for n in range(EACH)]
        events = await store.events(t.id, limit=10_000)
        assert [e.seq for e in events] == list(range(1, total + 2))
        appended = [e for e in events if e.kind is EventKind.MESSAGE_APPENDED]
        assert len(appended) == total
        # every append moved the head from the previous one
        assert all(a.to_leaf_id == b.from_leaf_id for a, b in zip(appended, appended[1:]))
    assert raw_rows(db_path, "PRAGMA integrity_check") == [("ok",)]
