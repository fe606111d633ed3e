"""The Grove app: `GroveApp` and `run`, which the `grove` command calls.

`GroveApp(db_path)` opens the store when it mounts (or takes an open `store=`), then
shows the main screen; on an empty database the welcome screen comes first. `clock`
gives "now" for the ages on screen and `store_clock` the store's timestamps, so tests
and snapshots are deterministic; `cursor_blink=False` keeps snapshots still.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.worker import Worker

from store import Store, StoreError

from .actions import bindings
from .commands import GroveCommands
from .heap import release_heap
from .key_hold import KeyHold
from .notify import literal
from .workers import report_worker_state
from .screens.main import MainScreen

if TYPE_CHECKING:  # the importers behind the follower load only when --follow asks for them
    from store.follow import FollowChange, Follower

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class GroveApp(KeyHold):
    """Browse, fork, rewind and checkpoint branching AI conversations."""

    CSS_PATH = "grove.tcss"
    TITLE = "Grove"
    COMMANDS = App.COMMANDS | {GroveCommands}
    BINDINGS = bindings("app")

    def __init__(
        self,
        db_path: Path | str | None = None,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        store_clock: Clock | None = None,
        tz: tzinfo | None = None,
        cursor_blink: bool = True,
        poll_interval: float | None = 0.25,
        follow: bool | list[Path] = False,
        config: Path | None = None,
    ) -> None:
        """The app on `db_path` (or on an already open `store`).

        Args:
            db_path: the database file; opened (and created 0600) on mount.
            store: an open store to use instead (the caller closes it).
            clock: "now" for relative times on screen (default: the wall clock).
            store_clock: the clock the store stamps writes with (default: the wall clock).
            tz: the zone message times are shown in (default: local).
            cursor_blink: blink the cursor of text fields (off for snapshots).
            poll_interval: seconds between checks for changes by other processes (None: never).
            follow: keep importing sessions as agents write them — True for the standard
                folders (~/.claude/projects, ~/.codex/sessions), or the paths to watch.
            config: a config.toml whose [keymap] to apply (None: none; `run` passes the user's).
        """
        super().__init__()
        if db_path is None and store is None:
            raise ValueError("GroveApp needs a db_path or an open store")
        self.db_path = Path(db_path) if db_path is not None else Path(store.db_path)  # type: ignore[union-attr]
        """The database file."""
        self.store: Store = store  # type: ignore[assignment]
        """The open store (set on mount when the app opened it)."""
        self._owns_store = store is None
        self.clock: Clock = clock or _utc_now
        """"Now" for the ages shown on screen."""
        self._store_clock = store_clock
        self.tz = tz
        self.cursor_blink = cursor_blink
        self.poll_interval = poll_interval
        self.follow = follow
        self.follower: Follower | None = None
        """The follower importing live sessions, while one runs."""
        self._follow_stop = asyncio.Event()
        self.config = config
        """The config file the keymap came from (None: the default keys)."""
        self.user_keys: dict[str, str] = {}
        """Binding id → keys the user set (config.toml [keymap] or `set_keymap`)."""

    async def on_mount(self) -> None:
        self._apply_keymap()
        if self.store is None:
            try:
                self.store = await Store.open(self.db_path, clock=self._store_clock)
            except (StoreError, OSError) as error:
                self.exit(return_code=1, message=f"grove: {error}")
                return
        await self.push_screen(
            MainScreen(
                self.store,
                clock=self.clock,
                tz=self.tz,
                cursor_blink=self.cursor_blink,
                poll_interval=self.poll_interval,
            )
        )
        if self.follow:
            self.follow_sessions()

    def set_keymap(self, keymap: Mapping[str, str]) -> None:
        """Remap bindings by id; the help screen shows the keys in effect (`user_keys`)."""
        super().set_keymap(keymap)
        self.user_keys = dict(keymap)

    def _apply_keymap(self) -> None:
        """The user's keys from the config file; what cannot be used is one notification each."""
        if self.config is None:
            return
        from .keymap import load_keymap

        keymap = load_keymap(self.config)
        self.set_keymap(keymap.keys)
        for problem in keymap.problems:
            self.notify(literal("$problem", problem=problem), title="Config", severity="warning")

    @work(exclusive=True, group="follow", exit_on_error=False)
    async def follow_sessions(self) -> None:
        """Import session files as they grow, in the background.

        The follower writes through the app's own store; the main screen's poll of
        `data_version` then redraws what changed, keeping the selection and scroll, so
        nothing the person is doing is disturbed. New sessions get a notification.
        """
        from store.follow import DatabaseGone, Follower

        paths = self.follow if isinstance(self.follow, list) else None
        follower = Follower(self.store, paths)
        try:
            follower.check()
        except FileNotFoundError as error:
            self.notify(literal("$error", error=error), title="Not following", severity="warning")
            return
        self.follower = follower
        # Stopped through its event on unmount: cancelling it mid-wait would leave the
        # watcher's thread to finish on its own time.
        try:
            await follower.run(self._followed, self._follow_stop)
        except DatabaseGone as error:
            # Writes would go to the deleted file and vanish: following stops, the app turns
            # read-only (every write refused with this sentence), and says so.
            self.store.make_read_only(f"{error} Grove is read-only until you restart it.")
            self.notify(
                literal("$error Grove is read-only until you restart it.", error=error),
                title="Following stopped",
                severity="error",
                timeout=30,
            )

    async def _followed(self, change: FollowChange) -> None:
        for thread_id in change.created:
            thread = await self.store.get_thread(thread_id)
            self.notify(literal("$title", title=thread.title or "Untitled"), title="New session")
        if change.errors:
            first = change.errors[0]
            more = f" (and {len(change.errors) - 1} more)" if len(change.errors) > 1 else ""
            self.notify(
                literal("$file:$line: $reason$more", file=first.file, line=first.line, reason=first.reason, more=more),
                title="Lines not imported",
                severity="warning",
            )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (the --follow importer); screens route theirs here too."""
        report_worker_state(self, event)

    async def on_unmount(self) -> None:
        release_heap()
        self._follow_stop.set()
        if self._owns_store and self.store is not None:
            await self.store.close()

    @property
    def main(self) -> MainScreen:
        """The main screen (wherever it is in the stack)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not open")


def _demo_db() -> Path:
    from .demo import create_demo_db

    folder = Path(tempfile.mkdtemp(prefix="grove-demo-"))
    path = folder / "demo.db"
    asyncio.run(create_demo_db(path))
    return path


def run(db_path: Path | str | None, *, demo: bool = False, follow: bool = False) -> int:
    """Run the app until it quits; the exit code.

    Args:
        db_path: the database (None: the default, `$GROVE_DB` or the user data folder).
        demo: open a freshly generated demo database in a temporary folder instead.
        follow: keep importing the standard session folders as agents write them.
    """
    demo_folder: Path | None = None
    if demo:
        path = _demo_db()
        demo_folder = path.parent
    elif db_path is None:
        from .paths import default_db_path

        path = default_db_path()
    else:
        path = Path(db_path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"grove: cannot create {path.parent}: {error}")
        return 1
    from .keymap import config_path, load_keymap

    config = config_path()
    for problem in load_keymap(config).problems:  # the app shows them too, once it runs
        print(f"grove: {problem}", file=sys.stderr)
    app = GroveApp(path, follow=follow, config=config)
    try:
        app.run()
    finally:
        if demo_folder is not None:  # the demo is throwaway: leave nothing behind
            shutil.rmtree(demo_folder, ignore_errors=True)
    return app.return_code or 0


__all__ = ["GroveApp", "run"]
