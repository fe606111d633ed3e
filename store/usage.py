"""Token usage and cost, each API reply counted once.

Agents write one API reply's usage on several records: Claude Code splits a reply into
one entry per content block, all with the same `message.id` and the same usage; a resumed
Claude Code session starts with a copy of the session it resumed (same `message.id`s);
`fork_thread` copies root..message into a new thread; a forked Codex rollout replays its
parent's items (the importer drops that prefix). Summing usage per record counts the
same reply two, three, four times (ccusage #1175, #897). Here:

- a *reply* is keyed by its API reply id (`payloads.reply_id`: Claude Code `message.id`);
  a message without one (a Codex turn's API call, whose usage the importer puts on the
  message it ended with) is its own reply;
- a message `fork_thread` copied (`payloads.copied_from`) counts zero: its original counts;
- of several messages with the same reply id, the *owner* counts and the rest count zero:
  the oldest message, and between copies written at the same moment (a resumed session
  repeats the entries of the one it resumed, timestamps and all), the one in the thread
  whose last activity is older — the session that was resumed, not the resumption.

Usage *per thread* counts the replies it owns, across all its branches; *per branch*
(root..leaf) the owned replies on that path; *overall* every reply once. A thread's reply
ids are looked for in the other threads of the same source and project (where a resumed
session of it lives), so per-thread figures read one project, not the whole database.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from . import payloads
from .models import Message, MessageId, ThreadId
from .prices import Tokens, reply_cost
from .rows import decode_time

GROUPINGS = ("thread", "project", "model", "day")
"""What `Store.usage(by=…)` can group by."""


class UsageTotals(BaseModel):
    """Tokens and dollars of a set of replies, each counted once."""

    input_tokens: int = 0
    """Input tokens not read from or written to the prompt cache."""
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float | None = 0.0
    """Dollars from the genai-prices tables; None when a reply's model has no known price
    (its tokens are still counted): unknown, never 0."""
    replies: int = 0
    """How many API replies were counted."""
    unpriced_replies: int = 0
    """How many of them used tokens with a model the price tables do not know."""

    @property
    def tokens(self) -> int:
        """Every token counted."""
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens


class UsageRow(UsageTotals):
    """One row of `grove usage`: the totals of one group."""

    key: str | int | None
    """The group: a thread id, a project path, a model name, a day (YYYY-MM-DD), or "total"."""
    title: str | None = None
    """A thread row's title."""


@dataclass(frozen=True)
class Reply:
    """The usage one message carries, and who it belongs to."""

    message_id: MessageId
    thread_id: ThreadId
    created_at: datetime
    key: str
    """The API reply id, or `#<message id>` when the source has none."""
    model: str | None
    tokens: Tokens


def reply_of(message_id: MessageId, thread_id: ThreadId, created_at: datetime, data: dict[str, Any]) -> Reply | None:
    """The reply a message's data records, or None (no usage, or a copy made by fork_thread)."""
    if payloads.usage(data) is None or payloads.copied_from(data) is not None:
        return None
    tokens = Tokens(*payloads.usage_tokens(data))
    key = payloads.reply_id(data) or f"#{message_id}"
    return Reply(message_id, thread_id, created_at, key, payloads.model(data), tokens)


def message_replies(messages: Iterable[Message]) -> list[Reply]:
    """The replies these messages record (copies left out)."""
    out = []
    for m in messages:
        reply = reply_of(m.id, m.thread_id, m.created_at, m.data)
        if reply is not None:
            out.append(reply)
    return out


def tally(replies: Iterable[Reply]) -> UsageTotals:
    """Totals of the replies, each reply key counted once (the first seen)."""
    seen: set[str] = set()
    totals = [0, 0, 0, 0]
    cost: float | None = 0.0
    count = unpriced = 0
    for reply in replies:
        if reply.key in seen:
            continue
        seen.add(reply.key)
        count += 1
        for i, value in enumerate(reply.tokens):
            totals[i] += value
        price = reply_cost(reply.model, reply.tokens, reply.created_at)
        if price is None:
            unpriced += 1
            cost = None
        elif cost is not None:
            cost += price
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens = totals
    return UsageTotals(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
        cost_usd=None if cost is None else round(cost, 10),
        replies=count,
        unpriced_replies=unpriced,
    )


