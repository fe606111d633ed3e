"""A JSON `\\ud800` escape (a lone UTF-16 surrogate) anywhere in a record: the record is
imported with U+FFFD in its place, never failing the file or the import run."""

from __future__ import annotations

import json
from pathlib import Path

from store import Store
from store.importers import import_paths

from .helpers import assert_invariants, only_thread

LONE_HIGH = "\ud800"
LONE_LOW = "\udfff"
BAD = "\ufffd"


def _jsonl(path: Path, records: list[dict]) -> Path:
    # json.dumps escapes the lone surrogates as `\ud800` / `\udfff`: valid JSON, no valid UTF-8.
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")
    assert b"\\ud800" in path.read_bytes() and b"\\udfff" in path.read_bytes()
    return path


def _all_text(messages: list) -> str:  # type: ignore[type-arg]
    return json.dumps([(m.content, m.data) for m in messages], ensure_ascii=False)


def _claude(uuid: str, parent: str | None, kind: str, content: object, ts: int) -> dict:
    message: dict = {"role": kind, "content": content}
    if kind == "assistant":
        message["id"] = f"msg_{uuid}"
    return {"type": kind, "uuid": uuid, "parentUuid": parent, "timestamp": f"2026-01-01T10:00:{ts:02d}.000Z",
            "sessionId": "s", "cwd": f"/w/{LONE_LOW}", "message": message}


