"""The welcome screen, shown when the database holds no threads yet."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..actions import bindings
from ..safe_text import clean_line


def shown_path(path: Path) -> str:
    """The path with the home folder written as ~."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)


class WelcomeScreen(Screen[str]):
    """Explains Grove and offers demo data, an import, or a first thread.

    Dismisses with "demo", "import" or "new"; the main screen does the work.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("welcome")

    def __init__(self, db_path: Path | None, sessions: int | None) -> None:
        super().__init__()
        self._db_path = db_path
        self._sessions = sessions

    def compose(self) -> ComposeResult:
        where = clean_line(shown_path(self._db_path)) if self._db_path else "memory"
        body = Text()
        body.append("Welcome to Grove\n\n", style="bold")
        body.append("Grove keeps the conversations you have with AI agents as trees: fork at any\n"
                    "message, switch between branches, rewind, save checkpoints — nothing is lost,\n"
                    "every move can be undone.\n\n")
        body.append("This database is empty: ", style="dim")
        body.append(where + "\n\n", style="dim")
        body.append("  d  ", style="bold")
        body.append("fill it with a dozen demo threads (branches, checkpoints, a subagent)\n")
        body.append("  i  ", style="bold")
        if self._sessions is None:
            body.append("import sessions (the importers are not available in this build)\n", style="dim")
        elif self._sessions == 0:
            body.append("import sessions (none found in ~/.claude/projects or ~/.codex/sessions)\n", style="dim")
        else:
            body.append(f"import the {self._sessions} sessions found on this machine (Claude Code, Codex)\n")
        body.append("  n  ", style="bold")
        body.append("start a new thread\n")
        body.append("  q  ", style="bold")
        body.append("quit\n\n")
        body.append("To try Grove without touching this database: grove --demo", style="dim")
        with Vertical(id="welcome") as box:
            box.border_title = Content("Grove")
            yield Static(body, id="welcome-body")
        yield Footer()

    def action_choose(self, what: str) -> None:
        if what == "import" and not self._sessions:
            self.notify("There are no sessions to import.", severity="warning")
            return
        self.dismiss(what)
