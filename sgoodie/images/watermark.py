"""The watermark stamped on the preview files of a client gallery (and of the public site when it
opts in): the site's name set in its own typeface, or its logo, at a corner, the centre or tiled,
sized as a share of the photo's short side, at an opacity. A plain function like the variant
pipeline (bytes and images in, images out); `pipeline.make_variants` stamps each width after it
is resized, so the mark is as sharp on a 320 px file as on a 2560 px one.

`Watermark.signature` changes exactly when the stamped pixels would: it is part of a photo's
rendering signature (so a change re-renders the affected photos) and of every stamped file's
storage key (`blobs.keys.variant_name`), so a watermarked file and a clean one never share an
address.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from .pipeline import ImageError

# The site's own serif (the header's wordmark: Cormorant Garamond 600), which FreeType reads from
# the WOFF2 the pages use; its licence is beside it (OFL-Cormorant-Garamond.txt).
FONT = (
    Path(__file__).resolve().parent.parent / "static" / "fonts" / "cormorant-garamond-latin-600-normal.woff2"
)
STAMP_VERSION = 1  # bump when the drawing changes: every watermarked photo gets new files
MARGIN = 0.035  # of the short side, between a corner mark and the photo's edges
SHADOW = 0.55  # the text's soft dark halo, so white letters read on a white sky too
TILE_ANGLE = 30  # degrees a tiled mark is turned
LOGO_MAX_ASPECT = 8  # a logo wider (or taller) than this many times its other side reads as a line


@dataclass(frozen=True)
class Watermark:
    """What to stamp: `text` in the site's serif, or the `logo` (RGBA image bytes, named by
    `logo_id`), placed at `position` (one of `domain.WATERMARK_POSITIONS`), its longer side `size`
    percent of the photo's short side, at `opacity` percent."""

    text: str = ""
    logo: bytes = b""
    logo_id: str = ""
    position: str = "bottom-right"
    size: int = 30
    opacity: int = 25

    @property
    def signature(self) -> str:
        """Eight hex digits that change exactly when the stamp would."""
        what = {
            "v": STAMP_VERSION,
            "text": "" if self.logo else self.text,
            "logo": self.logo_id if self.logo else "",
            "position": self.position,
            "size": self.size,
            "opacity": self.opacity,
        }
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:8]

    def mark(self, short_side: int) -> Image.Image:
        """The mark alone (RGBA, its opacity applied), sized for a photo of this short side."""
        return _mark(self, short_side)

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """Where the mark lands on a `width` x `height` photo (left, top, right, bottom): every
        pixel outside it is left as it was (the whole photo when tiled)."""
        if self.position == "tiled":
            return (0, 0, width, height)
        mark = self.mark(min(width, height))
        left, top = _place(self.position, (width, height), mark.size, round(MARGIN * min(width, height)))
        return (max(0, left), max(0, top), min(width, left + mark.width), min(height, top + mark.height))

    def stamp(self, image: Image.Image) -> Image.Image:
        """A copy of `image` with the mark (the image itself is left as it is: smaller widths are
        resized from it)."""
        out = image.copy()
        mark = self.mark(min(image.size))
        colour, alpha = mark.convert("RGB"), mark.getchannel("A")
        if self.position == "tiled":
            rotated = mark.rotate(TILE_ANGLE, expand=True, resample=Image.Resampling.BICUBIC)
            colour, alpha = rotated.convert("RGB"), rotated.getchannel("A")
            step_x, step_y = round(rotated.width * 1.5), round(rotated.height * 2.2)
            for row, y in enumerate(range(-rotated.height // 2, image.height, step_y)):
                offset = (step_x // 2) * (row % 2)
                for x in range(-rotated.width // 2 - offset, image.width, step_x):
                    out.paste(colour, (x, y), alpha)
            return out
        left, top, _, _ = self.box(*image.size)
        out.paste(colour, (left, top), alpha)
        return out


def _place(position: str, size: tuple[int, int], mark: tuple[int, int], margin: int) -> tuple[int, int]:
    (width, height), (mark_width, mark_height) = size, mark
    if position == "centre":
        return (width - mark_width) // 2, (height - mark_height) // 2
    vertical, horizontal = position.split("-")
    left = margin if horizontal == "left" else width - margin - mark_width
    top = margin if vertical == "top" else height - margin - mark_height
    return left, top


@lru_cache(maxsize=32)
def _mark(watermark: Watermark, short_side: int) -> Image.Image:
    longest = max(8, round(short_side * watermark.size / 100))
    layer = _logo_mark(watermark.logo, longest) if watermark.logo else _text_mark(watermark.text, longest)
    alpha = layer.getchannel("A").point(lambda value: round(value * watermark.opacity / 100))
    layer.putalpha(alpha)
    return layer


def _text_mark(text: str, longest: int) -> Image.Image:
    """White letters with a soft dark halo, the text's width `longest` (or its height, for a
    text taller than wide)."""
    probe = _font(100)
    left, top, right, bottom = probe.getbbox(text)
    scale = longest / max(1, right - left, bottom - top)
    font = _font(max(6, round(100 * scale)))
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, round(font.size * 0.12))
    size = (right - left + 2 * pad, bottom - top + 2 * pad)
    letters = Image.new("L", size, 0)
    ImageDraw.Draw(letters).text((pad - left, pad - top), text, font=font, fill=255)
    halo = letters.filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.GaussianBlur(max(1, font.size / 14)))
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    layer.putalpha(halo.point(lambda value: round(value * SHADOW)))
    white = Image.new("RGBA", size, (255, 255, 255, 255))
    layer.paste(white, (0, 0), letters)
    return layer


def _logo_mark(data: bytes, longest: int) -> Image.Image:
    logo = open_logo(data)
    scale = longest / max(logo.size)
    return logo.resize(
        (max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.Resampling.LANCZOS
    )


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def open_logo(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as logo:
            return logo.convert("RGBA")
    except (OSError, ValueError) as exc:
        raise ImageError(f"The logo could not be read as a watermark ({exc}).") from None


def text_problem(text: str) -> str:
    """Why this text cannot be the watermark (empty, or letters its typeface lacks), or ""."""
    if not text.strip():
        return "Type the watermark's text (for example © S.Goodie Photography), or choose the logo."
    missing = sorted({ch for ch in text if not ch.isspace() and not _has_glyph(ch)})
    if missing:
        return (
            f"The watermark's typeface has no {' '.join(missing[:8])}: use Latin letters, digits and "
            "punctuation (© and & included), or choose the logo."
        )
    return ""


def logo_problem(width: int, height: int) -> str:
    """Why a logo of this size cannot be the watermark (a thin strip), or ""."""
    if not width or not height:
        return "Upload a logo first (below), or use text for the watermark."
    ratio = max(width / height, height / width)
    if ratio > LOGO_MAX_ASPECT:
        return (
            f"This logo is {ratio:.0f} times as {'wide' if width > height else 'tall'} as it is "
            f"{'high' if width > height else 'wide'}: as a watermark it would be a thin line. "
            "Use text, or upload a more compact version of the logo."
        )
    return ""


@lru_cache(maxsize=512)
def _has_glyph(character: str) -> bool:
    """Whether the typeface draws this character (not its empty 'missing' box)."""
    return _drawn(character) != _drawn("\uffff")


def _drawn(text: str) -> bytes:
    canvas = Image.new("L", (120, 120), 0)
    ImageDraw.Draw(canvas).text((10, 10), text, font=_font(48), fill=255)
    return canvas.tobytes()


__all__ = ["Watermark", "logo_problem", "open_logo", "text_problem"]
