"""Which photos carry the watermark, and which mark: a client gallery's previews while its switch
(`Project.gallery_watermark`) says so, and every public photo (projects' and pages') when the
site opts its portfolio in (`SiteSettings.watermark_portfolio`). The mark itself is the site's
(`SiteSettings.watermark_*`, drawn by `images.watermark`).

A gallery whose downloads stay clean gets clean JPEGs made beside its stamped previews in the same
job (`Photo.downloads`); the original is clean anyway. A change of the gallery's switch, or of its
visibility, re-renders that project's photos in the background (`rerender.project_saved`).
"""

from __future__ import annotations

from functools import lru_cache

from ..blobs import BlobNotFoundError
from ..domain import Photo, Project, SiteSettings
from ..images.watermark import Watermark
from ..services import services

# How a photo's files are marked: not at all, on the previews only (clean download JPEGs made
# beside them), or on everything a visitor gets (a gallery's downloads too, the public site).
CLEAN, PREVIEWS, EVERYWHERE = "", "previews", "all"
LOGO_FILES = ("mark.png", "logo-120.webp")  # the logo's largest file first (older logos lack it)


def project_mode(project: Project | None, site: SiteSettings) -> str:
    """How a project's photos are marked."""
    if project is None:
        return CLEAN
    if project.is_private:
        return {"previews": PREVIEWS, "all": EVERYWHERE}.get(project.gallery_watermark, CLEAN)
    return EVERYWHERE if site.watermark_portfolio else CLEAN


def photo_mode(photo: Photo, site: SiteSettings, projects: dict[str, Project | None] | None = None) -> str:
    """How this photo's files are marked (`projects`: a cache of projects already read)."""
    if photo.page_id:  # the home hero, the portrait, the branding gallery: public pages
        return EVERYWHERE if site.watermark_portfolio else CLEAN
    projects = {} if projects is None else projects
    if photo.project_id not in projects:
        projects[photo.project_id] = services().store.get_project(photo.project_id)
    return project_mode(projects[photo.project_id], site)


def site_watermark(site: SiteSettings) -> Watermark:
    """The site's mark: its text, or its logo (read from storage, once per logo)."""
    logo = _logo_bytes(site.logo.get("prefix", "")) if site.watermark_kind == "logo" and site.logo else b""
    return Watermark(
        text=site.watermark_label(),
        logo=logo,
        logo_id=site.logo.get("id", "") if logo else "",
        position=site.watermark_position,
        size=int(site.watermark_size),
        opacity=int(site.watermark_opacity),
    )


@lru_cache(maxsize=4)
def _logo_bytes(prefix: str) -> bytes:
    """A logo's files never change (a new logo gets a new prefix), so a process reads each once."""
    for name in LOGO_FILES:
        try:
            return services().blobs.get(prefix + name)
        except BlobNotFoundError:
            continue
    return b""