def message_usage(message: Message) -> UsageTotals:
    """The tokens and dollars of the reply one message records (zero for a copy or no usage).

    A reply written as several messages shows its whole usage on each; sums over
    messages go through `tally`, which counts it once.
    """
    return tally(message_replies([message]))


# ---------------------------------------------------------------- reads (on the connection's thread)


@dataclass(frozen=True)
class _Owned:
    reply: Reply
    project: str | None
    title: str | None


def _replies_sql(where: str) -> str:
    return (
        "SELECT m.id, m.thread_id, m.created_at, m.data, t.updated_at, t.project, t.title"
        " FROM messages m JOIN threads t ON t.id = m.thread_id"
        f" WHERE instr(m.data, ?) > 0 {where}"
    )


def _owned(rows: Sequence[tuple[Any, ...]]) -> list[_Owned]:
    """The replies of these rows that count: one owner per reply key (see the module docstring)."""
    best: dict[str, tuple[tuple[str, str, int], _Owned]] = {}
    for mid, tid, created, text, thread_updated, project, title in rows:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        moment = decode_time(created)
        if moment is None:
            continue
        reply = reply_of(mid, tid, moment, data)
        if reply is None:
            continue
        rank = (created, thread_updated, mid)
        held = best.get(reply.key)
        if held is None or rank < held[0]:
            best[reply.key] = (rank, _Owned(reply, project, title))
    return [owned for _, owned in best.values()]


def rx_all_replies(conn: sqlite3.Connection) -> list[_Owned]:
    """Every counted reply of the database."""
    rows = conn.execute(_replies_sql(""), (payloads.USAGE_MARKER,)).fetchall()
    return _owned(rows)


def rx_thread_replies(conn: sqlite3.Connection, thread_id: ThreadId) -> list[Reply]:
    """The replies a thread owns, across every branch."""
    found = conn.execute("SELECT source, project FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if found is None:
        return []
    source, project = found
    rows = conn.execute(
        _replies_sql("AND m.thread_id IN (SELECT id FROM threads WHERE source = ? AND project IS ?)"),
        (payloads.USAGE_MARKER, source, project),
    ).fetchall()
    return [o.reply for o in _owned(rows) if o.reply.thread_id == thread_id]


def group(owned: list[_Owned], by: str | None, since: datetime | None) -> list[UsageRow]:
    """Rows of totals per group (one "total" row when `by` is None), biggest cost first."""
    buckets: dict[Any, list[Reply]] = {}
    titles: dict[Any, str | None] = {}
    for item in owned:
        reply = item.reply
        if since is not None and reply.created_at < since:
            continue
        if by == "thread":
            key: Any = reply.thread_id
            titles[key] = item.title
        elif by == "project":
            key = item.project
        elif by == "model":
            key = reply.model
        elif by == "day":
            key = reply.created_at.date().isoformat()
        else:
            key = "total"
        buckets.setdefault(key, []).append(reply)
    if by is None and not buckets:
        buckets["total"] = []
    rows = [
        UsageRow(key=key, title=titles.get(key), **tally(sorted(replies, key=lambda r: r.created_at)).model_dump())
        for key, replies in buckets.items()
    ]
    if by == "day":
        rows.sort(key=lambda r: str(r.key))
    else:
        rows.sort(key=lambda r: (-(r.cost_usd or 0.0), -r.tokens, str(r.key)))
    return rows


__all__ = [
    "GROUPINGS",
    "Reply",
    "UsageRow",
    "UsageTotals",
    "group",
    "message_replies",
    "message_usage",
    "reply_of",
    "rx_all_replies",
    "rx_thread_replies",
    "tally",
]
