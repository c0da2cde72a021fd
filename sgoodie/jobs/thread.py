"""The embedded default's runner: one daemon thread per app process with its own queue.

It runs queued jobs with their kind's retry policy (a retry waits on a timer, then queues the job
again) and, when it is the app's background runner (`SGOODIE_BACKGROUND`), the periodic kinds at
their intervals: scheduled publishing every `SGOODIE_SCHEDULE_TICK` seconds, the sweeps every five
minutes, as Celery beat does on AWS. A job queued in a process that stops is lost until a sweep
finds its photo again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from flask import Flask

from .registry import registry, run_attempt

log = logging.getLogger("sgoodie.jobs")


class ThreadJobs:
    def __init__(self, app: Flask):
        self.app = app
        # Periodic work is the background runner's: a test's app that only runs jobs runs none
        # (its thread may outlive the test's stores).
        self.periodic = bool(app.config.get("BACKGROUND_RUNNER", True))
        self._queue: queue.Queue[tuple[str, dict[str, Any], int]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, *, periodic_first: bool = True) -> None:
        """Start the thread unless it runs. The app factory starts it at once (without running the
        periodic kinds first, so a command run on an empty site does not sweep tables not created
        yet), so that scheduled changes happen after a restart even with no visitors; a queued
        job starts it too."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, args=(periodic_first,), name="sgoodie-runner", daemon=True
                )
                self._thread.start()

    def enqueue(self, kind: str, /, **arguments: Any) -> None:
        self._put(kind, arguments, 0)

    def _put(self, kind: str, arguments: dict[str, Any], attempt: int) -> None:
        if registry(self.app).get(kind) is None:
            raise ValueError(f"no job kind named {kind!r}")
        self.start()
        self._queue.put((kind, arguments, attempt))

    def _run(self, periodic_first: bool) -> None:
        now = time.monotonic()
        kinds = registry(self.app).periodic() if self.periodic else []
        last_run = {kind.name: float("-inf") if periodic_first else now for kind in kinds}
        while True:
            for kind in kinds:  # between jobs too: a long upload does not hold back publishing
                if time.monotonic() - last_run[kind.name] >= kind.every:
                    self._run_one(kind.name, {}, 0)
                    last_run[kind.name] = time.monotonic()
            next_due = min((last_run[k.name] + k.every for k in kinds), default=time.monotonic() + 300)
            try:
                name, arguments, attempt = self._queue.get(timeout=max(0.05, next_due - time.monotonic()))
            except queue.Empty:
                continue
            try:
                delay = self._run_one(name, arguments, attempt)
                if delay is not None:
                    threading.Timer(delay, self._put, args=(name, arguments, attempt + 1)).start()
            finally:
                self._queue.task_done()

    def _run_one(self, name: str, arguments: dict[str, Any], attempt: int) -> float | None:
        try:
            with self.app.app_context():
                return run_attempt(name, arguments, attempt)
        except Exception:  # never let one job stop the thread
            log.exception("job %s: the runner failed", name)
            return None

    def check(self) -> None:
        if self._thread is not None and not self._thread.is_alive():
            raise RuntimeError("the in-process job runner thread has stopped")

    def wait(self, timeout: float = 60) -> bool:
        """Block until the queue is empty (tests, the CLI). True when it drained in time."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True
