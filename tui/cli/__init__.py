"""The `grove` command (design.md §3).

`grove` alone opens the app; subcommands read and change the database from a shell. Every
command takes the database from `--db PATH`, else `$GROVE_DB`, else the user data folder.
Read commands print plain-text tables and trees, or with `--json` the store's pydantic
models as one JSON document. Write commands print the resulting thread. Mistakes are one
line on stderr: exit code 2 for bad arguments, 1 for an unknown id or a refused operation;
never a traceback.

Transcript text is untrusted: every piece of it printed for a person goes through
`tui.safe_text.clean_line`, so escape sequences in a session never reach the terminal.

This module runs a command and turns its errors into one line; the rest, by topic:

    parsing.py   the arguments (argparse) and where the database is
    output.py    tables, summaries, JSON, problems on stderr
    reads.py     threads, show, tree, events, checkpoints, search, export
    moves.py     fork, rewind, checkpoint, switch, rename, delete, restore, undo
    imports.py   import, watch
    agents.py    resume (and --exec)
    reports.py   compare, usage
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from store import NotFound, Store, StoreError
from store.errors import disk_full
from tui.safe_text import clean_line

from . import agents, imports, moves, reads, reports
from .agents import exec_agent
from .output import fail
from .parsing import PROG, UsageError, build_parser, resolve_db

__all__ = ["PROG", "UsageError", "build_parser", "main", "resolve_db"]


COMMANDS: dict[str, Callable[[Store, argparse.Namespace], Awaitable[str]]] = {
    # Each command's body, by topic: reads.py, moves.py, imports.py, agents.py, reports.py.
    "import": imports.cmd_import,
    "threads": reads.cmd_threads,
    "show": reads.cmd_show,
    "tree": reads.cmd_tree,
    "events": reads.cmd_events,
    "checkpoints": reads.cmd_checkpoints,
    "search": reads.cmd_search,
    "export": reads.cmd_export,
    "fork": moves.cmd_fork,
    "rewind": moves.cmd_rewind,
    "checkpoint": moves.cmd_checkpoint,
    "switch": moves.cmd_switch,
    "rename": moves.cmd_rename,
    "delete": moves.cmd_delete,
    "restore": moves.cmd_restore,
    "undo": moves.cmd_undo,
    "resume": agents.cmd_resume,
    "compare": reports.cmd_compare,
    "usage": reports.cmd_usage,
    "watch": imports.cmd_watch,
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return fail(str(exc), 2)
    if args.command == "keys":  # needs no database
        return _keys(bool(args.json))
    db = resolve_db(args)
    if args.command is None:
        return _open_app(args, db)
    try:
        text, code = asyncio.run(_run_command(db, args))
    except UsageError as exc:
        return fail(str(exc), 2)
    except NotFound as exc:
        return fail(str(exc), 1)
    except StoreError as exc:
        return fail(str(exc), 1)
    except ValueError as exc:
        return fail(str(exc), 2)
    except sqlite3.Error as exc:
        if disk_full(exc):
            return fail("The disk is full (SQLite: database or disk is full); free some space and try again.", 1)
        return fail(f"{type(exc).__name__}: {exc}", 1)
    except OSError as exc:
        return fail(f"{type(exc).__name__}: {exc}", 1)
    except KeyboardInterrupt:
        return fail("Interrupted.", 130)
    except Exception as exc:  # noqa: BLE001 - never a traceback: one sentence, and a way on
        return fail(f"Unexpected error ({type(exc).__name__}: {exc}); please report it with the command you ran.", 1)
    try:
        if text:
            print(text)
    except BrokenPipeError:
        # `grove threads | head`: the reader left; that is not an error.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep interpreter shutdown quiet
    plan = getattr(args, "exec_plan", None)
    if plan is not None:
        return exec_agent(plan)
    return code


def _keys(as_json: bool) -> int:
    """`grove keys`: every binding with the keys in effect under the user's config.toml."""
    from tui.keymap import config_path, keys_in_effect, load_keymap

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
        return fail(f"The app cannot start: {exc}.", 1)
    db_path: Path | None = (Path(args.db).expanduser() if args.db else None) if args.demo else db
    try:
        return int(run(db_path, demo=args.demo, follow=args.follow) or 0)
    except StoreError as exc:
        return fail(str(exc), 1)
    except KeyboardInterrupt:
        return 130
