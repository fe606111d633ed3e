"""App benchmarks against design.md §5, each beside a minimal Textual app in the same run.

1. Cold start to first paint: `grove` on the 1M-message benchmark database, and a minimal
   Textual app (one Static), each started as a fresh `python` process on a pseudo-terminal
   with TERM=xterm-256color. The clock runs from spawning the process to the moment the
   terminal receives the first screen that shows real content — for grove the title of
   the newest thread (so the thread list has been read from the database and painted),
   for the minimal app its one line of text. Nothing inside the app is instrumented.
2. Open the thread with the 10,000-message active path, to painted, in-process
   (`App.run_test`): from the request to the moment the transcript has rendered it.
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
    report("RSS at first paint", f"{cold['rss_mb']:.0f} MB", "", "≤ 250 MB", cold["rss_mb"] <= 250)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
