"""The image variant pipeline: one uploaded photo in, every public rendition out.

`make_variants` is a plain function (no app, no storage) called by the photo job's body
(`sgoodie.photos.lifecycle.process`, for project and page photos alike), which stores its result.
docs/architecture.md describes the variants.
"""

from .pipeline import (
    FORMATS,
    MAX_PIXELS,
    WIDTHS,
    ImageError,
    RenderedVariant,
    RenderSettings,
    VariantSet,
    detect_format,
    make_variants,
)

__all__ = [
    "FORMATS",
    "MAX_PIXELS",
    "WIDTHS",
    "ImageError",
    "RenderSettings",
    "RenderedVariant",
    "VariantSet",
    "detect_format",
    "make_variants",
]
