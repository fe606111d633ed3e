"""Hostile files (issue 10, items 1, 5, 6, 7, 23): numbers and times SQLite cannot hold, deep
nesting, FIFOs, devices and unbounded lines. Each problem is reported per line or per file
and the rest imports; nothing blocks or runs out of memory."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

from store import Store
from store.importers import import_paths, lines

from .helpers import CODEX, PROJECTS, assert_invariants, only_thread

IDEAS = PROJECTS / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl"
CODEMIE = next((CODEX / "codemie").glob("rollout-*.jsonl"))


def _copy_with(tmp_path: Path, source: Path, name: str, pattern: str, replacement: str) -> Path:
    text = source.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text)
    assert changed != text
    target = tmp_path / name
    target.write_text(changed, encoding="utf-8")
    return target


async def test_an_oversized_claude_token_count_loses_nothing(store: Store, tmp_path: Path) -> None:
    async with Store.open(":memory:") as other:
        expected = (await import_paths(other, [IDEAS])).messages
    big = _copy_with(tmp_path, IDEAS, "big.jsonl", r'"input_tokens":\d+', '"input_tokens":100000000000000000000000000000')
    report = await import_paths(store, [big])
    assert report.messages == expected
    assert report.errors and all("out of range" in e.reason for e in report.errors)
    assert all(e.line > 0 for e in report.errors)  # per line, not "line 0: could not be written"
    await assert_invariants(store)


async def test_an_oversized_codex_total_loses_nothing(store: Store, tmp_path: Path) -> None:
    async with Store.open(":memory:") as other:
        expected = (await import_paths(other, [CODEMIE])).messages
    big = _copy_with(tmp_path, CODEMIE, "rollout-big.jsonl", r'"input_tokens":\d+', '"input_tokens":99999999999999999999')
    report = await import_paths(store, [big])
    assert report.messages == expected
    assert report.errors and all("99999999999999999999 is out of range" in e.reason for e in report.errors)


async def test_non_finite_numbers_are_stored_as_null(store: Store, tmp_path: Path) -> None:
    text = IDEAS.read_text(encoding="utf-8")
    changed = re.sub(r'"output_tokens":\d+', '"output_tokens":NaN', text)
    changed = re.sub(r'"cache_read_input_tokens":\d+', '"cache_read_input_tokens":Infinity', changed)
    assert changed != text
    target = tmp_path / "nan.jsonl"
    target.write_text(changed, encoding="utf-8")
    report = await import_paths(store, [target])
    assert report.messages > 0 and report.errors == []

    def stored(conn: sqlite3.Connection) -> tuple[int, int]:
        bad = conn.execute("SELECT count(*) FROM messages WHERE data LIKE '%NaN%' OR data LIKE '%Infinity%'").fetchone()[0]
        invalid = conn.execute("SELECT count(*) FROM messages WHERE data IS NOT NULL AND NOT json_valid(data)").fetchone()[0]
        return bad, invalid

    assert await store._session.read(stored) == (0, 0)
    usage = await store.thread_usage((await only_thread(store)).id)
    assert usage.output_tokens == 0  # not a number: not counted


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
async def test_an_out_of_range_timestamp_is_a_per_line_problem(store: Store, tmp_path: Path, stamp: str) -> None:
    text = IDEAS.read_text(encoding="utf-8").splitlines(keepends=True)
    first_ts = next(i for i, line in enumerate(text) if '"timestamp":"' in line and '"type":"user"' in line)
    text[first_ts] = re.sub(r'"timestamp":"[^"]*"', f'"timestamp":"{stamp}"', text[first_ts], count=1)
    target = tmp_path / "time.jsonl"
    target.write_text("".join(text), encoding="utf-8")
    good = tmp_path / "good"
    good.mkdir()
    (good / "s.jsonl").write_bytes(IDEAS.read_bytes())
    report = await import_paths(store, [target, good])  # the folder imports too
    assert [e.line for e in report.errors] == [first_ts + 1]
    assert "out of range" in report.errors[0].reason
    assert len(report.created) == 2
    await assert_invariants(store)


async def test_a_grove_document_with_out_of_range_values_imports(store: Store, tmp_path: Path) -> None:
    from store.exporters import export_json

    async with Store.open(":memory:") as other:
        t = await other.create_thread("x")
        await other.append(t.id, "user", "hi")
        await other.append(t.id, "assistant", "hello")
        doc = await export_json(other, t.id)
    text = json.dumps(doc)
    text = text.replace('"input_tokens": 0', '"input_tokens": 1000000000000000000000000000000', 1)
    text = re.sub(r'"created_at": "[^"]*"', '"created_at": "9999-12-31T23:59:59-05:00"', text, count=1)
    assert "1000000000000000000000000000000" in text and "9999-12-31" in text
    target = tmp_path / "export.json"
    target.write_text(text, encoding="utf-8")
    report = await import_paths(store, [target])
    assert report.messages == 2
    assert len(report.errors) == 1
    assert "out of range" in report.errors[0].reason and "(and 1 more)" in report.errors[0].reason


async def test_a_deeply_nested_first_line_does_not_stop_a_folder(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (folder / "s.jsonl").write_bytes(IDEAS.read_bytes())
    report = await import_paths(store, [folder])
    assert len(report.created) == 1
    assert [(Path(e.file).name, e.line) for e in report.errors] == [("deep.jsonl", 1)]


async def test_a_fifo_is_skipped_not_waited_on(store: Store, tmp_path: Path) -> None:
    fifo = tmp_path / "s.jsonl"
    os.mkfifo(fifo)
    folder = tmp_path / "f"
    folder.mkdir()
    os.mkfifo(folder / "conversations.json")
    os.mkfifo(folder / "t.jsonl")
    report = await import_paths(store, [fifo, folder])
    assert [(Path(e.file).name, e.line) for e in report.errors] == [("s.jsonl", 0)]
    assert "FIFO" in report.errors[0].reason


@pytest.mark.parametrize("name", ["s.jsonl", "conversations.json", "rollout-x.jsonl"])
async def test_a_symlink_to_a_device_is_skipped(store: Store, tmp_path: Path, name: str) -> None:
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    report = await import_paths(store, [link])
    assert len(report.errors) == 1 and "device" in report.errors[0].reason


async def test_a_device_as_subagent_sidecar_is_ignored(store: Store, tmp_path: Path) -> None:
    agent = PROJECTS / "-src-deep-manifest" / "agent-c8d9b115.jsonl"
    (tmp_path / agent.name).write_bytes(agent.read_bytes())
    (tmp_path / "agent-c8d9b115.meta.json").symlink_to("/dev/zero")
    report = await import_paths(store, [tmp_path / agent.name])
    assert report.errors == [] and len(report.created) == 1


async def test_a_line_without_end_is_bounded(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small bounds so the test stays small: the same code path as 64 MB of one line.
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(lines, "READ_BLOCK", 256)
    target = tmp_path / "s.jsonl"
    good = IDEAS.read_bytes().splitlines(keepends=True)
    short = [line for line in good if len(line) < 900]
    target.write_bytes(short[0] + b"x" * 5000 + b"\n" + short[1])
    report = await import_paths(store, [target])
    assert [(e.line, "over the limit" in e.reason) for e in report.errors] == [(2, True)]
    target.write_bytes(short[0] + b"x" * 5000)  # and one that never ends
    report = await import_paths(store, [target])
    assert [("over the limit" in e.reason) for e in report.errors] == [True]


async def test_a_document_past_its_bound_is_one_problem(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.importers import parsing as importers

    monkeypatch.setattr(importers, "MAX_DOCUMENT_BYTES", 100)
    target = tmp_path / "conversations.json"
    target.write_text(json.dumps([{"title": "x" * 200}]), encoding="utf-8")
    report = await import_paths(store, [target])
    assert len(report.errors) == 1 and "larger than" in report.errors[0].reason


async def test_a_zero_byte_session_is_no_problem(store: Store, tmp_path: Path) -> None:
    (tmp_path / "new.jsonl").write_bytes(b"")
    report = await import_paths(store, [tmp_path / "new.jsonl"])
    assert report.errors == [] and report.threads == []


async def test_only_thread_helper_still_finds_one(store: Store) -> None:
    await import_paths(store, [IDEAS])
    assert (await only_thread(store)).message_count > 0


# ---------------------------------------------------------------------- item 2: one file, one thread


async def test_same_named_files_in_two_folders_are_two_threads(store: Store, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "session.jsonl").write_bytes(IDEAS.read_bytes())
    report = await import_paths(store, [tmp_path / "a" / "session.jsonl", tmp_path / "b" / "session.jsonl"])
    assert len(report.created) == 2
    threads = await store.list_threads()
    assert len(threads) == 2
    for t in threads:
        assert len([m for m in await store.messages(t.id) if m.parent_id is None]) == 1  # one root each
    await assert_invariants(store)
    # Appending to each file goes to its own thread, on a later run too.
    before = {t.id: t.message_count for t in threads}
    assert (await import_paths(store, [tmp_path / "a", tmp_path / "b"])).messages == 0
    assert {t.id: t.message_count for t in await store.list_threads()} == before


async def test_a_second_folder_later_is_a_new_thread(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "session.jsonl").write_bytes(IDEAS.read_bytes())
    first = await import_paths(store, [tmp_path / "a"])
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "session.jsonl").write_bytes(IDEAS.read_bytes())
    second = await import_paths(store, [tmp_path / "a", tmp_path / "b"])
    assert len(first.created) == 1 and len(second.created) == 1
    assert second.messages == first.messages


async def test_legacy_files_without_uuids_keep_all_their_lines(store: Store, tmp_path: Path) -> None:
    def legacy(text: str) -> str:
        out = []
        for line in IDEAS.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            obj.pop("uuid", None)
            obj.pop("parentUuid", None)
            if obj.get("type") == "user" and isinstance(obj.get("message"), dict):
                obj["message"]["content"] = text
            out.append(json.dumps(obj))
        return "\n".join(out) + "\n"

    for folder, text in (("a", "first file"), ("b", "second file")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "old.jsonl").write_text(legacy(text), encoding="utf-8")
    report = await import_paths(store, [tmp_path / "a", tmp_path / "b"])
    assert len(report.created) == 2
    assert len(await store.search("second file")) >= 1 and len(await store.search("first file")) >= 1


# ---------------------------------------------------------------------- item 3: change detection


async def test_a_same_size_rewrite_of_the_last_line_is_read_again(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "s.jsonl"
    text = IDEAS.read_bytes()
    target.write_bytes(text)
    await import_paths(store, [target])
    (thread,) = await store.list_threads()
    # The last message's line rewritten in place (a new uuid of the same length: a new
    # message), same size, far past the first 4 KB; mtime moves as a rewrite moves it.
    lines_ = text.splitlines(keepends=True)
    # The last line stored as a message of its own (a command's output line is folded into
    # the command and keeps no message of its own).
    stored = {m.data.get("uuid") for m in await store.messages(thread.id)}
    index = max(i for i, line in enumerate(lines_) if json.loads(line).get("uuid") in stored)
    assert len(text) - sum(len(line) for line in lines_[:index]) < 4096  # within the resumed tail
    old_uuid = json.loads(lines_[index])["uuid"]
    new_uuid = "f" * 8 + old_uuid[8:]
    assert new_uuid != old_uuid
    lines_[index] = lines_[index].replace(old_uuid.encode(), new_uuid.encode())
    rewritten = b"".join(lines_)
    assert len(rewritten) == len(text) and rewritten[:4096] == text[:4096]
    target.write_bytes(rewritten)
    report = await import_paths(store, [target])
    assert report.files == 1
    uuids = {m.data.get("uuid") for m in await store.messages(thread.id)}
    assert new_uuid in uuids


async def test_a_same_size_edit_of_a_message_is_taken(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "s.jsonl"
    text = IDEAS.read_bytes()
    target.write_bytes(text)
    await import_paths(store, [target])
    lines_ = text.splitlines(keepends=True)
    index = max(
        i for i, line in enumerate(lines_)
        if b'"type":"user"' in line and isinstance(json.loads(line).get("message", {}).get("content"), str)
        and len(json.loads(line)["message"]["content"]) >= 8 and i > 10
    )
    old = json.loads(lines_[index])["message"]["content"]
    new_line = lines_[index].replace(json.dumps(old)[1:7].encode(), b"zqxjkv", 1)
    assert len(new_line) == len(lines_[index]) and new_line != lines_[index]
    lines_[index] = new_line
    target.write_bytes(b"".join(lines_))
    report = await import_paths(store, [target])
    assert report.files == 1
    hits = await store.search("zqxjkv")
    assert len(hits) == 1
    assert (await store.get_message(hits[0].message_id)).content.startswith("zqxjkv")


async def test_an_untouched_file_is_not_read_again(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "s.jsonl"
    target.write_bytes(IDEAS.read_bytes())
    await import_paths(store, [target])
    assert (await import_paths(store, [target])).files == 0
    os.utime(target, ns=(0, target.stat().st_mtime_ns + 1))  # touched, content the same
    report = await import_paths(store, [target])
    assert report.messages == 0 and report.errors == []
