"""Photos cut on the server around their focal point, placed as `object-fit: cover` with
`object-position` places the site's own crops (`domain.Image.crop_box`): the link-preview card
(Open Graph, the 1.91:1 card link previews show) and the home hero's portrait cut for phones,
which saves a phone from downloading a whole landscape to show a third of it."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image as PILImage

from ..domain import Image, Rights, Variant
from ..image_formats import EncoderQuality
from .pipeline import ImageError, RenderedVariant, RenderSettings, _decode, _encode, _resized, file_metadata
from .rights import read_rights

# The home hero on a phone held upright: a 9:16 cut of the photo (the box is about 390 x 743).
PHONE_HERO_ASPECT = 9 / 16
# The widths the home page's `sizes` asks for (public/layout.py: max(100vw, min(88vh, 56rem) x 9/16)):
# 800: a typical phone (412 px wide at 1.75x, 390 at 2x) needs 720-780 px, so it gets 800 not 960;
# 1280 and 1440: a 3x phone draws the cut 1,160-1,390 px wide (386-461 css px: 360 x 780 to
# 430 x 932), so 390 x 844 (1,253) gets 1280 and 430 x 932 (1,384) gets 1440.
PHONE_HERO_WIDTHS = (480, 640, 800, 960, 1280, 1440)
PHONE_HERO_FORMATS = ("avif", "webp", "jpeg")  # as every photo's files: AVIF, WebP, JPEG for the rest
# The cut is drawn at 2-3 device pixels per CSS pixel, where a pixel of grain, and the encoder's
# smoothing of it, are below what the eye resolves: its AVIF is made this many steps below the
# site's AVIF quality (the demo's hero at 1280 px: 177 KB at 60, 55 KB at 48, edges as sharp).
PHONE_HERO_AVIF_STEPS_DOWN = 12
SHARE_ASPECT = 1200 / 630  # what Facebook, LinkedIn, X and iMessage lay their cards out at
SHARE_WIDTH = 1200


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
    steps = [w for w in PHONE_HERO_WIDTHS if w < full]
    return steps if full > PHONE_HERO_WIDTHS[-1] else steps + [full]


def phone_hero_cuts(
    original: bytes, settings: RenderSettings, rights: Rights, focal_x: float, focal_y: float
) -> list[RenderedVariant]:
    """The hero's phone cut from its original, at every width it allows (`phone_hero_widths`),
    in each of PHONE_HERO_FORMATS: decoded, turned upright and colour-converted as its variants
    are, carrying the rights its variants carry; AVIF at `phone_hero_quality`."""
    return cuts_from_original(
        original,
        replace(settings, quality=phone_hero_quality(settings.quality)),
        rights,
        focal_x,
        focal_y,
        PHONE_HERO_ASPECT,
        PHONE_HERO_FORMATS,
    )


def phone_hero_quality(quality: EncoderQuality) -> EncoderQuality:
    """The site's quality with AVIF PHONE_HERO_AVIF_STEPS_DOWN lower, for the phone cut."""
    return replace(quality, avif_quality=max(1, quality.avif_quality - PHONE_HERO_AVIF_STEPS_DOWN))


def cuts_from_original(
    original: bytes,
    settings: RenderSettings,
    rights: Rights,
    focal_x: float,
    focal_y: float,
    aspect: float,
    formats: tuple[str, ...],
) -> list[RenderedVariant]:
    """The largest `aspect` box of the photo around its focal point, made as the variants are made
    (upright, in the output colour, stamped with the watermark the settings carry, placed on the
    cut itself), at each width of `phone_hero_widths` that fits it."""
    decoded, _, _, icc = _decode(original, settings.wide_gamut)
    placed = Image(decoded.width, decoded.height, [], focal_x=focal_x, focal_y=focal_y)
    left, top, right, bottom = placed.crop_box(aspect)
    box = tuple(round(f * size) for f, size in zip((left, top, right, bottom), decoded.size * 2, strict=True))
    cropped = decoded.crop(box)
    del decoded
    metadata = file_metadata(rights, icc)
    widths = phone_hero_widths(cropped.width, round(cropped.width / aspect))
    mark = settings.watermark.stamp if settings.watermark else _copy
    return [
        _encode(mark(resized), fmt, settings.quality.options(fmt), metadata)
        for _, resized in _resized(cropped, widths)
        for fmt in formats
    ]


def _copy(image: PILImage.Image) -> PILImage.Image:
    return image.copy()


def cut_file(
    data: bytes, focal_x: float, focal_y: float, aspect: float, width: int, fmt: str, quality: EncoderQuality
) -> RenderedVariant:
    """`cut` encoded at the site's quality, carrying what `data` (one of the photo's public files)
    carries: its rights and colour profile, as every public file does."""
    picture = cut(data, focal_x, focal_y, aspect, width)
    with PILImage.open(io.BytesIO(data)) as source:  # reads the header only
        icc_profile = source.info.get("icc_profile")
    return _encode(picture, fmt, quality.options(fmt), file_metadata(read_rights(data), icc_profile))


def share_size(variant: Variant, image: Image) -> tuple[int, int]:
    """The size of the link-preview card cut from `variant`: 1200 × 630, or smaller when the
    variant is (never upscaled)."""
    left, _, right, _ = image.crop_box(SHARE_ASPECT)
    width = min(SHARE_WIDTH, round((right - left) * variant.width))
    return width, round(width / SHARE_ASPECT)


def share_crop(data: bytes, focal_x: float, focal_y: float, quality: EncoderQuality) -> bytes:
    """`data` (a photo's JPEG variant) cut around the focal point to the link-preview card, as JPEG
    with the photo's rights."""
    return cut_file(data, focal_x, focal_y, SHARE_ASPECT, SHARE_WIDTH, "jpeg", quality).data
