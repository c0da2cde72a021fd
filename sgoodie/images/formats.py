"""Recognising an image file from its first bytes (so a declared type is never trusted)."""

from __future__ import annotations

# ISO-BMFF brands (the `ftyp` box) of AVIF and of HEIF/HEIC photos from phones.
AVIF_BRANDS = {b"avif", b"avis"}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}

SNIFF_BYTES = 64  # enough for every signature below, including the ftyp brand list


def detect_format(head: bytes) -> str | None:
    """The file extension of the image in `head` (the file's first bytes), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tif"
    if head[4:8] == b"ftyp":
        size = int.from_bytes(head[0:4], "big")
        brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)]
        if any(brand in AVIF_BRANDS for brand in brands):
            return "avif"
        if any(brand in HEIF_BRANDS for brand in brands):
            return "heic"
    return None
