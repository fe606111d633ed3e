"""Turning what a person typed into an FTS5 query, and a hit into a plain-text snippet.

Words are taken literally: each becomes a quoted FTS5 string, so `"`, `-`, `*`, `AND`,
`NEAR(` and friends are just text. All words must match; the last is a prefix, so
results can follow a person's typing.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

from .models import Role, SearchHit
from .rows import decode_time

SNIPPET_CHARS = 160
# How many of the newest-stored matches a search sorts by time, per hit asked for; see
# `rx_search`. Imports store a session's messages in time order, so the window is exact in
# practice; a wider one costs time on every common word (2,000: 6 ms, 500: 2.6 ms).
WINDOW_PER_HIT = 10
WINDOW_MIN = 500
MAX_LIMIT = (2**63 - 1) // WINDOW_PER_HIT
"""The most hits one search may ask for: its window must stay a SQLite integer."""
# What FTS5's unicode61 tokenizer treats as a word: letters, digits, and everything
# outside ASCII that is not a separator. Close enough to locate matches for highlighting.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def query_words(text: str) -> list[str]:
    """The words of a query as the index sees them (separators dropped)."""
    return _TOKEN.findall(text or "")


def match_expression(words: list[str]) -> str:
    """An FTS5 MATCH expression: every word quoted, the last one as a prefix.

    A one-letter last word is matched whole: as a prefix it would match most of the
    index and take a tenth of a second for results nobody wants.
    """
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if len(words[-1]) > 1:
        quoted[-1] += "*"
    return " ".join(quoted)


def rx_search(
    conn: sqlite3.Connection,
    match: str,
    thread_id: int | None,
    limit: int,
    role: str | None = None,
    source: str | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of (id, thread_id, role, content, created_at, title) for a MATCH, newest first."""
    # FTS5 walks its index in rowid order cheaply, but sorting every match by time would
    # not be cheap for a common word over a million messages. So take the newest-stored
    # window of matches (filters applied as the index is walked), then order it by time.
    filters = ""
    params: list[Any] = [match]
    if thread_id is not None:
        filters += " AND m.thread_id = ?"
        params.append(thread_id)
    if role is not None:
        filters += " AND m.role = ?"
        params.append(role)
    if source is not None:
        filters += " AND m.thread_id IN (SELECT id FROM threads WHERE source = ?)"
        params.append(source)
    window = (
        "SELECT f.rowid AS id FROM messages_fts f"
        + (" JOIN messages m ON m.id = f.rowid" if filters else "")
        + f" WHERE messages_fts MATCH ?{filters} ORDER BY f.rowid DESC LIMIT ?"
    )
    params += [max(WINDOW_MIN, limit * WINDOW_PER_HIT), limit]
    sql = (
        "SELECT m.id, m.thread_id, m.role, m.content, m.created_at, t.title"
        f" FROM ({window}) hits JOIN messages m ON m.id = hits.id JOIN threads t ON t.id = m.thread_id"
        " ORDER BY m.created_at DESC, m.id DESC LIMIT ?"
    )
    return conn.execute(sql, params).fetchall()


def make_hit(row: tuple[Any, ...], words: list[str]) -> SearchHit:
    """A SearchHit from (id, thread_id, role, content, created_at, title)."""
    message_id, thread_id, role, content, created_at, title = row
    snippet, highlights = snippet_with_highlights(content, words)
    return SearchHit.model_construct(
        thread_id=thread_id,
        message_id=message_id,
        snippet=snippet,
        highlights=highlights,
        role=Role(role),
        created_at=decode_time(created_at),
        thread_title=title,
    )


class _Folding(dict[int, str]):
    """A `str.translate` table: each character to its lowercase form without accents.

    One character for one, so offsets in the folded text are offsets in the original.
    The index is built with `remove_diacritics 2`, so "cafe" finds "café"; highlighting
    must fold the same way or such a hit shows no highlight.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        low = char.lower()
        if len(low) != 1:
            low = char
        parts = unicodedata.normalize("NFD", low)
        base = parts[0] if all(unicodedata.combining(p) for p in parts[1:]) else low
        self[code] = base
        return base


_FOLDING = _Folding()


def _fold(text: str) -> str:
    return text.translate(_FOLDING)


def _first_match(content: str, words: list[str]) -> int:
    """Where the first whole query word (or the last word as a prefix) starts; 0 if none."""
    if not words or not content:
        return 0
    found = _first_match_exact(content, words)
    if found is None and not (content.isascii() and all(w.isascii() for w in words)):
        # Only when the words differ from the text by accents: fold both and look again.
        found = _first_match_exact(_fold(content), [_fold(w) for w in words])
    return found or 0


def _first_match_exact(content: str, words: list[str]) -> int | None:
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    last = words[-1].casefold()
    for m in pattern.finditer(content):
        s, e = m.start(), m.end()
        if s > 0 and _TOKEN.match(content, s - 1) is not None:
            continue  # inside a longer word
        if e < len(content) and _TOKEN.match(content, e) is not None and m.group().casefold() != last:
            continue  # only the last word may match as a prefix
        return s
    return None


def snippet_with_highlights(content: str, words: list[str], width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A one-line window of `content` around the first match, and the matches' offsets in it."""
    lowered = [w.casefold() for w in words]
    folded = [_fold(w) for w in words]
    last = len(lowered) - 1

    def matches(token: str) -> bool:
        t = token.casefold()
        if any(t == w or (i == last and t.startswith(w)) for i, w in enumerate(lowered)):
            return True
        f = _fold(token)  # accents folded, as the index does
        return any(f == w or (i == last and f.startswith(w)) for i, w in enumerate(folded))

    # Only the window is tokenized: a hit inside a long tool output must not cost
    # milliseconds (one 100 KB message took 5 ms to tokenize whole).
    first = _first_match(content, words)
    start = max(0, first - width // 3)
    end = min(len(content), start + width)
    window = content[start:end]
    spans = [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(window) if matches(m.group())]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(content) else ""
    # One line: newlines and tabs become spaces (same length, so offsets hold).
    flat = window.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    shift = len(prefix) - start
    highlights = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + flat + suffix, highlights
