"""Colour: every public file is sRGB (what browsers assume), plus the two things a page paints
before a photo arrives: its dominant colour and a tiny blurred placeholder."""

from __future__ import annotations

import base64
import io
import logging
from functools import lru_cache

from PIL import Image, ImageCms, ImageFilter

log = logging.getLogger("sgoodie.images")

PLACEHOLDER_WIDTH = 16


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A cached transform from this embedded profile to sRGB (photos from one camera share it)."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError) as exc:
        log.info("ignoring an unreadable colour profile: %s", exc)
        return None
    description = (ImageCms.getProfileDescription(source) or "").lower()
    if "srgb" in description and mode == "RGB":
        return None  # already what we want
    try:
        return ImageCms.buildTransform(
            source, _srgb(), mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except ImageCms.PyCMSError as exc:
        log.info("cannot convert from colour profile %r: %s", description, exc)
        return None


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB or RGBA in sRGB. Alpha is kept aside while the colours are converted."""
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    colour = image.convert("RGB") if image.mode == "RGBA" else image
    transform = _transform(icc, colour.mode) if icc and colour.mode in ("RGB", "CMYK", "L") else None
    if transform is not None:
        colour = ImageCms.applyTransform(colour, transform)
    elif colour.mode != "RGB":
        colour = colour.convert("RGB")
    if alpha is not None:
        colour.putalpha(alpha)
    return colour


def dominant_color(image: Image.Image) -> str:
    """The most common colour of a small copy, as #rrggbb."""
    small = image.convert("RGB")
    small.thumbnail((64, 64))
    palette_image = small.quantize(colors=5, method=Image.Quantize.MEDIANCUT)
    counts = sorted(palette_image.getcolors() or [(1, 0)], reverse=True)
    palette = palette_image.getpalette() or [128, 128, 128]
    index = counts[0][1] * 3
    r, g, b = palette[index : index + 3]
    return f"#{r:02x}{g:02x}{b:02x}"


def placeholder(image: Image.Image) -> str:
    """A data: URI of a 16-pixel-wide blurred WebP, a few hundred bytes, inlined in the page."""
    tiny = image.convert("RGB")
    height = max(1, round(tiny.height * PLACEHOLDER_WIDTH / tiny.width))
    tiny = tiny.resize((PLACEHOLDER_WIDTH, height), Image.Resampling.BOX).filter(
        ImageFilter.GaussianBlur(0.6)
    )
    buffer = io.BytesIO()
    tiny.save(buffer, "WEBP", quality=40, method=6)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
