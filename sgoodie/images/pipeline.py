"""make_variants: decode once, fix orientation and colour, then render every width in every format.

Speed matters (a photographer uploads dozens of 20-megapixel files at once), so the decoder is
asked for a reduced JPEG (`draft`) just large enough for the biggest width, each width is resized
from the next larger one rather than from the original, and the widths are encoded in parallel
threads (Pillow releases the GIL while encoding). `bench/variants.py` measures it against the plain way.

Every file carries the photo's rights (`rights.py`: XMP, and EXIF Artist/Copyright) and, when the
site keeps wide-gamut colour, its Display P3 profile; nothing else of the original's metadata.
"""

from __future__ import annotations

import io
import logging
import math
import os
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from ..domain import Rights, SiteSettings
from ..image_formats import INPUT_LABEL, OUTPUT_FORMATS, OUTPUTS, EncoderQuality
from .color import dominant_color, placeholder, to_output_colour
from .formats import SNIFF_BYTES, detect_format
from .metadata import camera_metadata, file_text
from .rights import exif_block, read_embedded, rights_in, xmp_packet

pillow_heif.register_heif_opener()

WIDTHS = (320, 640, 960, 1280, 1920, 2560)
FORMATS = tuple(fmt.name for fmt in OUTPUT_FORMATS)
MAX_PIXELS = 100_000_000  # about 10000 x 10000: beyond any camera, below what would exhaust memory
DRAFT_MARGIN = 1.5
SEGMENT_MAX = 65_000  # bytes of one metadata block: a JPEG segment holds at most 65,533

log = logging.getLogger("sgoodie.images")

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False


class ImageError(Exception):
    """The photo cannot be used; the message says why in words the photographer understands."""


@dataclass
class RenderedVariant:
    width: int
    height: int
    format: str  # avif | webp | jpeg
    data: bytes
    content_type: str


@dataclass
class VariantSet:
    width: int
    height: int
    variants: list[RenderedVariant]
    dominant_color: str
    placeholder: str
    exif: dict[str, Any] = field(default_factory=dict)
    source_format: str = "jpg"
    rights: Rights = field(default_factory=Rights)  # what the files carry
    rights_source: Rights = field(default_factory=Rights)  # what the original carried
    # Clean JPEGs of every width, made beside stamped variants for a client's downloads.
    downloads: list[RenderedVariant] = field(default_factory=list)
    file_title: str = ""  # the original's own title and description (`metadata.file_text`)
    file_description: str = ""


class Mark(Protocol):
    """What the pipeline needs of a watermark (`watermark.Watermark`, which imports this module)."""

    @property
    def signature(self) -> str: ...

    def stamp(self, image: Image.Image) -> Image.Image: ...


@dataclass(frozen=True)
class RenderSettings:
    """What the site chose for its files: encoder quality, wide-gamut colour, and the rights to
    write (this photo's override, then the original's own, then the site's defaults)."""

    quality: EncoderQuality = EncoderQuality()
    wide_gamut: bool = False
    rights_override: Rights = field(default_factory=Rights)
    site: SiteSettings | None = None  # the defaults; None: no default rights
    # The mark stamped on every width (None: clean files), and whether clean JPEGs are made beside
    # the stamped files for downloads (a client gallery whose downloads stay clean).
    watermark: Mark | None = None
    clean_downloads: bool = False

    @classmethod
    def for_site(
        cls,
        site: SiteSettings,
        override: Rights | None = None,
        watermark: Mark | None = None,
        *,
        clean_downloads: bool = False,
    ) -> RenderSettings:
        return cls(
            site.encoder_quality(),
            site.wide_gamut,
            override or Rights(),
            site,
            watermark,
            clean_downloads=bool(watermark) and clean_downloads,
        )

    @property
    def watermark_signature(self) -> str:
        return self.watermark.signature if self.watermark else ""

    @property
    def signature(self) -> str:
        """Changes exactly when the pixels of the files would: a photo rendered with another
        signature needs a new encode, one with the same only (maybe) new rights."""
        marked = (
            f".w{self.watermark_signature}{'d' if self.clean_downloads else ''}" if self.watermark else ""
        )
        return self.quality.signature + (".p3" if self.wide_gamut else "") + marked

    def rights_for(self, source: Rights, taken_at: str = "") -> Rights:
        year = taken_at[:4] if taken_at[:4].isdigit() else datetime.now(UTC).year
        defaults = self.site.rights_defaults(year) if self.site else Rights()
        return self.rights_override.or_else(source, defaults)


