"""Small modal screens: the composer, a yes/no confirmation, a one-line prompt, the hand-off and
the project picker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store import Role

from ..actions import bindings
from ..key_hold import release_after_focus
from ..safe_text import clean, clean_line

if TYPE_CHECKING:
    from store.resume import Prepared

ROLES = (Role.USER, Role.ASSISTANT, Role.SYSTEM, Role.TOOL)


@dataclass(frozen=True)
class Composed:
    """What the composer sends: a role and the text."""

    role: Role
    text: str


class ComposerScreen(ModalScreen[Composed | None]):
    """A multi-line editor for a new message: ctrl+s sends, escape cancels."""

    # Send is not a priority binding (tui/actions.py): the last keys typed reach the text first.
    BINDINGS: ClassVar[list[BindingType]] = bindings("composer")

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
        release_after_focus(self.app)

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

    BINDINGS: ClassVar[list[BindingType]] = bindings("confirm")

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm") as box:
            box.border_title = Content(self._title)
            yield Static(Content(self._body), id="confirm-body")
            yield Static(Content("y / enter: yes    n / escape: no"), id="confirm-keys")

    def on_mount(self) -> None:
        release_after_focus(self.app)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a checkpoint name, a thread title): enter accepts, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("prompt")

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
        release_after_focus(self.app)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.notify("Type something, or press escape to cancel.", severity="warning")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class HandOffChoice:
    """What the hand-off confirmation decided: run the agent now, or copy its command."""

    how: str
    """run or copy."""
    agent: str
    """claude-code or codex."""


class HandOffScreen(ModalScreen[HandOffChoice | None]):
    """"Continue in Claude Code / Codex": names the agent, the file it writes and the command.

    enter or y writes the session and runs the agent (Grove waits), c writes it and copies the
    command, a switches between Claude Code and Codex, n or escape cancels (nothing written).
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("handoff")

    def __init__(self, prepared: dict[str, Prepared], agent: str) -> None:
        super().__init__()
        self._prepared = prepared
        self.agent = agent
        """The agent the session is written for."""

    def compose(self) -> ComposeResult:
        with Vertical(id="handoff"):
            yield Static(id="handoff-body")
            yield Static(Content("enter / y: write and run it now   c: write and copy the command\na: other agent   n / escape: cancel"), id="confirm-keys")

    def on_mount(self) -> None:
        self._show()
        release_after_focus(self.app)

    def _show(self) -> None:
        p = self._prepared[self.agent]
        self.query_one("#handoff").border_title = Content(f"Continue in {p.agent_name}")
        noun = "message" if p.messages == 1 else "messages"
        body = (
            f"Writes the path up to #{p.message_id} ({p.messages} {noun}) as a new {p.agent_name} session;"
            " the original stays as it is.\n\n"
            f"File:\n  {clean_line(str(p.path))}\n\n"
            f"Command, run in {clean_line(p.cwd)}:\n  {clean_line(p.command)}"
        )
        self.query_one("#handoff-body", Static).update(Content(body))

    def action_switch_agent(self) -> None:
        agents = list(self._prepared)
        self.agent = agents[(agents.index(self.agent) + 1) % len(agents)]
        self._show()

    def action_choose(self, how: str) -> None:
        self.dismiss(HandOffChoice(how, self.agent))

    def action_cancel(self) -> None:
        self.dismiss(None)


ALL_PROJECTS = ""
"""What the project picker answers for "All projects" (and escape): the filter is cleared."""


class ProjectScreen(ModalScreen[str]):
    """Pick one project to narrow the thread list to; "All projects" or escape clears the filter."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("projects")

    def __init__(self, projects: list[tuple[str, int]], current: str | None = None) -> None:
        super().__init__()
        self._projects = projects
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="projects") as box:
            box.border_title = Content("Project")
            box.border_subtitle = Content("enter narrow · escape all projects")
            options = [Option(Text("All projects"), id="\x00all")]
            for path, count in self._projects:
                # A path is data: a Text, never markup.
                options.append(Option(Text(f"{clean_line(path)}  ({count})"), id=path))
            yield OptionList(*options, id="projects-list")

    def on_mount(self) -> None:
        chooser = self.query_one(OptionList)
        paths = [path for path, _ in self._projects]
        chooser.highlighted = paths.index(self._current) + 1 if self._current in paths else 0
        chooser.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(ALL_PROJECTS if chosen is None or chosen == "\x00all" else chosen)

    def action_clear(self) -> None:
        self.dismiss(ALL_PROJECTS)
