"""Fixtures for the app's tests: demo databases and a factory of deterministic apps."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tui_helpers import make_app

from tui.app import GroveApp
from tui.demo import create_demo_db

@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database per test session; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    asyncio.run(create_demo_db(path))
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def app_factory() -> Callable[..., GroveApp]:
    """`make_app` as a fixture."""
    return make_app
