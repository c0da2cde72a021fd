"""Purges that could not reach the cache wait in the content store until it answers again.

Without this, a page cached before a Redis outage would come back stale once Redis does. Each
parked tag is one record, so parking the same tag twice is harmless.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from ..stores import RecordStore

COLLECTION = "cache-pending-purges"
log = logging.getLogger("sgoodie.cache")


class PendingPurges:
    """Parked purges, kept in the records of the content store the cache was given."""

    def __init__(self, records: RecordStore):
        self.records = records

    def park(self, tags: Iterable[str]) -> None:
        tags = sorted(tags)
        for tag in tags:
            self.records.put(COLLECTION, tag, {"parked_at": time.time()})
        log.warning("page cache unavailable: purge of %s parked until it is back", ", ".join(tags))

    def replay(self, purge: Callable[[list[str]], bool]) -> int:
        """Purge the parked tags; returns how many were replayed (0 while the cache is still down)."""
        parked = [tag for tag, _ in self.records.query(COLLECTION)]
        if not parked:
            return 0
        if not purge(parked):
            return 0
        for tag in parked:
            self.records.delete(COLLECTION, tag)
        log.info("page cache back: replayed the purge of %s", ", ".join(parked))
        return len(parked)
