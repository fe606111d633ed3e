"""Fixtures for the store tests: a real SQLite file in tmp_path and a stepping clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_helpers import SteppingClock

from store import Store


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "grove.db"


@pytest.fixture
async def store(db_path: Path, clock: SteppingClock) -> AsyncIterator[Store]:
    async with Store.open(db_path, clock=clock) as opened:
        yield opened
