"""The Open Graph image: a photo cut to the 1.91:1 card that link previews show, around its focal
point, the way the site's own crops are (`domain.Image.crop_box`)."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from ..domain import Image, Variant
from ..image_formats import OUTPUTS
from .pipeline import ImageError

SHARE_ASPECT = 1200 / 630  # what Facebook, LinkedIn, X and iMessage lay their cards out at
SHARE_WIDTH = 1200


def share_size(variant: Variant, image: Image) -> tuple[int, int]:
    """The size of the share image cut from `variant`: 1200 × 630, or smaller when the variant
    is (never upscaled)."""
    left, _, right, _ = image.crop_box(SHARE_ASPECT)
    width = min(SHARE_WIDTH, round((right - left) * variant.width))
    return width, round(width / SHARE_ASPECT)


def share_crop(data: bytes, focal_x: float, focal_y: float) -> bytes:
    """`data` (a photo's JPEG variant) cut around the focal point to the share card, as JPEG."""
    try:
        with PILImage.open(io.BytesIO(data)) as source:
            source.load()
            placed = Image(source.width, source.height, [], focal_x=focal_x, focal_y=focal_y)
            left, top, right, bottom = placed.crop_box(SHARE_ASPECT)
            box = (
                round(left * source.width),
                round(top * source.height),
                round(right * source.width),
                round(bottom * source.height),
            )
            width = min(SHARE_WIDTH, box[2] - box[0])
            card = source.convert("RGB").resize(
                (width, round(width / SHARE_ASPECT)), PILImage.Resampling.LANCZOS, box=box
            )
    except (OSError, ValueError) as exc:
        raise ImageError(f"The photo could not be read: {exc}") from None
    buffer = io.BytesIO()
    card.save(buffer, "JPEG", **OUTPUTS["jpeg"].encoder)
    return buffer.getvalue()
