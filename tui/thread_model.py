"""The shape of one thread, computed from all its messages (pure Python, no Textual).

A thread is a tree of messages with one current leaf (the head). Everything the app and
the CLI show about that tree is derived here, once:

- `children_of`: each message's children, oldest first; messages whose parent is not in
  the thread count as roots, so a partial or damaged thread still shows every message.
- `active_path`: root → head.
- `sibling_positions`: ‹k/n› for each path message that has siblings.
- `view_of`: all of that for the open thread, plus "branch k of n".
- `build_runs`: the tree with linear chains collapsed, one `Run` per line (BranchTree).
- `walk_tree`: every message with its tree guide, depth first (`grove tree`).
- `first_words`: a message's opening words on one line.

Every walk is iterative: a 10,000-message path must not hit the recursion limit, and a
cycle in damaged data must not loop forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from store import Message, Thread, payloads

from .safe_text import clean_line

Children = dict[int | None, list[Message]]
"""Each message id's children, oldest first; the roots are under None."""

SiblingInfo = tuple[int, int]
"""(position, count) of a message among its siblings, 1-based: ‹2/3›."""


def first_words(text: str, count: int = 8) -> str:
    """The first `count` words of `text` on one line, cleaned; '…' when cut."""
    words = clean_line(text).split()
    if len(words) <= count:
        return " ".join(words)
    return " ".join(words[:count]) + "…"


def names_a_run(message: Message) -> bool:
    """A prompt or a reply: what a person recognises a branch by."""
    return payloads.message_kind(message.role, message.data) in (payloads.MessageKind.PROMPT, payloads.MessageKind.REPLY)


def _age(message: Message) -> tuple[datetime, int]:
    return (message.created_at, message.id)


def children_of(messages: list[Message]) -> Children:
    """Each message's children, oldest first (roots, and orphans, under None)."""
    ids = {m.id for m in messages}
    children: Children = {}
    for message in messages:
        parent = message.parent_id if message.parent_id in ids else None
        children.setdefault(parent, []).append(message)
    for kids in children.values():
        if len(kids) > 1:
            kids.sort(key=_age)
    return children


def active_path(by_id: dict[int, Message], head_id: int | None) -> list[Message]:
    """The messages from the root to `head_id`, root first (empty when there is no head)."""
    path: list[Message] = []
    seen: set[int] = set()
    cursor = head_id
    while cursor is not None and cursor in by_id and cursor not in seen:
        seen.add(cursor)
        path.append(by_id[cursor])
        cursor = by_id[cursor].parent_id
    path.reverse()
    return path


def sibling_positions(path: list[Message], children: Children, by_id: dict[int, Message]) -> dict[int, SiblingInfo]:
    """‹k/n› of each message of `path` that has siblings (keyed by message id)."""
    positions: dict[int, SiblingInfo] = {}
    for message in path:
        kids = children.get(message.parent_id if message.parent_id in by_id else None, [])
        if len(kids) > 1:
            positions[message.id] = (next(i for i, k in enumerate(kids) if k.id == message.id) + 1, len(kids))
    return positions


def newest_leaf_under(message: Message, children: Children) -> Message:
    """The newest leaf at or under `message`: where its branch was last left."""
    best: Message | None = None
    stack = [message]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current.id in seen:
            continue
        seen.add(current.id)
        kids = children.get(current.id, [])
        if not kids and (best is None or _age(current) > _age(best)):
            best = current
        stack.extend(kids)
    return best if best is not None else message


@dataclass
class ThreadView:
    """What the open thread looks like, computed from all its messages."""

    thread: Thread
    messages: list[Message]
    path: list[Message]
    """Root → head."""
    siblings: dict[int, SiblingInfo]
    """‹k/n› of the path messages that have siblings."""
    branch: int
    """1-based index of the head's branch among the thread's leaves (0 when empty)."""
    branches: int
    """How many leaves the thread has."""
    children: Children
    """Each message's children, oldest first (roots under None)."""

    @property
    def fork_point(self) -> tuple[Message, SiblingInfo] | None:
        """The deepest path message that has siblings, with its ‹k/n›: what the header shows,
        in the same numbering as the transcript's sibling marks (None on a single branch)."""
        for message in reversed(self.path):
            if (info := self.siblings.get(message.id)) is not None:
                return message, info
        return None


def view_of(thread: Thread, messages: list[Message]) -> ThreadView:
    """Active path, ‹n/m› of each path message and "branch k of n" from a thread's messages."""
    by_id = {m.id: m for m in messages}
    children = children_of(messages)
    path = active_path(by_id, thread.current_leaf_id)
    siblings = sibling_positions(path, children, by_id)
    leaves = sorted((m for m in messages if m.id not in children), key=_age)
    branch = 0
    if path:
        best = newest_leaf_under(path[-1], children)
        branch = next((i + 1 for i, leaf in enumerate(leaves) if leaf.id == best.id), 0)
    return ThreadView(thread, messages, path, siblings, branch, len(leaves), children)


def path_view(thread: Thread, path: list[Message]) -> ThreadView:
    """What can be shown from the active path alone, before the rest of the thread is read:
    the path, no ‹k/n› marks yet, the branch count from the thread's row."""
    return ThreadView(thread, list(path), list(path), {}, 0, thread.leaf_count, children_of(path))


