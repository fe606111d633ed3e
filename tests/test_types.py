"""`mypy store tui` is clean: run here so the suite (and CI, which runs it) keeps it so."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_store_and_tui_are_clean(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)  # mypy reads [tool.mypy] from pyproject.toml in the working folder
    report, errors, status = api.run(["store", "tui"])
    assert status == 0, report + errors
