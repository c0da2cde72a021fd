"""Background work: a registry of job kinds (`registry.py`), and the runners that run them.

A job kind is a name (`photo.process`, `schedule.publish`, `plugin.proofing.zip`), the function
that does the work, its retry policy, what to do when it gives up, and, for periodic work, how
often it runs. The photo's life, the schedule, the trash and every plugin register their kinds
when the app is built; callers queue work by kind with keyword arguments
(`services().jobs.enqueue("photo.process", photo_id=...)`), never by a string to parse.

Two runners run the same registry with the same policy (`run_attempt`):
- `ThreadJobs` (`jobs/thread.py`), the embedded default: a worker thread in the app process;
- `CeleryJobs` (`jobs/celery.py`), the AWS backend: Celery workers on Redis (`celery_worker.py`),
  with Celery beat sending the periodic kinds.
"""

from __future__ import annotations

from flask import Flask

from .registry import (
    EXTENSION,
    RETRY,
    JobKind,
    JobQueue,
    JobRegistry,
    Permanent,
    RetryPolicy,
    TimedOut,
    init_app,
    registry,
    run_attempt,
)

__all__ = [
    "EXTENSION",
    "RETRY",
    "JobKind",
    "JobQueue",
    "JobRegistry",
    "Permanent",
    "RetryPolicy",
    "TimedOut",
    "build_job_queue",
    "init_app",
    "registry",
    "run_attempt",
]


def build_job_queue(app: Flask) -> JobQueue:
    """Celery on Redis for the AWS backend, the in-process worker thread otherwise."""
    if app.config["BACKEND"] == "aws" and app.config.get("REDIS_URL"):
        from .celery import CeleryJobs  # Celery and its Redis client load only where they run

        return CeleryJobs(app)
    from .thread import ThreadJobs

    return ThreadJobs(app)
