"""The photo job, for a project's photo and a page's alike: ready, failed with a reason,
idempotent, isolated from other photos, never in a request; transient errors retried by the
policy, errors retrying cannot help failed at once."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timedelta

from flask import has_request_context

from sgoodie import content, signals
from sgoodie.admin.pages import edit_stamp
from sgoodie.blobs import in_trash, original_key
from sgoodie.domain import Photo, Project
from sgoodie.jobs import RetryPolicy, registry, run_attempt
from sgoodie.jobs.thread import ThreadJobs
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import homes, lifecycle, processing, uploads
from sgoodie.photos.lifecycle import MISSING_ORIGINAL
from sgoodie.photos.processing import process as process_photo
from sgoodie.services import services
from tests.photos.test_lifecycle import _uploaded_photo


def _checked_in(title: str, data: bytes) -> Photo:
    """A new project's photo whose upload was checked: queued, its job left for the test to run."""
    project = content.projects.create(Project(title=title, category="travel"))
    photo = _uploaded_photo(project, data)
    services().jobs.enqueue = lambda kind, **arguments: None
    uploads.mark_uploaded(photo)
    return photo


def _stored_photo(project, data: bytes, name="a.jpg") -> Photo:
    photo = Photo(project_id=project.id, status="queued", filename=name, alt_text=name)
    photo.original_key = original_key(project.id, photo.id, "jpg")
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    return services().store.add_photo(photo)


def test_a_good_photo_becomes_ready_and_the_cover(app, jpeg):
    with app.test_request_context():
        project = content.projects.create(Project(title="Jobs", category="travel"))
        photo = _stored_photo(project, jpeg())
        ready = process_photo(photo.id)
        assert ready.status == "ready" and ready.attempts == 1 and ready.error == ""
        assert (ready.width, ready.height) == (1200, 800)
        assert sorted({v.width for v in ready.variants}) == [320, 640, 960, 1200]  # never upscaled
        assert len(ready.variants) == 4 * 3
        assert all(services().blobs.head(v.key) for v in ready.variants)
        assert services().store.get_project(project.id).cover_photo_id == photo.id


def test_a_broken_photo_fails_with_its_reason_and_touches_nothing_else(app, jpeg):
    with app.test_request_context():
        project = content.projects.create(Project(title="Mixed", category="travel"))
        good = _stored_photo(project, jpeg(), "good.jpg")
        process_photo(good.id)
        before = services().store.get_photo(good.id)
        broken = _stored_photo(project, jpeg()[:3000], "cut.jpg")
        failed = process_photo(broken.id)
        assert failed.status == "failed" and "incomplete" in failed.error
        assert services().store.get_photo(good.id) == before
        assert services().store.get_project(project.id).cover_photo_id == good.id
        assert services().blobs.list_keys(f"projects/{project.id}/variants/{broken.id}/") == []


def test_a_second_job_for_a_ready_photo_changes_nothing(app, jpeg):
    """Celery delivers at least once: a duplicate message must not re-render or re-count."""
    with app.test_request_context():
        project = content.projects.create(Project(title="Twice", category="travel"))
        photo = _stored_photo(project, jpeg())
        first = process_photo(photo.id)
        keys = services().blobs.list_keys(f"projects/{project.id}/variants/")
        second = process_photo(photo.id)
        assert second == first
        assert services().blobs.list_keys(f"projects/{project.id}/variants/") == keys
        assert second.status == "ready" and second.attempts == 1


def test_a_missing_original_or_a_deleted_photo(app, jpeg):
    with app.test_request_context():
        project = content.projects.create(Project(title="Gone", category="travel"))
        photo = _stored_photo(project, jpeg())
        services().blobs.delete_many([photo.original_key])
        assert process_photo(photo.id).error == MISSING_ORIGINAL
        assert process_photo("no-such-photo") is None


def test_a_photo_deleted_during_the_job_is_not_resurrected(app, jpeg, monkeypatch, held_jobs):
    with app.test_request_context():
        project = content.projects.create(Project(title="Race", category="travel"))
        photo = _stored_photo(project, jpeg())
        real = processing.make_variants

        def delete_meanwhile(data, *options):
            result = real(data, *options)
            photo_edits.delete(services().store.get_photo(photo.id))
            return result

        monkeypatch.setattr(processing, "make_variants", delete_meanwhile)
        assert process_photo(photo.id) is None
        assert services().store.get_photo(photo.id) is None
        held_jobs.run_all()  # the trash's move of the files, after the job gave up
        # The original waits in the trash (a restore queues the job again); no variant is left.
        blobs = services().blobs
        assert blobs.list_keys(f"projects/{project.id}/") == []
        assert blobs.list_keys(in_trash(f"projects/{project.id}/")) == [in_trash(photo.original_key)]


def _with_policy(app, policy: RetryPolicy) -> None:
    """The photo job with a faster retry policy (seconds apart in production)."""
    registry(app).register(replace(registry(app).get(lifecycle.PROCESS), retry=policy), replace=True)


def _attempt(photo_id: str, attempt: int, **options) -> float | None:
    return run_attempt(lifecycle.PROCESS, {"photo_id": photo_id}, attempt, **options)


