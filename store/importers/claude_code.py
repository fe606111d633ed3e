"""Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`).

Entries form a DAG through `uuid`/`parentUuid`, but most places where an entry has several
children are recording artifacts, not branches: progress, attachment, hook and snapshot
entries hang off the conversation; parallel tool calls and their results are siblings; one
API reply is written as several entries sharing `message.id`. Grove must show only the
branches a person made (a rewind or an edit: a new prompt under an earlier message).

The walk is *online*, in file order, so that the same code serves a first import and every
incremental round (its whole state is JSON, kept in `import_files.state`):

1. Non-conversational entries (progress, attachment, file-history-snapshot, queue-operation,
   hook summaries, …) become aliases of their nearest conversational ancestor; so do the
   later entries of a multi-entry reply (merged into the first one's message, usage
   counted once per `message.id`).
2. Every message belongs to a *segment*, a run that is shown as one chain. A new entry whose
   parent is in segment S is appended at S's tail — this linearises tool results, parallel
   calls and continuations in the order they were written (claude-code-log's ladder, rungs
   1–5, comes down to this once structural entries are aliases).
3. A *real branch* is a second "candidate" child of a message — a typed user prompt, or an
   assistant reply under a user message — written at a different time than the first one
   (same time = a compaction replay, rung 6, linearised). It starts a new segment as a
   sibling of the first candidate (rung 7).
4. `compact_boundary` has no parent: it continues from `logicalParentUuid` (or, when that
   comes later in the file, the last known member of `compactMetadata.preservedMessages`)
   and is marked `{"kind": "compact_boundary"}` so the app draws a divider. Because an
   entry can only attach to one seen before it, no loop can ever close.
5. A parent that never appeared: attached to the previous message, reported per line.
   Entries without parent links (old versions) read as one chain in file order.

Subagents (`<session>/subagents/agent-*.jsonl`, or `agent-*.jsonl` beside the session) are
child threads of the session's thread; their spawning message is the tool result whose
`toolUseResult.agentId` names them. Sidechain entries inside a session file become child
threads too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..parsed import ParsedMessage, ParsedThread
from ..sources import Source
from .claude_code_entries import TITLE_CHARS, agent_description, command_text, prompt_title, read_entry
from .lines import LineError
from .memory import AliasRow, ParserMemory, Recall
from .values import count_int, parse_time

SOURCE = Source.CLAUDE_CODE
_ZERO = (0, 0)
USAGE_WINDOW = 64
"""API message ids per thread whose usage the saved state remembers (see `_count_usage`)."""
WARMUP = "Warmup"
"""The prompt of the warm-up sidechains Claude Code 2.0 starts with each session."""

_CONVERSATIONAL = {"user", "assistant", "system"}
_RECORD_KINDS = {"summary", "custom-title", "ai-title", "last-prompt"}
_META_FIELDS = (("sessionId", "session_id"), ("cwd", "cwd"), ("gitBranch", "git_branch"), ("version", "version"))
_parse_time = parse_time  # also None for a time outside datetime's range (see values.parse_time)


def session_of(path: Path) -> tuple[str, str | None]:
    """(thread key, parent session key or None) for a transcript file, from its name and place."""
    stem = path.stem
    if stem.startswith("agent-"):
        if path.parent.name == "subagents":
            session = path.parent.parent.name
            return f"{session}:{stem}", session
        return stem, None  # beside the session: the session id is read from the entries
    return stem, None


def natural_key(path: Path) -> str:
    """The main thread's key from the file's name and place alone."""
    return session_of(path)[0]


class ClaudeCodeParser:
    """Feeds Claude Code entries one at a time and yields the new messages per thread."""

    format = SOURCE

    def __init__(
        self,
        path: Path,
        state: dict[str, Any] | None,
        errors: list[LineError],
        *,
        thread_key: str | None = None,
        recall: Recall | None = None,
    ) -> None:
        self.path = path
        self.name = str(path)
        self.errors = errors
        self.is_agent_file = path.stem.startswith("agent-")
        main_key, parent_session = session_of(path)
        s = state or {
            "main": main_key,
            "parent_session": parent_session,
            "tails": {},
            "nseg": 0,
            "last": {},
            "open": {},
            "usage": {},
            "tokens": {},
            "threads": {},
            "titles": {},
            "meta": {},
            "leaf_uuid": None,
            "last_ts": None,
        }
        if thread_key is not None and state is None:
            s["main"] = thread_key
        self.s = s
        # Every uuid read: in memory this round, older ones read back on demand (memory.py).
        self.memory = ParserMemory(recall, s["main"]) if state is None else ParserMemory.from_state(s, recall)
        self.alias = self.memory.alias
        self.msgs = self.memory.msgs  # key -> [thread, seg, grove parent key, role]
        self.first_cand = self.memory.first_cand
        self.tails: dict[str, str] = s["tails"]
        # This round's output
        self.new: dict[str, dict[str, ParsedMessage]] = {}
        self.updates: dict[str, dict[str, ParsedMessage]] = {}
        self.pending_by_msgid: dict[tuple[str, str], ParsedMessage] = {}
        self.lines = 0
        self.first_line: int | None = None
        self.last_line: int | None = None

    # ------------------------------------------------------------------ state

    def state(self) -> dict[str, Any]:
        """The checkpoint the next import resumes from: a window of recent uuids (the rest is
        in `import_aliases`), the open reply, each thread's tail, titles and totals."""
        saved = dict(self.s)
        saved["window"] = self.memory.window()
        # Usage is counted once per API message id; its entries only recur while a reply is written.
        saved["usage"] = {t: dict(list(seen.items())[-USAGE_WINDOW:]) for t, seen in self.s["usage"].items()}
        return saved

    def aliases(self) -> list[AliasRow]:
        """Entries new or changed this round, to write with the batch (see memory.py)."""
        return self.memory.rows()

    def _thread_info(self, key: str) -> dict[str, Any]:
        info = self.s["threads"].get(key)
        if info is None:
            info = self.s["threads"][key] = {}
        return info

    # ------------------------------------------------------------------ feeding

    def feed(self, number: int, obj: dict[str, Any]) -> None:
        self.lines += 1
        if self.first_line is None:
            self.first_line = number
        self.last_line = number
        kind = obj.get("type")
        if kind not in _CONVERSATIONAL:
            if kind in _RECORD_KINDS:
                self._record(kind, obj)
                return
            # Hot path: most lines are structure (progress, attachments, snapshots, hooks).
            uuid = obj.get("uuid")
            if isinstance(uuid, str) and uuid:
                if uuid in self.alias or self.memory.fetch(uuid):
                    self.errors.append(LineError(self.name, number, f"duplicate uuid {uuid}; skipped"))
                    return
                parent = obj.get("parentUuid")
                alias = self.alias
                if isinstance(parent, str):
                    alias[uuid] = alias[parent] if parent in alias else self.memory.alias_of(parent)
                else:
                    alias[uuid] = None
            return
        meta = self.s["meta"]
        for field, name in _META_FIELDS:
            value = obj.get(field)
            if value and isinstance(value, str):
                meta[name] = value
        moment = _parse_time(obj.get("timestamp"))
        if moment is None:
            last = self.s["last_ts"]
            moment = _parse_time(last) if last else datetime.fromtimestamp(self.path.stat().st_mtime, timezone.utc)
            assert moment is not None
        else:
            self.s["last_ts"] = obj["timestamp"]
        uuid = obj.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            uuid = f"line-{number}"  # very old transcripts: keyed by their place in the file
        if uuid in self.alias or self.memory.fetch(uuid):
            self.errors.append(LineError(self.name, number, f"duplicate uuid {uuid}; skipped"))
            return
        parent_uuid = obj.get("parentUuid")
        if not isinstance(parent_uuid, str):
            parent_uuid = None

        message = read_entry(kind, obj, number, self.name, self.errors)
        if message is None:
            # Structural: it stands for its nearest conversational ancestor.
            self.alias[uuid] = self._resolve(parent_uuid)[0]
            return
        role, content, data, msgid = message
        if self._fold_output(uuid, parent_uuid, data, obj):
            return
        data["uuid"] = uuid
        main = self.s["main"]
        thread = main

        # Where it hangs: the parent's message (through aliases), or its logical parent.
        parent_key, missing = self._resolve(parent_uuid)
        if data.get("kind") == "compact_boundary" and parent_key is None:
            parent_key, missing = self._compaction_parent(obj)
        if parent_key is not None:
            thread = (self.msgs.get(parent_key) or self._node(parent_key))[0]
        sidechain = bool(obj.get("isSidechain")) and not self.is_agent_file
        if sidechain and thread == main:
            # A subagent written inline: its own child thread, spawned at the parent message.
            thread = f"{main}:sidechain:{uuid}"
            info = self._thread_info(thread)
            info["parent_thread_key"] = main
            info["parent_message_key"] = parent_key
            parent_key, missing = None, False
        elif not sidechain and thread != main:
            thread = main
            parent_key = None
        if msgid is not None and role == "assistant":
            merged = self._merge(thread, msgid, uuid, content, data)
            if merged:
                return
        key = uuid
        if missing:
            prev = self.s["last"].get(thread)
            where = "attached to the previous message" if prev else "made a root"
            self.errors.append(LineError(self.name, number, f"parent {parent_uuid} not found; {where}"))
        self._place(thread, key, parent_key, role, content, data, moment, obj)
        self.alias[uuid] = key
        if msgid is not None and role == "assistant":
            self.s["open"][thread] = {"key": key, "msgid": msgid}
            self.pending_by_msgid[(thread, msgid)] = self.new[thread][key]
        info = self._thread_info(thread)
        stamp = timestamp if isinstance(timestamp := obj.get("timestamp"), str) else moment.isoformat()
        info.setdefault("first_ts", stamp)
        info["last_ts"] = max(info.get("last_ts", stamp), stamp)
        if role == "user" and "first_prompt" not in info and data.get("kind") is None and content.strip():
            title = prompt_title(content)
            if title:
                info["first_prompt"] = title
        if data.get("kind") == "command" and "first_command" not in info:
            name = data["command"].get("name")
            if name and name != "!":  # a session of only slash commands is still named by the first one
                info["first_command"] = name[:TITLE_CHARS]

    def _fold_output(self, uuid: str, parent_uuid: str | None, data: dict[str, Any], obj: dict[str, Any]) -> bool:
        """Fold what a command printed (its own entry, the command's child) into the command's message.

        Only while the command is still being written this round; an output alone (its command in
        an earlier round, or none) stays a command message of its own.
        """
        said = data.get("command")
        if data.get("kind") != "command" or not isinstance(said, dict) or set(said) != {"output"}:
            return False
        parent_key, _ = self._resolve(parent_uuid)
        node = self.memory.node(parent_key) if parent_key is not None else None
        if parent_key is None or node is None:
            return False
        thread = node[0]
        target = self.new.get(thread, {}).get(parent_key)
        if target is None or target.data.get("kind") != "command" or "output" in target.data["command"]:
            return False
        target.data["command"]["output"] = said["output"]
        target.content = command_text(target.data["command"]) or target.content
        target.data.setdefault("uuids", []).append(uuid)
        self.alias[uuid] = parent_key
        return True

    def _record(self, kind: Any, obj: dict[str, Any]) -> None:
        """Lines without a uuid that say something about the session: titles, the last prompt."""
        titles = self.s["titles"]
        if kind == "summary":
            if isinstance(obj.get("summary"), str):
                titles["summary"] = obj["summary"]
        elif kind == "custom-title":
            title = obj.get("customTitle") or obj.get("title")
            if isinstance(title, str) and title.strip():
                titles["custom"] = title
        elif kind == "ai-title":
            title = obj.get("aiTitle") or obj.get("title")
            if isinstance(title, str) and title.strip():
                titles["ai"] = title
        elif kind == "last-prompt":
            if isinstance(obj.get("leafUuid"), str):
                self.s["leaf_uuid"] = obj["leafUuid"]

    def _resolve(self, parent_uuid: str | None) -> tuple[str | None, bool]:
        if parent_uuid is None:
            return None, False
        if parent_uuid in self.alias or self.memory.fetch(parent_uuid):
            return self.alias[parent_uuid], False
        return None, True

    def _compaction_parent(self, obj: dict[str, Any]) -> tuple[str | None, bool]:
        logical = obj.get("logicalParentUuid")
        if isinstance(logical, str) and (found := self.memory.alias_of(logical)):
            return found, False
        meta = obj.get("compactMetadata")
        if isinstance(meta, dict):
            candidates: list[Any] = []
            preserved = meta.get("preservedMessages")
            if isinstance(preserved, dict) and isinstance(preserved.get("uuids"), list):
                candidates += reversed(preserved["uuids"])
            segment = meta.get("preservedSegment")
            if isinstance(segment, dict):
                candidates += [segment.get("tailUuid"), segment.get("headUuid")]
            for uuid in candidates:
                if isinstance(uuid, str) and (found := self.memory.alias_of(uuid)):
                    return found, False
        # Nothing known: the conversation goes on after the last message (no loop possible).
        return None, False

    def _merge(self, thread: str, msgid: str, uuid: str, content: str, data: dict[str, Any]) -> bool:
        """Fold another entry of the same API reply into its message."""
        target = self.pending_by_msgid.get((thread, msgid))
        is_update = False
        if target is None:
            opened = self.s["open"].get(thread)
            if not opened or opened.get("msgid") != msgid or "content" not in opened:
                return False
            target = ParsedMessage(opened["key"], None, "assistant", opened["content"], datetime.now(timezone.utc), opened["data"])
            is_update = True
        if content:
            target.content = f"{target.content}\n\n{content}" if target.content else content
        td = target.data
        for name in ("tool_calls",):
            if data.get(name):
                td[name] = td.get(name, []) + data[name]
        if data.get("thinking"):
            td["thinking"] = f"{td['thinking']}\n\n{data['thinking']}" if td.get("thinking") else data["thinking"]
        if data.get("usage"):
            td["usage"] = data["usage"]
        td.setdefault("uuids", []).append(uuid)
        self.alias[uuid] = target.key
        self._count_usage(thread, msgid, data.get("usage"))
        if is_update:
            self.updates.setdefault(thread, {})[target.key] = target
            self.pending_by_msgid[(thread, msgid)] = target
        return True

    def _count_usage(self, thread: str, msgid: str | None, usage: Any) -> None:
        if not isinstance(usage, dict):
            return
        seen = self.s["usage"].setdefault(thread, {})
        tokens = self.s["tokens"].setdefault(thread, [0, 0])
        now = [count_int(usage.get("input_tokens")), count_int(usage.get("output_tokens"))]
        if not msgid:
            tokens[0] += now[0]  # no id: counted as it comes
            tokens[1] += now[1]
            return
        before = seen.get(msgid, _ZERO)
        now = [max(before[0], now[0]), max(before[1], now[1])]
        tokens[0] += now[0] - before[0]
        tokens[1] += now[1] - before[1]
        seen[msgid] = now

    def _is_candidate(self, role: str, data: dict[str, Any], parent_role: str | None) -> bool:
        if data.get("kind") is not None:
            return False
        if role == "user":
            return True
        return role == "assistant" and parent_role == "user" and not data.get("api_error")

    def _place(
        self,
        thread: str,
        key: str,
        parent_key: str | None,
        role: str,
        content: str,
        data: dict[str, Any],
        moment: datetime,
        obj: dict[str, Any],
    ) -> None:
        stamp = timestamp if isinstance(timestamp := obj.get("timestamp"), str) else moment.isoformat()
        last = self.s["last"].get(thread)
        if parent_key is None:
            if last is not None:
                seg = self._node(last)[1]
                gparent: str | None = self.tails[seg]
            else:
                seg = self._new_segment()
                gparent = None
        else:
            pnode = self.msgs.get(parent_key) or self._node(parent_key)
            prole = pnode[3]
            first = self.first_cand.get(parent_key)  # read back with the node
            candidate = self._is_candidate(role, data, prole)
            if candidate and first is not None and first[1] != stamp and (first_node := self.memory.node(first[0])) is not None:
                # A real branch: a sibling of the first prompt/reply written under this message.
                seg = self._new_segment()
                gparent = first_node[2]
            else:
                seg = pnode[1]
                gparent = self.tails[seg]
            if first is None and (candidate or data.get("kind") == "compact_boundary"):
                # A compaction continues from its logical parent like a prompt would: a prompt
                # typed there later is a rewind, a real branch beside the compacted chain.
                self.memory.set_first(parent_key, [key, stamp])
        self.tails[seg] = key
        # The head goes to the branch of the newest conversation message, never to a command
        # or notice written later on an older branch.
        newest = self.s.setdefault("newest", {})
        if data.get("kind") is None and (thread not in newest or stamp >= newest[thread][0]):
            newest[thread] = [stamp, seg]
        self.msgs[key] = [thread, seg, gparent, role]
        self.s["last"][thread] = key
        if role == "assistant":
            self._count_usage(thread, data.get("message_id"), data.get("usage"))
        self.new.setdefault(thread, {})[key] = ParsedMessage(key, gparent, role, content, moment, data)

    def _node(self, key: str) -> list[Any]:
        """A known message's [thread, segment, parent key, role] (read back if older)."""
        node = self.memory.node(key)
        if node is None:
            raise KeyError(f"message {key} is not in this file's import memory")
        return node

    def _newest_leaf(self, thread: str) -> str | None:
        """The tail of the segment holding the thread's newest prompt, reply or tool result."""
        newest = self.s.get("newest", {}).get(thread)
        return self.tails.get(newest[1]) if newest else None

    def _new_segment(self) -> str:
        self.s["nseg"] += 1
        return str(self.s["nseg"])

    # ------------------------------------------------------------------ output

    def finish(self) -> list[ParsedThread]:
        """The threads with something new this round (the main one first)."""
        main = self.s["main"]
        meta = self.s["meta"]
        session_id = meta.get("session_id")
        # An agent file beside its session names the session in its entries.
        parent_session = self.s.get("parent_session")
        if self.is_agent_file and parent_session is None and session_id:
            parent_session = session_id
        # Remember the newest content of each thread's open reply, for a merge next round.
        for thread, opened in self.s["open"].items():
            pm = self.pending_by_msgid.get((thread, opened.get("msgid")))
            if pm is not None:
                opened["content"], opened["data"] = pm.content, pm.data
        out: list[ParsedThread] = []
        threads = list(dict.fromkeys([main, *self.new.keys(), *self.updates.keys()]))
        for thread in threads:
            new = self.new.get(thread, {})
            updates = self.updates.get(thread, {})
            if not new and not updates and thread not in self.s["threads"]:
                continue
            info = self._thread_info(thread)
            if not new and not updates and not info.get("first_ts"):
                continue
            tokens = self.s["tokens"].get(thread, [0, 0])
            parsed = ParsedThread(
                source=SOURCE,
                source_key=thread,
                messages=list(new.values()),
                updates=[u for k, u in updates.items() if k not in new],
                project=meta.get("cwd"),
                metadata={
                    k: v
                    for k, v in (
                        ("session_id", session_id),
                        ("cwd", meta.get("cwd")),
                        ("git_branch", meta.get("git_branch")),
                        ("version", meta.get("version")),
                        ("file", self.name),
                    )
                    if v
                },
                created_at=_parse_time(info.get("first_ts")),
                updated_at=_parse_time(info.get("last_ts")),
                input_tokens=tokens[0],
                output_tokens=tokens[1],
                import_data={"file": self.name, "lines": [self.first_line, self.last_line]} if self.lines else {},
            )
            if thread == main:
                titles = self.s["titles"]
                parsed.title = titles.get("custom") or titles.get("ai") or titles.get("summary") or info.get("first_prompt") or info.get("first_command")
                leaf = self.s.get("leaf_uuid")
                if leaf and (found := self.memory.alias_of(leaf)):
                    parsed.leaf_key = found
                else:
                    parsed.leaf_key = self._newest_leaf(thread)
                if self.is_agent_file:
                    agent_id = main.rsplit("agent-", 1)[-1]
                    parsed.parent_thread_key = parent_session
                    parsed.parent_message_marker = f'"agent_id":"{agent_id}"'
                    parsed.metadata["agent_id"] = agent_id
                    description = agent_description(self.path)
                    if description and not titles.get("custom"):
                        parsed.title = description
                if info.get("first_prompt") is None and not info.get("first_command") and self.is_agent_file:
                    parsed.metadata["no_prompt"] = True  # hidden unless a Task spawned it (see _finish)
            else:
                parsed.leaf_key = self._newest_leaf(thread)
                parsed.title = info.get("first_prompt") or info.get("first_command")
                parsed.parent_thread_key = info.get("parent_thread_key")
                parsed.parent_message_key = info.get("parent_message_key")
                parsed.metadata["sidechain"] = True
            if info.get("first_prompt") == WARMUP:
                parsed.hidden = True  # a Claude Code 2.0 warm-up sidechain: kept, not listed
            out.append(parsed)
        return out
