"""`grove resume` on the store: every real fixture thread written as a new agent session.

For each thread: the written file's lines parse and have the fields the agent reads, form
one chain, pair every tool call with its result; importing the file into a fresh database
gives one path saying the same as the original path; the origin thread gets its
`handed_off` event; importing the file into the origin's database links it as a fork whose
copied prefix is marked and adds no tokens, and what the agent appends shows as new work.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from store import EventKind, InvalidOperation, NotFound, Role, Store, Thread
from store.exporters.claude_code import encode_cwd
from store.importers import import_paths
from store.payloads import copied_from
from store.resume import prepare, resume, write

from .helpers import CLAUDE_SESSIONS, CODEX_SESSIONS, FIXTURES, Clock, agent_env, conversation, read_lines

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    assert FIXTURES.is_dir(), f"the shared fixtures are missing at {FIXTURES}"
    async with Store.open(tmp_path / "origin.db", clock=Clock()) as s:
        yield s


async def _threads(store: Store, source: Path) -> list[Thread]:
    report = await import_paths(store, [source])
    assert report.threads, f"nothing imported from {source}"
    threads = [await store.get_thread(t) for t in report.threads]
    return [t for t in threads if t.current_leaf_id is not None]


def _iso(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_claude_file(path: Path, thread: Thread, session_id: str, base: Path) -> list[dict[str, Any]]:
    """The lines of a written Claude Code session, checked field by field."""
    assert path == base / "projects" / encode_cwd(thread.project or "") / f"{session_id}.jsonl"
    assert re.fullmatch(r"[A-Za-z0-9-]+", path.parent.name)
    lines = read_lines(path)
    entries, tail = lines[:-1], lines[-1]
    assert tail == {"type": "custom-title", "customTitle": f"{thread.title or 'Untitled'} (from Grove)", "sessionId": session_id}
    previous: str | None = None
    uuids: set[str] = set()
    open_calls: set[str] = set()
    calls: set[str] = set()
    results: set[str] = set()
    for e in entries:
        assert e["type"] in ("user", "assistant", "system")
        assert UUID.match(e["uuid"]) and e["uuid"] not in uuids
        uuids.add(e["uuid"])
        assert e["parentUuid"] == previous  # one linear chain
        previous = e["uuid"]
        assert e["sessionId"] == session_id and e["cwd"] == thread.project
        assert e["userType"] == "external" and e["entrypoint"] == "cli" and e["isSidechain"] is False
        assert e["version"] and isinstance(e["version"], str)
        _iso(e["timestamp"])
        if thread.metadata.get("git_branch"):
            assert e["gitBranch"] == thread.metadata["git_branch"]
        if e["type"] == "system":
            assert e["subtype"] == "compact_boundary" and not open_calls
            continue
        message = e["message"]
        assert message["role"] == e["type"]
        content = message["content"]
        if e["type"] == "assistant":
            # The previous reply's calls were all answered before this reply.
            assert not open_calls, open_calls
            assert isinstance(content, list) and content
            assert message["usage"]["input_tokens"] == 0 and message["usage"]["output_tokens"] == 0
            for block in content:
                assert block["type"] in ("text", "tool_use"), block  # never thinking
                if block["type"] == "text":
                    assert block["text"].strip()
                else:
                    assert isinstance(block["input"], dict) and block["name"] and block["id"] not in calls
                    calls.add(block["id"])
                    open_calls.add(block["id"])
        elif isinstance(content, list):
            for block in content:
                assert block["type"] == "tool_result"
                # A result answers a call of the reply just before it.
                assert block["tool_use_id"] in open_calls, block["tool_use_id"]
                open_calls.discard(block["tool_use_id"])
                results.add(block["tool_use_id"])
                assert isinstance(block["content"], str) and isinstance(block["is_error"], bool)
        else:
            assert isinstance(content, str) and content.strip()
            assert not open_calls, "a prompt between a call and its result"
    assert not open_calls and calls == results
    return entries


def check_codex_file(path: Path, thread: Thread, session_id: str, home: Path) -> list[dict[str, Any]]:
    """The records of a written Codex rollout, checked field by field."""
    assert path.parent.parent.parent.parent == home / "sessions"
    match = re.fullmatch(r"rollout-(\d{4})-(\d\d)-(\d\d)T\d\d-\d\d-\d\d-(.+)\.jsonl", path.name)
    assert match and match.group(4) == session_id and UUID.match(session_id)
    assert path.parent.relative_to(home / "sessions").parts == match.groups()[:3]
    records = read_lines(path)
    meta = records[0]
    assert meta["type"] == "session_meta"
    payload = meta["payload"]
    assert payload["id"] == session_id and payload["cwd"] == thread.project
    assert payload["originator"] == "codex_cli_rs" and payload["source"] == "cli" and payload["cli_version"]
    assert payload["model_provider"] == (thread.metadata.get("model_provider") or "openai")
    _iso(payload["timestamp"])
    if thread.source == "codex":
        assert payload["forked_from_id"] == thread.metadata["session_id"]
    calls: dict[str, int] = {}
    outputs: dict[str, int] = {}
    prompts = 0
    previews = 0
    for number, r in enumerate(records[1:], start=1):
        _iso(r["timestamp"])
        p = r["payload"]
        assert r["type"] in ("response_item", "event_msg", "compacted")
        if r["type"] == "response_item":
            assert p["type"] in ("message", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output")
            if p["type"] == "message":
                part = "input_text" if p["role"] == "user" else "output_text"
                assert p["role"] in ("user", "assistant") and [b["type"] for b in p["content"]] == [part]
                prompts += p["role"] == "user"
            elif p["type"].endswith("_output"):
                assert p["call_id"] in calls and p["call_id"] not in outputs and isinstance(p["output"], str)
                outputs[p["call_id"]] = number
            else:
                assert p["call_id"] not in calls and p["name"]
                if p["type"] == "function_call":
                    json.loads(p["arguments"])
                calls[p["call_id"]] = number
        elif r["type"] == "event_msg":
            assert p["type"] in ("user_message", "agent_message")
            previews += p["type"] == "user_message"
    assert calls.keys() == outputs.keys()
    assert all(outputs[c] > calls[c] for c in calls)
    assert prompts == previews  # each prompt has its preview for the resume picker
    index = read_lines(home / "session_index.jsonl")
    assert index[-1]["id"] == session_id and index[-1]["thread_name"] == f"{thread.title or 'Untitled'} (from Grove)"
    _iso(index[-1]["updated_at"])
    return records


async def _round_trip(store: Store, tmp_path: Path, thread: Thread, agent: str | None = None) -> None:
    env = agent_env(tmp_path)
    origin_path = await store.path(thread.id)
    handoff = await resume(store, thread.id, agent=agent, env=env)
    agent = handoff.agent
    assert handoff.path.is_file()
    if agent == "claude-code":
        check_claude_file(handoff.path, thread, handoff.session_id, Path(env["CLAUDE_CONFIG_DIR"]))
        assert handoff.command == f"claude --resume {handoff.session_id}"
    else:
        check_codex_file(handoff.path, thread, handoff.session_id, Path(env["CODEX_HOME"]))
        assert handoff.command == f"codex resume {handoff.session_id}"
    assert handoff.cwd == thread.project

    # The origin records the hand-off.
    events = await store.events(thread.id, kinds=[EventKind.HANDED_OFF])
    assert events and events[-1].data["session_id"] == handoff.session_id
    assert events[-1].data["agent"] == agent and events[-1].data["path"] == str(handoff.path)
    assert events[-1].message_id == handoff.message_id == origin_path[-1].id

    # A fresh database reads one path saying the same as the original one.
    async with Store.open(tmp_path / f"fresh-{handoff.session_id}.db", clock=Clock()) as fresh:
        report = await import_paths(fresh, [handoff.path])
        assert not report.errors, report.errors
        assert len(report.threads) == 1
        copy = await fresh.get_thread(report.threads[0])
        assert copy.leaf_count == 1 and copy.forked_from_thread_id is None
        assert conversation(await fresh.path(copy.id)) == conversation(origin_path)
        assert (copy.input_tokens, copy.output_tokens) == (0, 0)

    # Imported into the origin's database, it is a fork of the origin message; its messages
    # are marked as copies, and count no tokens.
    report = await import_paths(store, [handoff.path])
    assert not report.errors and len(report.created) == 1
    linked = await store.get_thread(report.created[0])
    assert linked.forked_from_thread_id == thread.id
    assert linked.forked_from_message_id == handoff.message_id
    copied = await store.path(linked.id)
    origin_ids = {m.id for m in origin_path}
    assert copied and all(copied_from(m.data) in origin_ids for m in copied)
    assert (linked.input_tokens, linked.output_tokens) == (0, 0)
    imported = await store.events(linked.id, kinds=[EventKind.IMPORTED])
    assert imported[-1].data["copied"] == len(copied)


@pytest.mark.parametrize("source", CLAUDE_SESSIONS, ids=lambda p: p.name)
async def test_every_claude_code_fixture_thread(store: Store, tmp_path: Path, source: Path) -> None:
    threads = await _threads(store, source)
    for thread in threads:
        if thread.metadata.get("sidechain"):
            continue  # inline sidechains are resumed through their session
        await _round_trip(store, tmp_path, thread)


@pytest.mark.parametrize("source", CODEX_SESSIONS, ids=lambda p: p.name)
async def test_every_codex_fixture_thread(store: Store, tmp_path: Path, source: Path) -> None:
    for thread in await _threads(store, source):
        await _round_trip(store, tmp_path, thread)


async def test_a_codex_thread_into_claude_code_and_back(store: Store, tmp_path: Path) -> None:
    """The agent is a choice: a Codex thread continues in Claude Code (and the reverse)."""
    codex_thread = (await _threads(store, CODEX_SESSIONS[0]))[0]
    handoff = await resume(store, codex_thread.id, agent="claude-code", env=agent_env(tmp_path))
    check_claude_file(handoff.path, codex_thread, handoff.session_id, tmp_path / "claude")
    claude_thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    handoff = await resume(store, claude_thread.id, agent="codex", env=agent_env(tmp_path))
    check_codex_file(handoff.path, claude_thread, handoff.session_id, tmp_path / "codex")


async def test_a_thread_forked_in_grove(store: Store, tmp_path: Path) -> None:
    """Messages written in Grove become plain prompts and replies; branches stay behind."""
    thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    path = await store.path(thread.id)
    at = next(m for m in path[4:] if m.role is Role.ASSISTANT and not m.data.get("tool_calls"))
    prompt = await store.fork(at.id, Role.USER, "Try it with a plain list instead.")
    reply = await store.append(thread.id, Role.ASSISTANT, "Here is the plain list:\n- one\n- two")
    forked = await store.get_thread(thread.id)
    assert forked.current_leaf_id == reply.id
    await _round_trip(store, tmp_path, forked)
    lines = read_lines(next((tmp_path / "claude" / "projects").rglob("*.jsonl")))
    assert lines[-3]["message"]["content"] == prompt.content
    assert lines[-2]["message"]["content"] == [{"type": "text", "text": reply.content}]
    # A branch into a new thread (source grove) continues in Claude Code by default.
    branched = await store.fork_thread(reply.id)
    assert branched.source == "grove" and branched.project == thread.project
    handoff = await resume(store, branched.id, env=agent_env(tmp_path))
    assert handoff.agent == "claude-code"


async def test_message_ends_the_path_and_takes_the_results_in(store: Store, tmp_path: Path) -> None:
    """--message M writes root..M; a path ending between a call and its result takes the result."""
    thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    path = await store.path(thread.id)
    index, call = next((i, m) for i, m in enumerate(path) if m.data.get("tool_calls"))
    prepared = await prepare(store, thread.id, message_id=call.id, env=agent_env(tmp_path))
    assert prepared.message_id == path[index + 1].id  # the result came along
    handoff = await write(store, prepared)
    entries = check_claude_file(handoff.path, thread, handoff.session_id, tmp_path / "claude")
    assert entries[-1]["message"]["content"][0]["type"] == "tool_result"
    # An earlier message: root..M only.
    first_reply = next(m for m in path if m.role is Role.ASSISTANT)
    short = await resume(store, thread.id, message_id=path[0].id, env=agent_env(tmp_path))
    assert short.messages == 1 and short.message_id == path[0].id
    assert first_reply.id != path[0].id


async def test_the_agent_continues_and_grove_shows_only_the_new_work(store: Store, tmp_path: Path) -> None:
    """What the agent appends to the session is the fork's new work, with its own tokens."""
    thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    handoff = await resume(store, thread.id, env=agent_env(tmp_path))
    await import_paths(store, [handoff.path])
    entries = read_lines(handoff.path)[:-1]
    last = entries[-1]
    prompt = {**last, "type": "user", "parentUuid": last["uuid"], "uuid": "0e9b1c7e-7a4c-4c52-9d61-3b8e7f0f4a11",
              "timestamp": "2030-02-01T10:00:00.000Z", "message": {"role": "user", "content": "And now shorter, please."}}
    reply = {**last, "type": "assistant", "parentUuid": prompt["uuid"], "uuid": "6a3f8d2e-1b5c-4e7a-8f90-2c4d6e8a0b13",
             "timestamp": "2030-02-01T10:00:05.000Z",
             "message": {"model": "claude-opus-4-6", "id": "msg_01NEW", "type": "message", "role": "assistant",
                         "content": [{"type": "text", "text": "Shorter: use one folder."}], "stop_reason": "end_turn",
                         "stop_sequence": None, "usage": {"input_tokens": 1200, "output_tokens": 30}}}
    for record in (prompt, reply):
        record.pop("isCompactSummary", None)
        record.pop("sourceToolAssistantUUID", None)
    with handoff.path.open("a", encoding="utf-8") as f:
        for record in (prompt, reply):
            f.write(json.dumps(record) + "\n")
    report = await import_paths(store, [handoff.path])
    assert report.messages == 2 and not report.created
    linked = await store.get_thread(report.threads[0])
    path = await store.path(linked.id)
    new = [m for m in path if copied_from(m.data) is None]
    assert [m.content for m in new] == ["And now shorter, please.", "Shorter: use one folder."]
    assert (linked.input_tokens, linked.output_tokens) == (1200, 30)
    assert linked.forked_from_thread_id == thread.id


