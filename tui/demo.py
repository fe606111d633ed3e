"""A deterministic demo database, made the way a user's is: agent sessions, imported.

`grove --demo`, the screenshots and the app's tests all start from `build_demo`. It writes
a dozen coding-agent sessions in the agents' own formats (Claude Code JSONL with tool
calls, thinking, a slash command, a compaction, a subagent and real rewinds; Codex
rollouts with reasoning, `exec_command`, `apply_patch` and a backtrack; a ChatGPT export
with a regenerated reply) into a temporary folder and imports them with the real
importers, so the demo shows exactly what a user's sessions show. What a person then does
in Grove — checkpoints, a rewind, undo, a restore, a fork into a new thread, a status, an
archive, a thread typed in Grove — goes through the public Store API.

The store's clock is `demo_clock`, which steps by a fixed interval per call, and every id
and time in the written sessions comes from counters: two builds give identical rows.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from store import CheckpointKind, Role, Source, Store, Thread, ThreadStatus
from store.importers import import_paths

from .demo_sessions import ChatGPTConversation, ClaudeSession, CodexRollout, Ids, write_chatgpt

DEMO_START = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
"""The demo store clock's first reading: what the user does in Grove happens from then on."""

DEMO_STEP = timedelta(seconds=41)
"""How far the demo clock moves on each call."""


def demo_clock(start: datetime = DEMO_START, step: timedelta = DEMO_STEP) -> Callable[[], datetime]:
    """A clock for `Store.open` that returns `start`, then `start + step`, … (aware UTC)."""
    if start.tzinfo is None:
        raise ValueError("demo_clock needs an aware start time")
    state = {"now": start - step}

    def now() -> datetime:
        state["now"] = state["now"] + step
        return state["now"]

    return now


SESSIONS_START = DEMO_START - timedelta(days=2)
"""When the first of the agent sessions started: they all ran before the demo clock's first call."""


def _at(hours: float) -> datetime:
    return SESSIONS_START + timedelta(hours=hours)


WEBSHOP = "/home/ana/src/webshop"
GROVE = "/home/ana/src/grove"
CHAT = "/home/ana/src/chat-server"

# ---------------------------------------------------------------------------- Claude Code


