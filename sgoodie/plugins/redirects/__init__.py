"""Redirects (built-in plugin): admin-managed 301/302 redirects for legacy URLs.

Rules match a path exactly (`/old-page`) or by prefix (`/blog/` sends `/blog/2019/x` to the target,
keeping the rest of the path when the target also ends with `/`). They are consulted only when
nothing else answers (just before the 404 page), so they never shadow a real page; renamed
projects' old addresses are answered earlier by the project page itself with a 301. A rule that
would make the rule set loop (every rule's chain is followed through all rules) is refused on save,
as are targets with `\\` or control characters; a joined path never starts with `//` or `/\\`.
Redirects that copy the visitor's query string are never publicly cached. Each rule counts its hits.
"""

from __future__ import annotations

from . import rules, views  # noqa: F401
from .plugin import plugin

__all__ = ["plugin"]
