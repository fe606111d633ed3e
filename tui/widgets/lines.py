"""Small helpers shared by the line-API widgets (Transcript, ThreadList, BranchTree)."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip


def one_line(text: Text, width: int, console: Console, style: Style) -> Strip:
    """`text` cut to `width` cells (with an ellipsis) as one strip padded with `style`."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    text.end = ""
    text.truncate(max(0, width), overflow="ellipsis")
    return Strip(list(text.render(console))).crop_extend(0, width, style)


def fit(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis when it is longer."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"


def highlight(strip: Strip, style: Style) -> Strip:
    """`strip` with `style` laid over every segment, so the row's cursor background wins.

    `Strip.apply_style` adds a style *under* each segment's own, and every segment a
    component class styled carries its own background, which then hides the cursor.
    """
    # Only the background and weight: the row keeps its own colours (glyphs, roles, meta).
    over = Style(bgcolor=style.bgcolor, bold=style.bold)
    return Strip(
        [Segment(text, (seg_style + over) if seg_style else over, control) for text, seg_style, control in strip],
        strip.cell_length,
    )
