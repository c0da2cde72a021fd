"""A photo's files: storing its renditions, copying them (a page photo chosen from the portfolio),
dropping the generation before the last, and discarding a page photo's files. Keys come from
`sgoodie.blobs.keys` only."""

from __future__ import annotations

from ..blobs import (
    IMMUTABLE,
    BlobStore,
    content_type_for,
    is_private_key,
    page_variant_prefix,
    variant_name,
    watermark_of,
)
from ..domain import Photo, Variant
from ..images import VariantSet
from ..services import services


def store_variants(
    blobs: BlobStore,
    prefix: str,
    variant_set: VariantSet,
    generation: str = "",
    watermark: str = "",
    *,
    cache_control: str = IMMUTABLE,
) -> list[Variant]:
    """Write every rendition under `prefix` (`variant_name`: stamped files name their mark),
    served immutable (a client gallery's: private, never stored by a CDN)."""
    stored = []
    for rendered in variant_set.variants:
        key = prefix + variant_name(rendered.width, rendered.format, generation, watermark)
        blobs.put(key, rendered.data, content_type=rendered.content_type, cache_control=cache_control)
        stored.append(Variant(rendered.width, rendered.height, rendered.format, key, len(rendered.data)))
    return stored


def copy_public_variants(variants: list[Variant], prefix: str, generation: str = "") -> list[Variant]:
    """Copies of a portfolio photo's files under a page photo's public `prefix` (no image work).
    A client gallery's file is never copied to a public path: refused, whoever asks."""
    if any(is_private_key(v.key) for v in variants):
        raise PermissionError("a client gallery's photo is never copied to a public page")
    blobs = services().blobs
    copied = []
    for variant in variants:
        key = prefix + variant_name(variant.width, variant.format, generation, watermark_of(variant.key))
        blobs.put(key, blobs.get(variant.key), content_type=content_type_for(key), cache_control=IMMUTABLE)
        copied.append(Variant(variant.width, variant.height, variant.format, key, variant.bytes))
    return copied


def drop_stale(prefix: str, *generations: list[Variant]) -> None:
    """Delete the files under `prefix` that none of these variant lists (the new files, and the
    ones pages showed until now) name: what a re-render before the last one left."""
    keep = {v.key for variants in generations for v in variants}
    blobs = services().blobs
    blobs.delete_many([key for key in blobs.list_keys(prefix) if key not in keep])


def discard(photo: Photo) -> None:
    """Remove a page photo's files (after it was replaced or removed): its original, its variants
    and everything else under its prefix (the phone hero's cuts), and those of the photo it was
    about to replace."""
    blobs = services().blobs
    blobs.delete_many([v.key for v in photo.variants] + ([photo.original_key] if photo.original_key else []))
    if photo.page_id:
        blobs.delete_prefix(page_variant_prefix(photo.page_id, photo.id))
    if photo.replaces is not None:
        discard(photo.replaces)
