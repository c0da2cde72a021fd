"""Keyset pages of a list in display order: read one more item than a page holds, to know whether
another page follows, and never count or skip what comes before."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def read_page(
    read: Callable[..., Sequence[T]], size: int, *, after: int | None = None, before: int | None = None
) -> tuple[list[T], bool]:
    """Up to `size` items right after the order value `after` (or right before `before`, still in
    display order), read with `read(after=, before=, limit=)`, and whether more lie beyond them in
    the direction read."""
    found = list(read(after=after, before=before, limit=size + 1))
    if len(found) <= size:
        return found, False
    return (found[1:] if before is not None else found[:size]), True
