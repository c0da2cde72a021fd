"""The title and description a file carries (IPTC, XMP, EXIF), read with Exiv2 from real JPEGs
written with the same binding, and held to a typed value's limits: what the admin proposes as
alt text and caption."""

from __future__ import annotations

import pytest

from sgoodie.domain import ALT_TEXT_MAX, CAPTION_MAX, Photo, SiteSettings
from sgoodie.images.metadata import file_text
from sgoodie.images.pipeline import RenderSettings, make_variants
from sgoodie.images.rights import read_embedded
from tests.conftest import original_with, titled_original


def read(data: bytes) -> tuple[str, str]:
    return file_text(read_embedded(data))


def lang(text: str) -> dict[str, str]:
    return {'lang="x-default"': text}


def test_iptc_only():
    original = original_with(
        iptc={
            "Iptc.Application2.ObjectName": "Lisbon tram at dusk",
            "Iptc.Application2.Caption": "Tram 28 climbing to Graça, lights on.",
        }
    )
    assert read(original) == ("Lisbon tram at dusk", "Tram 28 climbing to Graça, lights on.")


def test_xmp_only():
    original = original_with(
        xmp={"Xmp.dc.title": lang("Kitchen island, oak"), "Xmp.dc.description": lang("Morning light on oak.")}
    )
    assert read(original) == ("Kitchen island, oak", "Morning light on oak.")


def test_xmp_wins_over_iptc_when_both_are_there():
    original = original_with(
        iptc={"Iptc.Application2.ObjectName": "Old title", "Iptc.Application2.Caption": "Old caption"},
        xmp={"Xmp.dc.title": lang("New title"), "Xmp.dc.description": lang("New caption")},
    )
    assert read(original) == ("New title", "New caption")
    assert read(titled_original("Both", "Carried twice")) == ("Both", "Carried twice")


def test_headline_stands_in_for_a_missing_title():
    original = original_with(iptc={"Iptc.Application2.Headline": "Harbour at noon"})
    assert read(original) == ("Harbour at noon", "")
    assert read(original_with(xmp={"Xmp.photoshop.Headline": "Dunes"})) == ("Dunes", "")


def test_exif_image_description_is_a_fallback_and_camera_words_are_not_a_description():
    assert read(original_with(exif={"Exif.Image.ImageDescription": "Sunrise over the Tagus"})) == (
        "",
        "Sunrise over the Tagus",
    )
    for junk in ("OLYMPUS DIGITAL CAMERA", "KODAK Digital Still Camera", "SONY DSC", "   ", "IMG_4021.JPG"):
        assert read(original_with(exif={"Exif.Image.ImageDescription": junk})) == ("", ""), junk
    # The camera's own name where a description belongs.
    named = original_with(exif={"Exif.Image.Make": "LEICA", "Exif.Image.ImageDescription": "LEICA"})
    assert read(named) == ("", "")
    # A person's words in IPTC win over the camera's EXIF ones.
    both = original_with(
        exif={"Exif.Image.ImageDescription": "OLYMPUS DIGITAL CAMERA"},
        iptc={"Iptc.Application2.Caption": "Fishing boats, Nazaré"},
    )
    assert read(both) == ("", "Fishing boats, Nazaré")


def test_control_and_hiding_characters_are_stripped_and_whitespace_made_one_line():
    original = original_with(
        xmp={
            "Xmp.dc.title": lang("Blue\tdoor\u202e, Porto\x07"),
            "Xmp.dc.description": lang("Line one\nline two\r\n   end"),
        }
    )
    assert read(original) == ("Blue door, Porto", "Line one line two end")


def test_oversize_values_are_cut_at_a_word_within_the_fields_limits():
    title = " ".join(["word"] * 100)  # 499 characters
    description = " ".join(["caption"] * 100)  # 799
    title_read, description_read = read(
        original_with(xmp={"Xmp.dc.title": lang(title)}, iptc={"Iptc.Application2.Caption": description})
    )
    assert len(title_read) <= ALT_TEXT_MAX and title_read.endswith("word…")
    assert len(description_read) <= CAPTION_MAX and description_read.endswith("caption…")


def test_garbage_is_left_out_and_never_fails_the_photo():
    original = original_with(
        xmp={"Xmp.dc.title": lang("x" * 60_000), "Xmp.dc.description": lang("....  ----")},
        iptc={"Iptc.Application2.ObjectName": "\x00\x01\x02"},
    )
    assert read(original) == ("", "")
    result = make_variants(original, RenderSettings.for_site(SiteSettings()))
    assert (result.file_title, result.file_description) == ("", "")
    assert len(result.variants) == 9


def test_a_file_exiv2_cannot_read_has_no_words():
    assert read(b"\xff\xd8\xff\xe0 not really a jpeg") == ("", "")


def test_the_pipeline_reads_them_in_its_one_pass():
    result = make_variants(titled_original("Hotel lobby", "Marble and brass, Lisbon."), RenderSettings())
    assert (result.file_title, result.file_description) == ("Hotel lobby", "Marble and brass, Lisbon.")


@pytest.mark.parametrize(
    ("title", "description", "alt", "caption"),
    [
        ("Lobby", "Marble and brass.", "Lobby", "Marble and brass."),
        ("", "Marble and brass.", "Marble and brass.", ""),  # one text is not proposed twice
        ("Lobby", "", "Lobby", ""),
        ("Lobby", "Lobby", "Lobby", ""),
        ("", "", "", ""),
    ],
)
def test_what_a_photo_without_alt_text_proposes(title, description, alt, caption):
    photo = Photo(project_id="p", file_title=title, file_description=description)
    assert (photo.proposed_alt_text, photo.proposed_caption) == (alt, caption)
    described = Photo(project_id="p", file_title=title, file_description=description, alt_text="Mine")
    assert (described.proposed_alt_text, described.proposed_caption) == ("", "")


def test_a_long_description_proposed_as_alt_text_fits_alt_text():
    photo = Photo(project_id="p", file_description=" ".join(["caption"] * 60))  # 479 characters
    assert len(photo.proposed_alt_text) <= ALT_TEXT_MAX and photo.proposed_alt_text.endswith("…")
