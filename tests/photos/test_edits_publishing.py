"""The edits a publishing client makes through the same operations as the admin: the words its
files carry as alt text and caption (never over what the photographer typed), a partial order,
and a delete asked twice."""

from __future__ import annotations

import pytest

from sgoodie import content, signals
from sgoodie.domain import Photo, Project, ValidationError, new_id
from sgoodie.photos import edits
from sgoodie.services import services


def _photos(count: int, **fields) -> tuple[Project, list[Photo]]:
    project = content.projects.create(Project(title=f"From Lightroom {new_id()[:8]}", category="travel"))
    store = services().store
    return project, [
        store.add_photo(Photo(project_id=project.id, status="ready", **fields)) for _ in range(count)
    ]


def test_the_files_words_describe_a_photo_without_text_and_follow_the_file_later(backend_app):
    saved = []
    with backend_app.test_request_context():
        signals.photo_saved.connect(lambda sender, photo, **kw: saved.append(photo.id), weak=False)
        project, (photo,) = _photos(1)
        described = edits.set_text_from_file(photo, "  Harbour at   dawn ", "Fishing boats, Lisbon")
        assert (described.alt_text, described.caption) == ("Harbour at dawn", "Fishing boats, Lisbon")
        assert described.alt_text_from_file and described.caption_from_file and described.is_shown
        assert (described.file_title, described.file_description) == (
            "Harbour at dawn",
            "Fishing boats, Lisbon",
        )
        assert saved == [photo.id]  # purges follow, as for a typed text
        assert edits.set_text_from_file(described, "Harbour at dawn", "Fishing boats, Lisbon") == described
        assert saved == [photo.id] and services().store.get_photo(photo.id).version == described.version
        retitled = edits.set_text_from_file(described, "Harbour, first light", "")
        assert retitled.alt_text == "Harbour, first light"  # the file's own words, updated
        assert retitled.caption == "Fishing boats, Lisbon"  # a removed description leaves the caption
        untitled = edits.set_text_from_file(_photos(1)[1][0], "", "Only a description")
        assert (untitled.alt_text, untitled.caption) == ("Only a description", "Only a description")


def test_text_the_photographer_typed_is_never_overwritten(backend_app):
    with backend_app.test_request_context():
        project, (typed, later) = _photos(2)
        typed = edits.update_text(typed, "My own words", "")
        kept = edits.set_text_from_file(typed, "The file's title", "The file's description")
        assert kept.alt_text == "My own words" and not kept.alt_text_from_file
        assert kept.caption == "The file's description" and kept.caption_from_file  # it had none
        from_file = edits.set_text_from_file(later, "Title", "Description")
        retyped = edits.update_text(from_file, "Typed over it", "Description")
        assert not retyped.alt_text_from_file and retyped.caption_from_file  # the caption is still the file's
        again = edits.set_text_from_file(retyped, "New title", "New description")
        assert again.alt_text == "Typed over it" and again.caption == "New description"


def test_a_files_long_words_are_cut_at_a_word(backend_app):
    with backend_app.test_request_context():
        _, (photo,) = _photos(1)
        long_title = "A very long title " * 30
        described = edits.set_text_from_file(photo, long_title, "word " * 200)
        alt, caption = described.alt_text, described.caption
        assert len(alt) <= 250 and alt.endswith("…") and long_title.startswith(alt[:-1] + " ")  # whole words
        assert len(caption) <= 500 and caption.endswith("word…")


def test_a_partial_order_moves_only_the_photos_it_names_and_unknown_ids_are_refused(backend_app):
    with backend_app.test_request_context():
        project, photos = _photos(5)
        a, b, c, d, e = (p.id for p in photos)
        edits.reorder(project, [e, b, a])  # the client's photos; c and d (added in the admin) stay put
        assert [p.id for p in services().store.photos_for_project(project.id)] == [e, b, c, d, a]
        _, (stranger,) = _photos(1)
        with pytest.raises(ValidationError) as caught:
            edits.reorder(project, [a, stranger.id])
        assert stranger.id in caught.value.errors["order"]
        with pytest.raises(ValidationError) as caught:
            edits.reorder(project, [a, a])
        assert "more than once" in caught.value.errors["order"]
        assert [p.id for p in services().store.photos_for_project(project.id)] == [e, b, c, d, a]


def test_a_photo_deleted_twice_is_trashed_once(backend_app):
    with backend_app.test_request_context():
        project, (photo,) = _photos(1)
        edits.delete(photo)
        with pytest.raises(ValidationError):
            edits.delete(photo)
        assert services().jobs.wait(120)
        assert len([e for e in content.trash.entries() if e.kind == "photo"]) == 1