def _flaky_login(ids: Ids) -> ClaudeSession:
    s = ClaudeSession(ids, WEBSHOP, _at(30), git_branch="fix/login-flake")
    s.title("Fix flaky login test")
    s.prompt("`tests/test_login.py::test_login_redirects` fails about one run in five on CI. "
             "Locally it always passes. Can you find out why and fix it?")
    s.reply("I'll start by running the test in a loop to reproduce the flake locally.",
            thinking="A test that fails only on CI is usually timing: a slower machine, a shared fixture, "
                     "or a clock. Reproduce first, in a loop, with the random order off.",
            tools=[("Bash", {"command": "for i in $(seq 20); do pytest tests/test_login.py -q -p no:randomly || break; done",
                             "description": "Run the login test until it fails"},
                    "....F\n=================== FAILURES ===================\n"
                    "___________ test_login_redirects ___________\n"
                    "E   AssertionError: assert '/login' == '/dashboard'\n"
                    "1 failed, 4 passed in 2.31s", True)])
    s.reply("## Reproduced\n\nIt failed on the 5th iteration. The redirect goes back to `/login`, which means "
            "the session cookie was not set when the second request ran.\n\nLet me look at how the test "
            "client and the session store are set up.",
            tools=[("Read", {"file_path": f"{WEBSHOP}/tests/conftest.py"},
                    "     1→@pytest.fixture\n     2→def client(app):\n     3→    return app.test_client()\n     4→\n"
                    "     5→@pytest.fixture(scope=\"session\")\n     6→def session_store():\n     7→    return RedisSessionStore(ttl=1)")])
    options = s.reply("Found it: `session_store` is **session-scoped** and built with `ttl=1` — one *second*. "
                      "When the suite is slow (CI), the session expires between the `POST /login` and the "
                      "`GET /dashboard`.\n\nThere are a few ways to fix this:\n\n1. Raise the TTL in tests\n"
                      "2. Freeze time with a fake clock\n3. Use an in-memory store that never expires")
    s.prompt("Which one would you pick? Expiry must stay covered.")
    s.reply("I'd inject a clock. A larger TTL only makes the race rarer; a fake clock removes it:\n\n```python\n"
            "@pytest.fixture\ndef clock():\n    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))\n\n"
            "@pytest.fixture\ndef session_store(clock):\n    return RedisSessionStore(ttl=1, clock=clock)\n```")
    s.prompt("Good, do that.")
    s.reply(tools=[("Edit", {"file_path": f"{WEBSHOP}/tests/conftest.py", "old_string": "RedisSessionStore(ttl=1)",
                             "new_string": "RedisSessionStore(ttl=1, clock=clock)"},
                    "The file tests/conftest.py has been updated.")])
    s.reply(tools=[("Bash", {"command": "for i in $(seq 50); do pytest tests/test_login.py -q || break; done",
                             "description": "Run the login test 50 times"}, "50 passed")])
    s.reply("50 runs in a row pass. The fixture is now function-scoped and takes the fake clock, so expiry "
            "only happens when a test advances the clock on purpose.")
    s.command("/cost", "Total cost:            $0.4182\nTotal duration (API):  1m 12.4s\n"
                       "Total duration (wall): 9m 3.0s\nTotal code changes:    4 lines added, 1 line removed")
    s.prompt("Also add a test that expiry still works.")
    s.reply("Added `test_session_expires`:\n\n```python\ndef test_session_expires(client, clock):\n"
            "    login(client)\n    clock.advance(seconds=2)\n    assert client.get('/dashboard').status_code == 302\n```",
            tools=[("Bash", {"command": "pytest tests/test_login.py -q", "description": "Run the login tests"},
                    "3 passed in 0.41s")])
    s.reply("All three login tests pass, and expiry is covered by a test that controls the clock.")
    # Later the user rewound twice to try the other two answers; both stay as branches.
    s.prompt("Just raise the TTL for now.", under=options, after=600)
    s.reply("The smallest change:\n\n```python\nRedisSessionStore(ttl=3600)\n```\n\nIt does not remove the race, "
            "but an hour is longer than any CI run.")
    s.prompt("Use an in-memory store in tests instead.", under=options, after=240)
    s.reply("- Swap Redis for `InMemorySessionStore` in tests\n- No TTL at all\n"
            "- Faster tests, but we stop testing expiry entirely")
    return s


def _port_aiosqlite(ids: Ids) -> ClaudeSession:
    s = ClaudeSession(ids, GROVE, _at(27), git_branch="aiosqlite")
    s.title("Port the store to aiosqlite")
    s.prompt("Port the store from sqlite3 to aiosqlite. Every public method becomes async.")
    s.reply("aiosqlite runs each call on the connection's thread, so **every await is a thread hop** "
            "(50–150 µs). If I await each statement, a transaction of 6 statements costs close to a "
            "millisecond and can interleave with another coroutine.\n\nInstead, each transaction is one "
            "plain function run in one hop:\n\n```python\nasync def run_write(conn, fn, *args):\n"
            "    return await conn._execute(_write_transaction, conn._conn, fn, args)\n```",
            thinking="The hop cost dominates small writes. One function per transaction keeps both the "
                     "latency and the atomicity right.")
    s.prompt("OK. Run the existing tests against it with a subagent while you write the rest.")
    sub = s.subagent("run the store tests")
    sub.prompt("Run pytest tests/store and report failures")
    sub.reply(tools=[("Bash", {"command": "pytest tests/store -q -x", "description": "Run the store tests"},
                      "..........F\nE   RuntimeError: threads can only be started once\n1 failed, 10 passed", True)])
    sub.reply("One failure: `test_reopen` opens the same `Store` object twice. aiosqlite connections are "
              "threads, and a thread can only be started once. The test should open a new `Store` instead "
              "of reusing the closed one.")
    s.reply(tools=[("Task", {"description": "run the store tests", "subagent_type": "general-purpose",
                             "prompt": "Run pytest tests/store and report failures"},
                    "One failure: `test_reopen` opens the same `Store` object twice.")], spawns=sub)
    s.reply("While the subagent ran the suite, I converted `Store.open` into an awaitable that is also an "
            "async context manager.",
            tools=[("Edit", {"file_path": f"{GROVE}/store/store.py", "old_string": "def open(",
                             "new_string": "def open("}, "The file store/store.py has been updated.")])
    return s


