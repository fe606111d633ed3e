"""Two messages side by side: where their paths part, and what each side holds.

`compare(store, a, b)` walks each message's *lineage* — root..message in its thread, and
for a thread made by `fork_thread` (or imported as a fork) the lineage of the message it
was forked from in place of the copied prefix — and finds the last message the two
lineages share. A copy and its original count as the same message, so two leaves of a
fork and of its origin part where the fork's new work begins. `summarize` gives the
figures a person compares branches by: messages, prompts, tool calls and how many failed,
tokens and cost (each API reply once), wall time.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from . import payloads
from .errors import NotFound
from .models import Message, MessageId, Role
from .usage import UsageTotals, message_replies, tally

if TYPE_CHECKING:
    from .store import Store

_MAX_FORK_DEPTH = 64
"""Forks of forks followed at most this deep (a guard against a lineage loop in bad data)."""

Lineage = list[tuple[MessageId, Message]]
"""root..message as (identity, message): the identity is the original behind a copy."""


class Comparison(BaseModel):
    """Two messages' paths from the point where they part."""

    ancestor: MessageId | None
    """The last message both paths share (as it stands in A's thread); None when the two
    have no lineage in common (different threads that are not forks of one another)."""
    a: list[Message]
    """From the ancestor's child down to A, oldest first (root..A without an ancestor)."""
    b: list[Message]
    """From the ancestor's child down to B, oldest first."""


class BranchSummary(BaseModel):
    """What one side of a comparison holds."""

    messages: int = 0
    prompts: int = 0
    tool_calls: int = 0
    failed_tool_calls: int = 0
    usage: UsageTotals = UsageTotals()
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def wall_seconds(self) -> float | None:
        """Seconds from the first message to the last (None without messages)."""
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


def summarize(messages: list[Message]) -> BranchSummary:
    """The figures of one side: counts, tool calls and failures, usage, time span."""
    prompts = calls = failed = 0
    for m in messages:
        kind = payloads.message_kind(m.role.value if isinstance(m.role, Role) else m.role, m.data)
        if kind is payloads.MessageKind.PROMPT:
            prompts += 1
        calls += len(payloads.tool_calls(m.data))
        failed += sum(1 for r in payloads.tool_results(m.data) if payloads.is_error_result(r))
    times = [m.created_at for m in messages]
    return BranchSummary(
        messages=len(messages),
        prompts=prompts,
        tool_calls=calls,
        failed_tool_calls=failed,
        usage=tally(message_replies(messages)),
        started_at=min(times) if times else None,
        ended_at=max(times) if times else None,
    )


async def lineage(store: Store, message: Message, depth: int = 0) -> Lineage:
    """root..message, with a fork's copied prefix replaced by the lineage it was copied from."""
    path = await store.path(message.thread_id, message.id)
    own: Lineage = [(m.id, m) for m in path]
    if depth >= _MAX_FORK_DEPTH:
        return own
    thread = await store.get_thread(message.thread_id)
    origin = await _fork_origin(store, thread.forked_from_thread_id, thread.forked_from_message_id, path)
    if origin is None:
        return own
    above = await lineage(store, origin, depth + 1)
    if not path or payloads.copied_from(path[0].data) is None:
        # An imported fork holds only its own work: it goes on after the origin message.
        return above + own
    # fork_thread copied root..origin of the origin's thread, depth for depth; `above` may
    # start with more (when the origin's thread is a fork itself): skip those.
    offset = len(above) - (origin.depth + 1)
    joined: Lineage = above[: max(0, offset)]
    for m in path:
        index = offset + m.depth
        if payloads.copied_from(m.data) is not None and m.depth <= origin.depth and 0 <= index < len(above):
            joined.append((above[index][0], m))
        else:
            joined.append((m.id, m))
    return joined


async def _fork_origin(
    store: Store, thread_id: int | None, message_id: MessageId | None, path: list[Message]
) -> Message | None:
    """The message a fork thread was forked from, when it is known and still there."""
    if message_id is not None:
        try:
            return await store.get_message(message_id)
        except NotFound:
            return None
    if thread_id is None or not path:
        return None
    # An imported fork that names only its origin thread (a Codex rollout's forked_from_id):
    # it went on from the origin's active path as it was when the fork began.
    try:
        origin_path = await store.path(thread_id)
    except NotFound:
        return None
    before = [m for m in origin_path if m.created_at <= path[0].created_at]
    return before[-1] if before else None


async def compare(store: Store, a_id: MessageId, b_id: MessageId) -> Comparison:
    """Where the paths to A and B part, and each side from there (see `Comparison`)."""
    a = await store.get_message(a_id)
    b = await store.get_message(b_id)
    line_a = await lineage(store, a)
    line_b = await lineage(store, b)
    shared = 0
    for (ia, _), (ib, _) in zip(line_a, line_b):
        if ia != ib:
            break
        shared += 1
    ancestor = line_a[shared - 1][1].id if shared else None
    return Comparison(ancestor=ancestor, a=[m for _, m in line_a[shared:]], b=[m for _, m in line_b[shared:]])


__all__ = ["BranchSummary", "Comparison", "compare", "lineage", "summarize"]
