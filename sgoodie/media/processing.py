"""The image job's body: turn one stored original into a ready photo (or a failed one, with the
reason). The in-process worker and the Celery task are thin wrappers around `process_photo`.

Safe to run twice (the same keys are overwritten with the same files) and safe against a photo
deleted mid-job (its new files are removed again and nothing is recreated). Only `ImageError`
and a missing original are permanent failures; any other exception (storage unreachable, a
throttled request) propagates so the caller retries.
"""

from __future__ import annotations

import logging

from flask import current_app

from .. import signals
from ..blobs import BlobNotFoundError, variant_prefix
from ..content import modify_photo, modify_project
from ..domain import Photo, ValidationError, utcnow
from ..images import ImageError, make_variants, store_variants
from ..services import services

log = logging.getLogger("sgoodie.media")

MISSING_ORIGINAL = "The uploaded file is missing from storage. Upload the photo again."


def process_photo(photo_id: str) -> Photo | None:
    """Render every variant of the photo and mark it ready; None when the photo no longer exists."""
    store, blobs = services().store, services().blobs
    photo = store.get_photo(photo_id)
    if photo is None:
        return None

    def start(current: Photo) -> None:
        current.status, current.error, current.attempts = "processing", "", current.attempts + 1

    photo = modify_photo(photo_id, start)
    if photo is None:
        return None
    try:
        original = blobs.get(photo.original_key)
        rendered = make_variants(original)
    except BlobNotFoundError:
        return fail_photo(photo_id, MISSING_ORIGINAL)
    except ImageError as exc:
        return fail_photo(photo_id, str(exc))

    prefix = variant_prefix(photo.project_id, photo.id)
    variants = store_variants(blobs, prefix, rendered)

    def finish(current: Photo) -> None:
        current.status, current.error = "ready", ""
        current.width, current.height = rendered.width, rendered.height
        current.variants = variants
        current.dominant_color, current.placeholder = rendered.dominant_color, rendered.placeholder
        current.exif = rendered.exif
        current.updated_at = utcnow()

    ready = modify_photo(photo_id, finish)
    if ready is None:  # deleted while we worked: do not leave its files behind
        blobs.delete_prefix(prefix)
        return None
    _cover_if_missing(ready)
    log.info("photo %s ready: %d variants", photo_id, len(variants))
    signals.photo_ready.send(current_app._get_current_object(), photo=ready)
    return ready


def fail_photo(photo_id: str, reason: str) -> Photo | None:
    """Record a permanent failure with its human reason (the admin sees it and can retry)."""

    def failed(current: Photo) -> None:
        current.status, current.error = "failed", reason

    photo = modify_photo(photo_id, failed)
    if photo is not None:
        log.warning("photo %s failed: %s", photo_id, reason)
        signals.photo_failed.send(current_app._get_current_object(), photo=photo, reason=reason)
    return photo


def _cover_if_missing(photo: Photo) -> None:
    project = services().store.get_project(photo.project_id)
    if project is None or project.cover_photo_id:
        return

    def choose(current) -> None:
        if not current.cover_photo_id:
            current.cover_photo_id = photo.id

    try:
        modify_project(project.id, choose)
    except ValidationError:  # the project was deleted meanwhile
        pass
