"""The Open Graph image: a photo cut to the 1.91:1 card that link previews show, around its focal
point, the way the site's own crops are (`domain.Image.crop_box`)."""

from __future__ import annotations

from ..domain import Image, Variant
from ..image_formats import EncoderQuality
from .crops import cut_file

SHARE_ASPECT = 1200 / 630  # what Facebook, LinkedIn, X and iMessage lay their cards out at
SHARE_WIDTH = 1200


def share_size(variant: Variant, image: Image) -> tuple[int, int]:
    """The size of the share image cut from `variant`: 1200 × 630, or smaller when the variant
    is (never upscaled)."""
    left, _, right, _ = image.crop_box(SHARE_ASPECT)
    width = min(SHARE_WIDTH, round((right - left) * variant.width))
    return width, round(width / SHARE_ASPECT)


def share_crop(data: bytes, focal_x: float, focal_y: float, quality: EncoderQuality) -> bytes:
    """`data` (a photo's JPEG variant) cut around the focal point to the share card, as JPEG with
    the photo's rights."""
    return cut_file(data, focal_x, focal_y, SHARE_ASPECT, SHARE_WIDTH, "jpeg", quality).data
