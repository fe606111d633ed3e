"""The Claude Code importer against the real and synthetic sessions in shared/fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from store import Role, Store
from store.importers import import_paths
from store.payloads import MessageKind, message_kind

from .helpers import CLAUDE, PROJECTS, assert_invariants, branch_points, by_id, only_thread, thread_by_key

IDEAS = PROJECTS / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl"
WORKTREES = PROJECTS / "-experiments-worktrees"
WORKTREE_SESSION = "ef958aa1-0e93-49f0-bb71-150f63befcd1"
MANIFEST = PROJECTS / "-src-deep-manifest"
RECORDER = PROJECTS / "-Users-dain-workspace-JSSoundRecorder"


def write_jsonl(path: Path, entries: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    return path


def entry(uuid: str, parent: str | None, kind: str, text: str, ts: str, **extra: object) -> dict:
    message: dict = {"role": kind, "content": [{"type": "text", "text": text}]}
    if kind == "assistant":
        message["id"] = extra.pop("msgid", f"msg_{uuid}")
        message["usage"] = extra.pop("usage", {"input_tokens": 10, "output_tokens": 5})
    return {
        "type": kind,
        "uuid": uuid,
        "parentUuid": parent,
        "timestamp": f"2026-01-01T10:{ts}.000Z",
        "sessionId": "s",
        "message": message,
        **extra,
    }


async def test_real_branch_is_the_only_branch(store: Store) -> None:
    report = await import_paths(store, [IDEAS])
    assert report.errors == []
    thread = await only_thread(store)
    messages = await store.messages(thread.id)
    points = branch_points(messages)
    # Exactly one real branch: two typed prompts under the same reply. The progress and
    # tool_result children of bba9b15d… and 9598e2ef… are not branches.
    assert len(points) == 1
    assert thread.leaf_count == 2
    children = await store.children(points[0].id)
    assert [c.role for c in children] == [Role.USER, Role.USER]
    assert children[0].content.startswith("I very much like this idea")
    assert children[1].content.startswith("I actually don't like much this idea")
    assert children[0].created_at.strftime("%H:%M:%S") == "18:49:30"
    assert children[1].created_at.strftime("%H:%M:%S") == "19:24:30"
    # The newer prompt is on the active path, which reaches "Fair enough. Can you write…".
    path = await store.path(thread.id)
    assert children[1].id in {m.id for m in path}
    assert children[0].id not in {m.id for m in path}
    prompts = [m for m in path if message_kind(m.role, m.data) is MessageKind.PROMPT]  # not the /exit command
    assert prompts[-1].content.startswith("Fair enough. Can you write a balanced opinion")
    assert thread.title is not None and thread.title.startswith("Ok, so there's isn't much to see here")
    assert len(thread.title) <= 80
    await assert_invariants(store)


async def test_thread_keeps_session_facts_and_real_times(store: Store) -> None:
    await import_paths(store, [IDEAS])
    thread = await only_thread(store)
    assert thread.source == "claude-code"
    assert thread.metadata["session_id"] == "03eb5929-52b3-4b13-ada3-b93ae35806b8"
    assert thread.project == thread.metadata["cwd"]
    assert "version" in thread.metadata and thread.metadata["version"].startswith("2.1")
    messages = await store.messages(thread.id)
    assert thread.created_at == min(m.created_at for m in messages)
    assert thread.updated_at == max(m.created_at for m in messages)
    assert thread.created_at.year == 2026 and thread.updated_at.year == 2026  # session time, not import time (2030)
    assistant = next(m for m in messages if m.role == Role.ASSISTANT)
    assert assistant.data["uuid"] and assistant.data["model"] and assistant.data["usage"]
    assert thread.input_tokens > 0 and thread.output_tokens > 0
    events = await store.events(thread.id)
    assert [e.kind.value for e in events] == ["imported"]
    assert events[0].to_leaf_id == thread.current_leaf_id


async def test_snapshot_only_session_makes_no_thread(store: Store) -> None:
    report = await import_paths(store, [PROJECTS / "-experiments-ideas" / "a95fea4a-b88a-4e49-ac07-4cc323d8700c.jsonl"])
    assert report.threads == [] and report.errors == []
    assert await store.list_threads() == []


async def test_subagents_in_the_2_1_layout_are_child_threads(store: Store) -> None:
    report = await import_paths(store, [WORKTREES])
    assert report.errors == []
    main = await thread_by_key(store, "claude-code", WORKTREE_SESSION)
    # Six false forks (an assistant entry with the next entry and a tool_result as children).
    assert main.leaf_count == 1
    assert branch_points(await store.messages(main.id)) == []
    assert main.metadata["git_branch"]
    threads = await store.list_threads(limit=100)
    children = [t for t in threads if t.parent_thread_id == main.id]
    assert len(children) == 6
    main_messages = by_id(await store.messages(main.id))
    titles = set()
    for child in children:
        assert child.parent_message_id in main_messages
        spawner = main_messages[child.parent_message_id]
        assert spawner.data.get("agent_id") == child.metadata["agent_id"]
        assert child.leaf_count == 1
        titles.add(child.title)
    assert "general-purpose: Round 2: alice comparison" in titles
    await assert_invariants(store)


async def test_subagent_beside_the_session_links_by_agent_id(store: Store) -> None:
    await import_paths(store, [MANIFEST])
    main = await thread_by_key(store, "claude-code", "a7da6a22-facc-4fcd-8bab-f83c87862004")
    agent = await thread_by_key(store, "claude-code", "agent-c8d9b115")
    assert agent.parent_thread_id == main.id
    spawner = await store.get_message(agent.parent_message_id)
    assert spawner.thread_id == main.id and spawner.data["agent_id"] == "c8d9b115"
    # Title from the summary line.
    assert main.title in {"Claude Code CLI Tool Development Summary", "Claude Code warmup for deep-manifest project"}
    await assert_invariants(store)


async def test_subagent_imported_before_its_session_is_linked_later(store: Store) -> None:
    await import_paths(store, [MANIFEST / "agent-c8d9b115.jsonl"])
    agent = await thread_by_key(store, "claude-code", "agent-c8d9b115")
    assert agent.parent_thread_id is None
    await import_paths(store, [MANIFEST / "a7da6a22-facc-4fcd-8bab-f83c87862004.jsonl"])
    agent = await store.get_thread(agent.id)
    main = await thread_by_key(store, "claude-code", "a7da6a22-facc-4fcd-8bab-f83c87862004")
    assert agent.parent_thread_id == main.id and agent.parent_message_id is not None


async def test_recorder_project_with_empty_files_and_warmups(store: Store) -> None:
    report = await import_paths(store, [RECORDER])
    # The two 0-byte session files are no problem (issue 10, item 23): nothing to import.
    assert report.errors == []
    main = await thread_by_key(store, "claude-code", "7acd37a8-2745-4b58-a8a9-46164b22ad9e")
    # the session opens with /init; the title is the first prompt typed after it
    assert main.title == "OK, so this was just so you know what there is now, but after more than a decade"
    # Warm-up sidechains (no prompt of their own, no Task spawned them): kept, but hidden.
    assert [t.id for t in await store.list_threads(limit=100)] == [main.id]
    threads = await store.list_threads(limit=100, include_hidden=True)
    warmups = [t for t in threads if t.id != main.id]
    assert len(warmups) == 8 and all(t.message_count == 1 and t.hidden for t in warmups)
    linked = [t for t in warmups if t.parent_thread_id == main.id]
    assert linked and all(t.metadata["session_id"] == "7acd37a8-2745-4b58-a8a9-46164b22ad9e" for t in linked)
    await assert_invariants(store)


async def test_whole_projects_tree(store: Store) -> None:
    report = await import_paths(store, [PROJECTS])
    threads = await store.list_threads(limit=1000, include_hidden=True)
    assert len(report.threads) == len(threads) == 1 + 1 + 7 + 1 + 1 + 8
    assert len(await store.list_threads(limit=1000)) == len(threads) - 8  # the warm-ups are hidden
    # Newest activity first: thread times come from the sessions.
    times = [t.updated_at for t in threads]
    assert times == sorted(times, reverse=True)
    await assert_invariants(store)


async def test_linear_session(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_simple.jsonl"])
    thread = await only_thread(store)
    path = await store.path(thread.id)
    assert [m.content for m in path] == ["Hello", "Hi there", "How are you?", "I'm doing well", "Goodbye"]
    assert thread.leaf_count == 1 and thread.title == "Hello"


async def test_fork_across_sessions_in_one_file(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_fork.jsonl"])
    thread = await only_thread(store)
    messages = await store.messages(thread.id)
    [point] = branch_points(messages)
    assert point.content == "Middle"
    assert [c.content for c in await store.children(point.id)] == ["Reply 2", "Fork from c"]
    path = await store.path(thread.id)
    assert path[-1].content == "End of s3"
    assert [m.content for m in await store.path(thread.id, (await store.leaves(thread.id))[1].id)][-1] == "End of s2"


async def test_fork_within_a_session(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_within_fork.jsonl"])
    thread = await only_thread(store)
    [point] = branch_points(await store.messages(thread.id))
    assert point.content == "Fork point"
    assert [c.content for c in await store.children(point.id)] == ["Branch 1 start", "Branch 2 start"]
    assert (await store.path(thread.id))[-1].content == "Branch 2 reply"


async def test_resumed_session_is_one_chain(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_resume.jsonl"])
    thread = await only_thread(store)
    assert thread.leaf_count == 1 and thread.message_count == 8


async def test_dag_cycle_fixture_does_not_hang(store: Store) -> None:
    report = await import_paths(store, [CLAUDE / "dag_cycle.jsonl"])
    assert report.errors == []
    thread = await only_thread(store)
    assert thread.message_count == 1


async def test_parent_loop_does_not_hang(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "loop.jsonl",
        [
            entry("a", "b", "user", "first", "00:00"),
            entry("b", "a", "assistant", "second", "00:01"),
            entry("c", "c", "user", "self", "00:02"),
        ],
    )
    report = await import_paths(store, [path])
    assert [(e.line, e.reason.split(";")[0]) for e in report.errors] == [
        (1, "parent b not found"),
        (3, "parent c not found"),
    ]
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["first", "second", "self"]
    await assert_invariants(store)


async def test_compaction_after_rewind_continues_the_branch(store: Store) -> None:
    report = await import_paths(store, [CLAUDE / "dag_compact_after_rewind_preserved.jsonl"])
    assert report.errors == []
    thread = await only_thread(store)
    assert thread.leaf_count == 2
    path = await store.path(thread.id)
    assert [m.content for m in path if m.role != Role.SYSTEM] == [
        "Start", "Ready", "Second attempt", "Second answer", "Keep going", "Kept going", "After compaction", "Final answer"
    ]
    boundary = [m for m in path if m.data.get("kind") == "compact_boundary"]
    assert len(boundary) == 1 and boundary[0].role == Role.SYSTEM
    assert path[path.index(boundary[0]) - 1].content == "Keep going"
    [point] = branch_points(await store.messages(thread.id))
    assert point.content == "Ready"
    await assert_invariants(store)


async def test_lines_without_parent_links_read_as_one_chain(store: Store) -> None:
    await import_paths(store, [CLAUDE / "representative_messages.jsonl"])
    thread = await only_thread(store)
    assert thread.leaf_count == 1 and thread.message_count == 11
    path = await store.path(thread.id)
    assert path[0].content.startswith("Hello Claude!")
    assert path[-1].content.startswith("This is really helpful!")
    assert thread.title.startswith("User learned about Python decorators")  # the summary line


async def test_edge_cases_report_each_bad_line(store: Store) -> None:
    report = await import_paths(store, [CLAUDE / "edge_cases.jsonl"])
    reasons = {e.line: e.reason for e in report.errors}
    not_objects = sorted(line for line, r in reasons.items() if r.startswith("not a JSON object"))
    assert not_objects == [13, 15, 16]  # the three lines that are not JSON objects
    assert reasons[11].startswith("the user entry's message is not an object")  # a message that is a string
    assert reasons[12].startswith("duplicate uuid edge_011")
    assert reasons[18].startswith("duplicate uuid edge_010")
    assert reasons[17].startswith("parent assistant_003 not found")
    assert set(reasons) == {11, 12, 13, 15, 16, 17, 18}
    thread = await only_thread(store)
    assert thread.message_count == 10
    await assert_invariants(store)


async def test_hook_attachments_are_not_messages(store: Store) -> None:
    await import_paths(store, [CLAUDE / "hook_attachments.jsonl"])
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["Run the test suite", "Running tests."]
    assert thread.leaf_count == 1


async def test_model_change_notice_is_a_system_message(store: Store) -> None:
    report = await import_paths(store, [CLAUDE / "system_model_change.jsonl"])
    assert [e.reason.split(";")[0] for e in report.errors] == ["parent 3125faee-5091-4018-b91b-22b0c167a13c not found"]
    assert "made a root" in report.errors[0].reason
    thread = await only_thread(store)
    [message] = await store.path(thread.id)
    assert message.role == Role.SYSTEM and "now using Sonnet 4" in message.content


async def test_inline_sidechain_becomes_a_child_thread(store: Store) -> None:
    await import_paths(store, [CLAUDE / "memory_sidechain.jsonl"])
    main = await thread_by_key(store, "claude-code", "memory_sidechain")
    assert [m.content for m in await store.path(main.id)] == ["Delegate a task.", "", "Subagent done."]
    threads = await store.list_threads(limit=10)
    [side] = [t for t in threads if t.id != main.id]
    assert side.parent_thread_id == main.id
    spawner = await store.get_message(side.parent_message_id)
    assert spawner.data["tool_calls"][0]["name"] == "Task"
    assert (await store.path(side.id))[-1].content == "Read the memory."
    # The head of the main thread is its newest non-sidechain leaf.
    assert (await store.get_message(main.current_leaf_id)).content == "Subagent done."


async def test_multi_entry_reply_is_one_message_with_usage_counted_once(store: Store, tmp_path: Path) -> None:
    usage = {"input_tokens": 100, "output_tokens": 40}
    path = write_jsonl(
        tmp_path / "multi.jsonl",
        [
            entry("u1", None, "user", "Do two things", "00:00"),
            entry("a1", "u1", "assistant", "First part", "00:01", msgid="msg_1", usage=usage),
            {
                **entry("a2", "a1", "assistant", "", "00:02", msgid="msg_1", usage=usage),
                "message": {"id": "msg_1", "role": "assistant", "usage": usage, "content": [
                    {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "ls"}},
                ]},
            },
            {
                **entry("r1", "a2", "user", "", "00:03"),
                "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "a.txt"}]},
            },
            # A parallel call recorded as a sibling of the first result: linearised.
            {
                **entry("a3", "a2", "assistant", "", "00:03"),
                "message": {"id": "msg_1", "role": "assistant", "usage": usage, "content": [
                    {"type": "tool_use", "id": "t2", "name": "Read", "input": {"path": "a.txt"}},
                ]},
            },
            {
                **entry("r2", "a3", "user", "", "00:04"),
                "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t2", "content": "hello"}]},
            },
            entry("a4", "r2", "assistant", "Done", "00:05", msgid="msg_2", usage={"input_tokens": 7, "output_tokens": 3}),
        ],
    )
    await import_paths(store, [path])
    thread = await only_thread(store)
    path_messages = await store.path(thread.id)
    assert [m.role.value for m in path_messages] == ["user", "assistant", "tool", "tool", "assistant"]
    reply = path_messages[1]
    assert reply.content == "First part"
    assert [c["name"] for c in reply.data["tool_calls"]] == ["Bash", "Read"]
    assert reply.data["uuids"] == ["a2", "a3"]
    assert thread.leaf_count == 1
    assert (thread.input_tokens, thread.output_tokens) == (107, 43)


async def test_titles_and_last_prompt_leaf(store: Store, tmp_path: Path) -> None:
    base = [
        entry("u1", None, "user", "First prompt line\nsecond line", "00:00"),
        entry("a1", "u1", "assistant", "Reply", "00:01"),
        entry("u2", "a1", "user", "Another", "00:02"),
        entry("a2", "u2", "assistant", "Reply 2", "00:03"),
    ]
    plain = write_jsonl(tmp_path / "plain.jsonl", base)
    ai = write_jsonl(tmp_path / "ai.jsonl", [*base, {"type": "ai-title", "aiTitle": "AI title", "sessionId": "s"}])
    custom = write_jsonl(
        tmp_path / "custom.jsonl",
        [*base, {"type": "ai-title", "aiTitle": "AI title"}, {"type": "custom-title", "customTitle": "Mine"},
         {"type": "last-prompt", "leafUuid": "a1"}],
    )
    await import_paths(store, [plain, ai, custom])
    assert (await thread_by_key(store, "claude-code", "plain")).title == "First prompt line"
    assert (await thread_by_key(store, "claude-code", "ai")).title == "AI title"
    mine = await thread_by_key(store, "claude-code", "custom")
    assert mine.title == "Mine"
    assert (await store.get_message(mine.current_leaf_id)).content == "Reply"


async def test_compaction_replay_is_not_a_branch(store: Store, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "replay.jsonl",
        [
            entry("u1", None, "user", "Hi", "00:00"),
            entry("a1", "u1", "assistant", "Hello", "00:01"),
            entry("u2", "a1", "user", "Question", "00:02"),
            entry("u2r", "a1", "user", "Question", "00:02"),  # same time: a replay, not a rewind
        ],
    )
    await import_paths(store, [path])
    thread = await only_thread(store)
    assert thread.leaf_count == 1



def test_prompt_title_skips_tag_blocks_commands_and_caveats() -> None:
    from store.importers.claude_code_entries import prompt_title as _prompt_title

    assert _prompt_title("<ide_selection>x = 1</ide_selection>\n<system-reminder>r</system-reminder>\nRename x\nplease") == "Rename x"
    assert _prompt_title("<command-name>/clear</command-name>\n<command-args></command-args>") is None
    assert _prompt_title("Caveat: The messages below were generated by the user while running local commands.") is None
    assert _prompt_title("/doctor") is None
