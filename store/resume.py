"""Handing a branch back to an agent: `grove resume` and the app's `o` key.

`prepare(store, thread_id, message_id=None, agent=None)` reads the path (root..message, or
the active path), brings it into the shape the agent's API accepts (`exporters.turns`) and
renders the new session in memory: its id, the file it goes to and the command that
continues it — what the app's confirmation shows. `write(store, prepared)` then writes it:

1. the file is written to a temporary name in its final folder (this is where an
   unwritable folder is found, before anything else happens);
2. the hand-off is recorded in one transaction: a `handoffs` row (which of the file's
   messages copy which origin messages) and a `handed_off` event on the origin thread;
3. the file is renamed into place (atomic: a follower never sees half a session), and for
   Codex the name is appended to `session_index.jsonl`.

Because the hand-off is recorded before the file appears, an import of the file (by
`grove import`, `--follow` or `watch`) always finds it and links the new thread to the
origin message as a fork (store/handoffs.py). If any step fails, nothing is left behind.
"""

from __future__ import annotations

import json
import os
import shlex
import tempfile
import uuid as uuid_module
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidOperation
from .exporters import claude_code, codex
from .exporters.turns import Turn, answers, pending_calls, turns_of
from .handoffs import record_handoff
from .models import Message, Thread
from .rows import encode_time
from .sources import AGENT_NAMES, Source

AGENTS: tuple[str, ...] = tuple(AGENT_NAMES)
TITLE_SUFFIX = " (from Grove)"


@dataclass
class Prepared:
    """A session ready to write: everything the confirmation names, and the lines."""

    thread: Thread
    message_id: int
    """The last message of the path that is written (the fork point)."""
    agent: str
    session_id: str
    path: Path
    cwd: str
    argv: list[str]
    """The command to run in `cwd`."""
    title: str
    records: list[dict[str, Any]]
    copied: dict[str, int]
    """{the importer's key of a written message: the origin message it copies}."""
    messages: int
    """How many messages of the path the file holds."""
    index_line: dict[str, Any] | None = None
    """Codex: the `session_index.jsonl` entry."""
    index_path: Path | None = None

    @property
    def agent_name(self) -> str:
        return AGENT_NAMES[self.agent]

    @property
    def command(self) -> str:
        """The command as one line of shell, to run in `cwd`."""
        return shlex.join(self.argv)

    @property
    def shell_line(self) -> str:
        """`cd <cwd> && <command>`: what to paste in a terminal."""
        return f"cd {shlex.quote(self.cwd)} && {self.command}"


@dataclass
class HandOff:
    """A session written for an agent (what `grove resume --json` prints)."""

    agent: str
    session_id: str
    path: Path
    cwd: str
    command: str
    argv: list[str] = field(default_factory=list)
    thread_id: int = 0
    message_id: int = 0
    messages: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"agent": self.agent, "session_id": self.session_id, "path": str(self.path), "cwd": self.cwd, "command": self.command}


def thread_cwd(thread: Thread) -> str | None:
    """The folder the thread's session ran in, when known."""
    cwd = thread.project or thread.metadata.get("cwd")
    # A project written as ~/src/x (the demo's) is the folder a shell would give.
    return os.path.expanduser(cwd) if isinstance(cwd, str) and cwd.strip() else None


def default_agent(thread: Thread) -> str:
    """The thread's own agent; Claude Code for threads from anywhere else."""
    return thread.source if thread.source in AGENTS else Source.CLAUDE_CODE


