"""The search screen shows a thread's source cleaned, like every field from outside (issue 10, item 11)."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.widgets import Input
from tui_helpers import make_app, settle

from store import Store
from tui.screens.search import SearchScreen


def lines_of(widget: Widget) -> list[str]:
    return ["".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height)]


async def test_a_hostile_source_is_drawn_clean(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "grove.db") as store:
        thread = await store.create_thread("Findable thread", source="evil\x1b]52;c;SGVsbG8=\x07\x1b[2Jsource")
        await store.append(thread.id, "user", "Findable message")
    app = make_app(tmp_path / "grove.db")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(Input).value = "Findable"
        await settle(pilot)
        drawn = "\n".join(lines_of(screen.results))
        assert "evilsource" in drawn
        assert "\x1b" not in drawn and "\x07" not in drawn and "SGVsbG8" not in drawn
