"""Purges that could not reach the cache wait in the content store until it answers again.

Without this, a page cached before a Redis outage would come back stale once Redis does. Each
parked tag is one record, so parking the same tag twice is harmless.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Iterable

from ..services import services

if TYPE_CHECKING:
    from . import PageCache

COLLECTION = "cache-pending-purges"
log = logging.getLogger("sgoodie.cache")


def park(tags: Iterable[str]) -> None:
    records = services().store.records
    for tag in tags:
        records.put(COLLECTION, tag, {"parked_at": time.time()})
    log.warning("page cache unavailable: purge of %s parked until it is back", ", ".join(sorted(tags)))


def replay(cache: PageCache) -> int:
    """Purge the parked tags; returns how many were replayed (0 while the cache is still down)."""
    records = services().store.records
    parked = [tag for tag, _ in records.query(COLLECTION)]
    if not parked:
        return 0
    if not cache.purge(parked):
        return 0
    for tag in parked:
        records.delete(COLLECTION, tag)
    log.info("page cache back: replayed the purge of %s", ", ".join(parked))
    return len(parked)
