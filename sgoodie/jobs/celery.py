"""The AWS backend's runner: Celery workers on Redis, Celery beat for the periodic kinds.

The web app sends `sgoodie.job` (or `sgoodie.long_job`, for kinds that may run an hour) with the
kind's name and arguments; `celery_worker.py` builds the worker's Celery app with `celery_app`,
whose two tasks run the same registry with the same policy as the worker thread (`run_attempt`).
"""

from __future__ import annotations

from typing import Any

import redis
from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from flask import Flask

from .registry import registry, run_attempt

JOB_TASK = "sgoodie.job"
LONG_JOB_TASK = "sgoodie.long_job"  # a gallery's ZIP: the longer time limits
# (soft, hard) seconds. A job past its soft limit gives up (`TimedOut`); past its hard limit its
# process is killed and the message handed to another worker (the sweeper finds lost photo jobs).
TIME_LIMITS = {JOB_TASK: (240, 300), LONG_JOB_TASK: (3300, 3600)}


class CeleryJobs:
    """A message on Redis for `celery -A celery_worker worker`."""

    def __init__(self, app: Flask):
        self.app = app
        self.broker_url = app.config["REDIS_URL"]
        self.celery = Celery("sgoodie", broker=self.broker_url, backend=self.broker_url)

    def enqueue(self, kind: str, /, **arguments: Any) -> None:
        found = registry(self.app).get(kind)
        if found is None:
            raise ValueError(f"no job kind named {kind!r}")
        self.celery.send_task(LONG_JOB_TASK if found.long else JOB_TASK, args=[kind, arguments])

    def check(self) -> None:
        redis.Redis.from_url(self.broker_url, socket_timeout=1, socket_connect_timeout=1).ping()


def celery_app(flask_app: Flask) -> Celery:
    """The worker's (and beat's) Celery app: its two tasks run the registry of `flask_app`, and
    beat sends every periodic kind at its interval."""
    broker = flask_app.config["REDIS_URL"]
    celery = Celery("sgoodie", broker=broker, backend=broker)
    celery.conf.update(
        task_acks_late=True,  # a worker killed mid-job leaves the message for another worker
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # image jobs are long: do not hoard messages
        task_time_limit=TIME_LIMITS[JOB_TASK][1],
        task_soft_time_limit=TIME_LIMITS[JOB_TASK][0],
        # Longer than the longest hard limit; lost photo jobs are found sooner by the sweeper.
        broker_transport_options={"visibility_timeout": TIME_LIMITS[LONG_JOB_TASK][1] + 100},
        result_expires=3600,
        beat_schedule={
            kind.name: {"task": JOB_TASK, "schedule": float(kind.every), "args": [kind.name, {}]}
            for kind in registry(flask_app).periodic()
        },
        worker_hijack_root_logger=False,  # keep the app's logging (JSON lines with SGOODIE_LOG_FORMAT=json)
    )

    def run(task: Any, kind: str, arguments: dict[str, Any]) -> None:
        with flask_app.app_context():
            delay = run_attempt(kind, arguments, task.request.retries, timed_out=SoftTimeLimitExceeded)
        if delay is not None:
            raise task.retry(countdown=delay)

    # Retries are counted by each kind's own policy (`run_attempt` says when to stop).
    @celery.task(name=JOB_TASK, bind=True, max_retries=None)
    def job(self, kind: str, arguments: dict[str, Any]) -> None:
        run(self, kind, arguments)

    soft, hard = TIME_LIMITS[LONG_JOB_TASK]

    @celery.task(name=LONG_JOB_TASK, bind=True, max_retries=None, soft_time_limit=soft, time_limit=hard)
    def long_job(self, kind: str, arguments: dict[str, Any]) -> None:
        run(self, kind, arguments)

    return celery
