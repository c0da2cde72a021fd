from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw


def jpeg_bytes(size=(1200, 800), color=(120, 140, 160)) -> bytes:
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).ellipse((100, 100, size[0] // 2, size[1] // 2), fill=(230, 200, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@pytest.fixture
def jpeg():
    return jpeg_bytes
