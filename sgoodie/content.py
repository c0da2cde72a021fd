"""Content operations: what happens when the photographer changes something.

The admin, the media jobs, the demo seeder and plugins all change content through these
functions, so each rule lives in one place: validation, the home page's featured order, removing
files with the records they belong to, the activity log, and the signals other features react to
(the page cache purges from them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from flask import current_app
from flask_login import current_user

from . import signals
from .blobs import variant_prefix
from .domain import Page, Photo, Project, SiteSettings, ValidationError, new_id, utcnow
from .services import services
from .stores import StaleVersionError
from .stores.ordering import move_item

ACTIVITY = "activity"
T = TypeVar("T")
ACTIVITY_KEEP_SECONDS = 90 * 24 * 3600


# -- projects ------------------------------------------------------------------------------------
def create_project(project: Project) -> Project:
    project.validate(services().categories)
    if project.published:
        project.published_at = utcnow()
    stored = services().store.create_project(project)
    _sync_featured(stored, previous=None)
    record_activity(f"Created project “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=None)
    return stored


def save_project(project: Project, previous: Project) -> Project:
    """Save an edited project. `previous` is the version the editor started from; a concurrent
    change raises StaleVersionError. Publishing requires alt text on every ready photo."""
    photos = services().store.photos_for_project(project.id)
    project.validate(services().categories, photos)
    if not project.cover_photo_id:
        project.cover_photo_id = _first_ready(photos)
    if project.published and not previous.published_at:
        project.published_at = utcnow()
    stored = services().store.update_project(project)
    _sync_featured(stored, previous=previous)
    change = (
        "Published"
        if stored.published and not previous.published
        else "Unpublished"
        if previous.published and not stored.published
        else "Edited"
    )
    record_activity(f"{change} project “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=previous)
    return stored


def delete_project(project: Project) -> list[Photo]:
    """Remove the project, its photos and every stored file of theirs."""
    photos = services().store.delete_project(project.id)
    services().blobs.delete_prefix(f"projects/{project.id}/")
    _sync_featured(replace(project, featured=False), previous=project)
    record_activity(f"Deleted project “{project.title}” and its {len(photos)} photos")
    signals.project_deleted.send(_app(), project=project, photos=photos)
    return photos


def reorder_projects(category: str, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_projects(category, ordered_ids)
    record_activity(f"Reordered {services().categories.get(category, category)} projects")
    signals.projects_reordered.send(_app(), category=category, project_ids=list(ordered_ids))


def move_project(project: Project, step: int) -> None:
    """Move one place up (-1) or down (+1) within its category (the no-JavaScript reorder)."""
    ids = [p.id for p in services().store.projects_in_category(project.category)]
    reorder_projects(project.category, move_item(ids, project.id, step))


def _sync_featured(project: Project, previous: Project | None) -> None:
    """Keep the home page's featured order in step with the project's `featured` flag."""
    was = bool(previous and previous.featured)
    if project.featured == was:
        return

    def change(page: Page) -> None:
        order = [pid for pid in page.content.get("featured_order", []) if pid != project.id]
        if project.featured:
            order.append(project.id)
        page.content["featured_order"] = order

    modify_page("home", change)


# -- photos --------------------------------------------------------------------------------------
def update_photo_text(photo: Photo, alt_text: str, caption: str) -> Photo:
    updated = replace(photo, alt_text=alt_text.strip(), caption=caption.strip())
    updated.validate()
    stored = services().store.update_photo(updated)
    signals.photo_saved.send(_app(), photo=stored, project=services().store.get_project(stored.project_id))
    return stored


def set_cover(project: Project, photo_id: str) -> Project:
    """Make a photo the project's cover (no version check: choosing a cover never loses work)."""

    def change(current: Project) -> None:
        current.cover_photo_id = photo_id

    stored = modify_project(project.id, change)
    record_activity(f"Changed the cover of “{stored.title}”", project_id=stored.id)
    signals.project_saved.send(_app(), project=stored, previous=project)
    return stored


def ensure_cover(project_id: str) -> Project | None:
    """The cover rule, in one place: a project without a cover shows its first ready photo.
    Called when a photo becomes ready and when the cover photo is deleted."""
    store = services().store
    project = store.get_project(project_id)
    if project is None or project.cover_photo_id:
        return project
    first = _first_ready(store.photos_for_project(project_id))
    if not first:
        return project

    def choose(current: Project) -> None:
        if not current.cover_photo_id:
            current.cover_photo_id = first

    try:
        return modify_project(project_id, choose)
    except ValidationError:  # the project was deleted meanwhile
        return None


