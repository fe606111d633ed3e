"""The help screen: every key, generated from the bindings (so a remapped key shows)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.keys import key_to_character
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def _bindings(source: Iterable[BindingType]) -> list[Binding]:
    found: list[Binding] = []
    for item in source:
        if isinstance(item, Binding):
            found.append(item)
        else:
            found.extend(Binding.make_bindings([item]))
    return found


def _shown_key(key: str) -> str:
    """How a key looks to a person: `?` for question_mark, `[` for left_square_bracket."""
    if "+" in key:
        return key
    if key == "slash":
        return "/"
    character = key_to_character(key)
    return character if character and character.isprintable() and character != " " else key


def key_table(groups: list[tuple[str, list[BindingType]]], keymap: dict[str, str]) -> Table:
    """A table of (keys, what they do) per group; `keymap` overrides keys by binding id."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold")
    table.add_column()
    for title, bindings in groups:
        table.add_row(Text(""), Text(""))
        table.add_row(Text(""), Text(title, style="bold underline"))
        seen: set[str] = set()
        for binding in _bindings(bindings):
            if binding.id and binding.id in seen:
                continue
            if binding.id:
                seen.add(binding.id)
            keys = keymap.get(binding.id or "", binding.key) if binding.id else binding.key
            shown = ", ".join(_shown_key(k.strip()) for k in keys.split(","))
            table.add_row(Text(shown), Text(binding.description or (binding.action if isinstance(binding.action, str) else "")))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key of the app, by pane; escape, q or ? closes."""

    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", priority=True, id="help.close")]

    def __init__(self, groups: list[tuple[str, list[BindingType]]], keymap: dict[str, str]) -> None:
        super().__init__()
        self._groups = groups
        self._key_overrides = keymap
        self.table = key_table(groups, keymap)
        """The table of keys the screen shows."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = Content("Keys")
            box.border_subtitle = Content("escape closes · ctrl+p finds any command by name")
            yield Static(self.table, id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
