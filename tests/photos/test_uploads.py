"""A photo's original arriving: the upload callback checks the stored file (size, first bytes),
queues the job once, and two callbacks for one file both answer; a publishing client's photos
found by their key (`find_or_register`), uploaded through one single-use target on both backends."""

from __future__ import annotations

import io

import pytest

from sgoodie import content
from sgoodie.content import trash
from sgoodie.domain import Project, ValidationError
from sgoodie.photos import edits, lifecycle, uploads
from sgoodie.services import services
from tests.stores.test_external_ids import at_once, one_request_at_a_time


def test_two_callbacks_for_a_bad_upload_both_answer(app, jpeg):
    """The browser's callback and the S3 event can both see `uploading`; the second finds the
    photo already failed and says so instead of failing itself."""
    with app.test_request_context():
        project = content.projects.create(Project(title="Both", category="travel"))
        photo = uploads.register_upload(project.id, "a.jpg", "image/jpeg", "jpg", 10)
        services().blobs.put(photo.original_key, jpeg(), content_type="image/jpeg")  # not the size announced
        first, second = uploads.mark_uploaded(photo), uploads.mark_uploaded(photo)
        assert first.refused and first.photo.status == "failed"
        assert second.refused and second.photo.status == "failed"
        assert lifecycle.fail(photo, "a second reason").error == first.photo.error  # the first one stands


# -- a publishing client's photos: one per key, uploaded through the same single-use target ---------
def _send(app, target: dict, data: bytes, name="a.jpg"):
    """POST a file to an upload target as a client does: the app's own endpoint (the embedded
    default), or the bucket (S3, in moto)."""
    assert target["method"] == "POST"
    if target["url"].startswith("http") and "amazonaws" in target["url"]:
        import requests

        return requests.post(target["url"], data=target["fields"], files={"file": (name, data)}).status_code
    path = (
        "/" + target["url"].split("://", 1)[-1].split("/", 1)[1] if "://" in target["url"] else target["url"]
    )
    response = app.test_client().post(
        path, data={**target["fields"], "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    return response.status_code


def test_the_same_key_twice_is_the_same_photo_and_its_upload_is_single_use(backend_app, queued, jpeg):
    data = jpeg()
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Sync", category="travel"))
        photo, created = uploads.find_or_register(
            project.id, "2026/IMG_0001.jpg", "IMG_0001.jpg", "image/jpeg", "jpg", len(data)
        )
        again, created_again = uploads.find_or_register(
            project.id, "2026/IMG_0001.jpg", "IMG_0001.jpg", "image/jpeg", "jpg", len(data)
        )
        assert (
            created
            and not created_again
            and again.id == photo.id
            and again.external_id == "2026/IMG_0001.jpg"
        )
        other, other_created = uploads.find_or_register(
            project.id, "2026/IMG_0002.jpg", "b.jpg", "image/jpeg", "jpg", 9
        )
        assert other_created and other.id != photo.id
        target = uploads.upload_target(photo)
        assert set(target) == {"method", "url", "fields", "expires_at"}
        assert target["fields"]["Content-Type"] == "image/jpeg"
    assert _send(backend_app, target, data) in (200, 201, 204)
    with backend_app.test_request_context():
        if services().config["BACKEND"] != "aws":  # S3 cannot refuse a second POST; the callback did
            assert _send(backend_app, target, data) == 409
        arrived = uploads.mark_uploaded(services().store.get_photo(photo.id))
        assert arrived.photo.status == "queued" and not arrived.refused and queued.photo_ids() == [photo.id]
        with pytest.raises(uploads.UploadRefused) as caught:
            uploads.upload_target(arrived.photo)  # checked: no second file for this photo
        assert caught.value.status == 409
        assert [p.id for p in services().store.photos_for_project(project.id)] == [photo.id, other.id]


@pytest.mark.parametrize(
    ("external_id", "said"),
    [("", "Give the photo's external id"), ("x" * 201, "at most 200"), ("a\nb.jpg", "control characters")],
)
def test_a_bad_key_is_refused_in_words_and_nothing_is_made(app, external_id, said):
    with app.test_request_context():
        project = content.projects.create(Project(title="Keys", category="travel"))
        with pytest.raises(ValidationError) as caught:
            uploads.find_or_register(project.id, external_id, "a.jpg", "image/jpeg", "jpg", 10)
        assert said in caught.value.errors["external_id"]
        assert services().store.photos_for_project(project.id) == []


def test_racing_clients_with_one_key_get_one_photo(backend_app, monkeypatch):
    one_request_at_a_time(monkeypatch)
    with backend_app.app_context():
        project = content.projects.create(Project(title="Race", category="travel"))

    def ask():
        with backend_app.app_context():
            return uploads.find_or_register(project.id, "race.jpg", "race.jpg", "image/jpeg", "jpg", 10)

    answers = at_once(6, ask)
    assert all(isinstance(answer, tuple) for answer in answers), answers
    assert len({photo.id for photo, _ in answers}) == 1 and sum(created for _, created in answers) == 1
    with backend_app.app_context():
        assert len(services().store.photos_for_project(project.id)) == 1


def test_a_trashed_photos_key_is_free_and_a_restore_takes_it_back_only_while_free(backend_app, jpeg):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Trash", category="travel"))
        first, _ = uploads.find_or_register(project.id, "k.jpg", "k.jpg", "image/jpeg", "jpg", 10)
        edits.delete(first)
        assert services().jobs.wait(120)  # the trash's file moves settled
        second, created = uploads.find_or_register(project.id, "k.jpg", "k.jpg", "image/jpeg", "jpg", 10)
        assert created and second.id != first.id  # a sync after the photographer trashed it sends it anew
        entry = next(e for e in trash.entries() if e.kind == "photo" and e.photo.id == first.id)
        trash.restore(entry.key)
        restored = services().store.get_photo(first.id)
        assert restored is not None and restored.external_id == ""  # the key stays with the newer photo
        assert services().store.photo_by_external_id(project.id, "k.jpg").id == second.id
        edits.delete(services().store.get_photo(second.id))
        assert services().jobs.wait(120)
        entry = next(e for e in trash.entries() if e.kind == "photo" and e.photo.id == second.id)
        trash.restore(entry.key)
        assert services().store.photo_by_external_id(project.id, "k.jpg").id == second.id  # free: back
