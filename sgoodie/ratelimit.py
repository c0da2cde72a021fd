"""Counting events per key in a time window, in the content store's records.

Kept where the content lives (SQLite or DynamoDB), so limits hold across gunicorn workers and
machines and survive restarts. Used for sign-in lockouts and by plugins (contact form).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .services import services


@dataclass(frozen=True)
class Window:
    """`limit` events per `seconds`; the window starts with the first event."""

    collection: str
    limit: int
    seconds: int

    def count(self, key: str) -> int:
        record = services().store.records.get(self.collection, key)
        return int(record.get("count", 0)) if record else 0

    def hit(self, key: str) -> int:
        """Record one event; returns how many happened in the current window."""
        return services().store.records.increment(
            self.collection, key, "count", expires_at=self._new_expiry(key)
        )

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def seconds_left(self, key: str) -> int:
        record = services().store.records.get(self.collection, key)
        return max(0, int(record.get("until", 0)) - int(time.time())) if record else 0

    def reset(self, key: str) -> None:
        services().store.records.delete(self.collection, key)

    def _new_expiry(self, key: str) -> int | None:
        """Only the first event of a window sets its end; later ones keep it."""
        if services().store.records.get(self.collection, key) is not None:
            return None
        until = int(time.time()) + self.seconds
        services().store.records.put(self.collection, key, {"count": 0, "until": until}, expires_at=until)
        return until
