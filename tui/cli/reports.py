"""Figures: `grove compare` (two branches side by side) and `grove usage` (tokens and cost)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from store import Store
from tui import figures
from tui.safe_text import clean_line, json_text

from .output import short, summary, table, when
from .parsing import UsageError


async def cmd_compare(store: Store, args: argparse.Namespace) -> str:
    from store.compare import summarize

    result = await store.compare(args.a, args.b)
    if args.json:
        return result.model_dump_json(indent=2)
    where = f"they part after #{result.ancestor}" if result.ancestor is not None else "no shared lineage"
    out = [f"A #{args.a} · B #{args.b} · {where}", ""]
    sides = [summarize(result.a), summarize(result.b)]
    rows = [
        ["messages", *(str(s.messages) for s in sides)],
        ["prompts", *(str(s.prompts) for s in sides)],
        ["tool calls", *(f"{s.tool_calls} ({s.failed_tool_calls} failed)" for s in sides)],
        ["tokens", *(figures.tokens(s.usage.tokens) for s in sides)],
        ["cost", *(figures.cost(s.usage.cost_usd) for s in sides)],
        ["wall time", *(figures.duration(s.wall_seconds) for s in sides)],
    ]
    out += [table(rows, ["", "A", "B"]), ""]
    for name, messages in (("A", result.a), ("B", result.b)):
        out.append(f"{name}: {len(messages)} messages" + (":" if messages else ""))
        out += [f"  [{m.id}] {m.role.value} · {when(m.created_at)}: {summary(m)}" for m in messages]
        out.append("")
    return "\n".join(out).rstrip()


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since wants a date like 2026-05-11 or 2026-05-11T08:30, not {clean_line(text)!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def cmd_usage(store: Store, args: argparse.Namespace) -> str:
    rows = await store.usage(by=args.by, since=_since(args.since))
    if args.json:
        return json_text([r.model_dump(mode="json") for r in rows], indent=2)
    lines = []
    for r in rows:
        key = str(r.key) if r.key is not None else "(none)"
        if args.by == "thread":
            key = f"{r.key} {short(r.title, 40) or 'Untitled'}"
        elif args.by == "project":
            key = short(key, 50)
        lines.append(
            [
                key,
                str(r.replies),
                figures.tokens(r.input_tokens),
                figures.tokens(r.output_tokens),
                figures.tokens(r.cache_read_tokens),
                figures.tokens(r.cache_write_tokens),
                figures.cost(r.cost_usd),
            ]
        )
    header = (args.by or "").upper() or "ALL"
    text = table(lines, [header, "REPLIES", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE", "COST"])
    if any(r.unpriced_replies for r in rows):
        text += "\n\nCost unknown: some replies came from a model without a known price (their tokens are counted)."
    return text
