"""A photo's original arriving: the upload callback checks the stored file (size, first bytes),
queues the job once, and two callbacks for one file both answer."""

from __future__ import annotations

from sgoodie import content
from sgoodie.domain import Project
from sgoodie.photos import lifecycle, uploads
from sgoodie.services import services


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


def test_a_photo_takes_its_place_when_registered_and_before_one_when_asked(backend_app):
    """Places are given at registration (the uploader registers in the order chosen); an upload
    tried again goes back before the next photo of its batch."""
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Places", category="travel"))
        first, second, third = (
            uploads.register_upload(project.id, name, "image/jpeg", "jpg", 10)
            for name in ("1.jpg", "2.jpg", "3.jpg")
        )
        services().store.delete_photo(second.id)  # a failed upload discarded before its retry
        again = uploads.register_upload(project.id, "2.jpg", "image/jpeg", "jpg", 10, before=third.id)
        listed = services().store.photos_for_project(project.id)
        assert [p.filename for p in listed] == ["1.jpg", "2.jpg", "3.jpg"]
        assert listed[1].id == again.id
        # An unknown photo to go before: the new one goes last.
        last = uploads.register_upload(project.id, "4.jpg", "image/jpeg", "jpg", 10, before="not-a-photo")
        assert services().store.photos_for_project(project.id)[-1].id == last.id
