"""Real-looking test photos, made in code: what cameras, phones and editors actually produce."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image, ImageCms, ImageDraw

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


def _s15f16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def matrix_profile(
    description: str, red, green, blue, white=(0.9642, 1.0, 0.8249), gamma: float = 2.2
) -> bytes:
    """A minimal ICC v2 RGB matrix/TRC profile (e.g. Adobe RGB (1998) or Display P3 primaries,
    D50-adapted), built byte by byte: no profile files needed."""

    def xyz(values):
        return b"XYZ \x00\x00\x00\x00" + b"".join(_s15f16(v) for v in values)

    def curve():
        return (
            b"curv\x00\x00\x00\x00"
            + struct.pack(">I", 1)
            + struct.pack(">H", round(gamma * 256))
            + b"\x00\x00"
        )

    def text(value: str):
        raw = value.encode("ascii") + b"\x00"
        return b"desc\x00\x00\x00\x00" + struct.pack(">I", len(raw)) + raw + b"\x00" * 12 + b"\x00" * 67

    tags = [
        (b"desc", text(description)),
        (b"wtpt", xyz(white)),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve()),
        (b"gTRC", curve()),
        (b"bTRC", curve()),
        (b"cprt", b"text\x00\x00\x00\x00public domain\x00"),
    ]
    table, data, offset = b"", b"", 128 + 4 + 12 * len(tags)
    for signature, body in tags:
        body += b"\x00" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + b"\x02\x10\x00\x00"
        + b"mntrRGB XYZ "
        + b"\x07\xe9\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00"
    )
    header += b"acsp" + b"APPL" + b"\x00" * 4 + b"\x00" * 4 + b"\x00" * 4 + b"\x00" * 8 + b"\x00" * 4
    header += _s15f16(0.9642) + _s15f16(1.0) + _s15f16(0.8249) + b"lcms" + b"\x00" * 44
    header = header[:128].ljust(128, b"\x00")
    return header + struct.pack(">I", len(tags)) + table + data


ADOBE_RGB = dict(
    description="Adobe RGB (1998)",
    red=(0.6097, 0.3111, 0.0195),
    green=(0.2053, 0.6257, 0.0609),
    blue=(0.1492, 0.0632, 0.7446),
)
DISPLAY_P3 = dict(
    description="Display P3",
    red=(0.5151, 0.2412, -0.0011),
    green=(0.2920, 0.6922, 0.0419),
    blue=(0.1571, 0.0666, 0.7841),
)


@pytest.fixture
def adobe_rgb_profile() -> bytes:
    profile = matrix_profile(**ADOBE_RGB)
    ImageCms.ImageCmsProfile(io.BytesIO(profile))  # LittleCMS accepts it
    return profile


@pytest.fixture
def display_p3_profile() -> bytes:
    return matrix_profile(**DISPLAY_P3)
