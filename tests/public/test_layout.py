"""The layouts decided on the server: balanced grid rows, justified rows, and the `sizes` of
cropped photos."""

from __future__ import annotations

import pytest

from sgoodie.domain import Image, Variant
from sgoodie.public import layout


def _image(width: int, height: int) -> Image:
    return Image(width, height, [Variant(width, height, "jpeg", "k.jpg")])


@pytest.mark.parametrize(
    ("count", "per_row", "rows"),
    [
        (5, 2, [1, 2, 2]),  # the fifth featured project leads, full width, instead of trailing alone
        (4, 3, [2, 2]),  # a fourth project in a category: two rows of two, not 3 + 1
        (7, 3, [2, 2, 3]),
        (6, 3, [3, 3]),
        (5, 4, [2, 3]),
        (1, 3, [1]),
        (0, 3, []),
    ],
)
def test_balanced_rows_never_leave_one_item_behind(count, per_row, rows):
    assert layout.balanced_rows(count, per_row) == rows
    assert sum(rows) == count and all(rows[0] <= r <= per_row for r in rows)


def test_grid_cells_name_the_row_length_at_every_breakpoint():
    cells = [cell for _, cell in layout.grid_cells(list("abcde"), layout.FEATURED_CARDS)]
    assert [c.row_sizes["l"] for c in cells] == [1, 2, 2, 2, 2]
    assert [c.row_sizes["s"] for c in cells] == [1] * 5
    assert cells[0].classes == "cell--l1 cell--m1 cell--s1"


def test_a_wide_photo_in_a_narrower_box_asks_for_the_width_it_is_drawn_at():
    landscape, portrait = _image(1500, 1000), _image(1000, 1500)
    # A 3:2 photo covering a 4:3 card is drawn 1.125 times the card's width.
    assert layout.cover_width("300px", landscape, box_aspect=4 / 3) == "calc(300px * 1.1250)"
    assert layout.cover_width("300px", portrait, box_aspect=4 / 3) == "300px"  # cut top and bottom
    # The hero: the screen's width, or its height times the photo's aspect ratio if that is more.
    assert layout.hero_sizes(landscape) == "max(100vw, min(88vh, 56rem) * 1.5000)"


def test_justified_rows_pair_portraits_and_never_strand_one():
    portrait, landscape = 2 / 3, 3 / 2
    phone = layout.JUSTIFIED_RULES["s"]
    rows = layout.justified_rows([landscape, portrait, landscape, portrait, portrait], phone)
    assert sum(rows) == 5
    start = 0
    for length in rows:
        # No portrait alone in a row: it would stand page-wide with nothing beside it.
        assert not (length == 1 and [landscape, portrait, landscape, portrait, portrait][start] < 1)
        start += length
    assert layout.justified_rows([portrait], phone) == [1]  # the only photo


def test_justified_slots_fill_each_row_to_its_width():
    images = [
        _image(1500, 1000),
        _image(1000, 1500),
        _image(1500, 1000),
        _image(1000, 1500),
        _image(1200, 1500),
    ]
    slots = layout.justified_slots(images)
    for name, _ in layout.BREAKPOINTS:
        start = 0
        for length in layout.justified_rows([i.aspect_ratio for i in images], layout.JUSTIFIED_RULES[name]):
            row = slots[start : start + length]
            total = sum(slot.shares[name] for slot in row)
            assert 1 - 0.001 < total <= 1  # a sliver short of the width, which flex-grow gives back
            assert {slot.gaps[name] for slot in row} == {length - 1}
            # Widths in proportion to aspect ratios: one height for the whole row.
            heights = {
                round(slot.shares[name] / images[start + i].aspect_ratio, 3) for i, slot in enumerate(row)
            }
            assert len(heights) == 1
            start += length
    assert "--share-l:" in slots[0].style and "--gaps-s:" in slots[0].style
    assert slots[0].sizes.startswith("(min-width: 1024px) calc((")


def test_the_focal_point_places_a_server_side_crop_like_object_position():
    image = _image(2000, 1000)
    image.focal_x, image.focal_y = 0.8, 0.5
    left, top, right, bottom = image.crop_box(1.0)  # a square out of a 2:1 photo
    assert (top, bottom) == (0.0, 1.0)
    assert right - left == pytest.approx(0.5) and left == pytest.approx(0.4)  # (1 - 0.5) * 0.8
    assert left <= image.focal_x <= right
    assert image.object_position == "80% 50%"
