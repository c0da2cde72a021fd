"""The image formats sgoodie reads and writes: one table, and everything that follows from it.

Uploads (the API, the admin forms, the uploader's `accept`), the file sniffing, storage content
types, the OpenAPI document and the variant encoders all read these two tuples, so a format is
accepted everywhere or nowhere. Adding an output format is one OutputFormat entry.

A leaf module (nothing from sgoodie is imported): `blobs` needs it, and `images` imports `blobs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SNIFF_BYTES = 64  # enough for every signature below, including the ftyp brand list

# ISO-BMFF brands (the `ftyp` box) of AVIF and of HEIF/HEIC photos from phones.
AVIF_BRANDS = frozenset({b"avif", b"avis"})
HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def _ftyp_brands(head: bytes) -> list[bytes]:
    """The major and compatible brands of an ISO-BMFF file, or [] for anything else."""
    if head[4:8] != b"ftyp":
        return []
    size = int.from_bytes(head[0:4], "big")
    return [head[8:12]] + [head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)]


@dataclass(frozen=True)
class InputFormat:
    """A file format an admin may upload (the pipeline decodes it with Pillow or pillow-heif)."""

    label: str  # as the photographer knows it, in messages
    extension: str  # what the original is stored as
    aliases: tuple[str, ...]  # other extensions the same files carry
    mime_types: tuple[str, ...]  # what browsers declare; the first is the one we record
    signature: Callable[[bytes], bool]  # does the file's head (SNIFF_BYTES) look like this format?

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)

    @property
    def mime_type(self) -> str:
        return self.mime_types[0]


@dataclass(frozen=True)
class OutputFormat:
    """A format every variant is rendered in; `name` is Pillow's format name, lower case."""

    name: str
    extension: str
    mime_type: str
    encoder: Mapping[str, Any] = field(hash=False)  # Pillow save options
    alpha: bool = True  # False: transparent photos are flattened onto white first


# Sniffed in this order: AVIF files often list the HEIF brand `mif1` too, so AVIF comes first.
INPUT_FORMATS: tuple[InputFormat, ...] = (
    InputFormat("JPEG", "jpg", ("jpeg",), ("image/jpeg",), lambda head: head.startswith(b"\xff\xd8\xff")),
    InputFormat("PNG", "png", (), ("image/png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    InputFormat(
        "WebP", "webp", (), ("image/webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ),
    InputFormat(
        "AVIF", "avif", (), ("image/avif",), lambda head: any(b in AVIF_BRANDS for b in _ftyp_brands(head))
    ),
    InputFormat(
        "HEIC",
        "heic",
        ("heif",),
        ("image/heic", "image/heif"),
        lambda head: any(b in HEIF_BRANDS for b in _ftyp_brands(head)),
    ),
    InputFormat(
        "TIFF", "tif", ("tiff",), ("image/tiff",), lambda head: head.startswith((b"II*\x00", b"MM\x00*"))
    ),
    InputFormat("GIF", "gif", (), ("image/gif",), lambda head: head.startswith((b"GIF87a", b"GIF89a"))),
)

# In the order <picture> offers them: the smallest first, JPEG (which every browser shows) last.
# AVIF at speed 8: ~2.6x faster than the default at a similar size.
OUTPUT_FORMATS: tuple[OutputFormat, ...] = (
    OutputFormat("avif", "avif", "image/avif", MappingProxyType({"quality": 60, "speed": 8})),
    OutputFormat("webp", "webp", "image/webp", MappingProxyType({"quality": 80, "method": 4})),
    OutputFormat(
        "jpeg",
        "jpg",
        "image/jpeg",
        MappingProxyType({"quality": 82, "optimize": True, "progressive": True}),
        alpha=False,
    ),
)
FALLBACK_OUTPUT = "jpeg"  # the <img> of a <picture>, social previews and sitemaps


@dataclass(frozen=True)
class EncoderQuality:
    """The photographer's choice of quality (site settings): it overrides the encoders' quality
    options above; everything else (AVIF speed, progressive JPEG) stays as tuned."""

    jpeg_quality: int = 82
    jpeg_subsampling: str = "4:2:0"  # "4:4:4" keeps full colour detail (fine lines of colour, text)
    webp_quality: int = 80
    avif_quality: int = 60

    def options(self, fmt: str) -> dict[str, Any]:
        """Pillow save options of output format `fmt` at this quality."""
        options = dict(OUTPUTS[fmt].encoder)
        if fmt == "jpeg":
            options.update(quality=self.jpeg_quality, subsampling=self.jpeg_subsampling)
        elif fmt == "webp":
            options.update(quality=self.webp_quality)
        elif fmt == "avif":
            options.update(quality=self.avif_quality)
        return options

    @property
    def signature(self) -> str:
        return (
            f"jpeg{self.jpeg_quality}-{self.jpeg_subsampling}.webp{self.webp_quality}.avif{self.avif_quality}"
        )


# Named choices in the settings; "custom" takes the four values as typed.
QUALITY_PRESETS: dict[str, tuple[str, EncoderQuality]] = {
    "balanced": ("Balanced (small files, what the site has always used)", EncoderQuality()),
    "high": ("High (finer detail and colour edges, larger files)", EncoderQuality(88, "4:4:4", 88, 70)),
}
CUSTOM_PRESET = "custom"


# -- derived ------------------------------------------------------------------------------------
# Declared MIME type of an upload → the extension its original is stored with.
UPLOAD_TYPES: dict[str, str] = {mime: fmt.extension for fmt in INPUT_FORMATS for mime in fmt.mime_types}
# Upload file extension → MIME type, for files a browser sends untyped (HEIC, often).
EXTENSION_TYPES: dict[str, str] = {ext: fmt.mime_type for fmt in INPUT_FORMATS for ext in fmt.extensions}
INPUT_EXTENSIONS: tuple[str, ...] = tuple(EXTENSION_TYPES)
INPUT_LABEL = (
    ", ".join(fmt.label for fmt in INPUT_FORMATS[:-1]) + f" or {INPUT_FORMATS[-1].label}"
)  # "JPEG, PNG, … or GIF"
# The file input's `accept`: the types, and the extensions for browsers that do not know the type.
ACCEPT = ",".join([*UPLOAD_TYPES, *(f".{ext}" for ext in INPUT_EXTENSIONS)])

OUTPUTS: dict[str, OutputFormat] = {fmt.name: fmt for fmt in OUTPUT_FORMATS}
PICTURE_SOURCES: tuple[OutputFormat, ...] = tuple(
    fmt for fmt in OUTPUT_FORMATS if fmt.name != FALLBACK_OUTPUT
)
# Stored file extension → Content-Type (originals and variants).
CONTENT_TYPES: dict[str, str] = {
    **EXTENSION_TYPES,
    **{fmt.extension: fmt.mime_type for fmt in OUTPUT_FORMATS},
}


def type_for_filename(filename: str) -> str:
    """The MIME type an upload's file name suggests, or "" when it is not one we read."""
    return EXTENSION_TYPES.get(filename.rsplit(".", 1)[-1].lower(), "") if "." in filename else ""
