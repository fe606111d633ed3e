"""`grove compare` and `grove usage`, run as real processes on real fixture databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import Message

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
CODEX_REAL = FIXTURES / "codex" / "codemie" / "rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl"
REPO = Path(__file__).parents[2]


def grove(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GROVE_DB"}
    argv = [sys.executable, "-m", "tui.cli", "--db", str(db), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, timeout=180)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("grove: ") and "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("usage") / "grove.db"
    ok(grove("import", str(CLAUDE / "projects"), str(CLAUDE / "codemie"), str(CODEX_REAL), db=path))
    return path


def test_usage_json_matches_an_independent_count(db: Path) -> None:
    sys.path.insert(0, str(REPO / "tests" / "store"))
    from test_store_usage import independent_claude_count

    files = sorted([*(CLAUDE / "projects").rglob("*.jsonl"), *(CLAUDE / "codemie").rglob("*.jsonl")])
    claude_replies, claude_tokens = independent_claude_count(files)
    codex = [json.loads(line) for line in CODEX_REAL.read_text(encoding="utf-8").splitlines()]
    infos = [r["payload"]["info"] for r in codex if r.get("type") == "event_msg" and r["payload"].get("type") == "token_count" and r["payload"].get("info")]
    final = infos[-1]["total_token_usage"]

    [total] = json.loads(ok(grove("usage", "--json", db=db)))
    assert set(total) >= {"key", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cost_usd"}
    assert total["replies"] == claude_replies + len(infos)
    assert total["input_tokens"] + total["cache_read_tokens"] == claude_tokens[0] + claude_tokens[2] + final["input_tokens"]
    assert total["output_tokens"] == claude_tokens[1] + final["output_tokens"]
    assert total["cache_write_tokens"] == claude_tokens[3]

    for by in ("thread", "project", "model", "day"):
        rows = json.loads(ok(grove("usage", "--by", by, "--json", db=db)))
        assert sum(r["replies"] for r in rows) == total["replies"], by
        assert sum(r["output_tokens"] for r in rows) == total["output_tokens"], by
    models = {r["key"]: r for r in json.loads(ok(grove("usage", "--by", "model", "--json", db=db)))}
    assert models["gpt-5.5"]["cost_usd"] > 0
    # A Bedrock model name the price tables do not know: tokens counted, cost unknown.
    unknown = [r for r in models.values() if r["cost_usd"] is None]
    assert unknown and all(r["output_tokens"] > 0 for r in unknown)


def test_usage_table_and_since(db: Path) -> None:
    text = ok(grove("usage", "--by", "model", db=db))
    assert text.splitlines()[0].split()[:3] == ["MODEL", "REPLIES", "INPUT"]
    assert "gpt-5.5" in text and "unknown" in text
    days = json.loads(ok(grove("usage", "--by", "day", "--since", "2026-05-11", "--json", db=db)))
    assert [r["key"] for r in days] == ["2026-05-11"]
    assert "2026-05-11" in fails(grove("usage", "--since", "last tuesday", db=db), 2)
    fails(grove("usage", "--by", "week", db=db), 2)


def test_compare_json_on_the_real_branch(db: Path) -> None:
    threads = json.loads(ok(grove("threads", "--json", db=db)))
    ideas = next(t for t in threads if (t["metadata"].get("file") or "").endswith("03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl"))
    tree = json.loads(ok(grove("tree", str(ideas["id"]), "--json", db=db)))
    leaves = [m for m in tree["messages"] if m["child_count"] == 0]
    assert len(leaves) == 2
    head = ideas["current_leaf_id"]
    other = next(m["id"] for m in leaves if m["id"] != head)
    out = json.loads(ok(grove("compare", str(head), str(other), "--json", db=db)))
    assert set(out) == {"ancestor", "a", "b"}
    a = [Message.model_validate(m) for m in out["a"]]
    b = [Message.model_validate(m) for m in out["b"]]
    assert a[0].parent_id == out["ancestor"] == b[0].parent_id
    assert a[-1].id == head and b[-1].id == other
    assert b[0].content.startswith("I very much like this idea")
    text = ok(grove("compare", str(head), str(other), db=db))
    assert f"they part after #{out['ancestor']}" in text
    assert "tool calls" in text and "wall time" in text


def test_compare_refusals(db: Path) -> None:
    assert "999999" in fails(grove("compare", "1", "999999", db=db), 1)
    fails(grove("compare", "1", "x", db=db), 2)
