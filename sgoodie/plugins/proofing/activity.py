"""What the photographer sees of a gallery's use: visits per visitor, photos viewed, downloads,
selections sent, and a day's figures for the optional daily digest. Nothing leaves the site: no
third-party tracker, only the site's own records.

Counts are kept as things happen (records per gallery and visitor, no scans):

| Collection | Key | Data |
|---|---|---|
| `visitors` | `<project>#<visitor>` | name, e-mail, kind; first and last visit; visits, photos viewed, downloads, when the selection was sent |
| `viewed` | `<project>#<visitor>#<photo>` | a photo this visitor has seen (so "photos viewed" counts each once) |
| `daily` | `<day>#<project>` | the day's visits, views, favourites, downloads, selections (the digest's figures) |
| `options` | `site` | the daily digest on or off, how many days activity is kept |
| `digests` | `<day>` | the claim that the day's digest went out (once over all processes) |

A visitor is one person's own access (an invitation: `access-<id>`), else the client who gave
their name under the shared password (`client-<id>`), else whoever opened the gallery with the
shared or guest password before giving one (`shared-client`, `shared-guest`). A visit is
a run of gallery pages with less than 30 minutes between them: a page view within a visit costs
one read and one write; a new visit one more (the day's count). Every record expires after the
retention setting's days (the store's expiry: TTL on DynamoDB).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ...plugin_api import (
    Project,
    ValidationError,
    current_settings,
    current_store,
    external_url,
    gallery_today,
    gallery_visitor,
    mail_enabled,
    send_mail,
)
from .plugin import plugin

VISIT_GAP = 30 * 60  # seconds without a page that end a visit
RETENTION_DEFAULT = 365
RETENTION_RANGE = (1, 3650)
BEACON_MAX = 50  # photos one beacon may report
DIGEST_CLAIM_SECONDS = 14 * 24 * 3600

# Declared at import, so `sgoodie export` carries them.
VISITORS = plugin.storage("visitors", secret=("name", "email"))
VIEWED = plugin.storage("viewed")
DAILY = plugin.storage("daily")
OPTIONS = plugin.storage("options")
DIGESTS = plugin.storage("digests")
FIGURES = ("visits", "views", "favourites", "downloads", "selections")


@dataclass
class Options:
    digest: bool = False
    retention_days: int = RETENTION_DEFAULT

    def validate(self) -> None:
        low, high = RETENTION_RANGE
        if not low <= self.retention_days <= high:
            raise ValidationError({"retention_days": f"Keep activity between {low} and {high} days."})


def options() -> Options:
    data = OPTIONS.get("site") or {}
    return Options(
        digest=bool(data.get("digest", False)),
        retention_days=int(data.get("retention_days", RETENTION_DEFAULT)),
    )


def save_options(chosen: Options) -> None:
    chosen.validate()
    OPTIONS.put("site", {"digest": chosen.digest, "retention_days": chosen.retention_days})


def _expiry(now: int) -> int:
    return now + options().retention_days * 24 * 3600


# -- who is visiting -------------------------------------------------------------------------
def who(project: Project, client: dict[str, Any] | None) -> dict[str, str] | None:
    """This request's visitor of the gallery (None without access): `id`, the key their activity
    is kept under (their own invitation's access, else the client who gave their name, else the
    shared or guest password), `kind`, `name`, `email` and `client_id` (their proofing marks)."""
    seen = gallery_visitor(project)
    if not seen:
        return None
    client = client or {}
    if seen.get("access_id"):
        key = f"access-{seen['access_id']}"
    elif client:
        key = f"client-{client['id']}"
    else:
        key = f"shared-{seen['kind']}"
    return {
        "id": key,
        "kind": seen["kind"],
        "name": seen.get("name") or client.get("name", ""),
        "email": seen.get("email") or client.get("email", ""),
        "client_id": client.get("id", ""),
    }


def _count_today(project_id: str, figure: str, amount: int = 1) -> None:
    DAILY.increment(f"{gallery_today()}#{project_id}", figure, amount, expires_at=_expiry(int(time.time())))


def _with_visitor(record: dict[str, Any], visitor: dict[str, str]) -> dict[str, Any]:
    """The record with who the visitor is (a name or marks learnt later are kept, never blanked)."""
    record["kind"] = visitor["kind"]
    for field in ("name", "email", "client_id"):
        if visitor.get(field):
            record[field] = visitor[field]
    return record


def _new_record(now: int) -> dict[str, Any]:
    return {"first_at": now, "visits": 0, "photos": 0, "downloads": 0}


def record_visit(project_id: str, visitor: dict[str, str]) -> None:
    """A gallery page seen: a new visit when the last page was VISIT_GAP ago or more."""
    now = int(time.time())
    key = f"{project_id}#{visitor['id']}"
    seen = _with_visitor(VISITORS.get(key) or _new_record(now), visitor)
    new_visit = now - int(seen.get("last_at", 0)) >= VISIT_GAP
    seen["last_at"] = now
    if new_visit:
        seen["visits"] = int(seen.get("visits", 0)) + 1
    VISITORS.put(key, seen, expires_at=_expiry(now))
    if new_visit:
        _count_today(project_id, "visits")


def record_views(project_id: str, visitor: dict[str, str], photo_ids: list[str]) -> int:
    """Photos shown in the viewer (one beacon, batched): each counts as a view for the day, and
    once per visitor in their photos viewed. Returns how many were new to this visitor."""
    if not photo_ids:
        return 0
    now = int(time.time())
    prefix = f"{project_id}#{visitor['id']}#"
    already = {key.removeprefix(prefix) for key, _ in VIEWED.all(prefix=prefix)}
    new = [photo_id for photo_id in dict.fromkeys(photo_ids) if photo_id not in already]
    expires_at = _expiry(now)
    for photo_id in new:
        VIEWED.put(prefix + photo_id, {"at": now}, expires_at=expires_at)
    if new:
        VISITORS.increment(f"{project_id}#{visitor['id']}", "photos", len(new), expires_at=expires_at)
    _count_today(project_id, "views", len(photo_ids))
    return len(new)


def record_favourite(project_id: str) -> None:
    _count_today(project_id, "favourites")


def record_download(project_id: str, visitor: dict[str, str] | None) -> None:
    if visitor:
        key = f"{project_id}#{visitor['id']}"
        VISITORS.increment(key, "downloads", expires_at=_expiry(int(time.time())))
    _count_today(project_id, "downloads")


def record_selection(project_id: str, visitor: dict[str, str] | None, submitted_at: str) -> None:
    if visitor:
        now = int(time.time())
        key = f"{project_id}#{visitor['id']}"
        seen = _with_visitor(VISITORS.get(key) or _new_record(now), visitor)
        seen["selection_at"] = submitted_at
        VISITORS.put(key, seen, expires_at=_expiry(now))
    _count_today(project_id, "selections")


def visitors_page(project_id: str, page: int = 1, size: int = 25) -> tuple[list[dict[str, Any]], bool]:
    """Page `page` of the gallery's visitors (in the order of their ids) and whether another
    follows. A gallery has a few visitors per invitation: reading the pages before is cheap."""
    prefix = f"{project_id}#"
    found = VISITORS.all(prefix=prefix, limit=page * size + 1)
    rows = [{"id": key.removeprefix(prefix), **data} for key, data in found[(page - 1) * size : page * size]]
    return rows, len(found) > page * size


# -- the daily digest ------------------------------------------------------------------------
def day_figures(day: str) -> dict[str, dict[str, int]]:
    """project id -> the day's figures, for the galleries that had any."""
    prefix = f"{day}#"
    return {
        key.removeprefix(prefix): {figure: int(data.get(figure, 0)) for figure in FIGURES}
        for key, data in DAILY.all(prefix=prefix)
        if any(data.get(figure) for figure in FIGURES)
    }


