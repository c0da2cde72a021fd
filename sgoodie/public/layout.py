"""How the public pages lay out their photos, and what width each photo asks for.

Two layouts, both decided on the server so they need no JavaScript and never shift:

- **Grids of cards and tiles** (featured projects, a category's projects, the home page's work
  tiles): rows as even as the count allows at each screen size (`balanced_rows`): five featured
  projects in rows of two are 1 + 2 + 2, never 2 + 2 + 1, so no card is left alone beside a hole.
- **Justified rows** of whole photos (a project's photos, the personal-branding gallery): each
  row is as wide as the page and its photos share one height, their widths in proportion to their
  aspect ratios (`justified_rows`): no crop, no hole, and a row may hold a portrait beside
  landscapes. The rows are chosen for three screen sizes, so a phone gets fewer per row.

Every photo's `sizes` describes the width it is drawn at, cropped boxes included: a landscape
photo covering a portrait box is drawn wider than the box (`object-fit: cover`), and asks for that
width, so it is sharp at any device pixel ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain import Image, Photo
from ..file_urls import public_url
from ..image_formats import OUTPUTS, PICTURE_SOURCES
from ..images.crops import PHONE_HERO_ASPECT, PHONE_HERO_FORMATS
from ..photos import cuts

# The screen sizes the layouts change at (min-width, px), widest first; "s" is everything below.
BREAKPOINTS = (("l", 1024), ("m", 640), ("s", 0))
# The content column of every page (site.css: --wide, --gutter), as a CSS length.
CONTENT = "(min(100vw, 1320px) - 2 * clamp(1rem, 3vw, 2.5rem))"
GRID_COLUMNS = 12


def media_query(breakpoint: str) -> str:
    width = dict(BREAKPOINTS)[breakpoint]
    return f"(min-width: {width}px)" if width else ""


def sizes_attribute(widths: dict[str, str]) -> str:
    """`sizes` from one CSS width per breakpoint (widest first, the smallest as the default)."""
    parts = []
    for name, _ in BREAKPOINTS:
        query = media_query(name)
        parts.append(f"{query} {widths[name]}" if query else widths[name])
    return ", ".join(parts)


def cover_width(box_width: str, image: Image | None, *, box_aspect: float = 0, box_height: str = "") -> str:
    """The width a photo is drawn at when it covers a box (`object-fit: cover`): the box's width,
    or wider when the photo is wider than the box (it is then cut at the sides). The box has a
    fixed `box_aspect` (width / height), or a fixed `box_height` (a CSS length)."""
    aspect = image.aspect_ratio if image else 1.0
    if box_height:
        return f"max({_bare(box_width)}, {_bare(box_height)} * {aspect:.4f})"
    scale = aspect / box_aspect if box_aspect else 1.0
    if scale <= 1.0:
        return _length(box_width)
    return f"calc({_bare(box_width)} * {scale:.4f})"


def _bare(length: str) -> str:
    """A length to use inside another expression: "calc(a - b)" as "(a - b)", else as it is."""
    return length[4:] if length.startswith("calc(") else length


def _length(length: str) -> str:
    return length if not length.startswith("(") else f"calc{length}"


# -- grids of cards and tiles --------------------------------------------------------------------
def balanced_rows(count: int, per_row: int) -> list[int]:
    """How many items each row holds: as few rows as `per_row` allows, their lengths differing by
    one at most, the shorter rows first (a lone item leads, as a wide feature, rather than
    trailing beside a hole)."""
    if count <= 0:
        return []
    rows = math.ceil(count / per_row)
    short, extra = divmod(count, rows)
    return [short] * (rows - extra) + [short + 1] * extra


@dataclass(frozen=True)
class Cell:
    """One item's place in a grid: how many items share its row at each breakpoint."""

    row_sizes: dict[str, int]
    gap: dict[str, str]

    @property
    def classes(self) -> str:
        """`cell--l3 cell--m2 cell--s1`: site.css spans 12 / n of the 12 columns."""
        return " ".join(f"cell--{name}{self.row_sizes[name]}" for name, _ in BREAKPOINTS)

    def width(self, breakpoint: str) -> str:
        """The item's width: a row of n items shares the content width less its gaps."""
        n = self.row_sizes[breakpoint]
        gap = self.gap[breakpoint]
        if n == 1:
            return _length(CONTENT)
        return f"calc(({CONTENT} - {n - 1} * {gap}) / {n})"

    def cover_sizes(self, image: Image | None, aspects: dict[str, dict[int, float]]) -> str:
        """`sizes` for a photo covering a box of this cell's width whose aspect ratio depends on
        the breakpoint and the row's length (`aspects[breakpoint][n]`, `0` for any n)."""
        widths = {}
        for name, _ in BREAKPOINTS:
            n = self.row_sizes[name]
            aspect = aspects[name].get(n, aspects[name].get(0, 1.0))
            widths[name] = cover_width(self.width(name), image, box_aspect=aspect)
        return sizes_attribute(widths)

    def cover_sizes_fixed_height(self, image: Image | None, heights: dict[str, str]) -> str:
        """`sizes` for a photo covering a box of this cell's width and a fixed height."""
        return sizes_attribute(
            {name: cover_width(self.width(name), image, box_height=heights[name]) for name, _ in BREAKPOINTS}
        )


