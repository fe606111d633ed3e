"""A deterministic demo database: a dozen coding-agent conversations with real branches.

`grove --demo`, the screenshots and the app's tests all start from `build_demo`. Every
write goes through the public Store API (so the invariants and the timeline are the
real ones), and the store's clock is `demo_clock`, which steps by a fixed interval per
call: two builds give identical rows, ids and times. Nothing here reads the wall clock
or an unseeded random generator.

The only step the public API cannot express is linking a subagent's thread to its
parent (an importer's job); that is one plain UPDATE run inside the store's own write
transaction via `Store.run_write`.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from store import CheckpointKind, Message, Role, Store, Thread, ThreadStatus

DEMO_START = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
"""When the demo's first thread was created."""

DEMO_STEP = timedelta(seconds=41)
"""How far the demo clock moves on each call."""

Turn = tuple[str, str] | tuple[str, str, dict[str, Any]]
"""(role, content) or (role, content, data) of one message to append."""


def demo_clock(start: datetime = DEMO_START, step: timedelta = DEMO_STEP) -> Callable[[], datetime]:
    """A clock for `Store.open` that returns `start`, then `start + step`, … (aware UTC)."""
    if start.tzinfo is None:
        raise ValueError("demo_clock needs an aware start time")
    state = {"now": start - step}

    def now() -> datetime:
        state["now"] = state["now"] + step
        return state["now"]

    return now


def tool(name: str, tool_input: dict[str, Any], output: str, *, summary: str | None = None) -> Turn:
    """A tool-call message as coding agents record them: the call and what it printed."""
    if summary is None:
        first = next(iter(tool_input.values()), "") if tool_input else ""
        summary = f"{name}: {first}"
    return ("tool", f"{summary}\n{output}", {"tool": name, "input": tool_input, "output": output})


async def _say(store: Store, thread: Thread, turns: Sequence[Turn]) -> list[Message]:
    made: list[Message] = []
    for turn in turns:
        data = turn[2] if len(turn) == 3 else None  # type: ignore[misc]
        made.append(await store.append(thread.id, turn[0], turn[1], data=data))
    return made


async def _branch(store: Store, at: Message, turns: Sequence[Turn]) -> list[Message]:
    """A new branch: the first turn forks under `at`, the rest follow it."""
    first = turns[0]
    data = first[2] if len(first) == 3 else None  # type: ignore[misc]
    made = [await store.fork(at.id, first[0], first[1], data=data)]
    made += await _say(store, await store.get_thread(at.thread_id), turns[1:])
    return made


def _link_child(conn: sqlite3.Connection, child_id: int, parent_id: int, message_id: int) -> None:
    # Importers link a subagent's transcript to the message that spawned it; the public
    # API has no setter for it, so the demo writes the two columns the importer would.
    conn.execute(
        "UPDATE threads SET parent_thread_id = ?, parent_message_id = ? WHERE id = ?",
        (parent_id, message_id, child_id),
    )


# ---------------------------------------------------------------------------- the threads