def test_transient_errors_are_retried_by_the_policy_then_given_up(app, jpeg, monkeypatch):
    _with_policy(app, RetryPolicy(delays=(0.01, 0.01)))
    with app.test_request_context():
        photo = _checked_in("Flaky", jpeg())
        monkeypatch.setattr(
            services().blobs, "get", lambda key: (_ for _ in ()).throw(ConnectionError("storage unreachable"))
        )
        assert _attempt(photo.id, 0) == 0.01
        assert _attempt(photo.id, 1) == 0.01
        assert _attempt(photo.id, 2) is None  # the last attempt: given up
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and failed.attempts == 3
        assert "storage unreachable" in failed.error  # the last error says why


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
        uploads.mark_uploaded(services().store.get_photo(photo.id))
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


def test_no_request_runs_the_variant_pipeline(app, client, admin, jpeg, monkeypatch):
    """Uploads of project and page photos: the pipeline runs only in the job, outside requests."""
    calls: list[bool] = []
    real = processing.make_variants

    def watched(data, *options):
        calls.append(has_request_context())
        return real(data, *options)

    monkeypatch.setattr(processing, "make_variants", watched)
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
        photo = _checked_in("Twice at once", jpeg())
        real, nested = processing.make_variants, []

        def the_other_job_finishes_first(data, *options):
            if not nested:
                nested.append(True)
                processing.process(photo.id)  # the duplicate, while this one is still rendering
            return real(data, *options)

        monkeypatch.setattr(processing, "make_variants", the_other_job_finishes_first)
        assert _attempt(photo.id, 0) is None
        assert services().store.get_photo(photo.id).status == "ready"


def test_a_photo_whose_job_keeps_dying_is_failed_after_a_few_starts(app, jpeg):
    with app.test_request_context():
        photo = _checked_in("Dies", jpeg())
        homes.modify_project_photo(
            photo.id, lambda current: setattr(current, "attempts", lifecycle.MAX_ATTEMPTS)
        )
        failed = processing.process(photo.id)
        assert failed.status == "failed" and failed.error == lifecycle.TOO_MANY_ATTEMPTS
        assert lifecycle.retry(failed).attempts == 0  # Retry starts the count again


def test_errors_retrying_cannot_help_fail_at_once_with_their_reason(app, jpeg, monkeypatch):
    with app.test_request_context():
        photo = _checked_in("Slow", jpeg())
        monkeypatch.setattr(
            processing,
            "make_variants",
            lambda data, *options: (_ for _ in ()).throw(TimeoutError("soft limit")),
        )
        assert _attempt(photo.id, 0, timed_out=TimeoutError) is None
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and failed.error == lifecycle.TOO_SLOW


def test_a_page_photo_job_purges_its_page_once_when_the_photo_is_ready(app, jpeg):
    """Queued, processing and failed change nothing visitors see; only ready purges the page."""
    purges: list[set[str]] = []

    def heard(sender, tags, **_):
        purges.append(tags)

    signals.cache_purged.connect(heard, sender=app)
    with app.test_request_context():
        services().jobs.enqueue = lambda kind, **arguments: None
        page = services().store.get_pages(["about"])["about"]
        page.put_photo("portrait", uploads.store_page_upload("about", io.BytesIO(jpeg()), "Me"))
        content.pages.save(page)
        purges.clear()
        processing.process(page.photo("portrait").id, page_id="about")
    assert purges == [{"page:about"}]


def test_an_error_of_the_pipeline_fails_the_photo_at_once_with_its_reason(app, jpeg, monkeypatch):
    """The same original fails the same way every time: no five retries in "processing"."""
    with app.test_request_context():
        photo = _checked_in("Odd file", jpeg())
        refusal = "Size of XMP JPEG segment is larger than 65535 bytes"
        monkeypatch.setattr(
            processing, "make_variants", lambda data, *options: (_ for _ in ()).throw(ValueError(refusal))
        )
        assert _attempt(photo.id, 0) is None  # not retried
        failed = services().store.get_photo(photo.id)
        assert failed.status == "failed" and refusal in failed.error and failed.attempts == 1


def test_huge_or_hostile_metadata_in_an_original_never_fails_the_photo(app, jpeg):
    import pyexiv2

    with pyexiv2.ImageData(jpeg()) as image:
        image.modify_xmp(
            {"Xmp.dc.creator": ["C" * 60_000], "Xmp.xmpRights.WebStatement": "javascript:alert(1)//"}
        )
        image.modify_iptc({"Iptc.Application2.Copyright": "©" * 60_000})
        image.modify_exif({"Exif.Image.Artist": "A" * 60_000})
        original = image.get_bytes()
    with app.test_request_context():
        project = content.projects.create(Project(title="Loud", category="travel"))
        photo = _stored_photo(project, original)
        ready = process_photo(photo.id)
        assert ready.status == "ready" and ready.rights_source == {}
        assert "javascript" not in str(ready.rights) and all(len(v) <= 200 for v in ready.rights.values())
        small = min((v for v in ready.variants if v.format == "jpeg"), key=lambda v: v.width)
        assert small.bytes < 20_000
