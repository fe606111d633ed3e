"""The `grove` command line's arguments: one parser, and where the database is."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import NoReturn

from store import Source
from store.sources import AGENT_NAMES
from tui.paths import DB_ENV, default_db_path

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
