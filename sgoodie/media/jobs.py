"""Running image jobs: Celery workers on Redis (AWS backend) or a worker thread inside the app
(embedded default). Both run `processing.process_photo`; callers only ever `enqueue`.

Retries: a transient error (storage unreachable, throttling) is retried with growing delays; the
last failure is recorded on the photo with a human reason. Image problems are never retried:
`process_photo` records them itself.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol

from flask import Flask, current_app

from ..services import services

log = logging.getLogger("sgoodie.media")

RETRY_DELAYS = (2, 10, 60)  # seconds before the 2nd, 3rd and 4th attempt
GAVE_UP = "Processing kept failing because storage could not be reached. Use Retry to try again."
STUCK_AFTER = timedelta(minutes=10)  # queued/processing this long: the job was lost (worker killed)
ABANDONED_UPLOAD_AFTER = timedelta(days=1)


class JobQueue(Protocol):
    def enqueue(self, photo_id: str) -> None: ...

    def check(self) -> None:
        """Raise unless jobs can be queued (for /readyz)."""


class ThreadJobs:
    """The embedded default's worker: one daemon thread per app process with its own queue."""

    def __init__(self, app: Flask):
        self.app = app
        self._queue: queue.Queue[tuple[str, int]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def enqueue(self, photo_id: str, attempt: int = 0) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sgoodie-image-jobs", daemon=True)
                self._thread.start()
        self._queue.put((photo_id, attempt))

    def _run(self) -> None:
        from .processing import fail_photo, process_photo

        while True:
            photo_id, attempt = self._queue.get()
            try:
                with self.app.app_context():
                    process_photo(photo_id)
            except Exception as exc:  # transient: retry later, then give up with a reason
                if attempt < len(RETRY_DELAYS):
                    log.warning("photo %s: attempt %d failed (%s); retrying in %ds", photo_id, attempt + 1, exc, RETRY_DELAYS[attempt])
                    threading.Timer(RETRY_DELAYS[attempt], self.enqueue, args=(photo_id, attempt + 1)).start()
                else:
                    log.error("photo %s: giving up after %d attempts: %s", photo_id, attempt + 1, exc)
                    with self.app.app_context():
                        fail_photo(photo_id, GAVE_UP)
            finally:
                self._queue.task_done()

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


class CeleryJobs:
    """The AWS backend: a message on Redis for `celery -A celery_worker worker`."""

    def __init__(self, app: Flask):
        from celery import Celery

        self.celery = Celery("sgoodie", broker=app.config["REDIS_URL"], backend=app.config["REDIS_URL"])
        self.broker_url = app.config["REDIS_URL"]

    def enqueue(self, photo_id: str) -> None:
        self.celery.send_task("sgoodie.process_photo", args=[photo_id])

    def check(self) -> None:
        import redis

        redis.Redis.from_url(self.broker_url, socket_timeout=1, socket_connect_timeout=1).ping()


def init_app(app: Flask) -> JobQueue:
    if app.config["BACKEND"] == "aws" and app.config.get("REDIS_URL"):
        jobs: JobQueue = CeleryJobs(app)
    else:
        jobs = ThreadJobs(app)
    app.extensions["sgoodie_jobs"] = jobs
    return jobs


def job_queue() -> JobQueue:
    return current_app.extensions["sgoodie_jobs"]


def enqueue(photo_id: str) -> None:
    job_queue().enqueue(photo_id)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Re-queue photos whose job was lost (stuck in queued/processing) and fail uploads that
    never finished. Run by Celery beat on AWS, by the worker thread's app on start, and by
    `sgoodie reprocess`."""
    from .processing import fail_photo

    now = now or datetime.now(timezone.utc)
    store = services().store
    requeued = abandoned = 0
    for status in ("queued", "processing"):
        for photo in store.photos_with_status(status):
            if now - _parse(photo.updated_at) > STUCK_AFTER:
                enqueue(photo.id)
                requeued += 1
    for photo in store.photos_with_status("uploading"):
        if now - _parse(photo.updated_at) > ABANDONED_UPLOAD_AFTER:
            fail_photo(photo.id, "The upload never finished. Upload the photo again.")
            abandoned += 1
    return {"requeued": requeued, "abandoned": abandoned}


def reprocess(*, failed: bool = False, everything: bool = False) -> int:
    """Queue photos again: stuck ones always, failed ones with `failed`, every photo with `everything`."""
    from ..content import modify_photo

    store = services().store
    count = sweep()["requeued"]
    statuses = ["failed"] if failed else []
    if everything:
        statuses = ["failed", "ready"]
    for status in statuses:
        for photo in store.photos_with_status(status):
            if not photo.original_key:
                continue
            modify_photo(photo.id, lambda current: setattr(current, "status", "queued"))
            enqueue(photo.id)
            count += 1
    return count


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
