"""Rights travel with every file, nothing personal does: real originals carrying GPS, serial
numbers, owner name, maker note, thumbnail, edit history and every rights field, through the
pipeline, read back with Exiv2."""

from __future__ import annotations

import io

import pyexiv2
import pytest
from PIL import Image, ImageChops

from sgoodie.domain import Rights, SiteSettings
from sgoodie.images.pipeline import RenderSettings, make_variants
from sgoodie.images.rights import read_rights, rewrite
from tests.conftest import (
    COPYRIGHT,
    CREATOR,
    CREDIT,
    LICENSE_URL,
    LICENSOR_URL,
    PRIVATE_VALUES,
    original_with,
    rights_original,
)

RIGHTS_XMP = {
    "Xmp.dc.creator",
    "Xmp.dc.rights",
    "Xmp.photoshop.Credit",
    "Xmp.xmpRights.WebStatement",
    "Xmp.xmpRights.Marked",
    "Xmp.plus.Licensor",
    "Xmp.plus.Licensor[1]",
    "Xmp.plus.Licensor[1]/plus:LicensorURL",
}
RIGHTS_EXIF = {"Exif.Image.Artist", "Exif.Image.Copyright"}
SITE = SiteSettings(
    rights_creator="S. Goodie",
    rights_copyright="© {year} S.Goodie Photography",
    rights_credit="S.Goodie Photography",
    rights_license_url="https://sgoodie.example/terms",
    rights_acquire_url="https://sgoodie.example/licensing",
)


def metadata(data: bytes) -> tuple[dict, dict, dict]:
    with pyexiv2.ImageData(data) as image:
        return image.read_exif(), image.read_iptc(), image.read_xmp()


def assert_carries(data: bytes, rights: Rights) -> None:
    exif, iptc, xmp = metadata(data)
    assert set(xmp) == RIGHTS_XMP
    assert xmp["Xmp.dc.creator"] == [rights.creator]
    assert xmp["Xmp.dc.rights"] == {'lang="x-default"': rights.copyright}
    assert xmp["Xmp.photoshop.Credit"] == rights.credit
    assert xmp["Xmp.xmpRights.WebStatement"] == rights.license_url
    assert xmp["Xmp.plus.Licensor[1]/plus:LicensorURL"] == rights.acquire_url
    assert exif == {"Exif.Image.Artist": rights.creator, "Exif.Image.Copyright": rights.copyright}
    assert iptc == {}


def test_every_variant_keeps_the_rights_and_none_of_the_personal_fields():
    original = rights_original()
    exif, _, xmp = metadata(original)  # the original really carries all of them
    assert {"Exif.GPSInfo.GPSLatitude", "Exif.Photo.BodySerialNumber", "Exif.Photo.LensSerialNumber"} <= set(
        exif
    )
    assert {
        "Exif.Photo.CameraOwnerName",
        "Exif.Photo.MakerNote",
        "Exif.Thumbnail.JPEGInterchangeFormat",
    } <= set(exif)
    assert {"Xmp.xmpMM.History", "Xmp.aux.SerialNumber", "Xmp.exif.GPSLatitude"} <= set(xmp)

    result = make_variants(original, RenderSettings.for_site(SITE))
    expected = Rights(CREATOR, COPYRIGHT, CREDIT, LICENSE_URL, LICENSOR_URL)
    assert result.rights == expected == result.rights_source  # the original's own win over the defaults
    assert {v.format for v in result.variants} == {"avif", "webp", "jpeg"}
    for variant in result.variants:
        assert_carries(variant.data, expected)
        for what, value in PRIVATE_VALUES.items():
            assert value.encode() not in variant.data, f"{what} leaked into {variant.width}.{variant.format}"
        assert b"GPS" not in variant.data and b"Acme" not in variant.data
        assert Image.open(io.BytesIO(variant.data)).getexif().get_ifd(0x8825) == {}


def test_a_photo_without_rights_gets_the_site_defaults_with_the_year_it_was_taken():
    result = make_variants(rights_original(rights=False), RenderSettings.for_site(SITE))
    assert result.rights_source == Rights()
    defaults = Rights(
        "S. Goodie",
        "© 2023 S.Goodie Photography",
        "S.Goodie Photography",
        "https://sgoodie.example/terms",
        "https://sgoodie.example/licensing",
    )
    assert result.rights == defaults
    for variant in result.variants:
        assert_carries(variant.data, defaults)
        assert PRIVATE_VALUES["body serial"].encode() not in variant.data


