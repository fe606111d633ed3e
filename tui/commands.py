"""The command palette: every action of the main screen by name (ctrl+p)."""

from __future__ import annotations

from functools import partial

from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .screens.main import MainScreen

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Fork after the selected message", "fork", "Write a new message after the selected one (a new branch)"),
    ("Edit the selected message", "edit", "Write a new version of the selected message, as its sibling"),
    ("Branch into a new thread", "branch", "Copy the path up to the selected message into a new thread"),
    ("Rewind to the selected message", "rewind", "Move the head back; what it leaves stays as a branch"),
    ("Continue in Claude Code / Codex", "continue_in_agent", "Write the path up to the selected message as a new agent session and go on there"),
    ("Previous sibling", "sibling(-1)", "Switch to the previous sibling of the selected message"),
    ("Next sibling", "sibling(1)", "Switch to the next sibling of the selected message"),
    ("Save a checkpoint", "checkpoint", "Name the selected message so you can come back to it"),
    ("Mark for compare", "mark", "Mark the selected message or branch; = on another compares the two"),
    ("Compare with the marked message", "compare", "The two branches side by side from where they part"),
    ("Undo the last move", "undo", "Move the head back to where it was before the last move"),
    ("Archive or unarchive the thread", "archive", "Hide the thread from the list, or bring it back"),
    ("New thread", "new_thread", "Start a new thread: a title, then its first message"),
    ("Rename the thread", "rename_thread", "Give the thread a new title"),
    ("Delete the thread", "delete_thread", "Delete the thread with all its messages (asks first)"),
    ("Change the thread's status", "cycle_status", "Cycle idle, running, waiting, completed, failed, cancelled"),
    ("Filter threads by status", "cycle_filter('status')", "Cycle the status filter of the thread list"),
    ("Filter threads by source", "cycle_filter('source')", "Cycle the source filter: claude-code, codex, chatgpt, grove"),
    ("Show archived threads", "cycle_filter('archived')", "Cycle: hide archived, include them, only archived"),
    ("Filter threads by project", "pick_project", "Narrow the thread list to one project (P); All projects clears it"),
    ("Show hidden threads", "toggle_hidden", "Show or hide hidden threads: Claude Code's warm-up sidechains"),
    ("Search", "search", "Find any message or thread title"),
    ("Import sessions from this machine", "import_sessions", "Claude Code and Codex sessions in their standard places"),
    ("Next side tab", "next_tab", "Tree, Timeline, Checkpoints"),
    ("Show or hide the side pane", "toggle_side", "The Tree | Timeline | Checkpoints pane"),
    ("Show or hide the thread list", "toggle_threads", "The Threads pane"),
    ("Keys", "help", "Every key of the app"),
)
"""(name, action on the main screen, help) of every command."""


class GroveCommands(Provider):
    """Grove's actions for the command palette."""

    def _main(self) -> MainScreen | None:
        from .screens.main import MainScreen  # here, not at the top: the app imports this module

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
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