async def test_claude_code_line_with_lone_surrogates(store: Store, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "sess.jsonl", [
        _claude("u1", None, "user", f"zebraword broken {LONE_HIGH} emoji", 0),
        {**_claude("a1", "u1", "assistant", [
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": f"echo {LONE_LOW}"}}], 1)},
        _claude("r1", "a1", "user", [{"type": "tool_result", "tool_use_id": "t1", "content": f"out {LONE_LOW}{LONE_HIGH}x"}], 2),
        _claude("a2", "r1", "assistant", [{"type": "text", "text": "the rest is imported"}], 3),
        {"type": "summary", "summary": f"Sum {LONE_HIGH}mary", "leafUuid": "a2"},
    ])
    report = await import_paths(store, [path], format="claude-code")
    assert report.errors == []
    thread = await only_thread(store)
    assert thread.title == f"Sum {BAD}mary"
    messages = await store.path(thread.id)
    assert [m.content for m in messages][0] == f"zebraword broken {BAD} emoji"
    assert messages[-1].content == "the rest is imported"
    text = _all_text(messages)
    assert f"echo {BAD}" in text and f"out {BAD}{BAD}x" in text
    assert LONE_HIGH not in text and LONE_LOW not in text
    hits = await store.search("zebraword")
    assert [h.message_id for h in hits] == [messages[0].id]
    await assert_invariants(store)


def _codex(ts: int, kind: str, payload: dict) -> dict:
    return {"timestamp": f"2026-01-05T00:00:{ts:02d}.000Z", "type": kind, "payload": payload}


async def test_codex_line_with_lone_surrogates(store: Store, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "rollout-2026-01-05T00-00-00-55555555-5555-4555-8555-555555555555.jsonl", [
        _codex(0, "session_meta", {"id": "55555555-5555-4555-8555-555555555555", "cwd": f"/w/{LONE_HIGH}"}),
        _codex(1, "event_msg", {"type": "user_message", "message": f"quokkaword {LONE_HIGH} first"}),
        _codex(2, "response_item", {"type": "function_call", "name": "shell", "call_id": "c1",
                                    "arguments": json.dumps({"cmd": f"ls {LONE_LOW}"})}),
        _codex(3, "response_item", {"type": "function_call_output", "call_id": "c1", "output": f"file{LONE_LOW}.txt"}),
        _codex(4, "event_msg", {"type": "agent_message", "message": "the rest is imported"}),
    ])
    report = await import_paths(store, [path], format="codex")
    assert report.errors == []
    thread = await only_thread(store)
    assert thread.title == f"quokkaword {BAD} first"
    messages = await store.path(thread.id)
    assert messages[0].content == f"quokkaword {BAD} first"
    assert messages[-1].content == "the rest is imported"
    text = _all_text(messages)
    assert f"ls {BAD}" in text and f"file{BAD}.txt" in text
    assert LONE_HIGH not in text and LONE_LOW not in text
    assert [h.message_id for h in await store.search("quokkaword")] == [messages[0].id]
    await assert_invariants(store)


async def test_chatgpt_conversation_with_lone_surrogates(store: Store, tmp_path: Path) -> None:
    def node(i: str, parent: str | None, children: list[str], role: str, text: str) -> dict:
        return {"id": i, "parent": parent, "children": children, "message": {
            "id": i, "author": {"role": role}, "create_time": 1700000000 + len(i),
            "content": {"content_type": "text", "parts": [text]}}}

    conv = {"id": "c1", "title": f"Title {LONE_LOW}", "create_time": 1700000000, "update_time": 1700000100,
            "current_node": "b",
            "mapping": {"r": {"id": "r", "parent": None, "children": ["a"]},
                        "a": node("a", "r", ["b"], "user", f"wombatword {LONE_HIGH}?"),
                        "b": node("b", "a", [], "assistant", "the rest is imported")}}
    other = {"id": "c2", "title": "Plain", "create_time": 1700000000, "update_time": 1700000200, "current_node": "x",
             "mapping": {"x": node("x", None, [], "user", "a plain conversation")}}
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([conv, other]), encoding="ascii")
    report = await import_paths(store, [path], format="chatgpt")
    assert report.errors == []
    threads = {t.title: t for t in await store.list_threads(limit=10)}
    assert set(threads) == {f"Title {BAD}", "Plain"}
    messages = await store.path(threads[f"Title {BAD}"].id)
    assert [m.content for m in messages] == [f"wombatword {BAD}?", "the rest is imported"]
    assert [h.message_id for h in await store.search("wombatword")] == [messages[0].id]
    await assert_invariants(store)


async def test_a_file_that_cannot_be_written_does_not_stop_the_others(store: Store, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from store import bulk

    good = _jsonl(tmp_path / "good.jsonl", [_claude("u1", None, "user", f"fine {LONE_LOW}{LONE_HIGH}", 0)])
    bad = _jsonl(tmp_path / "bad.jsonl", [_claude("u1", None, "user", f"boom {LONE_LOW}{LONE_HIGH}", 0)])
    real = bulk.write_file

    def failing(conn, threads, record, *args):  # type: ignore[no-untyped-def]
        if record is not None and record.path.endswith("bad.jsonl"):
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")
        return real(conn, threads, record, *args)

    monkeypatch.setattr(bulk, "write_file", failing)
    report = await import_paths(store, [bad, good], format="claude-code")
    assert [(Path(e.file).name, e.reason.split(":")[0]) for e in report.errors] == [("bad.jsonl", "could not be written")]
    thread = await only_thread(store)
    assert (await store.path(thread.id))[0].content == f"fine {BAD}{BAD}"
    await assert_invariants(store)


async def test_a_file_failing_after_its_rows_are_written_rolls_back_alone(store: Store, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The files of a chunk share one write transaction, each in its own savepoint: a file
    whose write fails half way leaves nothing behind, and the files around it are committed."""
    from store import bulk

    files = [
        _jsonl(tmp_path / f"{name}.jsonl", [_claude("u1", None, "user", f"{name} words {LONE_HIGH}", 0)])
        for name in ("first", "bad", "last")
    ]
    real = bulk.write_file

    def failing_late(conn, threads, record, *args):  # type: ignore[no-untyped-def]
        results = real(conn, threads, record, *args)  # its thread, messages and import_files row are in
        if record is not None and record.path.endswith("bad.jsonl"):
            raise ValueError("refused after writing")
        return results

    monkeypatch.setattr(bulk, "write_file", failing_late)
    report = await import_paths(store, files, format="claude-code")
    assert [(Path(e.file).name, e.reason) for e in report.errors] == [
        ("bad.jsonl", "could not be written: ValueError: refused after writing")
    ]
    assert sorted(t.title.split()[0] for t in await store.list_threads(limit=10)) == ["first", "last"]
    assert [h.snippet for h in await store.search("bad")] == []
    await assert_invariants(store)
    # Its import_files row was rolled back with it: the next import reads it again.
    monkeypatch.setattr(bulk, "write_file", real)
    again = await import_paths(store, files, format="claude-code")
    assert (again.messages, again.errors) == (1, [])
