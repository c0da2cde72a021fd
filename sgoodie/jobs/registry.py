"""Background work: a registry of job kinds, and how one attempt of a job runs.

A job kind is a name (`photo.process`, `schedule.publish`, `plugin.proofing.zip`), the function
that does the work, its retry policy, what to do when it gives up, and, for periodic work, how
often it runs. The photo's life, the schedule, the trash and every plugin register their kinds
(`JobRegistry.register`) when the app is built; callers queue work by kind with keyword
arguments (`services().jobs.enqueue("photo.process", photo_id=...)`), never by a string to parse.

Three runners run the same registry with the same policy (`run_attempt`):
- `ThreadJobs` (`jobs/thread.py`), the embedded default: a worker thread in the app process;
- `SQLiteJobs` (`jobs/sqlite.py`), the single server: a durable queue in the instance folder run
  by a separate `sgoodie jobs` process;
- `CeleryJobs` (`jobs/celery.py`), the AWS backend: Celery workers on Redis (`celery_worker.py`),
  with Celery beat sending the periodic kinds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app

log = logging.getLogger("sgoodie.jobs")

#: Where the app keeps its registry (`registry()`).
EXTENSION = "sgoodie.jobs"


@dataclass(frozen=True)
class RetryPolicy:
    """Seconds to wait before each further attempt; its length is how many retries there are."""

    delays: tuple[float, ...]

    @property
    def attempts(self) -> int:
        return len(self.delays) + 1

    def delay_after(self, attempt: int) -> float | None:
        """The wait before trying again after failed attempt number `attempt` (0-based), or None
        when that was the last one."""
        return self.delays[attempt] if attempt < len(self.delays) else None


#: Transient errors (storage unreachable, throttling) are tried again after these waits.
RETRY = RetryPolicy(delays=(5, 20, 60, 180, 300))


class TimedOut(Exception):
    """The runner stopped a job that ran past its time limit (Celery's soft limit): trying again
    would only take as long, so the job gives up at once."""


class Permanent(Exception):
    """Raised by a job that knows retrying cannot help; it gives up at once with this reason."""


@dataclass(frozen=True)
class JobKind:
    """One kind of background work.

    `run(**arguments)` does it, inside an app context; arguments are JSON values (ids, not
    records: the job reads what it needs when it runs). Any exception is transient and retried by
    `retry`, except `TimedOut` and `Permanent`; after the last attempt `gave_up(arguments, error)`
    records the failure where the photographer sees it (a photo marked failed), or it is only
    logged. `every` (seconds) makes the kind periodic: the runner calls it with no arguments that
    often, and a failed run waits for the next tick instead of being retried. `long` kinds may run for an hour (a gallery's ZIP); others are stopped after minutes."""

    name: str
    run: Callable[..., Any]
    retry: RetryPolicy = RETRY
    gave_up: Callable[[Mapping[str, Any], BaseException], None] | None = None
    every: float | None = None
    long: bool = False


class JobRegistry:
    """Every job kind of one app, by name."""

    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}

    def register(self, kind: JobKind, *, replace: bool = False) -> JobKind:
        """Add a kind; `replace` swaps one registered already (a test's faster retry policy)."""
        if kind.name in self._kinds and not replace:
            raise ValueError(f"a job kind named {kind.name!r} is registered already")
        self._kinds[kind.name] = kind
        return kind

    def get(self, name: str) -> JobKind | None:
        return self._kinds.get(name)

    def __iter__(self) -> Iterator[JobKind]:
        return iter(self._kinds.values())

    def periodic(self) -> list[JobKind]:
        return [kind for kind in self._kinds.values() if kind.every]


class JobQueue(Protocol):
    """A runner: queues work of a registered kind."""

    def enqueue(self, kind: str, /, **arguments: Any) -> None: ...

    def check(self) -> None:
        """Raise unless jobs can be queued (for /readyz)."""


def registry(app: Flask | None = None) -> JobRegistry:
    return (app or current_app).extensions[EXTENSION]


def init_app(app: Flask) -> JobRegistry:
    found = JobRegistry()
    app.extensions[EXTENSION] = found
    return found


def run_attempt(
    name: str,
    arguments: Mapping[str, Any],
    attempt: int,
    *,
    timed_out: type[BaseException] | None = None,
) -> float | None:
    """Run one attempt of a job (inside an app context). Returns the delay before the next attempt
    when a transient error should be retried, None when the job is over (done, failed for good,
    given up, or of a kind nobody registers any more: a plugin switched off). `timed_out` is the
    runner's own error for a job stopped at its time limit (Celery's soft limit)."""
    kind = registry().get(name)
    if kind is None:
        log.warning("job %s%s: no such kind (plugin switched off?); dropped", name, dict(arguments))
        return None
    try:
        kind.run(**arguments)
        return None
    except Exception as exc:
        if timed_out is not None and isinstance(exc, timed_out):
            exc = TimedOut(f"stopped at its time limit ({exc.__class__.__name__})")
        # A periodic kind is not retried: its next tick runs it again.
        retryable = not (kind.every or isinstance(exc, TimedOut | Permanent))
        delay = kind.retry.delay_after(attempt) if retryable else None
        if delay is None:
            _give_up(kind, arguments, exc)
            return None
        log.warning(
            "job %s%s: attempt %d failed (%s); retrying in %ss",
            name,
            dict(arguments),
            attempt + 1,
            exc,
            delay,
        )
        return delay


def _give_up(kind: JobKind, arguments: Mapping[str, Any], error: BaseException) -> None:
    log.error("job %s%s: giving up: %s", kind.name, dict(arguments), error)
    if kind.gave_up is not None:
        kind.gave_up(arguments, error)
