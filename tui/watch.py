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


async def watch(
    store: Store,
    paths: list[Path] | None,
    *,
    out: TextIO = sys.stdout,
    force_polling: bool = False,
    now: Callable[[], datetime] = datetime.now,
) -> None:
    """Follow `paths` (default: the standard session folders) until SIGINT or SIGTERM."""
    follower = Follower(store, paths or None, force_polling=force_polling)
    follower.check()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    async def report(change: FollowChange) -> None:
        for line in await describe(store, change, now().strftime("%H:%M:%S")):
            print(line, file=out, flush=True)

    roots = ", ".join(str(p) for p in follower.roots)
    print(f"watching {clean_line(roots)} — ctrl+c to stop", file=out, flush=True)
    try:
        await follower.run(report, stop)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def describe(store: Store, change: FollowChange, clock: str) -> list[str]:
    """One line per thread that grew, and one per bad line found."""
    lines = []
    created = set(change.created)
    if change.messages or created:
        for thread_id in change.threads:
            try:
                thread = await store.get_thread(thread_id)
            except NotFound:
                continue
            verb = "new" if thread_id in created else "grew"
            title = clean_line(thread.title or "Untitled")
            lines.append(
                f"{clock}  {verb:<4} thread {thread.id}  {title[:60]}  ({thread.message_count} msgs, {thread.source})"
            )
        lines.append(f"{clock}  +{change.messages} messages from {len(change.files)} file(s)")
    for error in change.errors:
        lines.append(f"{clock}  {clean_line(str(error.file))}:{error.line}: {clean_line(error.reason)}")
    return lines
