"""Transcript text, titles and names are shown as the text they are: no markup, no escapes."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget

from store import Store
from tui.widgets.thread_list import ThreadList
from tui.widgets.transcript import Transcript
from tui_helpers import make_app, settle

INJECTED = "\x1b]0;pwned\x07\x1b[2J\x9b31m [link='https://x']x[/link] [@click=app.quit]x[/]"


def lines_of(widget: Widget) -> list[str]:
    """What a line-API widget draws on screen, line by line, as plain text."""
    return ["".join(segment.text for segment in widget.render_line(y)) for y in range(widget.size.height)]


async def _hostile(path: Path) -> None:
    async with Store.open(path) as store:
        thread = await store.create_thread(f"Hostile {INJECTED}", source="claude-code")
        await store.append(thread.id, "user", f"Payload user {INJECTED}")
        await store.append(thread.id, "assistant", f"# Payload heading {INJECTED}\n\n- item {INJECTED}\n")
        await store.append(thread.id, "tool", f"Bash: echo {INJECTED}", data={"tool": "Bash", "output": INJECTED})
        await store.save_checkpoint(thread.id, f"cp {INJECTED}", note=INJECTED)


async def test_hostile_text_renders_inertly(tmp_path: Path) -> None:
    await _hostile(tmp_path / "h.db")
    app = make_app(tmp_path / "h.db")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.main
        transcript = screen.query_one(Transcript)
        threads = screen.query_one(ThreadList)
        drawn = "\n".join(lines_of(transcript) + lines_of(threads))
        assert "Payload user" in drawn and "Payload heading" in drawn
        assert "\x1b" not in drawn and "\x9b" not in drawn and "\x07" not in drawn
        assert "pwned" not in drawn
        assert "[link='https://x']x[/link]" in drawn
        assert "[@click=app.quit]x[/]" in drawn
        title = transcript.border_title or ""
        assert "[@click=app.quit]" in str(title) or "[@click" in str(title).replace("\\[", "[")
        # Clicking where the markup shows must not run an action, and nothing on screen links anywhere.
        for widget in (transcript, threads):
            for y in range(widget.size.height):
                for segment in widget.render_line(y):
                    style = segment.style
                    assert style is None or not style.link, segment
                    assert style is None or "@click" not in (style.meta or {}), segment
        await pilot.click(Transcript, offset=(20, 2))
        await settle(pilot)
        assert app.is_running
        screenshot = app.export_screenshot()
        assert "pwned" not in screenshot


async def test_archive_notification_shows_a_bracketed_title_literally(tmp_path: Path) -> None:
    # Issue 9 item 5 / issue 10 item 12: outside text in a notification is never markup.
    title = "fix [/tmp] path [@click=app.quit]x"
    async with Store.open(tmp_path / "n.db") as store:
        thread = await store.create_thread(title, source="claude-code")
        await store.append(thread.id, "user", "hello")
    app = make_app(tmp_path / "n.db")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.main.query_one(ThreadList).focus()
        await pilot.press("a")
        await settle(pilot)
        from textual.widgets._toast import Toast

        # What the toast draws, not what was passed: markup would act only at render time.
        shown = [str(getattr(Toast(n).render(), "plain", "")) for n in app._notifications]
        assert any(f"Archived {title} (" in " ".join(message.split()) for message in shown), shown
        assert app.is_running


async def test_a_failing_worker_on_the_search_screen_is_a_notification(demo_db: Path) -> None:
    """Worker.StateChanged does not bubble: the search screen's workers reach the app's one
    handler, so a search that fails (here: the database connection is gone) says so."""
    from tui.screens.search import SearchScreen

    app = make_app(demo_db)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        await app.store.close()
        await pilot.press(*"login")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors, "the failed search was silent"
