"""A client gallery's photos live on the private side of storage (`private/…`, served only through
signed links); when a project becomes a client gallery, or stops being one, its photos' files move
in the background (`photo.move` jobs), and the pages that showed its photos lose them
(`pages.detach_client_gallery`). The photo package reacts to content changes here."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask, current_app

from .. import signals
from ..blobs import IMMUTABLE, PRIVATE, variant_prefix
from ..cache.cdn import invalidator
from ..content import activity
from ..domain import IN_PROGRESS, Photo, Project
from ..services import services
from . import homes, lifecycle, pages

log = logging.getLogger("sgoodie.photos")


def move_project_files(project: Project) -> int:
    """Queue a move for every photo of a project that changed sides (public <-> client gallery);
    returns how many. Photos still being rendered land on the right side by themselves."""
    count = 0
    for photo in services().store.photos_for_project(project.id):
        if photo.variants:
            services().jobs.enqueue(lifecycle.MOVE, photo_id=photo.id)
            count += 1
    if count:
        side = "private storage" if project.is_private else "public storage"
        activity.record(f"Moving {count} photos of “{project.title}” to {side}", project_id=project.id)
    return count


def move_files(photo_id: str) -> Photo | None:
    """Put a photo's variants where its project's visibility says: under `private/` for a client
    gallery (served only through signed links), at the public path otherwise. Copies first, then
    points the record at the copies, then deletes the old files, so every page rendered meanwhile
    links files that exist. Safe to run twice; a photo whose files are already in place is left."""
    store, blobs = services().store, services().blobs
    photo = store.get_photo(photo_id)
    project = store.get_project(photo.project_id) if photo else None
    if photo is None or project is None or not photo.variants:
        return photo
    private = project.is_private
    prefix = variant_prefix(photo.project_id, photo.id, private=private)
    if all(v.key.startswith(prefix) for v in photo.variants):
        return photo
    moved = [replace(v, key=prefix + v.key.rsplit("/", 1)[-1]) for v in photo.variants]
    for old, new in zip(photo.variants, moved, strict=True):
        blobs.copy(old.key, new.key, cache_control=PRIVATE if private else IMMUTABLE)
    old_keys = {v.key for v in photo.variants}

    def point_at_copies(current: Photo) -> None:
        if {v.key for v in current.variants} == old_keys:  # not rendered again meanwhile
            current.variants = moved
            current.downloads = []  # clean JPEGs for a gallery's downloads never go public

    updated = homes.modify(photo, point_at_copies)
    if updated is None or {v.key for v in updated.variants} != {v.key for v in moved}:
        blobs.delete_prefix(prefix)  # deleted or re-rendered meanwhile: the copies are nobody's
        return updated
    old_prefix = variant_prefix(photo.project_id, photo.id, private=not private)
    blobs.delete_prefix(old_prefix)
    cdn = invalidator(current_app)
    if private and cdn is not None:  # copies the CDN kept of the public files go too
        cdn.submit({f"/{old_prefix}*"})
    log.info("photo %s: variants moved to the %s side", photo_id, "private" if private else "public")
    signals.photo_files_moved.send(current_app._get_current_object(), photo=updated, private=private)
    return updated


def _project_saved(app: Flask, project: Project, previous: Project | None, **_: Any) -> None:
    """A project that became a client gallery (or stopped being one): its photos' files move to
    the private prefix (or back) in the background, and the pages stop showing its photos."""
    if previous is None or project.is_private == previous.is_private:
        return
    if project.is_private:
        pages.detach_client_gallery(project)
    move_project_files(project)


def _photos_restored(app: Flask, photos: list[Photo], **_: Any) -> None:
    """Photos back from the trash whose job had not finished when they were deleted: queued again."""
    for photo in photos:
        if photo.status in IN_PROGRESS:
            lifecycle.queue(photo)


def connect_signals(app: Flask) -> None:
    """The photo's life reacts to content changes (the app factory connects it)."""
    signals.project_saved.connect(_project_saved, sender=app)
    signals.photos_restored.connect(_photos_restored, sender=app)
