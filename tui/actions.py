"""Every action of the app, listed once (issue 9 item 4).

An `Action` is a key binding (id, default keys, what it does) and, for the main screen's
actions, the name it has in the command palette. The screens' and widgets' `BINDINGS`
(`bindings(scope)`), the command palette (`tui/commands.py`), the help screen and the
user keymap (`tui/keymap.py`, `grove keys`) are all generated from `ACTIONS`, so a new
action is one line here and one `action_…` method where it runs.

This module imports nothing from `tui`: every screen and widget can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    """One thing a person can do, by key or by name."""

    id: str
    """The binding id users remap in config.toml (`"main.undo" = "z"`)."""
    keys: str | None
    """The default keys, comma-separated; None for an action reached only by name."""
    action: str
    """The Textual action it runs on its scope's node (`fork`, `sibling(-1)`)."""
    description: str
    """A word or two: the footer, the help screen, `grove keys`."""
    scope: str
    """The screen or widget whose bindings it is part of (see `SCOPES`)."""
    show: bool = False
    """Whether the footer shows it."""
    priority: bool = False
    """Only for escape-like keys and dialog answers, which must win over a focused field."""
    palette: str | None = None
    """Its name in the command palette (main screen actions); None: not listed there."""
    palette_help: str = ""
    """The palette's line under the name."""
    opens_dialog: bool = False
    """Its action opens a modal with keys of its own (`tui/key_hold.py` holds keys for it)."""

    def binding(self) -> Binding:
        """The Textual binding for this action's default keys."""
        assert self.keys is not None, self.id
        return Binding(self.keys, self.action, self.description, show=self.show, priority=self.priority, id=self.id)


def _main(
    id: str, keys: str | None, action: str, description: str, palette: str | None = None, help: str = "", **more: bool
) -> Action:
    return Action(f"main.{id}", keys, action, description, "main", palette=palette, palette_help=help, **more)


def _nav(scope: str, noun: str, *, paging: bool = True, first: str = "", last: str = "") -> list[Action]:
    """The cursor keys every list shares: j/k, g/G and the page keys."""
    keys = [
        Action(f"{scope}.next", "down,j", "cursor_down", f"Next {noun}", scope),
        Action(f"{scope}.previous", "up,k", "cursor_up", f"Previous {noun}", scope),
        Action(f"{scope}.first", "home,g", "cursor_first", first or f"First {noun}", scope),
        Action(f"{scope}.last", "end,G", "cursor_last", last or f"Last {noun}", scope),
    ]
    if paging:
        keys += [
            Action(f"{scope}.page_down", "pagedown", "page(1)", "Page down", scope),
            Action(f"{scope}.page_up", "pageup", "page(-1)", "Page up", scope),
        ]
    return keys


