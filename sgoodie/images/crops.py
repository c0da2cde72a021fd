"""Photos cut on the server around their focal point, placed as `object-fit: cover` with
`object-position` places the site's own crops (`domain.Image.crop_box`): the link-preview card
(`share.py`) and the home hero's portrait cut for phones, which saves a phone from downloading a
whole landscape to show a third of it."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from ..domain import Image
from ..image_formats import EncoderQuality
from .pipeline import ImageError, RenderedVariant, _encode, file_metadata
from .rights import read_rights

# The home hero on a phone held upright: a 9:16 cut of the photo (the box is about 390 x 743).
PHONE_HERO_ASPECT = 9 / 16
# 800: a typical phone (412 px wide at 1.75x, 390 at 2x) needs 720-780 px, so it gets 800 not 960.
PHONE_HERO_WIDTHS = (480, 640, 800, 960, 1280)
PHONE_HERO_FORMATS = ("avif", "webp")


def cut(data: bytes, focal_x: float, focal_y: float, aspect: float, width: int) -> PILImage.Image:
    """The largest `aspect` box of the photo in `data`, placed on the focal point, `width` wide
    at most (never upscaled)."""
    try:
        with PILImage.open(io.BytesIO(data)) as source:
            source.load()
            placed = Image(source.width, source.height, [], focal_x=focal_x, focal_y=focal_y)
            left, top, right, bottom = placed.crop_box(aspect)
            box = (
                round(left * source.width),
                round(top * source.height),
                round(right * source.width),
                round(bottom * source.height),
            )
            out_width = min(width, box[2] - box[0])
            return source.convert("RGB").resize(
                (out_width, round(out_width / aspect)), PILImage.Resampling.LANCZOS, box=box
            )
    except (OSError, ValueError) as exc:
        raise ImageError(f"The photo could not be read: {exc}") from None


def phone_hero_widths(width: int, height: int) -> list[int]:
    """The widths of the phone cut of a `width` x `height` photo: the usual steps below the cut's
    own width, and that width (nothing upscaled)."""
    full = min(width, round(height * PHONE_HERO_ASPECT))
    return [w for w in PHONE_HERO_WIDTHS if w < full] + [min(full, PHONE_HERO_WIDTHS[-1])]


def phone_hero(
    data: bytes, focal_x: float, focal_y: float, width: int, fmt: str, quality: EncoderQuality
) -> RenderedVariant:
    """One file of the hero's phone cut, from the hero's largest file (of the same format)."""
    return cut_file(data, focal_x, focal_y, PHONE_HERO_ASPECT, width, fmt, quality)


def cut_file(
    data: bytes, focal_x: float, focal_y: float, aspect: float, width: int, fmt: str, quality: EncoderQuality
) -> RenderedVariant:
    """`cut` encoded at the site's quality, carrying what `data` (one of the photo's public files)
    carries: its rights and colour profile, as every public file does."""
    picture = cut(data, focal_x, focal_y, aspect, width)
    with PILImage.open(io.BytesIO(data)) as source:  # reads the header only
        icc_profile = source.info.get("icc_profile")
    return _encode(picture, fmt, quality.options(fmt), file_metadata(read_rights(data), icc_profile))
