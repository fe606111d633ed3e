"""Real sessions in the app: what a Claude Code, Codex or ChatGPT user sees of their own files.

Each test imports real transcripts from `../shared/fixtures` into a fresh database, opens
the app on it and asserts on what the transcript shows — tool names with their inputs, an
opened tool call's output, a thinking line, a slash command — not on demo-shaped data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store import Store, payloads
from store.importers import import_paths
from tui.screens.main import MainScreen
from tui.thread_model import first_words
from tui.widgets.branch_tree import BranchTree
from tui.widgets.transcript import Transcript

from tui_helpers import make_app, settle

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
CLAUDE_2_0 = FIXTURES / "claude-code" / "codemie" / "session-196820da.jsonl"
CLAUDE_2_1 = FIXTURES / "claude-code" / "projects" / "-experiments-worktrees"
CODEX = FIXTURES / "codex" / "codemie" / "rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl"
CODEX_SUMMARIES = FIXTURES / "codex" / "sessions" / "2026" / "01" / "02" / "rollout-2026-01-02T03-04-05-11111111-1111-4111-8111-111111111111.jsonl"
"""Synthetic, but the only rollout with reasoning summaries: the real ones carry encrypted content only."""
CHATGPT = FIXTURES / "chatgpt" / "conversations.json"


async def _import(db: Path, *paths: Path) -> None:
    async with Store.open(db) as store:
        await import_paths(store, list(paths))


def screen_text(transcript: Transcript) -> str:
    return "\n".join("".join(s.text for s in transcript.render_line(y)) for y in range(transcript.size.height))


async def _open_main_thread(pilot: Any) -> MainScreen:
    """Open the first top-level thread of the list (the newest session)."""
    await settle(pilot)
    screen = pilot.app.main
    assert isinstance(screen, MainScreen)
    return screen


def _select_where(transcript: Transcript, predicate: Any) -> int:
    index = next(i for i, m in enumerate(transcript.path) if predicate(m))
    transcript.cursor = index
    return index


@pytest.mark.parametrize("source", [CLAUDE_2_0, CLAUDE_2_1, CODEX], ids=["claude-2.0", "claude-2.1", "codex"])
async def test_every_tool_call_shows_its_tool_name(tmp_path: Path, source: Path) -> None:
    db = tmp_path / "real.db"
    await _import(db, source)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        transcript = screen.transcript
        transcript.focus()
        calls = [(i, c) for i, m in enumerate(transcript.path) for c in payloads.tool_calls(m.data)]
        assert len(calls) > 5
        seen = 0
        for index, call in calls[:: max(1, len(calls) // 12)]:
            transcript.cursor = index
            await pilot.pause()
            text = screen_text(transcript)
            name = str(call.get("name"))
            assert f"⚙ {name}" in text, name
            summary = payloads.tool_summary(call)
            if summary:
                assert summary[:20] in text
            seen += 1
        assert seen >= 5
        assert "(empty)" not in screen_text(transcript)


async def test_enter_opens_a_claude_code_tool_call_to_its_input_and_output(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    await _import(db, CLAUDE_2_0)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        transcript = screen.transcript
        transcript.focus()
        index = _select_where(transcript, lambda m: any(c.get("name") == "Bash" for c in payloads.tool_calls(m.data)))
        message = transcript.path[index]
        call = next(c for c in payloads.tool_calls(message.data) if c.get("name") == "Bash")
        result = next(
            r for m in transcript.path for r in payloads.tool_results(m.data) if r.get("tool_use_id") == call.get("id")
        )
        first_output_line = next(line for line in (result.get("output") or "").splitlines() if line.strip())
        await pilot.pause()
        assert not transcript.is_expanded(message.id)
        await pilot.press("enter")
        await pilot.pause()
        assert transcript.is_expanded(message.id)
        text = screen_text(transcript)
        assert str(call["input"]["command"]).splitlines()[0][:30] in text  # type: ignore[index]
        assert first_output_line.strip()[:30] in text


async def test_codex_tool_results_show_the_output_not_its_envelope(tmp_path: Path) -> None:
    """Codex wraps apply_patch output in JSON and exec output in a "Chunk ID" header; the
    opened call shows what the tool printed. (exec_command's own first chunk is often empty
    while the process runs; write_stdin then carries the output.)"""
    db = tmp_path / "real.db"
    await _import(db, CODEX)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        transcript = screen.transcript
        transcript.focus()
        results = {r.get("tool_use_id"): r for m in transcript.path for r in payloads.tool_results(m.data)}
        for tool in ("apply_patch", "write_stdin"):
            index, call = next(
                (i, c)
                for i, m in enumerate(transcript.path)
                for c in payloads.tool_calls(m.data)
                if c.get("name") == tool and payloads.result_output(results.get(c.get("id")) or {}).strip()
            )
            raw = results[call.get("id")].get("output") or ""
            assert raw.startswith('{"output":') or raw.startswith("Chunk ID:"), tool
            transcript.cursor = index
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            shown = next(line for line in payloads.result_output(results[call.get("id")]).splitlines() if line.strip())
            text = screen_text(transcript)
            assert shown.strip()[:30] in text, tool
            assert '{"output":' not in text and "Chunk ID:" not in text
            await pilot.press("enter")


async def test_codex_reasoning_shows_as_a_dimmed_thinking_line(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    await _import(db, CODEX_SUMMARIES)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        transcript = screen.transcript
        transcript.focus()
        kinds = [payloads.message_kind(m.role.value, m.data) for m in transcript.path]
        assert payloads.MessageKind.THINKING in kinds
        index = kinds.index(payloads.MessageKind.THINKING)
        transcript.cursor = index
        await pilot.pause()
        assert "✻ thinking" in screen_text(transcript)
        assert "encrypted" not in screen_text(transcript).lower()


async def test_claude_code_thinking_is_one_folded_line_of_its_reply(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    await _import(db, CLAUDE_2_0)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        transcript = screen.transcript
        with_thinking = [i for i, m in enumerate(transcript.path) if payloads.thinking(m.data)]
        if not with_thinking:
            pytest.skip("this Claude Code fixture carries no thinking blocks")
        transcript.cursor = with_thinking[0]
        await pilot.pause()
        assert "✻ thinking" in screen_text(transcript)


async def test_chatgpt_export_reads_with_its_branch(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    await _import(db, CHATGPT)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        assert screen.thread is not None and screen.thread.source == "chatgpt"
        text = screen_text(screen.transcript)
        assert "assistant" in text and "user" in text
        assert any(screen.transcript.sibling_info(m.id) for m in screen.transcript.path)


def test_real_claude_code_session_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """You should see a real Claude Code 2.1 session (-experiments-worktrees): replies with
    prose and `⚙ Bash  git …` / `⚙ Task …` lines, tool results one line each, and the
    subagent threads under it in the thread list."""
    import asyncio

    db = tmp_path / "real.db"
    asyncio.run(_import(db, CLAUDE_2_1))
    assert snap_compare(make_app(db), terminal_size=(150, 45), run_before=settle)


def test_real_codex_session_snapshot(tmp_path: Path, snap_compare: Any) -> None:
    """You should see a real Codex 0.125 rollout: `⚙ exec_command  …` calls with their
    commands, `✻ thinking` lines for reasoning summaries, `apply_patch  N files`."""
    import asyncio

    db = tmp_path / "real.db"
    asyncio.run(_import(db, CODEX))

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        transcript = pilot.app.main.transcript
        transcript.focus()
        _select_where(transcript, lambda m: any(c.get("name") == "apply_patch" for c in payloads.tool_calls(m.data)))
        await pilot.pause()

    assert snap_compare(make_app(db), terminal_size=(150, 45), run_before=run_before)


async def test_the_tree_names_a_run_by_its_first_prompt_not_the_session_context(tmp_path: Path) -> None:
    """A Codex rollout starts with permission instructions and environment context; the
    tree's line for the run shows the first words of what the person typed."""
    db = tmp_path / "real.db"
    await _import(db, CODEX)
    app = make_app(db)
    async with app.run_test(size=(150, 50)) as pilot:
        screen = await _open_main_thread(pilot)
        tree = screen.query_one(BranchTree)
        await settle(pilot)
        assert screen.transcript.path[0].content.startswith("<")  # the session opens with context
        prompt = next(
            m for m in screen.transcript.path if payloads.message_kind(m.role, m.data) is payloads.MessageKind.PROMPT
        )
        line = "".join(s.text for s in tree.render_line(0))
        assert first_words(prompt.content, 3) in line, line
        assert "“<" not in line
