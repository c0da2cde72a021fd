"""Redirect rules: storage, matching and validation (loops included)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from . import plugin

RESERVED_PREFIXES = ("/admin", "/api/", "/static/", "/media/", "/healthz", "/readyz")
MAX_CHAIN = 10


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

    def destination(self, path: str) -> str:
        if self.kind == "prefix" and self.target.endswith("/"):
            return self.target + path[len(self.source) :]
        return self.target


def storage():
    return plugin.storage("rules")


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


def normalise(source: str, target: str, kind: str) -> tuple[str, str]:
    source, target = source.strip(), target.strip()
    if kind not in ("exact", "prefix"):
        raise RuleError("kind", "Choose exact or prefix.")
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


def check_loop(candidate: Rule, existing: list[Rule]) -> None:
    """Follow the chain from the candidate's target through every rule (the candidate included)
    and refuse if it comes back to a path already visited."""
    rules = [r for r in existing if r.key != candidate.key] + [candidate]
    path, seen = candidate.source, []
    for _ in range(MAX_CHAIN + 1):
        rule = match(path, rules)
        if rule is None:
            return
        seen.append(path)
        destination = rule.destination(path)
        if urlsplit(destination).netloc:
            return  # leaves the site
        next_path = urlsplit(destination).path
        if next_path in seen:
            raise RuleError("target", f"This would loop: {' → '.join(seen + [next_path])}.")
        path = next_path
    raise RuleError(
        "target",
        f"This makes a chain of more than {MAX_CHAIN} redirects; point it at the final address instead.",
    )


def save(rule: Rule) -> Rule:
    check_loop(rule, all_rules())
    storage().put(rule.key, asdict(rule))
    return rule


def delete(key: str) -> None:
    storage().delete(key)
