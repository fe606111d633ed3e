"""The thread list narrowed to one project (P, or the palette) and showing hidden threads, on the
real Claude Code projects tree in the fixtures (four projects; eight warm-up sidechains)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from store import Store
from store.importers import import_paths
from tui.screens.main import MainScreen
from tui.screens.modals import ProjectScreen

from tui_helpers import make_app, settle

PROJECTS = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "claude-code" / "projects"
MANIFEST = "/src/deep-manifest"
RECORDER = "/Users/dain/workspace/JSSoundRecorder"


async def _db(tmp_path: Path) -> Path:
    db = tmp_path / "real.db"
    async with Store.open(db) as store:
        await import_paths(store, [PROJECTS])
    return db


def _listed(screen: MainScreen) -> list[int]:
    return [row.thread.id for row in screen.thread_list.rows]


async def test_p_narrows_the_list_to_a_project_and_escape_clears_it(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        screen = app.main
        assert isinstance(screen, MainScreen)
        everything = _listed(screen)
        assert {row.thread.project for row in screen.thread_list.rows} >= {MANIFEST, RECORDER}
        await pilot.press("P")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ProjectScreen)
        choices = picker.query_one(OptionList)
        assert str(choices.get_option_at_index(0).prompt) == "All projects"
        choices.highlighted = next(
            i for i in range(choices.option_count) if choices.get_option_at_index(i).id == MANIFEST
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        rows = screen.thread_list.rows
        assert len(rows) == 2 and {row.thread.project for row in rows} == {MANIFEST}  # the session and its subagent
        assert "project: deep-manifest" in str(screen.thread_list.border_title)
        # P again, then escape: every project again
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert _listed(screen) == everything
        assert "project:" not in str(screen.thread_list.border_title)


async def test_the_palette_shows_hidden_threads_and_filters_by_project(tmp_path: Path) -> None:
    db = await _db(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        screen = app.main
        assert isinstance(screen, MainScreen)
        before = _listed(screen)
        assert not any(row.thread.hidden for row in screen.thread_list.rows)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"show hidden")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        hidden = [row.thread for row in screen.thread_list.rows if row.thread.hidden]
        assert len(hidden) == 8 and len(_listed(screen)) == len(before) + 8
        assert "+hidden" in str(screen.thread_list.border_title)
        # The project picker from the palette, with "All projects" chosen: no filter.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"filter threads by project")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        choices = app.screen.query_one(OptionList)
        choices.highlighted = next(
            i for i in range(choices.option_count) if choices.get_option_at_index(i).id == RECORDER
        )
        await pilot.press("enter")
        await settle(pilot)
        assert {row.thread.project for row in screen.thread_list.rows} == {RECORDER}
        assert len(screen.thread_list.rows) == 9  # the session and its eight warm-ups
