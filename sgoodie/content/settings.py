"""Changing the site settings and the logo's files."""

from __future__ import annotations

from dataclasses import replace

from .. import signals
from ..blobs import IMMUTABLE, logo_prefix
from ..domain import SITE_PAGE_ID, Page, SiteSettings, ValidationError, new_id
from ..images.logo import logo_files
from ..images.watermark import logo_problem, text_problem
from ..services import services
from . import activity, revisions
from .changes import sender


def save(settings: SiteSettings, base: Page, *, note: str = "") -> SiteSettings:
    """Save the settings; a logo they no longer name (replaced or removed) loses its files."""
    settings.validate()
    check_watermark(settings)
    stored = services().store.save_page(settings.to_page(base))
    activity.record("Edited the site settings")
    saved = SiteSettings.from_page(stored)
    revisions.store().record(
        "settings", SITE_PAGE_ID, revisions.settings_fields(saved), activity.editor(), note
    )
    previous = SiteSettings.from_page(base).logo
    if previous and previous.get("prefix") != saved.logo.get("prefix"):
        discard_logo(previous)
    signals.settings_saved.send(sender(), settings=saved)
    return saved


def check_watermark(settings: SiteSettings) -> None:
    """What the domain cannot see without the typeface and the logo's shape: letters the serif
    lacks, a logo too thin to read as a mark. Raises ValidationError naming the field."""
    if settings.watermark_kind == "logo" and settings.logo:
        problem = logo_problem(int(settings.logo.get("width", 0)), int(settings.logo.get("height", 0)))
        if problem:
            raise ValidationError({"watermark_kind": problem})
    elif problem := text_problem(settings.watermark_label()):
        raise ValidationError({"watermark_text": problem})


def store_logo(data: bytes, filename: str) -> dict:
    """Make the logo's files (header sizes, favicon, touch icon) and store them under a new id;
    the settings name them once saved. Raises ImageError, saying why, for a file we refuse."""
    files = logo_files(data, filename)
    logo_id = new_id()
    prefix = logo_prefix(logo_id)
    for file in files:
        services().blobs.put(
            prefix + file.name, file.data, content_type=file.content_type, cache_control=IMMUTABLE
        )
    header = files[0]
    return {"id": logo_id, "prefix": prefix, "width": header.width, "height": header.height}


def discard_logo(logo: dict) -> None:
    if logo.get("prefix"):
        services().blobs.delete_prefix(logo["prefix"])


@revisions.restorer("settings")
def restore_revision(item_id: str, key: str) -> None:
    """Save a revision's texts and choices again (not the logo: a replaced logo's files are gone)."""
    revision, note = revisions.find("settings", SITE_PAGE_ID, key)
    base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
    current = SiteSettings.from_page(base)
    known = {k: v for k, v in revision.fields.items() if k in revisions.settings_fields(current)}
    save(replace(current, **known), base, note=note)
