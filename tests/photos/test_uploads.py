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