async def test_refusals_write_nothing(store: Store, tmp_path: Path) -> None:
    env = agent_env(tmp_path)
    with pytest.raises(NotFound):
        await resume(store, 424242, env=env)
    # A thread made in Grove has no folder for the agent to run in.
    bare = await store.create_thread("Made in Grove")
    await store.append(bare.id, Role.USER, "Hello")
    with pytest.raises(InvalidOperation, match="no working folder"):
        await resume(store, bare.id, env=env)
    thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    other = (await _threads(store, CODEX_SESSIONS[0]))[0]
    with pytest.raises(InvalidOperation, match="belongs to thread"):
        await resume(store, thread.id, message_id=other.current_leaf_id, env=env)
    with pytest.raises(InvalidOperation, match="Unknown agent"):
        await resume(store, thread.id, agent="gemini", env=env)
    # An agent folder that cannot be written: a file stands where a folder must go.
    (tmp_path / "claude").mkdir()
    (tmp_path / "claude" / "projects").write_text("not a folder")
    (tmp_path / "codex").mkdir()
    (tmp_path / "codex" / "sessions").write_text("not a folder")
    before = await store.events(thread.id)
    for agent in ("claude-code", "codex"):
        with pytest.raises(InvalidOperation, match="Cannot write the"):
            await resume(store, thread.id, agent=agent, env=env)
    assert await store.events(thread.id) == before  # no hand-off recorded
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and ".db" not in p.name}
    assert written == {"claude/projects", "codex/sessions"}


async def test_the_default_import_finds_what_resume_wrote(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`grove import` (no paths), `--follow` and `watch` look where `grove resume` writes:
    $CLAUDE_CONFIG_DIR and $CODEX_HOME when they are set."""
    from store.follow import standard_roots

    for name, value in agent_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    claude_thread = (await _threads(store, CLAUDE_SESSIONS[0]))[0]
    codex_thread = (await _threads(store, CODEX_SESSIONS[2]))[0]
    first = await resume(store, claude_thread.id)
    second = await resume(store, codex_thread.id)
    assert standard_roots() == [tmp_path / "claude" / "projects", tmp_path / "codex" / "sessions"]
    report = await import_paths(store, None)
    assert len(report.created) == 2
    linked = {(await store.get_thread(t)).forked_from_message_id for t in report.created}
    assert linked == {first.message_id, second.message_id}
