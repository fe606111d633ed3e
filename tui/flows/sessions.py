"""The empty database (welcome, demo threads) and importing this machine's sessions."""

from __future__ import annotations

from pathlib import Path

from textual import work

from ..screens.welcome import WelcomeScreen
from .threads import ThreadFlows


class SessionFlows(ThreadFlows):
    """Filling the database: the demo, or the sessions Claude Code and Codex left here."""

    opened_first: bool
    """Whether the first thread was opened on start (a refill opens one again)."""

    def welcome(self) -> None:
        """The welcome screen of an empty database: demo, import or a new thread."""
        path = None if self.store.db_path == ":memory:" else Path(self.store.db_path)
        self.app.push_screen(WelcomeScreen(path, count_sessions()), self._welcome_choice)

    def _welcome_choice(self, choice: str | None) -> None:
        if choice == "demo":
            self.fill_demo()
        elif choice == "import":
            self.import_sessions()
        elif choice == "new":
            self.action_new_thread()

    @work(group="op", exit_on_error=False)
    async def fill_demo(self) -> None:
        """Fill this (empty) database with the demo threads."""
        from ..demo import build_demo

        if await self.store.count_threads(include_archived=True):
            self.notify("The demo fills only an empty database; try grove --demo.", severity="warning")
            return
        self.notify("Writing the demo threads…")
        await build_demo(self.store)
        self.opened_first = False
        self.load_threads(first=True)

    def action_import_sessions(self) -> None:
        """Import the sessions found on this machine."""
        self.import_sessions()

    @work(group="op", exit_on_error=False)
    async def import_sessions(self) -> None:
        """Import every session file the importers find in the standard folders."""
        try:
            from store.importers import discover_sessions, import_paths
        except ImportError:
            self.notify("The importers are not available in this build.", severity="warning")
            return
        sessions = discover_sessions()
        if not sessions:
            self.notify("No sessions found in ~/.claude/projects or ~/.codex/sessions.", severity="warning")
            return
        self.notify(f"Importing {len(sessions)} session files…")
        report = await import_paths(self.store, [s.path for s in sessions])
        errors = len(getattr(report, "errors", []) or [])
        self.notify(f"Imported {getattr(report, 'messages', 0)} messages into {len(getattr(report, 'threads', []))} threads" + (f"; {errors} lines could not be read." if errors else "."))
        self.opened_first = False
        self.load_threads(first=True)


def count_sessions() -> int | None:
    """How many session files the importers would find here; None without importers."""
    try:
        from store.importers import discover_sessions
    except ImportError:
        return None
    try:
        return len(discover_sessions())
    except Exception:  # a broken home folder must not keep the app from starting
        return 0
