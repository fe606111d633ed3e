"""Making untrusted text (transcripts, titles, paths) safe to put on a terminal.

Textual passes ESC through even when markup is off, so every string that came from a
transcript goes through `clean` before it reaches a widget: escape sequences (CSI, OSC,
DCS, SOS/PM/APC and two-byte ESC sequences) are removed whole, other C0 controls but
newline and tab, DEL and C1 controls become visible symbols. The raw text stays in the
database; this is only about what is drawn. Never pass the result to markup either:
wrap it in `Content(text)` or a `Text`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# ESC-introduced sequences, and their 8-bit C1 forms (0x9b CSI, 0x9d OSC, 0x90 DCS, …).
_SEQUENCE = re.compile(
    r"""
    (?: \x1b\[ | \x9b ) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?          # CSI … final
  | (?: \x1b[\]PX^_] | [\x9d\x90\x98\x9e\x9f] ) .*? (?: \x07 | \x1b\\ | \x9c | $ )  # OSC/DCS/SOS/PM/APC … ST
  | \x1b [\x20-\x2f]* [\x30-\x7e]?                                       # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
# What is left that a terminal would act on: C0 but \t and \n, DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: the Unicode control pictures
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean(text: str) -> str:
    """`text` with terminal control sequences removed and lone controls made visible."""
    if text.isprintable() or not text:
        return text
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_visible, _SEQUENCE.sub("", text))


def clean_line(text: str) -> str:
    """`clean`, folded to one line (for titles, list rows, snippets)."""
    return clean(text).replace("\n", " ").replace("\t", " ")


# C1 controls, DEL and lone surrogates: json.dumps(ensure_ascii=False) writes them raw, and a
# terminal acts on C1 (0x9b is CSI). JSON's syntax is ASCII, so they only occur in strings,
# where a \u escape means the same text.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """JSON for a terminal or a file: readable non-ASCII text, but C1 controls, DEL and lone
    surrogates escaped, and NaN/Infinity (not JSON) written as null."""
    try:
        text = json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(value), ensure_ascii=False, indent=indent, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
