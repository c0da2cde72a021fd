"""What a sync will do, worked out before it does anything (and all `--dry-run` does): the folder's
photos against the project's, matched by external id (the file's path in the folder).

- a file the site does not have is **new**; one whose photo was created but never received its
  file (an interrupted run) is sent again under the same photo (**resumed**), never twice;
- a file whose content hash differs from the one the site was sent is **replaced** (same photo,
  same alt text, caption, focal point and place in the order);
- the file's title and description become the photo's alt text and caption where the photo has
  none, or where what it has came from the file and the file now says something else (the site
  checks this too, and never overwrites what the photographer typed);
- the photos are put in the folder's order (file names in natural order, or capture time);
- photos whose file left the folder go to the trash only with `--delete`; photos added on the site
  (with no external id) are never touched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .folder import LocalPhoto, natural_key

ORDER_BY_NAME, ORDER_BY_CAPTURE_TIME = "name", "capture-time"
UPLOADING, FAILED = "uploading", "failed"


@dataclass
class TextChange:
    """Alt text and/or caption to send for a photo (None: leave that field alone)."""

    photo: LocalPhoto
    remote: dict | None  # None for a photo this run creates
    alt_text: str | None = None
    caption: str | None = None


@dataclass
class Plan:
    new: list[LocalPhoto] = field(default_factory=list)
    resumed: list[tuple[LocalPhoto, dict]] = field(default_factory=list)
    replace: list[tuple[LocalPhoto, dict]] = field(default_factory=list)
    text: list[TextChange] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # external ids, in the wanted order
    order_changes: bool = False
    trash: list[dict] = field(default_factory=list)
    left_on_site: list[dict] = field(default_factory=list)  # gone from the folder, no --delete
    failed_on_site: list[tuple[LocalPhoto, dict]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def uploads(self) -> list[LocalPhoto]:
        return [*self.new, *(p for p, _ in self.resumed), *(p for p, _ in self.replace)]

    @property
    def changes_anything(self) -> bool:
        return bool(self.uploads or self.text or self.order_changes or self.trash)


def source_sha256(remote: dict) -> str:
    """The hash of the file the site's photo was made from (named either way by the API)."""
    return remote.get("source_sha256") or remote.get("sha256") or ""


def wanted_order(photos: Sequence[LocalPhoto], order_by: str) -> list[LocalPhoto]:
    """File names in natural order; or capture time, the photos without one after those with it
    (by name), and name breaking ties (a burst shares its second)."""
    if order_by == ORDER_BY_CAPTURE_TIME:
        return sorted(
            photos,
            key=lambda p: (not p.text.captured_at, p.text.captured_at, natural_key(p.external_id)),
        )
    return sorted(photos, key=lambda p: natural_key(p.external_id))


def by_position(remote: Sequence[dict]) -> list[dict]:
    """The site's photos in their display order."""
    return sorted(remote, key=lambda p: (p.get("order", 0), p.get("id", "")))


def text_change(photo: LocalPhoto, remote: dict | None) -> TextChange | None:
    """The file's words to send: where the photo has none, or has the file's older words."""
    change = TextChange(photo, remote)
    for attribute, words in (("alt_text", photo.text.title), ("caption", photo.text.description)):
        if not words:
            continue  # a title removed from the file leaves the photo's words as they are
        current = (remote or {}).get(attribute) or ""
        from_file = bool((remote or {}).get(f"{attribute}_from_file"))
        if not current or (from_file and current != words):
            setattr(change, attribute, words)
    return change if change.alt_text is not None or change.caption is not None else None


def make_plan(
    local: Sequence[LocalPhoto],
    remote: Sequence[dict],
    *,
    delete: bool = False,
    alt_from_files: bool = True,
    order_by: str = ORDER_BY_NAME,
) -> Plan:
    plan = Plan()
    on_site: dict[str, dict] = {p["external_id"]: p for p in remote if p.get("external_id")}
    for photo in local:
        current = on_site.get(photo.external_id)
        if current is None:
            plan.new.append(photo)
        elif current.get("status") == UPLOADING:
            plan.resumed.append((photo, current))
        elif source_sha256(current) != photo.sha256:
            plan.replace.append((photo, current))
        elif current.get("status") == FAILED:
            plan.failed_on_site.append((photo, current))
        else:
            plan.unchanged += 1
        if alt_from_files:
            change = text_change(photo, current)
            if change:
                plan.text.append(change)

    in_folder = {photo.external_id for photo in local}
    for photo in by_position(remote):
        if photo.get("external_id") and photo["external_id"] not in in_folder:
            (plan.trash if delete else plan.left_on_site).append(photo)

    plan.order = [photo.external_id for photo in wanted_order(local, order_by)]
    now = [p["external_id"] for p in by_position(remote) if p.get("external_id") in in_folder]
    # New photos join at the end as their uploads finish, in any order: placed afterwards.
    plan.order_changes = bool(plan.new) or now != [key for key in plan.order if key in on_site]
    return plan


def full_order(wanted: Sequence[str], remote: Sequence[dict], trashed: Sequence[str] = ()) -> list[str]:
    """Photo ids for the order call: the folder's photos as wanted, then the project's other
    photos (added on the site, or whose file left the folder) where they were."""
    by_key = {p["external_id"]: p["id"] for p in remote if p.get("external_id")}
    placed = [by_key[key] for key in wanted if key in by_key]
    taken = set(placed) | set(trashed)
    return placed + [p["id"] for p in by_position(remote) if p["id"] not in taken]
