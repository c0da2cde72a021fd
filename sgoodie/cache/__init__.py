"""Cache tags of public pages.

Every public view declares the tags of what it shows (`site`, `home`, `page:<id>`,
`category:<slug>`, `project:<id>`, `sitemap`); a change purges exactly the tags it touches.
"""

from __future__ import annotations

from typing import Iterable

from flask import Flask, g


def tag_current_page(*tags: str) -> None:
    g.setdefault("sgoodie_cache_tags", set()).update(tags)


def current_page_tags() -> set[str]:
    return set(g.get("sgoodie_cache_tags", ()))


def purge(app: Flask, tags: Iterable[str]) -> None:
    from .signals import cache_purged

    cache_purged.send(app, tags=set(tags))
