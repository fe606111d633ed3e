"""Where Grove keeps its database by default."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

DB_ENV = "GROVE_DB"


def default_db_path() -> Path:
    """`$GROVE_DB` if set, else `grove.db` in the platform's user data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_path("grove", appauthor=False) / "grove.db"
