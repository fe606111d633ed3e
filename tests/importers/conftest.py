from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store import Store

from .helpers import FIXTURES, Clock


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    assert FIXTURES.is_dir(), f"the shared fixtures are missing at {FIXTURES}"
    async with Store.open(tmp_path / "grove.db", clock=Clock()) as s:
        yield s