async def _flaky_login(store: Store) -> Thread:
    t = await store.create_thread(
        "Fix flaky login test",
        source="claude-code",
        project="~/src/webshop",
        status=ThreadStatus.COMPLETED,
    )
    trunk = await _say(
        store,
        t,
        [
            ("user", "`tests/test_login.py::test_login_redirects` fails about one run in five on CI. "
             "Locally it always passes. Can you find out why and fix it?"),
            ("assistant", "I'll start by running the test in a loop to reproduce the flake locally."),
            tool("Bash", {"command": "for i in $(seq 20); do pytest tests/test_login.py -q -p no:randomly || break; done"},
                 "....F\n=================== FAILURES ===================\n"
                 "___________ test_login_redirects ___________\n"
                 "E   AssertionError: assert '/login' == '/dashboard'\n"
                 "1 failed, 4 passed in 2.31s"),
            ("assistant", "## Reproduced\n\nIt failed on the 5th iteration. The redirect goes back to "
             "`/login`, which means the session cookie was not set when the second request ran.\n\n"
             "Let me look at how the test client and the session store are set up."),
            tool("Read", {"file_path": "tests/conftest.py"},
                 "@pytest.fixture\ndef client(app):\n    return app.test_client()\n\n"
                 "@pytest.fixture(scope=\"session\")\ndef session_store():\n    return RedisSessionStore(ttl=1)"),
            ("assistant", "Found it: `session_store` is **session-scoped** and built with `ttl=1` — "
             "one *second*. When the test suite is slow (CI), the session expires between the "
             "`POST /login` and the `GET /dashboard`.\n\nThere are a few ways to fix this:\n\n"
             "1. Raise the TTL in tests\n2. Freeze time with a fake clock\n3. Use an in-memory store "
             "that never expires"),
            ("user", "Which one would you pick?"),
        ],
    )
    pick = trunk[-1]
    main = await _say(
        store,
        t,
        [
            ("assistant", "I'd inject a clock. A larger TTL only makes the race rarer; a fake "
             "clock removes it:\n\n```python\n@pytest.fixture\ndef clock():\n    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))\n\n"
             "@pytest.fixture\ndef session_store(clock):\n    return RedisSessionStore(ttl=1, clock=clock)\n```"),
            ("user", "Good, do that."),
            tool("Edit", {"file_path": "tests/conftest.py", "old_string": "RedisSessionStore(ttl=1)",
                          "new_string": "RedisSessionStore(ttl=1, clock=clock)"},
                 "The file tests/conftest.py has been updated."),
            tool("Bash", {"command": "for i in $(seq 50); do pytest tests/test_login.py -q || break; done"},
                 "50 passed"),
            ("assistant", "50 runs in a row pass. The fixture is now function-scoped and takes the "
             "fake clock, so expiry only happens when a test advances the clock on purpose."),
        ],
    )
    await store.save_checkpoint(t.id, "fake-clock", note="flake fixed with an injected clock")
    # The user went back and tried the other two answers as well.
    ttl = await _branch(
        store,
        pick,
        [
            ("assistant", "The smallest change is to raise the TTL for tests:\n\n```python\n"
             "RedisSessionStore(ttl=3600)\n```\n\nIt does not remove the race, but an hour is "
             "longer than any CI run."),
            ("user", "That just hides it. Go back."),
        ],
    )
    memory = await _branch(
        store,
        pick,
        [
            ("assistant", "- Swap Redis for `InMemorySessionStore` in tests\n- No TTL at all\n"
             "- Faster tests, but we stop testing expiry entirely"),
            ("user", "We need expiry covered. No."),
        ],
    )
    del ttl, memory
    await store.set_leaf(t.id, main[-1].id)
    await store.save_checkpoint(
        t.id, "before-ttl-experiment", message_id=pick.id, note="the three options, before choosing",
    )
    await _say(store, await store.get_thread(t.id), [
        ("user", "Also add a test that expiry still works."),
        ("assistant", "Added `test_session_expires`:\n\n```python\ndef test_session_expires(client, clock):\n"
         "    login(client)\n    clock.advance(seconds=2)\n    assert client.get('/dashboard').status_code == 302\n```"),
        tool("Bash", {"command": "pytest tests/test_login.py -q"}, "3 passed in 0.41s"),
    ])
    await store.save_checkpoint(t.id, "green", note="all login tests pass", kind=CheckpointKind.AUTO)
    return await store.get_thread(t.id)


async def _refactor_store(store: Store) -> Thread:
    t = await store.create_thread("Refactor the store into a repository layer", project="~/src/grove")
    msgs = await _say(
        store,
        t,
        [
            ("user", "store.py is 1,200 lines. Split it so that SQL lives in one place and the "
             "public API stays exactly the same."),
            ("assistant", "# Plan\n\n1. Move row decoding into `rows.py`\n2. Move the schema and "
             "migrations into `schema.py`\n3. Keep every `_tx_*` transaction function next to the "
             "method that runs it\n\nThe public names in `store/__init__.py` stay untouched, so "
             "callers see no change."),
            tool("Bash", {"command": "wc -l store/*.py"}, "  1203 store/store.py\n    15 store/errors.py\n  1218 total"),
            ("assistant", "Starting with `rows.py`: `thread_from_row`, `message_from_row`, "
             "`checkpoint_from_row`, `event_from_row` and the column lists."),
            tool("Write", {"file_path": "store/rows.py"}, "File created successfully at: store/rows.py"),
            ("assistant", "Now the schema. I'll move the `CREATE TABLE` statements and the "
             "`migrate()` function."),
            tool("Write", {"file_path": "store/schema.py"}, "File created successfully at: store/schema.py"),
            tool("Bash", {"command": "pytest tests/store -q"}, "212 passed in 9.84s"),
            ("assistant", "All 212 store tests pass. `store.py` is down to 740 lines."),
            ("user", "Also move the search helpers out."),
            ("assistant", "Moving `query_words`, `match_expression` and `make_hit` into `search.py`."),
            tool("Bash", {"command": "pytest tests/store -q"}, "E   ImportError: cannot import name 'make_hit' from 'store.store'\n1 error"),
        ],
    )
    await store.save_checkpoint(t.id, "rows-and-schema-split", message_id=msgs[8].id,
                                note="tests green after the first two moves")
    # The move broke an import; rewind to before it and try again differently.
    await store.rewind(t.id, to=msgs[9].id)
    await _say(store, await store.get_thread(t.id), [
        ("assistant", "Before moving them I'll grep for every importer of the helpers, so nothing "
         "still reaches into `store.store`."),
        tool("Grep", {"pattern": "from store.store import", "path": "."},
             "tests/store/test_search.py:3:from store.store import make_hit"),
        ("assistant", "Only one test imports it directly. I'll move the helpers and update that import "
         "in the same change."),
        tool("Bash", {"command": "pytest tests/store -q"}, "212 passed in 9.71s"),
    ])
    await store.undo(t.id)
    await store.undo(t.id)
    await store.restore_checkpoint(t.id, "rows-and-schema-split")
    leaves = await store.leaves(t.id)
    await store.set_leaf(t.id, leaves[0].id)
    return await store.get_thread(t.id)


