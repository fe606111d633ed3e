"""The real app on a real pseudo-terminal: hostile transcript text must not reach the terminal.

A thread whose title and messages carry an OSC title change, a clear-screen CSI, an 8-bit
CSI and Rich/Textual markup (a hyperlink, a click action) is opened in `grove` running as
a subprocess on a pty. Every byte the app writes is collected, and none of the injected
sequences may be among them: the OSC payload never appears, the 8-bit CSI never appears
(raw or UTF-8 encoded), and the markup shows as the text it is rather than becoming an
OSC 8 hyperlink.

Reading waits for what the app draws (a marker in the title, then one in the message),
with a deadline only as a failure bound; nothing sleeps to synchronise.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from store import Store
from tui.demo import demo_clock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

COLUMNS, ROWS = 140, 40
DEADLINE = 60.0
"""Seconds to wait for a screen before calling it a failure (a 2-core CI box can be slow)."""

INJECTED = (
    "\x1b]0;pwned\x07"  # OSC 0: set the window title
    "\x1b[2J"  # CSI: clear the screen
    "\x9b31m"  # 8-bit CSI: red
    " [link='https://x']x[/link]"  # Rich markup: a hyperlink
    " [@click=app.quit]x[/]"  # Textual markup: a click action
)
TITLE_MARK = "Hostile"
BODY_MARK = "Payload"
APP_CODE = "import sys; from tui.app import run; run(sys.argv[1])"
"""How the subprocess starts the app: `tui.app.run` on the database path."""


async def _hostile_db(path: Path) -> None:
    async with Store.open(path, clock=demo_clock()) as store:
        thread = await store.create_thread(f"{TITLE_MARK} {INJECTED}", source="claude-code")
        await store.append(thread.id, "user", f"{BODY_MARK} user {INJECTED}")
        await store.append(thread.id, "assistant", f"# {BODY_MARK} heading {INJECTED}\n\n- item {INJECTED}\n")
        await store.append(
            thread.id,
            "tool",
            f"Bash: echo {INJECTED}",
            data={"tool": "Bash", "input": {"command": f"echo {INJECTED}"}, "output": INJECTED},
        )
        await store.save_checkpoint(thread.id, f"cp {INJECTED}", note=INJECTED)


class PtyApp:
    """The app as a subprocess on a pty, with every byte it writes kept in `output`."""

    def __init__(self, db: Path, home: Path, code: str = APP_CODE) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "GROVE")) and key not in ("NO_COLOR", "COLUMNS", "LINES")
        }
        env.update(TERM="xterm-256color", HOME=str(home), XDG_DATA_HOME=str(home / "data"), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(db)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=str(Path(__file__).resolve().parents[2]),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()

    def _read_some(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the app closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: every writer of the pty is gone
            return False
        if not chunk:
            return False
        self.output += chunk
        return True

    def wait_for(self, marker: bytes) -> None:
        """Read until `marker` shows up; fail at the deadline or if the app ends first."""
        deadline = time.monotonic() + DEADLINE
        while marker not in self.output:
            if time.monotonic() > deadline or not self._read_some(0.5):
                tail = bytes(self.output[-3000:])
                pytest.fail(f"{marker!r} never appeared (exit code {self.process.poll()}); last output: {tail!r}")

    def send(self, keys: bytes) -> None:
        """Type `keys` into the app's terminal."""
        os.write(self.master, keys)

    def wait_exit(self) -> int:
        """Read until the app exits and its end of the terminal closes; its exit code."""
        deadline = time.monotonic() + DEADLINE
        while self._read_some(0.5):
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not quit; last output: {bytes(self.output[-3000:])!r}")
        return self.process.wait(timeout=DEADLINE)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def test_hostile_text_never_reaches_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    asyncio.run(_hostile_db(db))
    app = PtyApp(db, tmp_path)
    try:
        app.wait_for(TITLE_MARK.encode())  # the thread list is painted
        app.send(b"\r")  # open the selected (only) thread
        app.wait_for(BODY_MARK.encode())
        app.wait_for(b"[@click=app.quit]")
        app.send(b"v")  # the side pane's Timeline tab: the title again, in the thread_created event
        app.wait_for(b"appended")
        app.send(b"v")  # the Checkpoints tab: the hostile checkpoint name and note
        app.wait_for(b"manual")
        app.send(b"q")
        code = app.wait_exit()
    finally:
        app.close()
    out = bytes(app.output)
    assert code == 0, out[-2000:]
    # The OSC title change: neither the sequence nor its payload.
    assert b"]0;pwned" not in out
    assert b"pwned" not in out
    # The 8-bit CSI, raw or as UTF-8.
    assert b"\x9b31m" not in out
    assert b"\xc2\x9b" not in out
    # The markup shows as typed, and no hyperlink to https://x was made of it.
    assert b"[link=" in out
    assert b"[@click=app.quit]" in out
    assert re.search(rb"\x1b\]8;[^\x07\x1b]*;https://x", out) is None
