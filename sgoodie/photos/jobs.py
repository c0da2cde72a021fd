"""The job queue that runs `lifecycle.process`: Celery workers on Redis (AWS backend) or a worker
thread inside the app (embedded default). Built by the app factory; callers only `enqueue`.

Both runners follow one retry policy (`RETRY`, applied by `run_job`): a transient error (storage
unreachable, throttling) is retried with growing delays, and after the last attempt the photo is
marked failed with a human reason. Image problems are never retried: `process` records them.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import redis
from celery import Celery
from flask import Flask

from .. import content
from ..services import JobQueue
from . import lifecycle

log = logging.getLogger("sgoodie.photos")


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


RETRY = RetryPolicy(delays=(5, 20, 60, 180, 300))


def run_job(
    ref: str,
    attempt: int,
    policy: RetryPolicy = RETRY,
    permanent: Mapping[type[BaseException], str] | None = None,
) -> float | None:
    """Run one attempt of a job (inside an app context). Returns the delay before the next
    attempt when a transient error should be retried, None when the job is over (done, failed
    for good, or given up). `permanent` maps errors that retrying cannot help (the Celery soft
    time limit) to the reason the admin reads."""
    try:
        lifecycle.process(ref)
        return None
    except lifecycle.TransitionRefused as exc:  # another job settled the photo meanwhile: nothing to do
        log.info("photo %s: %s", ref, exc)
        return None
    except Exception as exc:  # transient unless `permanent` knows it: retry later, then give up
        reason = next((why for kind, why in (permanent or {}).items() if isinstance(exc, kind)), None)
        if reason is not None:
            lifecycle.give_up(ref, exc, reason=reason)
            return None
        delay = policy.delay_after(attempt)
        if delay is None:
            lifecycle.give_up(ref, exc)
            return None
        log.warning("photo %s: attempt %d failed (%s); retrying in %ss", ref, attempt + 1, exc, delay)
        return delay


SWEEP_EVERY = 300.0  # seconds, like the Celery beat schedule


def housekeeping() -> dict[str, int]:
    """The periodic sweeps (inside an app context): lost photo jobs, the trash, then the plugins'
    periodic work (gallery expiry reminders, say)."""
    swept = lifecycle.sweep()
    swept["trash_emptied"] = content.sweep_trash()
    lifecycle.run_periodic()
    return swept


class ThreadJobs:
    """The embedded default's runner: one daemon thread per app process with its own queue. It
    runs the photo jobs; every `SCHEDULE_TICK` seconds it publishes what is scheduled, and it
    sweeps (lost jobs, the trash) when it starts and every few minutes, as Celery beat does."""

    def __init__(self, app: Flask, policy: RetryPolicy = RETRY):
        self.app = app
        self.policy = policy
        # Scheduled publishing is the background runner's (SGOODIE_BACKGROUND): a test's app that
        # only runs jobs does not tick (its thread may outlive the test's stores).
        self.tick = (
            float(app.config.get("SCHEDULE_TICK") or 20)
            if app.config.get("BACKGROUND_RUNNER", True)
            else None
        )
        self._queue: queue.Queue[tuple[str, int]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, *, sweep_first: bool = True) -> None:
        """Start the thread unless it runs. The app factory starts it at once (without the first
        sweep, so a command run on an empty site does not sweep tables not created yet), so that
        scheduled changes happen after a restart even with no visitors; a queued job starts it
        too."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, args=(sweep_first,), name="sgoodie-runner", daemon=True
                )
                self._thread.start()

    def enqueue(self, ref: str, attempt: int = 0) -> None:
        self.start()
        self._queue.put((ref, attempt))

    def _run(self, sweep_first: bool) -> None:
        swept_at = time.monotonic() if not sweep_first else float("-inf")
        ticked_at = time.monotonic()
        while True:
            if time.monotonic() - swept_at >= SWEEP_EVERY:
                self._housekeeping(housekeeping, "the sweep (lost photo jobs, trash)")
                swept_at = time.monotonic()
            tick = self.tick or SWEEP_EVERY
            if self.tick and time.monotonic() - ticked_at >= tick:  # also between jobs of a long upload
                self._housekeeping(content.run_schedule, "scheduled publishing")
                ticked_at = time.monotonic()
            try:
                ref, attempt = self._queue.get(timeout=max(0.05, tick - (time.monotonic() - ticked_at)))
            except queue.Empty:
                continue
            try:
                with self.app.app_context():
                    delay = run_job(ref, attempt, self.policy)
                if delay is not None:
                    threading.Timer(delay, self.enqueue, args=(ref, attempt + 1)).start()
            except Exception:  # never let one job stop the thread
                log.exception("photo %s: the job runner failed", ref)
            finally:
                self._queue.task_done()

    def _housekeeping(self, task, what: str) -> None:
        try:
            with self.app.app_context():
                task()
        except Exception:
            log.exception("%s failed", what)

    def check(self) -> None:
        if self._thread is not None and not self._thread.is_alive():
            raise RuntimeError("the in-process image worker thread has stopped")

    def wait(self, timeout: float = 60) -> bool:
        """Block until the queue is empty (tests, the CLI). True when it drained in time."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


PROCESS_TASK = "sgoodie.process_photo"
PLUGIN_TASK = "sgoodie.plugin_task"  # plugins' background work: longer time limits (a gallery's ZIP)
SWEEP_TASK = "sgoodie.sweep"
SCHEDULE_TASK = "sgoodie.run_schedule"


class CeleryJobs:
    """The AWS backend: a message on Redis for `celery -A celery_worker worker`."""

    def __init__(self, app: Flask):
        self.broker_url = app.config["REDIS_URL"]
        self.celery = Celery("sgoodie", broker=self.broker_url, backend=self.broker_url)

    def enqueue(self, ref: str) -> None:
        task = PLUGIN_TASK if ref.startswith(lifecycle.TASK_REF_PREFIX) else PROCESS_TASK
        self.celery.send_task(task, args=[ref])

    def check(self) -> None:
        redis.Redis.from_url(self.broker_url, socket_timeout=1, socket_connect_timeout=1).ping()


def build_job_queue(app: Flask) -> JobQueue:
    if app.config["BACKEND"] == "aws" and app.config.get("REDIS_URL"):
        return CeleryJobs(app)
    return ThreadJobs(app)
