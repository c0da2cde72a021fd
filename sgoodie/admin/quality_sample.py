"""The photo the settings page measures the quality presets on, and the measurement, kept.

One photo of the site stands for all: the home page's hero when it was uploaded there, else the
cover of the first featured project. Measuring takes seconds (every preset, format and width is
encoded), so the result is kept per photo and presets and measured again only when either changes.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from ..blobs import BlobNotFoundError
from ..domain import PhotoStatus
from ..image_formats import EncoderQuality
from ..images import ImageError
from ..images.pipeline import quality_sizes
from ..services import services

COLLECTION = "quality-sizes"
KEEP_SECONDS = 90 * 24 * 3600


@dataclass
class Sample:
    original_key: str
    label: str  # which photo, as the settings page names it


def sample_photo() -> Sample | None:
    store = services().store
    home = store.get_pages(["home"])["home"]
    hero = home.images.get("hero")
    if (
        isinstance(hero, dict)
        and hero.get("original_key")
        and hero.get("status", PhotoStatus.READY) == PhotoStatus.READY
    ):
        return Sample(hero["original_key"], "the home page's hero photo")
    for project in store.projects_by_ids(home.content.get("featured_order", [])[:5]):
        photo = store.get_photo(project.cover_photo_id) if project.cover_photo_id else None
        if photo is not None and photo.original_key and photo.is_ready:
            return Sample(photo.original_key, f"the cover of “{project.title}”")
    return None


def sizes(sample: Sample, qualities: dict[str, EncoderQuality]) -> dict[str, dict[str, dict[str, int]]]:
    """name -> format -> width -> bytes (widths as text, as JSON keeps them), measured or kept."""
    signature = "|".join(f"{name}={quality.signature}" for name, quality in sorted(qualities.items()))
    key = hashlib.sha256(f"{sample.original_key}|{signature}".encode()).hexdigest()[:32]
    records = services().store.records
    kept = records.get(COLLECTION, key)
    if kept is not None:  # numbers as ints again (DynamoDB hands back Decimals)
        return {
            name: {
                fmt: {width: int(size) for width, size in widths.items()} for fmt, widths in formats.items()
            }
            for name, formats in kept["sizes"].items()
        }
    try:
        measured = quality_sizes(services().blobs.get(sample.original_key), qualities)
    except (BlobNotFoundError, ImageError):
        return {}
    as_json = {
        name: {fmt: {str(width): size for width, size in widths.items()} for fmt, widths in formats.items()}
        for name, formats in measured.items()
    }
    records.put(COLLECTION, key, {"sizes": as_json}, expires_at=int(time.time()) + KEEP_SECONDS)
    return as_json
