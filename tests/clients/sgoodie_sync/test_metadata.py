"""The client reads titles, descriptions and capture times itself (pure Python, no Exiv2 on the
photographer's computer); files written by Exiv2 as Lightroom and Capture One write them."""

from __future__ import annotations

import io

import pyexiv2
import pytest
from PIL import Image

from sgoodie_sync.metadata import FileText, read_file_text

TITLE, DESCRIPTION = "Harbour at dusk, Kraków", "Fishing boats come in; the old crane stands over the quay."


def test_a_lightroom_export_gives_its_title_description_and_capture_time(tmp_path, write_photo):
    path = write_photo(tmp_path / "a.jpg", title=TITLE, description=DESCRIPTION, taken="2024:05:01 14:03:09")
    assert read_file_text(path) == FileText(TITLE, DESCRIPTION, "2024-05-01T14:03:09")


def test_iptc_alone_is_read_utf8_when_declared_and_as_windows_text_when_not(tmp_path, write_photo):
    path = write_photo(tmp_path / "iptc.jpg", title=TITLE, description=DESCRIPTION, xmp=False)
    assert read_file_text(path) == FileText(TITLE, DESCRIPTION, "")

    # Old software wrote Latin-1/Windows-1252 without declaring a character set.
    image = io.BytesIO()
    Image.new("RGB", (32, 32)).save(image, "JPEG")
    with pyexiv2.ImageData(image.getvalue()) as data:
        data.modify_iptc({"Iptc.Application2.ObjectName": "Caf\u00e9"}, encoding="latin-1")
        legacy = tmp_path / "legacy.jpg"
        legacy.write_bytes(data.get_bytes())
    assert read_file_text(legacy).title == "Café"


def test_the_xmp_wins_over_a_shorter_iptc_title(tmp_path):
    """IIM caps ObjectName at 64 bytes; the XMP holds the whole title."""
    long_title = "A long title that Lightroom keeps whole in XMP but IPTC IIM would cut at sixty-four bytes"
    image = io.BytesIO()
    Image.new("RGB", (32, 32)).save(image, "JPEG")
    with pyexiv2.ImageData(image.getvalue()) as data:
        data.modify_iptc({"Iptc.Application2.ObjectName": long_title[:64]})
        data.modify_xmp({"Xmp.dc.title": {'lang="x-default"': long_title}})
        (tmp_path / "long.jpg").write_bytes(data.get_bytes())
    assert read_file_text(tmp_path / "long.jpg").title == long_title


def test_the_default_language_is_taken_among_several(tmp_path):
    image = io.BytesIO()
    Image.new("RGB", (32, 32)).save(image, "JPEG")
    with pyexiv2.ImageData(image.getvalue()) as data:
        data.modify_xmp(
            {"Xmp.dc.title": {'lang="de-DE"': "Hafen am Abend", 'lang="x-default"': "Harbour at dusk"}}
        )
        (tmp_path / "langs.jpg").write_bytes(data.get_bytes())
    assert read_file_text(tmp_path / "langs.jpg").title == "Harbour at dusk"


@pytest.mark.parametrize("fmt, suffix", [("TIFF", "tif"), ("PNG", "png"), ("WEBP", "webp")])
def test_tiff_png_and_webp_written_by_exiv2(tmp_path, write_photo, fmt, suffix):
    path = write_photo(
        tmp_path / f"photo.{suffix}",
        fmt=fmt,
        title=TITLE,
        description=DESCRIPTION,
        iptc=fmt == "TIFF",
        taken="2023:07:14 10:11:12",
    )
    assert read_file_text(path) == FileText(TITLE, DESCRIPTION, "2023-07-14T10:11:12")


@pytest.mark.parametrize("suffix", ["heic", "avif"])
def test_heic_and_avif_from_a_phone_or_an_export(tmp_path, suffix):
    """Exiv2 cannot write these; libheif and libavif (through Pillow) embed the same XMP and EXIF."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
        f'<rdf:li xml:lang="x-default">{TITLE}</rdf:li></rdf:Alt></dc:title></rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2022:12:24 18:00:01"
    path = tmp_path / f"phone.{suffix}"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(path, xmp=xmp, exif=exif.tobytes())
    assert read_file_text(path) == FileText(TITLE, "", "2022-12-24T18:00:01")


def test_files_without_words_or_with_damaged_headers_have_none(tmp_path, write_photo):
    plain = write_photo(tmp_path / "plain.jpg")
    assert read_file_text(plain) == FileText()
    full = write_photo(tmp_path / "full.jpg", title=TITLE, taken="2024:05:01 14:03:09").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full[:300])  # cut inside its headers
    assert read_file_text(cut).title == ""
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\xff" * 64)
    assert read_file_text(garbage) == FileText()
    gif = tmp_path / "anim.gif"
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    assert read_file_text(gif) == FileText()
