"""Commands that read: threads, show, tree, events, checkpoints, search, export."""

from __future__ import annotations

import argparse
import json
import os

from store import Store, Thread
from tui.safe_text import clean_line, json_text
from tui.thread_model import active_path, children_of, walk_tree

from .output import describe_thread, dump, short, summary, table, when
from .parsing import UsageError


async def _project_of(store: Store, given: str) -> str:
    """The stored project path `--project` names: as written, or as a folder from here."""
    known = {path for path, _ in await store.projects(include_hidden=True, include_archived=True)}
    for candidate in (given, given.rstrip("/") or given, os.path.abspath(os.path.expanduser(given))):
        if candidate in known:
            return candidate
    raise UsageError(f"No thread belongs to the project {clean_line(given)!r}; `grove threads --json` shows each thread's project.")


async def cmd_threads(store: Store, args: argparse.Namespace) -> str:
    threads: list[Thread] = []
    offset = 0
    project = await _project_of(store, args.project) if args.project else None
    while True:
        page = await store.list_threads(limit=500, offset=offset, include_hidden=args.all, project=project)
        threads += page
        if len(page) < 500:
            break
        offset += 500
    if args.json:
        return dump(threads)
    if not threads:
        return "No threads yet. Try `grove import`."
    rows = []
    for t in threads:
        title = ("↳ " if t.parent_thread_id or t.forked_from_thread_id else "") + (short(t.title, 60) or "Untitled")
        rows.append([str(t.id), when(t.updated_at), short(t.source, 20), str(t.message_count), str(t.leaf_count), title])
    return table(rows, ["ID", "UPDATED", "SOURCE", "MSGS", "LEAVES", "TITLE"])


async def cmd_show(store: Store, args: argparse.Namespace) -> str:
    thread = await store.get_thread(args.thread)
    path = await store.path(args.thread)
    if args.json:
        return dump({"thread": thread, "path": path})
    out = [describe_thread(thread), ""]
    for m in path:
        if m.data.get("kind") == "compact_boundary":
            out += [f"──── conversation compacted · {when(m.created_at)} ────", ""]
            continue
        siblings = ""
        out.append(f"[{m.id}] {m.role.value} · {when(m.created_at)}{siblings}")
        for line in (m.content or "").splitlines() or [""]:
            out.append("    " + clean_line(line))
        for call in m.data.get("tool_calls") or []:
            if isinstance(call, dict):
                out.append(f"    ⚙ {clean_line(str(call.get('name')))} {short(json.dumps(call.get('input'), ensure_ascii=False), 60)}")
        out.append("")
    return "\n".join(out).rstrip()


async def cmd_tree(store: Store, args: argparse.Namespace) -> str:
    thread = await store.get_thread(args.thread)
    messages = await store.messages(args.thread)
    if args.json:
        return dump({"thread": thread, "messages": messages})
    children = children_of(messages)
    active = {m.id for m in active_path({m.id: m for m in messages}, thread.current_leaf_id)}
    out = [describe_thread(thread), ""]
    for m, guide in walk_tree(children):
        mark = "*" if m.id in active else " "
        head = "  ◀ head" if m.id == thread.current_leaf_id else ""
        out.append(f"{mark} {guide}[{m.id}] {m.role.value}: {summary(m)}{head}")
    return "\n".join(out)


async def cmd_events(store: Store, args: argparse.Namespace) -> str:
    await store.get_thread(args.thread)
    events = []
    after = 0
    while True:
        page = await store.events(args.thread, after_seq=after, limit=1000)
        events += page
        if len(page) < 1000:
            break
        after = page[-1].seq
    if args.json:
        return dump(events)
    rows = []
    for e in events:
        move = f"{e.from_leaf_id if e.from_leaf_id is not None else '-'} → {e.to_leaf_id}" if e.to_leaf_id is not None or e.from_leaf_id is not None else ""
        detail = short(json.dumps(e.data, ensure_ascii=False), 50) if e.data else ""
        rows.append([str(e.seq), when(e.created_at), e.kind.value, str(e.message_id or ""), move, detail])
    return table(rows, ["SEQ", "TIME", "KIND", "MESSAGE", "HEAD", "DATA"])


async def cmd_checkpoints(store: Store, args: argparse.Namespace) -> str:
    checkpoints = await store.list_checkpoints(args.thread)
    if args.json:
        return dump(checkpoints)
    if not checkpoints:
        return f"Thread {args.thread} has no checkpoints."
    rows = [[short(c.name, 30), str(c.message_id), c.kind.value, when(c.created_at), short(c.note, 40)] for c in checkpoints]
    return table(rows, ["NAME", "MESSAGE", "KIND", "SAVED", "NOTE"])


async def cmd_search(store: Store, args: argparse.Namespace) -> str:
    hits = await store.search(args.text, limit=50)
    if args.json:
        return dump(hits)
    if not hits:
        return "No messages match."
    rows = [[str(h.thread_id), str(h.message_id), h.role.value, when(h.created_at), short(h.snippet, 80)] for h in hits]
    return table(rows, ["THREAD", "MESSAGE", "ROLE", "TIME", "SNIPPET"])


async def cmd_export(store: Store, args: argparse.Namespace) -> str:
    from store.exporters import export_json, export_markdown

    if args.format == "markdown":
        return (await export_markdown(store, args.thread)).rstrip("\n")
    return json_text(await export_json(store, args.thread), indent=1)
