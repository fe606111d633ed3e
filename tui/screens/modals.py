"""Small modal screens: the composer, a yes/no confirmation and a one-line prompt."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from store import Role

from ..safe_text import clean

ROLES = (Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.TOOL)


@dataclass(frozen=True)
class Composed:
    """What the composer sends: a role and the text."""

    role: Role
    text: str


class ComposerScreen(ModalScreen[Composed | None]):
    """A multi-line editor for a new message: ctrl+s sends, escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True, id="composer.send"),
        Binding("escape", "cancel", "Cancel", priority=True, id="composer.cancel"),
        Binding("ctrl+r", "cycle_role", "Role", priority=True, id="composer.role"),
    ]

    def __init__(self, title: str, *, role: Role = Role.USER, text: str = "", context: str = "", cursor_blink: bool = True) -> None:
        super().__init__()
        self._title = title
        self.role = role
        """The role the message will be sent as."""
        self._text = text
        self._context_text = context
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical(id="composer") as box:
            box.border_title = Content(self._title)
            box.border_subtitle = Content("ctrl+s send · ctrl+r role · escape cancel")
            if self._context_text:
                yield Static(Text(clean(self._context_text), style="dim", no_wrap=True, overflow="ellipsis"), id="composer-context")
            yield Static(id="composer-role")
            area = TextArea(self._text, id="composer-text", soft_wrap=True, show_line_numbers=False)
            area.cursor_blink = self._cursor_blink
            yield area

    def on_mount(self) -> None:
        self._show_role()
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def _show_role(self) -> None:
        self.query_one("#composer-role", Static).update(Content(f"as: {self.role.value}  (ctrl+r to change)"))

    def action_cycle_role(self) -> None:
        self.role = ROLES[(ROLES.index(self.role) + 1) % len(ROLES)]
        self._show_role()

    def action_send(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("Write something first (escape cancels).", severity="warning")
            return
        self.dismiss(Composed(self.role, text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A question with what the move does: y or enter confirms, n or escape cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", priority=True, id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", priority=True, id="confirm.no"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm") as box:
            box.border_title = Content(self._title)
            yield Static(Content(self._body), id="confirm-body")
            yield Static(Content("y / enter: yes    n / escape: no"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a checkpoint name, a thread title): enter accepts, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", priority=True, id="prompt.cancel")]

    def __init__(self, title: str, *, placeholder: str = "", value: str = "", cursor_blink: bool = True) -> None:
        super().__init__()
        self._title = title
        self._placeholder = placeholder
        self._value = value
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt") as box:
            box.border_title = Content(self._title)
            box.border_subtitle = Content("enter accept · escape cancel")
            field = Input(value=self._value, placeholder=self._placeholder, id="prompt-input")
            field.cursor_blink = self._cursor_blink
            yield field

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type something, or press escape to cancel.", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
