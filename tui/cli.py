"""The `grove` command (design.md §3).

`grove` alone opens the app; subcommands read and change the database from a shell. Every
command takes the database from `--db PATH`, else `$GROVE_DB`, else the user data folder.
Read commands print plain-text tables and trees, or with `--json` the store's pydantic
models as one JSON document. Write commands print the resulting thread. Mistakes are one
line on stderr: exit code 2 for bad arguments, 1 for an unknown id or a refused operation;
never a traceback.

Transcript text is untrusted: every piece of it printed for a person goes through
`tui.safe_text.clean_line`, so escape sequences in a session never reach the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NoReturn

from store import Message, NotFound, Source, Store, StoreError, Thread
from store.sources import AGENT_NAMES
from store.errors import disk_full
from tui import figures
from tui.paths import DB_ENV, default_db_path
from tui.safe_text import clean_line, json_text
from tui.thread_model import active_path, children_of, walk_tree

PROG = "grove"


class UsageError(Exception):
    """Bad arguments: exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one sentence on stderr and exit code 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message[0].upper() + message[1:] + ("" if message.endswith(".") else "."))


def _db_parent() -> _Parser:
    parent = _Parser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, help="the database file (default: $GROVE_DB, else the user data folder)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    db = _db_parent()
    parser = _Parser(prog=PROG, description="Browse and branch your AI agent conversations.")
    parser.add_argument("--db", default=None, help="the database file (default: $GROVE_DB, else the user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo database (never yours)")
    parser.add_argument("--follow", action="store_true", help="keep importing sessions as agents write them")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, *, json_flag: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[db])
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON instead of text")
        return p

    p = command("import", "import sessions (default: ~/.claude/projects and ~/.codex/sessions)")
    p.add_argument("--format", default="auto", choices=["auto", *Source])
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to import")
    p = command("watch", "keep importing sessions as agents write them (default: the standard folders)", json_flag=False)
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to follow")
    p.add_argument("--poll", action="store_true", help="poll for changes instead of using file-system events")
    command("keys", "every key of the app: binding id, keys in effect (config.toml [keymap]), what it does")
    p = command("threads", "list threads, most recently active first")
    p.add_argument("--all", action="store_true", help="also hidden threads (Claude Code warm-up sidechains)")
    p.add_argument("--project", metavar="PATH", help="only the threads of this project (its folder)")
    for name, help_text in (
        ("show", "print a thread's active path"),
        ("tree", "print every branch of a thread"),
        ("events", "print a thread's timeline"),
        ("checkpoints", "list a thread's checkpoints"),
    ):
        command(name, help_text).add_argument("thread", type=int, metavar="THREAD")
    command("search", "search every message").add_argument("text", metavar="TEXT")
    p = command("export", "write a thread as Grove JSON or Markdown to stdout", json_flag=False)
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("--format", default="json", choices=["json", "markdown"])
    p = command("fork", "add a new child to any message (a branch); the head moves to it")
    p.add_argument("message", type=int, metavar="MESSAGE")
    p.add_argument("--role", required=True, choices=["user", "assistant", "system", "tool"])
    p.add_argument("--content", required=True)
    p = command("rewind", "move the head back along the active path")
    p.add_argument("thread", type=int, metavar="THREAD")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=int, metavar="MESSAGE", help="an earlier message on the active path")
    where.add_argument("--by", type=int, metavar="N", help="how many messages to step back")
    p = command("checkpoint", "save a named checkpoint (default: at the head)")
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--message", type=int, metavar="M")
    p.add_argument("--force", action="store_true", help="replace a checkpoint of that name")
    p = command("switch", "move the head to any message of the thread (another branch)")
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("message", type=int, metavar="MESSAGE")
    p = command("rename", "give a thread a new title")
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("title", metavar="TITLE")
    p = command("delete", "delete a thread with all its messages (asks first on a terminal)", json_flag=False)
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("--yes", action="store_true", help="do not ask; needed when not on a terminal")
    p = command("restore", "move the head to a checkpoint")
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("name", metavar="NAME")
    command("undo", "undo the latest move of the head").add_argument("thread", type=int, metavar="THREAD")
    p = command("resume", "continue a thread's path in Claude Code or Codex: written as a new session of the agent")
    p.add_argument("thread", type=int, metavar="THREAD")
    p.add_argument("--message", type=int, metavar="M", help="end the path at this message (default: the head)")
    p.add_argument("--agent", choices=list(AGENT_NAMES), help="default: the thread's own agent, else claude-code")
    p.add_argument("--exec", action="store_true", help="run the agent now, in the thread's folder")
    p = command("compare", "two messages side by side from where their paths part (forks followed)")
    p.add_argument("a", type=int, metavar="A")
    p.add_argument("b", type=int, metavar="B")
    p = command("usage", "tokens and cost, every API reply counted once")
    p.add_argument("--by", choices=["thread", "project", "model", "day"], help="one row per group (default: the total)")
    p.add_argument("--since", metavar="DATE", help="only replies from this day (YYYY-MM-DD, UTC) or moment on")
    return parser


