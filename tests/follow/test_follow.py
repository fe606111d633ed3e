"""The follower imports session files as an agent writes them, a line at a time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store import Store
from store.follow import FollowChange, Follower

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
SESSION = FIXTURES / "claude-code" / "dag_simple.jsonl"
WAIT = 20  # seconds: a bound for a hung follower, not a synchronisation delay


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store.open(tmp_path / "grove.db") as opened:
        yield opened


class Running:
    """A follower in a background task, with its rounds of importing in a queue."""

    def __init__(self, store: Store, root: Path, *, force_polling: bool) -> None:
        self.changes: asyncio.Queue[FollowChange] = asyncio.Queue()
        self.follower = Follower(store, [root], force_polling=force_polling, poll_delay_ms=50)
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.follower.run(self.changes.put_nowait, self.stop))

    async def started(self) -> FollowChange:
        first = await asyncio.wait_for(self.changes.get(), WAIT)
        await asyncio.wait_for(self.follower.ready.wait(), WAIT)
        return first

    async def next_change(self, *, adding: bool = True) -> FollowChange:
        """The next round (that added something, when `adding`)."""
        while True:
            change = await asyncio.wait_for(self.changes.get(), WAIT)
            if change.changed or not adding:
                return change

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, WAIT)


def session_lines() -> list[bytes]:
    return SESSION.read_bytes().splitlines(keepends=True)


async def only_thread_path(store: Store) -> list[str]:
    (thread,) = await store.list_threads()
    return [m.content for m in await store.path(thread.id)]


@pytest.mark.parametrize("force_polling", [False, True], ids=["native", "polling"])
async def test_lines_appended_to_a_session_arrive_in_the_store(store: Store, tmp_path: Path, force_polling: bool) -> None:
    root = tmp_path / "projects" / "-tmp"
    root.mkdir(parents=True)
    session = root / "s1.jsonl"
    lines = session_lines()
    session.write_bytes(b"".join(lines[:2]))

    running = Running(store, tmp_path / "projects", force_polling=force_polling)
    first = await running.started()
    assert first.messages == 2
    assert len(await only_thread_path(store)) == 2

    with session.open("ab") as out:
        out.write(b"".join(lines[2:]))
    change = await running.next_change()
    assert change.messages == len(lines) - 2
    assert change.files == [session]
    assert len(await only_thread_path(store)) == len(lines)
    await running.close()


async def test_a_line_written_in_two_halves_is_imported_once_whole(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "projects" / "-tmp"
    root.mkdir(parents=True)
    session = root / "s1.jsonl"
    lines = session_lines()
    session.write_bytes(b"".join(lines[:2]))
    running = Running(store, tmp_path / "projects", force_polling=False)
    await running.started()

    third = lines[2]
    half = len(third) // 2
    with session.open("ab") as out:
        out.write(third[:half])
    partial = await running.next_change(adding=False)
    assert partial.messages == 0 and not partial.errors
    assert partial.pending == 1
    assert len(await only_thread_path(store)) == 2

    with session.open("ab") as out:
        out.write(third[half:])
    whole = await running.next_change()
    assert whole.messages == 1 and not whole.errors
    path = await only_thread_path(store)
    assert len(path) == 3
    await running.close()

    # A later import of the same file adds nothing: the line went in exactly once.
    again = await Follower(store, [tmp_path / "projects"]).catch_up()
    assert again.messages == 0
    assert len(await only_thread_path(store)) == 3


async def test_following_a_missing_folder_says_so(store: Store, tmp_path: Path) -> None:
    follower = Follower(store, [tmp_path / "nowhere"])
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        await follower.run()


