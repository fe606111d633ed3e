"""Helpers for the app's tests: a factory of deterministic apps and a wait for workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from textual.screen import ModalScreen
from textual.worker import WorkerState

from tui.app import GroveApp
from tui.demo import demo_clock
from tui.screens.main import MainScreen

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=timezone.utc)
"""The fixed "now" every test app renders ages against (the demo ends around 13:46)."""


def fixed_now() -> datetime:
    """The app clock of every test: always NOW."""
    return NOW


def make_app(path: Path, **options: Any) -> GroveApp:
    """A deterministic app on `path`: fixed clocks, UTC times, no cursor blink, no polling."""
    settings: dict[str, Any] = {
        "clock": fixed_now,
        "store_clock": demo_clock(start=datetime(2026, 3, 14, 16, 0, tzinfo=timezone.utc)),
        "tz": timezone.utc,
        "cursor_blink": False,
        "poll_interval": None,
    }
    settings.update(options)
    return GroveApp(path, **settings)


async def settle(pilot: Any) -> None:
    """Wait until the workers are done and the screen has caught up.

    A worker that waits on a modal (the composer, a confirmation) cannot finish until
    the modal is answered, so those ("op" workers while a modal is open) are not waited
    for; the others always end, and are awaited directly.
    """
    app = pilot.app
    quiet = 0
    for _ in range(2000):
        await pilot.pause()
        busy = [
            w
            for w in app.workers
            # The follower (`--follow`) runs until the app ends: never wait for it.
            if w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "follow"
        ]
        if isinstance(app.screen, ModalScreen):
            busy = [w for w in busy if w.group != "op"]
        plain = [w for w in busy if w.group != "op"]
        # Work a widget put off until after the next refresh (the transcript scrolls to its
        # selection that way) is not done yet either; a screen pushed now would freeze the
        # one below half-drawn, and a snapshot would depend on the machine's load.
        deferred = any(screen._callbacks for screen in app.screen_stack)
        if plain:
            await app.workers.wait_for_complete(plain)
        elif busy or deferred:
            await pilot.pause(0.01)  # an op worker between its modal and its store call
        else:
            quiet += 1
            if quiet >= 2:
                return
            continue
        quiet = 0
    raise AssertionError(f"workers never settled: {list(app.workers)}")


def main(app: Any) -> MainScreen:
    """The app's main screen (asserted to be one)."""
    screen = app.main
    assert isinstance(screen, MainScreen)
    return screen


def select(app: Any, message_id: int) -> None:
    """Put the transcript's selection on a message of the active path."""
    transcript = main(app).transcript
    transcript.cursor = next(i for i, m in enumerate(transcript.path) if m.id == message_id)


async def wait_until(pilot: Any, condition: Callable[[], bool], *, tries: int = 750) -> bool:
    """Poll the app until `condition()` holds: bounded (750 × 20 ms = 15 s, for a loaded
    machine), so a hang fails instead of blocking; a wait, never a timed assertion."""
    for _ in range(tries):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()