def resolve_db(args: argparse.Namespace) -> Path:
    """--db, else $GROVE_DB, else the default location."""
    if getattr(args, "db", None):
        return Path(args.db).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


# ---------------------------------------------------------------------- output helpers


def _dump(value: Any) -> str:
    def plain(v: Any) -> Any:
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json")
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v

    return json_text(plain(value), indent=2)


def plural(count: int, word: str) -> str:
    """"1 thread", "2 threads"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _problem(text: str) -> None:
    """A problem for the person: on stderr, so stdout stays the result."""
    print(text, file=sys.stderr)


def _when(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"


def _short(text: str | None, width: int) -> str:
    line = clean_line(text or "").strip()
    return line if len(line) <= width else line[: width - 1] + "…"


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def describe_thread(t: Thread) -> str:
    """A few lines about a thread, for write commands."""
    head = f"head {t.current_leaf_id}" if t.current_leaf_id is not None else "empty"
    lines = [
        f"thread {t.id}: {_short(t.title, 70) or 'Untitled'}",
        f"  {plural(t.message_count, 'message')}, {plural(t.leaf_count, 'leaf').replace('leafs', 'leaves')}, {head},"
        f" {_short(t.source, 20)}, updated {_when(t.updated_at)}",
    ]
    return "\n".join(lines)


def _summary(m: Message) -> str:
    text = m.content
    if not text.strip():
        calls = m.data.get("tool_calls") or []
        names = ", ".join(str(c.get("name")) for c in calls if isinstance(c, dict))
        text = f"[tool call: {names}]" if names else ""
    if m.data.get("kind") == "compact_boundary":
        text = "── conversation compacted ──"
    return _short(text, 72)


# ---------------------------------------------------------------------- commands


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
        return _dump(threads)
    if not threads:
        return "No threads yet. Try `grove import`."
    rows = []
    for t in threads:
        title = ("↳ " if t.parent_thread_id or t.forked_from_thread_id else "") + (_short(t.title, 60) or "Untitled")
        rows.append([str(t.id), _when(t.updated_at), _short(t.source, 20), str(t.message_count), str(t.leaf_count), title])
    return _table(rows, ["ID", "UPDATED", "SOURCE", "MSGS", "LEAVES", "TITLE"])


async def cmd_show(store: Store, args: argparse.Namespace) -> str:
    thread = await store.get_thread(args.thread)
    path = await store.path(args.thread)
    if args.json:
        return _dump({"thread": thread, "path": path})
    out = [describe_thread(thread), ""]
    for m in path:
        if m.data.get("kind") == "compact_boundary":
            out += [f"──── conversation compacted · {_when(m.created_at)} ────", ""]
            continue
        siblings = ""
        out.append(f"[{m.id}] {m.role.value} · {_when(m.created_at)}{siblings}")
        for line in (m.content or "").splitlines() or [""]:
            out.append("    " + clean_line(line))
        for call in m.data.get("tool_calls") or []:
            if isinstance(call, dict):
                out.append(f"    ⚙ {clean_line(str(call.get('name')))} {_short(json.dumps(call.get('input'), ensure_ascii=False), 60)}")
        out.append("")
    return "\n".join(out).rstrip()


async def cmd_tree(store: Store, args: argparse.Namespace) -> str:
    thread = await store.get_thread(args.thread)
    messages = await store.messages(args.thread)
    if args.json:
        return _dump({"thread": thread, "messages": messages})
    children = children_of(messages)
    active = {m.id for m in active_path({m.id: m for m in messages}, thread.current_leaf_id)}
    out = [describe_thread(thread), ""]
    for m, guide in walk_tree(children):
        mark = "*" if m.id in active else " "
        head = "  ◀ head" if m.id == thread.current_leaf_id else ""
        out.append(f"{mark} {guide}[{m.id}] {m.role.value}: {_summary(m)}{head}")
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
        return _dump(events)
    rows = []
    for e in events:
        move = f"{e.from_leaf_id if e.from_leaf_id is not None else '-'} → {e.to_leaf_id}" if e.to_leaf_id is not None or e.from_leaf_id is not None else ""
        detail = _short(json.dumps(e.data, ensure_ascii=False), 50) if e.data else ""
        rows.append([str(e.seq), _when(e.created_at), e.kind.value, str(e.message_id or ""), move, detail])
    return _table(rows, ["SEQ", "TIME", "KIND", "MESSAGE", "HEAD", "DATA"])


async def cmd_checkpoints(store: Store, args: argparse.Namespace) -> str:
    checkpoints = await store.list_checkpoints(args.thread)
    if args.json:
        return _dump(checkpoints)
    if not checkpoints:
        return f"Thread {args.thread} has no checkpoints."
    rows = [[_short(c.name, 30), str(c.message_id), c.kind.value, _when(c.created_at), _short(c.note, 40)] for c in checkpoints]
    return _table(rows, ["NAME", "MESSAGE", "KIND", "SAVED", "NOTE"])


async def cmd_search(store: Store, args: argparse.Namespace) -> str:
    hits = await store.search(args.text, limit=50)
    if args.json:
        return _dump(hits)
    if not hits:
        return "No messages match."
    rows = [[str(h.thread_id), str(h.message_id), h.role.value, _when(h.created_at), _short(h.snippet, 80)] for h in hits]
    return _table(rows, ["THREAD", "MESSAGE", "ROLE", "TIME", "SNIPPET"])


async def cmd_export(store: Store, args: argparse.Namespace) -> str:
    from store.exporters import export_json, export_markdown

    if args.format == "markdown":
        return (await export_markdown(store, args.thread)).rstrip("\n")
    return json_text(await export_json(store, args.thread), indent=1)


async def _print_thread(store: Store, args: argparse.Namespace, thread: Thread) -> str:
    return _dump(thread) if args.json else describe_thread(thread)


async def cmd_fork(store: Store, args: argparse.Namespace) -> str:
    message = await store.fork(args.message, args.role, args.content)
    return await _print_thread(store, args, await store.get_thread(message.thread_id))


async def cmd_rewind(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.rewind(args.thread, to=args.to, by=args.by))


async def cmd_checkpoint(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation

    if not args.force:
        try:
            existing = await store.get_checkpoint(args.thread, args.name)
        except NotFound:
            existing = None
        if existing is not None:
            raise InvalidOperation(
                f"Thread {args.thread} already has a checkpoint {_short(existing.name, 40)!r} (at message"
                f" {existing.message_id}); add --force to replace it."
            )
    await store.save_checkpoint(args.thread, args.name, message_id=args.message)
    return await _print_thread(store, args, await store.get_thread(args.thread))


async def cmd_switch(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.set_leaf(args.thread, args.message))


async def cmd_rename(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.rename_thread(args.thread, args.title))


async def cmd_delete(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation

    thread = await store.get_thread(args.thread)
    what = f"thread {thread.id} ({_short(thread.title, 50) or 'Untitled'}, {plural(thread.message_count, 'message')})"
    if not args.yes:
        if not (sys.stdin.isatty() and sys.stderr.isatty()):
            raise InvalidOperation(f"Not deleting {what} without a confirmation: add --yes.")
        sys.stderr.write(f"Delete {what}? This cannot be undone. [y/N] ")
        sys.stderr.flush()
        answer = await asyncio.to_thread(sys.stdin.readline)
        if answer.strip().lower() not in ("y", "yes"):
            args.exit_code = 1
            return "Nothing deleted."
    await store.delete_thread(thread.id)
    return f"Deleted {what}."


async def cmd_restore(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.restore_checkpoint(args.thread, args.name))


async def cmd_undo(store: Store, args: argparse.Namespace) -> str:
    return await _print_thread(store, args, await store.undo(args.thread))


async def cmd_resume(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation
    from store.resume import prepare, write

    prepared = await prepare(store, args.thread, message_id=args.message, agent=args.agent)
    if args.exec and not os.path.isdir(prepared.cwd):
        raise InvalidOperation(f"The thread's folder {prepared.cwd} does not exist here, so {prepared.agent_name} cannot run in it.")
    handoff = await write(store, prepared)
    if args.exec:
        args.exec_plan = (handoff.argv, handoff.cwd, prepared.agent_name, prepared.shell_line)
    if args.json:
        return json_text(handoff.as_dict(), indent=2)
    noun = "message" if handoff.messages == 1 else "messages"
    return "\n".join(
        [
            f"Wrote thread {args.thread}'s path ({handoff.messages} {noun}, to #{handoff.message_id}) as a new {prepared.agent_name} session:",
            f"  {clean_line(str(handoff.path))}",
            "Continue it with:",
            f"  {clean_line(prepared.shell_line)}",
        ]
    )


def _exec_agent(plan: tuple[list[str], str, str, str]) -> int:
    """Replace this process with the agent, in the session's folder (`grove resume --exec`)."""
    import shutil

    argv, cwd, name, line = plan
    if shutil.which(argv[0]) is None:
        return _fail(f"{name} (`{argv[0]}`) is not on PATH; the session is written, so run: {line}", 1)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.chdir(cwd)
        os.execvp(argv[0], argv)
    except OSError as exc:
        return _fail(f"Could not run {argv[0]} in {cwd}: {exc.strerror or exc}; run: {line}", 1)
    return 0  # not reached: execvp does not return
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
    out += [_table(rows, ["", "A", "B"]), ""]
    for name, messages in (("A", result.a), ("B", result.b)):
        out.append(f"{name}: {len(messages)} messages" + (":" if messages else ""))
        out += [f"  [{m.id}] {m.role.value} · {_when(m.created_at)}: {_summary(m)}" for m in messages]
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
    table = []
    for r in rows:
        key = str(r.key) if r.key is not None else "(none)"
        if args.by == "thread":
            key = f"{r.key} {_short(r.title, 40) or 'Untitled'}"
        elif args.by == "project":
            key = _short(key, 50)
        table.append(
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
    text = _table(table, [header, "REPLIES", "INPUT", "OUTPUT", "CACHE READ", "CACHE WRITE", "COST"])
    if any(r.unpriced_replies for r in rows):
        text += "\n\nCost unknown: some replies came from a model without a known price (their tokens are counted)."
    return text


class _Progress:
    """One self-rewriting progress line on stderr, only on a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled:
            return
        share = done / total if total else 1.0
        filled = int(share * 30)
        name = _short(Path(path).name, 40)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {name:<40}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 80 + "\r")
            sys.stderr.flush()


async def cmd_watch(store: Store, args: argparse.Namespace) -> str:
    from tui.watch import watch

    paths = [Path(p).expanduser() for p in args.paths] or None
    try:
        await watch(store, paths, force_polling=args.poll)
    except FileNotFoundError as exc:
        raise NotFound(str(exc)) from None
    return ""


async def cmd_import(store: Store, args: argparse.Namespace) -> str:
    from store.importers import import_paths

    progress = _Progress()
    try:
        report = await import_paths(store, args.paths or None, format=args.format, on_progress=progress)
    finally:
        progress.close()
    if report.errors:
        args.exit_code = 1  # a problem (a skipped line or file) is worth a non-zero exit
    if args.json:
        # The report lists its problems; stderr still says there were some.
        if report.errors:
            _problem(f"{PROG}: {plural(len(report.errors), 'problem')}; see \"errors\" in the report.")
        return json_text(
            {"threads": report.threads, "messages": report.messages, "errors": [e.as_dict() for e in report.errors]},
            indent=2,
        )
    new = len(report.created)
    lines = [
        f"Imported {plural(report.messages, 'message')} into {plural(len(report.threads), 'thread')} ({new} new)"
        f" from {plural(report.files, 'file')}."
    ]
    if report.errors:
        _problem(f"{plural(len(report.errors), 'problem')} (the rest was imported):")
        for e in report.errors:
            _problem(f"  {clean_line(e.file)}:{e.line}: {clean_line(e.reason)}")
    if report.pending:
        lines.append(
            f"{plural(len(report.pending), 'incomplete last line')} will be read next time."
        )
    return "\n".join(lines)


COMMANDS: dict[str, Callable[[Store, argparse.Namespace], Awaitable[str]]] = {
    "import": cmd_import,
    "threads": cmd_threads,
    "show": cmd_show,
    "tree": cmd_tree,
    "events": cmd_events,
    "checkpoints": cmd_checkpoints,
    "search": cmd_search,
    "export": cmd_export,
    "fork": cmd_fork,
    "rewind": cmd_rewind,
    "checkpoint": cmd_checkpoint,
    "switch": cmd_switch,
    "rename": cmd_rename,
    "delete": cmd_delete,
    "restore": cmd_restore,
    "undo": cmd_undo,
    "resume": cmd_resume,
    "compare": cmd_compare,
    "usage": cmd_usage,
    "watch": cmd_watch,
}


async def _run_command(db: Path, args: argparse.Namespace) -> tuple[str, int]:
    async with Store.open(db) as store:
        text = await COMMANDS[args.command](store, args)
    code = int(getattr(args, "exit_code", 0))
    if args.command == "import" and args.paths:
        missing = [p for p in args.paths if not Path(p).expanduser().exists()]
        if missing:
            code = 1
    return text, code


def _fail(message: str, code: int) -> int:
    message = clean_line(message).strip()
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return _fail(str(exc), 2)
    if args.command == "keys":  # needs no database
        return _keys(bool(args.json))
    db = resolve_db(args)
    if args.command is None:
        return _open_app(args, db)
    try:
        text, code = asyncio.run(_run_command(db, args))
    except UsageError as exc:
        return _fail(str(exc), 2)
    except NotFound as exc:
        return _fail(str(exc), 1)
    except StoreError as exc:
        return _fail(str(exc), 1)
    except ValueError as exc:
        return _fail(str(exc), 2)
    except sqlite3.Error as exc:
        if disk_full(exc):
            return _fail("The disk is full (SQLite: database or disk is full); free some space and try again.", 1)
        return _fail(f"{type(exc).__name__}: {exc}", 1)
    except OSError as exc:
        return _fail(f"{type(exc).__name__}: {exc}", 1)
    except KeyboardInterrupt:
        return _fail("Interrupted.", 130)
    except Exception as exc:  # noqa: BLE001 - never a traceback: one sentence, and a way on
        return _fail(f"Unexpected error ({type(exc).__name__}: {exc}); please report it with the command you ran.", 1)
    try:
        if text:
            print(text)
    except BrokenPipeError:
        # `grove threads | head`: the reader left; that is not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter shutdown quiet
    plan = getattr(args, "exec_plan", None)
    if plan is not None:
        return _exec_agent(plan)
    return code


def _keys(as_json: bool) -> int:
    """`grove keys`: every binding with the keys in effect under the user's config.toml."""
    from .keymap import config_path, keys_in_effect, load_keymap

    keymap = load_keymap(config_path())
    for problem in keymap.problems:
        print(f"{PROG}: {clean_line(problem)}", file=sys.stderr)
    keys = keys_in_effect(keymap.keys)
    if as_json:
        print(json.dumps([{"id": k.id, "keys": k.keys, "description": k.description, "where": k.where} for k in keys], indent=2))
    else:
        width = max(len(k.id) for k in keys)
        keys_width = max(len(k.keys) for k in keys)
        for k in keys:
            print(f"{k.id:<{width}}  {k.keys:<{keys_width}}  {k.description} ({k.where})")
    return 1 if keymap.problems else 0


def _open_app(args: argparse.Namespace, db: Path) -> int:
    try:
        from tui.app import run
    except ImportError as exc:
        return _fail(f"The app cannot start: {exc}.", 1)
    db_path: Path | None = (Path(args.db).expanduser() if args.db else None) if args.demo else db
    try:
        return int(run(db_path, demo=args.demo, follow=args.follow) or 0)
    except StoreError as exc:
        return _fail(str(exc), 1)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
