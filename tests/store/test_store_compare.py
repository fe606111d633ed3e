"""Store.compare: the common ancestor of two messages and each side from there, on fixtures
with known branch points (dag_within_fork, dag_fork, the real -experiments-ideas branch), on
a Grove fork (fork_thread) and a fork of a fork, across an imported Codex fork, and the
edge cases (same message, one above the other, no shared lineage, unknown ids)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from store import Message, NotFound, Store
from store import payloads
from store.compare import summarize
from store.importers import import_paths

FIXTURES = Path(__file__).parents[2].parent / "shared" / "fixtures"
CLAUDE = FIXTURES / "claude-code"
IDEAS = CLAUDE / "projects" / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl"


async def _by_uuid(store: Store, thread_id: int) -> dict[str, Message]:
    out: dict[str, Message] = {}
    for m in await store.messages(thread_id):
        for uuid in payloads.source_ids(m.data):
            out[uuid] = m
    return out


async def _only_thread(store: Store) -> int:
    threads = await store.list_threads()
    assert len(threads) == 1
    return threads[0].id


async def test_dag_within_fork_parts_at_c(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_within_fork.jsonl"])
    thread_id = await _only_thread(store)
    m = await _by_uuid(store, thread_id)
    result = await store.compare(m["f"].id, m["e_prime"].id)
    assert result.ancestor == m["c"].id
    assert [x.id for x in result.a] == [m["d"].id, m["e"].id, m["f"].id]
    assert [x.id for x in result.b] == [m["d_prime"].id, m["e_prime"].id]


async def test_dag_fork_parts_where_the_later_session_forked(store: Store) -> None:
    await import_paths(store, [CLAUDE / "dag_fork.jsonl"])
    thread_id = await _only_thread(store)
    m = await _by_uuid(store, thread_id)
    result = await store.compare(m["h"].id, m["k"].id)
    assert result.ancestor == m["c"].id
    assert [x.id for x in result.a] == [m[u].id for u in ("d", "e", "f", "g", "h")]
    assert [x.id for x in result.b] == [m[u].id for u in ("i", "j", "k")]


async def test_the_real_experiments_ideas_branch(store: Store) -> None:
    await import_paths(store, [IDEAS])
    thread_id = await _only_thread(store)
    leaves = await store.leaves(thread_id)
    assert len(leaves) == 2
    head = (await store.get_thread(thread_id)).current_leaf_id
    other = next(leaf for leaf in leaves if leaf.id != head)
    assert head is not None
    result = await store.compare(head, other.id)
    ancestor = await store.get_message(result.ancestor) if result.ancestor is not None else None
    assert ancestor is not None and ancestor.content.startswith("Got it. One idea file")
    assert result.a[0].content.startswith("I actually don't like much this idea")
    assert result.b[0].content.startswith("I very much like this idea")
    assert result.a[-1].id == head and result.b[-1].id == other.id
    # Each side is a contiguous chain from the ancestor's child down.
    for side in (result.a, result.b):
        assert side[0].parent_id == result.ancestor
        assert all(later.parent_id == earlier.id for earlier, later in zip(side, side[1:]))
    a, b = summarize(result.a), summarize(result.b)
    assert (b.messages, b.prompts) == (6, 3)
    assert a.messages == len(result.a) and a.usage.replies == 3 and b.usage.replies == 3
    assert a.wall_seconds is not None and a.wall_seconds > b.wall_seconds  # type: ignore[operator]


async def test_a_grove_fork_parts_where_the_copy_ends(store: Store) -> None:
    t = await store.create_thread("origin")
    await store.append(t.id, "user", "one")
    a1 = await store.append(t.id, "assistant", "two")
    u2 = await store.append(t.id, "user", "three")
    a2 = await store.append(t.id, "assistant", "four (origin)")
    fork = await store.fork_thread(u2.id)
    x = await store.append(fork.id, "assistant", "four (fork)")
    y = await store.append(t.id, "user", "five (origin)")

    result = await store.compare(x.id, y.id)
    copy_of_u2 = await store.get_message(result.ancestor)  # type: ignore[arg-type]
    assert copy_of_u2.thread_id == fork.id and payloads.copied_from(copy_of_u2.data) == u2.id
    assert [m.id for m in result.a] == [x.id]
    assert [m.id for m in result.b] == [a2.id, y.id]

    back = await store.compare(y.id, x.id)
    assert back.ancestor == u2.id
    assert [m.id for m in back.a] == [a2.id, y.id] and [m.id for m in back.b] == [x.id]

    # A fork of the fork, taken inside the copied prefix, still finds the origin's message.
    inner = await store.fork_thread((await store.path(fork.id))[1].id)  # the copy of a1
    z = await store.append(inner.id, "user", "three (fork of fork)")
    deep = await store.compare(y.id, z.id)
    assert deep.ancestor == a1.id
    assert [m.id for m in deep.b] == [z.id]


async def test_across_an_imported_codex_fork(store: Store, tmp_path: Path) -> None:
    parent, child = _codex_fork(tmp_path)
    await import_paths(store, [parent, child])
    threads = {t.metadata.get("session_id"): t for t in await store.list_threads()}
    origin, fork = threads["aaaaaaaa-0000-4000-8000-000000000001"], threads["aaaaaaaa-0000-4000-8000-000000000002"]
    assert fork.forked_from_thread_id == origin.id
    assert origin.current_leaf_id is not None and fork.current_leaf_id is not None
    result = await store.compare(origin.current_leaf_id, fork.current_leaf_id)
    assert result.ancestor is not None
    ancestor = await store.get_message(result.ancestor)
    assert ancestor.thread_id == origin.id and ancestor.content == "first answer"
    assert [m.content for m in result.a] == ["second question", "second answer"]
    assert [m.content for m in result.b] == ["a different second question", "a different answer"]


async def test_same_message_and_ancestor_of_the_other(store: Store) -> None:
    t = await store.create_thread()
    first = await store.append(t.id, "user", "one")
    second = await store.append(t.id, "assistant", "two")
    same = await store.compare(second.id, second.id)
    assert (same.ancestor, same.a, same.b) == (second.id, [], [])
    above = await store.compare(first.id, second.id)
    assert above.ancestor == first.id and above.a == [] and [m.id for m in above.b] == [second.id]


async def test_unrelated_threads_have_no_ancestor(store: Store) -> None:
    t1 = await store.create_thread()
    t2 = await store.create_thread()
    a = [await store.append(t1.id, "user", "a1"), await store.append(t1.id, "assistant", "a2")]
    b = [await store.append(t2.id, "user", "b1")]
    result = await store.compare(a[-1].id, b[-1].id)
    assert result.ancestor is None
    assert [m.id for m in result.a] == [m.id for m in a] and [m.id for m in result.b] == [b[0].id]


async def test_unknown_message_is_not_found(store: Store) -> None:
    t = await store.create_thread()
    m = await store.append(t.id, "user", "hi")
    with pytest.raises(NotFound):
        await store.compare(m.id, 999_999)


# ---------------------------------------------------------------- a forked Codex rollout


def _rec(ts: str, kind: str, payload: dict[str, Any]) -> str:
    return json.dumps({"timestamp": ts, "type": kind, "payload": payload})


def _msg(ts: str, role: str, text: str) -> str:
    block = "input_text" if role == "user" else "output_text"
    return _rec(ts, "response_item", {"type": "message", "role": role, "content": [{"type": block, "text": text}]})


def _tokens(ts: str, total: tuple[int, int, int], last: tuple[int, int, int]) -> str:
    def usage(v: tuple[int, int, int]) -> dict[str, int]:
        return {"input_tokens": v[0], "cached_input_tokens": v[1], "output_tokens": v[2], "total_tokens": v[0] + v[2]}

    return _rec(ts, "event_msg", {"type": "token_count", "info": {"total_token_usage": usage(total), "last_token_usage": usage(last)}})


def _codex_fork(folder: Path) -> tuple[Path, Path]:
    """A parent rollout and a fork of it made after its first turn, replaying that turn (tokens
    included); the parent goes on with a second turn after the fork."""
    pid, cid = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"
    context = _rec("2026-05-01T10:00:00.500Z", "turn_context", {"model": "gpt-5", "cwd": "/work"})
    first_turn = [
        _msg("2026-05-01T10:00:01.000Z", "user", "first question"),
        _msg("2026-05-01T10:00:02.000Z", "assistant", "first answer"),
        _tokens("2026-05-01T10:00:02.100Z", (1000, 0, 100), (1000, 0, 100)),
    ]
    parent = [
        _rec("2026-05-01T10:00:00.000Z", "session_meta", {"id": pid, "timestamp": "2026-05-01T10:00:00.000Z", "cwd": "/work"}),
        context,
        *first_turn,
        _msg("2026-05-01T12:01:00.000Z", "user", "second question"),
        _msg("2026-05-01T12:01:01.000Z", "assistant", "second answer"),
        _tokens("2026-05-01T12:01:01.100Z", (2200, 900, 150), (1200, 900, 50)),
    ]
    child = [
        _rec(
            "2026-05-01T11:00:00.000Z",
            "session_meta",
            {"id": cid, "timestamp": "2026-05-01T11:00:00.000Z", "cwd": "/work", "forked_from_id": pid},
        ),
        context,
        *first_turn,  # the replayed prefix: older than the fork's own session_meta
        _rec("2026-05-01T11:00:00.500Z", "turn_context", {"model": "gpt-5", "cwd": "/work"}),
        _msg("2026-05-01T11:00:01.000Z", "user", "a different second question"),
        _msg("2026-05-01T11:00:02.000Z", "assistant", "a different answer"),
        _tokens("2026-05-01T11:00:02.100Z", (2300, 1000, 170), (1300, 1000, 70)),
    ]
    day = folder / "sessions" / "2026" / "05" / "01"
    day.mkdir(parents=True)
    p = day / f"rollout-2026-05-01T10-00-00-{pid}.jsonl"
    c = day / f"rollout-2026-05-01T11-00-00-{cid}.jsonl"
    p.write_text("\n".join(parent) + "\n", encoding="utf-8")
    c.write_text("\n".join(child) + "\n", encoding="utf-8")
    return p, c
