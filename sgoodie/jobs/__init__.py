"""Background work: a registry of job kinds (`registry.py`), and the runners that run them.

A job kind is a name (`photo.process`, `schedule.publish`, `plugin.proofing.zip`), the function
that does the work, its retry policy, what to do when it gives up, and, for periodic work, how
often it runs. The photo's life, the schedule, the trash and every plugin register their kinds
when the app is built; callers queue work by kind with keyword arguments
(`services().jobs.enqueue("photo.process", photo_id=...)`), never by a string to parse.

Three runners run the same registry with the same policy (`run_attempt`), chosen by
`SGOODIE_JOBS`:
- `ThreadJobs` (`jobs/thread.py`), the embedded default: a worker thread in the app process;
- `SQLiteJobs` (`jobs/sqlite.py`), the single server: a durable queue in the instance folder, run
  by one separate `sgoodie jobs` process (the schedule and the sweeps too);
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
    """The runner `SGOODIE_JOBS` names (`config.finalize` derives it when unset): Celery on Redis,
    the durable SQLite queue of a separate jobs process, or the in-process worker thread."""
    if app.config["JOBS"] == "celery":
        from .celery import CeleryJobs  # Celery and its Redis client load only where they run

        return CeleryJobs(app)
    if app.config["JOBS"] == "sqlite":
        from .sqlite import SQLiteJobs

        return SQLiteJobs(app)
    from .thread import ThreadJobs

    return ThreadJobs(app)
