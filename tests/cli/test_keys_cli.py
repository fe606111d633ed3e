"""`grove keys [--json]`: every binding with the keys in effect under config.toml's [keymap]."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]


def grove(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, env=full_env, cwd=REPO, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess[str], code: int) -> str:
    """The one stderr line of a run that ends with `code`."""
    assert result.returncode == code and "Traceback" not in result.stderr, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("grove: "), result.stderr
    return lines[0]


def test_keys_json_lists_every_binding_with_the_users_keys(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"main.undo" = "z"\n"main.fork" = "f, ctrl+f"\n', encoding="utf-8")
    keys = json.loads(ok(grove("keys", "--json", env={"GROVE_CONFIG": str(config)})))
    by_id = {k["id"]: k for k in keys}
    assert all({"id", "keys", "description"} <= set(k) for k in keys)
    assert by_id["main.undo"]["keys"] == "z"
    assert by_id["main.fork"]["keys"] == "f,ctrl+f"
    assert by_id["main.rewind"]["keys"] == "r"  # not in the file: the default
    assert by_id["composer.send"]["description"] == "Send"
    text = ok(grove("keys", env={"GROVE_CONFIG": str(config)}))
    assert any(line.split()[:2] == ["main.undo", "z"] for line in text.splitlines())


def test_a_bad_keymap_entry_is_one_line_and_the_rest_applies(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"main.undo" = "z"\n"main.nope" = "x"\n', encoding="utf-8")
    result = grove("keys", "--json", env={"GROVE_CONFIG": str(config)})
    assert "main.nope" in fails(result, 1)
    assert {k["id"]: k["keys"] for k in json.loads(result.stdout)}["main.undo"] == "z"
    config.write_text("[keymap\n", encoding="utf-8")
    assert "not valid TOML" in fails(grove("keys", env={"GROVE_CONFIG": str(config)}), 1)
