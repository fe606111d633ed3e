"""Following live sessions: import session files again as agents write them.

`Follower.run` first catches up (one import of everything under the watched paths), then
waits for file-system changes with watchfiles and imports just the files that changed.
The importers are incremental — they remember how far each file was read and leave a
partial last line for the next round — so a change costs only the new lines. Where the
native watcher cannot run (no inotify, too many watches, a network file system), a
polling loop takes over. It is our own rather than watchfiles' polling mode, because
that one compares modification times in whole seconds and so misses a line an agent
appends within the same second as the one before; ours compares size and mtime_ns.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import watchfiles

from .errors import PathNotFound, StoreError, disk_full
from .importers import ImportReport, LineError, import_paths

log = logging.getLogger(__name__)

SESSION_SUFFIXES = (".jsonl", ".json")
RETRY_SECONDS = 5.0
"""How long after a full disk the files it kept out are tried again."""


class DatabaseGone(StoreError):
    """The database file was deleted or replaced while it was open: writes would vanish."""


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@dataclass(frozen=True)
class FollowChange:
    """What one round of importing changed."""

    files: list[Path]
    threads: list[int]
    created: list[int]
    messages: int
    errors: list[LineError] = field(default_factory=list)
    pending: int = 0
    """Incomplete last lines left for the next round."""

    @classmethod
    def from_report(cls, files: list[Path], report: ImportReport) -> FollowChange:
        return cls(
            files, list(report.threads), list(report.created), report.messages, list(report.errors), len(report.pending)
        )

    @property
    def changed(self) -> bool:
        """True when the round added something or found bad lines."""
        return bool(self.messages or self.errors or self.created)


OnChange = Callable[[FollowChange], Awaitable[None] | None]


def standard_roots(home: Path | None = None) -> list[Path]:
    """The folders where Claude Code and Codex write their sessions, where they exist
    (`$CLAUDE_CONFIG_DIR` and `$CODEX_HOME` when set and no `home` is given)."""
    from .exporters.claude_code import claude_dir
    from .exporters.codex import codex_home

    claude = home / ".claude" if home is not None else claude_dir()
    codex = home / ".codex" if home is not None else codex_home()
    return [p for p in (claude / "projects", codex / "sessions") if p.exists()]


def _is_session_file(change: watchfiles.Change, path: str) -> bool:
    return change != watchfiles.Change.deleted and path.endswith(SESSION_SUFFIXES)


class Follower:
    """Imports session files under some paths whenever they change."""

    def __init__(
        self,
        store: Any,
        paths: Iterable[Path | str] | None = None,
        *,
        force_polling: bool = False,
        poll_delay_ms: int = 200,
        debounce_ms: int = 50,
    ) -> None:
        self.store = store
        self.roots = [Path(p).expanduser() for p in paths] if paths else standard_roots()
        self.force_polling = force_polling
        self.poll_delay_ms = poll_delay_ms
        self.debounce_ms = debounce_ms
        self.ready = asyncio.Event()
        """Set once the first catch-up import is done and watching has begun."""
        self.retry_seconds = RETRY_SECONDS
        self._retry: set[Path] = set()
        """Files a full disk kept out, imported again once `retry_seconds` have passed."""
        self._retry_at = 0.0
        db_path = getattr(store, "db_path", None)
        self._db_path = db_path if isinstance(db_path, str) and db_path != ":memory:" else None
        self._db_identity = file_identity(self._db_path) if self._db_path else None

    def check(self) -> None:
        """Raise PathNotFound (a FileNotFoundError) with a sentence a person can act on when there is nothing to watch."""
        if not self.roots:
            raise PathNotFound(
                "Nothing to follow: neither ~/.claude/projects nor ~/.codex/sessions exists. Give a path to watch."
            )
        missing = [str(p) for p in self.roots if not p.exists()]
        if missing:
            raise PathNotFound(f"Cannot follow {', '.join(missing)}: no such file or folder.")

    def check_database(self) -> None:
        """Raise DatabaseGone when the database file was deleted or replaced under us.

        SQLite keeps writing to the open (unlinked) file, so every import after that would
        vanish; the path's device and inode, checked before each round, tell.
        """
        if self._db_path is None or self._db_identity is None:
            return
        if file_identity(self._db_path) != self._db_identity:
            raise DatabaseGone(
                f"The database {self._db_path} was deleted or replaced while following; stopped so that"
                " nothing is written where it would be lost. Start again to use the file now at that path."
            )

    async def _import_round(self, paths: list[Path]) -> FollowChange:
        """One import of `paths`; a full disk keeps the files for a later try (not fatal)."""
        self.check_database()
        try:
            report = await import_paths(self.store, paths)
        except sqlite3.OperationalError as exc:
            if not disk_full(exc):
                raise
            report = ImportReport()
            report.errors.append(LineError(str(self._db_path or "database"), 0, f"{exc}"))
        full = [e for e in report.errors if "disk is full" in e.reason]
        if full:
            self._retry.update(paths)
            self._retry_at = time.monotonic() + self.retry_seconds
            for e in full:
                e.reason = f"{e.reason}; will try again in {self.retry_seconds:g} seconds"
        return FollowChange.from_report(paths, report)

    async def _retry_if_due(self, on_change: OnChange | None) -> None:
        if self._retry and time.monotonic() >= self._retry_at:
            files = sorted(self._retry)
            self._retry.clear()
            await self._import(files, on_change)

    async def catch_up(self, on_change: OnChange | None = None) -> FollowChange:
        """Import everything under the roots once (only what is new since the last import)."""
        change = await self._import_round(list(self.roots))
        if on_change is not None:
            await _call(on_change, change)
        return change

    async def run(self, on_change: OnChange | None = None, stop: asyncio.Event | None = None) -> None:
        """Catch up, then import changed files until `stop` is set (or the task is cancelled).

        `on_change` is called after every round of importing, also the rounds that only
        found a partial last line; `FollowChange.changed` tells the ones that added something.
        """
        self.check()
        await self.catch_up(on_change)
        stop = stop or asyncio.Event()
        polling = self.force_polling
        while not stop.is_set():
            try:
                if polling:
                    await self._poll(on_change, stop)
                else:
                    await self._watch(on_change, stop)
                return
            except OSError as exc:
                if polling:
                    raise
                log.warning("native file watching failed (%s); polling instead", exc)
                polling = True

    async def _watch(self, on_change: OnChange | None, stop: asyncio.Event) -> None:
        watcher = watchfiles.awatch(
            *self.roots,
            watch_filter=_is_session_file,
            debounce=self.debounce_ms,
            step=min(50, self.debounce_ms),
            stop_event=stop,
            force_polling=False,
            recursive=True,
            yield_on_timeout=True,
            rust_timeout=max(self.poll_delay_ms, 100),
        )
        async for changes in watcher:
            self.check_database()
            await self._retry_if_due(on_change)
            if not self.ready.is_set():
                # The first (possibly empty) batch means the watcher is live. Whatever was
                # written between the catch-up and now would be missed, so look once more.
                self.ready.set()
                await self.catch_up(lambda change: _call(on_change, change) if change.changed and on_change else None)
            files = sorted({Path(path) for _, path in changes})
            if files:
                await self._import(files, on_change)

    async def _poll(self, on_change: OnChange | None, stop: asyncio.Event) -> None:
        seen = await asyncio.to_thread(self._signatures)
        self.ready.set()
        await self.catch_up(lambda change: _call(on_change, change) if change.changed and on_change else None)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.poll_delay_ms / 1000)
            except asyncio.TimeoutError:
                pass
            self.check_database()
            await self._retry_if_due(on_change)
            now = await asyncio.to_thread(self._signatures)
            files = sorted(path for path, signature in now.items() if seen.get(path) != signature)
            seen = now
            if files:
                await self._import(files, on_change)

    def _signatures(self) -> dict[Path, tuple[int, int]]:
        """(size, mtime_ns) of every session file under the roots."""
        found: dict[Path, tuple[int, int]] = {}
        for root in self.roots:
            candidates = [root] if root.is_file() else root.rglob("*")
            for path in candidates:
                if path.suffix in SESSION_SUFFIXES:
                    try:
                        info = path.stat()
                    except OSError:
                        continue
                    found[path] = (info.st_size, info.st_mtime_ns)
        return found

    async def _import(self, files: list[Path], on_change: OnChange | None) -> None:
        change = await self._import_round(files)
        if on_change is not None:
            await _call(on_change, change)


async def _call(callback: OnChange, change: FollowChange) -> None:
    result = callback(change)
    if asyncio.iscoroutine(result):
        await result
