"""`grove` with no command opens the app through `tui.app.run` (recorded here, not run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tui.app
from tui import cli


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, dict[str, Any]]]:
    seen: list[tuple[Any, dict[str, Any]]] = []

    def fake_run(db_path: Path | None, **kwargs: Any) -> int:
        seen.append((db_path, kwargs))
        return 0

    monkeypatch.setattr(tui.app, "run", fake_run)
    monkeypatch.delenv("GROVE_DB", raising=False)
    return seen


def test_db_flag_opens_that_database(calls: list, tmp_path: Path) -> None:
    assert cli.main(["--db", str(tmp_path / "x.db")]) == 0
    assert calls == [(tmp_path / "x.db", {"demo": False, "follow": False})]


def test_environment_database(calls: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROVE_DB", str(tmp_path / "env.db"))
    assert cli.main(["--follow"]) == 0
    assert calls == [(tmp_path / "env.db", {"demo": False, "follow": True})]


def test_demo_never_gets_the_users_database(calls: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROVE_DB", str(tmp_path / "mine.db"))
    assert cli.main(["--demo"]) == 0
    assert calls == [(None, {"demo": True, "follow": False})]
