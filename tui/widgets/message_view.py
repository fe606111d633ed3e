"""How one message of a transcript reads: its header label and its body, by kind.

An agent session is mostly tool traffic. A reply shows its thinking as one dimmed line,
its prose as Markdown and each tool call as `⚙ Bash  pytest -q`; a tool result is one
line of output; a slash command is `/mcp → No MCP servers configured`. Enter opens a
block (level 1: whole inputs and thinking, outputs up to `OUTPUT_KEEP` lines), and again
where something was still cut (level 2: everything). Everything comes from
`store.payloads`, goes through `clean`/`clean_line` and into `Text` — never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from store import Message, MessageStatus
from store import payloads
from store.payloads import MessageKind, ToolCall, ToolResult

from ..safe_text import clean, clean_line
from .lines import one_line

if TYPE_CHECKING:  # rich.markdown pulls in pygments: imported when the first Markdown message renders
    from rich.markdown import Markdown

FOLD_OVER = 14
"""A body longer than this many lines folds."""
FOLD_KEEP = 8
"""How many lines of a folded body show."""
OUTPUT_KEEP = 40
"""How many lines of a tool's input or output an opened block shows before asking again."""
INDENT = 3
"""Columns a body is indented by, under its header."""

StyleOf = Callable[[str], Style]
"""A widget's `get_component_rich_style`."""

SYSTEM_LABELS = {
    MessageKind.META: "meta",
    MessageKind.CONTEXT: "context",
    MessageKind.INSTRUCTIONS: "instructions",
    MessageKind.COMPACT_SUMMARY: "compaction summary",
    MessageKind.NOTICE: "system",
}


@dataclass
class ToolIndex:
    """The calls and results of a path, paired by call id, so each side can name the other."""

    calls: dict[str, ToolCall] = field(default_factory=dict)
    results: dict[str, ToolResult] = field(default_factory=dict)

    @classmethod
    def of(cls, path: list[Message]) -> ToolIndex:
        """Index every call and result of `path`."""
        index = cls()
        index.extend(path)
        return index

    def extend(self, messages: list[Message]) -> None:
        """Index the calls and results of `messages` too (a path that grew)."""
        for message in messages:
            data = message.data
            if not data:
                continue
            for call in payloads.tool_calls(data):
                if isinstance(call.get("id"), str):
                    self.calls[call["id"]] = call  # type: ignore[index]
            for result in payloads.tool_results(data):
                if isinstance(result.get("tool_use_id"), str):
                    self.results[result["tool_use_id"]] = result  # type: ignore[index]

    def name_of(self, result: ToolResult) -> str:
        """The name of the tool that produced `result` ('tool' when its call is not on the path)."""
        call = self.calls.get(result.get("tool_use_id") or "")
        return (call.get("name") if call else None) or "tool"


def kind_of(message: Message) -> MessageKind:
    """The message's kind (see `store.payloads`)."""
    return payloads.message_kind(message.role.value, message.data)


def is_compact(message: Message) -> bool:
    """True for the kinds that show as one line until opened."""
    return kind_of(message) not in (MessageKind.PROMPT, MessageKind.REPLY, MessageKind.COMPACT_BOUNDARY)


def header_label(message: Message, tools: ToolIndex) -> tuple[str, str]:
    """(label, component class) for the message's header."""
    kind = kind_of(message)
    if kind is MessageKind.PROMPT:
        return "user", "transcript--user"
    if kind is MessageKind.REPLY:
        return "assistant", "transcript--assistant"
    if kind is MessageKind.TOOL_RESULT:
        results = payloads.tool_results(message.data)
        names = sorted({clean_line(tools.name_of(r)) for r in results}) or [clean_line(payloads_tool_name(message))]
        failed = any(payloads.is_error_result(r) for r in results)
        label = f"⎿ {', '.join(names)} {'error' if failed else 'result'}"
        return label, "transcript--error" if failed else "transcript--tool"
    if kind is MessageKind.THINKING:
        return "✻ thinking", "transcript--thinking"
    if kind is MessageKind.COMMAND:
        return "command", "transcript--system"
    if kind is MessageKind.COMPACT_BOUNDARY:
        return "── compacted", "transcript--divider"
    return SYSTEM_LABELS.get(kind, "system"), "transcript--system"


