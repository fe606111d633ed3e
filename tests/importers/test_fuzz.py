"""Fuzzing every importer: truncations, byte flips and shuffled lines never raise, and every
line that is not a JSON object is reported with its number."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import Store
from store.exporters import export_json
from store.importers import import_paths

from .helpers import CHATGPT, CLAUDE, CODEX, PROJECTS, assert_invariants

JSONL_SOURCES = {
    "claude-code": [
        CLAUDE / "dag_compact_after_rewind_preserved.jsonl",
        CLAUDE / "edge_cases.jsonl",
        PROJECTS / "-experiments-ideas" / "03eb5929-52b3-4b13-ada3-b93ae35806b8.jsonl",
    ],
    "codex": [CODEX / "sessions" / "2026" / "01" / "02" / "rollout-2026-01-02T03-04-05-11111111-1111-4111-8111-111111111111.jsonl"],
}

mutation = st.tuples(
    st.sampled_from(["truncate", "flip", "shuffle", "all"]),
    st.integers(min_value=0, max_value=2**32),
    st.lists(st.tuples(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=255)), max_size=8),
    st.randoms(use_true_random=False),
)


def mutate(data: bytes, how: str, cut: int, flips: list[tuple[int, int]], rnd) -> bytes:  # type: ignore[no-untyped-def]
    if how in ("shuffle", "all"):
        lines = data.splitlines(keepends=True)
        rnd.shuffle(lines)
        data = b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines)
    if how in ("flip", "all") and data:
        buf = bytearray(data)
        for pos, value in flips:
            buf[pos % len(buf)] = value
        data = bytes(buf)
    if how in ("truncate", "all") and data:
        data = data[: cut % (len(data) + 1)]
    return data


def expected_bad_lines(data: bytes) -> tuple[set[int], int | None]:
    """(numbers of complete lines that are not JSON objects, number of a partial last line)."""
    bad: set[int] = set()
    partial = None
    parts = data.split(b"\n")
    for number, raw in enumerate(parts, start=1):
        last = number == len(parts)
        if not raw.strip():
            continue
        try:
            ok = isinstance(json.loads(raw), dict)
        except (ValueError, RecursionError):
            ok = False
        if last:
            if not ok:
                partial = number
        elif not ok:
            bad.add(number)
    return bad, partial


async def _import(tmp: Path, files: list[Path], fmt: str):  # type: ignore[no-untyped-def]
    async with Store.open(tmp / "grove.db") as store:
        report = await import_paths(store, files, format=fmt)
        await assert_invariants(store)
        again = await import_paths(store, files, format=fmt)
        assert again.messages == 0
        return report


def run_jsonl_case(fmt: str, source: Path, how: str, cut: int, flips: list[tuple[int, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    data = mutate(source.read_bytes(), how, cut, flips, rnd)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        target = tmp / source.name
        target.write_bytes(data)
        report = asyncio.run(_import(tmp, [target], fmt))
        bad, partial = expected_bad_lines(data)
        reported = {e.line for e in report.errors}
        assert bad <= reported, (bad - reported, report.errors)
        if partial is not None:
            assert partial in {p.line for p in report.pending} | reported


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(JSONL_SOURCES["claude-code"]), mutation)
def test_claude_code_survives_fuzzing(source: Path, m) -> None:  # type: ignore[no-untyped-def]
    run_jsonl_case("claude-code", source, *m)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(JSONL_SOURCES["codex"]), mutation)
def test_codex_survives_fuzzing(source: Path, m) -> None:  # type: ignore[no-untyped-def]
    run_jsonl_case("codex", source, *m)


def run_document_case(fmt: str, data: bytes, how: str, cut: int, flips: list[tuple[int, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    data = mutate(data, how, cut, flips, rnd)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        target = tmp / "doc.json"
        target.write_bytes(data)
        report = asyncio.run(_import(tmp, [target], fmt))
        try:
            json.loads(data)
            valid = True
        except (ValueError, RecursionError):
            valid = False
        if not valid and data.strip():
            assert len(report.errors) == 1 and report.messages == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation)
def test_chatgpt_survives_fuzzing(m) -> None:  # type: ignore[no-untyped-def]
    run_document_case("chatgpt", (CHATGPT / "conversations.json").read_bytes(), *m)


def _grove_export() -> bytes:
    async def build() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            async with Store.open(Path(tmp) / "src.db") as store:
                report = await import_paths(store, [CLAUDE / "dag_within_fork.jsonl"])
                return json.dumps(await export_json(store, report.threads[0]), indent=1).encode()

    return asyncio.run(build())


GROVE_DOC = _grove_export()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation)
def test_grove_json_survives_fuzzing(m) -> None:  # type: ignore[no-untyped-def]
    run_document_case("grove", GROVE_DOC, *m)
