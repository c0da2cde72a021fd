"""Keyset pages: one more item read than a page holds says whether another page follows, in
either direction."""

from __future__ import annotations

from sgoodie.stores.paging import read_page

ORDERS = [1024 * n for n in range(1, 8)]  # seven items in display order


def read(*, after=None, before=None, limit):
    """Like `projects_page`: right after `after`, or right before `before` (in display order)."""
    if before is not None:
        return [o for o in ORDERS if o < before][-limit:]
    return [o for o in ORDERS if after is None or o > after][:limit]


def test_forward_pages_say_whether_another_follows():
    assert read_page(read, 3) == ([1024, 2048, 3072], True)
    assert read_page(read, 3, after=3072) == ([4096, 5120, 6144], True)
    assert read_page(read, 3, after=6144) == ([7168], False)
    assert read_page(read, 7) == (ORDERS, False)  # exactly a page: nothing follows


def test_backward_pages_keep_display_order_and_say_whether_more_come_before():
    assert read_page(read, 3, before=7168) == ([4096, 5120, 6144], True)
    assert read_page(read, 3, before=4096) == ([1024, 2048, 3072], False)


def test_it_reads_one_more_than_a_page_and_no_more():
    asked: list[int] = []

    def counting(**options):
        asked.append(options["limit"])
        return read(**options)

    read_page(counting, 5, after=None)
    assert asked == [6]
