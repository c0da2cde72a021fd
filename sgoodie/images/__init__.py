"""The image variant pipeline: one uploaded photo in, every public rendition out.

`make_variants` is a plain function (no app, no storage) used by the image job, the page photo
uploads and the demo seeder; `store_variants` writes its result to a blob store. See DESIGN.md,
Image variants.
"""

from .pipeline import (
    FORMATS,
    MAX_PIXELS,
    WIDTHS,
    ImageError,
    RenderedVariant,
    VariantSet,
    detect_format,
    make_variants,
    store_variants,
)

__all__ = [
    "FORMATS",
    "MAX_PIXELS",
    "WIDTHS",
    "ImageError",
    "RenderedVariant",
    "VariantSet",
    "detect_format",
    "make_variants",
    "store_variants",
]
