"""Photos that belong to a page (home hero, about portrait, personal-branding gallery).

A page owns its photos' files, under `pages/{page_id}/`: an uploaded photo goes through the
variant pipeline; a photo picked from the portfolio has its variants copied, so deleting that
project later does not break the page. Page photos are stored on the page as image dicts
(`domain.Image` fields plus `id` and `original_key`).
"""

from __future__ import annotations

from typing import Any, BinaryIO

from .blobs import IMMUTABLE, content_type_for, page_original_key, page_variant_prefix
from .domain import Image, ValidationError, new_id
from .images import ImageError, make_variants, store_variants
from .services import services


def from_upload(page_id: str, stream: BinaryIO, alt: str) -> dict[str, Any]:
    """Process an uploaded file now (page photos are few and the admin waits for the preview)."""
    limit = services().config["MAX_UPLOAD_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImageError(f"The file is larger than the {limit // (1024 * 1024)} MB allowed.")
    variant_set = make_variants(data)
    image_id = new_id()
    original = page_original_key(page_id, image_id, variant_set.source_format)
    services().blobs.put(original, data, content_type=content_type_for(original))
    variants = store_variants(services().blobs, page_variant_prefix(page_id, image_id), variant_set)
    image = Image(variant_set.width, variant_set.height, variants, variant_set.dominant_color, variant_set.placeholder, alt)
    return {**image.to_dict(), "id": image_id, "original_key": original}


def from_photo(page_id: str, photo_id: str, alt: str) -> dict[str, Any]:
    """Copy a ready portfolio photo's variants into the page's own files."""
    photo = services().store.get_photo(photo_id)
    if photo is None or not photo.is_ready:
        raise ValidationError({"photo": "That photo is not available any more."})
    image_id = new_id()
    prefix = page_variant_prefix(page_id, image_id)
    blobs = services().blobs
    copied = []
    for variant in photo.variants:
        key = prefix + variant.key.rsplit("/", 1)[-1]
        blobs.put(key, blobs.get(variant.key), content_type=content_type_for(key), cache_control=IMMUTABLE)
        copied.append(type(variant)(variant.width, variant.height, variant.format, key, variant.bytes))
    image = Image(photo.width, photo.height, copied, photo.dominant_color or "#888888", photo.placeholder, alt or photo.alt_text)
    return {**image.to_dict(), "id": image_id, "original_key": ""}


def discard(image: dict[str, Any]) -> None:
    """Remove a page photo's files (after it was replaced or removed)."""
    blobs = services().blobs
    keys = [variant["key"] for variant in image.get("variants", [])]
    if image.get("original_key"):
        keys.append(image["original_key"])
    blobs.delete_many(keys)