def test_the_photos_own_rights_win_field_by_field():
    override = Rights(credit="Courtesy of the client", license_url="https://client.example/terms")
    result = make_variants(rights_original(), RenderSettings.for_site(SITE, override))
    assert result.rights == Rights(
        CREATOR, COPYRIGHT, "Courtesy of the client", "https://client.example/terms", LICENSOR_URL
    )


def test_rights_are_read_from_exif_when_there_is_no_xmp_or_iptc():
    exif = Image.Exif()
    exif[0x013B], exif[0x8298] = b"Ana Lens", "© Ana Lens".encode()  # UTF-8, as cameras write it
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, "JPEG", exif=exif.tobytes())
    assert read_rights(buffer.getvalue()) == Rights(creator="Ana Lens", copyright="© Ana Lens")


def test_metadata_exiv2_refuses_does_not_stop_the_photo():
    """A maker note Exiv2 cannot parse (a Canon directory that is not one): no rights read, the
    photo is still rendered, with the site's defaults."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8769)[0x927C] = b"not a Canon maker note at all"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "olive").save(buffer, "JPEG", exif=exif.tobytes())
    assert read_rights(buffer.getvalue()) == Rights()
    result = make_variants(buffer.getvalue(), RenderSettings.for_site(SITE))
    assert result.rights.creator == "S. Goodie" and len(result.variants) == 9


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_rewriting_the_rights_keeps_the_pixels(fmt):
    result = make_variants(rights_original(), RenderSettings.for_site(SITE), formats=(fmt,))
    before = result.variants[-1].data
    changed = Rights(
        "New Name", "© 2023 New Name", "Photo: New Name", "https://new.example/l", "https://new.example/b"
    )
    after = rewrite(before, changed)
    assert_carries(after, changed)
    with Image.open(io.BytesIO(before)) as old, Image.open(io.BytesIO(after)) as new:
        assert ImageChops.difference(old.convert("RGB"), new.convert("RGB")).getbbox() is None


def test_no_rights_anywhere_writes_no_metadata():
    result = make_variants(rights_original(rights=False), RenderSettings())
    for variant in result.variants:
        exif, iptc, xmp = metadata(variant.data)
        assert (exif, iptc, xmp) == ({}, {}, {})


def test_a_60_kb_exif_artist_is_not_read_and_variants_stay_small():
    original = original_with(exif={"Exif.Image.Artist": "A" * 60_000, "Exif.Image.Copyright": "© Ana"})
    assert read_rights(original) == Rights(copyright="© Ana")
    result = make_variants(original, RenderSettings.for_site(SiteSettings()))
    smallest_jpeg = next(v for v in result.variants if v.format == "jpeg" and v.width == 320)
    assert len(smallest_jpeg.data) < 20_000
    assert all(len(value) <= 200 for value in result.rights.to_dict().values())


def test_a_60_kb_xmp_creator_and_iptc_copyright_do_not_fail_the_photo():
    original = original_with(
        xmp={"Xmp.dc.creator": ["C" * 60_000]}, iptc={"Iptc.Application2.Copyright": "©" * 60_000}
    )
    result = make_variants(original, RenderSettings.for_site(SITE))
    assert result.rights_source == Rights() and result.rights.creator == "S. Goodie"
    assert len(result.variants) == 9


def test_a_licence_that_is_not_a_web_address_is_not_read():
    original = original_with(
        xmp={
            "Xmp.xmpRights.WebStatement": "javascript:alert(1)//",
            "Xmp.plus.Licensor": "type=Seq",
            "Xmp.plus.Licensor[1]/plus:LicensorURL": "https://ana.example/licensing",
        }
    )
    assert read_rights(original) == Rights(acquire_url="https://ana.example/licensing")


def test_rights_exiv2_cannot_write_leave_the_files_without_them(monkeypatch):
    from sgoodie.images import pipeline

    def refuses(rights):
        raise RuntimeError("XMP Toolkit error")

    monkeypatch.setattr(pipeline, "xmp_packet", refuses)
    result = make_variants(rights_original(), RenderSettings.for_site(SITE))
    jpeg = next(v for v in result.variants if v.format == "jpeg")
    assert metadata(jpeg.data)[2] == {} and len(result.variants) == 18
