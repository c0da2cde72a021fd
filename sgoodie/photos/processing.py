"""The photo job: render a photo's variants from its original, store them where it lives, and mark
it ready (or failed, with the reason). One body for a project's photo and a page's own photo; no
request ever runs it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import current_app

from .. import signals
from ..blobs import IMMUTABLE, PRIVATE, BlobNotFoundError, content_type_for, variant_name
from ..cache.cdn import invalidator
from ..content import projects
from ..domain import Photo, PhotoStatus, Rights, SiteSettings, Variant, new_id
from ..images import FORMATS, ImageError, RenderSettings, VariantSet, make_variants
from ..images.rights import REWRITABLE, rewrite
from ..jobs import TimedOut
from ..services import services
from . import files, homes, lifecycle, pages
from .lifecycle import MAX_ATTEMPTS, MISSING_ORIGINAL, TOO_MANY_ATTEMPTS, TransitionRefused

log = logging.getLogger("sgoodie.photos")
# What Pillow, pyexiv2 and the encoders raise on a file they cannot handle (an encoder error is an
# OSError). A runner's time limit is none of these, so it still ends as TOO_SLOW.
PIPELINE_ERRORS = (ValueError, TypeError, ArithmeticError, LookupError, MemoryError, OSError)


def process(photo_id: str, page_id: str = "") -> Photo | None:
    """Render every variant of a photo (of a project, or of the page `page_id`) and mark it ready
    (or failed, with the reason).

    Safe to run twice (a ready photo is left as it is) and safe against a photo deleted mid-job
    (its new files are removed again and nothing is recreated). A missing original and any error
    of the pipeline (`ImageError`, or another: it turns bytes into bytes, so the same original
    fails the same way again) are permanent failures; a storage error (unreachable, a throttled
    request) propagates so the job queue retries it.
    """
    photo = homes.find(photo_id, page_id)
    if photo is None:
        return None
    if photo.attempts >= MAX_ATTEMPTS:  # redelivered again and again: the job keeps dying on it
        return lifecycle.fail(photo, TOO_MANY_ATTEMPTS)
    try:
        started = lifecycle.transition(photo, PhotoStatus.PROCESSING, error="", attempts=photo.attempts + 1)
    except TransitionRefused as exc:  # a duplicate message for a ready or failed photo
        log.info("photo %s: job skipped (%s)", photo_id, exc)
        return homes.find(photo_id, page_id)
    if started is None:
        return None
    settings = render_settings(started.rights_override)
    private = homes.is_private(started)
    prefix = homes.prefix(started, private=private)
    rendered, variants, problem = _render(
        started, prefix, settings, cache_control=PRIVATE if private else IMMUTABLE
    )
    if rendered is None:
        return lifecycle.fail(started, problem)
    replaced: list[Photo] = []

    def finish(current: Photo) -> None:
        lifecycle.set_status(current, PhotoStatus.READY, **_ready_fields(rendered, variants, settings))
        current.phone_cuts_at = ""  # cut again from the new files (`cuts`); the old cut stays meanwhile
        if current.replaces is not None:  # the page photo it replaced leaves with its files
            replaced.append(current.replaces)
            current.replaces = None
        if current.replacement is not None:  # a new original: it is the photo's original now
            new = current.replacement
            current.original_key, current.filename = new.key, new.filename
            current.content_type, current.size = new.content_type, new.size
            current.source_sha256 = new.sha256
            current.replacement = None

    try:
        ready = homes.modify(started, finish, visible=True)
    except TransitionRefused:  # a duplicate job finished first, with the same files
        return homes.find(photo_id, page_id)
    if ready is None:  # deleted while we worked: do not leave its files behind
        services().blobs.delete_prefix(prefix)
        return None
    if started.replacement is None:
        files.drop_stale(prefix, ready.variants, started.variants, ready.phone_cuts)
    for old in replaced:
        files.discard(old)
    log.info("photo %s ready: %d variants", photo_id, len(variants))
    if not ready.page_id:
        _project_photo_ready(ready, rendered_before=bool(started.variants), private=private)
    if started.replacement is not None:
        # Another picture: the old one's files go at once, not a render later (pages showing them
        # were purged by `photo_ready`, and page photos copied from it have the new files), and
        # the CDN forgets them (one wildcard path: the new names were never requested from it).
        files.drop_stale(prefix, ready.variants, ready.phone_cuts)
        services().blobs.delete_many([started.original_key])
        cdn = invalidator(current_app._get_current_object())
        if cdn is not None and not private:
            cdn.submit({f"/{prefix}*"})
    return ready


def _project_photo_ready(ready: Photo, *, rendered_before: bool, private: bool) -> None:
    if rendered_before and not private:  # rendered again: page photos copied from it follow
        pages.refresh_copies(ready)
    projects.ensure_cover(ready.project_id)
    if homes.is_private(ready) != private:  # the project changed sides while we rendered
        services().jobs.enqueue(lifecycle.MOVE, photo_id=ready.id)
    signals.photo_ready.send(current_app._get_current_object(), photo=ready)


def gave_up(arguments: Mapping[str, Any], error: BaseException) -> None:
    """The job queue stopped trying: the photo is marked failed with the reason, in the admin's
    words (its job kept failing, with the last error; or it ran past its time limit)."""
    photo = homes.find(arguments["photo_id"], arguments.get("page_id", ""))
    if photo is not None:
        reason = lifecycle.GAVE_UP.format(error=_said(error))
        lifecycle.fail(photo, lifecycle.TOO_SLOW if isinstance(error, TimedOut) else reason)


def _said(error: BaseException) -> str:
    """An error as one short line for the admin (the log keeps the whole of it)."""
    text = " ".join(str(error).split()) or error.__class__.__name__
    return text if len(text) <= 200 else text[:199] + "…"


def render_settings(override: dict[str, str] | None = None) -> RenderSettings:
    """How a photo is rendered now: the site's settings, and the photo's own rights if any."""
    site = SiteSettings.from_page(services().store.get_pages(["site"])["site"])
    return RenderSettings.for_site(site, Rights.from_dict(override))


def _render(
    photo: Photo, prefix: str, settings: RenderSettings, *, cache_control: str
) -> tuple[VariantSet | None, list[Variant], str]:
    """Make and store the variants of a stored original: (what was rendered, the stored variants,
    ""), or (None, [], the reason of a permanent failure).

    A photo's first files are `<width>.<ext>`; a re-render writes new names beside the current
    files (which visitors keep getting until the photo's record points at the new ones), and
    `_drop_stale` removes the generation before. When only the rights changed (same encoder
    settings), JPEG and WebP keep their pixels and get their metadata rewritten; only AVIF, whose
    container Exiv2 cannot write, is encoded again."""
    current = photo.variants
    # A new original (`replace`) is another picture: nothing of the current files is reused.
    same_pixels = bool(current) and photo.rendering == settings.signature and photo.replacement is None
    formats = tuple(f for f in FORMATS if f not in REWRITABLE) if same_pixels else FORMATS
    generation = new_id()[:8] if current else ""
    blobs = services().blobs
    try:
        original = blobs.get(photo.replacement.key if photo.replacement else photo.original_key)
    except BlobNotFoundError:
        return None, [], MISSING_ORIGINAL
    try:
        rendered = make_variants(original, settings, formats)
    except ImageError as exc:
        return None, [], str(exc)
    except PIPELINE_ERRORS as exc:  # the pipeline only turns bytes into bytes: trying again cannot help
        if isinstance(exc, TimeoutError):  # a runner's time limit: the job queue says TOO_SLOW
            raise
        log.exception("photo %s: the pipeline failed", photo.id)
        return None, [], lifecycle.RENDER_FAILED.format(error=_said(exc))
    variants = files.store_variants(blobs, prefix, rendered, generation, cache_control=cache_control)
    if same_pixels:
        for old in current:
            if old.format in REWRITABLE:
                key = prefix + variant_name(old.width, old.format, generation)
                data = rewrite(blobs.get(old.key), rendered.rights)
                blobs.put(key, data, content_type=content_type_for(key), cache_control=cache_control)
                variants.append(Variant(old.width, old.height, old.format, key, len(data)))
    variants.sort(key=lambda v: (v.width, FORMATS.index(v.format)))
    return rendered, variants, ""


def _ready_fields(rendered: VariantSet, variants: list[Variant], settings: RenderSettings) -> dict[str, Any]:
    """What a photo keeps of its rendering."""
    return {
        "error": "",
        "width": rendered.width,
        "height": rendered.height,
        "variants": variants,
        "dominant_color": rendered.dominant_color,
        "placeholder": rendered.placeholder,
        "rights": rendered.rights.to_dict(),
        "rights_source": rendered.rights_source.to_dict(),
        "rendering": settings.signature,
        "exif": rendered.exif,
    }
