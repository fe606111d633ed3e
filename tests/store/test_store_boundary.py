"""Hostile arguments at the Store's boundary (issue 10, items 5, 8, 10, 14): every refusal
is a StoreError with a sentence, never a raw OverflowError, UnicodeEncodeError,
IntegrityError, TypeError or AttributeError; nothing bad is written."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from store import InvalidOperation, NotFound, Store, StoreError

BIG = 2**63
PLUS5 = timezone(timedelta(hours=5))
MINUS5 = timezone(timedelta(hours=-5))


async def _thread_with_two(store: Store) -> tuple[int, int, int]:
    t = await store.create_thread("T")
    a = await store.append(t.id, "user", "hello")
    b = await store.append(t.id, "assistant", "hi")
    return t.id, a.id, b.id


@pytest.mark.parametrize("data", [[1, 2], "text", 5, {"x": object()}, {"x": {1, 2}}])
async def test_data_that_is_not_a_json_object_is_refused(store: Store, data: object) -> None:
    t = await store.create_thread("T")
    with pytest.raises(InvalidOperation, match="data"):
        await store.append(t.id, "user", "hi", data=data)  # type: ignore[arg-type]
    assert await store.messages(t.id) == []


async def test_state_and_metadata_must_be_json_objects(store: Store) -> None:
    t, _a, _b = await _thread_with_two(store)
    with pytest.raises(InvalidOperation, match="state"):
        await store.save_checkpoint(t, "cp", state=[1])  # type: ignore[arg-type]
    with pytest.raises(InvalidOperation, match="metadata"):
        await store.create_thread("x", metadata="m")  # type: ignore[arg-type]


async def test_self_referencing_and_deep_data_are_refused(store: Store) -> None:
    t = await store.create_thread("T")
    loop: dict[str, object] = {}
    loop["me"] = loop
    with pytest.raises(InvalidOperation):
        await store.append(t.id, "user", "hi", data=loop)
    deep: dict[str, object] = {}
    node = deep
    for _ in range(100_000):
        node["d"] = {}
        node = node["d"]  # type: ignore[assignment]
    with pytest.raises(InvalidOperation, match="nested"):
        await store.append(t.id, "user", "hi", data=deep)


async def test_non_finite_numbers_are_stored_as_null(store: Store) -> None:
    t = await store.create_thread("T")
    m = await store.append(t.id, "user", "hi", data={"a": math.nan, "b": [math.inf, 1.5]})
    got = await store.get_message(m.id)
    assert got.data == {"a": None, "b": [None, 1.5]}


@pytest.mark.parametrize("bad", [BIG, 2**64, -1, 0])
async def test_ids_sqlite_cannot_hold_are_not_found(store: Store, bad: int) -> None:
    t, a, _b = await _thread_with_two(store)
    for call in (
        store.get_thread(bad),
        store.get_message(bad),
        store.path(bad),
        store.set_leaf(t, bad),
        store.children(bad),
        store.events(bad),
        store.fork(bad, "user", "x"),
        store.delete_thread(bad),
    ):
        with pytest.raises(NotFound):
            await call


async def test_ids_must_be_whole_numbers(store: Store) -> None:
    t, a, _b = await _thread_with_two(store)
    with pytest.raises(InvalidOperation, match="whole number"):
        await store.set_leaf(str(t), a)  # type: ignore[arg-type]
    with pytest.raises(InvalidOperation, match="whole number"):
        await store.get_thread(True)  # type: ignore[arg-type]


async def test_set_leaf_in_the_wrong_thread_names_both_threads(store: Store) -> None:
    t1, a, _b = await _thread_with_two(store)
    t2 = (await store.create_thread("other")).id
    with pytest.raises(InvalidOperation) as caught:
        await store.set_leaf(t2, a)
    assert f"belongs to thread {t1}, not to thread {t2}" in str(caught.value)


async def test_huge_limits_and_offsets_are_clamped(store: Store) -> None:
    t, _a, _b = await _thread_with_two(store)
    assert [x.id for x in await store.list_threads(limit=BIG)] == [t]
    assert await store.list_threads(offset=2**70) == []
    assert len(await store.events(t, limit=BIG, after_seq=0)) == 3
    assert len(await store.search("hello", limit=BIG)) == 1


@pytest.mark.parametrize("field", ["content", "title"])
async def test_lone_surrogates_are_refused(store: Store, field: str) -> None:
    t = await store.create_thread("T")
    with pytest.raises(InvalidOperation, match="Unicode"):
        if field == "content":
            await store.append(t.id, "user", "bad \ud800 text")
        else:
            await store.update_thread(t.id, title="bad \udfff")
    with pytest.raises(InvalidOperation, match="Unicode"):
        await store.create_thread("x\ud800")


async def test_source_none_and_non_text_names_are_refused(store: Store) -> None:
    with pytest.raises(InvalidOperation, match="source"):
        await store.create_thread("x", source=None)  # type: ignore[arg-type]
    t, _a, _b = await _thread_with_two(store)
    with pytest.raises(InvalidOperation, match="checkpoint name"):
        await store.save_checkpoint(t, 5)  # type: ignore[arg-type]


async def test_rewind_by_a_bool_is_refused(store: Store) -> None:
    t, _a, _b = await _thread_with_two(store)
    with pytest.raises(InvalidOperation):
        await store.rewind(t, by=True)
    with pytest.raises(InvalidOperation):
        await store.switch_sibling(_b, True)  # type: ignore[arg-type]


async def test_rewind_by_more_than_sqlite_holds_is_a_plain_refusal(store: Store) -> None:
    t, _a, _b = await _thread_with_two(store)
    with pytest.raises(InvalidOperation, match="Cannot rewind"):
        await store.rewind(t, by=BIG)


async def test_a_nul_query_matches_no_title(store: Store) -> None:
    await _thread_with_two(store)
    assert await store.list_threads(query="\x00") == []


@pytest.mark.parametrize(
    "moment",
    [datetime(1, 1, 1, tzinfo=PLUS5), datetime(9999, 12, 31, 23, 59, 59, tzinfo=MINUS5)],
)
async def test_out_of_range_times_are_store_errors(store: Store, moment: datetime) -> None:
    t = await store.create_thread("T")
    with pytest.raises(InvalidOperation, match="out of range"):
        await store.append(t.id, "user", "hi", created_at=moment)
    with pytest.raises(InvalidOperation, match="out of range"):
        await store.events(t.id, since=moment)
    with pytest.raises(InvalidOperation, match="out of range"):
        await store.rewind(t.id, before=moment)
    assert await store.messages(t.id) == []


async def test_every_refusal_is_a_store_error(store: Store) -> None:
    assert issubclass(InvalidOperation, StoreError) and issubclass(NotFound, StoreError)
