"""Real-looking test photos, made in code: what cameras, phones and editors actually produce."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, ImageDraw

from sgoodie.images.color import matrix_profile

ORIENTATION, EXIF_IFD, GPS_IFD = 0x0112, 0x8769, 0x8825


def photo(size=(1600, 1000), mode="RGB") -> Image.Image:
    """A photo-like picture: a gradient sky, a darker ground, a bright square (for orientation checks)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=(60, 90, 40))
    draw.rectangle((20, 20, size[0] // 4, size[1] // 4), fill=(250, 20, 20))  # red block top-left
    return image if mode == "RGB" else image.convert(mode)


def encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def camera_exif(orientation: int = 1, gps: bool = True) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[ORIENTATION] = "Canon", "Canon EOS R5", orientation
    details = exif.get_ifd(EXIF_IFD)
    details[0xA434] = "RF24-70mm F2.8 L IS USM"
    details[0x829A], details[0x829D], details[0x8827], details[0x920A] = 1 / 250, 5.6, 400, 35.0
    details[0x9003] = "2025:06:01 18:42:10"
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (38.0, 42.0, 0.0), 3: "W", 4: (9.0, 8.0, 0.0)})
    return exif


# Primaries adapted to D50 (red, green, blue), as the profiles cameras and editors embed.
ADOBE_RGB = ((0.6097, 0.3111, 0.0195), (0.2053, 0.6257, 0.0609), (0.1492, 0.0632, 0.7446))
DISPLAY_P3 = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))


@pytest.fixture
def adobe_rgb_profile() -> bytes:
    profile = matrix_profile("Adobe RGB (1998)", ADOBE_RGB)
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # LittleCMS accepts it
    return profile


@pytest.fixture
def display_p3_profile() -> bytes:
    return matrix_profile("Display P3", DISPLAY_P3)
