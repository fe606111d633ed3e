"""Threads from the app (issue 10 item 21): an empty thread gets its first message with f;
R renames, D deletes after a confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.content import Content

from store import NotFound, Role, Store
from tui.screens.main import MainScreen
from tui.screens.modals import ComposerScreen, ConfirmScreen, PromptScreen

from tui_helpers import main, make_app, settle


async def test_f_in_an_empty_thread_writes_its_first_message(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "g.db") as store:
        thread = await store.create_thread("Nothing yet")
    app = make_app(tmp_path / "g.db")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert main(app).thread is not None and main(app).thread.id == thread.id
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"hello", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        path = await app.store.path(thread.id)
        assert [(m.role, m.content) for m in path] == [(Role.USER, "hello")]
        assert [m.id for m in main(app).transcript.path] == [path[0].id]
        assert not [n for n in app._notifications if n.severity != "information"]


async def test_R_renames_the_thread_and_shows_the_title_literally(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        main(app).transcript.focus()
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one("Input").value = "fix [/tmp] path"
        await pilot.press("enter")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).title == "fix [/tmp] path"
        # border_title reads back as markup; the plain text is what the screen shows
        assert Content.from_markup(main(app).transcript.border_title or "").plain.startswith("fix [/tmp] path · ")
        assert "Renamed to fix [/tmp] path." in [Content.from_markup(n.message).plain for n in app._notifications]  # as the toast draws it


async def test_D_deletes_the_thread_after_asking(demo_db: Path) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        thread_id = main(app).thread.id
        count = await app.store.count_threads(include_archived=True)
        main(app).transcript.focus()
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert (await app.store.get_thread(thread_id)).id == thread_id
        await pilot.press("D", "y")
        await settle(pilot)
        with pytest.raises(NotFound):
            await app.store.get_thread(thread_id)
        assert await app.store.count_threads(include_archived=True) == count - 1
        assert main(app).thread is None
        assert thread_id not in [row.thread.id for row in main(app).thread_list.rows]
