"""What a photographer wants to know about a photo (camera, lens, exposure, date), read from
EXIF, and the title and description the file carries (IPTC/XMP, as Lightroom, Capture One or the
camera's software wrote them), proposed as alt text and caption. Location is never read: GPS data
does not leave the original."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from typing import Any

from PIL import Image

from ..domain import ALT_TEXT_MAX, CAPTION_MAX, SHORT_TEXT_MAX, shortened
from .rights import Embedded, first_text

EXIF_IFD = 0x8769
MAKE, MODEL, DATETIME = 0x010F, 0x0110, 0x0132
EXPOSURE_TIME, F_NUMBER, ISO, DATETIME_ORIGINAL = 0x829A, 0x829D, 0x8827, 0x9003
FOCAL_LENGTH, LENS_MAKE, LENS_MODEL = 0x920A, 0xA433, 0xA434


def _text(value: Any) -> str:
    """A text field, or "" when longer than a typed short text may be (it goes on the page)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip().strip("\x00").strip() if value is not None else ""
    return text if len(text) <= SHORT_TEXT_MAX else ""


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if number > 0 else None


def _shutter(value: Any) -> str:
    seconds = _number(value)
    if seconds is None:
        return ""
    if seconds >= 1:
        return f"{seconds:g} s"
    return (
        f"1/{round(1 / seconds)}"
        if round(1 / seconds) > 1
        else f"{Fraction(seconds).limit_denominator(8000)}"
    )


def _date(value: Any) -> str:
    text = _text(value)  # "2024:06:01 18:42:10"
    if len(text) >= 19 and text[4] == ":" and text[7] == ":":
        return f"{text[0:4]}-{text[5:7]}-{text[8:10]}T{text[11:19]}"
    return ""


def camera_metadata(image: Image.Image) -> dict[str, Any]:
    """Camera, lens, focal length, aperture, shutter, ISO and date taken; empty values left out."""
    try:
        exif = image.getexif()
        details = exif.get_ifd(EXIF_IFD)
    except Exception:  # unreadable EXIF is not a reason to refuse a photo
        return {}
    make, model = _text(exif.get(MAKE)), _text(exif.get(MODEL))
    camera = (
        model
        if make and model.lower().startswith(make.lower().split()[0])
        else " ".join(p for p in (make, model) if p)
    )
    lens = _text(details.get(LENS_MODEL)) or _text(details.get(LENS_MAKE))
    focal = _number(details.get(FOCAL_LENGTH))
    aperture = _number(details.get(F_NUMBER))
    iso = details.get(ISO)
    if isinstance(iso, tuple):
        iso = iso[0] if iso else None
    values = {
        "camera": camera,
        "lens": lens,
        "focal_length": f"{focal:g} mm" if focal else "",
        "aperture": f"f/{aperture:g}" if aperture else "",
        "shutter": _shutter(details.get(EXPOSURE_TIME)),
        "iso": int(iso) if isinstance(iso, (int, float)) and iso > 0 else None,
        "taken_at": _date(details.get(DATETIME_ORIGINAL)) or _date(exif.get(DATETIME)),
    }
    return {key: value for key, value in values.items() if value}


# Where a file keeps its title and its description, best first. Headline is a title's fallback
# (some tools fill only that), EXIF ImageDescription a description's (often the camera's name).
TITLE_FIELDS = (
    ("xmp", "Xmp.dc.title"),
    ("iptc", "Iptc.Application2.ObjectName"),
    ("xmp", "Xmp.photoshop.Headline"),
    ("iptc", "Iptc.Application2.Headline"),
)
DESCRIPTION_FIELDS = (
    ("xmp", "Xmp.dc.description"),
    ("iptc", "Iptc.Application2.Caption"),
    ("exif", "Exif.Image.ImageDescription"),
)
# What cameras and tools write where a person would write words: "OLYMPUS DIGITAL CAMERA",
# "KODAK Digital Still Camera", "SONY DSC", "Exif_JPEG_PICTURE", a file name like "IMG_1234.JPG".
CAMERA_WORDS = re.compile(
    r"""^(?:
        .*\bdigital\s+(?:still\s+)?camera\b.*
      | (?:[a-z]+\s+)?dsc | exif_jpeg_picture | default | untitled(?:\s+image)? | image | photo | picture
      | [a-z]{2,5}[_-]?\d{3,}(?:\.[a-z0-9]{3,4})?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Format characters that reorder or hide text; the joiners emoji need are kept.
HIDING_CHARACTERS = {
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200E, 0x200F, 0xFEFF)
}
GARBAGE_FACTOR = 10  # a value ten times longer than its field holds is not a title: it is left out


def words(value: Any, limit: int, camera: tuple[str, ...] = ()) -> str:
    """A title or description as a person wrote it, held to a typed value's limits: control and
    hiding characters out, whitespace on one line, cut at a word near `limit`; "" for what a
    camera or tool wrote instead (its name, a file name), undecodable bytes, or no words at all."""
    text = first_text(value)
    if "\ufffd" in text or len(text) > limit * GARBAGE_FACTOR:
        return ""
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text if c not in HIDING_CHARACTERS)
    text = " ".join(text.split())
    if not any(c.isalnum() for c in text) or CAMERA_WORDS.match(text) or text.lower() in camera:
        return ""
    return shortened(text, limit)


def file_text(embedded: Embedded) -> tuple[str, str]:
    """The (title, description) a file carries, each the first usable one of its fields."""
    exif = embedded.exif
    camera = tuple(first_text(exif.get(name)).lower() for name in ("Exif.Image.Make", "Exif.Image.Model"))

    def first(fields: tuple[tuple[str, str], ...], limit: int) -> str:
        values = (getattr(embedded, block).get(name) for block, name in fields)
        return next((text for text in (words(v, limit, camera) for v in values) if text), "")

    return first(TITLE_FIELDS, ALT_TEXT_MAX), first(DESCRIPTION_FIELDS, CAPTION_MAX)
