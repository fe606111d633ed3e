"""The `grove` command (placeholder until the CLI lands)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grove", description="Browse and branch your AI agent conversations.")
    parser.add_argument("--db", help="the database file (default: $GROVE_DB, else the user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the app on a fresh demo database")
    parser.parse_args(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
