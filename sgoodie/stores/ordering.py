"""Display order with gaps, so that moving one item rewrites one record.

Items carry integer `order` values spaced `GAP` apart. A reorder keeps the longest run of items that
are already in the right relative order and gives new values only to the others, between their new
neighbours; only when a gap is exhausted is everything renumbered.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

GAP = 1024


def next_order(existing: Iterable[int]) -> int:
    """The order value that places a new item after all `existing` ones."""
    return max(existing, default=0) + GAP


def plan_reorder(current: Sequence[tuple[str, int]], desired_ids: Sequence[str]) -> dict[str, int]:
    """New order values for the items that must change so that sorting by order gives `desired_ids`.

    `current` is (id, order) for every item; `desired_ids` must be a permutation of those ids.
    """
    orders = dict(current)
    if len(desired_ids) != len(orders) or set(desired_ids) != set(orders):
        raise ValueError("the new order must list every item exactly once")
    sequence = [orders[item_id] for item_id in desired_ids]
    keep = _longest_increasing(sequence)

    planned: dict[str, int] = {}
    position = 0
    previous = 0
    while position < len(desired_ids):
        if position in keep:
            previous = sequence[position]
            position += 1
            continue
        run_end = position
        while run_end < len(desired_ids) and run_end not in keep:
            run_end += 1
        run = run_end - position
        upper = sequence[run_end] if run_end < len(desired_ids) else previous + GAP * (run + 1)
        step = (upper - previous) // (run + 1)
        if step < 1:
            return _renumber(desired_ids, orders)
        for offset in range(run):
            previous += step
            planned[desired_ids[position + offset]] = previous
        position = run_end
    return {item_id: order for item_id, order in planned.items() if orders[item_id] != order}


def _renumber(desired_ids: Sequence[str], orders: dict[str, int]) -> dict[str, int]:
    fresh = {item_id: (index + 1) * GAP for index, item_id in enumerate(desired_ids)}
    return {item_id: order for item_id, order in fresh.items() if orders[item_id] != order}


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []  # values
    tail_index: list[int] = []  # index in `values` of each tail
    parent = [-1] * len(values)
    for index, value in enumerate(values):
        slot = bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        parent[index] = tail_index[slot - 1] if slot else -1
    kept: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        kept.add(index)
        index = parent[index]
    return kept


def move_item(ids: list[str], item_id: str, step: int) -> list[str]:
    """`ids` with `item_id` moved `step` places (negative: earlier), clamped at the ends."""
    ids = list(ids)
    index = ids.index(item_id)
    target = max(0, min(len(ids) - 1, index + step))
    ids.insert(target, ids.pop(index))
    return ids


def plan_window_reorder(current: Sequence[tuple[str, int]], desired_ids: Sequence[str]) -> dict[str, int]:
    """New order values for a run of consecutive items (one page of a longer list) given in a new
    order: the run hands its own values out again in the new order, so nothing outside it moves
    and no gap is needed. Only the items whose value changes are returned."""
    orders = dict(current)
    if len(desired_ids) != len(orders) or set(desired_ids) != set(orders):
        raise ValueError("the new order must list every item exactly once")
    return {
        item_id: order
        for item_id, order in zip(desired_ids, sorted(orders.values()), strict=True)
        if orders[item_id] != order
    }


def put_back(listed: Sequence[tuple[str, int]], item_id: str, old_order: int) -> list[str] | None:
    """The ids in display order once a restored item (stored at the end) is back before the first
    item that came after it (`listed`: (id, order) in display order, the item among them); None
    when it is in place already."""
    others = [(i, order) for i, order in listed if i != item_id]
    position = next((n for n, (_, order) in enumerate(others) if order > old_order), len(others))
    ids = [i for i, _ in others]
    ids.insert(position, item_id)
    return None if ids == [i for i, _ in listed] else ids
