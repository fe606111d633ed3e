"""`grove resume` as a real process: the printed command, --json, --exec with stand-in agents."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]


def _session(work: Path, session_id: str = "5a0c1c43-29f3-4d1e-9a57-0b7c9a8f2e11") -> list[dict[str, object]]:
    """A small Claude Code session run in `work`: a prompt, a tool call, its result, a reply."""
    base = {"isSidechain": False, "userType": "external", "cwd": str(work), "sessionId": session_id, "version": "2.1.42", "gitBranch": "main"}
    return [
        {**base, "parentUuid": None, "type": "user", "uuid": "u1", "timestamp": "2030-01-01T10:00:00.000Z",
         "message": {"role": "user", "content": "List the files, please."}},
        {**base, "parentUuid": "u1", "type": "assistant", "uuid": "a1", "timestamp": "2030-01-01T10:00:02.000Z",
         "message": {"model": "claude-opus-4-6", "id": "msg_1", "type": "message", "role": "assistant",
                     "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}],
                     "usage": {"input_tokens": 10, "output_tokens": 5}}},
        {**base, "parentUuid": "a1", "type": "user", "uuid": "r1", "timestamp": "2030-01-01T10:00:03.000Z",
         "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "README.md"}]}},
        {**base, "parentUuid": "r1", "type": "assistant", "uuid": "a2", "timestamp": "2030-01-01T10:00:04.000Z",
         "message": {"model": "claude-opus-4-6", "id": "msg_2", "type": "message", "role": "assistant",
                     "content": [{"type": "text", "text": "There is one file: README.md."}],
                     "usage": {"input_tokens": 20, "output_tokens": 8}}},
    ]


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    work = tmp_path / "work dir"  # a space: the printed command must quote it
    work.mkdir()
    source = tmp_path / "source" / "5a0c1c43-29f3-4d1e-9a57-0b7c9a8f2e11.jsonl"
    source.parent.mkdir()
    source.write_text("".join(json.dumps(line) + "\n" for line in _session(work)))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    paths = {"work": work, "source": source, "bin": bin_dir, "db": tmp_path / "grove.db", "tmp": tmp_path}
    result = grove(paths, "import", str(source))
    assert result.returncode == 0, result.stderr
    return paths


def grove(paths: dict[str, Path], *args: str, path_dirs: list[Path] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GROVE_DB", "CLAUDE_CONFIG_DIR", "CODEX_HOME")}
    env["CLAUDE_CONFIG_DIR"] = str(paths["tmp"] / "claude")
    env["CODEX_HOME"] = str(paths["tmp"] / "codex")
    # PATH: the stand-in agents (if any) and the folder of this Python, nothing else.
    env["PATH"] = os.pathsep.join(str(p) for p in [*(path_dirs or []), Path(sys.executable).parent])
    argv = [sys.executable, "-m", "tui.cli", "--db", str(paths["db"]), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def stand_in(bin_dir: Path, name: str, record: Path) -> None:
    """A fake agent that writes its cwd and arguments to `record`."""
    script = bin_dir / name
    script.write_text(f'#!/bin/sh\npwd > "{record}"\nfor a in "$@"; do echo "$a" >> "{record}"; done\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def one_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("grove: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_resume_prints_the_file_and_the_command(setup: dict[str, Path]) -> None:
    result = grove(setup, "resume", "1")
    assert result.returncode == 0, result.stderr
    written = list((setup["tmp"] / "claude" / "projects").rglob("*.jsonl"))
    assert len(written) == 1
    session_id = written[0].stem
    assert str(written[0]) in result.stdout
    assert f"cd '{setup['work']}' && claude --resume {session_id}" in result.stdout
    assert written[0].parent.name == str(setup["work"]).replace("/", "-").replace(" ", "-").replace("_", "-")


def test_resume_json(setup: dict[str, Path]) -> None:
    result = grove(setup, "resume", "1", "--agent", "codex", "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"agent", "session_id", "path", "cwd", "command"}
    assert out["agent"] == "codex" and out["cwd"] == str(setup["work"])
    assert out["command"] == f"codex resume {out['session_id']}"
    assert Path(out["path"]).is_file() and Path(out["path"]).name.endswith(f"-{out['session_id']}.jsonl")
    events = json.loads(grove(setup, "events", "1", "--json").stdout)
    assert events[-1]["kind"] == "handed_off" and events[-1]["data"]["session_id"] == out["session_id"]


@pytest.mark.parametrize(("agent", "expected"), [("claude-code", ["--resume"]), ("codex", ["resume"])])
def test_exec_runs_the_agent_in_the_thread_folder(setup: dict[str, Path], agent: str, expected: list[str]) -> None:
    record = setup["tmp"] / "ran.txt"
    stand_in(setup["bin"], "claude" if agent == "claude-code" else "codex", record)
    result = grove(setup, "resume", "1", "--agent", agent, "--exec", "--json", path_dirs=[setup["bin"]])
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    cwd, *args = record.read_text().splitlines()
    assert Path(cwd) == setup["work"]
    assert args == [*expected, out["session_id"]]


def test_exec_without_the_agent_says_what_to_run(setup: dict[str, Path]) -> None:
    line = one_error(grove(setup, "resume", "1", "--exec", path_dirs=[setup["bin"]]), 1)
    assert "claude" in line and "not on PATH" in line and "claude --resume" in line
    assert len(list((setup["tmp"] / "claude" / "projects").rglob("*.jsonl"))) == 1  # written: run it later


def test_refusals(setup: dict[str, Path]) -> None:
    assert "no thread 99" in one_error(grove(setup, "resume", "99"), 1)
    assert one_error(grove(setup, "resume", "1", "--agent", "gemini"), 2)
    # The folder the thread ran in is gone: --exec cannot run there, and writes nothing.
    stand_in(setup["bin"], "claude", setup["tmp"] / "ran.txt")
    setup["work"].rmdir()
    assert "does not exist" in one_error(grove(setup, "resume", "1", "--exec", path_dirs=[setup["bin"]]), 1)
    assert not (setup["tmp"] / "claude").exists() and not (setup["tmp"] / "ran.txt").exists()
    # An agent folder that cannot be written.
    (setup["tmp"] / "claude").write_text("a file where the folder must go")
    assert "Cannot write the Claude Code session" in one_error(grove(setup, "resume", "1"), 1)
    # A thread without a working folder.
    result = grove(setup, "import", str(REPO.parent / "shared" / "fixtures" / "chatgpt" / "conversations.json"))
    assert result.returncode == 0, result.stderr
    assert "no working folder" in one_error(grove(setup, "resume", "2"), 1)
