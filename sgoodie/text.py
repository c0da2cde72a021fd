"""Formatted text: the admin writes Markdown, visitors get sanitised HTML.

Sanitising happens on output, after Markdown, with an allow-list (nh3): no scripts, no event
handlers, no style, and links only to http(s), mailto and tel.
"""

from __future__ import annotations

from datetime import date

import markdown as _markdown
import nh3
from markupsafe import Markup

from .domain import shortened

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to safe HTML."""
    if not text:
        return Markup("")
    html = _markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener",
        )
    )


def plain_text(text: str | None, limit: int | None = None) -> str:
    """The words of a Markdown text without markup (meta descriptions, JSON-LD), cut at a word
    boundary near `limit`."""
    if not text:
        return ""
    html = _markdown.markdown(text)
    words = " ".join(nh3.clean(html, tags=set()).split())
    words = (
        words.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
    )
    return words if limit is None else shortened(words, limit)


def photos_count(count: int) -> str:
    """ "1 photo", "3 photos": the count as the admin's messages say it."""
    return f"{count} photo{'' if count == 1 else 's'}"


def long_date(value: str) -> str:
    """A stored day (YYYY-MM-DD) as people write it: "31 December 2026"."""
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    return f"{day.day} {day:%B %Y}"
