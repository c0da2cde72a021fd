"""Replacing a photo's original (a re-edited file sent again): the same photo, with its id, words,
focal point, order and own credit, gets new files; visitors keep the old files until the new
ones are in place; a new file that cannot be used changes nothing but the photo's `error`; an
upload never sent gives the photo back as it was. On both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sgoodie import content
from sgoodie.cache import cdn
from sgoodie.domain import Project, Rights, ValidationError
from sgoodie.photos import edits, lifecycle, processing, replace, uploads
from sgoodie.services import services
from tests.photos.test_uploads import _send

OLD = (1200, 800)
NEW = (800, 1000)


def _ready_photo(app, queued, jpeg, external_id: str):
    """A published project's described photo, ready, with a neighbour after it."""
    data = jpeg(size=OLD)
    with app.test_request_context():
        project = content.projects.create(Project(title=f"Replace {external_id}", category="travel"))
        photo, _ = uploads.find_or_register(project.id, external_id, "a.jpg", "image/jpeg", "jpg", len(data))
        services().blobs.put(photo.original_key, data, content_type="image/jpeg")
        uploads.mark_uploaded(photo)
        after, _ = uploads.find_or_register(
            project.id, "after.jpg", "after.jpg", "image/jpeg", "jpg", len(data)
        )
        services().blobs.put(after.original_key, data, content_type="image/jpeg")
        uploads.mark_uploaded(after)
    queued.run_all()
    with app.test_request_context():
        photo = edits.update_text(services().store.get_photo(photo.id), "A harbour at dawn", "Lisbon, 2026")
        photo = edits.set_focal_point(photo, 0.25, 0.75)
        photo = edits.update_rights(photo, Rights(creator="Sam Goodie"))
        edits.update_text(services().store.get_photo(after.id), "The next one", "")
        content.projects.save(
            type(project)(**{**services().store.get_project(project.id).__dict__, "published": True}),
            services().store.get_project(project.id),
        )
    return project, photo.id


def _files(photo) -> list[str]:
    return [photo.original_key, *(v.key for v in photo.variants)]


def test_a_replaced_original_keeps_the_photo_and_serves_the_old_files_until_the_new_ones_are_in(
    backend_app, queued, jpeg, monkeypatch
):
    project, photo_id = _ready_photo(backend_app, queued, jpeg, "harbour.jpg")
    backend_app.config["CLOUDFRONT_DISTRIBUTION_ID"] = "E2EXAMPLE"
    monkeypatch.setattr(cdn.Invalidator, "send", lambda self, paths: self.sent.append(sorted(paths)) or "I1")
    new_data = jpeg(size=NEW, color=(20, 60, 200))
    with backend_app.test_request_context():
        before = services().store.get_photo(photo_id)
        old_files = _files(before)
        waiting = replace.start_replacement(before, "harbour-v2.jpg", "image/jpeg", "jpg", len(new_data))
        assert waiting.status == "replacing" and waiting.has_files and waiting.is_shown
        target = uploads.upload_target(waiting)
        assert waiting.replacement.key != before.original_key  # a key of its own: caches keep theirs
    assert _send(backend_app, target, new_data, "harbour-v2.jpg") in (200, 201, 204)
    with backend_app.test_request_context():
        arrived = uploads.mark_uploaded(services().store.get_photo(photo_id))
        assert arrived.photo.status == "queued" and not arrived.refused
        assert queued.photo_ids() == [photo_id]
        meanwhile = services().store.get_photo(photo_id)
        assert meanwhile.has_files and meanwhile.original_key == before.original_key
        assert all(services().blobs.head(key) for key in old_files)
        page = backend_app.test_client().get(f"/projects/{project.slug}").get_data(as_text=True)
        assert before.variants[-1].key in page  # visitors still get the old files
    seen_while_rendering = []
    make_variants = processing.make_variants

    def render_and_look(*arguments, **keywords):
        """The job is rendering the new original: what do visitors get meanwhile?"""
        photo = services().store.get_photo(photo_id)
        page = backend_app.test_client().get(f"/projects/{project.slug}").get_data(as_text=True)
        seen_while_rendering.append((photo.status, before.variants[-1].key in page))
        return make_variants(*arguments, **keywords)

    monkeypatch.setattr(processing, "make_variants", render_and_look)
    queued.run_all()
    assert seen_while_rendering == [("processing", True)]
    with backend_app.test_request_context():
        after = services().store.get_photo(photo_id)
        assert after.status == "ready" and after.error == "" and after.replacement is None
        assert (after.width, after.height) == NEW
        assert (after.alt_text, after.caption, after.focal_x, after.focal_y) == (
            "A harbour at dawn",
            "Lisbon, 2026",
            0.25,
            0.75,
        )
        assert after.rights_override == before.rights_override and after.order == before.order
        assert after.filename == "harbour-v2.jpg" and after.size == len(new_data)
        assert after.external_id == "harbour.jpg"
        assert [p.id for p in services().store.photos_for_project(project.id)][0] == photo_id
        new_files = _files(after)
        assert not set(new_files) & set(old_files)
        assert all(services().blobs.head(key) for key in new_files)
        assert not any(services().blobs.head(key) for key in old_files)  # the old picture is gone
        assert services().blobs.get(after.original_key) == new_data
        page = backend_app.test_client().get(f"/projects/{project.slug}").get_data(as_text=True)
        assert after.variants[-1].key in page and before.variants[-1].key not in page
        forgotten = f"/{before.variants[0].key.rsplit('/', 1)[0]}/*"
        cdn.invalidator(backend_app).wait(60)
        assert [forgotten] in cdn.invalidator(backend_app).sent  # the CDN's copies of the old picture


