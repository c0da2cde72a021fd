"""Read-modify-write with retry, the way every targeted change reaches a record: read the latest
version, apply the change, write it; when someone saved in between (the store refuses a stale
version), apply the change again to what they saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

from ..stores import NotFoundError, StaleVersionError

T = TypeVar("T")


def retrying(
    read: Callable[[], T | None],
    write: Callable[[T], T],
    change: Callable[[T], None],
    what: str,
    attempts: int = 5,
    *,
    just_read: T | None = None,
) -> T | None:
    """Apply `change` to the latest version and store it; None when the record is gone. Safe
    because `change` is re-applied to what another writer saved, never to a stale copy.
    `just_read`: a copy the caller read a moment ago, tried first instead of reading again (the
    store's version check refuses it if it is stale, and the next attempt reads)."""
    for attempt in range(attempts):
        current = just_read if attempt == 0 and just_read is not None else read()
        if current is None:
            return None
        change(current)
        try:
            return write(current)
        except StaleVersionError:
            continue
        except NotFoundError:  # deleted since it was read (the copy just read, or a moment ago)
            return None
    raise StaleVersionError(f"{what} kept changing; try again")


def sender() -> Flask:
    """The app, as the sender of the signals a change sends."""
    return current_app._get_current_object()
