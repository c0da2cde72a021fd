"""Changing the pages (home, about, personal branding, a category's introduction): every save
keeps a revision, logs the activity and sends `page_saved`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .. import signals
from ..domain import BRANDING_GALLERY_FULL, BRANDING_GALLERY_MAX, Page, ValidationError
from ..services import services
from . import activity, revisions
from .changes import retrying, sender


def save(page: Page, *, note: str = "") -> Page:
    if len(page.images.get("gallery") or []) > BRANDING_GALLERY_MAX:
        raise ValidationError({"gallery": BRANDING_GALLERY_FULL})
    stored = services().store.save_page(page)
    activity.record(f"Edited the {page.id.replace('-', ' ')} page")
    revisions.store().record("page", stored.id, revisions.page_fields(stored), activity.editor(), note)
    signals.page_saved.send(sender(), page=stored)
    return stored


def modify(page_id: str, change: Callable[[Page], None], *, visible: bool = True) -> Page:
    """Apply a targeted change to the latest version of a page (see `changes.retrying`).
    `visible=False` for a change visitors cannot see (a photo job's progress): no page_saved, so
    no purge."""
    stored = retrying(
        lambda: services().store.get_pages([page_id])[page_id],
        services().store.save_page,
        change,
        f"the {page_id} page",
    )
    if visible:
        signals.page_saved.send(sender(), page=stored)
    return stored


def with_fields(page: Page, fields: dict) -> Page:
    """The page with these texts and search fields (a revision's, a scheduled change's); its photos
    and the featured order stay as they are."""
    edited = replace(page, content=dict(page.content))
    edited.content.update({k: v for k, v in fields.items() if k not in ("seo_title", "seo_description")})
    edited.seo_title = fields.get("seo_title", "")
    edited.seo_description = fields.get("seo_description", "")
    return edited


@revisions.restorer("page")
def restore_revision(page_id: str, key: str) -> None:
    """Save a revision's texts again (its photos stay as they are now)."""
    revision, note = revisions.find("page", page_id, key)
    save(with_fields(services().store.get_pages([page_id])[page_id], revision.fields), note=note)