_LONG_FILES = ("claude_code.py", "codex.py", "chatgpt.py", "grove_json.py", "base.py")
_LONG_STEPS = (
    "Read the format notes for {f} and list the record types it must handle.",
    "Write the streaming reader for {f}: one JSON line at a time, errors reported per line.",
    "Handle the tree edges in {f}: parents that appear after their children.",
    "Make {f} idempotent: importing the same file twice must add nothing.",
    "Make {f} incremental: only lines appended since the last import are read.",
    "Add fuzz tests for {f}: truncated lines, invalid UTF-8, missing fields.",
)


def _long_session(ids: Ids) -> ClaudeSession:
    """About 300 messages: importers built step by step, a compaction half way, one detour."""
    s = ClaudeSession(ids, GROVE, _at(3), git_branch="importers", step=timedelta(seconds=23))
    s.title("Build the transcript importers")
    rng = random.Random(20260314)  # fixed seed: the demo is the same on every build
    s.prompt("Let's build the importers one by one. Start with the shared base class, then Claude Code, "
             "Codex, ChatGPT and our own JSON. Keep the tests green at each step.")
    rewind_to: str | None = None
    step_no = 0
    for f in _LONG_FILES:
        if f == "chatgpt.py":
            s.compact("This session is being continued from a previous conversation that ran out of context. "
                      "Summary: the base class, the Claude Code and the Codex importers are written and "
                      "tested (streaming, idempotent, incremental, fuzzed). Next: ChatGPT, Grove JSON.")
        for step in _LONG_STEPS:
            step_no += 1
            passed = 40 + step_no * 3
            if rewind_to is not None:  # the user rewound the detour away and went on from here
                s.prompt(step.format(f=f), under=rewind_to, after=120)
                rewind_to = None
            else:
                s.prompt(step.format(f=f))
            s.reply(f"### Step {step_no}: {f}\n\n{step.format(f=f)}\n\n- reading `store/importers/{f}`\n"
                    "- then running the importer tests",
                    tools=[("Read", {"file_path": f"{GROVE}/store/importers/{f}"},
                            "\n".join(f"{n:6d}→# line {n} of {f}" for n in range(1, rng.randint(40, 90))))])
            s.reply(tools=[("Edit", {"file_path": f"{GROVE}/store/importers/{f}", "old_string": "...",
                                     "new_string": "..."}, f"The file store/importers/{f} has been updated.")])
            if rng.random() < 0.35:
                s.reply(tools=[("Bash", {"command": "pytest tests/importers -q -x"},
                                f"E   KeyError: 'parentUuid'\n1 failed, {passed - 1} passed", True)])
                s.reply("A record without `parentUuid` (a compact boundary) broke the tree walk. It continues "
                        "through `logicalParentUuid` now.",
                        tools=[("Edit", {"file_path": f"{GROVE}/store/importers/{f}"},
                                f"The file store/importers/{f} has been updated.")])
            s.reply(tools=[("Bash", {"command": "pytest tests/importers -q"},
                            f"{passed} passed in {rng.randint(2, 9)}.{rng.randint(10, 99)}s")])
            last = s.reply(f"Step {step_no} done — {passed} importer tests pass.")
            if step_no == 9:  # a detour, later rewound: it stays as a branch
                rewind_to = last
                s.prompt("Wait — should the Codex importer share the tree walker with Claude Code?")
                s.reply("They differ: Codex rollouts are linear with explicit rollbacks, Claude Code writes a "
                        "real tree. Sharing would need flags on every branch of the walker.")
                s.prompt("Agreed, keep them separate.")
    s.prompt("Anything left to tidy up?")
    s.reply("Removing a dead helper and re-running the whole suite.",
            tools=[("Bash", {"command": "pytest -q"}, "312 passed in 41.07s")])
    s.reply("All 312 tests pass. The five importers are done.")
    return s