@pytest.mark.parametrize("broken", ["not an image", "a render that fails"])
def test_a_broken_replacement_keeps_the_old_files_and_says_why(backend_app, queued, jpeg, broken):
    project, photo_id = _ready_photo(backend_app, queued, jpeg, "broken.jpg")
    bad = b"this is a text file, not a photo" if broken == "not an image" else jpeg()[:600]  # a cut JPEG
    with backend_app.test_request_context():
        before = services().store.get_photo(photo_id)
        waiting = replace.start_replacement(before, "bad.jpg", "image/jpeg", "jpg", len(bad))
        services().blobs.put(waiting.replacement.key, bad, content_type="image/jpeg")
        arrived = uploads.mark_uploaded(waiting)
    queued.run_all()
    with backend_app.test_request_context():
        after = services().store.get_photo(photo_id)
        assert arrived.refused == (broken == "not an image")
        assert after.status == "ready" and after.replacement is None, after
        assert (
            after.error.startswith("The new file was not used: ") and "keeps its current file" in after.error
        )
        assert (
            after.is_shown and after.variants == before.variants and after.original_key == before.original_key
        )
        assert all(services().blobs.head(key) for key in _files(before))
        assert services().blobs.head(waiting.replacement.key) is None  # the unusable file is not kept
        assert after.alt_text == before.alt_text and after.focal_x == before.focal_x
        again = replace.start_replacement(after, "good.jpg", "image/jpeg", "jpg", 10)
        assert again.error == ""  # a new attempt starts clean


def test_an_unused_replacement_is_cancelled_or_swept_and_the_photo_is_as_it_was(backend_app, queued, jpeg):
    project, photo_id = _ready_photo(backend_app, queued, jpeg, "unused.jpg")
    with backend_app.test_request_context():
        before = services().store.get_photo(photo_id)
        first = replace.start_replacement(before, "v2.jpg", "image/jpeg", "jpg", 1000)
        services().blobs.put(first.replacement.key, b"x" * 10, content_type="image/jpeg")  # a half upload
        second = replace.start_replacement(first, "v3.jpg", "image/jpeg", "jpg", 1000)  # the sync runs again
        assert second.replacement.key != first.replacement.key
        assert services().blobs.head(first.replacement.key) is None
        with pytest.raises(uploads.UploadRefused):  # the first grant's key is no longer awaited
            uploads.claim_upload({"key": first.replacement.key, "expires": 0})
        cancelled = replace.cancel_replacement(second)
        assert cancelled.status == "ready" and cancelled.replacement is None and cancelled.error == ""
        assert cancelled.variants == before.variants and cancelled.original_key == before.original_key
        with pytest.raises(lifecycle.TransitionRefused):
            replace.cancel_replacement(cancelled)
        abandoned = replace.start_replacement(cancelled, "v4.jpg", "image/jpeg", "jpg", 1000)
        assert lifecycle.sweep(datetime.now(UTC) + timedelta(hours=1))["abandoned"] == 0
        assert lifecycle.sweep(datetime.now(UTC) + timedelta(days=2))["abandoned"] == 1
        swept = services().store.get_photo(photo_id)
        assert swept.status == "ready" and swept.replacement is None
        assert swept.error == lifecycle.REPLACEMENT_NEVER_FINISHED
        assert abandoned.replacement.key != swept.original_key and swept.variants == before.variants


def test_a_replacement_waits_for_a_settled_photo_and_a_sensible_file(backend_app, queued, jpeg):
    project, photo_id = _ready_photo(backend_app, queued, jpeg, "rules.jpg")
    with backend_app.test_request_context():
        photo = services().store.get_photo(photo_id)
        with pytest.raises(ValidationError) as caught:
            replace.start_replacement(
                photo, "big.jpg", "image/jpeg", "jpg", services().config["MAX_UPLOAD_BYTES"] + 1
            )
        assert "size" in caught.value.errors
        with pytest.raises(ValidationError):
            replace.start_replacement(photo, " ", "image/jpeg", "jpg", 10)
        lifecycle.queue_again(photo)
        with pytest.raises(lifecycle.TransitionRefused) as refused:
            replace.start_replacement(services().store.get_photo(photo_id), "v2.jpg", "image/jpeg", "jpg", 10)
        assert "once it is ready" in str(refused.value)
        uploading, _ = uploads.find_or_register(project.id, "new.jpg", "new.jpg", "image/jpeg", "jpg", 10)
        with pytest.raises(lifecycle.TransitionRefused):
            replace.start_replacement(uploading, "v2.jpg", "image/jpeg", "jpg", 10)


def test_a_photo_trashed_while_its_new_file_is_awaited_goes_to_the_trash_as_it_was(backend_app, queued, jpeg):
    project, photo_id = _ready_photo(backend_app, queued, jpeg, "trashed.jpg")
    with backend_app.test_request_context():
        waiting = replace.start_replacement(
            services().store.get_photo(photo_id), "v2.jpg", "image/jpeg", "jpg", 10
        )
        services().blobs.put(waiting.replacement.key, b"x" * 10, content_type="image/jpeg")
        edits.delete(waiting)
        assert services().blobs.head(waiting.replacement.key) is None
        from sgoodie.content import trash

        entry = next(e for e in trash.entries() if e.kind == "photo")
        assert entry.photo.status == "ready" and entry.photo.replacement is None