async def _port_aiosqlite(store: Store) -> tuple[Thread, Message]:
    t = await store.create_thread(
        "Port the store to aiosqlite", source="claude-code", project="~/src/grove", status=ThreadStatus.RUNNING,
    )
    msgs = await _say(
        store,
        t,
        [
            ("user", "Port the store from sqlite3 to aiosqlite. Every public method becomes async."),
            ("assistant", "aiosqlite runs each call on the connection's thread, so **every await is a "
             "thread hop** (50–150 µs). If I await each statement, a transaction of 6 statements costs "
             "close to a millisecond and can interleave with another coroutine.\n\n"
             "Instead, each transaction is one plain function run in one hop:\n\n```python\n"
             "async def run_write(conn, fn, *args):\n    return await conn._execute(_write_transaction, conn._conn, fn, args)\n```"),
            ("user", "OK. Run the existing tests against it with a subagent while you write the rest."),
            tool("Task", {"description": "run the store tests", "prompt": "Run pytest tests/store and report failures"},
                 "Launched subagent: run the store tests", summary="Task: run the store tests"),
            ("assistant", "While the subagent runs the suite, I'm converting `Store.open` into an "
             "awaitable that is also an async context manager."),
            tool("Edit", {"file_path": "store/store.py", "old_string": "def open(", "new_string": "def open("},
                 "The file store/store.py has been updated."),
        ],
    )
    spawn = msgs[3]
    return await store.get_thread(t.id), spawn


async def _subagent(store: Store, parent: Thread, spawn: Message) -> Thread:
    t = await store.create_thread(
        "subagent: run the store tests", source="claude-code", project="~/src/grove", status=ThreadStatus.COMPLETED,
    )
    await _say(store, t, [
        ("user", "Run pytest tests/store and report failures"),
        tool("Bash", {"command": "pytest tests/store -q -x"},
             "..........F\nE   RuntimeError: threads can only be started once\n1 failed, 10 passed"),
        ("assistant", "One failure: `test_reopen` opens the same `Store` object twice. aiosqlite "
         "connections are threads, and a thread can only be started once. The test should open a new "
         "`Store` instead of reusing the closed one."),
    ])
    await store.run_write(_link_child, t.id, parent.id, spawn.id)
    return await store.get_thread(t.id)


