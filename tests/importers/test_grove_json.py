"""Grove JSON export → import gives an identical tree; Markdown export of the active path."""

from __future__ import annotations

import json
from pathlib import Path

from store import Store
from store.exporters import export_json, export_markdown
from store.importers import import_paths

from .helpers import CLAUDE, PROJECTS, Clock, assert_invariants, thread_by_key


async def shape(store: Store, thread_id: int) -> dict:
    """Everything about a thread except its database ids."""
    thread = await store.get_thread(thread_id)
    messages = await store.messages(thread_id)
    index = {m.id: i for i, m in enumerate(messages)}
    checkpoints = await store.list_checkpoints(thread_id)
    events = await store.events(thread_id, limit=10_000)
    return {
        "thread": thread.model_dump(exclude={"id", "current_leaf_id", "parent_thread_id", "parent_message_id",
                                             "forked_from_thread_id", "forked_from_message_id"}),
        "head": index.get(thread.current_leaf_id),
        "messages": [(m.role, m.content, m.data, m.created_at, index.get(m.parent_id), m.depth, m.child_count) for m in messages],
        "checkpoints": [(c.name, index[c.message_id], c.kind, c.note, c.state) for c in checkpoints],
        "events": [(e.seq, e.kind, index.get(e.message_id), index.get(e.from_leaf_id), index.get(e.to_leaf_id)) for e in events],
    }


async def make_grove_thread(store: Store) -> int:
    thread = await store.create_thread("Plan the trip", project="/home/me")
    a = await store.append(thread.id, "user", "Where should we go?")
    b = await store.append(thread.id, "assistant", "Lisbon or Porto.", data={"model": "m1"})
    await store.append(thread.id, "user", "Tell me about Lisbon")
    await store.save_checkpoint(thread.id, "lisbon", note="first idea")
    await store.fork(b.id, "user", "Tell me about Porto")
    await store.append(thread.id, "assistant", "Porto has wine.")
    await store.rewind(thread.id, by=1)
    await store.undo(thread.id)
    assert a.id
    return thread.id


async def test_grove_thread_round_trip(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "a.db", clock=Clock()) as a, Store.open(tmp_path / "b.db", clock=Clock()) as b:
        tid = await make_grove_thread(a)
        doc = await export_json(a, tid)
        path = tmp_path / "thread.json"
        path.write_text(json.dumps(doc))
        report = await import_paths(b, [path])
        assert report.errors == [] and len(report.threads) == 1
        original, copy = await shape(a, tid), await shape(b, report.threads[0])
        assert copy["messages"] == original["messages"]
        assert copy["head"] == original["head"]
        assert copy["checkpoints"] == original["checkpoints"]
        # The same timeline, plus the one `imported` event.
        assert copy["events"][:-1] == original["events"]
        assert copy["events"][-1][1].value == "imported"
        assert copy["thread"]["title"] == original["thread"]["title"]
        assert copy["thread"]["created_at"] == original["thread"]["created_at"]
        await assert_invariants(b)
        # Importing it again adds nothing.
        again = await import_paths(b, [path])
        assert again.messages == 0 and again.threads == []


async def test_imported_session_round_trip_with_lineage(tmp_path: Path) -> None:
    manifest = PROJECTS / "-src-deep-manifest"
    async with Store.open(tmp_path / "a.db", clock=Clock()) as a, Store.open(tmp_path / "b.db", clock=Clock()) as b:
        await import_paths(a, [manifest, CLAUDE / "dag_fork.jsonl"])
        paths = []
        for key in ("a7da6a22-facc-4fcd-8bab-f83c87862004", "agent-c8d9b115", "dag_fork"):
            thread = await thread_by_key(a, "claude-code", key)
            path = tmp_path / f"{key}.json"
            path.write_text(json.dumps(await export_json(a, thread.id)))
            paths.append(path)
        await import_paths(b, paths)
        for key in ("a7da6a22-facc-4fcd-8bab-f83c87862004", "agent-c8d9b115", "dag_fork"):
            original = await shape(a, (await thread_by_key(a, "claude-code", key)).id)
            copy = await shape(b, (await thread_by_key(b, "claude-code", key)).id)
            assert copy["messages"] == original["messages"] and copy["head"] == original["head"]
        agent = await thread_by_key(b, "claude-code", "agent-c8d9b115")
        main = await thread_by_key(b, "claude-code", "a7da6a22-facc-4fcd-8bab-f83c87862004")
        assert agent.parent_thread_id == main.id
        assert (await b.get_message(agent.parent_message_id)).data["agent_id"] == "c8d9b115"
        # The export of a Claude Code thread and the session file are the same thread.
        report = await import_paths(b, [CLAUDE / "dag_fork.jsonl"])
        assert report.messages == 0
        await assert_invariants(b)


async def test_markdown_export_of_the_active_path(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_compact_after_rewind_preserved.jsonl", PROJECTS / "-experiments-ideas"])
    thread = await thread_by_key(store, "claude-code", "dag_compact_after_rewind_preserved")
    text = await export_markdown(store, thread.id)
    assert text.startswith("# Start\n")
    assert "Second attempt" in text and "First attempt" not in text  # only the active path
    assert "## user · 2025-07-01 10:10:00 UTC" in text
    assert "---\n\n*Conversation compacted" in text
    ideas = await thread_by_key(store, "claude-code", "03eb5929-52b3-4b13-ada3-b93ae35806b8")
    md = await export_markdown(store, ideas.id)
    assert "<details>\n<summary>tool call: Bash</summary>" in md
    assert "<summary>tool result" in md
