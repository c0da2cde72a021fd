"""The photographer's logo: the files the header shows (1x, 2x and 3x screens), the icons made
from it (the browser tab's favicon, the home-screen icon of phones) and a large copy for the
watermark (`mark.png`). A plain function like the
variant pipeline: bytes in, files out.

PNG, JPEG and WebP are accepted. SVG is refused: an SVG is a document that can carry scripts and
links, and a logo file is served to every visitor from the site's own origin.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from .pipeline import ImageError

LOGO_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_PIXELS = 40_000_000
LOGO_MIN_HEIGHT = 40
# The header draws the logo 40 CSS pixels high (site.css: .brand__logo); one file per density.
LOGO_HEIGHTS = (40, 80, 120)
FAVICON_SIZE = 32
TOUCH_ICON_SIZE = 180  # apple-touch-icon; Android reads it too
MARK_LONGEST = 1600  # the watermark's copy (`mark.png`): sharp as a large mark on a 2560 px photo
ICON_BACKGROUND = (250, 248, 245)  # the site's paper colour: home-screen icons cannot be transparent
ICON_PADDING = 0.12


@dataclass(frozen=True)
class LogoFile:
    name: str  # the file name under the logo's storage prefix
    data: bytes
    content_type: str
    width: int
    height: int


def logo_files(data: bytes, filename: str = "") -> list[LogoFile]:
    """The header's logo at each density (WebP, transparency kept) and the two icons (PNG).
    Raises ImageError, in words for the photographer, for anything but a PNG, JPEG or WebP logo."""
    if _looks_like_svg(data, filename):
        raise ImageError(
            "SVG logos are not accepted: an SVG file can carry scripts. "
            "Export the logo as a PNG with a transparent background (or WebP), at least 120 px high."
        )
    if len(data) > LOGO_MAX_BYTES:
        raise ImageError(f"The logo file is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MB.")
    logo = _open(data)
    logo = _trimmed(logo)
    if logo.height < LOGO_MIN_HEIGHT:
        raise ImageError(
            f"The logo is only {logo.height} px high; upload one at least 120 px high so it stays sharp."
        )
    files = [
        _encode(
            f"logo-{height}",
            logo.resize((max(1, round(logo.width * height / logo.height)), height), Image.Resampling.LANCZOS),
            "WEBP",
        )
        for height in LOGO_HEIGHTS
    ]
    files.append(_encode(f"icon-{FAVICON_SIZE}", _square(logo, FAVICON_SIZE, background=None), "PNG"))
    files.append(
        _encode(f"icon-{TOUCH_ICON_SIZE}", _square(logo, TOUCH_ICON_SIZE, background=ICON_BACKGROUND), "PNG")
    )
    scale = min(1.0, MARK_LONGEST / max(logo.size))
    mark = logo.resize(
        (max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.Resampling.LANCZOS
    )
    files.append(_encode("mark", mark, "PNG"))
    return files


def _looks_like_svg(data: bytes, filename: str) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return filename.lower().endswith((".svg", ".svgz")) or head.startswith(
        (b"<?xml", b"<svg", b"<!doctype svg")
    )


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in LOGO_FORMATS:
            raise ImageError(
                f"Upload the logo as {', '.join(list(LOGO_FORMATS.values())[:-1])} or "
                f"{list(LOGO_FORMATS.values())[-1]} (this file is {image.format or 'not an image'})."
            )
        if image.width * image.height > LOGO_MAX_PIXELS:
            raise ImageError("The logo is too large in pixels; export it at most 4000 px wide.")
        image.load()
    except ImageError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ImageError("That file is not a logo we can read: upload a PNG, JPEG or WebP.") from None
    image = ImageOps.exif_transpose(image)
    return image.convert("RGBA")


def _trimmed(image: Image.Image) -> Image.Image:
    """Without the transparent margin around the mark, so it fills the header and the icons."""
    box = image.getchannel("A").getbbox()
    return image.crop(box) if box else image


def _square(logo: Image.Image, size: int, background: tuple[int, int, int] | None) -> Image.Image:
    """The logo fitted inside a square icon, centred with a margin."""
    inner = round(size * (1 - 2 * ICON_PADDING)) if background else size
    scale = min(inner / logo.width, inner / logo.height)
    mark = logo.resize(
        (max(1, round(logo.width * scale)), max(1, round(logo.height * scale))), Image.Resampling.LANCZOS
    )
    canvas = Image.new("RGBA", (size, size), (*background, 255) if background else (0, 0, 0, 0))
    canvas.alpha_composite(mark, ((size - mark.width) // 2, (size - mark.height) // 2))
    return canvas.convert("RGB") if background else canvas


def _encode(name: str, image: Image.Image, fmt: str) -> LogoFile:
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=90, method=6)
        extension, content_type = "webp", "image/webp"
    else:
        image.save(buffer, "PNG", optimize=True)
        extension, content_type = "png", "image/png"
    return LogoFile(f"{name}.{extension}", buffer.getvalue(), content_type, image.width, image.height)
