"""Alt text and caption proposed from the photo's file: read by the photo's job, taken one photo or
many at a time through the same rule as typed text, marked as the file's until the photographer
types their own; never shown to visitors before it is taken. On both backends."""

from __future__ import annotations

from sgoodie import content, signals
from sgoodie.blobs import original_key
from sgoodie.domain import Photo, Project
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import processing
from sgoodie.services import services
from tests.conftest import jpeg_bytes, original_with, titled_original


def _processed(project: Project, data: bytes, alt_text: str = "") -> Photo:
    """A photo of `project` with this original, through the real job."""
    photo = Photo(project_id=project.id, status="queued", filename="a.jpg", alt_text=alt_text)
    photo.original_key = original_key(project.id, photo.id, "jpg")
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    stored = services().store.add_photo(photo)
    return processing.process(stored.id)


def test_the_job_keeps_the_files_words_and_the_photo_proposes_them(backend_app):
    with backend_app.test_request_context():
        # Published: only a listed portfolio project's photos wait for alt text on the dashboard.
        project = content.projects.create(Project(title="Lisbon", category="travel", published=True))
        photo = _processed(project, titled_original("Tram 28 at dusk", "Climbing to Graça, lights on."))
        assert photo.status == "ready"
        assert (photo.file_title, photo.file_description) == (
            "Tram 28 at dusk",
            "Climbing to Graça, lights on.",
        )
        assert (photo.proposed_alt_text, photo.proposed_caption) == (
            "Tram 28 at dusk",
            "Climbing to Graça, lights on.",
        )
        # A proposal is not alt text: visitors do not see the photo, the status index lists it.
        assert photo.alt_text == "" and not photo.is_shown
        assert [p.id for p in services().store.photos_missing_alt(limit=10)] == [photo.id]


def test_accepting_one_takes_the_title_and_caption_marked_as_the_files(backend_app):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Porto", category="travel", published=True))
        photo = _processed(project, titled_original("Blue door", "Azulejos on Rua das Flores."))
        saved = []

        def heard(sender, **kw):
            saved.append(kw["photo"].id)

        with signals.photo_saved.connected_to(heard):
            accepted = photo_edits.use_file_text(photo)
        assert (accepted.alt_text, accepted.caption) == ("Blue door", "Azulejos on Rua das Flores.")
        assert accepted.alt_text_from_file and accepted.caption_from_file
        assert saved == [photo.id]  # the pages showing it are purged, as for typed text
        stored = services().store.get_photo(photo.id)
        assert stored.is_shown and stored.alt_text_from_file
        assert services().store.photos_missing_alt(limit=10) == []
        assert (stored.proposed_alt_text, stored.proposed_caption) == ("", "")
        assert photo_edits.use_file_text(stored) is None  # nothing proposed any more


def test_typing_your_own_text_clears_the_flag_of_that_field_only(backend_app):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Nazaré", category="travel"))
        photo = photo_edits.use_file_text(
            _processed(project, titled_original("Boats", "Fishing boats, noon."))
        )
        mine = photo_edits.update_text(photo, "Three fishing boats on the sand", photo.caption)
        assert not mine.alt_text_from_file and mine.caption_from_file
        again = photo_edits.update_text(mine, mine.alt_text, "My caption")
        assert not again.alt_text_from_file and not again.caption_from_file
        stored = services().store.get_photo(photo.id)
        assert (stored.alt_text, stored.alt_text_from_file, stored.caption_from_file) == (
            "Three fishing boats on the sand",
            False,
            False,
        )


def test_a_description_alone_is_proposed_as_alt_text_and_not_twice(backend_app):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Dunes", category="travel"))
        data = original_with(image=jpeg_bytes(), iptc={"Iptc.Application2.Caption": "Wind on the dunes"})
        accepted = photo_edits.use_file_text(_processed(project, data))
        assert (accepted.alt_text, accepted.caption) == ("Wind on the dunes", "")
        assert accepted.alt_text_from_file and not accepted.caption_from_file


def test_bulk_takes_every_proposal_and_leaves_the_others_alone(backend_app):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Interiors", category="interiors"))
        titled = [_processed(project, titled_original(f"Room {i}", f"Light in room {i}.")) for i in (1, 2)]
        described = _processed(project, titled_original("Kitchen", "Oak."), alt_text="Typed by me")
        plain = _processed(project, jpeg_bytes())
        assert (plain.proposed_alt_text, described.proposed_alt_text) == ("", "")
        accepted = photo_edits.use_file_texts(project, [*titled, described, plain])
        assert [p.id for p in accepted] == [p.id for p in titled]
        stored = {p.id: p for p in services().store.photos_for_project(project.id)}
        assert [(stored[p.id].alt_text, stored[p.id].caption) for p in titled] == [
            ("Room 1", "Light in room 1."),
            ("Room 2", "Light in room 2."),
        ]
        assert stored[described.id].alt_text == "Typed by me" and not stored[described.id].alt_text_from_file
        assert stored[plain.id].alt_text == "" and stored[plain.id].version == plain.version
        lines = [line["what"] for line in content.activity.recent(5)]
        assert "Used the file's titles as alt text for 2 photos of “Interiors”" in lines


def test_a_photo_changed_meanwhile_keeps_the_change(backend_app):
    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Race", category="travel"))
        shown = _processed(project, titled_original("From the file", "Desc"))
        photo_edits.update_text(shown, "Typed meanwhile", "")
        assert photo_edits.use_file_texts(project, [shown]) == []  # the page's copy is stale
        assert services().store.get_photo(shown.id).alt_text == "Typed meanwhile"