def target_widths(width: int) -> list[int]:
    """The widths to render for an image this wide: never upscaled; its own width joins when it
    is narrower than the largest."""
    widths = [w for w in WIDTHS if w <= width]
    if width < WIDTHS[-1] and width not in widths:
        widths.append(width)
    return widths


def make_variants(
    data: bytes, settings: RenderSettings | None = None, formats: tuple[str, ...] = FORMATS
) -> VariantSet:
    """Every width of the photo in `formats` (all by default), as `settings` say."""
    settings = settings or RenderSettings()
    source_format = detect_format(data[:SNIFF_BYTES])
    if source_format is None:
        raise ImageError(f"This file is not an image we can read. Upload a {INPUT_LABEL} photo.")
    embedded = read_embedded(data)  # one Exiv2 pass: the rights, the title and the description
    rights_source = rights_in(embedded)
    file_title, file_description = file_text(embedded)
    decoded, (width, height), exif, icc = _decode(data, settings.wide_gamut)
    rights = settings.rights_for(rights_source, exif.get("taken_at", ""))
    metadata = file_metadata(rights, icc)
    widths = target_widths(min(width, decoded.width))
    renditions = _resized(decoded, widths)
    del decoded  # from here only the generator holds the full image, until the largest width is made
    # Each width's encodes start as soon as it is resized, largest first, while the smaller
    # widths are still being made (Pillow releases the GIL in resize and in the encoders). Each
    # encode gets its own image object: Pillow keeps save options on the object, and concurrent
    # saves of one object would swap each other's settings.
    # A watermark is stamped on a copy of each width (the next width is resized from the clean
    # one, so no width carries a shrunken second mark); the clean width makes the download JPEG.
    jobs = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for variant_width, resized in renditions:
            shown = settings.watermark.stamp(resized) if settings.watermark else resized
            for index, fmt in enumerate(formats):
                jobs[variant_width, fmt] = pool.submit(
                    _encode,
                    shown if index == 0 else shown.copy(),
                    fmt,
                    settings.quality.options(fmt),
                    metadata,
                )
            if settings.clean_downloads:
                jobs[variant_width, "download"] = pool.submit(
                    _encode, resized.copy(), "jpeg", settings.quality.options("jpeg"), metadata
                )
            smallest = resized
        variants = [jobs[w, fmt].result() for w in sorted(widths) for fmt in formats]
        downloads = [jobs[w, "download"].result() for w in sorted(widths) if (w, "download") in jobs]
    return VariantSet(
        width,
        height,
        variants,
        dominant_color(smallest),
        placeholder(smallest),
        exif,
        source_format,
        rights,
        rights_source,
        downloads,
        file_title,
        file_description,
    )


def quality_sizes(
    data: bytes, qualities: Mapping[str, EncoderQuality], widths: tuple[int, ...] = (1280, 2560)
) -> dict[str, dict[str, dict[int, int]]]:
    """Bytes of this photo at each width, in each format, at each named quality: what a quality
    choice costs, measured (name -> format -> width -> bytes). A width beyond the photo becomes the
    photo's own width (its largest file)."""
    decoded, _, _, _ = _decode(data)
    fitting = sorted({min(w, decoded.width) for w in widths})
    renditions = dict(_resized(decoded, fitting))
    del decoded
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs = {
            (name, fmt, width): pool.submit(_encode, image.copy(), fmt, quality.options(fmt), {})
            for name, quality in qualities.items()
            for fmt in FORMATS
            for width, image in renditions.items()
        }
        sizes: dict[str, dict[str, dict[int, int]]] = {}
        for (name, fmt, width), job in jobs.items():
            sizes.setdefault(name, {}).setdefault(fmt, {})[width] = len(job.result().data)
    return sizes


