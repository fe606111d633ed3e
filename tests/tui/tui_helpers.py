"""Helpers for the app's tests: a factory of deterministic apps and a wait for workers."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from textual.screen import ModalScreen
from textual.worker import WorkerState

from tui.app import GroveApp
from tui.demo import demo_clock

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
        if plain:
            await app.workers.wait_for_complete(plain)
        elif busy:
            await pilot.pause(0.01)  # an op worker between its modal and its store call
        else:
            quiet += 1
            if quiet >= 2:
                return
            continue
        quiet = 0
    raise AssertionError(f"workers never settled: {list(app.workers)}")