def digest_text(day: str, figures: dict[str, dict[str, int]]) -> str:
    titles = {p.id: p.title for p in current_store().projects_by_ids(list(figures))}
    lines = [f"What happened in your client galleries on {day}:", ""]
    for project_id, counts in sorted(figures.items(), key=lambda item: titles.get(item[0], "")):
        lines += [
            f"{titles.get(project_id, 'A deleted gallery')}",
            f"  visits {counts['visits']} · photo views {counts['views']} · favourites "
            f"{counts['favourites']} · downloads {counts['downloads']} · selections sent {counts['selections']}",
        ]
        if project_id in titles:
            lines.append(f"  {external_url('proofing_admin.activity_page', project_id=project_id)}")
    lines += ["", "Turn this e-mail off on any gallery's Activity page in the admin."]
    return "\n".join(lines)


@plugin.periodic
def send_digest() -> bool:
    """Once a day, when it is on and anything happened: yesterday's figures per gallery to the
    site's contact address. True when a digest was accepted by the mail server."""
    recipient = current_settings().contact_email
    if not mail_enabled() or not recipient or not options().digest:
        return False
    yesterday = (date.fromisoformat(gallery_today()) - timedelta(days=1)).isoformat()
    figures = day_figures(yesterday)
    if not figures:
        return False
    if DIGESTS.increment(yesterday, "count", expires_at=int(time.time()) + DIGEST_CLAIM_SECONDS) != 1:
        return False  # sent already, from here or another process
    return send_mail(recipient, f"Client galleries on {yesterday}", digest_text(yesterday, figures))
