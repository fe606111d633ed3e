"""Grove JSON export: a whole thread — every branch, checkpoints, events and lineage.

Messages and threads are named by stable keys rather than database ids: an imported
message keeps its source key (a Claude Code uuid, a ChatGPT node id), a message made in
Grove is `grove:<id>`, and a thread's key is its source key or `grove:<id>:<created_at>`.
`store.importers.grove_json` reads the document back into an identical tree.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import NotFound
from ..rows import encode_time
from ..sources import Source

FORMAT = Source.GROVE
VERSION = 1


def _thread_key(conn: sqlite3.Connection, thread_id: int) -> str | None:
    row = conn.execute("SELECT source_key, created_at FROM threads WHERE id = ?", (thread_id,)).fetchone()
    if row is None:
        return None
    source_key, created_at = row
    return source_key or f"grove:{thread_id}:{created_at}"


def _rx_keys(conn: sqlite3.Connection, thread_id: int) -> tuple[str, dict[int, str], dict[str, Any]]:
    key = _thread_key(conn, thread_id)
    if key is None:
        raise NotFound(f"There is no thread {thread_id}.")
    keys = {
        message_id: (source_key or f"grove:{message_id}")
        for message_id, source_key in conn.execute("SELECT id, source_key FROM messages WHERE thread_id = ?", (thread_id,))
    }
    parent_thread, parent_message, forked_thread, forked_message = conn.execute(
        "SELECT parent_thread_id, parent_message_id, forked_from_thread_id, forked_from_message_id FROM threads WHERE id = ?",
        (thread_id,),
    ).fetchone()
    lineage: dict[str, Any] = {}
    for name, (other, message) in (("parent", (parent_thread, parent_message)), ("forked_from", (forked_thread, forked_message))):
        if other is None:
            continue
        entry: dict[str, Any] = {"thread_key": _thread_key(conn, other)}
        if message is not None:
            found = conn.execute("SELECT source_key FROM messages WHERE id = ?", (message,)).fetchone()
            if found is not None:
                (source_key,) = found
                entry["message_key"] = source_key or f"grove:{message}"
        lineage[name] = entry
    return key, keys, lineage


MESSAGE_ID_FIELDS = ("parent_id", "from_message_id", "at_message_id")
"""Fields of event data that hold a message id (see store/transactions/)."""
THREAD_ID_FIELDS = ("from_thread_id", "to_thread_id")


def _thread_ids_named(events: list[Any]) -> list[int]:
    return sorted({e.data[f] for e in events for f in THREAD_ID_FIELDS if isinstance(e.data.get(f), int)})


def _rx_thread_keys(conn: sqlite3.Connection, thread_ids: list[int]) -> dict[int, str]:
    found = {}
    for tid in thread_ids:
        key = _thread_key(conn, tid)
        if key is not None:
            found[tid] = key
    return found


def _id_keys(data: dict[str, Any], keys: dict[int, str], thread_keys: dict[int, str]) -> dict[str, Any]:
    """`data_keys` / `data_thread_keys` for an event: the ids inside its data as keys, so an
    import into another database can give them that database's ids."""
    out: dict[str, Any] = {}
    message_keys = {f: keys.get(data[f]) for f in MESSAGE_ID_FIELDS if isinstance(data.get(f), int)}
    if message_keys:
        # A message of another thread (a fork's origin) has no key here: still named, so the
        # importer knows the id is not its own.
        out["data_keys"] = message_keys
    named_threads = {f: thread_keys.get(data[f]) for f in THREAD_ID_FIELDS if isinstance(data.get(f), int)}
    if named_threads:
        out["data_thread_keys"] = named_threads
    return out


async def export_json(store: Any, thread_id: int) -> dict[str, Any]:
    """The Grove JSON document of a thread (NotFound if there is none)."""
    thread = await store.get_thread(thread_id)
    key, keys, lineage = await store._session.read(_rx_keys, thread_id)
    messages = await store.messages(thread_id)
    checkpoints = await store.list_checkpoints(thread_id)
    events = []
    after = 0
    while True:
        page = await store.events(thread_id, after_seq=after, limit=1000)
        events += page
        if len(page) < 1000:
            break
        after = page[-1].seq

    thread_keys = await store._session.read(_rx_thread_keys, _thread_ids_named(events))

    def k(message_id: int | None) -> str | None:
        return None if message_id is None else keys.get(message_id)

    body = thread.model_dump(mode="json")
    for name in ("id", "current_leaf_id", "forked_from_thread_id", "forked_from_message_id", "parent_thread_id", "parent_message_id", "message_count", "leaf_count"):
        body.pop(name, None)
    body["key"] = key
    body["current_leaf_key"] = k(thread.current_leaf_id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "thread": body,
        "messages": [
            {
                "key": keys[m.id],
                "parent_key": k(m.parent_id),
                "role": m.role.value,
                "content": m.content,
                "data": m.data,
                "status": m.status.value,
                "created_at": encode_time(m.created_at),
            }
            for m in messages
        ],
        "checkpoints": [
            {
                "name": c.name,
                "message_key": k(c.message_id),
                "kind": c.kind.value,
                "note": c.note,
                "state": c.state,
                "created_at": encode_time(c.created_at),
            }
            for c in reversed(checkpoints)
        ],
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind.value,
                "message_key": k(e.message_id),
                "from_leaf_key": k(e.from_leaf_id),
                "to_leaf_key": k(e.to_leaf_id),
                "data": e.data,
                "created_at": encode_time(e.created_at),
                **_id_keys(e.data, keys, thread_keys),
            }
            for e in events
        ],
        "lineage": lineage,
    }