@dataclass(frozen=True)
class GridRule:
    """A grid's most items per row and its column gap, at each breakpoint (site.css agrees)."""

    per_row: dict[str, int]
    gap: dict[str, str]


CARD_GAP = {"l": "2rem", "m": "1.5rem", "s": "1.5rem"}
FEATURED_CARDS = GridRule({"l": 2, "m": 2, "s": 1}, CARD_GAP)
CATEGORY_CARDS = GridRule({"l": 3, "m": 2, "s": 1}, CARD_GAP)
WORK_TILES = GridRule({"l": 4, "m": 3, "s": 2}, {"l": "1rem", "m": "1rem", "s": "0.75rem"})
# A card's photo box: 4:3, and 2:1 when the card has its row to itself on a wider screen.
CARD_ASPECTS = {"l": {1: 2.0, 0: 4 / 3}, "m": {1: 2.0, 0: 4 / 3}, "s": {0: 4 / 3}}
# Work tiles share one height per breakpoint, whatever their row's length.
TILE_HEIGHTS = {"l": "28rem", "m": "22rem", "s": "15rem"}
# The home hero fills the screen's width and most of its height (site.css: .hero).
HERO_HEIGHT = "min(88vh, 56rem)"
# About: the portrait takes 5 of 11 parts of the content width beside the text, from 861 px.
ABOUT_PORTRAIT_SIZES = (
    f"(min-width: 861px) calc(({CONTENT} - clamp(2rem, 5vw, 5rem)) * 5 / 11), calc{CONTENT}"
)


def grid_cells(items: Sequence, rule: GridRule) -> list[tuple[object, Cell]]:
    """Each item with its cell: rows balanced at each breakpoint (see `balanced_rows`)."""
    lengths = {name: _row_length_of_each(len(items), rule.per_row[name]) for name, _ in BREAKPOINTS}
    return [
        (item, Cell({name: lengths[name][index] for name, _ in BREAKPOINTS}, rule.gap))
        for index, item in enumerate(items)
    ]


def hero_sizes(image: Image | None) -> str:
    return cover_width("100vw", image, box_height=HERO_HEIGHT)


# A phone held upright (a screen narrower than 13:25, so a hero box of about 9:16, 88 % of its
# height) gets the hero's 9:16 cut instead of the whole landscape: the same pixels show, and the
# rest of the photo is not downloaded. Wider screens (a tablet) would zoom into the cut.
PHONE_HERO_MEDIA = "(max-aspect-ratio: 13/25)"


@dataclass(frozen=True)
class ArtSource:
    """A `<source>` shown instead of the photo itself on screens matching `media`."""

    media: str
    type: str
    srcset: str
    sizes: str


def phone_hero_sources(hero: Photo | None) -> list[ArtSource]:
    """The home hero's phone cut, as `<source>`s in front of the photo's own, once it is cut at
    the hero's current point (`photos.cuts` makes it in a job); none until then, or when the home
    page has no hero photo of its own."""
    if hero is None or not cuts.has_current_phone_cut(hero):
        return []
    sizes = f"max(100vw, {HERO_HEIGHT} * {PHONE_HERO_ASPECT:.4f})"
    return [
        ArtSource(
            PHONE_HERO_MEDIA,
            OUTPUTS[fmt].mime_type,
            ", ".join(
                f"{public_url(v.key)} {v.width}w"
                for v in sorted(hero.phone_cuts, key=lambda v: v.width)
                if v.format == fmt
            ),
            sizes,
        )
        for fmt in PHONE_HERO_FORMATS
    ]


