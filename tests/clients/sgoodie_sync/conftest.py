"""Photo files as Lightroom Classic and Capture One export them: a JPEG (or another format) whose
title and description are written by Exiv2 (pyexiv2, the server's own metadata library) as XMP
`dc:title`/`dc:description` and IPTC IIM ObjectName/Caption-Abstract, with an EXIF capture time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw


def photo_bytes(
    *,
    title: str = "",
    description: str = "",
    taken: str = "",
    xmp: bool = True,
    iptc: bool = True,
    fmt: str = "JPEG",
    size: tuple[int, int] = (96, 64),
    seed: int = 0,
) -> bytes:
    """An image (its pixels depend on `seed`) carrying the given words where Lightroom writes them."""
    import pyexiv2

    image = Image.new("RGB", size, (40 + seed * 7 % 200, 90, 140))
    ImageDraw.Draw(image).rectangle((seed % size[0], 4, size[0] // 2, size[1] // 2), fill=(230, 200, 90))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    with pyexiv2.ImageData(buffer.getvalue()) as data:
        if taken:
            data.modify_exif({"Exif.Photo.DateTimeOriginal": taken})
        if iptc and (title or description):
            data.modify_iptc(
                {
                    "Iptc.Envelope.CharacterSet": "\x1b%G",  # UTF-8, as Lightroom declares it
                    **({"Iptc.Application2.ObjectName": title} if title else {}),
                    **({"Iptc.Application2.Caption": description} if description else {}),
                }
            )
        if xmp and (title or description):
            data.modify_xmp(
                {
                    **({"Xmp.dc.title": {'lang="x-default"': title}} if title else {}),
                    **({"Xmp.dc.description": {'lang="x-default"': description}} if description else {}),
                }
            )
        return data.get_bytes()


@pytest.fixture
def write_photo():
    """`write_photo(path, **photo_bytes options)`: the file, written (folders made)."""

    def write(path: Path, **options) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo_bytes(**options))
        return path

    return write
