"""The single server's runner: a durable queue in SQLite, run by a separate `sgoodie jobs` process.

The web workers only add rows (`enqueue`); the jobs process (`SQLiteJobs.run`) claims them one at
a time with a lease, runs them with the registry's policy (`run_attempt`), deletes a finished job
and puts a failed one back with its retry delay. It also runs the periodic kinds (the schedule,
the sweeps) at their intervals. The queue is its own file beside the content database
(`jobs.sqlite3`), so restarting either process loses nothing: a job whose runner was killed
mid-run is claimed again when its lease ends (at once when the jobs process starts again on the
same machine and finds its runner gone), and one that keeps killing its runner is dropped
after `MAX_CLAIMS` starts (the sweeper finds its photo again and fails it after its own count).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from .registry import registry, run_attempt

log = logging.getLogger("sgoodie.jobs")

FILENAME = "jobs.sqlite3"
# A claimed job belongs to its runner this long; after that another claim may take it (its runner
# died). Longer than any job of its kind should take, as Celery's hard time limits are.
LEASE_SECONDS = 600
LONG_LEASE_SECONDS = 3900
MAX_CLAIMS = 5
IDLE_POLL = 0.25  # seconds between looks at an empty queue: a cheap indexed read
HEARTBEAT_EVERY = 10
# /readyz fails when no jobs process has checked in for this long.
HEARTBEAT_STALE = 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    arguments TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    claims INTEGER NOT NULL DEFAULT 0,
    run_at REAL NOT NULL,
    lease_until REAL,
    runner TEXT
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (run_at);
CREATE TABLE IF NOT EXISTS runners (
    runner TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    seen_at REAL NOT NULL
);
"""


_FREE_AND_DUE = "run_at <= ? AND (lease_until IS NULL OR lease_until < ?)"


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    arguments: dict[str, Any]
    attempt: int
    claims: int