async def _css_bug(store: Store) -> Thread:
    t = await store.create_thread(
        "Sidebar overlaps content on narrow screens", source="codex", project="~/src/webshop",
        status=ThreadStatus.COMPLETED,
    )
    msgs = await _say(store, t, [
        ("user", "Below 700px the sidebar covers the product grid. Screenshot attached. Fix the CSS."),
        tool("Read", {"file_path": "static/css/layout.css"},
             ".sidebar { position: fixed; width: 260px; }\n.content { margin-left: 260px; }"),
        ("assistant", "The sidebar is `position: fixed`, so it leaves the flow, and `.content` only "
         "makes room with a fixed `margin-left`. Below 700px there is no room for both.\n\n"
         "### Fix\n\n```css\n@media (max-width: 700px) {\n  .sidebar { position: static; width: auto; }\n"
         "  .content { margin-left: 0; }\n}\n```"),
        ("user", "That stacks them. I'd rather have the sidebar collapse into a drawer."),
    ])
    await _say(store, t, [
        ("assistant", "A drawer then: hide the sidebar off-canvas and slide it in when the menu button "
         "toggles `.open`:\n\n```css\n@media (max-width: 700px) {\n  .sidebar { transform: translateX(-100%); transition: transform .2s; }\n"
         "  .sidebar.open { transform: none; }\n  .content { margin-left: 0; }\n}\n```"),
        tool("Bash", {"command": "npx playwright test layout.spec.ts"}, "  3 passed (4.2s)"),
    ])
    await _branch(store, msgs[2], [
        ("user", "Could we use CSS grid instead of fixed positioning altogether?"),
        ("assistant", "Yes:\n\n```css\nbody { display: grid; grid-template-columns: 260px 1fr; }\n"
         "@media (max-width: 700px) { body { grid-template-columns: 1fr; } }\n```\n\n"
         "- no magic margins\n- the sidebar scrolls with the page"),
    ])
    await store.undo(t.id)
    return await store.get_thread(t.id)


async def _migration(store: Store) -> Thread:
    t = await store.create_thread(
        "Write migration 0007: checkpoint notes", source="codex", project="~/src/grove", status=ThreadStatus.WAITING,
    )
    await _say(store, t, [
        ("user", "Add a nullable `note` column to checkpoints with a migration. Existing databases must keep working."),
        ("assistant", "Migrations are tracked with `PRAGMA user_version`. The new one:\n\n```python\n"
         "def _v7(conn: sqlite3.Connection) -> None:\n    conn.execute(\"ALTER TABLE checkpoints ADD COLUMN note TEXT\")\n```\n\n"
         "It runs inside `BEGIN IMMEDIATE`, and the version is read again after the lock is taken, so two "
         "processes opening an old database at once do not both migrate it."),
        tool("Bash", {"command": "pytest tests/store/test_schema.py -q"}, "7 passed in 0.22s"),
        ("assistant", "Should I also backfill notes from the `state` JSON of imported checkpoints? "
         "Some Claude Code sessions carry a description there."),
    ])
    await store.save_checkpoint(t.id, "migration-written", kind=CheckpointKind.AUTO)
    return await store.get_thread(t.id)


async def _wal_question(store: Store) -> Thread:
    t = await store.create_thread(
        "WAL mode vs rollback journal", source="chatgpt", status=ThreadStatus.COMPLETED,
    )
    msgs = await _say(store, t, [
        ("system", "You are a helpful assistant."),
        ("user", "What's the practical difference between SQLite's WAL mode and the rollback journal?"),
        ("assistant", "## Rollback journal\n\nBefore a page is changed, the *original* page is copied to a "
         "journal file. Readers and a writer block each other.\n\n## WAL\n\nChanges are *appended* to a "
         "write-ahead log; readers keep reading the old pages from the database file.\n\n"
         "| | rollback | WAL |\n|---|---|---|\n| readers during a write | blocked | continue |\n"
         "| network file systems | ok | no |\n| fsyncs per commit | 2+ | 1 |"),
        ("user", "And synchronous=NORMAL with WAL — can I lose data?"),
    ])
    await _say(store, t, [
        ("assistant", "With WAL and `synchronous=NORMAL`, a commit can be lost on **power loss**, but "
         "the database is never corrupted. An application crash loses nothing."),
    ])
    await _branch(store, msgs[3], [
        ("user", "Explain it like I'm five."),
        ("assistant", "The rollback journal makes a copy before it scribbles. WAL writes the new "
         "scribbles on a separate sheet and tidies up later."),
    ])
    return await store.get_thread(t.id)


async def _bench_search(store: Store) -> Thread:
    t = await store.create_thread(
        "Benchmark search over 1M messages", project="~/src/grove", status=ThreadStatus.FAILED,
    )
    await _say(store, t, [
        ("user", "Search is slow for common words. Profile it on the benchmark database."),
        tool("Bash", {"command": "python bench/store.py --only search"},
             "search rare word      3.1 ms\nsearch common word  412.8 ms   (target 50 ms)"),
        ("assistant", "The common word matches ~600,000 rows and we sort all of them by time. "
         "FTS5 walks its index in rowid order cheaply, so I'll take the newest window of matches "
         "by rowid and sort only that."),
        tool("Bash", {"command": "python bench/store.py --only search"},
             "Traceback (most recent call last):\n  File \"bench/store.py\", line 88\n"
             "sqlite3.OperationalError: no such column: f.rowid"),
        ("assistant", "The benchmark crashed: the subquery aliases the FTS table differently. "
         "I ran out of budget for this session; the fix is to select `rowid` from `messages_fts` "
         "directly."),
    ])
    return await store.get_thread(t.id)


