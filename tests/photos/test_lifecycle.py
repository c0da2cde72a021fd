"""The photo's life: the job body on stored originals (ready, failed with a reason, idempotent,
isolated), the transitions it refuses, retry, reprocess and the sweeper."""

from __future__ import annotations

from sgoodie import content
from sgoodie.blobs import original_key
from sgoodie.domain import Photo, Project
from sgoodie.photos import MISSING_ORIGINAL
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import process as process_photo
from sgoodie.services import services


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


def test_a_photo_deleted_during_the_job_is_not_resurrected(app, jpeg, monkeypatch):
    from sgoodie.photos import lifecycle as processing

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
        # The original waits in the trash (a restore queues the job again); no variant is left.
        assert services().blobs.list_keys(f"projects/{project.id}/") == [photo.original_key]
