"""A hypothesis state machine: random sequences of tree operations against a plain model.

The model below is written from design.md §2 and the documented semantics of the Store,
not from its SQL: a tree of `Node` objects per thread, a head, named checkpoints, and a
list of moves for undo. Message identity in the model is the Node object, never the id,
so a store that handed a deleted message's id to a new message and then confused the two
would disagree with it.

After every step, for every thread: the head, path(), leaves() (newest first), siblings()
of every message on the path, every message with its parent, the counts, the checkpoints
(newest first), and the events (kinds, seq 1..n with no gap, from/to of each move).
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from store_helpers import SteppingClock

from store import EventKind, InvalidOperation, NotFound, Store, StoreError

MOVES = {
    EventKind.MESSAGE_APPENDED,
    EventKind.MESSAGE_FORKED,
    EventKind.LEAF_MOVED,
    EventKind.REWOUND,
    EventKind.CHECKPOINT_RESTORED,
}
NAMES = ("alpha", "beta", "gamma")
MAX_THREADS = 3
# Which message a rule acts on: an index into the live messages, or (negative) the newest
# ones by id — deleting the newest message is what lets SQLite hand its id out again.
picks = st.one_of(st.integers(min_value=-2, max_value=-1), st.integers(min_value=0, max_value=10_000))


# ---------------------------------------------------------------------- the model


@dataclass(eq=False)
class Node:
    sid: int  # the id the store gave it (only used to talk to the store and break time ties)
    parent: Node | None
    t: datetime
    children: list[Node] = field(default_factory=list)
    alive: bool = True

    def key(self) -> tuple[datetime, int]:
        return (self.t, self.sid)

    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth() + 1


@dataclass(eq=False)
class ModelEvent:
    kind: EventKind
    src: Node | None = None
    dst: Node | None = None
    undone: bool = False


@dataclass(eq=False)
class ModelThread:
    tid: int
    head: Node | None = None
    nodes: list[Node] = field(default_factory=list)  # alive ones, in creation order
    checkpoints: dict[str, tuple[Node, int]] = field(default_factory=dict)
    events: list[ModelEvent] = field(default_factory=list)
    # Every message id seen in any thread: an id is never handed out again, even after a
    # delete (AUTOINCREMENT), so nothing that names a deleted message can name a new one.
    seen: set[int] = field(default_factory=set)

    def add(self, node: Node) -> None:
        assert node.sid not in self.seen, "the store handed out a message id twice"
        self.seen.add(node.sid)
        self.nodes.append(node)
        if node.parent is not None:
            node.parent.children.append(node)

    def path(self, leaf: Node | None = None) -> list[Node]:
        out = []
        n = self.head if leaf is None else leaf
        while n is not None:
            out.append(n)
            n = n.parent
        return out[::-1]

    def roots(self) -> list[Node]:
        return [n for n in self.nodes if n.parent is None]

    def leaves(self) -> list[Node]:
        return sorted((n for n in self.nodes if not n.children), key=Node.key, reverse=True)

    def siblings(self, node: Node) -> list[Node]:
        group = self.roots() if node.parent is None else node.parent.children
        return sorted(group, key=Node.key)

    def newest_leaf_under(self, node: Node) -> Node:
        stack, found = [node], []
        while stack:
            n = stack.pop()
            if n.children:
                stack += n.children
            else:
                found.append(n)
        return max(found, key=Node.key)

    def move(self, kind: EventKind, target: Node | None) -> None:
        self.events.append(ModelEvent(kind, self.head, target))
        self.head = target

    def undo_target(self) -> ModelEvent | None:
        for ev in reversed(self.events):
            if ev.kind in MOVES and not ev.undone and ev.src is not None and ev.src.alive:
                return ev
        return None


def _pick(items: list[Any], pick: int, by_id: Any) -> Any:
    if not items:
        return None
    if pick < 0:
        return sorted(items, key=by_id)[pick % len(items)]
    return items[pick % len(items)]


# ---------------------------------------------------------------------- the machine


class StoreMachine(RuleBasedStateMachine):
    def __init__(self, folder: Path) -> None:
        super().__init__()
        # Hypothesis drives rules synchronously: each machine gets its own event loop.
        self.loop = asyncio.new_event_loop()
        self.dir = folder
        self.clock = SteppingClock()
        self.seen: set[int] = set()  # every message id handed out, shared by the threads
        self.store: Store = self.run(Store.open(folder / "grove.db", clock=self.clock))
        t = self.run(self.store.create_thread("model"))
        self.threads: list[ModelThread] = [
            ModelThread(t.id, events=[ModelEvent(EventKind.THREAD_CREATED)], seen=self.seen)
        ]
        self.order = 0  # checkpoint save order: the clock only moves forward
        self.counter = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def refused(self, error: type[StoreError], coro: Any) -> None:
        with pytest.raises(error):
            self.run(coro)

    def teardown(self) -> None:
        try:
            self.run(self.store.close())
        finally:
            self.loop.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def thread(self, pick: int) -> ModelThread:
        return self.threads[abs(pick) % len(self.threads)]

    def node(self, th: ModelThread, pick: int) -> Node | None:
        return _pick(th.nodes, pick, lambda n: n.sid)

    def any_node(self, pick: int) -> tuple[ModelThread, Node] | None:
        return _pick([(th, n) for th in self.threads for n in th.nodes], pick, lambda tn: tn[1].sid)

    def text(self) -> str:
        self.counter += 1
        return f"message {self.counter}"

    # ------------------------------------------------------------------ rules

    @rule(tp=picks, role=st.sampled_from(["user", "assistant", "tool"]), blank=st.booleans())
    def append(self, tp: int, role: str, blank: bool) -> None:
        th = self.thread(tp)
        content = " \n" if blank else self.text()
        if blank and role == "user":
            self.refused(InvalidOperation, self.store.append(th.tid, role, content))
            return
        m = self.run(self.store.append(th.tid, role, content))
        node = Node(m.id, th.head, m.created_at)
        assert m.parent_id == (th.head.sid if th.head else None)
        th.add(node)
        th.move(EventKind.MESSAGE_APPENDED, node)

    @rule(np=picks)
    def fork(self, np: int) -> None:
        found = self.any_node(np)
        if found is None:
            self.refused(NotFound, self.store.fork(10**9, "user", "x"))
            return
        th, parent = found
        m = self.run(self.store.fork(parent.sid, "assistant", self.text()))
        node = Node(m.id, parent, m.created_at)
        th.add(node)
        th.move(EventKind.MESSAGE_FORKED, node)

    @rule(np=picks)
    def fork_thread(self, np: int) -> None:
        found = self.any_node(np)
        if found is None or len(self.threads) >= MAX_THREADS:
            self.refused(NotFound, self.store.fork_thread(10**9))
            return
        th, at = found
        new = self.run(self.store.fork_thread(at.sid))
        copied = self.run(self.store.path(new.id))
        source_path = th.path(at)
        assert len(copied) == len(source_path)
        nt = ModelThread(new.id, events=[ModelEvent(EventKind.THREAD_FORKED)], seen=self.seen)
        parent = None
        for msg, original in zip(copied, source_path):
            node = Node(msg.id, parent, original.t)
            nt.add(node)
            parent = node
        nt.head = parent
        th.events.append(ModelEvent(EventKind.THREAD_FORKED))
        self.threads.append(nt)

    @rule(tp=picks, np=picks, foreign=st.booleans())
    def set_leaf(self, tp: int, np: int, foreign: bool) -> None:
        th = self.thread(tp)
        if foreign:
            others = [n for o in self.threads if o is not th for n in o.nodes]
            if others:
                self.refused(InvalidOperation, self.store.set_leaf(th.tid, others[np % len(others)].sid))
                return
        target = self.node(th, np)
        if target is None:
            self.refused(NotFound, self.store.set_leaf(th.tid, 10**9))
            return
        got = self.run(self.store.set_leaf(th.tid, target.sid))
        assert got.current_leaf_id == target.sid
        th.move(EventKind.LEAF_MOVED, target)

    @rule(np=picks, step=st.sampled_from([-1, 1]))
    def switch_sibling(self, np: int, step: int) -> None:
        found = self.any_node(np)
        if found is None:
            return
        th, node = found
        group = th.siblings(node)
        index = group.index(node) + step
        if not 0 <= index < len(group):
            self.refused(InvalidOperation, self.store.switch_sibling(node.sid, step))
            return
        leaf = th.newest_leaf_under(group[index])
        got = self.run(self.store.switch_sibling(node.sid, step))
        assert got.current_leaf_id == leaf.sid
        th.move(EventKind.LEAF_MOVED, leaf)

    @rule(tp=picks, by=st.integers(min_value=1, max_value=6))
    def rewind_by(self, tp: int, by: int) -> None:
        th = self.thread(tp)
        path = th.path()
        if by >= len(path):  # past the root, or an empty thread
            self.refused(InvalidOperation, self.store.rewind(th.tid, by=by))
            return
        target = path[-1 - by]
        assert self.run(self.store.rewind(th.tid, by=by)).current_leaf_id == target.sid
        th.move(EventKind.REWOUND, target)

    @rule(tp=picks, np=picks)
    def rewind_to(self, tp: int, np: int) -> None:
        th = self.thread(tp)
        target = self.node(th, np)
        if target is None:
            return
        on_path = target in th.path()
        if not on_path or target is th.head:
            self.refused(InvalidOperation, self.store.rewind(th.tid, to=target.sid))
            return
        assert self.run(self.store.rewind(th.tid, to=target.sid)).current_leaf_id == target.sid
        th.move(EventKind.REWOUND, target)

    @rule(tp=picks, np=picks, half=st.booleans())
    def rewind_before(self, tp: int, np: int, half: bool) -> None:
        th = self.thread(tp)
        path = th.path()
        if not path:
            return
        moment = path[np % len(path)].t + (timedelta(milliseconds=500) if half else timedelta(0))
        older = [n for n in path if n.t < moment]
        target = max(older, key=Node.depth) if older else None
        if target is None or target is th.head:
            self.refused(InvalidOperation, self.store.rewind(th.tid, before=moment))
            return
        assert self.run(self.store.rewind(th.tid, before=moment)).current_leaf_id == target.sid
        th.move(EventKind.REWOUND, target)

    @rule(tp=picks)
    def undo(self, tp: int) -> None:
        self.undo_once(self.thread(tp))

    @rule(tp=picks)
    def undo_everything(self, tp: int) -> None:
        """Walk back through every move there is, then one more undo is refused."""
        th = self.thread(tp)
        while self.undo_once(th):
            pass

    def undo_once(self, th: ModelThread) -> bool:
        ev = th.undo_target()
        if ev is None:
            self.refused(InvalidOperation, self.store.undo(th.tid))
            return False
        got = self.run(self.store.undo(th.tid))
        assert ev.src is not None
        assert got.current_leaf_id == ev.src.sid
        ev.undone = True
        th.events.append(ModelEvent(EventKind.UNDONE, th.head, ev.src))
        th.head = ev.src
        return True

    @rule(tp=picks, np=picks, name=st.sampled_from(NAMES), at_head=st.booleans())
    def save_checkpoint(self, tp: int, np: int, name: str, at_head: bool) -> None:
        th = self.thread(tp)
        target = th.head if at_head else self.node(th, np)
        if target is None:
            if at_head:
                self.refused(InvalidOperation, self.store.save_checkpoint(th.tid, name))
            return
        cp = self.run(self.store.save_checkpoint(th.tid, name, message_id=None if at_head else target.sid))
        assert cp.message_id == target.sid
        self.order += 1
        th.checkpoints[name] = (target, self.order)
        th.events.append(ModelEvent(EventKind.CHECKPOINT_SAVED))

    @rule(tp=picks, name=st.sampled_from(NAMES))
    def restore_checkpoint(self, tp: int, name: str) -> None:
        th = self.thread(tp)
        if name not in th.checkpoints:
            self.refused(NotFound, self.store.restore_checkpoint(th.tid, name))
            return
        target = th.checkpoints[name][0]
        assert self.run(self.store.restore_checkpoint(th.tid, name)).current_leaf_id == target.sid
        th.move(EventKind.CHECKPOINT_RESTORED, target)

    @rule(tp=picks, name=st.sampled_from(NAMES))
    def delete_checkpoint(self, tp: int, name: str) -> None:
        th = self.thread(tp)
        if name not in th.checkpoints:
            self.refused(NotFound, self.store.delete_checkpoint(th.tid, name))
            return
        self.run(self.store.delete_checkpoint(th.tid, name))
        del th.checkpoints[name]
        th.events.append(ModelEvent(EventKind.CHECKPOINT_DELETED))

    @rule(np=picks, force=st.booleans())
    def delete_branch(self, np: int, force: bool) -> None:
        found = self.any_node(np)
        if found is None:
            return
        th, top = found
        doomed: list[Node] = []
        stack = [top]
        while stack:
            n = stack.pop()
            doomed.append(n)
            stack += n.children
        inside = [name for name, (n, _) in th.checkpoints.items() if n in doomed]
        if inside and not force:
            self.refused(InvalidOperation, self.store.delete_branch(top.sid))
            return
        got = self.run(self.store.delete_branch(top.sid, force=force))
        for name in inside:
            del th.checkpoints[name]
        for n in doomed:
            n.alive = False
        th.nodes = [n for n in th.nodes if n.alive]
        if top.parent is not None:
            top.parent.children.remove(top)
        if th.head is not None and not th.head.alive:
            if top.parent is not None:
                th.head = top.parent
            else:
                remaining = th.leaves()
                th.head = remaining[0] if remaining else None
        assert got.current_leaf_id == (th.head.sid if th.head else None)
        th.events.append(ModelEvent(EventKind.BRANCH_DELETED))

    # ------------------------------------------------------------------ the comparison

    @invariant()
    def store_agrees_with_model(self) -> None:
        for th in self.threads:
            self.run(self.compare(th))

    async def compare(self, th: ModelThread) -> None:
        s = self.store
        sid = lambda n: None if n is None else n.sid  # noqa: E731
        t = await s.get_thread(th.tid)
        assert t.current_leaf_id == sid(th.head)
        assert (t.message_count, t.leaf_count) == (len(th.nodes), len(th.leaves()))
        assert [m.id for m in await s.path(th.tid)] == [n.sid for n in th.path()]
        assert [m.id for m in await s.leaves(th.tid)] == [n.sid for n in th.leaves()]
        stored = {m.id: m.parent_id for m in await s.messages(th.tid)}
        assert stored == {n.sid: sid(n.parent) for n in th.nodes}
        for n in th.path():
            assert [m.id for m in await s.siblings(n.sid)] == [x.sid for x in th.siblings(n)]
        cps = await s.list_checkpoints(th.tid)
        expected = sorted(th.checkpoints.items(), key=lambda kv: kv[1][1], reverse=True)
        assert [(c.name, c.message_id) for c in cps] == [(name, n.sid) for name, (n, _) in expected]
        events = await s.events(th.tid, limit=100_000)
        assert [e.seq for e in events] == list(range(1, len(th.events) + 1))
        assert [e.kind for e in events] == [e.kind for e in th.events]
        live = lambda n: n.sid if n is not None and n.alive else None  # noqa: E731
        for got, want in zip(events, th.events):
            if want.kind in MOVES or want.kind is EventKind.UNDONE:
                assert (got.from_leaf_id, got.to_leaf_id) == (live(want.src), live(want.dst)), (got, want)


SETTINGS = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_store_agrees_with_the_model(tmp_path: Path) -> None:
    runs = itertools.count()

    def machine() -> StoreMachine:
        folder = tmp_path / f"run{next(runs)}"
        folder.mkdir()
        return StoreMachine(folder)

    run_state_machine_as_test(machine, settings=SETTINGS)
