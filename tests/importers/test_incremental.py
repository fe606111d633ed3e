"""Idempotent and incremental imports, and bad input on the way (truncation, bad bytes, big lines)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from store import EventKind, Store
from store.importers import import_paths

from .helpers import CLAUDE, CODEX, PROJECTS, assert_invariants, only_thread

IDEAS = PROJECTS / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl"
WORKTREE = PROJECTS / "-experiments-worktrees" / "ef958aa1-0e93-49f0-bb71-150f63befcd1.jsonl"


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


async def fresh_count(tmp_path: Path, source: Path, name: str) -> tuple[int, int]:
    """(messages, leaves) of a one-shot import of `source` into a new database."""
    copy = tmp_path / "fresh" / name
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(source, copy)
    async with Store.open(tmp_path / f"fresh-{name}.db") as other:
        await import_paths(other, [copy])
        thread = await only_thread(other)
        return thread.message_count, thread.leaf_count


async def test_second_import_adds_nothing(store: Store) -> None:
    first = await import_paths(store, [PROJECTS, CODEX / "sessions", CLAUDE / "dag_fork.jsonl"])
    assert first.messages > 0
    events_before = len(await store.events(limit=10_000))
    second = await import_paths(store, [PROJECTS, CODEX / "sessions", CLAUDE / "dag_fork.jsonl"])
    assert (second.messages, second.threads, second.errors) == (0, [], [])
    assert len(await store.events(limit=10_000)) == events_before


async def test_same_session_from_another_path_adds_nothing(store: Store, tmp_path: Path) -> None:
    await import_paths(store, [IDEAS])
    copy = tmp_path / "elsewhere" / IDEAS.name
    copy.parent.mkdir()
    shutil.copy(IDEAS, copy)
    report = await import_paths(store, [copy])
    assert report.messages == 0 and report.threads == []
    assert len(await store.list_threads()) == 1


async def test_appended_lines_are_added_and_nothing_else(store: Store, tmp_path: Path) -> None:
    for source in (IDEAS, WORKTREE):
        lines = lines_of(source)
        copy = tmp_path / source.name
        for cut in (len(lines) // 3, 2 * len(lines) // 3, len(lines)):
            copy.write_bytes(b"".join(lines[:cut]))
            report = await import_paths(store, [copy])
            assert report.errors == []
        thread = [t for t in await store.list_threads(limit=100) if t.metadata["session_id"] == source.stem][0]
        assert (thread.message_count, thread.leaf_count) == await fresh_count(tmp_path, source, source.name)
        imported = await store.events(thread.id, kinds=[EventKind.IMPORTED])
        assert len(imported) == 3  # one per import run
    await assert_invariants(store)


async def test_user_fork_checkpoint_and_head_survive_a_reimport(store: Store, tmp_path: Path) -> None:
    lines = lines_of(IDEAS)
    copy = tmp_path / IDEAS.name
    copy.write_bytes(b"".join(lines[:60]))
    await import_paths(store, [copy])
    thread = await only_thread(store)
    path = await store.path(thread.id)
    fork = await store.fork(path[1].id, "user", "my own question")
    await store.save_checkpoint(thread.id, "mine")
    copy.write_bytes(b"".join(lines))
    report = await import_paths(store, [copy])
    assert report.messages > 0
    thread = await store.get_thread(thread.id)
    assert thread.current_leaf_id == fork.id  # the user moved the head: it stays
    assert (await store.get_checkpoint(thread.id, "mine")).message_id == fork.id
    assert (await store.get_message(fork.id)).content == "my own question"
    last = (await store.events(thread.id))[-1]
    assert last.kind == EventKind.IMPORTED and last.to_leaf_id == fork.id and last.data["kept_head"]
    # And it stays through later imports too.
    with open(copy, "ab") as f:
        f.write(_entry_after(lines[-1], "late-1", "One more question"))
    report = await import_paths(store, [copy])
    assert report.messages == 1
    assert (await store.get_thread(thread.id)).current_leaf_id == fork.id
    await assert_invariants(store)


def _entry_after(last_line: bytes, uuid: str, text: str) -> bytes:
    previous = json.loads(last_line)
    entry = {"type": "user", "uuid": uuid, "parentUuid": previous["uuid"], "sessionId": previous.get("sessionId"),
             "timestamp": "2026-12-31T00:00:00.000Z", "message": {"role": "user", "content": text}}
    return (json.dumps(entry) + "\n").encode()


async def test_untouched_head_follows_the_import(store: Store, tmp_path: Path) -> None:
    lines = lines_of(IDEAS)
    copy = tmp_path / IDEAS.name
    copy.write_bytes(b"".join(lines[:60]))
    await import_paths(store, [copy])
    thread = await only_thread(store)
    old_head = thread.current_leaf_id
    copy.write_bytes(b"".join(lines))
    await import_paths(store, [copy])
    thread = await store.get_thread(thread.id)
    assert thread.current_leaf_id != old_head
    path = await store.path(thread.id)
    assert any(m.content.startswith("Fair enough. Can you write a balanced opinion") for m in path)
    last = (await store.events(thread.id))[-1]
    assert (last.from_leaf_id, last.to_leaf_id) == (old_head, thread.current_leaf_id)


async def test_reply_split_across_two_rounds_is_merged(store: Store, tmp_path: Path) -> None:
    def e(uuid: str, parent: str | None, role: str, blocks: list, minute: int) -> bytes:
        msg: dict = {"role": role, "content": blocks}
        if role == "assistant":
            msg |= {"id": "msg_x", "usage": {"input_tokens": 5, "output_tokens": 2}}
        return (json.dumps({"type": role, "uuid": uuid, "parentUuid": parent, "sessionId": "s",
                            "timestamp": f"2026-01-01T10:{minute:02d}:00Z", "message": msg}) + "\n").encode()
    copy = tmp_path / "split.jsonl"
    copy.write_bytes(e("u", None, "user", [{"type": "text", "text": "go"}], 0)
                     + e("a1", "u", "assistant", [{"type": "text", "text": "part one"}], 1))
    await import_paths(store, [copy])
    with open(copy, "ab") as f:
        f.write(e("a2", "a1", "assistant", [{"type": "text", "text": "part two"}], 2))
    report = await import_paths(store, [copy])
    assert report.messages == 0 and report.updated_messages == 1
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["go", "part one\n\npart two"]
    assert (thread.input_tokens, thread.output_tokens) == (5, 2)
    assert await store.search("two")
    await assert_invariants(store)


async def test_truncated_last_line_waits_for_the_next_round(store: Store, tmp_path: Path) -> None:
    lines = lines_of(CLAUDE / "dag_simple.jsonl")
    copy = tmp_path / "dag_simple.jsonl"
    copy.write_bytes(b"".join(lines[:3]) + lines[3][:40])
    report = await import_paths(store, [copy])
    assert report.errors == [] and [p.line for p in report.pending] == [4]
    thread = await only_thread(store)
    assert thread.message_count == 3
    copy.write_bytes(b"".join(lines))
    report = await import_paths(store, [copy])
    assert report.messages == 2 and report.pending == []
    thread = await store.get_thread(thread.id)
    assert [m.content for m in await store.path(thread.id)][-1] == "Goodbye"


async def test_invalid_utf8_and_json_lines_are_reported(store: Store, tmp_path: Path) -> None:
    lines = lines_of(CLAUDE / "dag_simple.jsonl")
    copy = tmp_path / "bad.jsonl"
    copy.write_bytes(lines[0] + b'{"type": "user", "text": "\xff\xfe"}\n' + b"{not json\n" + b"".join(lines[1:]))
    report = await import_paths(store, [copy])
    assert [(e.line, e.reason.split(" ")[0]) for e in report.errors] == [(2, "invalid"), (3, "invalid")]
    assert "UTF-8" in report.errors[0].reason and "JSON" in report.errors[1].reason
    thread = await only_thread(store)
    assert thread.message_count == 5


async def test_a_10_mb_line_is_imported(store: Store, tmp_path: Path) -> None:
    big = "word " * 2_000_000
    lines = lines_of(CLAUDE / "dag_simple.jsonl")
    entry = json.loads(lines[-1])
    entry["message"]["content"] = [{"type": "text", "text": big + "needle"}]
    copy = tmp_path / "big.jsonl"
    copy.write_bytes(b"".join(lines[:-1]) + json.dumps(entry).encode() + b"\n")
    report = await import_paths(store, [copy])
    assert report.errors == []
    hits = await store.search("needle")
    assert len(hits) == 1


async def test_empty_file_is_not_a_problem(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    report = await import_paths(store, [empty])
    assert report.errors == []  # a session that has not written anything yet (issue 10, item 23)
    assert await store.list_threads() == []
    assert (await import_paths(store, [empty])).errors == []


async def test_missing_path_is_an_error_not_an_exception(store: Store, tmp_path: Path) -> None:
    report = await import_paths(store, [tmp_path / "nope.jsonl"])
    assert [e.reason for e in report.errors] == ["no such file or folder"]


async def test_progress_callback_reaches_the_total(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    await import_paths(store, [PROJECTS / "-experiments-ideas"], on_progress=lambda done, total, path: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


async def test_deleted_thread_comes_back_whole_when_its_session_grows(store: Store, tmp_path: Path) -> None:
    lines = lines_of(CLAUDE / "dag_simple.jsonl")
    copy = tmp_path / "dag_simple.jsonl"
    copy.write_bytes(b"".join(lines[:3]))
    await import_paths(store, [copy])
    await store.delete_thread((await only_thread(store)).id)
    copy.write_bytes(b"".join(lines))
    await import_paths(store, [copy])
    thread = await only_thread(store)
    assert [m.content for m in await store.path(thread.id)] == ["Hello", "Hi there", "How are you?", "I'm doing well", "Goodbye"]
    await assert_invariants(store)