def _decode(
    data: bytes, wide_gamut: bool = False
) -> tuple[Image.Image, tuple[int, int], dict[str, Any], bytes]:
    """Open, check, orient and colour-convert. Returns an RGB/RGBA image in the output colour space
    (possibly decoded smaller than the original, never narrower than the largest width), the
    original's upright size, the kept EXIF, and the profile to embed (b"" for sRGB)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            pixels = image.width * image.height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(_too_large_message()) from None
    except UnidentifiedImageError:
        raise ImageError(f"This file is not an image we can read. Upload a {INPUT_LABEL} photo.") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(
            f"This image could not be read ({exc}). It may be damaged; try exporting it again."
        ) from None
    if pixels > MAX_PIXELS:
        raise ImageError(_too_large_message(image.width, image.height))

    exif = camera_metadata(image)
    icc = image.info.get("icc_profile")
    rotated = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    original_size = (image.height, image.width) if rotated else (image.width, image.height)
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animated: the first frame stands for the photo
    _draft_for_largest_width(image)
    try:
        image.load()
    except OSError as exc:
        if "truncated" in str(exc).lower() or "broken data stream" in str(exc).lower():
            raise ImageError(
                "The file is incomplete (it was cut off during copying or upload). Please upload it again."
            ) from None
        raise ImageError(
            f"This image could not be decoded ({exc}). It may be damaged; try exporting it again."
        ) from None
    except (SyntaxError, ValueError) as exc:
        raise ImageError(
            f"This image could not be decoded ({exc}). It may be damaged; try exporting it again."
        ) from None

    ImageOps.exif_transpose(image, in_place=True)  # in place: no second full-size copy
    converted, output_icc = to_output_colour(_eight_bit(image), icc, wide_gamut)
    return converted, original_size, exif, output_icc


def _too_large_message(width: int = 0, height: int = 0) -> str:
    size = f" ({width} × {height} pixels)" if width else ""
    return f"This image is too large to process{size}; the limit is {MAX_PIXELS // 1_000_000} megapixels. Export a smaller version."


def _draft_for_largest_width(image: Image.Image) -> None:
    """Let the JPEG decoder skip detail no variant will show (a 2x, 4x or 8x smaller decode), as
    long as the decoded image stays DRAFT_MARGIN times wider than the largest variant: the
    decoder's own downscale is softer than LANCZOS, and the final resize must hide it."""
    if image.format != "JPEG" or image.mode not in ("RGB", "L", "CMYK"):
        return
    orientation = image.getexif().get(0x0112, 1)
    output_width = image.height if orientation in (5, 6, 7, 8) else image.width
    scale = WIDTHS[-1] * DRAFT_MARGIN / output_width
    if scale <= 0.5:
        image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))


def _eight_bit(image: Image.Image) -> Image.Image:
    """RGB, RGBA or CMYK with 8 bits per channel (16-bit, palette, grey and bilevel modes in)."""
    mode = image.mode
    if mode in ("RGB", "RGBA", "CMYK"):
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale 0..65535 down to 0..255 (a plain convert would clip to white).
        return (
            image.point(lambda value: value / 257, mode="I").convert("L").convert("RGB")
            if mode != "I"
            else _scaled_i(image)
        )
    if mode == "F":
        return image.convert("L").convert("RGB")
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if mode in ("LA", "La", "PA", "RGBa"):
        return image.convert("RGBA")
    return image.convert("RGB")


def _scaled_i(image: Image.Image) -> Image.Image:
    low, high = image.getextrema()
    divisor = 257 if high > 255 else 1
    return image.point(lambda value: value / divisor).convert("L").convert("RGB")


def _resized(image: Image.Image, widths: list[int]) -> Iterator[tuple[int, Image.Image]]:
    """(width, image) for each width, largest first, each made from the one before: much cheaper
    than from the original, same sharpness."""
    aspect = image.height / image.width
    current = image
    del image
    for width in sorted(widths, reverse=True):
        height = max(1, round(aspect * width))
        if current.size != (width, height):
            current = current.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        current.info = {}  # nothing from the original's metadata (EXIF, GPS, XMP, profile) is written out
        yield width, current


def file_metadata(rights: Rights, icc_profile: bytes | None) -> dict[str, bytes | None]:
    """The blocks every public file carries (rights in XMP and EXIF, the colour profile), as
    `_encode` takes them. Rights that cannot be written (or would not fit a JPEG segment) are left
    out: metadata is never a reason for a photo to fail."""
    try:
        blocks = {"xmp": xmp_packet(rights), "exif": exif_block(rights)}
    except Exception as exc:  # Exiv2 refusing a value: the photo goes out without its rights
        log.warning("rights left out of the files: %s", exc)
        blocks = {"xmp": b"", "exif": b""}
    fitting = {name: block if len(block) <= SEGMENT_MAX else b"" for name, block in blocks.items()}
    return fitting | {"icc_profile": icc_profile}


def _encode(
    image: Image.Image, fmt: str, options: dict[str, Any], metadata: dict[str, bytes]
) -> RenderedVariant:
    """One file: the pixels at `options`, with only the blocks in `metadata` (rights, profile)."""
    output = OUTPUTS[fmt]
    if not output.alpha and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    buffer = io.BytesIO()
    image.save(buffer, output.name.upper(), **options, **{k: v for k, v in metadata.items() if v})
    return RenderedVariant(image.width, image.height, fmt, buffer.getvalue(), output.mime_type)
