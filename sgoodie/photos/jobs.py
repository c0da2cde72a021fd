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


class ThreadJobs:
    """The embedded default's worker: one daemon thread per app process with its own queue. It
    sweeps for lost jobs when it starts and every few minutes while idle, as Celery beat does."""

    def __init__(self, app: Flask, policy: RetryPolicy = RETRY):
        self.app = app
        self.policy = policy
        self._queue: queue.Queue[tuple[str, int]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def enqueue(self, ref: str, attempt: int = 0) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sgoodie-image-jobs", daemon=True)
                self._thread.start()
        self._queue.put((ref, attempt))

    def _run(self) -> None:
        self._sweep()
        while True:
            try:
                ref, attempt = self._queue.get(timeout=SWEEP_EVERY)
            except queue.Empty:
                self._sweep()
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

    def _sweep(self) -> None:
        try:
            with self.app.app_context():
                lifecycle.sweep()
                lifecycle.run_periodic()
        except Exception:
            log.exception("the sweep for lost photo jobs failed")

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
