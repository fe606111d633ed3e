"""Narrow terminals (issue 10 item 20): wrapping never drops a character, and a pane that
would leave the transcript too little room folds away."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import payloads
from store.payloads import MessageKind
from tui.screens.main import TRANSCRIPT_MIN_WIDTH, fit_panes

from tui_helpers import main, make_app, settle


@pytest.mark.parametrize("size", [(80, 30), (60, 20), (46, 20), (20, 20)])
async def test_user_messages_keep_every_character_when_wrapped(demo_db: Path, size: tuple[int, int]) -> None:
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        transcript = main(app).transcript
        width = transcript.scrollable_content_region.width
        assert width >= min(TRANSCRIPT_MIN_WIDTH, size[0]) - 4  # borders and the scrollbar
        prompts = [m for m in transcript.path if payloads.message_kind(m.role, m.data) is MessageKind.PROMPT]
        assert prompts
        for message in prompts:
            strips = transcript._body(message, transcript._layout_width, 1)  # unfolded: all of it
            assert all(strip.cell_length <= width for strip in strips), (width, transcript._layout_width, [(s.text, s.cell_length) for s in strips if s.cell_length > width])
            shown = "".join("".join(strip.text.split()) for strip in strips)
            assert shown == "".join(message.content.split())


def test_panes_fold_so_the_transcript_keeps_room() -> None:
    assert fit_panes(160, True, True, None) == (True, True)
    assert fit_panes(80, True, True, "side") == (False, True)
    assert fit_panes(80, True, True, "threads") == (True, False)
    assert fit_panes(60, False, True, "side") == (False, False)
    assert fit_panes(60, True, False, "threads") == (True, False)
    assert fit_panes(50, True, False, "threads") == (False, False)
