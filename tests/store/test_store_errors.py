"""Mistakes that used to leave the store as a bare ValueError, OSError or FileNotFoundError
are StoreError subclasses with a sentence (issue 9 item 6). The two that replace a built-in
error are still that built-in error too, so older callers that caught it keep working."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from store import InvalidOperation, InvalidValue, NotFound, PathNotFound, Store, StoreError
from store.follow import Follower
from store.importers import import_paths
from store.rows import encode_time


async def test_a_database_path_with_a_nul_is_an_invalid_value(tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="NUL character") as caught:
        await Store.open(str(tmp_path / "a\x00b.db"))
    assert isinstance(caught.value, ValueError)  # what os.open raised before
    assert isinstance(caught.value, InvalidOperation)


async def test_a_database_name_too_long_is_a_store_error(tmp_path: Path) -> None:
    # Path.is_dir() raises ENAMETOOLONG rather than answering False: that was a raw OSError.
    with pytest.raises(StoreError, match="Cannot create the database at .*File name too long"):
        await Store.open(tmp_path / ("x" * 5000))


def test_a_time_without_a_timezone_is_an_invalid_value() -> None:
    with pytest.raises(InvalidValue, match="has no timezone") as caught:
        encode_time(datetime(2026, 5, 11, 8, 30))
    assert isinstance(caught.value, ValueError)


async def test_an_unknown_import_format_is_an_invalid_value(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidValue, match="Unknown format 'bogus'; use auto") as caught:
        await import_paths(store, [tmp_path], format="bogus")
    assert isinstance(caught.value, ValueError)


async def test_following_a_missing_path_is_path_not_found(store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    with pytest.raises(PathNotFound, match="no such file or folder") as caught:
        Follower(store, [missing]).check()
    assert isinstance(caught.value, NotFound)
    assert isinstance(caught.value, FileNotFoundError)
    assert str(missing) in str(caught.value)
