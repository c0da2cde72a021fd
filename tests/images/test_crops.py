"""The home hero's phone cut: its widths (what a phone's `sizes` asks, never upscaled), its formats,
and its AVIF made below the site's quality (it is drawn at 2-3 device pixels per CSS pixel)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sgoodie.domain import Rights
from sgoodie.image_formats import EncoderQuality
from sgoodie.images.crops import (
    PHONE_HERO_ASPECT,
    PHONE_HERO_AVIF_STEPS_DOWN,
    PHONE_HERO_FORMATS,
    cuts_from_original,
    phone_hero_cuts,
    phone_hero_widths,
)
from sgoodie.images.pipeline import RenderSettings

from .conftest import encode, photo


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((3840, 2560), [480, 640, 800, 960, 1280, 1440]),  # the cut is exactly 1440 wide: it is kept
        ((4000, 2667), [480, 640, 800, 960, 1280, 1440]),  # wider than 1440: no larger file
        ((2000, 1334), [480, 640, 750]),  # the whole height is 750 px of 9:16: its own width last
        ((600, 1200), [480, 600]),  # a narrow portrait: its whole width
    ],
)
def test_the_cut_is_made_at_each_width_a_phone_asks_up_to_what_the_photo_holds(size, widths):
    assert phone_hero_widths(*size) == widths


def test_the_cut_comes_in_every_format_with_its_avif_below_the_site_quality():
    grain = Image.effect_noise((900, 1600), 40).convert("RGB")  # grain is what a lower quality drops
    original = encode(Image.blend(photo((900, 1600)), grain, 0.3), quality=95)
    settings = RenderSettings(quality=EncoderQuality())
    made = phone_hero_cuts(original, settings, Rights(), 0.5, 0.5)
    assert {(r.format, r.width) for r in made} == {
        (fmt, width) for fmt in PHONE_HERO_FORMATS for width in (480, 640, 800, 900)
    }
    assert {Image.open(io.BytesIO(r.data)).size for r in made if r.width == 900} == {(900, 1600)}

    at_site_quality = cuts_from_original(original, settings, Rights(), 0.5, 0.5, PHONE_HERO_ASPECT, ("avif",))
    lowered = RenderSettings(quality=EncoderQuality(avif_quality=60 - PHONE_HERO_AVIF_STEPS_DOWN))
    at_cut_quality = cuts_from_original(original, lowered, Rights(), 0.5, 0.5, PHONE_HERO_ASPECT, ("avif",))
    avif = [r.data for r in made if r.format == "avif"]
    assert avif == [r.data for r in at_cut_quality]  # the same encoder, 12 steps lower
    assert sum(map(len, avif)) < 0.8 * sum(len(r.data) for r in at_site_quality)
