"""App benchmarks against design.md §5, each beside a minimal Textual app in the same run.

1. Cold start to first paint: `grove` on the 1M-message benchmark database, and a minimal
   Textual app (one Static), each started as a fresh `python` process on a pseudo-terminal
   with TERM=xterm-256color. The clock runs from spawning the process to the moment the
   terminal receives the first screen that shows real content — for grove the title of
   the newest thread (so the thread list has been read from the database and painted),
   for the minimal app its one line of text. Nothing inside the app is instrumented.
2. Open the thread with the 10,000-message active path, in-process (`App.run_test`): from
   the request to the first paint that shows its path (the app paints the active path
   first), beside the store's read of that path; and to the moment everything is in
   (‹k/n› marks, tree, timeline), beside the store's read of every message.
3. A key that moves the selection (`j` in the transcript / the thread list) to repaint,
   beside `down` in a minimal app's OptionList.
4. Memory: the app's RSS at first paint (subprocess, from /proc) and its peak RSS after
   opening the big thread (in-process).

Medians of several runs are printed with the target and ok/MISS.

    python bench/app.py [--db PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import resource
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402

COLUMNS, ROWS = 160, 48
DEADLINE = 120.0
MS = 1000.0

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    BINDINGS = [("q", "quit")]

    def compose(self):
        yield Static("minimal app is ready")

Minimal().run()
"""
MINIMAL_MARKER = b"minimal app is ready"

GROVE_APP = "import sys; from tui.app import run; run(sys.argv[1])"


class Spawned:
    """A Python process on a pty of COLUMNS×ROWS, its output kept in `output`."""

    def __init__(self, code: str, *args: str) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "GROVE"))}
        env["TERM"] = "xterm-256color"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=str(ROOT),
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def seconds_until(self, marker: bytes) -> float:
        """Seconds from spawning to the first output containing `marker`."""
        deadline = time.monotonic() + DEADLINE
        while marker not in self.output:
            if time.monotonic() > deadline or not self._read(0.5):
                tail = bytes(self.output[-1500:])
                raise RuntimeError(f"{marker!r} never appeared; the app printed: {tail!r}")
        return time.perf_counter() - self.started

    def rss_mb(self) -> float:
        """The process's resident memory now, in MB (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def quit(self) -> None:
        """Press q and wait for the process to end (kill it if it will not)."""
        try:
            os.write(self.master, b"q")
            deadline = time.monotonic() + 30
            while self._read(0.2) and time.monotonic() < deadline:
                pass
            self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self.master)


def newest_title_marker(db: Path) -> bytes:
    """The first words of the newest thread's title: what grove's first paint must show."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        title = conn.execute("SELECT title FROM threads ORDER BY updated_at DESC, id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    return (title or "Untitled")[:14].encode()


def cold_starts(db: Path, runs: int) -> dict[str, Any]:
    """Median cold start of the minimal app and of grove, alternating runs; grove's RSS."""
    marker = newest_title_marker(db)
    minimal: list[float] = []
    grove: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        app = Spawned(MINIMAL_APP)
        try:
            minimal.append(app.seconds_until(MINIMAL_MARKER))
        finally:
            app.quit()
        app = Spawned(GROVE_APP, str(db))
        try:
            grove.append(app.seconds_until(marker))
            rss.append(app.rss_mb())
        finally:
            app.quit()
    return {
        "minimal_ms": statistics.median(minimal) * MS,
        "grove_ms": statistics.median(grove) * MS,
        "rss_mb": statistics.median(rss),
    }


