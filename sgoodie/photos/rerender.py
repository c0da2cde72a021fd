"""New files for photos whose files no longer match what they should carry.

Saving settings that change the files (quality, wide-gamut colour, a default right, the watermark
or the portfolio's opt-in; a client gallery's watermark switch, for its photos only) queues one
job, `photo.rerender-changed`, so the request reads no photo. That job queues every ready photo,
projects' and pages' alike, whose files were made with other encoder settings or carry other
rights than the settings now give, and records the count for the dashboard. Each photo keeps
being shown with its current files until its new ones are in place. A photo's own credit edited in
the admin queues just that photo (`rerender_photo`); an imported site's photos whose files are
missing are queued by `rebuild_missing_variants`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask

from .. import signals
from ..domain import Photo, PhotoStatus, Project, Rights, SiteSettings, utcnow
from ..images import RenderSettings
from ..services import services
from . import homes, lifecycle, watermarks
from .processing import photo_render_settings

log = logging.getLogger("sgoodie.photos")

RERENDER = ("rerender", "current")  # records: the latest settings change's re-render, for the dashboard


def needs_rerender(before: SiteSettings, after: SiteSettings) -> bool:
    """Whether a settings change alters the public files: quality, colour, or the default rights
    (the business name too, when the defaults fall back to it)."""
    encoding = RenderSettings.for_site(before).signature, RenderSettings.for_site(after).signature
    return (
        encoding[0] != encoding[1]
        or before.rights_defaults("{year}") != after.rights_defaults("{year}")
        or watermarks.site_watermark(before).signature != watermarks.site_watermark(after).signature
        or before.watermark_portfolio != after.watermark_portfolio
    )


def request_rerender(project_id: str = "") -> None:
    """After a settings change (or a gallery's watermark switch: `project_id`): one background job
    finds and queues the photos whose files it changes (the request reads no photo)."""
    services().store.records.put(*RERENDER, {"total": 0, "started_at": utcnow(), "finding": True})
    services().jobs.enqueue(lifecycle.RERENDER_CHANGED, **({"project_id": project_id} if project_id else {}))


def out_of_date(photo: Photo, settings: RenderSettings) -> bool:
    """Whether a photo's files were made with other encoder settings, or carry other rights than
    its own, its original's and the site's now give."""
    wanted = replace(settings, rights_override=Rights.from_dict(photo.rights_override))
    rights = wanted.rights_for(Rights.from_dict(photo.rights_source), photo.exif.get("taken_at", ""))
    return photo.rendering != settings.signature or rights.to_dict() != photo.rights


def rerender_changed(project_id: str = "") -> int:
    """The body of the `photo.rerender-changed` job: queue every ready photo (of the project
    `project_id`, or of the site) with an original whose files are out of date (a page photo
    following a portfolio photo has none of its own: it gets that photo's new files). Whether a
    photo is watermarked depends on its project, so each project is read once."""
    site = SiteSettings.from_page(services().store.get_pages(["site"])["site"])
    projects: dict[str, Project | None] = {}
    photos = (
        [p for p in services().store.photos_for_project(project_id) if p.status == PhotoStatus.READY]
        if project_id
        else homes.photos_in([PhotoStatus.READY])
    )
    count = sum(
        lifecycle.queue_again(photo)
        for photo in photos
        if photo.original_key and out_of_date(photo, photo_render_settings(photo, site, projects))
    )
    services().store.records.put(*RERENDER, {"total": count, "started_at": utcnow(), "finding": False})
    log.info("settings changed: %d photos queued for new files", count)
    return count


def rerender_photo(photo: Photo) -> bool:
    """Queue a ready photo whose files no longer carry what its rights now give (after its own
    rights were edited). True when queued."""
    return (
        photo.is_ready
        and bool(photo.original_key)
        and out_of_date(photo, photo_render_settings(photo))
        and bool(lifecycle.queue_again(photo))
    )


def rerender_progress() -> dict[str, Any] | None:
    """The latest settings re-render for the dashboard: how many photos it queued, how many are
    done (the photos still queued or processing are not)."""
    return services().store.records.get(*RERENDER)


def project_saved(app: Flask, project: Project, previous: Project | None, **_: Any) -> None:
    """A gallery's watermark switched, or a project that changed sides (a client gallery's previews
    are marked as the gallery says, the portfolio's as the site says): its photos get new files in
    the background, and keep their current ones until then."""
    if previous is None:
        return
    site = services().site_settings()
    if watermarks.project_mode(project, site) != watermarks.project_mode(previous, site):
        request_rerender(project_id=project.id)


def connect_signals(app: Flask) -> None:
    signals.project_saved.connect(project_saved, sender=app)


def rebuild_missing_variants() -> int:
    """Queue every ready photo (projects' and pages') whose variant files are not in storage: a site
    imported from an archive without variants. A photo whose files are there is left alone, so
    running this again changes nothing. Every file is encoded anew (there is none to rewrite)."""
    blobs = services().blobs
    return sum(
        lifecycle.queue_again(photo, full=True)
        for photo in homes.photos_in([PhotoStatus.READY])
        if photo.variants and photo.original_key and blobs.head(photo.variants[0].key) is None
    )