class SQLiteJobs:
    """Queues jobs in `<instance>/jobs.sqlite3`; `run()` is the jobs process's loop."""

    def __init__(self, app: Flask):
        self.app = app
        self.path = Path(app.config["INSTANCE_PATH"]) / FILENAME
        self.runner = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._local = threading.local()

    # -- the queue ------------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked gunicorn worker opens its own)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across a process kill
            conn.executescript(SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def enqueue(self, kind: str, /, **arguments: Any) -> None:
        if registry(self.app).get(kind) is None:
            raise ValueError(f"no job kind named {kind!r}")
        self._connection().execute(
            "INSERT INTO jobs (kind, arguments, run_at) VALUES (?, ?, ?)",
            (kind, json.dumps(arguments), time.time()),
        )

    def pending(self) -> int:
        """Jobs queued or running (tests, operators)."""
        return self._connection().execute("SELECT count(*) FROM jobs").fetchone()[0]

    def check(self) -> None:
        """The queue answers and a jobs process checked in lately (for /readyz)."""
        row = self._connection().execute("SELECT max(seen_at) FROM runners").fetchone()
        if row[0] is None:
            raise RuntimeError("no jobs process has started: run `sgoodie jobs`")
        silent = time.time() - row[0]
        if silent > HEARTBEAT_STALE:
            raise RuntimeError(f"the jobs process has not checked in for {silent:.0f} s")

    def claim(self) -> Claimed | None:
        """Take the next due job whose lease is free (never taken, or its runner died)."""
        conn = self._connection()
        now = time.time()
        if conn.execute(f"SELECT 1 FROM jobs WHERE {_FREE_AND_DUE}", (now, now)).fetchone() is None:
            return None  # an idle queue is only read: the web workers never wait on its write lock
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                f"SELECT id, kind, arguments, attempt, claims FROM jobs WHERE {_FREE_AND_DUE}"
                " ORDER BY run_at, id LIMIT 1",
                (now, now),
            ).fetchone()
            if row is not None:
                kind = registry(self.app).get(row[1])
                lease = LONG_LEASE_SECONDS if kind is not None and kind.long else LEASE_SECONDS
                conn.execute(
                    "UPDATE jobs SET lease_until = ?, runner = ?, claims = claims + 1 WHERE id = ?",
                    (now + lease, self.runner, row[0]),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if row is None:
            return None
        return Claimed(row[0], row[1], json.loads(row[2]), row[3], row[4] + 1)

    def _finish(self, job: Claimed, delay: float | None) -> None:
        """Done (or given up): gone. To be retried: back in the queue after its delay."""
        conn = self._connection()
        if delay is None:
            conn.execute("DELETE FROM jobs WHERE id = ?", (job.id,))
        else:
            conn.execute(
                "UPDATE jobs SET attempt = attempt + 1, claims = 0, run_at = ?, lease_until = NULL,"
                " runner = NULL WHERE id = ?",
                (time.time() + delay, job.id),
            )

    def run_next(self) -> bool:
        """Run one due job, if any. True when there was one."""
        job = self.claim()
        if job is None:
            return False
        if job.claims > MAX_CLAIMS:  # each of its last starts ended with its runner
            log.error("job %s%s: its runner died %d times; dropped", job.kind, job.arguments, MAX_CLAIMS)
            self._finish(job, None)
            return True
        self._finish(job, self._attempt(job.kind, job.arguments, job.attempt))
        return True

    def _attempt(self, kind: str, arguments: dict[str, Any], attempt: int) -> float | None:
        try:
            with self.app.app_context():
                return run_attempt(kind, arguments, attempt)
        except Exception:  # never let one job stop the process
            log.exception("job %s: the runner failed", kind)
            return None

    def release_dead_runners(self) -> int:
        """Free at once the jobs leased by processes of this machine that are gone (killed, out of
        memory), instead of when their leases end. Returns how many."""
        conn = self._connection()
        host = f"{os.uname().nodename}:"
        leased = conn.execute("SELECT DISTINCT runner FROM jobs WHERE runner LIKE ?", (host + "%",))
        released = 0
        for (runner,) in leased.fetchall():
            if not _alive(int(runner.split(":")[1])):
                freed = conn.execute(
                    "UPDATE jobs SET lease_until = NULL, runner = NULL WHERE runner = ?", (runner,)
                )
                released += freed.rowcount
        return released

    # -- the jobs process -------------------------------------------------------------------------
    def heartbeat(self) -> None:
        self._connection().execute(
            "INSERT INTO runners (runner, pid, seen_at) VALUES (?, ?, ?)"
            " ON CONFLICT (runner) DO UPDATE SET seen_at = excluded.seen_at",
            (self.runner, os.getpid(), time.time()),
        )

    def _forget_runner(self) -> None:
        conn = self._connection()
        conn.execute("DELETE FROM runners WHERE runner = ?", (self.runner,))
        conn.execute("DELETE FROM runners WHERE seen_at < ?", (time.time() - 86400,))

    def run(self, stop: threading.Event) -> None:
        """Until `stop` is set: the due jobs, and every periodic kind at its interval (first at
        once: a restart catches up on what was due). A job running when `stop` is set finishes."""
        periodic = PeriodicKinds(self.app)
        beat_at = 0.0
        log.info("jobs process %s: taking jobs from %s", self.runner, self.path)
        if released := self.release_dead_runners():
            log.warning("jobs process %s: took back %d jobs of a process that died", self.runner, released)
        try:
            while not stop.is_set():
                if time.monotonic() - beat_at >= HEARTBEAT_EVERY:
                    self.heartbeat()
                    beat_at = time.monotonic()
                periodic.run_due(self._attempt)
                if not self.run_next():
                    stop.wait(min(IDLE_POLL, periodic.seconds_to_next()))
        finally:
            self._forget_runner()
            log.info("jobs process %s: stopped", self.runner)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class PeriodicKinds:
    """When each periodic kind of the registry last ran, and running the ones due."""

    def __init__(self, app: Flask):
        self.kinds = registry(app).periodic()
        self.last_run = {kind.name: float("-inf") for kind in self.kinds}

    def run_due(self, attempt) -> None:
        for kind in self.kinds:
            if time.monotonic() - self.last_run[kind.name] >= kind.every:
                attempt(kind.name, {}, 0)  # a failed tick is not retried: the next one runs it
                self.last_run[kind.name] = time.monotonic()

    def seconds_to_next(self) -> float:
        due = min((self.last_run[k.name] + k.every for k in self.kinds), default=time.monotonic() + 300)
        return max(0.0, due - time.monotonic())
