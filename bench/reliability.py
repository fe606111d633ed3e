"""The reliability figures of design.md §5, at full size.

Runs the store's crash and concurrency tests with the kill count raised from the suite's
60 to 200 SIGKILLs of a writer at random moments (no acknowledged write lost,
integrity_check and foreign_key_check clean), plus four processes writing one thread at
once (everything committed, no error, no seq gap). Prints pytest's summary and the time.

    python bench/reliability.py [--kills-per-mode N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills-per-mode", type=int, default=100, help="two modes, so twice this many kills")
    args = parser.parse_args()
    env = dict(os.environ, GROVE_CRASH_KILLS_PER_MODE=str(args.kills_per_mode))
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/store/test_store_crash.py", "tests/store/test_store_processes.py"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    kills = 2 * args.kills_per_mode
    verdict = "ok" if done.returncode == 0 else "FAILED"
    print(f"{kills} SIGKILLs + four concurrent writers: {verdict} in {time.perf_counter() - began:.0f} s")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
