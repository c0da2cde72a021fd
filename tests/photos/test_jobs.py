"""The job queue: one retry policy for the worker thread and Celery, transitions that make no
sense refused, the sweeper, and no request ever running the variant pipeline."""

from __future__ import annotations

import importlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import has_request_context

from sgoodie import content, photos
from sgoodie.domain import Photo, Project
from sgoodie.photos import lifecycle
from sgoodie.photos.jobs import RetryPolicy, ThreadJobs, run_job
from sgoodie.services import services


def _uploaded_photo(project: Project, data: bytes) -> Photo:
    photo = photos.register_upload(project.id, "a.jpg", "image/jpeg", "jpg", len(data))
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    return photo


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("ready", "uploading"),
        ("ready", "processing"),
        ("failed", "ready"),
        ("uploading", "ready"),
        ("queued", "uploading"),
    ],
)
def test_transitions_that_make_no_sense_are_refused(current, new):
    with pytest.raises(photos.TransitionRefused):
        photos.check_transition(current, new)


def test_every_status_can_reach_ready_or_failed():
    reachable = {"uploading"}
    while True:
        more = reachable | {new for status in reachable for new in photos.TRANSITIONS[status]}
        if more == reachable:
            break
        reachable = more
    assert reachable == set(photos.TRANSITIONS)


def test_a_ready_photo_cannot_be_uploaded_again_or_reprocessed_by_a_stray_message(app, jpeg):
    with app.test_request_context():
        project = content.create_project(Project(title="Life", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda ref: None  # run the job here, below
        assert photos.mark_uploaded(photo).photo.status == "queued"
        ready = photos.process(photo.id)
        assert ready.status == "ready"
        assert photos.mark_uploaded(ready).photo == ready  # a late S3 event changes nothing
        with pytest.raises(photos.TransitionRefused):
            photos.retry(ready)  # only a failed photo is retried
        assert services().store.get_photo(photo.id) == ready


def test_transient_errors_are_retried_by_the_policy_then_given_up(app, jpeg, monkeypatch):
    policy = RetryPolicy(delays=(0.01, 0.01))
    with app.test_request_context():
        project = content.create_project(Project(title="Flaky", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda ref: None
        photos.mark_uploaded(photo)
        monkeypatch.setattr(
            services().blobs, "get", lambda key: (_ for _ in ()).throw(ConnectionError("storage unreachable"))
        )
        assert run_job(photo.id, 0, policy) == 0.01
        assert run_job(photo.id, 1, policy) == 0.01
        assert run_job(photo.id, 2, policy) is None  # the last attempt: given up
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and failed.error == photos.GAVE_UP and failed.attempts == 3


def test_the_worker_thread_retries_with_the_policy_until_storage_answers(app, jpeg, monkeypatch):
    with app.test_request_context():
        project = content.create_project(Project(title="Comes back", category="travel"))
        photo = _uploaded_photo(project, jpeg())
    real_get, failures = services_get(app), []

    def flaky_get(key):
        if len(failures) < 2:
            failures.append(key)
            raise ConnectionError("storage unreachable")
        return real_get(key)

    jobs = ThreadJobs(app, RetryPolicy(delays=(0.05, 0.05, 0.05)))
    with app.app_context():
        monkeypatch.setattr(services().blobs, "get", flaky_get)
        services().jobs = jobs
        photos.mark_uploaded(services().store.get_photo(photo.id))
    deadline = datetime.now() + timedelta(seconds=30)
    while datetime.now() < deadline:
        jobs.wait(timeout=5)
        with app.app_context():
            current = services().store.get_photo(photo.id)
        if current.status in ("ready", "failed"):
            break
    assert current.status == "ready" and current.attempts == 3


def services_get(app):
    with app.app_context():
        return services().blobs.get


def test_celery_uses_the_same_policy_and_job_body(tmp_path, monkeypatch):
    monkeypatch.setenv("SGOODIE_INSTANCE_PATH", str(tmp_path))
    celery_worker = importlib.import_module("celery_worker")
    task = celery_worker.process_photo
    assert task.max_retries == photos.RETRY.attempts - 1
    assert celery_worker.run_job is photos.run_job


def test_the_sweeper_requeues_lost_jobs_and_fails_abandoned_uploads(app, jpeg):
    queued: list[str] = []
    with app.test_request_context():
        services().jobs.enqueue = queued.append
        project = content.create_project(Project(title="Lost", category="travel"))
        lost = _uploaded_photo(project, jpeg())
        photos.mark_uploaded(lost)
        abandoned = _uploaded_photo(project, jpeg())
        queued.clear()
        later = datetime.now(UTC) + timedelta(days=2)
        assert photos.sweep(now=later) == {"requeued": 1, "abandoned": 1}
        assert queued == [lost.id]
        gone = services().store.get_photo(abandoned.id)
        assert gone.status == "failed" and gone.error == lifecycle.NEVER_FINISHED


def test_no_request_runs_the_variant_pipeline(app, client, admin, jpeg, monkeypatch):
    """Uploads of project and page photos: the pipeline runs only in the job, outside requests."""
    calls: list[bool] = []
    real = lifecycle.make_variants

    def watched(data):
        calls.append(has_request_context())
        return real(data)

    monkeypatch.setattr(lifecycle, "make_variants", watched)
    with app.app_context():
        project = content.create_project(Project(title="Watched", category="travel"))
    data = jpeg()
    grant = admin.post_json(
        "/api/media/uploads",
        {"project_id": project.id, "filename": "a.jpg", "content_type": "image/jpeg", "size": len(data)},
    )
    upload = grant.get_json()["upload"]
    assert (
        client.post(upload["url"], data={**upload["fields"], "file": (io.BytesIO(data), "a.jpg")}).status_code
        == 204
    )
    assert (
        admin.post_json(f"/api/media/uploads/{grant.get_json()['photo_id']}/complete", {}).status_code == 202
    )
    form = {
        "heading": "About",
        "bio": "",
        "seo_title": "",
        "seo_description": "",
        "portrait-choice": "",
        "portrait-alt": "Me",
        "portrait-upload": (io.BytesIO(jpeg()), "me.jpg"),
        "version": "0",
    }
    assert admin.post("/admin/pages/about", form, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        assert services().jobs.wait(timeout=60)
    assert calls == [False, False]