def header_text(
    message: Message,
    siblings: tuple[int, int] | None,
    tools: ToolIndex,
    time: str,
    selected: bool,
    is_head: bool,
    style: Callable[[str], Style],
) -> Text:
    """A message's header line: `▶ ‹2/3› assistant · 10:03  #41  ◀ head`."""
    text = Text(no_wrap=True, end="")
    text.append(" ▶ " if selected else "   ", style=style("transcript--siblings"))
    if siblings is not None:
        text.append(f"‹{siblings[0]}/{siblings[1]}› ", style=style("transcript--siblings"))
    label, label_class = header_label(message, tools)
    text.append(label, style=style(label_class))
    meta = f" · {time}"
    if message.status is not MessageStatus.COMPLETED:
        meta += f" · {message.status.value}"
    text.append(meta, style=style("transcript--meta"))
    text.append(f"  #{message.id}", style=style("transcript--meta"))
    original = payloads.copied_from(message.data)
    if original is not None:
        # Copied from another thread (a branch, or the prefix an agent continued): not new work.
        text.append(f"  copy of #{original}", style=style("transcript--meta"))
    if is_head:
        text.append("  ◀ head", style=style("transcript--siblings"))
    return text


def divider(message: Message, width: int, pad: Segment, console: Console, style: Callable[[str], Style]) -> Strip:
    """A compaction boundary: its label centred in a rule."""
    label = clean_line(message.content)[: max(0, width - 12)] or "conversation compacted"
    rule = Text(f" {label} ".center(width - INDENT, "─"), style=style("transcript--divider"), end="")
    return Strip([pad, *rule.render(console)])


def payloads_tool_name(message: Message) -> str:
    """A tool message's own tool name, when its source names it (ChatGPT)."""
    name = message.data.get("tool_name")
    return name if isinstance(name, str) and name else "tool"


def levels(message: Message, tools: ToolIndex) -> int:
    """How many times enter opens the message further (1 or 2) before it folds again."""
    kind = kind_of(message)
    if kind is MessageKind.REPLY:
        for call in payloads.tool_calls(message.data):
            result = tools.results.get(call.get("id") or "")
            if _line_count(payloads.tool_input_text(call)) > OUTPUT_KEEP or (
                result is not None and _line_count(payloads.result_output(result)) > OUTPUT_KEEP
            ):
                return 2
    if kind is MessageKind.TOOL_RESULT:
        if any(_line_count(payloads.result_output(r)) > OUTPUT_KEEP for r in payloads.tool_results(message.data)):
            return 2
    return 1


