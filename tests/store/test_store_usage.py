"""Usage counted once per API reply, and its cost from the genai-prices tables.

The real-fixture tests count independently from the files: every distinct Claude Code
`message.id` once, and for a Codex rollout the sum of its per-call `last_token_usage`
(which must equal the rollout's own final `total_token_usage`).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from test_store_compare import _codex_fork, _msg, _rec, _tokens

from store import InvalidOperation, Store
from store.importers import import_paths
from store.prices import Tokens, _cost, reply_cost
from store.usage import message_usage

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
CODEX_REAL = FIXTURES / "codex" / "codemie" / "rollout-2026-05-11T11-26-55-019e1625-789d-76c0-80ab-3724b5ddb799.jsonl"
_CLAUDE_KEYS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def _claude_files() -> list[Path]:
    return sorted([*(CLAUDE / "projects").rglob("*.jsonl"), *(CLAUDE / "codemie").rglob("*.jsonl")])


def independent_claude_count(files: list[Path]) -> tuple[int, list[int]]:
    """Distinct message.ids and their summed tokens, read straight from the files (a reply's
    last entry in its file holds its final usage; a copy in a later file adds nothing)."""
    replies: dict[str, dict[str, Any]] = {}
    for path in files:
        in_file: dict[str, dict[str, Any]] = {}
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            message = entry.get("message") if isinstance(entry, dict) and entry.get("type") == "assistant" else None
            if isinstance(message, dict) and isinstance(message.get("id"), str) and isinstance(message.get("usage"), dict):
                in_file[message["id"]] = message["usage"]
        for key, usage in in_file.items():
            replies.setdefault(key, usage)
    totals = [sum(int(u.get(k) or 0) for u in replies.values()) for k in _CLAUDE_KEYS]
    return len(replies), totals


def _row_tokens(row: Any) -> list[int]:
    return [row.input_tokens, row.output_tokens, row.cache_read_tokens, row.cache_write_tokens]


async def test_real_claude_code_sessions_count_each_reply_once(store: Store) -> None:
    files = _claude_files()
    await import_paths(store, files)
    replies, tokens = independent_claude_count(files)
    [total] = await store.usage()
    assert total.replies == replies
    assert _row_tokens(total) == tokens
    # Per thread, every reply is owned by exactly one thread: the rows add up to the total.
    rows = await store.usage(by="thread")
    assert sum(r.replies for r in rows) == replies
    assert [sum(col) for col in zip(*(_row_tokens(r) for r in rows))] == tokens
    for row in rows[:5]:
        assert (await store.thread_usage(int(row.key))).replies == row.replies  # type: ignore[arg-type]


async def test_real_codex_rollout_matches_its_own_running_total(store: Store) -> None:
    lines = [json.loads(line) for line in CODEX_REAL.read_text(encoding="utf-8").splitlines()]
    counts = [r["payload"]["info"] for r in lines if r.get("type") == "event_msg" and r["payload"].get("type") == "token_count" and r["payload"].get("info")]
    final = counts[-1]["total_token_usage"]
    calls = sum(1 for c in counts)
    assert sum(c["last_token_usage"]["input_tokens"] for c in counts) == final["input_tokens"]  # the file agrees with itself
    await import_paths(store, [CODEX_REAL])
    [row] = await store.usage(by="model")
    assert row.key == "gpt-5.5"
    assert row.replies == calls
    assert row.input_tokens + row.cache_read_tokens == final["input_tokens"]
    assert row.cache_read_tokens == final["cached_input_tokens"]
    assert row.output_tokens == final["output_tokens"]
    assert row.cost_usd is not None and row.cost_usd > 0


async def test_a_forked_codex_rollout_counts_the_replayed_prefix_once(store: Store, tmp_path: Path) -> None:
    parent, child = _codex_fork(tmp_path)
    await import_paths(store, [parent, child])
    threads = {t.metadata.get("session_id"): t for t in await store.list_threads()}
    origin = threads["aaaaaaaa-0000-4000-8000-000000000001"]
    fork = threads["aaaaaaaa-0000-4000-8000-000000000002"]
    mine = await store.thread_usage(fork.id)
    assert (mine.replies, mine.input_tokens, mine.cache_read_tokens, mine.output_tokens) == (1, 300, 1000, 70)
    theirs = await store.thread_usage(origin.id)
    assert (theirs.replies, theirs.input_tokens + theirs.cache_read_tokens, theirs.output_tokens) == (2, 2200, 150)
    [total] = await store.usage()
    assert (total.replies, total.output_tokens) == (3, 220)


async def test_codex_token_counts_repeated_or_sharing_a_message(store: Store, tmp_path: Path) -> None:
    sid = "bbbbbbbb-0000-4000-8000-000000000001"
    lines = [
        _rec("2026-05-02T10:00:00.000Z", "session_meta", {"id": sid, "timestamp": "2026-05-02T10:00:00.000Z", "cwd": "/w"}),
        _rec("2026-05-02T10:00:00.100Z", "turn_context", {"model": "gpt-5", "cwd": "/w"}),
        _msg("2026-05-02T10:00:01.000Z", "user", "go"),
        _msg("2026-05-02T10:00:02.000Z", "assistant", "working"),
        _tokens("2026-05-02T10:00:02.100Z", (100, 0, 10), (100, 0, 10)),
        _tokens("2026-05-02T10:00:02.200Z", (100, 0, 10), (100, 0, 10)),  # the same call reported again
        _tokens("2026-05-02T10:00:03.000Z", (250, 80, 15), (150, 80, 5)),  # a second call, no new message
    ]
    path = tmp_path / f"rollout-2026-05-02T10-00-00-{sid}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    await import_paths(store, [path])
    [total] = await store.usage()
    assert (total.input_tokens + total.cache_read_tokens, total.cache_read_tokens, total.output_tokens) == (250, 80, 15)
    [row] = await store.usage(by="model")
    assert row.key == "gpt-5"


def _resumed_session(folder: Path) -> tuple[Path, Path]:
    """dag_resume split the way Claude Code writes a resume: s1, then s2 = a copy of s1 + more."""
    lines = (CLAUDE / "dag_resume.jsonl").read_text(encoding="utf-8").splitlines()
    first = [json.loads(line) for line in lines if json.loads(line)["sessionId"] == "s1"]
    later = [json.loads(line) for line in lines if json.loads(line)["sessionId"] == "s2"]
    folder.mkdir(parents=True, exist_ok=True)
    s1 = folder / "11111111-1111-4111-8111-111111111111.jsonl"
    s2 = folder / "00000000-2222-4222-8222-222222222222.jsonl"  # sorts first: imported first
    s1.write_text("".join(json.dumps(e) + "\n" for e in first), encoding="utf-8")
    copied = [{**e, "sessionId": "s2"} for e in first]
    s2.write_text("".join(json.dumps(e) + "\n" for e in copied + later), encoding="utf-8")
    return s1, s2


@pytest.mark.parametrize("order", ["original first", "resumption first"])
async def test_a_resumed_claude_code_session_counts_its_copied_prefix_once(store: Store, tmp_path: Path, order: str) -> None:
    s1, s2 = _resumed_session(tmp_path / "project")
    await import_paths(store, [s1, s2] if order == "original first" else [s2, s1])
    [total] = await store.usage()
    assert (total.replies, total.input_tokens, total.output_tokens) == (3, 10 + 15 + 20, 5 + 8 + 10)
    threads = {t.metadata.get("file"): t for t in await store.list_threads()}
    original, resumed = threads[str(s1)], threads[str(s2)]
    assert (await store.thread_usage(original.id)).replies == 2  # b and d
    copy = await store.thread_usage(resumed.id)
    assert (copy.replies, copy.input_tokens, copy.output_tokens) == (1, 20, 10)  # only g
    assert (await store.branch_usage(resumed.id)).replies == 1


async def test_a_grove_fork_copies_count_zero(store: Store) -> None:
    t = await store.create_thread()
    await store.append(t.id, "user", "hi")
    reply = await store.append(
        t.id, "assistant", "hello", data={"usage": {"input_tokens": 100, "output_tokens": 10}, "model": "claude-sonnet-4-5", "message_id": "msg_1"}
    )
    before = await store.usage()
    fork = await store.fork_thread(reply.id)
    assert await store.usage() == before
    assert (await store.thread_usage(fork.id)).replies == 0
    assert (await store.branch_usage(fork.id)).replies == 0
    assert (await store.thread_usage(t.id)).replies == 1


async def test_one_reply_written_as_several_messages_counts_once(store: Store) -> None:
    t = await store.create_thread()
    usage = {"input_tokens": 3, "output_tokens": 7, "cache_read_input_tokens": 11, "cache_creation_input_tokens": 13}
    for text in ("part one", "part two"):
        await store.append(t.id, "assistant", text, data={"usage": usage, "model": "claude-sonnet-4-5", "message_id": "msg_same"})
    totals = await store.thread_usage(t.id)
    assert (totals.replies, totals.input_tokens, totals.output_tokens, totals.cache_read_tokens, totals.cache_write_tokens) == (1, 3, 7, 11, 13)


async def test_cost_of_a_known_model_is_the_price_table(store: Store) -> None:
    # Claude Sonnet 4.5 in genai-prices 0.2.3: $3 input, $15 output, $0.30 cache read,
    # $3.75 cache write per million tokens (below 200k input tokens).
    t = await store.create_thread()
    usage = {"input_tokens": 1000, "output_tokens": 200, "cache_read_input_tokens": 5000, "cache_creation_input_tokens": 2000}
    await store.append(
        t.id, "assistant", "priced", data={"usage": usage, "model": "claude-sonnet-4-5-20250929", "message_id": "m1"},
        created_at=datetime(2026, 2, 1, tzinfo=timezone.utc),
    )
    expected = (1000 * 3 + 200 * 15 + 5000 * 0.30 + 2000 * 3.75) / 1_000_000
    [message] = await store.path(t.id)
    assert message_usage(message).cost_usd == pytest.approx(expected)
    assert (await store.thread_usage(t.id)).cost_usd == pytest.approx(expected)
    assert (await store.branch_usage(t.id)).cost_usd == pytest.approx(expected)
    [row] = await store.usage(by="model")
    assert row.key == "claude-sonnet-4-5-20250929" and row.cost_usd == pytest.approx(expected)


async def test_unknown_model_counts_tokens_and_has_unknown_cost(store: Store) -> None:
    t = await store.create_thread()
    await store.append(t.id, "assistant", "x", data={"usage": {"input_tokens": 40, "output_tokens": 2}, "model": "no-such-model-9", "message_id": "u1"})
    totals = await store.thread_usage(t.id)
    assert (totals.input_tokens, totals.output_tokens, totals.cost_usd, totals.unpriced_replies) == (40, 2, None, 1)
    # A reply that used no tokens costs nothing, whatever its model (Claude Code's <synthetic>).
    assert reply_cost("<synthetic>", Tokens()) == 0.0
    assert reply_cost(None, Tokens(input=5)) is None


def test_pricing_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("genai-prices tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    _cost.cache_clear()
    assert reply_cost("gpt-5", Tokens(input=1_000_000), datetime(2026, 1, 1, tzinfo=timezone.utc)) == pytest.approx(1.25)


def test_pricing_imports_no_ui() -> None:
    code = (
        "import sys\n"
        "from store.prices import Tokens, reply_cost\n"
        "assert reply_cost('gpt-5', Tokens(input=10)) is not None\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


async def test_usage_by_day_and_since(store: Store) -> None:
    t = await store.create_thread()
    for day, n in ((1, 10), (2, 20), (3, 30)):
        await store.append(
            t.id, "assistant", f"day {day}", data={"usage": {"input_tokens": n, "output_tokens": 1}, "model": "gpt-5", "message_id": f"d{day}"},
            created_at=datetime(2026, 3, day, 12, tzinfo=timezone.utc),
        )
    rows = await store.usage(by="day")
    assert [(r.key, r.input_tokens) for r in rows] == [("2026-03-01", 10), ("2026-03-02", 20), ("2026-03-03", 30)]
    [since] = await store.usage(since=datetime(2026, 3, 2, tzinfo=timezone.utc))
    assert (since.replies, since.input_tokens) == (2, 50)
    with pytest.raises(InvalidOperation):
        await store.usage(by="week")


async def test_empty_database_has_a_zero_total(store: Store) -> None:
    [total] = await store.usage()
    assert (total.key, total.replies, total.tokens, total.cost_usd) == ("total", 0, 0, 0.0)
    assert await store.usage(by="thread") == []


__all__ = ["independent_claude_count"]
