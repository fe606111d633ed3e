"""Store errors that used to leak as raw OSError / FileNotFoundError reach the person as one
sentence with exit code 1 (issue 9 item 6)."""

from __future__ import annotations

from pathlib import Path

from .test_cli import fails, grove


def test_a_database_name_too_long_is_one_sentence(tmp_path: Path) -> None:
    line = fails(grove("threads", db=tmp_path / ("x" * 5000)), 1)
    assert "Cannot create the database at" in line and "File name too long" in line
    assert "OSError" not in line  # before: "grove: OSError: [Errno 36] File name too long: …"


def test_watching_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    line = fails(grove("watch", str(tmp_path / "gone"), db=tmp_path / "g.db"), 1)
    assert line == f"grove: Cannot follow {tmp_path / 'gone'}: no such file or folder."
