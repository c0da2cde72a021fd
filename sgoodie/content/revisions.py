"""Revisions: every save of a project, a page or the site settings keeps what was saved, who
saved it and when, so an overwritten text is never lost and any version can be put back.

Each item has its own records collection (`revisions:<kind>:<id>`), keyed by the time of the
save, so an item's history is one query by key on either store (on DynamoDB: a Query of one
partition, never a Scan) and one item's busy history never crowds another's. Only the last
`keep` revisions of an item are kept; each snapshot holds the editable fields only (no photo
variants), so it stays small.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..domain import Page, Project, SiteSettings, ValidationError, new_id, to_record, utcnow
from ..services import services
from ..stores import RecordStore

KINDS = ("project", "page", "settings")
PROJECT_FIELDS = (
    "title",
    "slug",
    "category",
    "description",
    "location",
    "client",
    "published",
    "visibility",
    "gallery_expires_on",
    "featured",
    "cover_photo_id",
    "seo_title",
    "seo_description",
    "publish_at",
    "unpublish_at",
)
# Kept by the site itself, not typed: never part of a page's revision.
PAGE_DERIVED = ("featured_order",)


@dataclass
class Revision:
    key: str
    at: str
    who: str
    fields: dict[str, Any]
    note: str = ""  # "Restored the version of …"


@dataclass
class Change:
    """One field that differs between two revisions, with the words removed and added marked."""

    name: str
    before: Any
    after: Any
    parts: list[tuple[str, str]] = field(default_factory=list)  # (same | removed | added, text)


def collection(kind: str, item_id: str) -> str:
    return f"revisions:{kind}:{item_id}"


class Revisions:
    """The revisions of every item, in a records store."""

    def __init__(self, records: RecordStore, keep: int):
        self.records = records
        self.keep = max(1, keep)

    def record(
        self, kind: str, item_id: str, fields: Mapping[str, Any], who: str, note: str = ""
    ) -> Revision:
        """Keep a new revision, then forget the oldest beyond `keep`."""
        at = utcnow()
        key = f"{at}#{new_id()[:8]}"
        data = {"at": at, "who": who, "fields": dict(fields), "note": note}
        self.records.put(collection(kind, item_id), key, data)
        for old_key, _ in self.records.query(collection(kind, item_id), newest_first=True)[self.keep :]:
            self.records.delete(collection(kind, item_id), old_key)
        return Revision(key, at, who, dict(fields), note)

    def history(self, kind: str, item_id: str) -> list[Revision]:
        """Newest first (at most `keep`, plus any saved since the last pruning)."""
        return [
            Revision(key, data["at"], data.get("who", ""), data.get("fields", {}), data.get("note", ""))
            for key, data in self.records.query(collection(kind, item_id), newest_first=True)
        ]

    def get(self, kind: str, item_id: str, key: str) -> Revision | None:
        data = self.records.get(collection(kind, item_id), key)
        if data is None:
            return None
        return Revision(key, data["at"], data.get("who", ""), data.get("fields", {}), data.get("note", ""))


def store() -> Revisions:
    """The running site's revisions (the last `SGOODIE_REVISIONS_KEEP` of each item)."""
    return Revisions(services().store.records, current_app.config["REVISIONS_KEEP"])


# Who saves each kind of revision again (`projects`, `pages`, `settings`): they own the rules.
_RESTORERS: dict[str, Callable[[str, str], None]] = {}


def restorer(kind: str) -> Callable[[Callable[[str, str], None]], Callable[[str, str], None]]:
    """Decorator: `function(item_id, key)` saves that revision of an item of this kind again."""

    def register(function: Callable[[str, str], None]) -> Callable[[str, str], None]:
        _RESTORERS[kind] = function
        return function

    return register


def restore(kind: str, item_id: str, key: str) -> None:
    """Save a revision's fields again: itself a new revision, purged like any save. Photos stay
    as they are now (a revision keeps texts and choices, not files)."""
    if kind not in _RESTORERS:
        raise ValidationError({"revision": "Unknown kind of revision."})
    _RESTORERS[kind](item_id, key)


def find(kind: str, item_id: str, key: str) -> tuple[Revision, str]:
    """A kept revision, and the note its restore is saved with; ValidationError when it is gone."""
    revision = store().get(kind, item_id, key)
    if revision is None:
        raise ValidationError({"revision": "This revision is no longer kept."})
    return revision, f"Restored the version of {revision.at[:16].replace('T', ' ')} UTC"


def project_fields(project: Project) -> dict:
    return {name: getattr(project, name) for name in PROJECT_FIELDS}


def page_fields(page: Page) -> dict:
    fields = {k: v for k, v in page.content.items() if k not in PAGE_DERIVED}
    return {**fields, "seo_title": page.seo_title, "seo_description": page.seo_description}


def settings_fields(settings: SiteSettings) -> dict:
    """What a settings revision keeps: texts and choices, not the logo (files: a replaced logo's
    are deleted, so an old revision could not bring them back)."""
    return {k: v for k, v in to_record(settings).items() if k not in ("version", "logo")}


def diff(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    shown: Mapping[str, Callable[[Any], str]] | None = None,
) -> list[Change]:
    """The fields that changed, in the order of `after`'s fields (then any that went away). With
    no `before` (the first revision), every field that has a value. `shown` says how to word a
    field's value for people (a category by its name, not its address)."""
    before, shown = before or {}, shown or {}
    names = list(after) + [name for name in before if name not in after]
    changes = []
    for name in names:
        old, new = before.get(name, ""), after.get(name, "")
        if old == new or (not before and new in ("", None, [], {})):
            continue
        word = shown.get(name, _text)
        changes.append(Change(name, old, new, _word_diff(word(old), word(new))))
    return changes


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word: what stayed, what was removed, what was added."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("added", "".join(b[j1:j2])))
    return parts