async def prepare(
    store: Any,
    thread_id: int,
    *,
    message_id: int | None = None,
    agent: str | None = None,
    env: dict[str, str] | None = None,
) -> Prepared:
    """Render the session for `thread_id`'s path (see the module docstring); writes nothing.

    Raises:
        NotFound: no such thread or message.
        InvalidOperation: an unknown agent, a message of another thread, a thread without a
            working folder, or a path with nothing to continue.
    """
    thread = await store.get_thread(thread_id)
    agent = agent or default_agent(thread)
    if agent not in AGENTS:
        raise InvalidOperation(f"Unknown agent {agent!r}; use claude-code or codex.")
    cwd = thread_cwd(thread)
    if cwd is None:
        raise InvalidOperation(
            f"Thread {thread.id} has no working folder (it was not imported from an agent's session), so no agent can continue it."
        )
    if message_id is not None:
        message = await store.get_message(message_id)
        if message.thread_id != thread.id:
            raise InvalidOperation(f"Message {message_id} belongs to thread {message.thread_id}, not to thread {thread.id}.")
    leaf = message_id if message_id is not None else thread.current_leaf_id
    if leaf is None:
        raise InvalidOperation(f"Thread {thread.id} has no messages; there is nothing to continue.")
    path = await store.path(thread.id, leaf_id=leaf)
    path = await _take_in_results(store, thread, path)
    turns = turns_of(path)
    if not any(t.kind in ("prompt", "reply") for t in turns):
        raise InvalidOperation(f"The path to message {leaf} holds no prompt or reply to continue from.")
    title = (thread.title or "Untitled").strip().splitlines()[0][:200] + TITLE_SUFFIX
    session_id = str(uuid_module.uuid4())
    now = store.now()
    if agent == Source.CLAUDE_CODE:
        base = claude_code.claude_dir(env)
        records, copied = claude_code.render_session(
            turns, session_id=session_id, cwd=cwd, title=title, git_branch=_text(thread.metadata.get("git_branch"))
        )
        file = claude_code.session_file(base, cwd, session_id)
        prepared = Prepared(thread, path[-1].id, agent, session_id, file, cwd, claude_code.command(session_id), title, records, copied, _count(turns))
    else:
        home = codex.codex_home(env)
        forked_from = _text(thread.metadata.get("session_id")) if thread.source == Source.CODEX else None
        records, copied = codex.render_rollout(
            turns,
            session_id=session_id,
            cwd=cwd,
            moment=now,
            model_provider=_text(thread.metadata.get("model_provider")) if thread.source == Source.CODEX else None,
            forked_from_id=forked_from,
        )
        file = codex.rollout_file(home, now, session_id)
        prepared = Prepared(thread, path[-1].id, agent, session_id, file, cwd, codex.command(session_id), title, records, copied, _count(turns))
        prepared.index_line = codex.index_entry(session_id, title, now)
        prepared.index_path = codex.index_file(home)
    return prepared


async def write(store: Any, prepared: Prepared) -> HandOff:
    """Write a prepared session and record the hand-off (see the module docstring).

    Raises:
        InvalidOperation: the agent's folder cannot be written (nothing is left behind).
    """
    folder = prepared.path.parent
    body = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in prepared.records)
    temp: str | None = None
    index = None
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".grove-", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
                f.flush()
                os.fsync(f.fileno())
            if prepared.index_path is not None:
                index = open(prepared.index_path, "a", encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InvalidOperation(
                f"Cannot write the {prepared.agent_name} session in {folder}: {exc.strerror or exc}."
            ) from None
        data = {
            "agent": prepared.agent,
            "session_id": prepared.session_id,
            "path": str(prepared.path),
            "cwd": prepared.cwd,
            "command": prepared.command,
            "messages": prepared.messages,
        }
        await store._session.write(
            record_handoff,
            encode_time(store.now()),
            prepared.thread.id,
            prepared.message_id,
            prepared.agent,
            prepared.session_id,
            str(prepared.path),
            prepared.copied,
            data,
        )
        os.replace(temp, prepared.path)
        temp = None
        if index is not None and prepared.index_line is not None:
            index.write(json.dumps(prepared.index_line, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if index is not None:
            index.close()
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    return HandOff(
        agent=prepared.agent,
        session_id=prepared.session_id,
        path=prepared.path,
        cwd=prepared.cwd,
        command=prepared.command,
        argv=list(prepared.argv),
        thread_id=prepared.thread.id,
        message_id=prepared.message_id,
        messages=prepared.messages,
    )


async def resume(
    store: Any,
    thread_id: int,
    *,
    message_id: int | None = None,
    agent: str | None = None,
    env: dict[str, str] | None = None,
) -> HandOff:
    """`prepare` then `write`."""
    return await write(store, await prepare(store, thread_id, message_id=message_id, agent=agent, env=env))


async def _take_in_results(store: Any, thread: Thread, path: list[Message]) -> list[Message]:
    """A path that ends between tool calls and their results goes on to take the results in.

    It follows the active path where it can, else the child that answers a pending call;
    calls whose result is nowhere below are left out by `turns_of` (the file stops before them).
    """
    pending = pending_calls(path)
    if not pending or not path:
        return path
    active = {m.id for m in await store.path(thread.id)} if thread.current_leaf_id is not None else set()
    path = list(path)
    cursor = path[-1]
    while pending:
        kids = await store.children(cursor.id)
        answering = [k for k in kids if answers(k) & pending]
        if not answering:
            break
        chosen = next((k for k in answering if k.id in active), answering[0])
        path.append(chosen)
        pending -= answers(chosen)
        cursor = chosen
    return path


def _count(turns: list[Turn]) -> int:
    seen: set[int] = set()
    for t in turns:
        seen.add(t.message.id)
        if t.summary_message is not None:
            seen.add(t.summary_message.id)
    return len(seen)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


__all__ = ["AGENTS", "AGENT_NAMES", "HandOff", "Prepared", "default_agent", "prepare", "resume", "thread_cwd", "write"]
