"""Counting events per key in a time window, in the content store's records.

Kept where the content lives (SQLite or DynamoDB), so limits hold across gunicorn workers and
machines and survive restarts. Used for sign-in throttling and by plugins (contact form).

`hit` is one atomic increment that also starts the window when it is the first event, so
concurrent events all count. To enforce a limit under concurrency, count first and decide on the
number `hit` returns (`exceeded` then `hit` lets every concurrent caller through the check).
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

    def hit(self, key: str, amount: int = 1) -> int:
        """Record `amount` events (atomically); returns how many happened in the current window,
        these included."""
        return services().store.records.increment(
            self.collection, key, "count", amount, expires_at=int(time.time()) + self.seconds
        )

    def take_back(self, key: str) -> None:
        """Un-count one event counted by `hit` (an attempt that turned out fine). Should the
        window have ended meanwhile, the correction starts a record that is gone a second later."""
        services().store.records.increment(self.collection, key, "count", -1, expires_at=int(time.time()) + 1)

    def exceeded(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def seconds_left(self, key: str) -> int:
        expiry = services().store.records.expiry(self.collection, key)
        return max(0, expiry - int(time.time())) if expiry else 0

    def reset(self, key: str) -> None:
        services().store.records.delete(self.collection, key)
