"""Photos cut around their focal point, made in jobs (no request ever encodes an image):

- the home hero's phone cut (`<source media="(max-aspect-ratio: 13/25)">`): a 9:16 cut from the
  hero's ORIGINAL (stamped with the watermark, and naming it, when the public site is marked), as
  wide as a 3x phone draws it where the original allows (1440 px), in AVIF, WebP and JPEG as every
  photo's files (the AVIF at a quality tuned for 3x screens: `images.crops.phone_hero_quality`).
  Made whenever the hero has files and no cut at its current point (`photo.cut-phone`, queued
  when the home page is saved: a new hero, a new point, a hero that became ready). The page offers
  the cut only once it is made at the current point; until then phones get the photo's own files.
- the link-preview card (Open Graph, 1200 × 630) of any public photo, at its current point: made
  the first time a preview robot asks for it (`photo.cut-share`); until it is made, the address
  redirects to the photo's own JPEG. It is cut from that JPEG, so a watermarked photo's card
  carries the mark (where the crop keeps it) and names it: never a clean copy of a marked photo.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask

from .. import signals
from ..blobs import (
    IMMUTABLE,
    BlobNotFoundError,
    content_type_for,
    is_private_key,
    phone_cut_name,
    share_cut_key,
)
from ..domain import Page, Photo, Rights, Variant
from ..images import ImageError
from ..images.crops import phone_hero_cuts, share_crop
from ..jobs import JobKind, JobRegistry
from ..meta import FOCAL_STEPS
from ..services import services
from . import homes
from .processing import photo_render_settings, render_settings

log = logging.getLogger("sgoodie.photos")

CUT_PHONE = "photo.cut-phone"
CUT_SHARE = "photo.cut-share"

SHARE_CLAIMS = "share-cuts"  # records: a share cut asked for, so it is queued once
SHARE_CLAIM_SECONDS = 600  # a lost job is asked for again after this


def focal_token(photo: Photo) -> str:
    """The photo's point as its cuts name it: "385-200" (thousandths)."""
    return f"{round(photo.focal_x * FOCAL_STEPS)}-{round(photo.focal_y * FOCAL_STEPS)}"


def has_current_phone_cut(hero: Photo) -> bool:
    return bool(hero.phone_cuts) and hero.phone_cuts_at == focal_token(hero)


# -- the hero's phone cut --------------------------------------------------------------------------
def _home_saved(app: Flask, page: Page, **_: Any) -> None:
    """A home page saved (a new hero, a new point, a hero that became ready): cut the hero for
    phones unless it is cut at its point already."""
    if page.id != "home":
        return
    hero = page.photo("hero")
    if hero is not None and hero.variants and not has_current_phone_cut(hero):
        services().jobs.enqueue(CUT_PHONE, photo_id=hero.id, page_id="home")


def cut_phone(photo_id: str, page_id: str) -> Photo | None:
    """The body of `photo.cut-phone`: the hero's phone cut at its current point, from its original
    (or, for a hero chosen from the portfolio, from that photo's original while it is public)."""
    hero = homes.find(photo_id, page_id)
    if hero is None or not hero.variants or has_current_phone_cut(hero):
        return hero
    source = _original_of(hero)
    if not source:
        return hero
    at = focal_token(hero)
    settings = photo_render_settings(hero)  # stamped as the hero's files are
    try:
        made = phone_hero_cuts(
            services().blobs.get(source),
            settings,
            Rights.from_dict(hero.rights),
            hero.focal_x,
            hero.focal_y,
        )
    except (BlobNotFoundError, ImageError) as exc:
        log.warning("hero %s: no phone cut (%s)", photo_id, exc)
        return hero
    prefix = homes.prefix(hero)
    cuts = []
    for rendered in made:
        key = prefix + phone_cut_name(at, rendered.width, rendered.format, settings.watermark_signature)
        services().blobs.put(key, rendered.data, content_type=rendered.content_type, cache_control=IMMUTABLE)
        cuts.append(Variant(rendered.width, rendered.height, rendered.format, key, len(rendered.data)))
    previous: list[Variant] = []

    def point_at(current: Photo) -> None:
        if focal_token(current) == at:  # not moved again meanwhile (that move queued its own cut)
            previous[:] = current.phone_cuts
            current.phone_cuts, current.phone_cuts_at = cuts, at

    updated = homes.modify(hero, point_at, visible=True)
    if updated is None or updated.phone_cuts_at != at:
        services().blobs.delete_many([c.key for c in cuts])
        return updated
    # The cut before stays for pages drawn before (caches, the CDN); older ones go.
    keep = {v.key for v in cuts + previous}
    older = [k for k in services().blobs.list_keys(prefix) if "/phone-" in k and k not in keep]
    services().blobs.delete_many(older)
    return updated


def _original_of(hero: Photo) -> str:
    if hero.original_key:
        return hero.original_key
    source = services().store.get_photo(hero.from_photo) if hero.from_photo else None
    if source is None or homes.is_private(source) or not source.original_key:
        return ""  # a client gallery's original never makes a public file
    return source.original_key


# -- the link preview ------------------------------------------------------------------------------
def share_cut(key: str, focal_x: int, focal_y: int) -> str | None:
    """The stored link-preview cut of the public JPEG `key` at this point (thousandths), or None
    while it is being made: the first asking queues its job (once, for SHARE_CLAIM_SECONDS)."""
    cut_key = share_cut_key(key, focal_x, focal_y)
    if services().blobs.head(cut_key) is not None:
        return cut_key
    claim = services().store.records.increment(
        SHARE_CLAIMS, cut_key, "asked", expires_at=int(time.time()) + SHARE_CLAIM_SECONDS
    )
    if claim == 1:
        services().jobs.enqueue(CUT_SHARE, key=key, focal_x=focal_x, focal_y=focal_y)
    return None


def cut_share(key: str, focal_x: int, focal_y: int) -> None:
    """The body of `photo.cut-share`: the 1200 × 630 card from a public JPEG variant."""
    if is_private_key(key):
        return
    cut_key = share_cut_key(key, focal_x, focal_y)
    if services().blobs.head(cut_key) is not None:
        return
    try:
        card = share_crop(
            services().blobs.get(key),
            focal_x / FOCAL_STEPS,
            focal_y / FOCAL_STEPS,
            render_settings().quality,
        )
    except (BlobNotFoundError, ImageError) as exc:
        log.warning("share cut of %s: not made (%s)", key, exc)
        return
    services().blobs.put(cut_key, card, content_type=content_type_for(cut_key), cache_control=IMMUTABLE)


def register(jobs: JobRegistry, app: Flask) -> None:
    jobs.register(JobKind(CUT_PHONE, cut_phone))
    jobs.register(JobKind(CUT_SHARE, cut_share))
    signals.page_saved.connect(_home_saved, sender=app)
