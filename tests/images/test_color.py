"""Wide-gamut colour: with the site's setting on, Display P3 stays Display P3 (profile embedded)
in every format; off, it is converted to sRGB, as every other profile is."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from sgoodie.images.color import display_p3
from sgoodie.images.pipeline import RenderSettings, make_variants

from .conftest import encode

P3_ORANGE = (200, 100, 50)  # in Display P3; the same colour in sRGB is about (215, 93, 31)


def _profile_name(icc: bytes | None) -> str:
    if not icc:
        return ""
    return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()


def _render(profile: bytes, wide_gamut: bool):
    original = encode(Image.new("RGB", (1400, 900), P3_ORANGE), icc_profile=profile, quality=98)
    return make_variants(original, RenderSettings(wide_gamut=wide_gamut))


def _pixel_and_profile(data: bytes) -> tuple[tuple[int, int, int], str]:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").getpixel((200, 200)), _profile_name(image.info.get("icc_profile"))


def _close(a, b, tolerance=4) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def test_the_built_in_display_p3_profile_is_one_littlecms_reads():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(display_p3()))
    assert ImageCms.getProfileDescription(profile).strip() == "Display P3"
    srgb = ImageCms.createProfile("sRGB")
    converted = ImageCms.profileToProfile(Image.new("RGB", (1, 1), P3_ORANGE), profile, srgb)
    assert _close(converted.getpixel((0, 0)), (215, 93, 31), 3)


def test_with_wide_gamut_on_a_p3_original_keeps_its_primaries_in_every_format(display_p3_profile):
    result = _render(display_p3_profile, wide_gamut=True)
    assert {v.format for v in result.variants} == {"avif", "webp", "jpeg"}
    for variant in result.variants:
        pixel, profile = _pixel_and_profile(variant.data)
        assert profile == "Display P3", variant.format
        assert _close(pixel, P3_ORANGE), (variant.format, pixel)  # the numbers are still P3's


def test_with_wide_gamut_off_a_p3_original_is_converted_to_srgb(display_p3_profile):
    result = _render(display_p3_profile, wide_gamut=False)
    for variant in result.variants:
        pixel, profile = _pixel_and_profile(variant.data)
        assert profile == "", variant.format  # sRGB: no profile, what browsers assume
        # about (215, 93, 31), AVIF's chroma a little off; far from the P3 numbers either way
        assert _close(pixel, (215, 93, 31), 9) and not _close(pixel, P3_ORANGE, 12), (variant.format, pixel)


def test_with_wide_gamut_on_adobe_rgb_becomes_display_p3(adobe_rgb_profile):
    result = _render(adobe_rgb_profile, wide_gamut=True)
    pixel, profile = _pixel_and_profile(next(v for v in result.variants if v.format == "jpeg").data)
    assert profile == "Display P3"
    assert not _close(pixel, P3_ORANGE, 2)  # converted, not just relabelled


@pytest.mark.parametrize("wide_gamut", [True, False])
def test_an_srgb_original_stays_srgb_without_a_profile(wide_gamut):
    result = make_variants(
        encode(
            Image.new("RGB", (900, 600), P3_ORANGE),
            icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        ),
        RenderSettings(wide_gamut=wide_gamut),
    )
    pixel, profile = _pixel_and_profile(result.variants[0].data)
    assert profile == "" and _close(pixel, P3_ORANGE)
