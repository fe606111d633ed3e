"""The `grove` command line, run as a real process on a real database file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from store import Checkpoint, Event, Message, SearchHit, Thread

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
REPO = Path(__file__).parents[2]


def grove(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "GROVE_DB"}
    full_env.update(env or {})
    argv = [sys.executable, "-m", "tui.cli", *(["--db", str(db)] if db is not None else []), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=full_env, cwd=REPO, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("grove: ")
    return lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "grove.db"
    result = grove("import", "--json", str(CLAUDE / "dag_fork.jsonl"), str(CLAUDE / "edge_cases.jsonl"), db=path)
    # edge_cases.jsonl has bad lines: the rest imports, and the exit code says there were problems.
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"threads", "messages", "errors"}
    assert len(out["threads"]) == 2 and out["messages"] == 21
    assert {e["line"] for e in out["errors"]} == {11, 12, 13, 15, 16, 17, 18}
    assert all(set(e) == {"file", "line", "reason"} for e in out["errors"])
    return path


def fork_thread(db: Path) -> Thread:
    threads = [Thread.model_validate(t) for t in json.loads(ok(grove("threads", "--json", db=db)))]
    return next(t for t in threads if t.title == "Start")


def test_threads_json_and_table(db: Path) -> None:
    threads = [Thread.model_validate(t) for t in json.loads(ok(grove("threads", "--json", db=db)))]
    assert len(threads) == 2 and {t.source for t in threads} == {"claude-code"}
    table = ok(grove("threads", db=db))
    assert table.splitlines()[0].split() == ["ID", "UPDATED", "SOURCE", "MSGS", "LEAVES", "TITLE"]
    assert "Start" in table


def test_show_tree_events_checkpoints_search_json(db: Path) -> None:
    t = fork_thread(db)
    show = json.loads(ok(grove("show", str(t.id), "--json", db=db)))
    assert Thread.model_validate(show["thread"]).id == t.id
    path = [Message.model_validate(m) for m in show["path"]]
    assert [m.content for m in path][-1] == "End of s3"
    tree = json.loads(ok(grove("tree", str(t.id), "--json", db=db)))
    assert len([Message.model_validate(m) for m in tree["messages"]]) == 11
    assert Thread.model_validate(tree["thread"]).leaf_count == 2
    events = [Event.model_validate(e) for e in json.loads(ok(grove("events", str(t.id), "--json", db=db)))]
    assert events[0].kind.value == "imported"
    assert json.loads(ok(grove("checkpoints", str(t.id), "--json", db=db))) == []
    hits = [SearchHit.model_validate(h) for h in json.loads(ok(grove("search", "forked", "--json", db=db)))]
    assert [h.snippet for h in hits] == ["Forked reply"]


def test_human_tree_marks_branches_and_head(db: Path) -> None:
    t = fork_thread(db)
    text = ok(grove("tree", str(t.id), db=db))
    assert "├─ " in text and "└─ " in text
    head_line = next(line for line in text.splitlines() if "◀ head" in line)
    assert head_line.startswith("*")
    show = ok(grove("show", str(t.id), db=db))
    assert "End of s3" in show and "Last in s1" not in show


def test_write_commands_print_the_thread(tmp_path: Path, db: Path) -> None:
    mine = tmp_path / "mine.db"
    shutil.copy(db, mine)
    t = fork_thread(mine)
    path = json.loads(ok(grove("show", str(t.id), "--json", db=mine)))["path"]
    first = path[0]["id"]
    forked = Thread.model_validate(json.loads(ok(grove("fork", str(first), "--role", "user", "--content", "Another start", "--json", db=mine))))
    assert forked.leaf_count == 3 and forked.current_leaf_id not in {m["id"] for m in path}
    assert "thread" in ok(grove("undo", str(t.id), db=mine))
    rewound = Thread.model_validate(json.loads(ok(grove("rewind", str(t.id), "--by", "2", "--json", db=mine))))
    assert rewound.current_leaf_id == path[-3]["id"]
    ok(grove("rewind", str(t.id), "--to", str(first), db=mine))
    ok(grove("checkpoint", str(t.id), "start", db=mine))
    ok(grove("checkpoint", str(t.id), "end", "--message", str(path[-1]["id"]), db=mine))
    restored = Thread.model_validate(json.loads(ok(grove("restore", str(t.id), "end", "--json", db=mine))))
    assert restored.current_leaf_id == path[-1]["id"]
    checkpoints = [Checkpoint.model_validate(c) for c in json.loads(ok(grove("checkpoints", str(t.id), "--json", db=mine)))]
    assert {c.name for c in checkpoints} == {"start", "end"}
    kinds = [e["kind"] for e in json.loads(ok(grove("events", str(t.id), "--json", db=mine)))]
    assert kinds[-1] == "checkpoint_restored" and "rewound" in kinds and "undone" in kinds


def test_export_round_trip_and_markdown(tmp_path: Path, db: Path) -> None:
    t = fork_thread(db)
    exported = tmp_path / "thread.json"
    exported.write_text(ok(grove("export", str(t.id), db=db)))
    other = tmp_path / "other.db"
    out = json.loads(ok(grove("import", "--json", str(exported), db=other)))
    assert out["messages"] == 11 and out["errors"] == []
    copy = json.loads(ok(grove("tree", str(out["threads"][0]), "--json", db=other)))
    original = json.loads(ok(grove("tree", str(t.id), "--json", db=db)))
    assert [m["content"] for m in copy["messages"]] == [m["content"] for m in original["messages"]]
    markdown = ok(grove("export", str(t.id), "--format", "markdown", db=db))
    assert markdown.startswith("# Start") and "End of s3" in markdown and "Last in s1" not in markdown


def test_unknown_ids_are_one_line_exit_1(db: Path) -> None:
    assert "no thread 999" in fails(grove("show", "999", db=db), 1)
    fails(grove("tree", "999", "--json", db=db), 1)
    fails(grove("events", "999", db=db), 1)
    fails(grove("checkpoints", "999", db=db), 1)
    fails(grove("export", "999", db=db), 1)
    fails(grove("fork", "999999", "--role", "user", "--content", "x", db=db), 1)
    fails(grove("undo", "999", db=db), 1)
    t = fork_thread(db)
    fails(grove("restore", str(t.id), "missing", db=db), 1)
    fails(grove("rewind", str(t.id), "--by", "500", db=db), 1)


def test_bad_arguments_are_one_line_exit_2(db: Path) -> None:
    fails(grove("show", "abc", db=db), 2)
    fails(grove("rewind", "1", db=db), 2)
    fails(grove("rewind", "1", "--to", "2", "--by", "1", db=db), 2)
    fails(grove("fork", "1", "--role", "robot", "--content", "x", db=db), 2)
    fails(grove("import", "--format", "nope", db=db), 2)
    fails(grove("frobnicate", db=db), 2)


def test_bad_database_is_one_line_exit_1(tmp_path: Path) -> None:
    fails(grove("threads", db=tmp_path), 1)  # a folder
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    fails(grove("threads", db=junk), 1)


def test_database_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "env.db"
    ok(grove("import", str(CLAUDE / "dag_simple.jsonl"), env={"GROVE_DB": str(path)}))
    assert path.exists()
    assert len(json.loads(ok(grove("threads", "--json", env={"GROVE_DB": str(path)})))) == 1
    # --db wins over $GROVE_DB.
    assert json.loads(ok(grove("threads", "--json", db=tmp_path / "other.db", env={"GROVE_DB": str(path)}))) == []


def test_import_without_paths_scans_the_standard_places(tmp_path: Path) -> None:
    home = tmp_path / "home"
    project = home / ".claude" / "projects" / "-p"
    project.mkdir(parents=True)
    shutil.copy(CLAUDE / "dag_simple.jsonl", project / "s1.jsonl")
    rollouts = home / ".codex" / "sessions"
    shutil.copytree(FIXTURES / "codex" / "sessions", rollouts)
    result = grove("import", "--json", db=tmp_path / "g.db", env={"HOME": str(home)})
    out = json.loads(ok(result))
    assert len(out["threads"]) == 4 and out["errors"] == []
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    again = json.loads(ok(grove("import", "--json", db=tmp_path / "g.db", env={"HOME": str(home)})))
    assert again == {"threads": [], "messages": 0, "errors": []}


def test_terminal_control_sequences_are_not_printed(tmp_path: Path) -> None:
    evil = "\x1b]0;pwned\x07Hello \x1b[31mred\x1b[0m\x9b2J"
    session = tmp_path / "evil.jsonl"
    session.write_text(json.dumps({"type": "user", "uuid": "u", "parentUuid": None, "timestamp": "2026-01-01T00:00:00Z",
                                   "message": {"role": "user", "content": evil}}) + "\n")
    db = tmp_path / "evil.db"
    ok(grove("import", str(session), db=db))
    for args in (("threads",), ("show", "1"), ("tree", "1"), ("search", "hello")):
        out = ok(grove(*args, db=db))
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
        assert "Hello" in out
    # --json keeps the raw text (it is data, not terminal output).
    raw = json.loads(ok(grove("show", "1", "--json", db=db)))
    assert raw["path"][0]["content"] == evil


def test_threads_hide_warmups_and_filter_by_project(tmp_path: Path) -> None:
    path = tmp_path / "grove.db"
    recorder = CLAUDE / "projects" / "-Users-dain-workspace-JSSoundRecorder"
    ok(grove("import", str(recorder), str(CLAUDE / "projects" / "-src-deep-manifest"), db=path))
    listed = [Thread.model_validate(t) for t in json.loads(ok(grove("threads", "--json", db=path)))]
    everything = [Thread.model_validate(t) for t in json.loads(ok(grove("threads", "--all", "--json", db=path)))]
    # the eight warm-up sidechains of the recorder project are kept but listed only with --all
    assert len(everything) - len(listed) == 8 and all(t.hidden for t in everything if t not in listed)
    mine = [
        Thread.model_validate(t)
        for t in json.loads(ok(grove("threads", "--project", "/src/deep-manifest", "--json", db=path)))
    ]
    assert mine and {t.project for t in mine} == {"/src/deep-manifest"}
    assert len(mine) < len(listed)
    line = fails(grove("threads", "--project", "/nowhere", db=path), 2)
    assert "/nowhere" in line
