"""The user's keymap: `[keymap]` in config.toml, binding id → keys (issue 9 item 4).

    [keymap]
    "main.undo" = "z"
    "main.fork" = "f,ctrl+f"     # several keys: comma-separated

The file is `config.toml` in the platform's user config folder for grove
(`~/.config/grove/config.toml` on Linux); `$GROVE_CONFIG` names another file. A bad
entry is skipped with a sentence (a notification in the app, a line on stderr), never a
crash; the rest applies.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_path
from textual.binding import Binding

from .actions import keyed_actions

CONFIG_ENV = "GROVE_CONFIG"


def config_path() -> Path:
    """`$GROVE_CONFIG` if set, else config.toml in the user config folder for grove."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return user_config_path("grove", appauthor=False) / "config.toml"


@dataclass(frozen=True)
class KeyInfo:
    """One binding as `grove keys` and the help screen list it."""

    id: str
    keys: str
    """The keys in effect (the user's, else the default), comma-separated."""
    description: str
    where: str


@dataclass
class Keymap:
    """What the config file asks for, and what could not be used."""

    keys: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def all_bindings() -> list[tuple[str, Binding]]:
    """(where it applies, binding) of every binding, in help order (`tui/actions.py`)."""
    return [(where, action.binding()) for where, action in keyed_actions()]


def load_keymap(path: Path | None = None) -> Keymap:
    """Read `[keymap]` from the config file (absent: nothing to change)."""
    path = path if path is not None else config_path()
    result = Keymap()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return result
    except (OSError, UnicodeDecodeError) as error:
        result.problems.append(f"{path}: cannot be read ({error}); keys are the defaults.")
        return result
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        result.problems.append(f"{path}: not valid TOML ({error}); keys are the defaults.")
        return result
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        result.problems.append(f"{path}: keymap must be a table ([keymap]); keys are the defaults.")
        return result
    known = {b.id for _, b in all_bindings()}
    for binding_id, keys in table.items():
        if binding_id not in known:
            result.problems.append(f"{path}: no binding is called {binding_id!r} (grove keys lists them); skipped.")
        elif not isinstance(keys, str) or not [k for k in keys.split(",") if k.strip()]:
            result.problems.append(f"{path}: {binding_id} needs keys as text, like \"z\" or \"z,ctrl+z\"; skipped.")
        else:
            result.keys[binding_id] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return result


def keys_in_effect(keymap: dict[str, str]) -> list[KeyInfo]:
    """Every binding with the keys it answers to under `keymap`."""
    return [KeyInfo(b.id or "", keymap.get(b.id or "", b.key), b.description, where) for where, b in all_bindings()]
