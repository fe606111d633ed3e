"""`o` in the app: continue the selected message's path in Claude Code or Codex.

The flow of issue 11: open a thread, fork it with `f`, press `o`, confirm; the session file
is written and the command copied, or Grove hands the terminal to the agent (a stand-in
`claude` script here) and, back from it, shows the continuation as a fork of its origin.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from store import EventKind, Store
from store.importers import import_paths
from store.payloads import copied_from
from tui.commands import COMMANDS
from tui.screens.modals import ComposerScreen, HandOffScreen

from tui_helpers import main, make_app, settle

SESSION_ID = "5a0c1c43-29f3-4d1e-9a57-0b7c9a8f2e11"

#: A stand-in `claude`: finds the session it is asked to resume where Claude Code would,
#: and appends a prompt and a reply to it (what a real continuation does).
STAND_IN = r'''#!{python}
import json, os, re, sys
session = sys.argv[sys.argv.index("--resume") + 1]
folder = re.sub(r"[^A-Za-z0-9]", "-", os.getcwd())
path = os.path.join(os.environ["CLAUDE_CONFIG_DIR"], "projects", folder, session + ".jsonl")
lines = [json.loads(l) for l in open(path)]
last = [l for l in lines if "uuid" in l][-1]
base = {{k: last[k] for k in ("isSidechain", "userType", "cwd", "sessionId", "version")}}
prompt = dict(base, parentUuid=last["uuid"], type="user", uuid="c0ffee00-0000-4000-8000-000000000001",
              timestamp="2030-01-01T11:00:00.000Z", message={{"role": "user", "content": "Now in Claude Code."}})
reply = dict(base, parentUuid=prompt["uuid"], type="assistant", uuid="c0ffee00-0000-4000-8000-000000000002",
             timestamp="2030-01-01T11:00:03.000Z",
             message={{"id": "msg_cont", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
                      "content": [{{"type": "text", "text": "Continuing from Grove."}}],
                      "usage": {{"input_tokens": 50, "output_tokens": 7}}}})
with open(path, "a") as f:
    f.write(json.dumps(prompt) + "\n" + json.dumps(reply) + "\n")
'''


def _session(work: Path) -> str:
    base = {"isSidechain": False, "userType": "external", "cwd": str(work), "sessionId": SESSION_ID, "version": "2.1.42"}
    lines = [
        {**base, "parentUuid": None, "type": "user", "uuid": "u1", "timestamp": "2030-01-01T10:00:00.000Z",
         "message": {"role": "user", "content": "Which test framework should we use?"}},
        {**base, "parentUuid": "u1", "type": "assistant", "uuid": "a1", "timestamp": "2030-01-01T10:00:02.000Z",
         "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
                     "content": [{"type": "text", "text": "pytest, with pytest-asyncio."}], "usage": {"input_tokens": 9, "output_tokens": 4}}},
        {**base, "parentUuid": "a1", "type": "user", "uuid": "u2", "timestamp": "2030-01-01T10:01:00.000Z",
         "message": {"role": "user", "content": "Write the first test."}},
        {**base, "parentUuid": "u2", "type": "assistant", "uuid": "a2", "timestamp": "2030-01-01T10:01:05.000Z",
         "message": {"id": "msg_2", "type": "message", "role": "assistant", "model": "claude-opus-4-6",
                     "content": [{"type": "text", "text": "Here it is: def test_one(): ..."}], "usage": {"input_tokens": 20, "output_tokens": 9}}},
    ]
    return "".join(json.dumps(line) + "\n" for line in lines)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A database holding one imported session run in a real folder; agent dirs in tmp_path."""
    import asyncio

    work = tmp_path / "work"
    work.mkdir()
    source = tmp_path / "in" / f"{SESSION_ID}.jsonl"
    source.parent.mkdir()
    source.write_text(_session(work))
    db = tmp_path / "grove.db"

    async def build() -> None:
        async with Store.open(db) as store:
            await import_paths(store, [source])

    asyncio.run(build())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex"))
    monkeypatch.setenv("PATH", str(bin_dir))
    return {"work": work, "db": db, "bin": bin_dir, "claude": tmp_path / "claude", "codex": tmp_path / "codex"}


