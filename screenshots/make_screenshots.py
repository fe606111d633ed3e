"""Write the README's screenshots (screenshots/*.svg) from the demo database.

Each picture is the real app (`GroveApp`) driven headless with `App.run_test()` and Pilot,
on a freshly built demo database, with a fixed clock, UTC times and no cursor blink, so
running this again gives the same pictures. The compare view is shot on a real Claude Code
session with a real branch (`-experiments-ideas` from the shared fixtures, when they are
there; the demo's login thread otherwise), so its tokens and cost are real ones.

    python screenshots/make_screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import TabbedContent  # noqa: E402

from store import Store, Thread  # noqa: E402
from tui.app import GroveApp  # noqa: E402
from tui.demo import create_demo_db  # noqa: E402
from tui.screens.modals import ComposerScreen  # noqa: E402
from tui.widgets.branch_tree import BranchTree  # noqa: E402
from tui.widgets.checkpoint_list import CheckpointList  # noqa: E402
from tui.screens.compare import CompareScreen  # noqa: E402
from tui.widgets.timeline import Timeline  # noqa: E402

SIZE = (160, 44)
NOW = datetime(2026, 3, 14, 14, 0, tzinfo=timezone.utc)
"""The fixed "now" the ages on screen are measured from (shortly after the demo's last write)."""

LOGIN = "Fix flaky login test"
REFACTOR = "Refactor the store into a repository layer"
LONG = "Build the transcript importers"

Scene = Callable[[GroveApp, Pilot[None], dict[str, Thread]], Awaitable[None]]


async def settle(app: GroveApp, pilot: Pilot[None]) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_thread(app: GroveApp, pilot: Pilot[None], thread: Thread, *, focus: bool = True) -> None:
    """Open a thread the way a user would: cursor onto it in the list, then enter."""
    await settle(app, pilot)
    main = app.main
    main.thread_list.focus()
    main.thread_list.select_thread(thread.id)
    await pilot.press("enter")
    await settle(app, pilot)
    if not focus:
        main.thread_list.focus()
        await pilot.pause()


async def show_tab(app: GroveApp, pilot: Pilot[None], tab: str, widget: type) -> None:
    """Show a side tab and put the focus in it."""
    app.main.query_one(TabbedContent).active = tab
    await pilot.pause()
    app.main.query_one(widget).focus()
    await settle(app, pilot)


async def main_screen(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """Threads, the branchy login thread's transcript, and its tree."""
    await open_thread(app, pilot, threads[LOGIN])
    await pilot.press("k", "k", "k")  # select a message that has siblings
    await settle(app, pilot)


async def fork_in_progress(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """The composer open on a fork after an earlier message."""
    await open_thread(app, pilot, threads[LOGIN])
    await pilot.press("g", "j", "j", "j", "j", "j")
    await pilot.press("f")
    # The fork worker waits for the composer's answer, so wait for the screen, not the workers.
    for _ in range(200):
        if isinstance(app.screen, ComposerScreen):
            break
        await pilot.pause()
    else:
        raise RuntimeError("the composer did not open")
    await pilot.pause()
    await pilot.press(*"What if we mock the Redis client instead?")
    await pilot.pause()


async def branch_tree(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """The tree of a thread with several branches, focused."""
    await open_thread(app, pilot, threads[LOGIN])
    await show_tab(app, pilot, "tab-tree", BranchTree)


async def timeline(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """The refactor thread's timeline: a rewind, two undos and a restore."""
    await open_thread(app, pilot, threads[REFACTOR])
    await show_tab(app, pilot, "tab-timeline", Timeline)
    await pilot.press("k", "k")
    await settle(app, pilot)


async def checkpoints(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """The login thread's checkpoints."""
    await open_thread(app, pilot, threads[LOGIN])
    await show_tab(app, pilot, "tab-checkpoints", CheckpointList)
    await pilot.press("j")
    await settle(app, pilot)


IDEAS = ROOT.parent / "shared" / "fixtures" / "claude-code" / "projects" / "-experiments-ideas"
"""A real session whose prompt was rewritten once: two branches to compare."""


async def compare_branches(app: GroveApp, pilot: Pilot[None], threads: dict[str, Thread]) -> None:
    """Two branches side by side: `m` on the head in the transcript, `=` on the other branch in the tree."""
    thread = next((t for t in threads.values() if t.leaf_count == 2 and t.source == "claude-code"), None) or threads[LOGIN]
    await open_thread(app, pilot, thread)
    main = app.main
    main.transcript.focus()
    await pilot.press("G", "m")
    await show_tab(app, pilot, "tab-tree", BranchTree)
    tree = main.query_one(BranchTree)
    tree.cursor = next(i for i, run in enumerate(tree.runs) if not run.on_path)
    await pilot.press("equals_sign")
    for _ in range(200):
        if isinstance(app.screen, CompareScreen) and app.screen.loaded:
            break
        await pilot.pause()
    else:
        raise RuntimeError("the compare screen did not open")
    app.clear_notifications()
    await pilot.press("n", "n")
    await pilot.pause()


async def ideas_db(db: Path) -> None:
    """The real -experiments-ideas session (the demo when the fixtures are not there)."""
    if not IDEAS.is_dir():
        await create_demo_db(db)
        return
    from store.importers import import_paths

    async with Store.open(db) as store:
        await import_paths(store, [IDEAS])


SCENES: dict[str, Scene] = {
    "main": main_screen,
    "fork": fork_in_progress,
    "tree": branch_tree,
    "timeline": timeline,
    "checkpoints": checkpoints,
    "compare": compare_branches,
}

BUILDERS: dict[str, Callable[[Path], Awaitable[object]]] = {"compare": ideas_db}
"""How the database of a scene is made, when not from the demo."""


async def demo_threads(db: Path) -> dict[str, Thread]:
    async with Store.open(db) as store:
        return {t.title or "": t for t in await store.list_threads(include_archived=True, limit=100)}


async def shoot(db: Path, name: str, scene: Scene, out: Path, threads: dict[str, Thread]) -> Path:
    app = GroveApp(db, clock=lambda: NOW, tz=timezone.utc, cursor_blink=False, poll_interval=None)
    async with app.run_test(size=SIZE) as pilot:
        await scene(app, pilot, threads)
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))


async def main_async(out: Path, only: list[str] | None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="grove-shots-") as folder:
        for name, scene in SCENES.items():
            if only and name not in only:
                continue
            # A fresh database for each picture: a scene's moves never leak into the next.
            db = Path(folder) / f"{name}.db"
            await BUILDERS.get(name, create_demo_db)(db)
            written.append(await shoot(db, name, scene, out, await demo_threads(db)))
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("only", nargs="*", help=f"scenes to make (default all: {', '.join(SCENES)})")
    args = parser.parse_args()
    for path in asyncio.run(main_async(args.out, args.only)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