class PaintClock:
    """Records when the app hands a rendered screen update to its driver (a paint)."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.times.append(time.perf_counter())

        app._display = display

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.times if t >= moment), None)


async def wait_painted(app: Any, pilot: Any, paints: PaintClock, since: float) -> float:
    """Seconds from `since` to the last paint once every worker has finished.

    That is the first paint after the workers end when their result changed the screen,
    else the last paint before (an update that changed nothing visible needs none).
    """
    await app.workers.wait_for_complete()
    done = time.perf_counter()
    for _ in range(3):
        await pilot.pause()
        painted = paints.first_after(done)
        if painted is not None:
            return painted - since
    earlier = [t for t in paints.times if since <= t < done]
    if not earlier:
        raise RuntimeError("the app never painted")
    return earlier[-1] - since


async def path_painted(transcript: Any, paints: PaintClock, thread_id: int, since: float) -> float:
    """Seconds from `since` to the first paint after the transcript took the thread's path
    (the app paints a thread's active path first, its tree and side tabs after)."""
    deadline = time.monotonic() + DEADLINE
    while transcript.thread is None or transcript.thread.id != thread_id:
        if time.monotonic() > deadline:
            raise RuntimeError("the thread never reached the transcript")
        await asyncio.sleep(0.0005)
    shown = time.perf_counter()
    while (painted := paints.first_after(shown)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the app never painted the thread")
        await asyncio.sleep(0.0005)
    return painted - since


async def key_repaint(app: Any, pilot: Any, paints: PaintClock, key: str) -> float:
    """Seconds from pressing `key` to the first paint after it."""
    began = time.perf_counter()
    await pilot.press(key)
    for _ in range(1000):
        painted = paints.first_after(began)
        if painted is not None:
            return painted - began
        await pilot.pause()
    raise RuntimeError("the key never caused a paint")


async def minimal_keys(count: int) -> list[float]:
    """`down` in a minimal app's OptionList of 1,000 options: the baseline for a key."""
    from textual.app import App, ComposeResult
    from textual.widgets import OptionList

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList(*[f"option {i}" for i in range(1000)])

    app = Minimal()
    samples = []
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        paints = PaintClock(app)
        app.query_one(OptionList).focus()
        await pilot.pause()
        for _ in range(count):
            samples.append(await key_repaint(app, pilot, paints, "down"))
    return samples


async def live_changes(app: Any, pilot: Any, paints: PaintClock, db: Path, big: int, runs: int) -> tuple[list[float], list[float]]:
    """A message appended to the open big thread by another connection, to painted.

    The clock starts at the other connection's commit and stops at the paint that shows
    it; the app's poll is triggered at once (the poll interval, 250 ms by default, adds
    its own wait on top: half of it on average). Beside it, the same change shown by
    reloading the whole thread, as the app did before. The appended messages are deleted
    afterwards, so the benchmark database keeps its shape.
    """
    from store import Store

    main = app.main
    live: list[float] = []
    reload: list[float] = []
    async with Store.open(db) as other:
        first = None
        for i in range(runs):
            written = await other.append(big, "assistant", f"live line {i} from another process")
            first = first or written
            began = time.perf_counter()
            main.check_for_changes()
            live.append(await wait_painted(app, pilot, paints, began))
            if main.transcript.path[-1].id != written.id:
                raise RuntimeError("the appended message is not on screen")
        for i in range(runs):
            written = await other.append(big, "assistant", f"reloaded line {i}")
            began = time.perf_counter()
            main.load_thread(big)
            reload.append(await wait_painted(app, pilot, paints, began))
        if first is not None:
            await other.delete_branch(first.id)
    main._data_version = -1  # look again: the deletion above
    main.check_for_changes()
    await app.workers.wait_for_complete()
    return live, reload


def rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def in_process(db: Path, big: int, runs: int, keys: int) -> dict[str, Any]:
    """Open the big thread (to painted) and move the selection, inside one GroveApp."""
    from store import Store
    from tui.app import GroveApp

    async with Store.open(db) as store:
        small = next(t.id for t in await store.list_threads(limit=5) if t.id != big)
        baseline = []
        path_baseline = []
        for _ in range(runs):
            began = time.perf_counter()
            await store.get_thread(big)
            await store.path(big)
            path_baseline.append(time.perf_counter() - began)
            began = time.perf_counter()
            await store.get_thread(big)
            await store.messages(big)
            baseline.append(time.perf_counter() - began)
    app = GroveApp(db, poll_interval=None, cursor_blink=False)
    opens: list[float] = []
    path_opens: list[float] = []
    transcript_keys: list[float] = []
    list_keys: list[float] = []
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        paints = PaintClock(app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        for _ in range(runs):
            main.load_thread(small)
            await wait_painted(app, pilot, paints, time.perf_counter())
            began = time.perf_counter()
            main.load_thread(big, focus=True)
            path_opens.append(await path_painted(main.transcript, paints, big, began))
            opens.append(await wait_painted(app, pilot, paints, began))
        rss_open = rss_now_mb()
        live, reload = await live_changes(app, pilot, paints, db, big, runs)
        main.transcript.focus()
        await pilot.press("end")
        for i in range(keys):
            transcript_keys.append(await key_repaint(app, pilot, paints, "k" if i % 2 == 0 else "j"))
        main.thread_list.focus()
        await pilot.pause()
        for i in range(keys):
            list_keys.append(await key_repaint(app, pilot, paints, "j" if (i // 20) % 2 == 0 else "k"))
    return {
        "live_ms": statistics.median(live) * MS,
        "reload_ms": statistics.median(reload) * MS,
        "open_ms": statistics.median(opens) * MS,
        "open_data_ms": statistics.median(baseline) * MS,
        "open_path_ms": statistics.median(path_opens) * MS,
        "open_path_data_ms": statistics.median(path_baseline) * MS,
        "transcript_key_ms": statistics.median(transcript_keys) * MS,
        "list_key_ms": statistics.median(list_keys) * MS,
        "minimal_key_ms": statistics.median(await minimal_keys(keys)) * MS,
        "rss_open_mb": rss_open,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(name: str, value: str, baseline: str, target: str, ok: bool) -> None:
    print(f"{name:<40} {value:>12}  {baseline:>14}  {target:<22} {'ok' if ok else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=dataset.DEFAULT_PATH)
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each app")
    parser.add_argument("--keys", type=int, default=60, help="key presses to time")
    args = parser.parse_args()
    facts = dataset.ensure(args.db)
    print(f"database: {args.db} — {facts['threads']:,} threads, {facts['messages']:,} messages")
    print(f"{'what':<40} {'grove':>12}  {'baseline':>14}  {'target':<22}")
    cold = cold_starts(args.db, args.runs)
    ratio = cold["grove_ms"] / cold["minimal_ms"]
    report(
        f"cold start to first paint (median of {args.runs})",
        f"{cold['grove_ms']:.0f} ms",
        f"{cold['minimal_ms']:.0f} ms minimal",
        f"≤ 1.5× ({ratio:.2f}×)",
        ratio <= 1.5,
    )
    report("RSS at first paint (subprocess)", f"{cold['rss_mb']:.0f} MB", "", "≤ 250 MB", cold["rss_mb"] <= 250)
    warm = asyncio.run(in_process(args.db, facts["big_thread"], max(3, args.runs), args.keys))
    path_ratio = warm["open_path_ms"] / warm["open_path_data_ms"]
    report(
        f"open the {len(facts['big_path_ids']):,}-message thread: path painted",
        f"{warm['open_path_ms']:.0f} ms",
        f"{warm['open_path_data_ms']:.0f} ms path read",
        f"≤ 150 ms, ≤ 2.5× ({path_ratio:.2f}×)",
        warm["open_path_ms"] <= 150 and path_ratio <= 2.5,
    )
    report(
        "  … and tree, marks, timeline done",
        f"{warm['open_ms']:.0f} ms",
        f"{warm['open_data_ms']:.0f} ms all read",
        "(context)",
        True,
    )
    report(
        "live append to the open thread → painted",
        f"{warm['live_ms']:.0f} ms",
        f"{warm['reload_ms']:.0f} ms reload",
        "≤ 100 ms, no reload",
        warm["live_ms"] <= 100,
    )
    for name, key in (("transcript", "transcript_key_ms"), ("thread list", "list_key_ms")):
        report(
            f"key → repaint ({name})",
            f"{warm[key]:.1f} ms",
            f"{warm['minimal_key_ms']:.1f} ms OptionList",
            "≤ 16 ms",
            warm[key] <= 16,
        )
    report("RSS with the big thread open (in-process)", f"{warm['rss_open_mb']:.0f} MB", "", "≤ 250 MB", warm["rss_open_mb"] <= 250)
    report("peak RSS of the benchmark process", f"{warm['peak_rss_mb']:.0f} MB", "", "≤ 250 MB", warm["peak_rss_mb"] <= 250)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
