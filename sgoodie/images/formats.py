"""Recognising an image file from its first bytes (so a declared type is never trusted).

The signatures are in the format table, `sgoodie.image_formats`."""

from __future__ import annotations

from ..image_formats import INPUT_FORMATS, SNIFF_BYTES

__all__ = ["SNIFF_BYTES", "detect_format"]


def detect_format(head: bytes) -> str | None:
    """The stored extension of the image in `head` (the file's first bytes), or None."""
    return next((fmt.extension for fmt in INPUT_FORMATS if fmt.signature(head)), None)