async def _release_notes(store: Store) -> Thread:
    t = await store.create_thread("Release notes for 0.3", source="chatgpt", status=ThreadStatus.COMPLETED)
    await _say(store, t, [
        ("user", "Write release notes for 0.3 from this changelog: forks, checkpoints, timeline, search."),
        ("assistant", "# Grove 0.3\n\n- **Fork anywhere**: branch a conversation at any message\n"
         "- **Checkpoints**: name a point and come back to it\n- **Timeline**: every move is recorded "
         "and can be undone\n- **Search**: full-text over every transcript"),
    ])
    await store.archive_thread(t.id)
    return await store.get_thread(t.id)


async def _dark_mode(store: Store) -> Thread:
    t = await store.create_thread("Add a dark mode toggle", project="~/src/webshop", status=ThreadStatus.CANCELLED)
    await _say(store, t, [
        ("user", "Add a dark mode toggle to the header."),
        ("assistant", "I'll add a `prefers-color-scheme` default and a toggle that stores the choice "
         "in `localStorage`. First, which component renders the header?"),
        ("user", "Never mind, design wants to do this next quarter."),
    ])
    await store.update_thread(t.id, title="Add a dark mode toggle (postponed)")
    return await store.get_thread(t.id)


async def _websocket_leak(store: Store) -> Thread:
    t = await store.create_thread(
        "Memory leak in the websocket handler", source="codex", project="~/src/chat-server",
        status=ThreadStatus.COMPLETED,
    )
    msgs = await _say(store, t, [
        ("user", "RSS of the chat server grows ~40 MB an hour and never comes back down."),
        tool("Bash", {"command": "python -X tracemalloc=25 server.py --profile 600"},
             "Top 3 lines\n#1: chat/handlers.py:57: 38.2 MiB\n    self.subscribers[room].append(ws)\n"
             "#2: asyncio/events.py:80: 1.1 MiB\n#3: json/decoder.py:353: 0.4 MiB"),
        ("assistant", "`subscribers[room]` only ever grows: sockets are appended on join but never "
         "removed when the client disconnects.\n\n```python\ntry:\n    async for msg in ws:\n        await self.dispatch(room, msg)\n"
         "finally:\n    self.subscribers[room].remove(ws)\n```"),
        ("user", "What if the same socket joins twice?"),
        ("assistant", "Then `remove` drops only one entry. Use a `set` per room instead of a list: "
         "`self.subscribers: defaultdict[str, set[WebSocket]]`."),
        tool("Bash", {"command": "pytest tests/test_handlers.py -q"}, "14 passed in 1.02s"),
    ])
    await store.save_checkpoint(t.id, "set-per-room", note="subscribers kept in sets")
    await _branch(store, msgs[2], [
        ("user", "Could we use a WeakSet so we never have to remember to remove them?"),
        ("assistant", "A `WeakSet` drops a socket once nothing else references it — but the "
         "handler coroutine holds it until it returns, so it would behave the same as the "
         "`finally`, just less explicitly. I'd keep the explicit removal."),
    ])
    await store.restore_checkpoint(t.id, "set-per-room")
    return await store.get_thread(t.id)


_LONG_FILES = ("claude_code.py", "codex.py", "chatgpt.py", "grove_json.py", "base.py")
_LONG_STEPS = (
    "Read the format notes for {f} and list the record types it must handle.",
    "Write the streaming reader for {f}: one JSON line at a time, errors reported per line.",
    "Handle the tree edges in {f}: parents that appear after their children.",
    "Make {f} idempotent: importing the same file twice must add nothing.",
    "Make {f} incremental: only lines appended since the last import are read.",
    "Add fuzz tests for {f}: truncated lines, invalid UTF-8, missing fields.",
)


