"""Colour: every public file is sRGB (what browsers assume) unless the site keeps wide-gamut
colour (Display P3, profile embedded), plus the two things a page paints before a photo arrives:
its dominant colour and a tiny blurred placeholder."""

from __future__ import annotations

import base64
import io
import logging
import struct
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


# Display P3 (Apple's, as in every P3 screen): primaries and white point adapted to the ICC's D50,
# the sRGB tone curve, and the Bradford matrix from D65 to D50.
P3_COLORANTS = (
    (0.515102, 0.241196, -0.001053),
    (0.291965, 0.692245, 0.041885),
    (0.157153, 0.066561, 0.784072),
)
D50 = (0.964203, 1.0, 0.824905)
BRADFORD_D65_TO_D50 = (
    (1.047882, 0.022918, -0.050217),
    (0.029586, 0.990478, -0.017075),
    (-0.009247, 0.015075, 0.751678),
)
SRGB_CURVE = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)


def _s15(*values: float) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def _mluc(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return b"mluc\0\0\0\0" + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(encoded), 28) + encoded


def matrix_profile(name: str, colorants, white=D50, adaptation=BRADFORD_D65_TO_D50) -> bytes:
    """An ICC v4 display profile (RGB matrix, sRGB tone curve): what Display P3 is. ImageCms can
    only create sRGB, and no P3 profile ships with Pillow or the system."""
    curve = b"para\0\0\0\0" + struct.pack(">HH", 3, 0) + _s15(*SRGB_CURVE)
    tags = [
        (b"desc", _mluc(name)),
        (b"cprt", _mluc("No copyright, use freely")),
        (b"wtpt", b"XYZ \0\0\0\0" + _s15(*white)),
        (b"chad", b"sf32\0\0\0\0" + _s15(*(v for row in adaptation for v in row))),
        *(
            (tag, b"XYZ \0\0\0\0" + _s15(*xyz))
            for tag, xyz in zip((b"rXYZ", b"gXYZ", b"bXYZ"), colorants, strict=False)
        ),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"lcms", 0x04300000, b"mntr", b"RGB ", b"XYZ ")
        + b"\0" * 12  # date
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual
        + _s15(*D50)
        + b"\0" * 48  # creator, profile id, reserved
    )
    return header + struct.pack(">I", len(tags)) + table + body


@lru_cache(maxsize=1)
def display_p3() -> bytes:
    return matrix_profile("Display P3", P3_COLORANTS)


def _description(icc: bytes) -> str:
    try:
        return (ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))) or "").strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


@lru_cache(maxsize=32)
def _is_wide_gamut(icc: bytes) -> bool:
    description = _description(icc).lower()
    return bool(description) and "srgb" not in description


@lru_cache(maxsize=32)
def _is_p3(icc: bytes) -> bool:
    return "p3" in _description(icc).lower()


@lru_cache(maxsize=32)
def _to_p3(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    try:
        return ImageCms.buildTransform(
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            ImageCms.ImageCmsProfile(io.BytesIO(display_p3())),
            mode,
            "RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
        )
    except (OSError, ImageCms.PyCMSError) as exc:
        log.info("cannot convert to Display P3: %s", exc)
        return None


def to_output_colour(image: Image.Image, icc: bytes | None, wide_gamut: bool) -> tuple[Image.Image, bytes]:
    """The image in the colour space of the public files, and the profile to embed (b"" for sRGB,
    which browsers assume). With `wide_gamut`, a Display P3 original keeps its colours and profile,
    and another wide-gamut one (Adobe RGB, ProPhoto) is converted to Display P3; everything else,
    and everything without `wide_gamut`, becomes sRGB."""
    if not (wide_gamut and icc and image.mode in ("RGB", "RGBA") and _is_wide_gamut(icc)):
        return to_srgb(image, icc), b""
    if _is_p3(icc):
        return image, icc
    transform = _to_p3(icc, "RGB")
    if transform is None:
        return to_srgb(image, icc), b""
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    colour = ImageCms.applyTransform(image.convert("RGB") if alpha else image, transform)
    if alpha is not None:
        colour.putalpha(alpha)
    return colour, display_p3()


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
