"""What a photographer wants to know about a photo (camera, lens, exposure, date), read from
EXIF. Location is never read: GPS data does not leave the original."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from PIL import Image

from ..domain import SHORT_TEXT_MAX

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
