"""The compare screen on a real branch: `m` marks, `=` compares, keys scroll, jump, open a side.

The database holds the real Claude Code session `-experiments-ideas/03eb5929…`, whose entry
`eb84e3ee…` has two typed user children (18:49:30 "I very much like this idea…", and the
newer 19:24:30 "I actually don't like much this idea…" on the active path).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import make_app, settle

from store import Store
from store.importers import import_paths
from tui.screens.compare import CompareScreen
from tui.screens.main import MainScreen
from tui.widgets.branch_tree import BranchTree
from tui.widgets.compare_view import CompareView

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"


@pytest.fixture(scope="session")
def ideas_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real -experiments-ideas session imported once; tests get copies."""
    source = next((FIXTURES / "claude-code" / "projects" / "-experiments-ideas").glob("03eb5929-*.jsonl"))
    path = tmp_path_factory.mktemp("ideas") / "ideas.db"

    async def build() -> None:
        async with Store.open(path) as store:
            await import_paths(store, [source])

    asyncio.run(build())
    return path


@pytest.fixture
def ideas_db(ideas_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the imported session."""
    path = tmp_path / "ideas.db"
    shutil.copy(ideas_template, path)
    return path


def _main(app: Any) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


async def _open_compare(pilot: Any) -> tuple[int, int]:
    """Mark the head in the transcript, then `=` on the other branch's node in the tree."""
    await settle(pilot)
    main = _main(pilot.app)
    transcript = main.transcript
    transcript.focus()
    transcript.cursor = len(transcript.path) - 1
    head = transcript.path[-1].id
    await pilot.press("m")
    tree = main.query_one(BranchTree)
    tree.focus()
    other = next(i for i, run in enumerate(tree.runs) if not run.on_path)
    tree.cursor = other
    other_last = tree.runs[other].last.id
    await pilot.press("equals_sign")
    await settle(pilot)
    return head, other_last


async def test_mark_then_equals_opens_the_two_branches(ideas_db: Path) -> None:
    app = make_app(ideas_db)
    async with app.run_test(size=(140, 40)) as pilot:
        head, other = await _open_compare(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert (screen.a_id, screen.b_id) == (head, other)
        assert screen.loaded
        view = screen.query_one(CompareView)
        # Both sides start at the two prompts under the branch point.
        first = view.pairs[0]
        assert first.a is not None and first.a.content.startswith("I actually don't like much this idea")
        assert first.b is not None and first.b.content.startswith("I very much like this idea")
        # The active branch has 2 more messages at its end than the other: the caveat and the
        # /exit command (its output folded into it).
        assert [p.b is None for p in view.pairs[-3:]] == [False, True, True]
        assert "they part after" in str(view.border_title)


async def test_next_difference_and_scroll_keys(ideas_db: Path) -> None:
    app = make_app(ideas_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_compare(pilot)
        view = app.screen.query_one(CompareView)
        diffs = view.differences
        assert len(diffs) >= 2
        await pilot.press("n")
        await pilot.press("n")
        await pilot.pause()
        assert view.current == 1
        assert view.scroll_offset.y == view.line_of_pair(diffs[1])
        await pilot.press("N")
        await pilot.pause()
        assert view.current == 0
        assert view.scroll_offset.y == view.line_of_pair(diffs[0])
        await pilot.press("j", "j")
        await pilot.pause()
        assert view.scroll_offset.y == view.line_of_pair(diffs[0]) + 2
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_offset.y == 0


async def test_open_side_b_as_head_is_an_undoable_move(ideas_db: Path) -> None:
    app = make_app(ideas_db)
    async with app.run_test(size=(140, 40)) as pilot:
        head, other = await _open_compare(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        main = _main(app)
        assert main.thread is not None and main.thread.current_leaf_id == other
        await pilot.press("u")
        await settle(pilot)
        assert main.thread is not None and main.thread.current_leaf_id == head


async def test_escape_goes_back_without_moving(ideas_db: Path) -> None:
    app = make_app(ideas_db)
    async with app.run_test(size=(140, 40)) as pilot:
        head, _ = await _open_compare(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert _main(app).thread is not None and _main(app).thread.current_leaf_id == head  # type: ignore[union-attr]


async def test_equals_without_a_mark_says_what_to_do(ideas_db: Path) -> None:
    app = make_app(ideas_db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        _main(app).transcript.focus()
        await pilot.press("equals_sign")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert any("Mark a message" in str(n.message) for n in app._notifications)


def test_compare_view_snapshot(ideas_db: Path, snap_compare: Any) -> None:
    """You should see the compare screen: A (the active branch, "I actually don't like…")
    and B ("I very much like this idea…") headed by their figures (messages, prompts, tool
    calls, tokens, cost, wall time), the title saying where they part, `≠` in the gutter of
    the pairs that differ and the differing words highlighted."""

    async def run_before(pilot: Any) -> None:
        await _open_compare(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(ideas_db), terminal_size=(150, 42), run_before=run_before)
