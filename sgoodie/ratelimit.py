"""Counting events per key in a time window, in the content store's records.

Kept where the content lives (SQLite or DynamoDB), so limits hold across gunicorn workers and
machines and survive restarts. Used for sign-in throttling and by plugins (contact form).

`Ceiling` slows guessing at one secret over all addresses (growing delays, no lock-out).

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


@dataclass(frozen=True)
class Ceiling:
    """Wrong guesses at one secret (a gallery's password, its PIN) over all addresses, so a
    botnet giving each guess a new address still slows down. The first `free` failures in
    `seconds` cost nothing; past them the secret takes one attempt per delay, which doubles with
    each further failure up to `max_delay`. The client with the right password then waits at most
    `max_delay` for a turn, and never more than that: nobody is locked out."""

    collection: str
    free: int
    seconds: int
    max_delay: int

    @property
    def failures(self) -> Window:
        return Window(self.collection, self.free, self.seconds)

    def delay(self, key: str) -> int:
        """Seconds between attempts now: 0 under the ceiling, then 2, 4, 8... up to `max_delay`."""
        excess = self.failures.count(key) - self.free
        return 0 if excess < 0 else min(self.max_delay, 2 ** min(excess + 1, 30))

    def wait(self, key: str) -> int:
        """0 when this attempt may be checked (it takes the turn), else the seconds until the next
        turn. A turn lasts `delay` from the attempt that took it; taking one is a single atomic
        increment, so of concurrent attempts exactly one gets it."""
        delay = self.delay(key)
        if not delay:
            return 0
        turn = Window(f"{self.collection}:turns", 1, delay)
        return 0 if turn.hit(key) == 1 else max(1, turn.seconds_left(key))

    def failed(self, key: str) -> None:
        self.failures.hit(key)
