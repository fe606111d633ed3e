"""Full-text search: literal words, all must match, last word a prefix, newest first."""

from __future__ import annotations

import pytest

from store import SearchHit, Store


@pytest.fixture
async def corpus(store: Store):
    t1 = await store.create_thread("Login work")
    t2 = await store.create_thread("Other")
    m = {}
    m["login"] = await store.append(t1.id, "user", "Please fix the flaky login test in auth.py")
    m["reply"] = await store.append(t1.id, "assistant", "The login test fails because the session expires")
    m["quote"] = await store.append(t1.id, "user", 'He said "hello world" and left: AND NEAR( then * stars - minus')
    m["other"] = await store.append(t2.id, "user", "login again, in another thread")
    m["deploy"] = await store.append(t2.id, "assistant", "deployment finished with session tokens")
    return t1, t2, m


def _ids(hits: list[SearchHit]) -> list[int]:
    return [h.message_id for h in hits]


async def test_all_words_must_match_newest_first(store: Store, corpus) -> None:
    t1, t2, m = corpus
    hits = await store.search("login")
    assert _ids(hits) == [m["other"].id, m["reply"].id, m["login"].id]
    assert all(isinstance(h, SearchHit) for h in hits)
    assert hits[0].thread_id == t2.id and hits[0].thread_title == "Other"
    assert hits[1].role.value == "assistant"
    assert _ids(await store.search("login test")) == [m["reply"].id, m["login"].id]
    assert _ids(await store.search("test login")) == [m["reply"].id, m["login"].id]
    assert _ids(await store.search("login session")) == [m["reply"].id]
    assert await store.search("login kangaroo") == []
    # case-insensitive
    assert _ids(await store.search("LOGIN Session")) == [m["reply"].id]


async def test_last_word_is_a_prefix_and_others_are_whole(store: Store, corpus) -> None:
    t1, t2, m = corpus
    assert _ids(await store.search("deploy")) == [m["deploy"].id]
    assert _ids(await store.search("sess")) == [m["deploy"].id, m["reply"].id]
    assert _ids(await store.search("the sess")) == [m["reply"].id]
    # a non-last word is a whole word: "deploy" does not match "deployment"
    assert await store.search("deploy finished") == []
    assert _ids(await store.search("deployment fin")) == [m["deploy"].id]


async def test_thread_filter(store: Store, corpus) -> None:
    t1, t2, m = corpus
    assert _ids(await store.search("login", thread_id=t1.id)) == [m["reply"].id, m["login"].id]
    assert _ids(await store.search("login", thread_id=t2.id)) == [m["other"].id]
    assert _ids(await store.search("login", limit=1)) == [m["other"].id]


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"hello',
        'hello"',
        '"hello world"',
        "-minus",
        "minus -",
        "- -",
        "*",
        "stars*",
        "AND",
        "and NEAR(",
        "NEAR(",
        "NEAR(hello world, 2)",
        ":",
        "left:",
        "col:hello",
        "OR",
        "NOT hello",
        "hello OR kangaroo",
        "(",
        ")",
        "^hello",
        "{content}: hello",
        "'",
        "\\",
        "",
        "   ",
        "\x00",
    ],
)
async def test_operator_characters_never_raise(store: Store, corpus, text: str) -> None:
    await store.search(text)


async def test_operators_are_literal_words(store: Store, corpus) -> None:
    t1, t2, m = corpus
    # AND / NEAR / OR / NOT are words, not operators: only the message containing them matches
    assert _ids(await store.search("AND")) == [m["quote"].id]
    assert _ids(await store.search("NEAR(")) == [m["quote"].id]
    assert _ids(await store.search("and near")) == [m["quote"].id]
    assert _ids(await store.search('"hello world"')) == [m["quote"].id]
    assert _ids(await store.search("-minus")) == [m["quote"].id]
    assert _ids(await store.search("left:")) == [m["quote"].id]
    # "hello OR kangaroo" would match as an OR; taken literally every word must match
    assert await store.search("hello OR kangaroo") == []
    # "NOT" is a word nobody wrote, so the query matches nothing rather than excluding hello
    assert await store.search("login NOT hello") == []
    # a column filter is not a column filter
    assert await store.search("content:login") == []
    assert await store.search('"') == []
    assert await store.search("*") == []


async def test_highlights_point_at_matched_words(store: Store, corpus) -> None:
    t1, t2, m = corpus
    for query, words in (
        ("login test", {"login", "test"}),
        ("sess", {"session"}),
        ("LOGIN", {"login"}),
        ('"hello world"', {"hello", "world"}),
    ):
        hits = await store.search(query)
        assert hits
        for h in hits:
            assert h.highlights, (query, h.snippet)
            found = {h.snippet[s:e].lower() for s, e in h.highlights}
            assert found <= words and found, (query, h.snippet, h.highlights)
            assert all(0 <= s < e <= len(h.snippet) for s, e in h.highlights)


async def test_highlights_in_a_long_message_window(store: Store) -> None:
    t = await store.create_thread("t")
    text = ("filler words here\n" * 40) + "the needle is here" + (" and more padding" * 40)
    await store.append(t.id, "user", text)
    (hit,) = await store.search("needle")
    assert "\n" not in hit.snippet
    assert len(hit.snippet) < len(text)
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["needle"]


async def test_search_sees_messages_added_later_and_forgets_deleted(store: Store) -> None:
    t = await store.create_thread("t")
    a = await store.append(t.id, "user", "alpha")
    b = await store.append(t.id, "assistant", "quokka one")
    assert _ids(await store.search("quokka")) == [b.id]
    copy = await store.fork_thread(b.id)
    hits = await store.search("quokka")
    assert len(hits) == 2 and {h.thread_id for h in hits} == {t.id, copy.id}
    await store.delete_branch(b.id)
    assert [h.thread_id for h in await store.search("quokka")] == [copy.id]
    assert _ids(await store.search("alpha", thread_id=t.id)) == [a.id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("cafe", ["café"]), ("café", ["café", "cafe"]), ("naive resu", ["naïve", "résumé"]), ("CAFÉ", ["café", "cafe"])],
)
async def test_accent_folded_matches_are_highlighted(store: Store, query: str, expected: list[str]) -> None:
    """The index ignores accents (remove_diacritics), so highlighting must too."""
    t = await store.create_thread("t")
    await store.append(t.id, "user", "Un café noir, naïve résumé")
    await store.append(t.id, "user", "plain cafe here")
    hits = await store.search(query)
    assert hits
    found = {h.snippet[s:e] for h in hits for s, e in h.highlights}
    assert set(expected) <= found, (query, [(h.snippet, h.highlights) for h in hits])
    for h in hits:
        assert h.highlights, (query, h.snippet)


async def test_accent_folded_match_deep_in_a_long_message_is_in_the_window(store: Store) -> None:
    t = await store.create_thread("t")
    await store.append(t.id, "user", "filler " * 200 + "un café noir" + " tail" * 200)
    (hit,) = await store.search("cafe")
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["café"]
