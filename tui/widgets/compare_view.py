"""CompareView: two branches side by side, aligned turn by turn, on the line API.

Each side is cut into *turns* (a prompt and what followed it); turn i of A faces turn i of
B, and inside a turn the messages face each other in order (prompt with prompt, reply with
reply). A pair whose text differs is marked `≠` in the gutter and its differing words are
highlighted (difflib over words); a message with nothing facing it is a difference too.
Both columns scroll as one. `n` / `N` jump to the next / previous difference.

Lines are laid out once per width (a branch is at most a few thousand messages, each cut
to `MAX_LINES`), so a repaint is a list lookup; nothing here is a widget per message.
"""

from __future__ import annotations

from typing import ClassVar

import difflib
import re
from dataclasses import dataclass
from datetime import tzinfo
from itertools import zip_longest

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Message
from store import payloads

from ..actions import bindings
from ..safe_text import clean

MAX_LINES = 40
"""Lines of one message's text shown before it is cut (the full text is in the transcript)."""

_WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Pair:
    """Two messages facing each other (either may be missing)."""

    a: Message | None
    b: Message | None

    @property
    def differs(self) -> bool:
        """True unless both sides are there and read the same."""
        return self.a is None or self.b is None or body(self.a) != body(self.b)


def turns(messages: list[Message]) -> list[list[Message]]:
    """The messages cut at each prompt (what comes before the first prompt is a turn too)."""
    out: list[list[Message]] = []
    for m in messages:
        if not out or payloads.message_kind(m.role.value, m.data) is payloads.MessageKind.PROMPT:
            out.append([])
        out[-1].append(m)
    return out


def align(a: list[Message], b: list[Message]) -> list[Pair]:
    """Turn i of A with turn i of B, message by message inside each turn."""
    pairs: list[Pair] = []
    empty: list[Message] = []
    for ta, tb in zip_longest(turns(a), turns(b), fillvalue=empty):
        pairs += [Pair(x, y) for x, y in zip_longest(ta, tb)]
    return pairs


def body(message: Message) -> str:
    """The text compared and shown for a message: its content, tool calls and results."""
    parts = [message.content.strip()] if message.content.strip() else []
    data = message.data
    for call in payloads.tool_calls(data):
        parts.append(f"⚙ {call.get('name') or 'tool'} {payloads.tool_summary(call)}".rstrip())
    results = payloads.tool_results(data)
    if results and not parts:
        parts.append(results[0].get("output", "").strip().split("\n", 1)[0])
    if any(payloads.is_error_result(r) for r in results):
        parts.append("✗ failed")
    return clean("\n".join(parts))


def _label(message: Message, tz: tzinfo | None) -> str:
    kind = payloads.message_kind(message.role.value, message.data)
    name = {payloads.MessageKind.PROMPT: "user", payloads.MessageKind.REPLY: "assistant"}.get(kind, kind.value.replace("_", " "))
    return f"#{message.id} {name} · {message.created_at.astimezone(tz).strftime('%H:%M')}"