def grown_view(view: ThreadView, thread: Thread, added: list[Message]) -> tuple[ThreadView, bool]:
    """The view after `added` (messages stored after all of the view's) and `thread`'s new row.

    Returns (view, extends): `extends` is True when the new path is the old one with
    `added` after it — the common live case, an agent appending under the head — so the
    transcript can append instead of laying the whole path out again. Any other change
    (a branch, a head move) is recomputed from the messages in hand, without a read.
    """
    messages = view.messages + added
    old_head = view.path[-1].id if view.path else None
    new_ids = {m.id: m for m in added}
    chain = active_path(new_ids, thread.current_leaf_id)
    extends = (
        bool(added)
        and len(chain) == len(added)
        and chain[0].parent_id == old_head
        and old_head not in view.children  # the old head was a leaf, so no new siblings
        and (old_head is not None or not view.messages)
    )
    if not extends:
        return view_of(thread, messages), False
    children = dict(view.children)
    for message in chain:
        children[message.parent_id] = [message]
    branch = view.branch
    if view.branches > 1:  # the old leaf gave way to the new one: its place among the leaves
        leaf = chain[-1]
        branch = 1 + sum(1 for m in view.messages if m.id not in children and _age(m) < _age(leaf))
    else:
        branch = 1
    grown = ThreadView(thread, messages, view.path + chain, view.siblings, branch, max(1, view.branches), children)
    return grown, True


@dataclass(frozen=True)
class _Prefix:
    """One level of tree lines, linked to the levels above (shared, so deep trees stay cheap)."""

    up: _Prefix | None
    text: str
    """`│ ` when the ancestor at this level has siblings below it, else two spaces."""


@dataclass(frozen=True)
class Run:
    """A collapsed chain of messages, each with exactly one child: one line of the tree.

    A run ends at a leaf or at a branch point (a message with several children), whose
    children each start a run.
    """

    first: Message
    last: Message
    count: int
    depth: int
    prefix: _Prefix | None
    last_sibling: bool
    on_path: bool
    has_head: bool
    named_by: Message | None = None
    """The run's first prompt or reply, which names it in the tree (its first message may be
    a real session's instructions, context or a command caveat); None: the first message."""

    @property
    def label(self) -> Message:
        """The message whose first words name the run."""
        return self.named_by or self.first

    def guide(self, max_levels: int = 1_000_000) -> str:
        """The tree lines before the node (`│ ├─`), at most `max_levels` levels deep."""
        if self.depth == 0:
            return ""
        parts = ["└─" if self.last_sibling else "├─"]
        node = self.prefix
        while node is not None and len(parts) < max_levels:
            parts.append(node.text)
            node = node.up
        if node is not None:
            parts.append("…")
        return "".join(reversed(parts))


def build_runs(messages: list[Message], head_id: int | None, children: Children | None = None) -> list[Run]:
    """The runs of a thread's tree in display order (depth first, oldest child first)."""
    by_id = {m.id: m for m in messages}
    if children is None:
        children = children_of(messages)
    on_path = {m.id for m in active_path(by_id, head_id)}
    runs: list[Run] = []
    # Stack entries: (first message of the run, depth, guide prefix for it, is last sibling).
    roots = children.get(None, [])
    stack: list[tuple[Message, int, _Prefix | None, bool]] = [
        (m, 0, None, i == len(roots) - 1) for i, m in reversed(list(enumerate(roots)))
    ]
    while stack:
        first, depth, prefix, last_sibling = stack.pop()
        count = 1
        last = first
        has_head = first.id == head_id
        named_by = first if names_a_run(first) else None
        seen = {first.id}
        while len(kids := children.get(last.id, [])) == 1 and kids[0].id not in seen:
            last = kids[0]
            seen.add(last.id)
            count += 1
            has_head = has_head or last.id == head_id
            if named_by is None and names_a_run(last):
                named_by = last
        child_prefix = None if depth == 0 else _Prefix(prefix, "  " if last_sibling else "│ ")
        runs.append(Run(first, last, count, depth, prefix, last_sibling, first.id in on_path, has_head, named_by))
        kids = [k for k in children.get(last.id, []) if k.id not in seen]
        for i, kid in reversed(list(enumerate(kids))):
            stack.append((kid, depth + 1, child_prefix, i == len(kids) - 1))
    return runs


def walk_tree(children: Children) -> Iterator[tuple[Message, str]]:
    """Every message depth first (oldest child first) with the guide to print before it.

    A linear chain stays at one indentation; each branch point indents its children
    with `├─ ` / `└─ ` and carries `│  ` down for the siblings still to come.
    """

    def pushes(kids: list[Message], prefix: str) -> list[tuple[Message, str, str]]:
        if len(kids) == 1:
            return [(kids[0], prefix, prefix)]
        items = []
        for i, kid in enumerate(kids):
            last = i == len(kids) - 1
            items.append((kid, prefix + ("└─ " if last else "├─ "), prefix + ("   " if last else "│  ")))
        return list(reversed(items))

    seen: set[int] = set()
    stack = pushes(children.get(None, []), "")
    while stack:
        message, line_prefix, child_prefix = stack.pop()
        if message.id in seen:
            continue
        seen.add(message.id)
        yield message, line_prefix
        stack += pushes(children.get(message.id, []), child_prefix)


__all__ = [
    "Children",
    "Run",
    "SiblingInfo",
    "ThreadView",
    "active_path",
    "build_runs",
    "children_of",
    "first_words",
    "names_a_run",
    "grown_view",
    "newest_leaf_under",
    "sibling_positions",
    "view_of",
    "walk_tree",
]
