"""Writing a parsed, format-neutral thread into the store in one transaction.

Every importer parses its format into `ParsedThread`s and hands them here, so the
invariants of design.md §1 are kept in one place on the bulk path:

- a message's parent is in the same thread (parents are named by `source_key`, resolved
  against this batch and the messages already stored for the thread);
- `depth`, `child_count`, `message_count` and `leaf_count` are computed, not trusted;
- the current leaf is one of the thread's own messages; on a re-import it moves to the new
  imported leaf only when the user has not moved it since the last import (the head still
  equals the `to_leaf_id` of the thread's latest `imported` event);
- one `imported` event per thread per import run, with `from_leaf_id`/`to_leaf_id`;
- rows go in with `executemany` while the per-row FTS trigger is paused; the id range of a
  file's new rows is recorded in `fts_pending` in the same transaction and indexed for
  search with one `INSERT INTO messages_fts … SELECT` — at the end of the transaction, or,
  for an import run (`defer_index=True`), once for every file at the end of the run
  (`index_pending`; `Store.open` does it too after a crash).

Re-importing is idempotent: messages whose `source_key` is already stored in the thread
are not added again (their content is updated if the source changed it, e.g. a reply that
grew by another entry).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from .handoffs import link_handoff
from .lineage import link, link_pending, resolve_links, user_titled
from .models import EventKind
from .parsed import (
    FileRecord,
    MessageRow,
    ParsedCheckpoint,
    ParsedEvent,
    ParsedMessage,
    ParsedThread,
    WriteResult,
    message_row,
)
from .rows import encode_json, encode_time
from .transactions import add_event, index_pending

__all__ = [
    "FileRecord",
    "MessageRow",
    "ParsedCheckpoint",
    "ParsedEvent",
    "ParsedMessage",
    "ParsedThread",
    "WriteResult",
    "index_pending",
    "link_pending",
    "message_row",
    "resolve_links",
    "write_file",
    "write_thread_tx",
]


def write_file(
    conn: sqlite3.Connection,
    threads: list[ParsedThread],
    record: FileRecord | None,
    stamp: str,
    defer_index: bool = False,
) -> list[WriteResult]:
    """One file's transaction: every thread parsed from it, and its `import_files` row.

    Run with `store._session.write(write_file, threads, record, stamp)`. The new messages' id
    range goes to `fts_pending`; with `defer_index` it is left there for the caller to
    index with `index_pending` at the end of its run, else it is indexed here.
    """
    results = [write_thread_tx(conn, t, stamp) for t in threads]
    added = [r for r in results if r.added]
    if added:
        # The threads of one transaction take consecutive ids: one range covers the file.
        conn.execute(
            "INSERT INTO fts_pending (first_id, end_id) VALUES (?, ?)"
            " ON CONFLICT (first_id) DO UPDATE SET end_id = max(end_id, excluded.end_id)",
            (min(r.first_id for r in added), max(r.end_id for r in added)),
        )
        if not defer_index:
            index_pending(conn)
    if record is not None:
        conn.execute(
            "INSERT INTO import_files (path, format, size, mtime, offset, line_count, head_hash, state, imported_at,"
            " parser_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
            " format = excluded.format, size = excluded.size, mtime = excluded.mtime, offset = excluded.offset,"
            " line_count = excluded.line_count, head_hash = excluded.head_hash, state = excluded.state,"
            " imported_at = excluded.imported_at, parser_version = excluded.parser_version",
            (
                record.path,
                record.format,
                record.size,
                record.mtime,
                record.offset,
                record.line_count,
                record.head_hash,
                record.state_json
                if record.state_json is not None
                else json.dumps(record.state, separators=(",", ":")) if record.state is not None else None,
                stamp,
                record.parser_version,
            ),
        )
        if record.forget_aliases or record.aliases:
            file_id = conn.execute("SELECT rowid FROM import_files WHERE path = ?", (record.path,)).fetchone()[0]
            if record.forget_aliases:
                conn.execute("DELETE FROM import_aliases WHERE file = ?", (file_id,))
            if record.aliases:
                conn.executemany(
                    "INSERT OR REPLACE INTO import_aliases (file, uuid, key, thread, seg, parent, role, first, first_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(file_id, *row) for row in record.aliases],
                )
    return results


def _t(moment: datetime | None) -> str | None:
    return encode_time(moment) if moment is not None else None

def write_thread_tx(conn: sqlite3.Connection, parsed: ParsedThread, stamp: str) -> WriteResult:
    """The synchronous body: create or extend the thread keyed by (source, source_key)."""
    row = conn.execute(
        "SELECT id, current_leaf_id, updated_at, created_at FROM threads WHERE source = ? AND source_key = ?",
        (parsed.source, parsed.source_key),
    ).fetchone()
    created = row is None
    created_at = _t(parsed.created_at) or stamp
    updated_at = _t(parsed.updated_at) or created_at
    if created:
        cursor = conn.execute(
            "INSERT INTO threads (title, status, source, source_key, project, created_at, updated_at, metadata,"
            " archived_at, hidden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                parsed.title,
                parsed.status,
                parsed.source,
                parsed.source_key,
                parsed.project,
                created_at,
                updated_at,
                encode_json(parsed.metadata),
                _t(parsed.archived_at),
                int(bool(parsed.hidden)),
            ),
        )
        thread_id = int(cursor.lastrowid)  # type: ignore[arg-type]
        head: int | None = None
        existing: dict[str, tuple[int, int, int]] = {}
    else:
        thread_id, head = int(row[0]), row[1]
        existing = _existing(conn, thread_id, parsed)
        sets = ["updated_at = max(updated_at, ?)"]
        params: list[Any] = [updated_at]
        if parsed.title and not user_titled(conn, thread_id):
            sets.append("title = coalesce(json_extract(metadata, '$.task_title'), ?)")
            params.append(parsed.title)
        if parsed.project:
            sets.append("project = coalesce(project, ?)")
            params.append(parsed.project)
        if parsed.hidden is not None:
            sets.append("hidden = ?")
            params.append(int(parsed.hidden))
        if parsed.metadata:
            sets.append("metadata = json_patch(coalesce(metadata, '{}'), ?)")
            params.append(json.dumps(parsed.metadata, ensure_ascii=False))
        conn.execute(f"UPDATE threads SET {', '.join(sets)} WHERE id = ?", (*params, thread_id))

    # ---- new messages: ids, depths and child counts computed here, rows inserted at once
    next_id = _next_message_id(conn)
    first_id = next_id
    batch: dict[str, list[Any]] = {}  # key -> row (mutable: child_count filled as children come)
    rows: list[list[Any]] = []
    parent_bumps: dict[int, int] = {}
    rewritten: list[tuple[str, int, str]] = []
    for key, parent_key, role, content, data_json, status, created_text in (
        parsed.rows if parsed.rows is not None else map(message_row, parsed.messages)
    ):
        if key in batch or key in existing:
            if parsed.reread and key in existing:
                rewritten.append((content, existing[key][0], content))
            continue
        parent_id: int | None = None
        depth = 0
        if parent_key is not None:
            prow = batch.get(parent_key)
            if prow is not None:
                parent_id, depth = prow[0], prow[9] + 1
                prow[10] += 1
            elif parent_key in existing:
                pid, pdepth, _ = existing[parent_key]
                parent_id, depth = pid, pdepth + 1
                parent_bumps[pid] = parent_bumps.get(pid, 0) + 1
        new_row = [next_id, thread_id, parent_id, role, content, data_json, status, created_text, key, depth, 0]
        next_id += 1
        batch[key] = new_row
        rows.append(new_row)
    if rows:
        conn.execute("UPDATE fts_control SET paused = 1")
        conn.executemany(
            "INSERT INTO messages (id, thread_id, parent_id, role, content, data, status, created_at, source_key,"
            " depth, child_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("UPDATE fts_control SET paused = 0")
    existing_child_count = {v[0]: v[2] for v in existing.values()} if parent_bumps else {}
    if parent_bumps:
        conn.executemany(
            "UPDATE messages SET child_count = child_count + ? WHERE id = ?",
            [(n, pid) for pid, n in parent_bumps.items()],
        )

    updated = 0
    if rewritten:
        # Content only: data may carry what Grove added since (a handoff's copied_from).
        cur = conn.executemany("UPDATE messages SET content = ? WHERE id = ? AND content != ?", rewritten)
        updated += max(0, cur.rowcount)
    for m in parsed.updates:
        target = existing.get(m.key)
        if target is None:
            continue
        cur = conn.execute(
            "UPDATE messages SET content = ?, data = ? WHERE id = ? AND (content != ? OR coalesce(data, '') != ?)",
            (m.content, encode_json(m.data), target[0], m.content, encode_json(m.data) or ""),
        )
        updated += cur.rowcount
    for key, changes in parsed.patches:
        target = existing.get(key)
        if target is None:
            continue
        found = conn.execute("SELECT data FROM messages WHERE id = ?", (target[0],)).fetchone()
        stored = json.loads(found[0]) if found and found[0] else {}
        conn.execute("UPDATE messages SET data = ? WHERE id = ?", (encode_json(merge_data(stored, changes)), target[0]))
        updated += 1

    if rows or created:
        # Counted from what changed, not by counting the thread again (one appended line to a
        # long session must not cost a scan of it): the new leaves, less the stored leaves
        # that got their first child.
        new_leaves = sum(1 for r in rows if r[10] == 0)
        lost_leaves = sum(1 for pid in parent_bumps if existing_child_count.get(pid) == 0)
        conn.execute(
            "UPDATE threads SET message_count = message_count + ?, leaf_count = leaf_count + ? WHERE id = ?",
            (len(rows), new_leaves - lost_leaves, thread_id),
        )
    token_sets = []
    token_params: list[Any] = []
    for column, value in (
        ("input_tokens", parsed.input_tokens),
        ("output_tokens", parsed.output_tokens),
        ("cost_usd", parsed.cost_usd),
    ):
        if value is not None:
            token_sets.append(f"{column} = ?")
            if isinstance(value, int):
                # A sum of huge per-line counts can pass SQLite's 64 bits even when each
                # line's count was clamped to it: the total is clamped too.
                value = max(-(2**63), min(value, 2**63 - 1))
            token_params.append(value)
    if token_sets:
        conn.execute(f"UPDATE threads SET {', '.join(token_sets)} WHERE id = ?", (*token_params, thread_id))

    if parsed.rebuild and not created:
        _rebuild(conn, thread_id, parsed, existing, batch)
        head = conn.execute("SELECT current_leaf_id FROM threads WHERE id = ?", (thread_id,)).fetchone()[0]

    # ---- lineage: the spawning thread/message, the thread this one was forked from
    link(conn, thread_id, parsed)
    # A session Grove wrote for an agent (`grove resume`) comes back as a fork of its origin.
    copied = link_handoff(conn, thread_id, parsed.source, parsed.source_key) if created else 0

    # ---- checkpoints and events of a full-fidelity import
    def key_id(key: str | None) -> int | None:
        if key is None:
            return None
        if key in batch:
            return int(batch[key][0])
        if key in existing:
            return existing[key][0]
        return None

    for cp in parsed.checkpoints:
        mid = key_id(cp.message_key)
        if mid is None:
            continue
        conn.execute(
            "INSERT INTO checkpoints (thread_id, name, message_id, kind, note, state, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id, name) DO NOTHING",
            (thread_id, cp.name, mid, cp.kind, cp.note, encode_json(cp.state), encode_time(cp.created_at)),
        )
    if created and parsed.events:
        last_seq = 0
        for ev in sorted(parsed.events, key=lambda e: e.seq):
            last_seq += 1
            if ev.data_keys or ev.data_thread_keys:
                # Ids inside the data were the exporting database's: use this one's.
                ev.data = dict(ev.data)
                for name, mkey in ev.data_keys.items():
                    ev.data[name] = key_id(mkey)
                for name, tkey in ev.data_thread_keys.items():
                    found = conn.execute("SELECT id FROM threads WHERE source_key = ? LIMIT 1", (tkey,)).fetchone() if tkey else None
                    ev.data[name] = found[0] if found else None
            conn.execute(
                "INSERT INTO events (thread_id, seq, kind, message_id, from_leaf_id, to_leaf_id, data, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    thread_id,
                    last_seq,
                    ev.kind,
                    key_id(ev.message_key),
                    key_id(ev.from_leaf_key),
                    key_id(ev.to_leaf_key),
                    encode_json(ev.data),
                    encode_time(ev.created_at),
                ),
            )
        conn.execute("UPDATE threads SET last_seq = ? WHERE id = ?", (last_seq, thread_id))

    # ---- the head
    new_leaf = _imported_leaf(conn, thread_id, parsed, key_id)
    old_head = head
    head_moved = False
    if new_leaf is not None and new_leaf != head:
        if created or head is None or head == _last_imported_leaf(conn, thread_id):
            conn.execute("UPDATE threads SET current_leaf_id = ? WHERE id = ?", (new_leaf, thread_id))
            head = new_leaf
            head_moved = True
    if created or rows or updated or head_moved:
        data: dict[str, Any] = {"source": parsed.source, "added": len(rows)}
        if created:
            data["created"] = True
        if updated:
            data["updated"] = updated
        if copied:
            data["copied"] = copied
        if new_leaf is not None:
            data["imported_leaf_id"] = new_leaf
        if head_moved is False and new_leaf is not None and new_leaf != head:
            data["kept_head"] = True
        data.update(parsed.import_data)
        add_event(
            conn,
            thread_id,
            EventKind.IMPORTED,
            stamp,
            message_id=new_leaf,
            from_leaf=old_head,
            to_leaf=head if head_moved or created else old_head,
            data=data,
            touch=False,
        )
    return WriteResult(thread_id, created, len(rows), updated, head_moved, first_id, next_id)


def merge_data(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A stored message's data with a later round's `changes`: a list takes the items it
    lacks, anything else is replaced (a parser sends whole values: the usage it counted).
    Idempotent, so a message another file of the same session wrote is not counted twice."""
    for name, value in changes.items():
        old = stored.get(name)
        if isinstance(value, list) and isinstance(old, list):
            stored[name] = old + [v for v in value if v not in old]
        else:
            stored[name] = value
    return stored


