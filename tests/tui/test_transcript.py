"""The transcript's blocks: folding, tool calls, Markdown, compaction dividers, ‹n/m›."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from store import Message, Role, Thread
from tui.widgets.transcript import FOLD_KEEP, Transcript

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)


def msg(id_: int, role: Role, content: str, data: dict | None = None) -> Message:
    return Message(id=id_, thread_id=1, parent_id=id_ - 1 if id_ > 1 else None, role=role, content=content,
                   data=data or {}, created_at=T0 + timedelta(minutes=id_), depth=id_ - 1)


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield Transcript(tz=timezone.utc)


def screen_text(transcript: Transcript) -> str:
    return "\n".join("".join(s.text for s in transcript.render_line(y)) for y in range(transcript.size.height))


async def test_blocks() -> None:
    long_text = "\n".join(f"line {i}" for i in range(40))
    path = [
        msg(1, Role.USER, "# not a heading in a user message"),
        msg(2, Role.ASSISTANT, "# Plan\n\n- **one**\n- two"),
        msg(3, Role.TOOL, "Bash: ls\nfile_a\nfile_b", {"tool": "Bash"}),
        msg(4, Role.SYSTEM, "Conversation compacted", {"kind": "compact_boundary"}),
        msg(5, Role.USER, long_text),
    ]
    thread = Thread(id=1, title="t", created_at=T0, updated_at=T0, current_leaf_id=5, message_count=6)
    app = Harness()
    async with app.run_test(size=(100, 60)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_path(thread, path, {2: (2, 3)})
        await pilot.pause()
        text = screen_text(transcript)
        assert "# not a heading in a user message" in text  # user text is plain
        assert "‹2/3› assistant · 09:02" in text
        assert "Plan" in text and "# Plan" not in text and "**one**" not in text  # Markdown
        assert "Bash: ls  (+2 lines · enter)" in text and "file_a" not in text  # compact tool call
        assert "Conversation compacted" in text and "──" in text  # a divider
        assert f"… {40 - FOLD_KEEP} more lines (enter to unfold)" in text and "line 39" not in text
        assert "◀ head" in text
        transcript.focus()
        await pilot.press("enter")  # the selected message is the head: unfold it
        await pilot.pause()
        transcript.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert "line 39" in screen_text(transcript)
        transcript.cursor = 2
        await pilot.press("space")
        await pilot.pause()
        transcript.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert "file_b" in screen_text(transcript)


async def test_selection_stays_in_view_when_the_content_narrows_without_a_resize() -> None:
    """A scrollbar appearing after the first scroll narrows the text (longer wraps) with no
    resize event; the selected last message must still show whole, not be pushed below."""
    words = " ".join(f"word{i}" for i in range(30))
    path = [msg(i, Role.USER if i % 2 else Role.ASSISTANT, f"{i}: {words}") for i in range(1, 41)]
    thread = Thread(id=1, title="t", created_at=T0, updated_at=T0, current_leaf_id=40, message_count=40)
    app = Harness()
    async with app.run_test(size=(60, 20)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.styles.scrollbar_size_vertical = 0
        transcript.show_path(thread, path, {})
        await pilot.pause()
        await pilot.pause()
        assert "40: word0" in screen_text(transcript)
        transcript.styles.scrollbar_size_vertical = 12  # the text wraps into more lines now
        await pilot.pause()
        await pilot.pause()
        text = screen_text(transcript)
        assert "40: word0" in text and "word29" in text.split("40: word0")[1]


async def test_a_long_path_measures_only_what_is_near_and_still_reads_right_from_the_top() -> None:
    """Far from the selection and the end, heights are a guess until first drawn; going to
    the first message shows it whole, measured, at the top."""
    from tui.widgets.transcript import ESTIMATE_ALL_UP_TO, FAR_GUESS

    count = ESTIMATE_ALL_UP_TO + 1_000
    body = "\n".join(f"line {n}" for n in range(5))
    path = [msg(i, Role.USER if i % 2 else Role.ASSISTANT, f"message {i}\n{body}") for i in range(1, count + 1)]
    thread = Thread(id=1, title="t", created_at=T0, updated_at=T0, current_leaf_id=count, message_count=count)
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show_path(thread, path, {})
        await pilot.pause()
        await pilot.pause()
        middle = count // 3  # far from the top, the selection and the end
        assert transcript._heights[middle] == FAR_GUESS and not transcript._exact[middle]
        assert f"message {count}" in screen_text(transcript)
        transcript.focus()
        transcript.cursor = middle
        await pilot.pause()
        await pilot.pause()
        text = screen_text(transcript)
        assert f"message {middle + 1}" in text and "line 4" in text  # drawn whole, measured
        assert transcript._exact[middle] and transcript._heights[middle] > FAR_GUESS
        assert transcript.selected is not None and transcript.selected.id == middle + 1