def _refactor_store(ids: Ids) -> ClaudeSession:
    s = ClaudeSession(ids, GROVE, _at(20), git_branch="refactor")
    s.title("Refactor the store into a repository layer")
    s.prompt("store.py is 1,200 lines. Split it so that SQL lives in one place and the public API stays exactly the same.")
    s.reply("# Plan\n\n1. Move row decoding into `rows.py`\n2. Move the schema and migrations into `schema.py`\n"
            "3. Keep every `_tx_*` transaction function next to the method that runs it\n\nThe public names in "
            "`store/__init__.py` stay untouched, so callers see no change.",
            tools=[("Bash", {"command": "wc -l store/*.py"}, "  1203 store/store.py\n    15 store/errors.py\n  1218 total")])
    s.reply("Starting with `rows.py`: `thread_from_row`, `message_from_row`, `checkpoint_from_row`, `event_from_row`.",
            tools=[("Write", {"file_path": f"{GROVE}/store/rows.py", "content": "..."}, "File created successfully at: store/rows.py"),
                   ("Write", {"file_path": f"{GROVE}/store/schema.py", "content": "..."}, "File created successfully at: store/schema.py")])
    s.reply(tools=[("Bash", {"command": "pytest tests/store -q"}, "212 passed in 9.84s")])
    s.reply("All 212 store tests pass. `store.py` is down to 740 lines.")
    s.prompt("Also move the search helpers out.")
    s.reply("Moving `query_words`, `match_expression` and `make_hit` into `search.py`.",
            tools=[("Bash", {"command": "pytest tests/store -q"},
                    "E   ImportError: cannot import name 'make_hit' from 'store.store'\n1 error", True)])
    s.reply("One test still imports `make_hit` from `store.store`; I'll grep for every importer first.",
            tools=[("Grep", {"pattern": "from store.store import", "path": "."},
                    "tests/store/test_search.py:3:from store.store import make_hit")])
    s.reply(tools=[("Bash", {"command": "pytest tests/store -q"}, "212 passed in 9.71s")])
    s.reply("Only one test imported it directly. The helpers moved and that import is updated in the same change.")
    return s


def _bench_search(ids: Ids) -> ClaudeSession:
    s = ClaudeSession(ids, GROVE, _at(24), git_branch="search-speed")
    s.prompt("Search is slow for common words. Profile it on the benchmark database.")
    s.reply(tools=[("Bash", {"command": "python bench/store.py --only search"},
                    "search rare word      3.1 ms\nsearch common word  412.8 ms   (target 50 ms)")])
    s.reply("The common word matches ~600,000 rows and we sort all of them by time. FTS5 walks its index in "
            "rowid order cheaply, so I'll take the newest window of matches by rowid and sort only that.",
            tools=[("Bash", {"command": "python bench/store.py --only search"},
                    "Traceback (most recent call last):\n  File \"bench/store.py\", line 88\n"
                    "sqlite3.OperationalError: no such column: f.rowid", True)])
    s.reply("The benchmark crashed: the subquery aliases the FTS table differently. I ran out of budget for "
            "this session; the fix is to select `rowid` from `messages_fts` directly.")
    return s


# ---------------------------------------------------------------------------- Codex


def _css_bug(ids: Ids) -> CodexRollout:
    r = CodexRollout(ids, WEBSHOP, _at(12), git_branch="sidebar")
    r.prompt("Below 700px the sidebar covers the product grid. Fix the CSS.")
    r.reasoning("**Looking at the layout CSS**\n\nA fixed sidebar with a margin on the content is the usual cause.")
    r.exec("sed -n '1,40p' static/css/layout.css", ".sidebar { position: fixed; width: 260px; }\n.content { margin-left: 260px; }")
    r.reply("The sidebar is `position: fixed`, so it leaves the flow, and `.content` only makes room with a fixed "
            "`margin-left`. Below 700px there is no room for both.")
    r.prompt("Could we use CSS grid instead of fixed positioning altogether?")
    r.reply("Yes:\n\n```css\nbody { display: grid; grid-template-columns: 260px 1fr; }\n"
            "@media (max-width: 700px) { body { grid-template-columns: 1fr; } }\n```\n\n- no magic margins\n"
            "- the sidebar scrolls with the page")
    r.rollback(1)
    r.prompt("I'd rather have the sidebar collapse into a drawer.")
    r.patch("*** Begin Patch\n*** Update File: static/css/layout.css\n@@\n+@media (max-width: 700px) {\n"
            "+  .sidebar { transform: translateX(-100%); transition: transform .2s; }\n+  .sidebar.open { transform: none; }\n"
            "+  .content { margin-left: 0; }\n+}\n*** Update File: static/js/menu.js\n@@\n"
            "+menu.addEventListener('click', () => sidebar.classList.toggle('open'));\n*** End Patch")
    r.exec("npx playwright test layout.spec.ts", "  3 passed (4.2s)")
    r.reply("A drawer then: the sidebar sits off-canvas and slides in when the menu button toggles `.open`. "
            "The layout tests pass.")
    return r


