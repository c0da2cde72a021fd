"""The job queue: one retry policy for the worker thread and Celery, transitions that make no
sense refused, the sweeper, and no request ever running the variant pipeline."""

from __future__ import annotations

import importlib
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask import has_request_context

from sgoodie import content, photos, signals
from sgoodie.admin.pages import edit_stamp
from sgoodie.domain import Photo, Project
from sgoodie.jobs import RETRY, RetryPolicy, registry, run_attempt
from sgoodie.jobs.celery import JOB_TASK, LONG_JOB_TASK
from sgoodie.jobs.thread import ThreadJobs
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import lifecycle
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
        project = content.projects.create(Project(title="Life", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None  # run the job here, below
        assert photos.mark_uploaded(photo).photo.status == "queued"
        ready = photos.process(photo.id)
        assert ready.status == "ready"
        assert photos.mark_uploaded(ready).photo == ready  # a late S3 event changes nothing
        with pytest.raises(photos.TransitionRefused):
            photos.retry(ready)  # only a failed photo is retried
        assert services().store.get_photo(photo.id) == ready


def _with_policy(app, policy: RetryPolicy) -> None:
    """The photo job with a faster retry policy (seconds apart in production)."""
    registry(app).register(replace(registry(app).get(lifecycle.PROCESS), retry=policy), replace=True)


def _attempt(photo_id: str, attempt: int, **options) -> float | None:
    return run_attempt(lifecycle.PROCESS, {"photo_id": photo_id}, attempt, **options)


def test_transient_errors_are_retried_by_the_policy_then_given_up(app, jpeg, monkeypatch):
    _with_policy(app, RetryPolicy(delays=(0.01, 0.01)))
    with app.test_request_context():
        project = content.projects.create(Project(title="Flaky", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None
        photos.mark_uploaded(photo)
        monkeypatch.setattr(
            services().blobs, "get", lambda key: (_ for _ in ()).throw(ConnectionError("storage unreachable"))
        )
        assert _attempt(photo.id, 0) == 0.01
        assert _attempt(photo.id, 1) == 0.01
        assert _attempt(photo.id, 2) is None  # the last attempt: given up
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and failed.error == photos.GAVE_UP and failed.attempts == 3


def test_the_worker_thread_retries_with_the_policy_until_storage_answers(app, jpeg, monkeypatch):
    with app.test_request_context():
        project = content.projects.create(Project(title="Comes back", category="travel"))
        photo = _uploaded_photo(project, jpeg())
    real_get, failures = services_get(app), []

    def flaky_get(key):
        if len(failures) < 2:
            failures.append(key)
            raise ConnectionError("storage unreachable")
        return real_get(key)

    _with_policy(app, RetryPolicy(delays=(0.05, 0.05, 0.05)))
    jobs = ThreadJobs(app)
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


def _edit_stamp(app, page_id):
    with app.app_context():
        return edit_stamp(services().store.get_pages([page_id])[page_id])


def services_get(app):
    with app.app_context():
        return services().blobs.get


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


def test_the_sweeper_requeues_lost_jobs_and_fails_abandoned_uploads(app, jpeg, held_jobs):
    with app.test_request_context():
        project = content.projects.create(Project(title="Lost", category="travel"))
        lost = _uploaded_photo(project, jpeg())
        photos.mark_uploaded(lost)
        abandoned = _uploaded_photo(project, jpeg())
        held_jobs.queued.clear()
        later = datetime.now(UTC) + timedelta(days=2)
        assert photos.sweep(now=later) == {"requeued": 1, "abandoned": 1}
        assert held_jobs.photo_ids() == [lost.id]
        gone = services().store.get_photo(abandoned.id)
        assert gone.status == "failed" and gone.error == lifecycle.NEVER_FINISHED


def test_no_request_runs_the_variant_pipeline(app, client, admin, jpeg, monkeypatch):
    """Uploads of project and page photos: the pipeline runs only in the job, outside requests."""
    calls: list[bool] = []
    real = lifecycle.make_variants

    def watched(data, *options):
        calls.append(has_request_context())
        return real(data, *options)

    monkeypatch.setattr(lifecycle, "make_variants", watched)
    with app.app_context():
        project = content.projects.create(Project(title="Watched", category="travel"))
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
        "version": _edit_stamp(app, "about"),
    }
    assert admin.post("/admin/pages/about", form, content_type="multipart/form-data").status_code == 302
    with app.app_context():
        assert services().jobs.wait(timeout=60)
    assert calls == [False, False]


def test_a_duplicate_job_that_loses_the_race_is_done_not_retried(app, jpeg, monkeypatch):
    """Two messages for one photo: the one finishing second finds it ready, and that is no error."""
    with app.test_request_context():
        project = content.projects.create(Project(title="Twice at once", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None
        photos.mark_uploaded(photo)
        real, nested = lifecycle.make_variants, []

        def the_other_job_finishes_first(data, *options):
            if not nested:
                nested.append(True)
                photos.process(photo.id)  # the duplicate, while this one is still rendering
            return real(data, *options)

        monkeypatch.setattr(lifecycle, "make_variants", the_other_job_finishes_first)
        assert _attempt(photo.id, 0) is None
        assert services().store.get_photo(photo.id).status == "ready"


def test_two_callbacks_for_a_bad_upload_both_answer(app, jpeg):
    """The browser's callback and the S3 event can both see `uploading`; the second finds the
    photo already failed and says so instead of failing itself."""
    with app.test_request_context():
        project = content.projects.create(Project(title="Both", category="travel"))
        photo = photos.register_upload(project.id, "a.jpg", "image/jpeg", "jpg", 10)
        services().blobs.put(photo.original_key, jpeg(), content_type="image/jpeg")  # not the size announced
        first, second = photos.mark_uploaded(photo), photos.mark_uploaded(photo)
        assert first.refused and first.photo.status == "failed"
        assert second.refused and second.photo.status == "failed"
        assert photos.fail(photo.id, "a second reason").error == first.photo.error  # the first one stands


def test_a_photo_whose_job_keeps_dying_is_failed_after_a_few_starts(app, jpeg):
    with app.test_request_context():
        project = content.projects.create(Project(title="Dies", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None
        photos.mark_uploaded(photo)
        photo_edits.modify(photo.id, lambda current: setattr(current, "attempts", lifecycle.MAX_ATTEMPTS))
        failed = photos.process(photo.id)
        assert failed.status == "failed" and failed.error == lifecycle.TOO_MANY_ATTEMPTS
        assert photos.retry(failed).attempts == 0  # Retry starts the count again


def test_errors_retrying_cannot_help_fail_at_once_with_their_reason(app, jpeg, monkeypatch):
    with app.test_request_context():
        project = content.projects.create(Project(title="Slow", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None
        photos.mark_uploaded(photo)
        monkeypatch.setattr(
            lifecycle,
            "make_variants",
            lambda data, *options: (_ for _ in ()).throw(TimeoutError("soft limit")),
        )
        assert _attempt(photo.id, 0, timed_out=TimeoutError) is None
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and failed.error == lifecycle.TOO_SLOW


def test_the_sweeper_does_not_pile_up_messages_for_a_waiting_photo(app, jpeg, held_jobs):
    with app.test_request_context():
        project = content.projects.create(Project(title="Backlog", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        photos.mark_uploaded(photo)
        held_jobs.queued.clear()
        second = timedelta(seconds=1)
        assert photos.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER + second)["requeued"] == 1
        # Touched when it was sent again: the sweeps wait as long again before another message.
        assert photos.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER - second)["requeued"] == 0
        assert held_jobs.photo_ids() == [photo.id]
        assert photos.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER + second)["requeued"] == 1


def test_reprocessing_every_photo_keeps_page_photos_on_the_site(app, jpeg):
    with app.test_request_context():
        services().jobs.enqueue = lambda kind, **arguments: None
        page = services().store.get_pages(["about"])["about"]
        page.images["portrait"] = photos.store_page_upload("about", io.BytesIO(jpeg()), "Me")
        content.pages.save(page)
        image_id = page.images["portrait"]["id"]
        photos.process(image_id, page_id="about")
        assert photos.reprocess(everything=True) == 1
        about = services().store.get_pages(["about"])["about"]
        assert about.images["portrait"]["status"] == "queued" and about.image("portrait") is not None
        services().blobs.delete_many([about.images["portrait"]["original_key"]])
        photos.process(image_id, page_id="about")  # the re-render fails for good
        about = services().store.get_pages(["about"])["about"]
        assert about.images["portrait"]["status"] == "failed" and about.image("portrait") is not None


def test_a_page_photo_job_purges_its_page_once_when_the_photo_is_ready(app, jpeg):
    """Queued, processing and failed change nothing visitors see; only ready purges the page."""
    purges: list[set[str]] = []

    def heard(sender, tags, **_):
        purges.append(tags)

    signals.cache_purged.connect(heard, sender=app)
    with app.test_request_context():
        services().jobs.enqueue = lambda kind, **arguments: None
        page = services().store.get_pages(["about"])["about"]
        page.images["portrait"] = photos.store_page_upload("about", io.BytesIO(jpeg()), "Me")
        content.pages.save(page)
        purges.clear()
        photos.process(page.images["portrait"]["id"], page_id="about")
    assert purges == [{"page:about"}]
