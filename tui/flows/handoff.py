"""Continue the path up to a message in Claude Code or Codex (a new agent session)."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import SuspendNotSupported

from store import Message, Thread

from ..notify import literal
from ..screens.modals import HandOffChoice, HandOffScreen
from .base import FlowHost

if TYPE_CHECKING:
    from store.resume import Prepared


class HandOffFlows(FlowHost):
    """Write the path as an agent session, run the agent (Grove waits), import what it added."""

    def action_continue_in_agent(self) -> None:
        """Continue the path up to the selected message in Claude Code or Codex (after a confirmation)."""
        if (message := self.selected()) is not None and self.thread is not None:
            self.prepare_hand_off(self.thread, message)

    @work(group="op", exit_on_error=False)
    async def prepare_hand_off(self, thread: Thread, message: Message) -> None:
        """Render the session for both agents (nothing is written yet), then ask."""
        from store.resume import AGENTS, default_agent, prepare

        # Both up front, so `a` in the confirmation switches at once; a refusal (no
        # folder…) is a notification.
        prepared = {agent: await prepare(self.store, thread.id, message_id=message.id, agent=agent) for agent in AGENTS}
        self.app.push_screen(HandOffScreen(prepared, default_agent(thread)), partial(self._hand_off, thread, message, prepared))

    def _hand_off(self, thread: Thread, message: Message, prepared: dict[str, Prepared], choice: HandOffChoice | None) -> None:
        if choice is not None:
            self.hand_off(thread, message, prepared[choice.agent], choice.how)

    @work(group="op", exit_on_error=False)
    async def hand_off(self, thread: Thread, message: Message, chosen: Prepared, how: str) -> None:
        """Write the session; then run the agent here, or copy its command."""
        from store.importers import import_paths
        from store.resume import write

        if how == "run" and not os.path.isdir(chosen.cwd):
            self.notify(literal("The thread's folder $cwd does not exist here; nothing was written.", cwd=chosen.cwd), severity="error")
            return
        await write(self.store, chosen)
        self.reload(thread.id, select_id=message.id)
        line = chosen.shell_line
        if how == "copy" or shutil.which(chosen.argv[0]) is None:
            self.app.copy_to_clipboard(line)
            missing = "" if how == "copy" else f"{chosen.argv[0]} is not on PATH. "
            self.notify(literal("$missing" + "Copied: $line", missing=missing, line=line), title=f"{chosen.agent_name} session written")
            return
        code = self.run_agent(chosen.argv, chosen.cwd)
        if code is None:
            self.app.copy_to_clipboard(line)
            self.notify(literal("This terminal cannot be handed over; copied: $line", line=line), title=f"{chosen.agent_name} session written")
            return
        # Back from the agent: what it added comes in now (live import would bring it too).
        report = await import_paths(self.store, [chosen.path])
        if report.threads:
            self.notify(f"Back from {chosen.agent_name}: the continuation is a fork of #{chosen.message_id}.")
            self.open_thread(report.threads[0])

    def run_agent(self, argv: list[str], cwd: str) -> int | None:
        """Suspend Grove and run the agent in `cwd`; its exit code, or None when this
        terminal cannot be handed over (Textual Web, a headless run)."""
        try:
            with self.app.suspend():
                return subprocess.run(argv, cwd=cwd, check=False).returncode
        except SuspendNotSupported:
            return None