def _row_length_of_each(count: int, per_row: int) -> list[int]:
    return [n for n in balanced_rows(count, per_row) for _ in range(n)]


# -- justified rows of whole photos --------------------------------------------------------------
@dataclass(frozen=True)
class RowRule:
    """How a breakpoint fills its rows: about `target` (the sum of the aspect ratios of a row,
    i.e. the content width over the row's height), at most `most` photos."""

    target: float
    most: int


JUSTIFIED_RULES = {"l": RowRule(2.6, 4), "m": RowRule(2.0, 3), "s": RowRule(1.35, 2)}
JUSTIFIED_GAP = {"l": "1.25rem", "m": "1rem", "s": "0.75rem"}
# Safety below 100 % per row: sub-pixel rounding must never push a row's last photo to the next
# line. flex-grow gives the sliver back in proportion, so the photos keep their shape.
ROW_SLACK = 0.0004


@dataclass(frozen=True)
class Slot:
    """One photo's place in justified rows: its share of its row's width, and how many gaps that
    row has, at each breakpoint."""

    shares: dict[str, float]
    gaps: dict[str, int]

    @property
    def style(self) -> str:
        """Custom properties read by site.css's `.justified` rules."""
        return "; ".join(
            f"--share-{name}: {self.shares[name]:.5f}; --gaps-{name}: {self.gaps[name]}"
            for name, _ in BREAKPOINTS
        )

    @property
    def sizes(self) -> str:
        return sizes_attribute(
            {
                name: f"calc(({CONTENT} - {self.gaps[name]} * {JUSTIFIED_GAP[name]}) * {self.shares[name]:.5f})"
                for name, _ in BREAKPOINTS
            }
        )


def justified_rows(aspects: Sequence[float], rule: RowRule) -> list[int]:
    """Split photos (by aspect ratio, in order) into rows: the row lengths whose heights come
    closest to the rule's target, never more than `rule.most` per row, and a portrait alone in a
    row only when it is the only photo (alone it would be drawn page-wide and towering)."""
    count = len(aspects)
    best = [0.0] + [math.inf] * count  # best[i]: least cost of laying out the first i photos
    cut = [0] * (count + 1)
    for end in range(1, count + 1):
        for length in range(1, min(rule.most, end) + 1):
            start = end - length
            total = sum(aspects[start:end])
            cost = math.log(total / rule.target) ** 2
            if length == 1 and aspects[start] < 1 and count > 1:
                cost += 10.0  # a stranded portrait
            if best[start] + cost < best[end]:
                best[end], cut[end] = best[start] + cost, start
    rows = []
    end = count
    while end > 0:
        rows.append(end - cut[end])
        end = cut[end]
    return rows[::-1]


def justified_slots(images: Sequence[Image]) -> list[Slot]:
    """Each photo's slot in the rows of every breakpoint (see `justified_rows`)."""
    aspects = [max(0.2, min(5.0, image.aspect_ratio)) for image in images]
    shares: list[dict[str, float]] = [{} for _ in images]
    gaps: list[dict[str, int]] = [{} for _ in images]
    for name, _ in BREAKPOINTS:
        start = 0
        for length in justified_rows(aspects, JUSTIFIED_RULES[name]):
            row = aspects[start : start + length]
            for offset, aspect in enumerate(row):
                share = aspect / sum(row) - ROW_SLACK / length
                shares[start + offset][name] = math.floor(share * 100_000) / 100_000
                gaps[start + offset][name] = length - 1
            start += length
    return [Slot(shares[i], gaps[i]) for i in range(len(images))]


def hero_preloads(hero: Image | None, phone: list[ArtSource]) -> list[ArtSource]:
    """`<link rel="preload">`s for the hero in its first format (AVIF), so it starts loading with
    the page, not once the parser reaches it: the phone cut on phones, the photo elsewhere. Same
    srcset, sizes and media as the `<picture>`, so the browser picks the same file for both, and
    a browser without AVIF skips them."""
    first = PICTURE_SOURCES[0]
    preloads = [source for source in phone if source.type == first.mime_type]
    variants = hero.variants_in(first.name) if hero else []  # (jinja hands an empty "first" as Undefined)
    if variants:
        preloads.append(
            ArtSource(
                f"not all and {PHONE_HERO_MEDIA}" if preloads else "all",
                first.mime_type,
                ", ".join(f"{public_url(v.key)} {v.width}w" for v in variants),
                hero_sizes(hero),
            )
        )
    return preloads