async def _fork(pilot: Any, text: str) -> None:
    """Select the first reply, press f, type `text`, send."""
    screen = main(pilot.app)
    screen.transcript.focus()
    screen.transcript.cursor = 1
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComposerScreen)
    pilot.app.screen.query_one(TextArea).text = text
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_o_writes_the_fork_and_copies_the_command(world: dict[str, Path]) -> None:
    app = make_app(world["db"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await _fork(pilot, "Use unittest instead.")
        screen = main(app)
        thread = screen.thread
        assert thread is not None
        screen.transcript.cursor = len(screen.transcript.path) - 1
        selected = screen.transcript.selected
        assert selected is not None and selected.content == "Use unittest instead."
        await pilot.press("o")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HandOffScreen) and dialog.agent == "claude-code"
        body = str(dialog.query_one("#handoff-body").render())
        assert "Claude Code" in str(dialog.query_one("#handoff").border_title)
        assert str(world["claude"]) in body and "claude --resume" in body and str(world["work"]) in body
        await pilot.press("a")  # Codex, then back
        assert dialog.agent == "codex" and "codex resume" in str(dialog.query_one("#handoff-body").render())
        await pilot.press("a")
        await pilot.press("c")
        await settle(pilot)
        written = list((world["claude"] / "projects").rglob("*.jsonl"))
        assert len(written) == 1
        assert app.clipboard == f"cd {world['work']} && claude --resume {written[0].stem}"
        lines = [json.loads(line) for line in written[0].read_text().splitlines()]
        assert [e["message"]["content"] for e in lines[:-1]][-1] == "Use unittest instead."
        assert len(lines) == 4  # prompt, reply, the fork's prompt, the title
        events = await screen.store.events(thread.id, kinds=[EventKind.HANDED_OFF])
        assert events[-1].message_id == selected.id and events[-1].data["path"] == str(written[0])


async def test_escape_writes_nothing(world: dict[str, Path]) -> None:
    app = make_app(world["db"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main(app).transcript.focus()
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, HandOffScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not world["claude"].exists()
        assert not await main(app).store.events(kinds=[EventKind.HANDED_OFF])


async def test_enter_runs_the_agent_and_shows_the_continuation_under_its_origin(world: dict[str, Path]) -> None:
    script = world["bin"] / "claude"
    script.write_text(STAND_IN.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    app = make_app(world["db"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = main(app)
        ran: list[tuple[list[str], str]] = []

        def run_agent(argv: list[str], cwd: str) -> int:
            # What App.suspend() wraps in a terminal (a headless test cannot hand one over).
            ran.append((argv, cwd))
            return subprocess.run(argv, cwd=cwd, check=False).returncode

        screen.run_agent = run_agent  # type: ignore[method-assign]
        origin = screen.thread
        assert origin is not None
        screen.transcript.focus()
        screen.transcript.cursor = len(screen.transcript.path) - 1
        head = screen.transcript.selected
        assert head is not None
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(ran) == 1 and ran[0][1] == str(world["work"]) and ran[0][0][:2] == ["claude", "--resume"]
        continuation = screen.thread
        assert continuation is not None and continuation.id != origin.id
        assert continuation.forked_from_thread_id == origin.id and continuation.forked_from_message_id == head.id
        assert (continuation.input_tokens, continuation.output_tokens) == (50, 7)
        path = screen.transcript.path
        assert [m.content for m in path if copied_from(m.data) is None] == ["Now in Claude Code.", "Continuing from Grove."]
        assert all(copied_from(m.data) is not None for m in path[:-2])
        # The copies say so in their header; the agent's new messages do not.
        header = screen.transcript._header(path[0], 100, False).text
        assert f"copy of #{copied_from(path[0].data)}" in header
        assert "copy of" not in screen.transcript._header(path[-1], 100, False).text
        # In the thread list, the continuation sits under its origin.
        rows = screen.thread_list.rows
        origin_row = next(i for i, r in enumerate(rows) if r.thread.id == origin.id)
        assert rows[origin_row + 1].thread.id == continuation.id


async def test_without_the_agent_on_path_the_command_is_copied(world: dict[str, Path]) -> None:
    app = make_app(world["db"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main(app).transcript.focus()
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        written = list((world["claude"] / "projects").rglob("*.jsonl"))
        assert len(written) == 1 and app.clipboard.endswith(f"claude --resume {written[0].stem}")


async def test_the_palette_offers_it(world: dict[str, Path]) -> None:
    assert ("Continue in Claude Code / Codex", "continue_in_agent") in [(name, action) for name, action, _ in COMMANDS]
    app = make_app(world["db"])
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main(app).transcript.focus()
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Continue in Claude")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HandOffScreen)
