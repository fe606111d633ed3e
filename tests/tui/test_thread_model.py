"""The thread model: path, siblings, branches, runs and tree guides from a thread's messages.

The model is checked against the store itself (a real SQLite file): whatever the store
says about a tree (`path`, `siblings`, `leaves`, `newest_leaf`), the model derived from
`store.messages` must say the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from store import Message, Role, Store, Thread
from tui.thread_model import (
    active_path,
    build_runs,
    children_of,
    first_words,
    newest_leaf_under,
    view_of,
    walk_tree,
)

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)


def clock() -> Callable[[], datetime]:
    moments = (T0 + timedelta(seconds=i) for i in range(1_000_000))
    return lambda: next(moments)


def msg(id: int, parent: int | None, text: str = "", at: int | None = None) -> Message:
    return Message(id=id, thread_id=1, parent_id=parent, role=Role.USER, content=text or f"m{id}",
                   created_at=T0 + timedelta(seconds=at if at is not None else id))


def thread(head: int | None) -> Thread:
    return Thread(id=1, title="t", created_at=T0, updated_at=T0, current_leaf_id=head)


async def _branchy(store: Store) -> tuple[Thread, dict[str, Message]]:
    """root → a → b → c, with b2 a second child of a (→ b2x) and a2 a second child of root."""
    t = await store.create_thread("tree")
    named: dict[str, Message] = {}
    named["root"] = await store.append(t.id, "user", "root question")
    named["a"] = await store.append(t.id, "assistant", "first answer")
    named["b"] = await store.append(t.id, "user", "follow up")
    named["c"] = await store.append(t.id, "assistant", "second answer")
    named["b2"] = await store.fork(named["a"].id, "user", "another follow up")
    named["b2x"] = await store.append(t.id, "assistant", "answer to the other")
    named["a2"] = await store.fork(named["root"].id, "assistant", "a different first answer")
    return await store.get_thread(t.id), named


async def test_view_agrees_with_the_store(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "grove.db", clock=clock()) as store:
        t, named = await _branchy(store)
        for head in ("c", "b2x", "a2", "b"):
            t = await store.set_leaf(t.id, named[head].id)
            view = view_of(t, await store.messages(t.id))
            assert [m.id for m in view.path] == [m.id for m in await store.path(t.id)]
            for m in view.path:
                siblings = await store.siblings(m.id)
                expected = (
                    ([s.id for s in siblings].index(m.id) + 1, len(siblings)) if len(siblings) > 1 else None
                )
                assert view.siblings.get(m.id) == expected
            leaves = await store.leaves(t.id)
            assert view.branches == len(leaves) == 3
            newest = await store.newest_leaf(named[head].id)
            oldest_first = sorted(leaves, key=lambda m: (m.created_at, m.id))
            assert view.branch == [m.id for m in oldest_first].index(newest.id) + 1
            assert newest_leaf_under(named[head], view.children).id == newest.id


async def test_runs_and_walk_of_a_stored_tree(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "grove.db", clock=clock()) as store:
        t, named = await _branchy(store)
        t = await store.set_leaf(t.id, named["c"].id)
        messages = await store.messages(t.id)
    runs = build_runs(messages, t.current_leaf_id)
    by_id = {m.id: k for k, m in named.items()}
    assert [(by_id[r.first.id], by_id[r.last.id], r.count, r.depth) for r in runs] == [
        ("root", "root", 1, 0),
        ("a", "a", 1, 1),
        ("b", "c", 2, 2),
        ("b2", "b2x", 2, 2),
        ("a2", "a2", 1, 1),
    ]
    assert [r.on_path for r in runs] == [True, True, True, False, False]
    assert [r.has_head for r in runs] == [False, False, True, False, False]
    assert [r.guide() for r in runs] == ["", "├─", "│ ├─", "│ └─", "└─"]
    assert [r.guide(max_levels=1) for r in runs][2] == "…├─"
    walked = [(by_id[m.id], guide) for m, guide in walk_tree(children_of(messages))]
    assert walked == [
        ("root", ""),
        ("a", "├─ "),
        ("b", "│  ├─ "),
        ("c", "│  │  "),
        ("b2", "│  └─ "),
        ("b2x", "│     "),
        ("a2", "└─ "),
    ]


def test_orphans_become_roots_and_siblings_sort_by_age() -> None:
    # 5's parent is not in the thread (a partial import): it is a root, after 1 by age.
    messages = [msg(3, 1, at=30), msg(2, 1, at=20), msg(1, None), msg(5, 99, at=50)]
    children = children_of(messages)
    assert [m.id for m in children[None]] == [1, 5]
    assert [m.id for m in children[1]] == [2, 3]
    view = view_of(thread(3), messages)
    assert [m.id for m in view.path] == [1, 3]
    assert view.siblings == {1: (1, 2), 3: (2, 2)}
    assert (view.branch, view.branches) == (2, 3)


def test_a_cycle_in_damaged_data_ends() -> None:
    # 1 → 2 → 1: no message is a root; every walk must still stop.
    messages = [msg(1, 2), msg(2, 1)]
    by_id = {m.id: m for m in messages}
    assert [m.id for m in active_path(by_id, 2)] == [1, 2]
    children = children_of(messages)
    assert newest_leaf_under(messages[0], children).id == 1  # no leaf below: the message itself
    assert list(walk_tree(children)) == []
    assert build_runs(messages, 2) == []


def test_empty_thread() -> None:
    view = view_of(thread(None), [])
    assert (view.path, view.siblings, view.branch, view.branches) == ([], {}, 0, 0)
    assert build_runs([], None) == []


def test_deep_paths_do_not_recurse() -> None:
    messages = [msg(i, i - 1 if i > 1 else None) for i in range(1, 20_001)]
    view = view_of(thread(20_000), messages)
    assert len(view.path) == 20_000 and view.branches == 1
    runs = build_runs(messages, 20_000)
    assert len(runs) == 1 and runs[0].count == 20_000 and runs[0].has_head
    assert sum(1 for _ in walk_tree(view.children)) == 20_000


def test_first_words_cuts_and_cleans() -> None:
    assert first_words("one  two\nthree", 2) == "one two…"
    assert first_words("one two", 2) == "one two"
    assert first_words("a\x1b[2Jb c", 5) == "ab c"
