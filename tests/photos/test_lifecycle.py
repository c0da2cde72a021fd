"""The photo's life: transitions that make no sense refused, retry, the sweeper (lost jobs,
abandoned uploads), reprocessing every photo, projects' and pages' alike."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from sgoodie import content
from sgoodie.domain import Photo, Project
from sgoodie.photos import lifecycle, processing, uploads
from sgoodie.services import services


def _uploaded_photo(project: Project, data: bytes) -> Photo:
    photo = uploads.register_upload(project.id, "a.jpg", "image/jpeg", "jpg", len(data))
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
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.check_transition(current, new)


def test_every_status_can_reach_ready_or_failed():
    reachable = {"uploading"}
    while True:
        more = reachable | {new for status in reachable for new in lifecycle.TRANSITIONS[status]}
        if more == reachable:
            break
        reachable = more
    assert reachable == set(lifecycle.TRANSITIONS)


def test_a_ready_photo_cannot_be_uploaded_again_or_reprocessed_by_a_stray_message(app, jpeg):
    with app.test_request_context():
        project = content.projects.create(Project(title="Life", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        services().jobs.enqueue = lambda kind, **arguments: None  # run the job here, below
        assert uploads.mark_uploaded(photo).photo.status == "queued"
        ready = processing.process(photo.id)
        assert ready.status == "ready"
        assert uploads.mark_uploaded(ready).photo == ready  # a late S3 event changes nothing
        with pytest.raises(lifecycle.TransitionRefused):
            lifecycle.retry(ready)  # only a failed photo is retried
        assert services().store.get_photo(photo.id) == ready


def test_the_sweeper_requeues_lost_jobs_and_fails_abandoned_uploads(app, jpeg, held_jobs):
    with app.test_request_context():
        project = content.projects.create(Project(title="Lost", category="travel"))
        lost = _uploaded_photo(project, jpeg())
        uploads.mark_uploaded(lost)
        abandoned = _uploaded_photo(project, jpeg())
        held_jobs.queued.clear()
        later = datetime.now(UTC) + timedelta(days=2)
        assert lifecycle.sweep(now=later) == {"requeued": 1, "abandoned": 1}
        assert held_jobs.photo_ids() == [lost.id]
        gone = services().store.get_photo(abandoned.id)
        assert gone.status == "failed" and gone.error == lifecycle.NEVER_FINISHED


def test_the_sweeper_does_not_pile_up_messages_for_a_waiting_photo(app, jpeg, held_jobs):
    with app.test_request_context():
        project = content.projects.create(Project(title="Backlog", category="travel"))
        photo = _uploaded_photo(project, jpeg())
        uploads.mark_uploaded(photo)
        held_jobs.queued.clear()
        second = timedelta(seconds=1)
        assert lifecycle.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER + second)["requeued"] == 1
        # Touched when it was sent again: the sweeps wait as long again before another message.
        assert lifecycle.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER - second)["requeued"] == 0
        assert held_jobs.photo_ids() == [photo.id]
        assert lifecycle.sweep(now=datetime.now(UTC) + lifecycle.STUCK_AFTER + second)["requeued"] == 1


def test_reprocessing_every_photo_keeps_page_photos_on_the_site(app, jpeg):
    with app.test_request_context():
        services().jobs.enqueue = lambda kind, **arguments: None
        page = services().store.get_pages(["about"])["about"]
        page.put_photo("portrait", uploads.store_page_upload("about", io.BytesIO(jpeg()), "Me"))
        content.pages.save(page)
        image_id = page.photo("portrait").id
        processing.process(image_id, page_id="about")
        assert lifecycle.reprocess(everything=True) == 1
        about = services().store.get_pages(["about"])["about"]
        assert about.photo("portrait").status == "queued" and about.image("portrait") is not None
        services().blobs.delete_many([about.photo("portrait").original_key])
        processing.process(image_id, page_id="about")  # the re-render fails for good
        about = services().store.get_pages(["about"])["about"]
        assert about.photo("portrait").status == "failed" and about.image("portrait") is not None