ACTIONS: tuple[Action, ...] = (
    Action("app.command_palette", "ctrl+p", "command_palette", "Commands", "app"),
    # The main screen, in footer order; the palette names say what each does at length.
    _main("next_pane", "tab", "focus_pane(1)", "Next pane", priority=True),
    _main("previous_pane", "shift+tab", "focus_pane(-1)", "Previous pane", priority=True),
    _main("quit", "q", "app.quit", "Quit", show=True),
    _main("help", "question_mark", "help", "Keys", "Keys", "Every key of the app", show=True),
    _main("search", "slash", "search", "Search", "Search", "Find any message or thread title", show=True, opens_dialog=True),
    _main("fork", "f", "fork", "Fork", "Fork after the selected message",
          "Write a new message after the selected one (a new branch)", show=True, opens_dialog=True),
    _main("edit", "e", "edit", "Edit", "Edit the selected message",
          "Write a new version of the selected message, as its sibling", show=True, opens_dialog=True),
    _main("branch", "b", "branch", "Branch", "Branch into a new thread",
          "Copy the path up to the selected message into a new thread", show=True),
    _main("rewind", "r", "rewind", "Rewind", "Rewind to the selected message",
          "Move the head back; what it leaves stays as a branch", show=True, opens_dialog=True),
    _main("sibling_previous", "left_square_bracket", "sibling(-1)", "Prev sibling", "Previous sibling",
          "Switch to the previous sibling of the selected message"),
    _main("sibling_next", "right_square_bracket", "sibling(1)", "Next sibling", "Next sibling",
          "Switch to the next sibling of the selected message"),
    _main("checkpoint", "c", "checkpoint", "Checkpoint", "Save a checkpoint",
          "Name the selected message so you can come back to it", show=True, opens_dialog=True),
    _main("undo", "u", "undo", "Undo", "Undo the last move",
          "Move the head back to where it was before the last move", show=True),
    _main("archive", "a", "archive", "Archive", "Archive or unarchive the thread",
          "Hide the thread from the list, or bring it back"),
    _main("new_thread", "n", "new_thread", "New", "New thread",
          "Start a new thread: a title, then its first message", opens_dialog=True),
    _main("rename_thread", "R", "rename_thread", "Rename", "Rename the thread", "Give the thread a new title",
          opens_dialog=True),
    _main("delete_thread", "D", "delete_thread", "Delete thread", "Delete the thread",
          "Delete the thread with all its messages (asks first)", opens_dialog=True),
    _main("status", "s", "cycle_status", "Status", "Change the thread's status",
          "Cycle idle, running, waiting, completed, failed, cancelled"),
    _main("filter_status", "1", "cycle_filter('status')", "Filter status", "Filter threads by status",
          "Cycle the status filter of the thread list"),
    _main("filter_source", "2", "cycle_filter('source')", "Filter source", "Filter threads by source",
          "Cycle the source filter: claude-code, codex, chatgpt, grove"),
    _main("filter_archived", "3", "cycle_filter('archived')", "Filter archived", "Show archived threads",
          "Cycle: hide archived, include them, only archived"),
    _main("filter_project", "P", "pick_project", "Filter project", "Filter threads by project",
          "Narrow the thread list to one project (P); All projects clears it"),
    _main("toggle_hidden", None, "toggle_hidden", "Hidden threads", "Show hidden threads",
          "Show or hide hidden threads: Claude Code's warm-up sidechains"),
    _main("side_tab", "v", "next_tab", "Side tab", "Next side tab", "Tree, Timeline, Checkpoints"),
    _main("toggle_side", "p", "toggle_side", "Side pane", "Show or hide the side pane",
          "The Tree | Timeline | Checkpoints pane"),
    _main("toggle_threads", "l", "toggle_threads", "Thread pane", "Show or hide the thread list", "The Threads pane"),
    _main("import", "i", "import_sessions", "Import", "Import sessions from this machine",
          "Claude Code and Codex sessions in their standard places"),
    _main("continue_in_agent", "o", "continue_in_agent", "Continue in agent", "Continue in Claude Code / Codex",
          "Write the path up to the selected message as a new agent session and go on there", opens_dialog=True),
    _main("mark", "m", "mark", "Mark", "Mark for compare",
          "Mark the selected message or branch; = on another compares the two"),
    _main("compare", "equals_sign", "compare", "Compare with mark", "Compare with the marked message",
          "The two branches side by side from where they part"),
    # The panes.
    *_nav("threads", "thread"),
    Action("threads.open", "enter", "choose", "Open", "threads", show=True),
    *_nav("transcript", "message"),
    Action("transcript.toggle", "enter,space", "open", "Expand", "transcript", show=True),
    Action("transcript.sibling_previous", "left", "screen.sibling(-1)", "Previous sibling", "transcript"),
    Action("transcript.sibling_next", "right", "screen.sibling(1)", "Next sibling", "transcript"),
    *_nav("tree", "branch", paging=False, first="First", last="Last"),
    Action("tree.choose", "enter", "choose", "Move head here", "tree", show=True),
    *_nav("timeline", "event"),
    Action("timeline.choose", "enter", "choose", "Jump here", "timeline", show=True),
    Action("timeline.toggle_time", "t", "toggle_time", "Time format", "timeline", show=True),
    *_nav("checkpoints", "checkpoint"),
    Action("checkpoints.restore", "enter", "restore", "Restore", "checkpoints", show=True),
    Action("checkpoints.branch", "b", "branch", "Branch", "checkpoints", show=True),
    Action("checkpoints.delete", "d", "delete", "Delete", "checkpoints", show=True),
    # The dialogs. Send is not a priority binding: it travels behind the keys still queued
    # for the text area, so the last keys typed before ctrl+s are in the message.
    Action("composer.send", "ctrl+s", "send", "Send", "composer", show=True),
    Action("composer.cancel", "escape", "cancel", "Cancel", "composer", show=True, priority=True),
    Action("composer.role", "ctrl+r", "cycle_role", "Role", "composer", show=True, priority=True),
    Action("confirm.yes", "y,enter", "answer(True)", "Yes", "confirm", show=True, priority=True),
    Action("confirm.no", "n,escape", "answer(False)", "No", "confirm", show=True, priority=True),
    Action("handoff.run", "y,enter", "choose('run')", "Run the agent", "handoff", show=True, priority=True),
    Action("handoff.copy", "c", "choose('copy')", "Copy the command", "handoff", show=True, priority=True),
    Action("handoff.agent", "a", "switch_agent", "Other agent", "handoff", show=True, priority=True),
    Action("handoff.cancel", "n,escape", "cancel", "Cancel", "handoff", show=True, priority=True),
    Action("prompt.cancel", "escape", "cancel", "Cancel", "prompt", show=True, priority=True),
    Action("compare.back", "escape", "back", "Back", "compare", show=True, priority=True),
    Action("compare.open_a", "a", "open_side('a')", "A as head", "compare", show=True),
    Action("compare.open_b", "b", "open_side('b')", "B as head", "compare", show=True),
    Action("compare.down", "down,j", "scroll_down", "Down", "compare_view"),
    Action("compare.up", "up,k", "scroll_up", "Up", "compare_view"),
    Action("compare.page_down", "pagedown,space", "page_down", "Page down", "compare_view"),
    Action("compare.page_up", "pageup", "page_up", "Page up", "compare_view"),
    Action("compare.top", "home,g", "scroll_home", "Top", "compare_view"),
    Action("compare.bottom", "end,G", "scroll_end", "Bottom", "compare_view"),
    Action("compare.next_difference", "n", "next_difference", "Next difference", "compare_view", show=True),
    Action("compare.previous_difference", "N,p", "previous_difference", "Previous difference", "compare_view", show=True),
    Action("search.close", "escape", "close", "Close", "search", show=True, priority=True),
    Action("search.jump", "enter", "jump", "Jump there", "search", show=True, priority=True),
    Action("search.next", "down", "move(1)", "Next", "search", priority=True),
    Action("search.previous", "up", "move(-1)", "Previous", "search", priority=True),
    Action("search.page_down", "pagedown", "move(10)", "Page down", "search"),
    Action("search.page_up", "pageup", "move(-10)", "Page up", "search"),
    Action("search.scope", "ctrl+t", "toggle_scope", "This thread / all", "search", show=True),
    Action("search.role", "ctrl+r", "cycle_role", "Role", "search", show=True),
    Action("search.source", "ctrl+o", "cycle_source", "Source", "search", show=True),
    Action("projects.clear", "escape", "clear", "All projects", "projects", show=True, priority=True),
    Action("welcome.demo", "d", "choose('demo')", "Fill with demo threads", "welcome", show=True),
    Action("welcome.import", "i", "choose('import')", "Import sessions", "welcome", show=True),
    Action("welcome.new", "n", "choose('new')", "New thread", "welcome", show=True),
    Action("welcome.quit", "q", "app.quit", "Quit", "welcome", show=True),
    Action("help.close", "escape,q,question_mark", "close", "Close", "help", show=True, priority=True),
)
"""Every action, grouped by scope in help order."""