def _first_ready(photos: Sequence[Photo]) -> str:
    """The first photo visitors see (described), else the first ready one (a draft's, say)."""
    return next((p.id for p in photos if p.is_shown), "") or next((p.id for p in photos if p.is_ready), "")


def delete_photo(photo: Photo) -> None:
    """Remove the photo, its original and every variant."""
    project = services().store.get_project(photo.project_id)
    services().store.delete_photo(photo.id)
    keys = [photo.original_key] if photo.original_key else []
    services().blobs.delete_many(keys)
    services().blobs.delete_prefix(variant_prefix(photo.project_id, photo.id))
    if project is not None and project.cover_photo_id == photo.id:
        ensure_cover(project.id)  # the store cleared the cover with the photo
    if project is not None:
        record_activity(f"Deleted a photo from “{project.title}”", project_id=project.id)
    # The project as it was: when this photo was its cover, every card showing it must go too.
    signals.photo_deleted.send(_app(), photo=photo, project=project)


def reorder_photos(project: Project, ordered_ids: Sequence[str]) -> None:
    services().store.reorder_photos(project.id, ordered_ids)
    record_activity(f"Reordered the photos of “{project.title}”", project_id=project.id)
    signals.photos_reordered.send(_app(), project=project)


def move_photo(photo: Photo, step: int) -> None:
    project = services().store.get_project(photo.project_id)
    ids = [p.id for p in services().store.photos_for_project(photo.project_id)]
    reorder_photos(project, move_item(ids, photo.id, step))


# -- pages and settings --------------------------------------------------------------------------
def save_page(page: Page) -> Page:
    stored = services().store.save_page(page)
    record_activity(f"Edited the {page.id.replace('-', ' ')} page")
    signals.page_saved.send(_app(), page=stored)
    return stored


def save_settings(settings: SiteSettings, base: Page) -> SiteSettings:
    settings.validate()
    stored = services().store.save_page(settings.to_page(base))
    record_activity("Edited the site settings")
    saved = SiteSettings.from_page(stored)
    signals.settings_saved.send(_app(), settings=saved)
    return saved


# -- read-modify-write with retry ----------------------------------------------------------------
def modify_page(page_id: str, change: Callable[[Page], None]) -> Page:
    """Apply a targeted change to the latest version of a page (see `_modify`)."""
    stored = _modify(
        lambda: services().store.get_pages([page_id])[page_id],
        services().store.save_page,
        change,
        f"the {page_id} page",
    )
    signals.page_saved.send(_app(), page=stored)
    return stored


def modify_project(project_id: str, change: Callable[[Project], None]) -> Project:
    project = _modify(
        lambda: services().store.get_project(project_id),
        services().store.update_project,
        change,
        "the project",
    )
    if project is None:
        raise ValidationError({"project": "This project no longer exists."})
    return project


def modify_photo(photo_id: str, change: Callable[[Photo], None]) -> Photo | None:
    """Apply a change to the latest version of a photo (the photo's life uses this). None when the
    photo has been deleted meanwhile."""
    return _modify(
        lambda: services().store.get_photo(photo_id), services().store.update_photo, change, "the photo"
    )


def _modify(
    read: Callable[[], T | None],
    write: Callable[[T], T],
    change: Callable[[T], None],
    what: str,
    attempts: int = 5,
) -> T | None:
    """Read the latest version, change it, write it; when someone saved in between, do it again
    (safe because `change` is re-applied to what they saved, not to a stale copy). None when the
    record is gone."""
    for _ in range(attempts):
        current = read()
        if current is None:
            return None
        change(current)
        try:
            return write(current)
        except StaleVersionError:
            continue
    raise StaleVersionError(f"{what} kept changing; try again")


# -- activity ------------------------------------------------------------------------------------
def record_activity(what: str, **details: str) -> None:
    """A line in the dashboard's recent changes: what, who, when."""
    who = getattr(current_user, "email", "") if _has_user() else ""
    key = f"{utcnow()}#{new_id()[:8]}"
    services().store.records.put(
        ACTIVITY,
        key,
        {"what": what, "who": who, **details},
        expires_at=int(time.time()) + ACTIVITY_KEEP_SECONDS,
    )


def recent_activity(limit: int = 12) -> list[dict]:
    return [
        {"at": key.split("#", 1)[0], **data}
        for key, data in services().store.records.query(ACTIVITY, newest_first=True, limit=limit)
    ]


def _has_user() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # outside a request (CLI, jobs)
        return False


def _app():
    return current_app._get_current_object()
