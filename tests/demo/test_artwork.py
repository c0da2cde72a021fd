"""The demo's painted photos and their alt texts: the words name what was painted."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from sgoodie.demo import _seed_for, artwork


@pytest.mark.parametrize(
    ("kind", "choices", "names"),
    [
        ("interiors", "_interior_choices", lambda c: [artwork.ACCENT_NAMES[c[2]], artwork.WALL_NAMES[c[0]]]),
        ("travel", "_landscape_choices", lambda c: [artwork.SKY_NAMES[c[0]]]),
        ("brand-marketing", "_still_life_choices", lambda c: [artwork.BACKDROP_NAMES[c[0]]]),
        ("portrait", "_portrait_choices", lambda c: [artwork.CLOTH_NAMES[c[2]], artwork.HAIR_NAMES[c[3]]]),
    ],
)
def test_describe_names_the_colours_the_painter_drew(monkeypatch, kind, choices, names):
    """The painter's own draws (spied on while it paints) are the ones the alt text names."""
    drawn = []
    real = getattr(artwork, choices)
    monkeypatch.setattr(artwork, choices, lambda rng: drawn.append(real(rng)) or drawn[-1])
    for seed in (7, 2024):
        artwork.render_jpeg(kind, seed)
        text = artwork.describe(kind, seed)
        for name in names(drawn[-1]):
            assert name in text, (seed, text)
        assert len(text) <= 250  # the alt text limit


def test_the_harbour_loft_sofa_is_called_terracotta_not_blue():
    """The issue: the first Harbour Loft photo was described as a "long blue sofa"."""
    text = artwork.describe("interiors", _seed_for("interiors", "Harbour Loft", "0"))
    assert "terracotta sofa" in text and "blue sofa" not in text


def test_still_life_lists_each_product_painted():
    seed = _seed_for("brand-marketing", "Fieldhouse Botanicals", "2")
    _, _, _, items, _ = artwork._still_life_choices(__import__("random").Random(seed))
    text = artwork.describe("brand-marketing", seed)
    for color, _, _, kind in items:
        assert f"{artwork.PRODUCT_NAMES[color]} {kind}" in text


def test_the_home_hero_is_painted_large_enough_for_a_sharp_phone_cut():
    """Its 9:16 cut is 1440 px wide (a 3x phone draws it 1,250-1,390 px wide); only the interiors
    scene, which draws in proportion to its size, takes a size."""
    with PILImage.open(io.BytesIO(artwork.render_jpeg("interiors", 7, size=artwork.HERO))) as image:
        assert image.size == artwork.HERO
        assert round(image.height * 9 / 16) >= 1440
    with pytest.raises(ValueError, match="usual size"):
        artwork.render_jpeg("travel", 7, size=artwork.HERO)
