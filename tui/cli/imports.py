"""Bringing sessions in: `grove import` (once) and `grove watch` (as agents write them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store import NotFound, Store
from tui.safe_text import clean_line, json_text

from .output import plural, problem, short
from .parsing import PROG


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
        name = short(Path(path).name, 40)
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
            problem(f"{PROG}: {plural(len(report.errors), 'problem')}; see \"errors\" in the report.")
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
        problem(f"{plural(len(report.errors), 'problem')} (the rest was imported):")
        for e in report.errors:
            problem(f"  {clean_line(e.file)}:{e.line}: {clean_line(e.reason)}")
    if report.pending:
        lines.append(
            f"{plural(len(report.pending), 'incomplete last line')} will be read next time."
        )
    return "\n".join(lines)