def _existing(conn: sqlite3.Connection, thread_id: int, parsed: ParsedThread) -> dict[str, tuple[int, int, int]]:
    """(id, depth, child_count) by source_key of the stored messages this write names: all of
    the thread's when it is read again or rebuilt, else only the keys of the batch, their
    parents, the updates and the leaf (an index lookup each, not a scan of a long thread)."""
    query = "SELECT source_key, id, depth, child_count FROM messages WHERE thread_id = ?"
    if parsed.reread or parsed.rebuild or parsed.checkpoints or parsed.events:
        rows = conn.execute(query + " AND source_key IS NOT NULL", (thread_id,))
        return {r[0]: (r[1], r[2], r[3]) for r in rows}
    keys: set[str] = {m.key for m in parsed.updates} | {key for key, _ in parsed.patches}
    if parsed.leaf_key is not None:
        keys.add(parsed.leaf_key)
    for row in parsed.rows if parsed.rows is not None else map(message_row, parsed.messages):
        keys.add(row[0])
        if row[1] is not None:
            keys.add(row[1])
    found: dict[str, tuple[int, int, int]] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        for r in conn.execute(query + f" AND source_key IN ({','.join('?' * len(chunk))})", (thread_id, *chunk)):
            found[r[0]] = (r[1], r[2], r[3])
    return found


