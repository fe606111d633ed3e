"""The search screen: `/`, a few letters, enter — and the hit is on the active path, ready to fork."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input
from tui_helpers import make_app, settle

from store import EventKind, Store
from tui.screens.main import MainScreen
from tui.screens.modals import ComposerScreen
from tui.screens.search import SearchScreen
from tui.widgets.search_results import MessageResult

ABANDONED = "stop testing expiry"
"""A user message of the demo's login thread that lies on an abandoned branch."""


async def search_for(pilot: Any, text: str) -> SearchScreen:
    await settle(pilot)
    await pilot.press("slash")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(Input).value = text
    await settle(pilot)
    return screen


def message_results(screen: SearchScreen) -> list[MessageResult]:
    return [r for r in screen.results.results if isinstance(r, MessageResult)]


async def test_hits_say_whether_they_are_on_the_active_path_or_an_abandoned_branch(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await search_for(pilot, "expiry")
        hits = message_results(screen)
        assert hits and all("expiry" in h.hit.snippet.lower() for h in hits)
        assert {h.on_active_path for h in hits} == {True, False}
        abandoned = next(h for h in hits if ABANDONED in h.hit.snippet)
        assert abandoned.on_active_path is False
        # The highlight offsets point at the word, whatever else is in the snippet.
        start, end = abandoned.hit.highlights[0]
        assert abandoned.hit.snippet[start:end].lower() == "expiry"


async def test_enter_on_an_abandoned_hit_moves_the_head_there_undoably_ready_to_fork(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await search_for(pilot, "testing expiry entirely")
        (hit,) = message_results(screen)
        thread_id = hit.hit.thread_id
        head_before = (await app.store.get_thread(thread_id)).current_leaf_id
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, MainScreen)
        main = app.main
        assert main.thread is not None and main.thread.id == thread_id
        assert main.transcript.selected is not None and main.transcript.selected.id == hit.hit.message_id
        assert hit.hit.message_id in await app.store.on_active_path([hit.hit.message_id])
        last = (await app.store.events(thread_id, after_seq=0, limit=100_000))[-1]
        assert last.kind is EventKind.LEAF_MOVED and last.from_leaf_id == head_before

        await pilot.press("f")  # fork right there
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("u")  # and the jump is undoable
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).current_leaf_id == head_before


async def test_an_empty_result_says_so(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await search_for(pilot, "zebrafish quasar")
        assert screen.results.results == []
        assert "Nothing matches" in str(screen.query_one("#search-status").render())


@pytest.mark.parametrize("query", ['"', "-", "AND", "*", 'NEAR("', "x OR -y*", "a:b", "(("])
async def test_fts_syntax_is_taken_literally(tmp_path: Path, query: str) -> None:
    async with Store.open(tmp_path / "grove.db") as store:
        thread = await store.create_thread("syntax")
        first = await store.append(thread.id, "user", 'Run it with "quotes" AND -minus and star* (NEAR x OR -y*) a:b')
        await store.append(thread.id, "assistant", "Nothing special here.")
    app = make_app(tmp_path / "grove.db")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await search_for(pilot, query)
        assert not [n for n in app._notifications if n.severity == "error"]
        words_in_query = [w for w in query.replace('"', " ").replace("(", " ").replace("*", " ").replace("-", " ").replace(":", " ").split() if w]
        if words_in_query:
            # Words are matched as words: every query that has one finds the first message.
            assert [h.hit.message_id for h in message_results(screen)] == [first.id]
        else:
            assert message_results(screen) == []


def test_search_screen_snapshot(demo_db: Path, snap_compare: Any) -> None:
    """You should see the search box holding "expiry", the filter line, and hits from the
    login thread, each marked "active path" or "abandoned branch", the word highlighted."""

    async def run_before(pilot: Any) -> None:
        await search_for(pilot, "expiry")

    assert snap_compare(make_app(demo_db), terminal_size=(160, 45), run_before=run_before)


def test_after_the_jump_snapshot(demo_db: Path, snap_compare: Any) -> None:
    """You should see the login thread on the branch that holds "We need expiry covered.
    No." — that message selected at the head — and a notice that the head moved (u undoes)."""

    async def run_before(pilot: Any) -> None:
        await search_for(pilot, "expiry covered")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(160, 45), run_before=run_before)
