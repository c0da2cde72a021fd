"""The job registry: kinds by name, one retry policy applied by `run_attempt`, periodic kinds on
the worker thread, plugins' tasks and periodic functions registered like the core's."""

from __future__ import annotations

import threading

import pytest

from sgoodie import create_app
from sgoodie.jobs import JobKind, Permanent, RetryPolicy, TimedOut, registry, run_attempt
from sgoodie.jobs.thread import ThreadJobs
from sgoodie.plugin_api import Plugin


def test_a_kind_is_registered_once(app):
    kind = JobKind("test.once", lambda: None)
    registry(app).register(kind)
    with pytest.raises(ValueError, match="test.once"):
        registry(app).register(JobKind("test.once", lambda: None))
    faster = JobKind("test.once", lambda: None, retry=RetryPolicy(delays=(0.1,)))
    assert registry(app).register(faster, replace=True) is registry(app).get("test.once")


def test_transient_errors_wait_by_the_policy_then_the_kind_gives_up(app):
    gave_up: list[tuple[dict, BaseException]] = []

    def flaky(photo_id: str) -> None:
        raise ConnectionError(f"storage unreachable for {photo_id}")

    registry(app).register(
        JobKind("test.flaky", flaky, retry=RetryPolicy((1, 2)), gave_up=lambda a, e: gave_up.append((a, e)))
    )
    with app.app_context():
        assert [run_attempt("test.flaky", {"photo_id": "p"}, n) for n in range(3)] == [1, 2, None]
    assert gave_up[0][0] == {"photo_id": "p"} and isinstance(gave_up[0][1], ConnectionError)


@pytest.mark.parametrize("error", [Permanent("cannot help"), TimedOut("too slow")])
def test_errors_retrying_cannot_help_give_up_at_once(app, error):
    gave_up: list[BaseException] = []

    def fails() -> None:
        raise error

    registry(app).register(JobKind("test.hopeless", fails, gave_up=lambda a, e: gave_up.append(e)))
    with app.app_context():
        assert run_attempt("test.hopeless", {}, 0) is None
    assert gave_up == [error]


def test_the_runners_own_time_limit_error_counts_as_timed_out(app):
    gave_up: list[BaseException] = []

    class SoftLimit(Exception):
        pass

    def slow() -> None:
        raise SoftLimit()

    registry(app).register(JobKind("test.slow", slow, gave_up=lambda a, e: gave_up.append(e)))
    with app.app_context():
        assert run_attempt("test.slow", {}, 0, timed_out=SoftLimit) is None
    assert isinstance(gave_up[0], TimedOut)


def test_a_kind_nobody_registers_any_more_is_dropped(app, caplog):
    with app.app_context():
        assert run_attempt("plugin.gone.zip", {"argument": "x"}, 0) is None
    assert "no such kind" in caplog.text


def test_a_periodic_kind_is_not_retried_its_next_tick_runs_it(app):
    def broken() -> None:
        raise RuntimeError("mail server down")

    registry(app).register(JobKind("test.every", broken, every=60))
    with app.app_context():
        assert run_attempt("test.every", {}, 0) is None


def test_queueing_an_unknown_kind_is_refused_at_once(app):
    with pytest.raises(ValueError, match="no job kind named 'photo.proces'"):
        app.extensions["sgoodie.services"].jobs.enqueue("photo.proces", photo_id="x")


def test_the_worker_thread_runs_each_periodic_kind_even_when_another_raises(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "BACKGROUND_RUNNER": True})
    ran = threading.Event()

    def broken() -> None:
        raise RuntimeError("mail server down")

    # Only these two: the core's periodic kinds would read tables this test never made.
    jobs = registry(app)
    for kind in jobs.periodic():
        jobs.register(JobKind(kind.name, lambda: None, every=kind.every), replace=True)
    jobs.register(JobKind("test.broken", broken, every=3600))
    jobs.register(JobKind("test.fine", ran.set, every=3600))
    runner = ThreadJobs(app)
    runner.start(periodic_first=True)
    assert ran.wait(timeout=30)
    runner.check()  # the thread survived the broken one


def test_plugins_tasks_and_periodic_functions_become_kinds():
    plugin = Plugin("journal")
    done: list[str] = []

    @plugin.task("publish")
    def publish(argument: str) -> None:
        done.append(argument)

    @plugin.periodic
    def tidy() -> None:
        done.append("tidy")

    kinds = {kind.name: kind for kind in plugin.job_kinds()}
    assert set(kinds) == {"plugin.journal.publish", "plugin.journal.tidy"}
    assert kinds["plugin.journal.publish"].long and not kinds["plugin.journal.publish"].every
    assert kinds["plugin.journal.tidy"].every == 300
    kinds["plugin.journal.publish"].run(argument="post-1")
    kinds["plugin.journal.tidy"].run()
    assert done == ["post-1", "tidy"]


def test_a_task_name_that_is_not_a_plain_word_is_refused():
    with pytest.raises(ValueError, match="task names"):
        Plugin("journal").task("make:zip")