HELP_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Anywhere", ("app", "main")),
    ("Threads", ("threads",)),
    ("Transcript", ("transcript",)),
    ("Tree", ("tree",)),
    ("Timeline", ("timeline",)),
    ("Checkpoints", ("checkpoints",)),
    ("Composer", ("composer",)),
    ("Confirmations", ("confirm",)),
    ("Continue in an agent", ("handoff",)),
    ("Prompts", ("prompt",)),
    ("Compare", ("compare", "compare_view")),
    ("Search", ("search",)),
    ("Projects", ("projects",)),
    ("Welcome", ("welcome",)),
    ("Help", ("help",)),
)
"""(heading, scopes) of the help screen and `grove keys`, in order."""


class PaletteTarget:
    """Marks the screen the palette's actions run on (the main screen)."""


def bindings(scope: str) -> list[BindingType]:
    """The bindings of one screen or widget, in registry order (the footer's order)."""
    found: list[BindingType] = [a.binding() for a in ACTIONS if a.scope == scope and a.keys is not None]
    assert found, f"no actions for scope {scope!r}"
    return found


def keyed_actions() -> list[tuple[str, Action]]:
    """(help heading, action) of every action with keys, in help order."""
    return [
        (heading, action)
        for heading, scopes in HELP_GROUPS
        for scope in scopes
        for action in ACTIONS
        if action.scope == scope and action.keys is not None
    ]


def palette_actions() -> list[Action]:
    """The actions the command palette lists by name."""
    return [a for a in ACTIONS if a.palette is not None]


DIALOG_BINDINGS = frozenset(a.id for a in ACTIONS if a.opens_dialog)
"""Ids of the bindings whose action opens a dialog with its own keys."""


__all__ = ["ACTIONS", "Action", "DIALOG_BINDINGS", "HELP_GROUPS", "PaletteTarget", "bindings", "keyed_actions", "palette_actions"]
