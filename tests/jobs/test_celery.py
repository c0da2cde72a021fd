"""The Celery runner: the worker's two tasks run the app's job registry, beat sends every periodic
kind at its interval."""

from __future__ import annotations

import importlib

from sgoodie.jobs import RETRY, registry
from sgoodie.jobs.celery import JOB_TASK, LONG_JOB_TASK
from sgoodie.photos import lifecycle


def test_celery_runs_the_registry_and_beat_sends_every_periodic_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("SGOODIE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SGOODIE_SCHEDULE_TICK", "7")
    celery_worker = importlib.import_module("celery_worker")
    assert {JOB_TASK, LONG_JOB_TASK} <= set(celery_worker.celery.tasks)
    assert celery_worker.celery.tasks[LONG_JOB_TASK].time_limit == 3600
    schedule = celery_worker.celery.conf.beat_schedule
    periodic = registry(celery_worker.flask_app).periodic()
    assert {kind.name for kind in periodic} >= {"photo.sweep", "trash.sweep", "schedule.publish"}
    assert schedule == {
        kind.name: {"task": JOB_TASK, "schedule": kind.every, "args": [kind.name, {}]} for kind in periodic
    }
    assert schedule["schedule.publish"]["schedule"] == 7
    assert registry(celery_worker.flask_app).get(lifecycle.PROCESS).retry == RETRY
