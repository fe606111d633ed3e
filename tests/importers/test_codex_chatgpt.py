"""The Codex and ChatGPT importers against shared/fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from store import Role, Store
from store.importers import import_paths
from store.payloads import MessageKind, message_kind

from .helpers import CHATGPT, CODEX, assert_invariants, only_thread, thread_by_key

DAY2 = CODEX / "sessions" / "2026" / "01" / "02"
DAY3 = CODEX / "sessions" / "2026" / "01" / "03"
ONE = "11111111-1111-4111-8111-111111111111"
PARENT = "22222222-2222-4222-8222-222222222222"
CHILD = "33333333-3333-4333-8333-333333333333"


async def test_rollout_messages_reasoning_and_tool_calls(store: Store) -> None:
    report = await import_paths(store, [DAY2])
    assert report.errors == []  # the unknown record type is skipped, not an error
    thread = await thread_by_key(store, "codex", ONE)
    path = await store.path(thread.id)
    assert path[0].role == Role.USER and path[0].content == "List the synthetic files."
    assert path[-1].content == "The synthetic files are alpha.txt and beta.txt."
    # The event_msg and response_item copies of a message are imported once.
    assert sum(m.content == "List the synthetic files." for m in path) == 1
    # A reasoning summary is a thinking message (dimmed and folded), not an ordinary reply.
    thinking = [m for m in path if message_kind(m.role, m.data) is MessageKind.THINKING]
    assert [m.content for m in thinking] == ["I will inspect the synthetic directory."]
    assert thinking[0].data["kind"] == "thinking"
    assert not any(message_kind(m.role, m.data) is MessageKind.REPLY and m.content == thinking[0].content for m in path)
    calls = [c for m in path for c in m.data.get("tool_calls", [])]
    assert [c["name"] for c in calls] == ["exec_command", "apply_patch", "mcp__synthetic__lookup"]
    assert calls[0]["input"] == {"cmd": "find . -maxdepth 1 -type f"}
    outputs = [m.data["tool_results"][0]["output"] for m in path if m.role == Role.TOOL]
    assert outputs == ["./alpha.txt\n./beta.txt", "Done!", '{"status":"ok"}']
    # The message content is the output's first line; the whole output stays in data.
    assert [m.content for m in path if m.role == Role.TOOL] == ["./alpha.txt …", "Done!", '{"status":"ok"}']
    everything = json.dumps([(m.content, m.data) for m in await store.messages(thread.id)])
    assert "SYNTHETIC_ENCRYPTED_CONTENT_MUST_NOT_RENDER" not in everything
    assert thread.project == "/workspace/synthetic-project"
    assert thread.created_at.isoformat().startswith("2026-01-02T03:04:05")
    await assert_invariants(store)


async def test_subagent_rollout_links_to_its_parent(store: Store) -> None:
    await import_paths(store, [CODEX / "sessions"])
    parent = await thread_by_key(store, "codex", PARENT)
    child = await thread_by_key(store, "codex", CHILD)
    assert child.parent_thread_id == parent.id
    spawner = await store.get_message(child.parent_message_id)
    assert spawner.thread_id == parent.id and spawner.data["tool_calls"][0]["name"] == "spawn_agent"
    # The prefix the child copied from its parent is not imported twice.
    assert [m.content for m in await store.path(child.id)] == ["Inspect fixtures.", "The fixtures are fully synthetic."]


async def test_malformed_rollout_reports_the_line_and_keeps_the_rest(store: Store) -> None:
    report = await import_paths(store, [CODEX / "malformed"])
    assert [(Path(e.file).name, e.line) for e in report.errors] == [("rollout-66666666-6666-4666-8666-666666666666.jsonl", 3)]
    assert report.errors[0].reason.startswith("invalid JSON")
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["Safe line before malformed input."]


async def test_sample_session_token_counts(store: Store) -> None:
    await import_paths(store, [CODEX / "sample-session.jsonl"], format="codex")
    thread = await only_thread(store)
    assert (thread.input_tokens, thread.output_tokens) == (100, 50)
    roles = [m.role for m in await store.path(thread.id)]
    assert roles[0] == Role.SYSTEM  # the developer message


async def test_sample_session_without_a_prompt_is_named_by_its_first_reply(store: Store) -> None:
    await import_paths(store, [CODEX / "sample-session.jsonl"], format="codex")
    thread = await only_thread(store)
    assert thread.title == "Hello! How can I help you today?"


async def test_codex_title_skips_the_context_blocks_before_the_typed_prompt(store: Store, tmp_path: Path) -> None:
    rollout = tmp_path / "rollout-2026-01-05T00-00-00-55555555-5555-4555-8555-555555555555.jsonl"
    first = (
        "# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nBe terse.\n</INSTRUCTIONS>\n"
        "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>\n"
        "Fix the flaky test\nin tests/x.py"
    )
    rollout.write_text(
        _rec(0, "session_meta", {"id": "55555555-5555-4555-8555-555555555555", "cwd": "/w"})
        + _rec(1, "event_msg", {"type": "user_message", "message": first})
        + _rec(2, "event_msg", {"type": "agent_message", "message": "Done."})
    )
    await import_paths(store, [rollout], format="codex")
    thread = await only_thread(store)
    assert thread.title == "Fix the flaky test"


async def test_an_ide_prompt_is_titled_by_its_request_not_its_file_list(store: Store) -> None:
    """The real VS Code extension rollout: "# Files mentioned by the user:" … "## My request for Codex:"."""
    rollout = CODEX / "codemie" / "rollout-2026-05-11T13-28-45-019e1695-0522-7c83-8b39-0dd379793f80.jsonl"
    await import_paths(store, [rollout])
    thread = await only_thread(store)
    assert thread.title.startswith("analyze trascript and summarzie action items")


def _rec(ts: int, kind: str, payload: dict) -> str:
    return json.dumps({"timestamp": f"2026-01-05T00:00:{ts:02d}.000Z", "type": kind, "payload": payload}) + "\n"


async def test_rollback_leaves_an_abandoned_branch(store: Store, tmp_path: Path) -> None:
    rollout = tmp_path / "rollout-2026-01-05T00-00-00-44444444-4444-4444-8444-444444444444.jsonl"
    rollout.write_text(
        _rec(0, "session_meta", {"id": "44444444-4444-4444-8444-444444444444", "cwd": "/w"})
        + _rec(1, "event_msg", {"type": "user_message", "message": "one"})
        + _rec(2, "event_msg", {"type": "agent_message", "message": "reply one"})
        + _rec(3, "event_msg", {"type": "user_message", "message": "two"})
        + _rec(4, "event_msg", {"type": "agent_message", "message": "reply two"})
        + _rec(5, "event_msg", {"type": "thread_rolled_back", "num_turns": 1})
        + _rec(6, "event_msg", {"type": "user_message", "message": "two, again"})
        + _rec(7, "event_msg", {"type": "agent_message", "message": "better reply"})
    )
    await import_paths(store, [rollout])
    thread = await only_thread(store)
    assert thread.leaf_count == 2
    assert [m.content for m in await store.path(thread.id)] == ["one", "reply one", "two, again", "better reply"]
    abandoned = (await store.leaves(thread.id))[1]
    assert [m.content for m in await store.path(thread.id, abandoned.id)] == ["one", "reply one", "two", "reply two"]
    await assert_invariants(store)


async def test_chatgpt_export_tree_and_current_node(store: Store) -> None:
    report = await import_paths(store, [CHATGPT / "conversations.json"])
    assert report.errors == []
    thread = await only_thread(store)
    assert thread.source == "chatgpt" and thread.title == "Sample conversation with branch"
    messages = await store.messages(thread.id)
    assert len(messages) == 5  # the empty system node is skipped
    roots = [m for m in messages if m.parent_id is None]
    assert [r.content for r in roots] == ["Hello! Can you help me with a programming question?"]
    assert thread.leaf_count == 2
    head = await store.get_message(thread.current_leaf_id)
    assert head.data["node_id"] == "msg-6" and head.content.startswith("Here's how to write a function in JavaScript")
    assert thread.created_at.timestamp() == 1704067200 and thread.updated_at.timestamp() == 1704067500
    await assert_invariants(store)


async def test_chatgpt_hidden_nodes_are_skipped_and_children_reparented(store: Store, tmp_path: Path) -> None:
    def node(i: str, parent: str | None, children: list[str], role: str, text: str, hidden: bool = False) -> dict:
        meta = {"is_visually_hidden_from_conversation": True} if hidden else {}
        return {"id": i, "parent": parent, "children": children, "message": {
            "id": i, "author": {"role": role}, "create_time": 1700000000 + len(i), "metadata": meta,
            "content": {"content_type": "text", "parts": [text]}}}
    conv = {"id": "c1", "title": "t", "create_time": 1700000000, "update_time": 1700000100, "current_node": "d",
            "mapping": {"r": {"id": "r", "parent": None, "children": ["a"]},
                        "a": node("a", "r", ["h"], "user", "question"),
                        "h": node("h", "a", ["d"], "assistant", "secret", hidden=True),
                        "d": node("d", "h", [], "assistant", "answer")}}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(conv))  # one conversation, not a list
    await import_paths(store, [path], format="chatgpt")
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["question", "answer"]


async def test_forked_rollout_links_to_the_rollout_it_came_from(store: Store, tmp_path: Path) -> None:
    origin = tmp_path / "rollout-2026-01-05T00-00-00-55555555-5555-4555-8555-555555555555.jsonl"
    origin.write_text(
        _rec(0, "session_meta", {"id": "55555555-5555-4555-8555-555555555555", "timestamp": "2026-01-05T00:00:00.000Z"})
        + _rec(1, "event_msg", {"type": "user_message", "message": "original question"})
    )
    fork = tmp_path / "rollout-2026-01-05T00-00-09-77777777-7777-4777-8777-777777777777.jsonl"
    fork.write_text(
        _rec(9, "session_meta", {"id": "77777777-7777-4777-8777-777777777777", "timestamp": "2026-01-05T00:00:09.000Z",
                                 "forked_from_id": "55555555-5555-4555-8555-555555555555"})
        + _rec(1, "event_msg", {"type": "user_message", "message": "original question"})  # the copied prefix
        + _rec(10, "event_msg", {"type": "user_message", "message": "a new direction"})
    )
    await import_paths(store, [fork, origin])  # the fork first: linked once its origin arrives
    parent = await thread_by_key(store, "codex", "55555555-5555-4555-8555-555555555555")
    child = await thread_by_key(store, "codex", "77777777-7777-4777-8777-777777777777")
    assert child.forked_from_thread_id == parent.id
    assert [m.content for m in await store.path(child.id)] == ["a new direction"]


async def test_newer_chatgpt_export_adds_only_the_new_nodes(store: Store, tmp_path: Path) -> None:
    conv = json.loads((CHATGPT / "conversations.json").read_text())
    await import_paths(store, [CHATGPT / "conversations.json"])
    mapping = conv[0]["mapping"]
    mapping["msg-6"]["children"] = ["msg-7"]
    mapping["msg-7"] = {"id": "msg-7", "parent": "msg-6", "children": [], "message": {
        "id": "msg-7", "author": {"role": "user"}, "create_time": 1704067600, "metadata": {},
        "content": {"content_type": "text", "parts": ["Thanks!"]}}}
    conv[0]["current_node"] = "msg-7"
    newer = tmp_path / "conversations.json"
    newer.write_text(json.dumps(conv))
    report = await import_paths(store, [newer])
    assert report.messages == 1
    thread = await only_thread(store)
    assert (await store.get_message(thread.current_leaf_id)).content == "Thanks!"
    await assert_invariants(store)