class CompareView(ScrollView, can_focus=True):
    """Two columns of aligned messages; the divider marks the pairs that differ."""

    COMPONENT_CLASSES = {
        "compare--header",
        "compare--text",
        "compare--removed",
        "compare--added",
        "compare--missing",
        "compare--divider",
        "compare--differs",
        "compare--current",
        "compare--empty",
    }
    """Styles of the parts of a line; see DEFAULT_CSS."""

    DEFAULT_CSS = """
    CompareView { height: 1fr; background: $surface; scrollbar-size-horizontal: 0; }
    CompareView > .compare--header { color: $secondary; text-style: bold; }
    CompareView > .compare--text { color: $text; }
    CompareView > .compare--removed { background: $error 30%; }
    CompareView > .compare--added { background: $success 30%; }
    CompareView > .compare--missing { color: $text-disabled; text-style: italic; }
    CompareView > .compare--divider { color: $panel-lighten-2; }
    CompareView > .compare--differs { color: $warning; text-style: bold; }
    CompareView > .compare--current { color: $accent; text-style: bold; }
    CompareView > .compare--empty { color: $text-muted; text-style: italic; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("compare_view")

    current: reactive[int] = reactive(-1, init=False)
    """Index in `differences` of the difference last jumped to (-1: none yet)."""

    def __init__(self, *, tz: tzinfo | None = None, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._tz = tz
        self.pairs: list[Pair] = []
        """The aligned messages shown."""
        self._lines: list[tuple[Text, Text, int, bool]] = []
        """Each line: A's text, B's text, the pair it belongs to, whether it is the pair's first."""
        self._starts: list[int] = []
        """First line of each pair."""
        self._differences: list[int] = []
        self._laid_out_width = -1
        self.empty_text = "Loading…"

    # ------------------------------------------------------------------ data

    @property
    def differences(self) -> list[int]:
        """Indexes in `pairs` of the pairs that differ."""
        return self._differences

    def show(self, a: list[Message], b: list[Message]) -> None:
        """Show two sides (each from the divergence point, oldest first)."""
        self.pairs = align(a, b)
        self._differences = [i for i, p in enumerate(self.pairs) if p.differs]
        self.empty_text = "Both sides are empty: the two messages are the same point"
        self._laid_out_width = -1
        self.set_reactive(CompareView.current, -1)
        self._layout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def line_of_pair(self, index: int) -> int:
        """The first line of a pair."""
        self._layout()
        return self._starts[index] if 0 <= index < len(self._starts) else 0

    # ------------------------------------------------------------------ keys

    def action_next_difference(self) -> None:
        """Scroll to the next pair that differs."""
        self._jump(+1)

    def action_previous_difference(self) -> None:
        """Scroll to the previous pair that differs."""
        self._jump(-1)

    def _jump(self, step: int) -> None:
        diffs = self.differences
        if not diffs:
            self.notify("The two sides read the same.", severity="information")
            return
        target = self.current + step
        if not 0 <= target < len(diffs):
            self.notify("No more differences that way.", severity="information")
            return
        self.current = target
        self.scroll_to(0, self.line_of_pair(diffs[target]), animate=False, immediate=True)
        self.refresh()

    # ------------------------------------------------------------------ layout

    def on_resize(self) -> None:
        self._layout()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._laid_out_width = -1

    def _column(self) -> int:
        return max(8, (self.scrollable_content_region.width - 3) // 2)

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width == self._laid_out_width or width <= 0:
            return
        self._laid_out_width = width
        column = self._column()
        style = self.get_component_rich_style
        self._lines = []
        self._starts = []
        for index, pair in enumerate(self.pairs):
            left, right = self._texts(pair, style)
            left_lines = self._wrap(left, column)
            right_lines = self._wrap(right, column)
            self._starts.append(len(self._lines))
            rows = max(len(left_lines), len(right_lines))
            for row in range(rows):
                self._lines.append(
                    (
                        left_lines[row] if row < len(left_lines) else Text(""),
                        right_lines[row] if row < len(right_lines) else Text(""),
                        index,
                        row == 0,
                    )
                )
            self._lines.append((Text(""), Text(""), index, False))
        self.virtual_size = Size(width, max(1, len(self._lines)))

    def _wrap(self, text: Text, width: int) -> list[Text]:
        lines = list(text.wrap(self.app.console, width, overflow="fold"))
        if len(lines) > MAX_LINES + 1:
            more = len(lines) - MAX_LINES
            lines = lines[:MAX_LINES] + [Text(f"… {more} more lines", style=self.get_component_rich_style("compare--missing"))]
        return lines

    def _texts(self, pair: Pair, style: object) -> tuple[Text, Text]:
        get = self.get_component_rich_style
        a_body = body(pair.a) if pair.a is not None else ""
        b_body = body(pair.b) if pair.b is not None else ""
        left = self._side(pair.a, a_body)
        right = self._side(pair.b, b_body)
        if pair.a is not None and pair.b is not None and a_body != b_body:
            self._highlight(left, right, a_body, b_body, get("compare--removed"), get("compare--added"))
        return left, right

    def _side(self, message: Message | None, text: str) -> Text:
        get = self.get_component_rich_style
        if message is None:
            return Text("(nothing on this side)", style=get("compare--missing"))
        out = Text(_label(message, self._tz), style=get("compare--header"))
        out.append("\n")
        out.append(text or "(empty)", style=get("compare--text") if text else get("compare--missing"))
        return out

    @staticmethod
    def _highlight(left: Text, right: Text, a: str, b: str, removed: Style, added: Style) -> None:
        """Mark the words of `a` and `b` that differ (the bodies start after the header line)."""
        a_words = _WORDS.findall(a)
        b_words = _WORDS.findall(b)
        a_offset = left.plain.index("\n") + 1
        b_offset = right.plain.index("\n") + 1
        a_pos = [0]
        for w in a_words:
            a_pos.append(a_pos[-1] + len(w))
        b_pos = [0]
        for w in b_words:
            b_pos.append(b_pos[-1] + len(w))
        matcher = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if i2 > i1:
                left.stylize(removed, a_offset + a_pos[i1], a_offset + a_pos[i2])
            if j2 > j1:
                right.stylize(added, b_offset + b_pos[j1], b_offset + b_pos[j2])

    # ------------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        self._layout()
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        if not self.pairs:
            if y == 0:
                return self._cell(Text(f" {self.empty_text}", style=self.get_component_rich_style("compare--empty")), width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        left, right, pair_index, first = self._lines[index]
        column = self._column()
        pair = self.pairs[pair_index]
        diffs = self.differences
        is_current = 0 <= self.current < len(diffs) and diffs[self.current] == pair_index
        if first and pair.differs:
            mark = Text(" ≠ ", style=self.get_component_rich_style("compare--current" if is_current else "compare--differs"))
        else:
            mark = Text(" │ ", style=self.get_component_rich_style("compare--divider"))
        strip = Strip.join([self._cell(left, column), self._cell(mark, 3), self._cell(right, column)])
        return strip.crop_extend(0, width, self.rich_style)

    def _cell(self, text: Text, width: int) -> Strip:
        text = text.copy()
        text.no_wrap = True
        text.end = ""
        text.truncate(width, overflow="ellipsis")
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, self.rich_style)


__all__ = ["CompareView", "Pair", "align", "body", "turns"]