def _line_count(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def _first_line(text: str) -> tuple[str, int]:
    """The first non-blank line of `text` and how many lines follow it."""
    lines = text.strip("\n").split("\n") if text else []
    for i, line in enumerate(lines):
        if line.strip():
            return line.strip(), len(lines) - i - 1
    return "", 0


class BodyRenderer:
    """Renders message bodies to strips for a widget (its console and component styles)."""

    def __init__(self, console: Console, style: StyleOf) -> None:
        self.console = console
        self.style = style

    # ------------------------------------------------------------------ helpers

    def _text_lines(self, text: Text, width: int) -> list[list[Segment]]:
        options = self.console.options.update(width=width, height=None, highlight=False, markup=False)
        return self.console.render_lines(text, options, pad=False)

    def _markdown_lines(self, source: str, width: int) -> list[list[Segment]]:
        from rich.markdown import Markdown

        renderable: Text | Markdown = Markdown(clean(source), hyperlinks=False, code_theme="monokai")
        try:
            options = self.console.options.update(width=width, height=None, highlight=False, markup=False)
            return self.console.render_lines(renderable, options, pad=False)
        except Exception:  # a Markdown edge case must never take the transcript down
            return self._text_lines(Text(clean(source), end=""), width)

    def _line(self, text: Text, width: int) -> list[Segment]:
        return list(one_line(text, width, self.console, Style()))

    def _fold(self, lines: list[list[Segment]], keep: int, over: int, hint: str, width: int) -> list[list[Segment]]:
        if len(lines) <= over:
            return lines
        hidden = len(lines) - keep
        fold = Text(f"… {hidden} more lines ({hint})", style=self.style("transcript--fold"), end="")
        return lines[:keep] + [self._line(fold, width)]  # cut to the pane, never wider

    def _block(self, text: str, width: int, base: Style, *, keep: int | None) -> list[list[Segment]]:
        """A tool's input or output: plain text in `base`, cut to `keep` lines when given."""
        lines = self._text_lines(Text(clean(text.rstrip("\n")) or "(no output)", style=base, end=""), width)
        if keep is not None:
            lines = self._fold(lines, keep, keep, "enter for all", width)
        return lines

    def _one_liner(self, first: str, more: int, style: Style, width: int, *, prefix: Text | None = None) -> list[Segment]:
        text = prefix.copy() if prefix is not None else Text(end="")
        text.append(clean_line(first) or "(empty)", style=style)
        if more:
            text.append(f"  (+{more} lines · enter)", style=self.style("transcript--fold"))
        return self._line(text, width)

    # ------------------------------------------------------------------ bodies

    def render(self, message: Message, width: int, level: int, tools: ToolIndex) -> list[list[Segment]]:
        """The body of `message` at `width` cells, opened to `level` (0 folded)."""
        kind = kind_of(message)
        if kind is MessageKind.PROMPT:
            lines = self._text_lines(Text(clean(message.content) or "(empty)", end=""), width)
            return lines if level else self._fold(lines, FOLD_KEEP, FOLD_OVER, "enter to unfold", width)
        if kind is MessageKind.REPLY:
            return self._reply(message, width, level, tools)
        if kind is MessageKind.TOOL_RESULT:
            return self._results(message, width, level)
        if kind is MessageKind.COMMAND:
            return self._command(message, width, level)
        if kind is MessageKind.THINKING:
            dim = self.style("transcript--thinking")
            if not level:
                first, more = _first_line(message.content)
                return [self._one_liner(first, more, dim, width)]
            return self._text_lines(Text(clean(message.content), style=dim, end=""), width)
        # meta, context, instructions, summaries, notices: one dim line until opened
        dim = self.style("transcript--tool-line")
        if not level:
            first, more = _first_line(message.content)
            return [self._one_liner(first, more, dim, width)]
        return self._text_lines(Text(clean(message.content) or "(empty)", style=dim, end=""), width)

    def _reply(self, message: Message, width: int, level: int, tools: ToolIndex) -> list[list[Segment]]:
        data = message.data
        lines: list[list[Segment]] = []
        thought = payloads.thinking(data)
        dim = self.style("transcript--thinking")
        if thought:
            if level:
                lines += self._text_lines(Text("✻ " + clean(thought), style=dim, end=""), width)
            else:
                first, more = _first_line(thought)
                lines.append(self._one_liner(first, more, dim, width, prefix=Text("✻ thinking  ", style=dim, end="")))
        if message.content.strip():
            prose = self._markdown_lines(message.content, width)
            lines += prose if level else self._fold(prose, FOLD_KEEP, FOLD_OVER, "enter to unfold", width)
        for call in payloads.tool_calls(data):
            lines += self._call(call, tools.results.get(call.get("id") or ""), width, level)
        return lines or [self._line(Text("(empty)", style=self.style("transcript--fold")), width)]

    def _call(self, call: ToolCall, result: ToolResult | None, width: int, level: int) -> list[list[Segment]]:
        name = clean_line(call.get("name") or "tool")
        head = Text("⚙ ", style=self.style("transcript--tool"), end="")
        head.append(name, style=self.style("transcript--tool") + Style(bold=True))
        summary = clean_line(payloads.tool_summary(call))
        if summary:
            head.append("  " + summary, style=self.style("transcript--tool-line"))
        if result is not None and payloads.is_error_result(result):
            head.append("  ✗ error", style=self.style("transcript--error"))
        lines = [self._line(head, width)]
        if not level:
            return lines
        keep = None if level >= 2 else OUTPUT_KEEP
        inner = max(1, width - 2)
        pad = Segment("  ")
        lines += [[pad, *row] for row in self._block(payloads.tool_input_text(call), inner, self.style("transcript--tool-line"), keep=keep)]
        if result is not None:
            style = self.style("transcript--error" if payloads.is_error_result(result) else "transcript--output")
            out = self._block(payloads.result_output(result), inner - 2, style, keep=keep)
            lines += [[pad, Segment("→ " if i == 0 else "  ", style), *row] for i, row in enumerate(out)]
        return lines

    def _results(self, message: Message, width: int, level: int) -> list[list[Segment]]:
        results = payloads.tool_results(message.data)
        if not results:  # a tool message without structured results (ChatGPT, older data)
            results = [{"output": message.content}]
        lines: list[list[Segment]] = []
        for result in results:
            failed = payloads.is_error_result(result)
            style = self.style("transcript--error" if failed else "transcript--output")
            output = payloads.result_output(result)
            if not level:
                first, more = _first_line(output)
                lines.append(self._one_liner(first or "(no output)", more, style, width))
            else:
                lines += self._block(output, width, style, keep=None if level >= 2 else OUTPUT_KEEP)
        return lines

    def _command(self, message: Message, width: int, level: int) -> list[list[Segment]]:
        cmd = payloads.command(message.data) or {}
        name = cmd.get("name") or ""
        args = cmd.get("args") or ""
        output = cmd.get("output") or ""
        said = " ".join(part for part in (name, args) if part) or message.content
        text = Text(clean_line(said), style=self.style("transcript--system"), end="")
        first, more = _first_line(output)
        if first:
            text.append(" → ", style=self.style("transcript--meta"))
            text.append(clean_line(first), style=self.style("transcript--output"))
        if more and not level:
            text.append(f"  (+{more} lines · enter)", style=self.style("transcript--fold"))
        lines = [self._line(text, width)]
        if level and more:
            lines += self._block(output, width, self.style("transcript--output"), keep=None)
        return lines


ESTIMATE_ALL_UP_TO = 2_000
"""A path this long or shorter has every height estimated when it is laid out."""
ESTIMATE_AROUND = 500
"""On a longer path, how many messages before and after the selection (and before the
end) are estimated; the rest count FAR_GUESS lines until they are first drawn."""
FAR_GUESS = 3
"""A header, one line of text and the gap: the shortest message's block."""


def estimate(message: Message, width: int, level: int) -> int:
    """A quick guess of a block's height (header and gap included), without rendering."""
    kind = kind_of(message)
    if kind is MessageKind.COMPACT_BOUNDARY:
        return 1
    if not level and kind not in (MessageKind.PROMPT, MessageKind.REPLY):
        return 3
    inner = max(10, width - INDENT - 1)
    count = 0
    limit = None if level else FOLD_OVER + 1
    for line in message.content.split("\n"):
        count += 1 + len(line) // inner
        if limit is not None and count > limit:
            break
    if not level and count > FOLD_OVER:
        count = FOLD_KEEP + 1
    if kind is MessageKind.REPLY:
        count += len(payloads.tool_calls(message.data)) + (1 if payloads.thinking(message.data) else 0)
    return max(1, count) + 2


def to_strips(rows: list[list[Segment]], pad: Segment) -> list[Strip]:
    """Body rows as strips, each indented by `pad`."""
    return [Strip([pad, *row]) for row in rows] or [Strip([pad])]
