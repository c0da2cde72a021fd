"""Photos cut on the server around their focal point (`images/crops.py`): a page's Open Graph
image (the link-preview card), and the home hero's portrait cut for phones. Each address names
what it is cut from and the point, so the answer never changes and is cached for a year, by
browsers and the CDN alike."""

from __future__ import annotations

from flask import Response, abort

from ..blobs import IMMUTABLE, BlobNotFoundError, content_type_for, is_public_key, page_variant_prefix
from ..domain import Image, shown_page_photo
from ..images import ImageError
from ..images.crops import phone_hero as cut_phone_hero
from ..images.crops import phone_hero_widths
from ..images.share import share_crop
from ..meta import FOCAL_STEPS
from ..services import services
from .views import bp


@bp.get("/share/<int:focal_x>/<int:focal_y>/<path:key>")
def share_image(focal_x: int, focal_y: int, key: str) -> Response:
    if not (is_public_key(key) and key.endswith(".jpg")) or max(focal_x, focal_y) > FOCAL_STEPS:
        abort(404)
    try:
        data = services().blobs.get(key)
    except BlobNotFoundError:
        abort(404)
    try:
        card = share_crop(
            data, focal_x / FOCAL_STEPS, focal_y / FOCAL_STEPS, services().site_settings().encoder_quality()
        )
    except ImageError:
        abort(404)
    response = Response(card, content_type="image/jpeg")
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/hero/<image_id>/<int:focal_x>/<int:focal_y>/<int:width>.<any(avif, webp):ext>")
def phone_hero(image_id: str, focal_x: int, focal_y: int, width: int, ext: str) -> Response:
    """The home hero's 9:16 cut (`<source media="(max-aspect-ratio: 3/4)">`). Made from the hero's
    largest file of the same format the first time it is asked for, then kept beside its other
    files (and removed with them). Only the current hero at its current focal point is cut, so
    nobody can make the site store files at will."""
    hero = shown_page_photo(services().store.get_pages(["home"])["home"].images.get("hero"))
    image = Image.from_dict(hero)
    if image is None or hero.get("id") != image_id or (focal_x, focal_y) != _thousandths(image):
        abort(404)
    largest = image.variants_in("jpeg")[-1]
    if width not in phone_hero_widths(largest.width, largest.height):
        abort(404)
    key = f"{page_variant_prefix('home', image_id)}phone-{focal_x}-{focal_y}-{width}.{ext}"
    try:
        data = services().blobs.get(key)
    except BlobNotFoundError:
        try:
            # Cut from the same format: an AVIF re-encoded from the JPEG must reproduce the JPEG's
            # blocking and ringing, which made the demo hero's cut 1.7x heavier.
            source = (image.variants_in(ext) or [largest])[-1]
            rendered = cut_phone_hero(
                services().blobs.get(source.key),
                image.focal_x,
                image.focal_y,
                width,
                ext,
                services().site_settings().encoder_quality(),
            )
        except (BlobNotFoundError, ImageError):
            abort(404)
        data = rendered.data
        services().blobs.put(key, data, content_type=rendered.content_type, cache_control=IMMUTABLE)
    response = Response(data, content_type=content_type_for(key))
    response.headers["Cache-Control"] = IMMUTABLE
    return response


def _thousandths(image: Image) -> tuple[int, int]:
    return round(image.focal_x * FOCAL_STEPS), round(image.focal_y * FOCAL_STEPS)
