"""The command palette: every action of the main screen by name (ctrl+p), from `tui/actions.py`."""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from .actions import PaletteTarget, palette_actions

COMMANDS: tuple[tuple[str, str, str], ...] = tuple((a.palette or "", a.action, a.palette_help) for a in palette_actions())
"""(name, action on the main screen, help) of every command."""


class GroveCommands(Provider):
    """Grove's actions for the command palette."""

    def _main(self) -> Screen[Any] | None:
        # The main screen, under any modal; known by its marker, so this module needs no
        # import of it (the app imports this one).
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, PaletteTarget):
                return cast(Screen[Any], screen)
        return None

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for name, action, help_text in COMMANDS:
            yield DiscoveryHit(name, partial(main.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for name, action, help_text in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(main.run_action, action), help=help_text)