async def _long_session(store: Store) -> Thread:
    """About 300 messages: an importer built step by step, tool call after tool call."""
    t = await store.create_thread(
        "Build the transcript importers", source="claude-code", project="~/src/grove", status=ThreadStatus.IDLE,
        metadata={"model": "claude-sonnet", "session": "demo-long"},
    )
    rng = random.Random(20260314)  # fixed seed: the demo is the same on every build
    turns: list[Turn] = [("user", "Let's build the importers one by one. Start with the shared base class, "
                          "then Claude Code, Codex, ChatGPT and our own JSON. Keep the tests green at each step.")]
    step_no = 0
    for f in _LONG_FILES:
        for step in _LONG_STEPS:
            step_no += 1
            passed = 40 + step_no * 3
            turns.append(("user", step.format(f=f)))
            turns.append(("assistant", f"### Step {step_no}: {f}\n\n{step.format(f=f)}\n\n"
                          f"- reading `store/importers/{f}`\n- then running the importer tests"))
            turns.append(tool("Read", {"file_path": f"store/importers/{f}"},
                              f"{rng.randint(40, 400)} lines", summary=f"Read: store/importers/{f}"))
            turns.append(tool("Edit", {"file_path": f"store/importers/{f}", "old_string": "...", "new_string": "..."},
                              f"The file store/importers/{f} has been updated.",
                              summary=f"Edit: store/importers/{f}"))
            failing = rng.random() < 0.35
            if failing:
                turns.append(tool("Bash", {"command": "pytest tests/importers -q -x"},
                                  f"E   KeyError: 'parentUuid'\n1 failed, {passed - 1} passed"))
                turns.append(("assistant", "A record without `parentUuid` (a compact boundary) broke the "
                              "tree walk. It continues through `logicalParentUuid` now."))
                turns.append(tool("Edit", {"file_path": f"store/importers/{f}"},
                                  f"The file store/importers/{f} has been updated.",
                                  summary=f"Edit: store/importers/{f}"))
            turns.append(tool("Bash", {"command": "pytest tests/importers -q"}, f"{passed} passed in {rng.randint(2, 9)}.{rng.randint(10, 99)}s"))
            turns.append(("assistant", f"Step {step_no} done — {passed} importer tests pass."))
    while len(turns) < 300:
        turns.append(("user", "Anything left to tidy up?"))
        turns.append(("assistant", "Removing a dead helper and re-running the whole suite."))
    msgs = await _say(store, t, turns[:300])
    await store.save_checkpoint(t.id, "base-class-done", message_id=msgs[36].id, kind=CheckpointKind.AUTO)
    await store.save_checkpoint(t.id, "claude-code-done", message_id=msgs[90].id, kind=CheckpointKind.AUTO)
    await store.save_checkpoint(t.id, "all-importers", note="every importer with fuzz tests")
    # One detour in the middle of the session.
    await _branch(store, msgs[120], [
        ("user", "Wait — should the Codex importer share the tree walker with Claude Code?"),
        ("assistant", "They differ: Codex rollouts are linear with explicit rollbacks, Claude Code "
         "writes a real tree. Sharing would need flags on every branch of the walker."),
        ("user", "Agreed, keep them separate."),
    ])
    await store.set_leaf(t.id, msgs[-1].id)
    return await store.get_thread(t.id)


async def _forked_experiment(store: Store, login: Thread) -> Thread:
    path = await store.path(login.id)
    at = next(m for m in path if m.role is Role.USER and "Which one" in m.content)
    fork = await store.fork_thread(at.id, title="Fix flaky login test — try freezegun")
    await _say(store, fork, [
        ("assistant", "Using `freezegun` instead of an injected clock:\n\n```python\n"
         "@freeze_time(\"2026-01-01\")\ndef test_login_redirects(client):\n    ...\n```"),
        ("user", "It patches `datetime` globally and the Redis client reads its own clock. Doesn't help."),
    ])
    await store.update_thread(fork.id, status=ThreadStatus.CANCELLED)
    return await store.get_thread(fork.id)


async def build_demo(store: Store) -> None:
    """Fill an empty store with the demo threads. Open the store with `demo_clock()`."""
    if await store.count_threads(include_archived=True):
        raise ValueError("build_demo needs an empty database")
    await _release_notes(store)
    await _wal_question(store)
    await _long_session(store)
    await _dark_mode(store)
    await _css_bug(store)
    await _refactor_store(store)
    await _migration(store)
    await _bench_search(store)
    await _websocket_leak(store)
    port, spawn = await _port_aiosqlite(store)
    await _subagent(store, port, spawn)
    login = await _flaky_login(store)
    await _forked_experiment(store, login)


async def create_demo_db(path: Path) -> None:
    """Create a demo database at `path` (which must not hold any threads yet)."""
    async with Store.open(path, clock=demo_clock()) as store:
        await build_demo(store)
