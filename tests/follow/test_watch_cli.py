"""`grove watch` through a real subprocess: one line per change, ctrl+c ends it cleanly."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
DEADLINE = 30.0  # seconds: a bound for a hung command, not a synchronisation delay


class LineReader:
    """Reads a subprocess's stdout line by line, giving up at a deadline."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        self.stream = process.stdout
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stream, selectors.EVENT_READ)
        self.buffer = b""

    def until(self, needle: str) -> list[str]:
        seen: list[str] = []
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                seen.append(line.decode())
                if needle in seen[-1]:
                    return seen
            if self.selector.select(timeout=end - time.monotonic()):
                chunk = os.read(self.stream.fileno(), 65536)
                if not chunk:
                    break
                self.buffer += chunk
        raise AssertionError(f"no line with {needle!r}; saw {seen!r}")


def grove(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui.cli", *args]


def test_watch_prints_a_line_per_change_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    projects = tmp_path / "projects" / "-tmp"
    projects.mkdir(parents=True)
    (projects / "a.jsonl").write_bytes((FIXTURES / "claude-code" / "dag_simple.jsonl").read_bytes())
    process = subprocess.Popen(
        grove("--db", str(tmp_path / "grove.db"), "watch", str(tmp_path / "projects")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        reader = LineReader(process)
        reader.until("watching")
        first = reader.until("+5 messages")
        # One line per change (README): the thread, its title and what was added, together.
        assert len(first) == 1 and "new  thread" in first[0] and "Hello" in first[0]

        (projects / "b.jsonl").write_bytes((FIXTURES / "claude-code" / "dag_within_fork.jsonl").read_bytes())
        second = reader.until("new  thread")
        assert len(second) == 1 and "messages (" in second[0]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr

    listed = subprocess.run(grove("--db", str(tmp_path / "grove.db"), "threads", "--json"), capture_output=True, check=True)
    assert listed.stdout.count(b'"source":"claude-code"') + listed.stdout.count(b'"source": "claude-code"') == 2


def test_watch_of_a_missing_folder_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    done = subprocess.run(
        grove("--db", str(tmp_path / "grove.db"), "watch", str(tmp_path / "nowhere")), capture_output=True, timeout=DEADLINE
    )
    assert done.returncode == 1
    assert done.stderr.decode().strip() == f"grove: Cannot follow {tmp_path / 'nowhere'}: no such file or folder."
