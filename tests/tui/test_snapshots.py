"""Snapshots of the app's screens on the demo data (fixed clocks, UTC, no cursor blink)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui_helpers import make_app, settle

BRANCH_POINT = 339
"""The login thread's prompt "Which one would you pick?", ‹1/3› (two later rewinds)."""


def _select(app: Any, message_id: int) -> None:
    transcript = app.main.transcript
    transcript.focus()
    transcript.cursor = next(i for i, m in enumerate(transcript.path) if m.id == message_id)


def test_main_screen(demo_db: Path, snap_compare: Any) -> None:
    """You should see Threads (12, the login thread and its freezegun fork under it), the
    login thread's transcript ending at the head — Bash calls as `⚙ Bash  pytest …` lines,
    their results one line each — and the Tree tab with four branches."""
    assert snap_compare(make_app(demo_db), terminal_size=(160, 45), run_before=settle)


def test_branch_point_shows_its_siblings(demo_db: Path, snap_compare: Any) -> None:
    """You should see the selected prompt marked ‹2/3› ("Just raise the TTL for now.") after
    `]`, the header naming that branch and the Tree marking it as the active path."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _select(pilot.app, BRANCH_POINT)
        await pilot.press("right_square_bracket")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(160, 45), run_before=run_before)


def test_composer(demo_db: Path, snap_compare: Any) -> None:
    """You should see the composer titled "Fork after #339" over the main screen, role
    assistant (the reply to the selected prompt), with two typed lines."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _select(pilot.app, BRANCH_POINT)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"Try an injected clock", "enter", *"and keep the TTL")
        await pilot.pause()

    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=run_before)


def test_rewind_confirmation(demo_db: Path, snap_compare: Any) -> None:
    """You should see "Rewind to #339 …?" saying 13 messages leave the active path and
    stay as a branch, with y/enter and n/escape."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        _select(pilot.app, BRANCH_POINT)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 36), run_before=run_before)


def test_help_screen(demo_db: Path, snap_compare: Any) -> None:
    """You should see the Keys screen: every binding grouped by pane (Anywhere first)."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(120, 50), run_before=run_before)


def test_empty_database_welcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_compare: Any) -> None:
    """You should see the welcome: what Grove is, the database ~/empty.db, and d (demo),
    i (import: no sessions found here), n (new thread), q (quit)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    assert snap_compare(make_app(tmp_path / "empty.db"), terminal_size=(100, 30), run_before=settle)


def test_narrow_terminal(demo_db: Path, snap_compare: Any) -> None:
    """You should see at 80×24 only Threads and the Transcript; the side pane is folded away."""
    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=settle)


def test_side_pane_at_80_columns(demo_db: Path, snap_compare: Any) -> None:
    """You should see at 80×30 after `p` the Transcript and the side pane; the thread list
    folded away so the transcript keeps room, and every word of a message wrapped whole
    ("Also add a test that expiry still works.")."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(80, 30), run_before=run_before)


def test_side_pane_too_narrow_at_60_columns(demo_db: Path, snap_compare: Any) -> None:
    """You should see at 60×20 after `p` only the Transcript, full width: the side pane does
    not fit beside it and stays folded (a notification says so)."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=(60, 20), run_before=run_before)
