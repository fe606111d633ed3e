"""Notifications that show outside text literally.

Titles, checkpoint names, file names and error messages come from transcripts or the
user; a `[` in them must never be read as markup (issue 9 item 5, issue 10 item 12).
Content.from_markup substitutes variables as plain text, so only our template is markup.
"""

from __future__ import annotations

from textual.content import Content

from .safe_text import clean_line


def literal(template: str, **values: object) -> str:
    """The template as markup, each $name replaced by its value shown exactly as written.

    Returned as markup with the values escaped (Content.markup), so it is the `str` that
    `notify(..., markup=True)` takes and renders back to exactly this content."""
    content = Content.from_markup(template, **{name: clean_line(str(value)) for name, value in values.items()})
    return content.markup
