"""Redirect rules: storage, matching and validation (loops included)."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .plugin import plugin

RESERVED_PREFIXES = ("/admin", "/api/", "/static/", "/media/", "/healthz", "/readyz")
MAX_CHAIN = 10
# What the rest of a visitor's path keeps as is when a prefix rule joins it to its target: the
# characters RFC 3986 allows in a path. Anything else (`\`, controls, spaces, `?`, `#`) is
# percent-encoded, so the visitor's part of the address cannot change what the target means.
PATH_SAFE = "/:@!$&'()*+,;=~"


@dataclass
class Rule:
    source: str  # a path: "/old-page" (exact) or "/blog/" (prefix)
    target: str  # a path on this site or an absolute http(s) URL
    kind: str = "exact"  # exact | prefix
    permanent: bool = True  # 301, else 302
    hits: int = 0
    created_at: str = ""

    @property
    def status(self) -> int:
        return 301 if self.permanent else 302

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.source}"

    @property
    def leaves_site(self) -> bool:
        return leaves_site(self.target)

    def destination(self, path: str) -> str:
        """Where a visitor of `path` goes. A path on this site never starts with `//` or `/\\`
        (browsers read both as another host), whatever the visitor appended or the rule holds."""
        url = self.target
        if self.kind == "prefix" and self.target.endswith("/"):
            url += quote(path[len(self.source) :], safe=PATH_SAFE)
        return url if self.leaves_site else site_path(url)


def leaves_site(target: str) -> bool:
    """An absolute http(s) URL, as opposed to a path on this site."""
    return urlsplit(target).scheme in ("http", "https")


def site_path(path: str) -> str:
    """`path` as a path on this site that no browser reads as another host: browsers drop tabs
    and line breaks, then take a leading `//` or `/\\` for a scheme-relative URL, so those go and
    leading slashes and backslashes collapse to one `/`. Rules saved now hold neither (normalise);
    this also covers rules stored before they were refused."""
    return "/" + "".join(c for c in path if c not in "\t\n\r").lstrip("/\\")


RULES = plugin.storage("rules")


def storage():
    return RULES


def _load(data: dict[str, Any]) -> Rule:
    return Rule(
        **{k: data[k] for k in ("source", "target", "kind", "permanent", "hits", "created_at") if k in data}
    )


def all_rules() -> list[Rule]:
    return [_load(data) for _, data in storage().all()]


def match(path: str, rules: list[Rule] | None = None) -> Rule | None:
    """The exact rule for `path`, else the longest prefix rule that covers it."""
    if rules is None:
        exact = storage().get(f"exact:{path}")
        if exact:
            return _load(exact)
        rules = [_load(data) for _, data in storage().all(prefix="prefix:")]
    else:
        for rule in rules:
            if rule.kind == "exact" and rule.source == path:
                return rule
    prefixes = [r for r in rules if r.kind == "prefix" and path.startswith(r.source)]
    return max(prefixes, key=lambda r: len(r.source), default=None)


def count_hit(rule: Rule) -> None:
    storage().increment(rule.key, "hits")


class RuleError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def normalise(source: str, target: str, kind: str) -> tuple[str, str]:
    source, target = source.strip(), target.strip()
    if kind not in ("exact", "prefix"):
        raise RuleError("kind", "Choose exact or prefix.")
    for field, value, name in (("source", source, "old"), ("target", target, "new")):
        if _has_control_characters(value):
            raise RuleError(
                field,
                f"The {name} address cannot contain line breaks, tabs or other control characters; type it on one line.",
            )
    if "\\" in target:
        raise RuleError(
            "target", "Use / in the new address, not \\ (browsers read /\\example.com as another site)."
        )
    if (
        not source.startswith("/")
        or source.startswith("//")
        or any(c.isspace() for c in source)
        or "?" in source
        or "#" in source
    ):
        raise RuleError(
            "source",
            "Give the old address as a path starting with /, without ?query or #anchor (e.g. /old-page).",
        )
    if source.startswith(RESERVED_PREFIXES) or source == "/":
        raise RuleError("source", "The home page, the admin and the site's own files cannot be redirected.")
    parts = urlsplit(target)
    if (
        parts.scheme in ("http", "https")
        and parts.netloc
        or target.startswith("/")
        and not target.startswith("//")
    ):
        pass
    else:
        raise RuleError(
            "target", "Give the new address as a path on this site (/new-page) or a full http(s):// URL."
        )
    return source, target


def _matcher(rules: list[Rule]):
    """match(path, rules) for many paths: exact rules by source, then the longest prefix."""
    exact = {r.source: r for r in rules if r.kind == "exact"}
    prefixes = sorted((r for r in rules if r.kind == "prefix"), key=lambda r: len(r.source), reverse=True)

    def find(path: str) -> Rule | None:
        return exact.get(path) or next((r for r in prefixes if path.startswith(r.source)), None)

    return find


def check_loops(candidate: Rule, existing: list[Rule]) -> None:
    """Check the rule set as a whole, the candidate in it: follow the chain from every rule's
    source and from every target on this site, through all rules (as visitors are matched), for
    at most MAX_CHAIN redirects. Refuse a chain the candidate takes part in that comes back to a
    path it visited or runs longer. (Starting only from the candidate's own source misses loops
    such as `/x` → `/shop/x` plus the prefix `/shop/` → `/`.) A loop stored before the whole set was
    checked does not block rules that stay out of it."""
    rules = [r for r in existing if r.key != candidate.key] + [candidate]
    find = _matcher(rules)
    starts = [candidate.source] + [r.source for r in rules]
    starts += [unquote(urlsplit(r.target).path) for r in rules if not r.leaves_site]
    for start in dict.fromkeys(starts):
        _follow(start, find, candidate)


def _follow(path: str, find, candidate: Rule) -> None:
    seen: list[str] = []
    involved = False
    for _ in range(MAX_CHAIN + 1):
        rule = find(path)
        if rule is None:
            return
        involved = involved or rule.key == candidate.key
        seen.append(path)
        if rule.leaves_site:
            return
        next_path = unquote(urlsplit(rule.destination(path)).path)  # what the next request matches
        if next_path in seen:
            if involved:
                raise RuleError("target", f"This would loop: {' → '.join(seen + [next_path])}.")
            return
        path = next_path
    if involved:
        raise RuleError(
            "target",
            f"This makes a chain of more than {MAX_CHAIN} redirects; point it at the final address instead.",
        )


def save(rule: Rule) -> Rule:
    check_loops(rule, all_rules())
    storage().put(rule.key, asdict(rule))
    return rule


def delete(key: str) -> None:
    storage().delete(key)