def _migration(ids: Ids) -> CodexRollout:
    r = CodexRollout(ids, GROVE, _at(15), git_branch="checkpoint-notes")
    r.prompt("Add a nullable `note` column to checkpoints with a migration. Existing databases must keep working.")
    r.reasoning("**Planning the migration**\n\nMigrations are numbered by user_version; add the next one.")
    r.reply("Migrations are tracked with `PRAGMA user_version`. The new one:\n\n```python\n"
            "def _v7(conn: sqlite3.Connection) -> None:\n    conn.execute(\"ALTER TABLE checkpoints ADD COLUMN note TEXT\")\n```\n\n"
            "It runs inside `BEGIN IMMEDIATE`, and the version is read again after the lock is taken.")
    r.exec("pytest tests/store/test_schema.py -q", "7 passed in 0.22s")
    r.reply("Should I also backfill notes from the `state` JSON of imported checkpoints? Some Claude Code "
            "sessions carry a description there.")
    return r


def _websocket_leak(ids: Ids) -> CodexRollout:
    r = CodexRollout(ids, CHAT, _at(18))
    r.prompt("RSS of the chat server grows ~40 MB an hour and never comes back down.")
    r.reasoning("**Profiling allocations**\n\nRun with tracemalloc for ten minutes and compare the top lines.")
    r.exec("python -X tracemalloc=25 server.py --profile 600",
           "Top 3 lines\n#1: chat/handlers.py:57: 38.2 MiB\n    self.subscribers[room].append(ws)\n"
           "#2: asyncio/events.py:80: 1.1 MiB\n#3: json/decoder.py:353: 0.4 MiB")
    r.reply("`subscribers[room]` only ever grows: sockets are appended on join but never removed when the client "
            "disconnects.\n\n```python\ntry:\n    async for msg in ws:\n        await self.dispatch(room, msg)\n"
            "finally:\n    self.subscribers[room].remove(ws)\n```")
    r.prompt("Could we use a WeakSet so we never have to remember to remove them?")
    r.reply("A `WeakSet` drops a socket once nothing else references it — but the handler coroutine holds it "
            "until it returns, so it would behave the same as the `finally`, just less explicitly.")
    r.rollback(1)
    r.prompt("What if the same socket joins twice?")
    r.reply("Then `remove` drops only one entry. Use a `set` per room instead of a list: "
            "`self.subscribers: defaultdict[str, set[WebSocket]]`.")
    r.patch("*** Begin Patch\n*** Update File: chat/handlers.py\n@@\n-        self.subscribers = defaultdict(list)\n"
            "+        self.subscribers = defaultdict(set)\n*** End Patch")
    r.exec("pytest tests/test_handlers.py -q", "14 passed in 1.02s")
    r.reply("Sockets are kept in a set per room and removed in `finally`; the handler tests pass.")
    return r


# ---------------------------------------------------------------------------- ChatGPT


def _chatgpt(ids: Ids) -> list[ChatGPTConversation]:
    wal = ChatGPTConversation(ids, "WAL mode vs rollback journal", _at(6))
    wal.say("system", "You are a helpful assistant.")
    wal.say("user", "What's the practical difference between SQLite's WAL mode and the rollback journal?")
    answer = wal.say("assistant", "## Rollback journal\n\nBefore a page is changed, the *original* page is copied to a "
                     "journal file. Readers and a writer block each other.\n\n## WAL\n\nChanges are *appended* to a "
                     "write-ahead log; readers keep reading the old pages from the database file.\n\n"
                     "| | rollback | WAL |\n|---|---|---|\n| readers during a write | blocked | continue |\n"
                     "| network file systems | ok | no |\n| fsyncs per commit | 2+ | 1 |")
    wal.say("user", "Explain it like I'm five.")
    wal.say("assistant", "The rollback journal makes a copy before it scribbles. WAL writes the new scribbles on a "
            "separate sheet and tidies up later.")
    wal.say("user", "And synchronous=NORMAL with WAL — can I lose data?", under=answer)
    wal.say("assistant", "With WAL and `synchronous=NORMAL`, a commit can be lost on **power loss**, but the "
            "database is never corrupted. An application crash loses nothing.")
    notes = ChatGPTConversation(ids, "Release notes for 0.3", _at(1))
    notes.say("user", "Write release notes for 0.3 from this changelog: forks, checkpoints, timeline, search.")
    notes.say("assistant", "# Grove 0.3\n\n- **Fork anywhere**: branch a conversation at any message\n"
              "- **Checkpoints**: name a point and come back to it\n- **Timeline**: every move is recorded "
              "and can be undone\n- **Search**: full-text over every transcript")
    return [notes, wal]


