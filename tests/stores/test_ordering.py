"""Display order with gaps (`sgoodie.stores.ordering`): moving one item rewrites one record."""

from __future__ import annotations

import random

import pytest

from sgoodie.stores.ordering import GAP, move_item, next_order, plan_reorder, plan_window_reorder, put_back


def _apply(current: list[tuple[str, int]], planned: dict[str, int]) -> list[str]:
    orders = dict(current) | planned
    return sorted(orders, key=orders.__getitem__)


def _spaced(ids: str) -> list[tuple[str, int]]:
    return [(item, (index + 1) * GAP) for index, item in enumerate(ids)]


def test_a_new_item_goes_last_one_gap_after_the_others():
    assert next_order([]) == GAP
    assert next_order([GAP, 5 * GAP, 2 * GAP]) == 6 * GAP


def test_moving_one_item_rewrites_that_item_only():
    current = _spaced("abcde")
    planned = plan_reorder(current, list("aebcd"))
    assert list(planned) == ["e"] and GAP < planned["e"] < 2 * GAP
    assert _apply(current, planned) == list("aebcd")
    assert plan_reorder(current, list("abcde")) == {}  # nothing moved, nothing written


def test_an_exhausted_gap_renumbers_everything_once():
    current = [("a", 1), ("b", 2), ("c", 3)]
    planned = plan_reorder(current, ["a", "c", "b"])
    assert _apply(current, planned) == ["a", "c", "b"]
    assert planned == {"a": GAP, "c": 2 * GAP, "b": 3 * GAP}  # no room between 1 and 2: all spaced again


def test_any_permutation_comes_out_in_the_order_asked_for():
    rng = random.Random(7)
    current = _spaced("abcdefghij")
    for _ in range(200):
        desired = [item for item, _ in current]
        rng.shuffle(desired)
        planned = plan_reorder(current, desired)
        assert _apply(current, planned) == desired
        current = sorted((dict(current) | planned).items(), key=lambda pair: pair[1])


def test_a_reorder_must_name_every_item_once():
    with pytest.raises(ValueError, match="every item exactly once"):
        plan_reorder(_spaced("abc"), ["a", "b", "b"])
    with pytest.raises(ValueError, match="every item exactly once"):
        plan_window_reorder(_spaced("abc"), ["a", "b"])


def test_a_page_of_a_longer_list_reuses_its_own_values():
    window = [("c", 3 * GAP), ("d", 4 * GAP), ("e", 5 * GAP)]  # items 3..5 of a longer list
    planned = plan_window_reorder(window, ["e", "c", "d"])
    assert planned == {"e": 3 * GAP, "c": 4 * GAP, "d": 5 * GAP}  # nothing outside the window moves


def test_move_item_clamps_at_the_ends():
    assert move_item(list("abc"), "b", -1) == list("bac")
    assert move_item(list("abc"), "a", -5) == list("abc")
    assert move_item(list("abc"), "a", 9) == list("bca")


def test_a_restored_item_goes_back_before_what_came_after_it():
    listed = [("a", GAP), ("c", 3 * GAP), ("b", 9 * GAP)]  # b restored at the end; it was at 2 * GAP
    assert put_back(listed, "b", 2 * GAP) == ["a", "b", "c"]
    assert put_back([("a", GAP), ("b", 2 * GAP)], "b", 2 * GAP) is None  # in place already
