"""`grove resume`: a thread's path written as a new Claude Code or Codex session, and run."""

from __future__ import annotations

import argparse
import os
import sys

from store import Store
from tui.safe_text import clean_line, json_text

from .output import fail


async def cmd_resume(store: Store, args: argparse.Namespace) -> str:
    from store.errors import InvalidOperation
    from store.resume import prepare, write

    prepared = await prepare(store, args.thread, message_id=args.message, agent=args.agent)
    if args.exec and not os.path.isdir(prepared.cwd):
        raise InvalidOperation(f"The thread's folder {prepared.cwd} does not exist here, so {prepared.agent_name} cannot run in it.")
    handoff = await write(store, prepared)
    if args.exec:
        args.exec_plan = (handoff.argv, handoff.cwd, prepared.agent_name, prepared.shell_line)
    if args.json:
        return json_text(handoff.as_dict(), indent=2)
    noun = "message" if handoff.messages == 1 else "messages"
    return "\n".join(
        [
            f"Wrote thread {args.thread}'s path ({handoff.messages} {noun}, to #{handoff.message_id}) as a new {prepared.agent_name} session:",
            f"  {clean_line(str(handoff.path))}",
            "Continue it with:",
            f"  {clean_line(prepared.shell_line)}",
        ]
    )


def exec_agent(plan: tuple[list[str], str, str, str]) -> int:
    """Replace this process with the agent, in the session's folder (`grove resume --exec`)."""
    import shutil

    argv, cwd, name, line = plan
    if shutil.which(argv[0]) is None:
        return fail(f"{name} (`{argv[0]}`) is not on PATH; the session is written, so run: {line}", 1)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.chdir(cwd)
        os.execvp(argv[0], argv)
    except OSError as exc:
        return fail(f"Could not run {argv[0]} in {cwd}: {exc.strerror or exc}; run: {line}", 1)
    return 0  # not reached: execvp does not return