# ---------------------------------------------------------------------------- in Grove


async def _by_title(store: Store, title: str) -> Thread:
    for thread in await store.list_threads(include_archived=True, limit=100):
        if thread.title == title:
            return thread
    raise LookupError(f"the demo lost its thread {title!r}")


async def _message_with(store: Store, thread: Thread, text: str, role: Role = Role.USER) -> int:
    for message in await store.messages(thread.id):
        if message.role is role and text in message.content:
            return message.id
    raise LookupError(f"no {role.value} message with {text!r} in {thread.title!r}")


async def _dark_mode(store: Store) -> None:
    """A thread typed in Grove itself, later postponed and renamed."""
    t = await store.create_thread("Add a dark mode toggle", project="~/src/webshop", status=ThreadStatus.CANCELLED)
    await store.append(t.id, Role.USER, "Add a dark mode toggle to the header.")
    await store.append(t.id, Role.ASSISTANT, "I'll add a `prefers-color-scheme` default and a toggle that stores "
                       "the choice in `localStorage`. First, which component renders the header?")
    await store.append(t.id, Role.USER, "Never mind, design wants to do this next quarter.")
    await store.update_thread(t.id, title="Add a dark mode toggle (postponed)")


async def _what_the_user_did(store: Store) -> None:
    """Checkpoints, moves, undo, a restore, a fork and statuses, as done in the app."""
    refactor = await _by_title(store, "Refactor the store into a repository layer")
    green = await _message_with(store, refactor, "All 212 store tests pass", Role.ASSISTANT)
    await store.save_checkpoint(refactor.id, "rows-and-schema-split", message_id=green, note="tests green after the first two moves")
    await store.rewind(refactor.id, by=4)
    await store.undo(refactor.id)
    await store.rewind(refactor.id, to=green)
    await store.restore_checkpoint(refactor.id, "rows-and-schema-split")
    await store.undo(refactor.id)

    long = await _by_title(store, "Build the transcript importers")
    path = await store.path(long.id)
    await store.save_checkpoint(long.id, "base-class-done", message_id=path[36].id, kind=CheckpointKind.AUTO)
    await store.save_checkpoint(long.id, "claude-code-done", message_id=path[90].id, kind=CheckpointKind.AUTO)
    await store.save_checkpoint(long.id, "all-importers", note="every importer with fuzz tests")

    port = await _by_title(store, "Port the store to aiosqlite")
    await store.update_thread(port.id, status=ThreadStatus.RUNNING)
    for thread in await store.list_threads(limit=100):
        if thread.parent_thread_id == port.id:
            await store.update_thread(thread.id, status=ThreadStatus.COMPLETED)

    for thread in await store.list_threads(limit=100):
        if thread.source == Source.CODEX and thread.title and thread.title.startswith("Below 700px"):
            await store.update_thread(thread.id, title="Sidebar overlaps content on narrow screens", status=ThreadStatus.COMPLETED)
            grid = await _message_with(store, thread, "Yes:", Role.ASSISTANT)
            await store.set_leaf(thread.id, grid)  # a look at the abandoned grid answer…
            await store.undo(thread.id)  # …and back
        elif thread.source == Source.CODEX and thread.title and thread.title.startswith("Add a nullable"):
            await store.update_thread(thread.id, title="Write migration 0007: checkpoint notes", status=ThreadStatus.WAITING)
            await store.save_checkpoint(thread.id, "migration-written", kind=CheckpointKind.AUTO)
        elif thread.source == Source.CODEX and thread.title and thread.title.startswith("RSS of the chat"):
            await store.update_thread(thread.id, title="Memory leak in the websocket handler", status=ThreadStatus.COMPLETED)
            await store.save_checkpoint(thread.id, "set-per-room", note="subscribers kept in sets")
            weak = await _message_with(store, thread, "A `WeakSet` drops", Role.ASSISTANT)
            await store.set_leaf(thread.id, weak)
            await store.restore_checkpoint(thread.id, "set-per-room")
        elif thread.title == "Search is slow for common words. Profile it on the benchmark database.":
            await store.update_thread(thread.id, title="Benchmark search over 1M messages", status=ThreadStatus.FAILED)

    wal = await _by_title(store, "WAL mode vs rollback journal")
    await store.update_thread(wal.id, status=ThreadStatus.COMPLETED)
    notes = await _by_title(store, "Release notes for 0.3")
    await store.archive_thread(notes.id)

    # The login thread last: it is the one the user is on when the demo opens.
    login = await _by_title(store, "Fix flaky login test")
    options = await _message_with(store, login, "There are a few ways", Role.ASSISTANT)
    clock_fix = await _message_with(store, login, "50 runs in a row pass", Role.ASSISTANT)
    await store.save_checkpoint(login.id, "fake-clock", message_id=clock_fix, note="flake fixed with an injected clock")
    await store.save_checkpoint(login.id, "before-ttl-experiment", message_id=options, note="the three options, before choosing")
    # A question typed in Grove under an earlier reply (a branch of its own), then back.
    await store.fork(clock_fix, Role.USER, "Could the clock fixture be session-scoped instead?")
    done = await _message_with(store, login, "All three login tests pass", Role.ASSISTANT)
    await store.set_leaf(login.id, done)  # back from the two experiments to the answer that worked
    await store.save_checkpoint(login.id, "green", note="all login tests pass", kind=CheckpointKind.AUTO)
    await store.update_thread(login.id, status=ThreadStatus.COMPLETED)

    # An experiment forked into its own thread, written in Grove.
    pick = await _message_with(store, login, "Which one would you pick?")
    fork = await store.fork_thread(pick, title="Fix flaky login test — try freezegun")
    await store.append(fork.id, Role.ASSISTANT, "Using `freezegun` instead of an injected clock:\n\n```python\n"
                       "@freeze_time(\"2026-01-01\")\ndef test_login_redirects(client):\n    ...\n```")
    await store.append(fork.id, Role.USER, "It patches `datetime` globally and the Redis client reads its own clock. Doesn't help.")
    await store.update_thread(fork.id, status=ThreadStatus.CANCELLED)


