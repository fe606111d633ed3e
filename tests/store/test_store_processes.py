"""Four processes appending to one thread at once: every write commits, no error, no seq gap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from store_helpers import raw_rows

from store import EventKind, Store

WORKERS = Path(__file__).with_name("store_workers.py")
PROCESSES = 4
EACH = 60


async def test_four_processes_append_to_the_same_thread(db_path: Path) -> None:
    async with Store.open(db_path) as store:
        t = await store.create_thread("shared")
        first = await store.append(t.id, "user", "start")

    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), "append", str(db_path), str(t.id), f"p{i}", str(EACH)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    try:
        # Start them together: each has opened the store before any of them writes.
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outputs = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

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