def _next_message_id(conn: sqlite3.Connection) -> int:
    """The id SQLite would hand out next (never one a deleted message had, with AUTOINCREMENT)."""
    top = conn.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0]
    try:
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
    except sqlite3.OperationalError:  # no AUTOINCREMENT table in this schema
        row = None
    return max(int(top), int(row[0]) if row else 0) + 1


def _rebuild(
    conn: sqlite3.Connection,
    thread_id: int,
    parsed: ParsedThread,
    existing: dict[str, tuple[int, int, int]],
    batch: dict[str, list[Any]],
) -> None:
    """Reshape a stored thread after its source was parsed again by newer rules.

    Messages keep their ids (checkpoints, events and the head still name them); they take the
    new parents, content and data. A stored leaf the new parse no longer has (an output now
    folded into its command) is removed unless a checkpoint or another thread names it.
    Depths, child counts and the thread's counts are computed again.
    """

    def id_of(key: str | None) -> int | None:
        if key is None:
            return None
        if key in batch:
            return int(batch[key][0])
        found = existing.get(key)
        return None if found is None else found[0]

    seen: set[str] = set()
    changes = []
    for key, parent_key, role, content, data_json, _status, _created in (
        parsed.rows if parsed.rows is not None else map(message_row, parsed.messages)
    ):
        seen.add(key)
        if key in existing:
            changes.append((id_of(parent_key), role, content, data_json, existing[key][0]))
    conn.executemany("UPDATE messages SET parent_id = ?, role = ?, content = ?, data = ? WHERE id = ?", changes)
    _recount(conn, thread_id)
    stale = [mid for key, (mid, _, _) in existing.items() if key not in seen]
    if stale:
        marks = ",".join("?" * len(stale))
        gone = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM messages WHERE id IN ({marks}) AND child_count = 0"
                " AND id NOT IN (SELECT message_id FROM checkpoints)"
                " AND id NOT IN (SELECT parent_message_id FROM threads WHERE parent_message_id IS NOT NULL)"
                " AND id NOT IN (SELECT forked_from_message_id FROM threads WHERE forked_from_message_id IS NOT NULL)",
                stale,
            )
        ]
        if gone:
            conn.execute(
                "UPDATE threads SET current_leaf_id = NULL WHERE id = ? AND current_leaf_id IN"
                f" ({','.join('?' * len(gone))})",
                (thread_id, *gone),
            )
            conn.executemany("DELETE FROM messages WHERE id = ?", [(mid,) for mid in gone])
            _recount(conn, thread_id)


