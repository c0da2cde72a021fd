"""What each quality choice weighs, measured on one photo of the site for the settings page.

One photo stands for all: the home page's hero when it was uploaded there, else the cover of the
first featured project. Measuring takes seconds (every preset, format and width is encoded), so it
runs in a job (`photo.measure-quality`) and its result is kept per photo and presets for 90 days;
the settings page asks again until it is there.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass

from ..blobs import BlobNotFoundError
from ..image_formats import EncoderQuality
from ..images import ImageError
from ..images.pipeline import quality_sizes
from ..jobs import JobKind, JobRegistry
from ..services import services

MEASURE = "photo.measure-quality"
COLLECTION = "quality-sizes"
KEEP_SECONDS = 90 * 24 * 3600
CLAIM_SECONDS = 600  # a measurement asked for is queued once in this long

Sizes = dict[str, dict[str, dict[str, int]]]  # preset -> format -> width (as text) -> bytes


@dataclass
class Sample:
    original_key: str
    label: str  # which photo, as the settings page names it


def sample_photo() -> Sample | None:
    store = services().store
    home = store.get_pages(["home"])["home"]
    hero = home.photo("hero")
    if hero is not None and hero.original_key and hero.is_ready:
        return Sample(hero.original_key, "the home page's hero photo")
    for project in store.projects_by_ids(home.content.get("featured_order", [])[:5]):
        photo = store.get_photo(project.cover_photo_id) if project.cover_photo_id else None
        if photo is not None and photo.original_key and photo.is_ready:
            return Sample(photo.original_key, f"the cover of “{project.title}”")
    return None


def sizes(sample: Sample, qualities: dict[str, EncoderQuality]) -> Sizes | None:
    """The measurement, when it is kept; None while it is being made (the first asking queues it)."""
    key = _key(sample.original_key, qualities)
    records = services().store.records
    kept = records.get(COLLECTION, key)
    if kept is not None:  # numbers as ints again (DynamoDB hands back Decimals)
        return {
            name: {
                fmt: {width: int(size) for width, size in widths.items()} for fmt, widths in formats.items()
            }
            for name, formats in kept["sizes"].items()
        }
    if (
        records.increment(f"{COLLECTION}-asked", key, "asked", expires_at=int(time.time()) + CLAIM_SECONDS)
        == 1
    ):
        services().jobs.enqueue(
            MEASURE,
            original_key=sample.original_key,
            qualities={name: asdict(quality) for name, quality in qualities.items()},
        )
    return None


def measure(original_key: str, qualities: dict[str, dict]) -> None:
    """The body of `photo.measure-quality`: encode the photo at each quality and keep the sizes."""
    chosen = {name: EncoderQuality(**values) for name, values in qualities.items()}
    try:
        measured = quality_sizes(services().blobs.get(original_key), chosen)
    except (BlobNotFoundError, ImageError):
        measured = {}  # kept empty: the page says it could not measure, and asks no more
    as_json = {
        name: {fmt: {str(width): size for width, size in widths.items()} for fmt, widths in formats.items()}
        for name, formats in measured.items()
    }
    services().store.records.put(
        COLLECTION, _key(original_key, chosen), {"sizes": as_json}, expires_at=int(time.time()) + KEEP_SECONDS
    )


def _key(original_key: str, qualities: dict[str, EncoderQuality]) -> str:
    signature = "|".join(f"{name}={quality.signature}" for name, quality in sorted(qualities.items()))
    return hashlib.sha256(f"{original_key}|{signature}".encode()).hexdigest()[:32]


def register(jobs: JobRegistry) -> None:
    jobs.register(JobKind(MEASURE, measure))
