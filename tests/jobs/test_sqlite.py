"""The durable SQLite queue (`SGOODIE_JOBS=sqlite`): the web side only queues, a separate process
claims with a lease, retries by the kind's policy, survives restarts of either side, and runs the
periodic kinds; `sgoodie jobs` is that process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from sgoodie import create_app
from sgoodie.config import ConfigError
from sgoodie.jobs import JobKind, RetryPolicy, registry
from sgoodie.jobs import sqlite as sqlite_jobs
from sgoodie.jobs.sqlite import SQLiteJobs
from sgoodie.jobs.thread import ThreadJobs
from sgoodie.services import services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _app(instance, **config):
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "t", "JOBS": "sqlite", **config}
    )
    with app.app_context():
        services().store.init_schema()
    return app


def _wait_for(condition, timeout: float = 20, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


FAST = RetryPolicy((0.05, 0.05))


def _record(app, name: str, retry=FAST, fail_times: int = 0, gave_up=None):
    """A kind that appends its arguments to a list, failing its first `fail_times` attempts."""
    seen: list[dict] = []

    def run(**arguments):
        seen.append(arguments)
        if len(seen) <= fail_times:
            raise ConnectionError("storage unreachable")

    registry(app).register(JobKind(name, run, retry=retry, gave_up=gave_up))
    return seen


def test_the_setting_picks_the_runner(tmp_path):
    assert isinstance(_app(tmp_path / "a").extensions["sgoodie.services"].jobs, SQLiteJobs)
    assert isinstance(_app(tmp_path / "b", JOBS="").extensions["sgoodie.services"].jobs, ThreadJobs)
    with pytest.raises(ConfigError, match="REDIS_URL"):
        _app(tmp_path / "c", JOBS="celery", REDIS_URL="")


def test_the_web_side_starts_no_runner_and_its_jobs_wait_in_the_file(tmp_path):
    web = _app(tmp_path / "i", BACKGROUND_RUNNER=True)
    seen = _record(web, "test.record")
    with web.app_context():
        services().jobs.enqueue("test.record", photo_id="p1")
        with pytest.raises(ValueError, match="no job kind"):
            services().jobs.enqueue("test.nothing")
    assert seen == [] and (tmp_path / "i" / "jobs.sqlite3").exists()

    # Another process (a new app on the same folder) runs it.
    runner = _app(tmp_path / "i")
    done = _record(runner, "test.record")
    assert runner.extensions["sgoodie.services"].jobs.run_next()
    assert done == [{"photo_id": "p1"}]
    assert runner.extensions["sgoodie.services"].jobs.pending() == 0


def test_a_failing_job_is_retried_by_its_policy_then_given_up(tmp_path):
    app = _app(tmp_path / "i")
    gave_up: list = []
    seen = _record(app, "test.flaky", fail_times=10, gave_up=lambda a, e: gave_up.append(a))
    queue = app.extensions["sgoodie.services"].jobs
    queue.enqueue("test.flaky", n=1)
    assert queue.run_next()
    assert not queue.run_next(), "a retry waits for its delay"
    _wait_for(lambda: queue.run_next(), what="the second attempt")
    _wait_for(lambda: queue.run_next(), what="the third attempt")
    assert len(seen) == 3 and gave_up == [{"n": 1}] and queue.pending() == 0


def test_a_job_whose_runner_died_is_claimed_again_when_its_lease_ends(tmp_path, monkeypatch):
    app = _app(tmp_path / "i")
    seen = _record(app, "test.record")
    dead, alive = SQLiteJobs(app), SQLiteJobs(app)
    dead.enqueue("test.record", n=1)
    assert dead.claim() is not None  # ...and its process is killed before it finishes
    assert alive.claim() is None, "the lease keeps it from others"
    monkeypatch.setattr(
        sqlite_jobs.time, "time", lambda real=time.time: real() + sqlite_jobs.LEASE_SECONDS + 1
    )
    assert alive.run_next() and seen == [{"n": 1}] and alive.pending() == 0


def test_a_restarted_jobs_process_takes_back_at_once_the_job_its_killed_predecessor_held(tmp_path):
    app = _app(tmp_path / "i")
    seen = _record(app, "test.record")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    killed, restarted = SQLiteJobs(app), SQLiteJobs(app)
    killed.runner = f"{os.uname().nodename}:{int(gone.stdout)}:dead"
    killed.enqueue("test.record", n=1)
    assert killed.claim() is not None
    alive = SQLiteJobs(app)  # a runner of this very process: alive, its lease is kept
    alive.enqueue("test.record", n=2)
    assert alive.claim() is not None
    assert restarted.release_dead_runners() == 1
    assert restarted.run_next() and seen == [{"n": 1}]
    assert not restarted.run_next(), "the live runner's job stays with it"


def test_a_job_that_keeps_killing_its_runner_is_dropped(tmp_path, monkeypatch, caplog):
    app = _app(tmp_path / "i")
    seen = _record(app, "test.record")
    queue = SQLiteJobs(app)
    queue.enqueue("test.record", n=1)
    clock = [time.time()]
    monkeypatch.setattr(sqlite_jobs.time, "time", lambda: clock[0])
    for _ in range(sqlite_jobs.MAX_CLAIMS):
        assert queue.claim() is not None
        clock[0] += sqlite_jobs.LEASE_SECONDS + 1
    assert queue.run_next() and seen == [] and queue.pending() == 0
    assert "died 5 times" in caplog.text


def test_two_runners_never_take_the_same_job(tmp_path):
    app = _app(tmp_path / "i")
    seen = _record(app, "test.record")
    queue = app.extensions["sgoodie.services"].jobs
    for n in range(60):
        queue.enqueue("test.record", n=n)

    def drain() -> None:
        runner = SQLiteJobs(app)  # its own connections, as another process would have
        while runner.run_next():
            pass

    runners = [threading.Thread(target=drain) for _ in range(3)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=60)
    assert sorted(job["n"] for job in seen) == list(range(60)) and queue.pending() == 0


def test_the_run_loop_takes_jobs_runs_periodic_kinds_and_reports_to_readyz(tmp_path):
    app = _app(tmp_path / "i")
    ticks: list[float] = []
    registry(app).register(JobKind("test.tick", lambda: ticks.append(time.monotonic()), every=0.1))
    seen = _record(app, "test.record")
    queue = app.extensions["sgoodie.services"].jobs
    with pytest.raises(RuntimeError, match="no jobs process"):
        queue.check()
    stop = threading.Event()
    loop = threading.Thread(target=queue.run, args=(stop,))
    loop.start()
    try:
        queue.enqueue("test.record", n=1)
        _wait_for(lambda: seen == [{"n": 1}] and len(ticks) >= 3, what="the job and three ticks")
        queue.check()
        assert app.test_client().get("/readyz").get_json()["checks"]["job_queue"]["ok"]
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive()
    with pytest.raises(RuntimeError, match="no jobs process"):
        queue.check()


def test_sgoodie_jobs_runs_until_sigterm_and_refuses_other_runners(tmp_path):
    env = {
        **os.environ,
        "SGOODIE_INSTANCE_PATH": str(tmp_path / "i"),
        "SECRET_KEY": "t",
        "SGOODIE_JOBS": "thread",
    }
    refused = subprocess.run(
        [sys.executable, "-m", "sgoodie", "jobs"], env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode != 0 and "runs the sqlite queue only" in refused.stderr

    env["SGOODIE_JOBS"] = "sqlite"
    web = _app(tmp_path / "i")
    queue = web.extensions["sgoodie.services"].jobs
    with web.app_context():
        queue.enqueue("schedule.publish")  # a real kind: the schedule, with nothing due
    process = subprocess.Popen([sys.executable, "-m", "sgoodie", "jobs"], env=env, cwd=ROOT)
    try:
        _wait_for(lambda: queue.pending() == 0, timeout=60, what="the jobs process to run the job")
        _wait_for(lambda: _checks_in(queue), what="a heartbeat")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def _checks_in(queue: SQLiteJobs) -> bool:
    try:
        queue.check()
    except RuntimeError:
        return False
    return True