def _recount(conn: sqlite3.Connection, thread_id: int) -> None:
    """Depths, child counts, message and leaf counts of a thread, from its parent links."""
    conn.execute(
        "WITH RECURSIVE walk(id, d) AS ("
        " SELECT id, 0 FROM messages WHERE thread_id = ? AND parent_id IS NULL"
        " UNION ALL SELECT m.id, walk.d + 1 FROM messages m JOIN walk ON m.parent_id = walk.id)"
        " UPDATE messages SET depth = (SELECT d FROM walk WHERE walk.id = messages.id) WHERE thread_id = ?",
        (thread_id, thread_id),
    )
    conn.execute(
        "UPDATE messages SET child_count = (SELECT count(*) FROM messages c WHERE c.parent_id = messages.id)"
        " WHERE thread_id = ?",
        (thread_id,),
    )
    conn.execute(
        "UPDATE threads SET message_count = (SELECT count(*) FROM messages WHERE thread_id = ?),"
        " leaf_count = (SELECT count(*) FROM messages WHERE thread_id = ? AND child_count = 0) WHERE id = ?",
        (thread_id, thread_id, thread_id),
    )

def _last_imported_leaf(conn: sqlite3.Connection, thread_id: int) -> int | None:
    """The source's own leaf at the latest import (kept in its `imported` event).

    The head "has not been moved by the user" when it still equals this; comparing with the
    event's `to_leaf_id` instead would lose a head the user moved once the next import kept it.
    """
    row = conn.execute(
        "SELECT json_extract(data, '$.imported_leaf_id'), to_leaf_id FROM events"
        " WHERE thread_id = ? AND kind = 'imported' ORDER BY seq DESC LIMIT 1",
        (thread_id,),
    ).fetchone()
    if row is None:
        return None
    return row[0] if row[0] is not None else row[1]


def _imported_leaf(conn: sqlite3.Connection, thread_id: int, parsed: ParsedThread, key_id: Any) -> int | None:
    """The source's current leaf: its own pointer, else its newest user/assistant leaf.

    Only imported messages count: a message the user wrote in Grove is never the source's leaf.
    """
    if parsed.leaf_key is not None:
        found = key_id(parsed.leaf_key)
        if found is None:
            r = conn.execute(
                "SELECT id FROM messages WHERE thread_id = ? AND source_key = ?", (thread_id, parsed.leaf_key)
            ).fetchone()
            found = None if r is None else r[0]
        if found is not None:
            return int(found)
    row = conn.execute(
        "SELECT id FROM messages WHERE thread_id = ? AND child_count = 0 AND role IN ('user', 'assistant')"
        " AND source_key IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
        (thread_id,),
    ).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id FROM messages WHERE thread_id = ? AND child_count = 0 AND source_key IS NOT NULL"
            " ORDER BY created_at DESC, id DESC LIMIT 1",
            (thread_id,),
        ).fetchone()
    return None if row is None else int(row[0])

