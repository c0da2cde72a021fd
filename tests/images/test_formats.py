"""The format table: every input format it lists is recognised and decoded, every output format
is written, and what the rest of the app reads from it agrees with it."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image

from sgoodie import image_formats
from sgoodie.blobs import FORMAT_EXTENSIONS, content_type_for
from sgoodie.image_formats import INPUT_FORMATS, OUTPUT_FORMATS
from sgoodie.images import FORMATS, detect_format, make_variants

from .conftest import encode, photo


def _heic(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=80)
    return buffer.getvalue()


# One real file per input format, as an editor, a camera or a phone writes it. A format added to
# the table without a sample here fails the tests below.
SAMPLES = {
    "JPEG": lambda image: encode(image),
    "PNG": lambda image: encode(image, "PNG"),
    "WebP": lambda image: encode(image, "WEBP"),
    "AVIF": lambda image: encode(image, "AVIF"),
    "HEIC": _heic,
    "TIFF": lambda image: encode(image, "TIFF", compression="tiff_lzw"),
    "GIF": lambda image: encode(image.convert("P", palette=Image.Palette.ADAPTIVE), "GIF"),
}


@pytest.mark.parametrize("fmt", INPUT_FORMATS, ids=lambda fmt: fmt.label)
def test_every_input_format_is_recognised_and_decoded(fmt):
    data = SAMPLES[fmt.label](photo((480, 320)))
    assert detect_format(data[: image_formats.SNIFF_BYTES]) == fmt.extension
    result = make_variants(data)
    assert result.source_format == fmt.extension and (result.width, result.height) == (480, 320)
    assert {v.format for v in result.variants} == set(FORMATS)


def test_only_the_first_bytes_of_a_known_format_count():
    assert detect_format(b"%PDF-1.7") is None
    assert detect_format(b"") is None
    assert detect_format(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2") is None  # an MP4 video


def test_an_avif_that_also_lists_the_heif_brand_is_avif():
    head = b"\x00\x00\x00\x20ftypavif\x00\x00\x00\x00mif1miafMA1B" + b"\x00" * 32
    assert detect_format(head) == "avif"
    assert detect_format(head.replace(b"ftypavif", b"ftypmif1").replace(b"MA1B", b"heic")) == "heic"


def test_every_output_format_is_rendered_stored_and_served_with_its_type():
    result = make_variants(
        encode(photo((400, 300)).convert("RGBA"), "PNG")
    )  # transparent: JPEG must flatten it
    rendered = {v.format: v for v in result.variants if v.width == 400}
    assert tuple(fmt.name for fmt in OUTPUT_FORMATS) == FORMATS
    for fmt in OUTPUT_FORMATS:
        variant = rendered[fmt.name]
        assert variant.content_type == fmt.mime_type
        assert Image.open(io.BytesIO(variant.data)).format == fmt.name.upper()
        assert FORMAT_EXTENSIONS[fmt.name] == fmt.extension
        assert content_type_for(f"projects/p/variants/x/400.{fmt.extension}") == fmt.mime_type
    assert image_formats.FALLBACK_OUTPUT in image_formats.OUTPUTS
    assert image_formats.FALLBACK_OUTPUT not in {fmt.name for fmt in image_formats.PICTURE_SOURCES}


def test_what_uploads_accept_follows_from_the_table():
    for fmt in INPUT_FORMATS:
        assert fmt.label in image_formats.INPUT_LABEL
        for mime in fmt.mime_types:
            assert image_formats.UPLOAD_TYPES[mime] == fmt.extension
            assert mime in image_formats.ACCEPT.split(",")
        for extension in fmt.extensions:
            assert f".{extension}" in image_formats.ACCEPT.split(",")
            assert image_formats.type_for_filename(f"IMG_0001.{extension.upper()}") == fmt.mime_type
            assert content_type_for(f"projects/p/original/x.{extension}") == fmt.mime_type
    assert image_formats.INPUT_LABEL == "JPEG, PNG, WebP, AVIF, HEIC, TIFF or GIF"
    assert image_formats.type_for_filename("brief.pdf") == image_formats.type_for_filename("README") == ""