def write_demo_sessions(folder: Path) -> list[Path]:
    """Write the demo's agent sessions under `folder`; the paths to import."""
    ids = Ids(seed=0x6707E)
    claude = folder / "claude" / "projects"
    for session, project in (
        (_long_session(ids), GROVE),
        (_refactor_store(ids), GROVE),
        (_bench_search(ids), GROVE),
        (_port_aiosqlite(ids), GROVE),
        (_flaky_login(ids), WEBSHOP),
    ):
        session.write(claude / project.replace("/", "-"))
    codex = folder / "codex" / "sessions"
    for rollout in (_css_bug(ids), _migration(ids), _websocket_leak(ids)):
        rollout.write(codex)
    chatgpt = write_chatgpt(_chatgpt(ids), folder / "chatgpt")
    return [claude, codex, chatgpt]


async def build_demo(store: Store) -> None:
    """Fill an empty store with the demo threads. Open the store with `demo_clock()`."""
    if await store.count_threads(include_archived=True):
        raise ValueError("build_demo needs an empty database")
    with tempfile.TemporaryDirectory(prefix="grove-demo-") as tmp:
        report = await import_paths(store, write_demo_sessions(Path(tmp)))
    if report.errors:
        raise RuntimeError(f"the demo sessions did not import cleanly: {report.errors[0]}")
    await _dark_mode(store)
    await _what_the_user_did(store)


async def create_demo_db(path: Path) -> None:
    """Create a demo database at `path` (which must not hold any threads yet)."""
    async with Store.open(path, clock=demo_clock()) as store:
        await build_demo(store)
