"""`grove watch`: keep importing sessions as agents write them, one line per change."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from store import NotFound, Store
from store.follow import FollowChange, Follower

from .safe_text import clean_line


def plural(count: int, word: str) -> str:
    """"1 message", "2 messages"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


async def watch(
    store: Store,
    paths: list[Path] | None,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    force_polling: bool = False,
    now: Callable[[], datetime] = datetime.now,
) -> None:
    """Follow `paths` (default: the standard session folders) until SIGINT or SIGTERM.

    One line on `out` per change; each problem (a bad line, a full disk) one line on `err`.
    """
    follower = Follower(store, paths or None, force_polling=force_polling)
    follower.check()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def report(change: FollowChange) -> None:
        clock = now().strftime("%H:%M:%S")
        line = await describe(store, change, clock)
        if line:
            print(line, file=out, flush=True)
        for problem in problems(change, clock):
            print(problem, file=err, flush=True)

    roots = ", ".join(str(p) for p in follower.roots)
    print(f"watching {clean_line(roots)} — ctrl+c to stop", file=out, flush=True)
    try:
        await follower.run(report, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def describe(store: Store, change: FollowChange, clock: str) -> str | None:
    """The one line for a change that added messages or threads (None for one that did not).

    One thread (the usual case: an agent wrote to its session) is named with its title;
    a round that touched several says how many.
    """
    created = set(change.created)
    if not (change.messages or created):
        return None
    added = f"+{plural(change.messages, 'message')}"
    threads = []
    for thread_id in change.threads:
        try:
            threads.append(await store.get_thread(thread_id))
        except NotFound:
            continue
    if len(threads) == 1:
        thread = threads[0]
        verb = "new" if thread.id in created else "grew"
        title = clean_line(thread.title or "Untitled")[:60]
        # Every field that came from a file is cleaned, the source too (a Grove JSON file sets it).
        source = clean_line(thread.source)[:20]
        return f"{clock}  {verb:<4} thread {thread.id}  {title}  {added} ({plural(thread.message_count, 'message')}, {source})"
    new = len(created)
    return f"{clock}  {added} in {plural(len(threads), 'thread')} ({new} new) from {plural(len(change.files), 'file')}"


def problems(change: FollowChange, clock: str) -> list[str]:
    """One line per problem the round met."""
    return [f"{clock}  {clean_line(str(e.file))}:{e.line}: {clean_line(e.reason)}" for e in change.errors]
