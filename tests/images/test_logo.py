"""The logo's files: header sizes and icons from a PNG, JPEG or WebP; everything else refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sgoodie.images import ImageError
from sgoodie.images.logo import logo_files


def _file(fmt: str, size=(900, 300), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (40, 60, 80) if mode == "RGB" else (40, 60, 80, 255)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_logos_make_every_file(fmt):
    files = {f.name: f for f in logo_files(_file(fmt), f"logo.{fmt.lower()}")}
    assert [(files[f"logo-{h}.webp"].width, files[f"logo-{h}.webp"].height) for h in (40, 80, 120)] == [
        (120, 40),
        (240, 80),
        (360, 120),
    ]
    assert (files["icon-32.png"].width, files["icon-180.png"].height) == (32, 180)
    icon = Image.open(io.BytesIO(files["icon-180.png"].data))
    # A wide mark sits inside the square with a margin, on the site's paper colour.
    assert icon.getpixel((90, 4)) == (250, 248, 245)
    assert all(abs(a - b) <= 3 for a, b in zip(icon.getpixel((90, 90)), (40, 60, 80), strict=True))  # JPEG


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "mark.svg", "SVG logos are not accepted"),
        (b"\xef\xbb\xbf  <?xml version='1.0'?><svg/>", "mark.png", "SVG logos are not accepted"),
        (_file("GIF"), "mark.gif", "Upload the logo as PNG, JPEG or WebP (this file is GIF)"),
        (b"not an image at all", "mark.png", "not a logo we can read"),
        (_file("PNG", size=(200, 30)), "tiny.png", "only 30 px high"),
    ],
)
def test_other_files_are_refused_saying_why(data, name, message):
    with pytest.raises(ImageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        logo_files(data, name)
