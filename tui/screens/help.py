"""The help screen: every key, generated from the action registry (a remapped key shows)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.keys import key_to_character
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import bindings, keyed_actions


def _shown_key(key: str) -> str:
    """How a key looks to a person: `?` for question_mark, `[` for left_square_bracket."""
    if "+" in key:
        return key
    if key == "slash":
        return "/"
    character = key_to_character(key)
    return character if character and character.isprintable() and character != " " else key


def key_table(keymap: dict[str, str]) -> Table:
    """A table of (keys, what they do) per group of `tui/actions.py`; `keymap` overrides keys by id."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold")
    table.add_column()
    heading: str | None = None
    for where, action in keyed_actions():
        if where != heading:
            heading = where
            table.add_row(Text(""), Text(""))
            table.add_row(Text(""), Text(where, style="bold underline"))
        keys = keymap.get(action.id, action.keys or "")
        shown = ", ".join(_shown_key(k.strip()) for k in keys.split(","))
        table.add_row(Text(shown), Text(action.description))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of the app, by pane; escape, q or ? closes."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(self, keymap: dict[str, str]) -> None:
        """The keys in effect: the defaults, with `keymap` (binding id → keys) over them."""
        super().__init__()
        self.table = key_table(keymap)
        """The table of keys the screen shows."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = Content("Keys")
            box.border_subtitle = Content("escape closes · ctrl+p finds any command by name")
            yield Static(self.table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
