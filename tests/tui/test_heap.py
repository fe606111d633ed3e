"""After a load the app's objects are frozen out of the collector's scans; after the app
closes nothing stays frozen (tui/heap.py)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tui import heap
from tui_helpers import main, make_app, settle


async def test_a_load_freezes_the_heap_and_closing_the_app_releases_it(demo_db: Path) -> None:
    gc.unfreeze()
    app = make_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert main(app).view is not None  # the first thread was opened
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_every_so_often_a_settle_hands_the_heap_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """So a reference cycle frozen by one load and dead since is collected at last.
    (Counting frozen objects walks all of them: only twice here.)"""
    gc.unfreeze()
    monkeypatch.setattr(heap, "_settles", 0)
    for _ in range(heap.RELEASE_EVERY - 1):
        heap.settle_heap()
    assert gc.get_freeze_count() > 0
    heap.settle_heap()
    assert gc.get_freeze_count() == 0
