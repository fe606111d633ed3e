"""Exports of hostile text (issue 10, items 13, 14, 23): Markdown that cannot break out of
its blocks or reach a terminal raw, and a Grove JSON round trip that maps the ids inside
event data to the new database's ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

from store import EventKind, Store
from store.exporters import export_json, export_markdown
from store.importers import import_paths


async def _hostile_thread(store: Store) -> int:
    t = await store.create_thread("Title \x1b]0;x\x07 <b>bold</b>", source="s\x1b[31m", project="/p`x`")
    await store.append(t.id, "user", "look:\n<!-- hidden?\nstill visible")
    await store.append(t.id, "assistant", "code:\n```python\nprint(1)\n(never closed)")
    await store.append(
        t.id,
        "assistant",
        "bell \x07 esc \x1b[2J c1 \x9b31m osc52 \x1b]52;c;SGVsbG8=\x07 osc8 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ end",
        data={"tool_calls": [{"name": "X</summary></details><h1>owned</h1>", "input": "a ```` b"}]},
    )
    await store.append(t.id, "user", "THE LAST MESSAGE")
    return t.id


async def test_markdown_export_is_contained_and_has_no_controls(store: Store) -> None:
    text = await export_markdown(store, await _hostile_thread(store))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "evil.example" not in text and "SGVsbG8" not in text
    assert "<!--" not in text and "&lt;!-- hidden?" in text
    # The unclosed fence is closed at the end of its message, so what follows is not code.
    assert "(never closed)\n```\n" in text
    # The tool name cannot close the <details> it is in; the input's fence is longer than its backticks.
    assert "</summary></details><h1>" not in text
    assert "X&lt;/summary&gt;&lt;/details&gt;&lt;h1&gt;owned&lt;/h1&gt;" in text
    assert "`````\na ```` b\n`````" in text
    assert text.count("<details>") == text.count("</details>") == 1
    assert text.startswith("# Title  &lt;b&gt;bold&lt;/b&gt;") or text.startswith("# Title &lt;b&gt;bold&lt;/b&gt;")


async def test_grove_json_round_trip_remaps_ids_in_event_data(store: Store, tmp_path: Path) -> None:
    t = await store.create_thread("T")
    root = await store.append(t.id, "user", "root")
    await store.append(t.id, "assistant", "one")
    branch = await store.fork(root.id, "assistant", "other")
    # Push the ids of the importing database away from the exporting one's.
    async with Store.open(tmp_path / "other.db") as other:
        filler = await other.create_thread("filler")
        for i in range(7):
            await other.append(filler.id, "user", f"filler {i}")
        target = tmp_path / "t.json"
        target.write_text(json.dumps(await export_json(store, t.id)), encoding="utf-8")
        report = await import_paths(other, [target])
        (new_id,) = report.created
        forked = [e for e in await other.events(new_id) if e.kind == EventKind.MESSAGE_FORKED]
        assert len(forked) == 1
        parent = await other.get_message(forked[0].data["parent_id"])
        assert parent.thread_id == new_id and parent.content == "root"
        assert (await other.get_message(forked[0].message_id)).content == branch.content


async def test_json_export_of_non_finite_numbers_is_valid_json(store: Store, tmp_path: Path) -> None:
    t = await store.create_thread("T")
    await store.append(t.id, "user", "x", data={"n": float("inf")})
    doc = await export_json(store, t.id)
    json.dumps(doc, allow_nan=False)  # would raise on NaN/Infinity
