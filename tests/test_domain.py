"""The records and their rules (`sgoodie.domain`): no app, no storage."""

from __future__ import annotations

import pytest

from sgoodie.domain import (
    BRANDING_GALLERY_MAX,
    Image,
    Page,
    Photo,
    PhotoStatus,
    Project,
    ValidationError,
    Variant,
    from_record,
    page_photo,
    slugify,
    to_record,
)

CATEGORIES = ("interiors", "travel")


def _errors(project: Project, photos=None) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        project.validate(CATEGORIES, photos)
    return raised.value.errors


def _ready(alt: str = "A room") -> Photo:
    variant = Variant(width=320, height=213, format="jpeg", key="projects/p/variants/x/320.jpg")
    return Photo(
        project_id="p", status=PhotoStatus.READY, alt_text=alt, variants=[variant], width=320, height=213
    )


def test_a_project_names_every_bad_field_at_once_in_words():
    errors = _errors(Project(title=" ", slug="Bad Slug", category="weddings", visibility="secret"))
    assert errors == {
        "title": "A title is required.",
        "slug": "Use lowercase letters, digits and single hyphens (e.g. 'lisbon-loft').",
        "category": "Choose one of: interiors, travel.",
        "visibility": "Choose public, unlisted or client gallery.",
    }


def test_a_title_gives_its_slug_and_a_project_publishes_only_with_described_photos():
    project = Project(title="Lisbon Loft, Été 2025!", category="interiors", published=True)
    assert project.slug == slugify("Lisbon Loft, Été 2025!") == "lisbon-loft-ete-2025"
    assert _errors(project, [_ready(), _ready(alt="")]) == {
        "published": "1 photo still need alt text before this project can be published."
    }
    project.validate(CATEGORIES, [_ready()])  # every ready photo described: fine


def test_listed_means_published_and_public_and_only_public_projects_are_featured():
    listed = Project(title="A", category="travel", published=True)
    assert listed.is_listed and listed.is_public and not listed.is_private
    assert not Project(title="A", category="travel").is_listed  # a draft
    assert not Project(title="A", category="travel", published=True, visibility="unlisted").is_listed
    gallery = Project(title="A", category="travel", visibility="client", featured=True)
    assert _errors(gallery) == {
        "gallery_password": "A client gallery needs a password: set one to share it.",
        "featured": "Only a public project can be featured on the home page.",
    }


def test_a_client_gallery_shows_every_ready_photo_a_public_project_only_described_ones():
    undescribed = _ready(alt="")
    assert not Project(title="A", category="travel").shows(undescribed)
    gallery = Project(title="A", category="travel", visibility="client", gallery_password_hash="h")
    assert gallery.shows(undescribed)
    assert gallery.gallery_expired("2026-01-02") is False  # no last day
    gallery.gallery_expires_on = "2026-01-01"
    assert gallery.gallery_expired("2026-01-02") and not gallery.gallery_expired("2026-01-01")


def test_a_photo_keeps_being_shown_while_it_is_rendered_again():
    photo = _ready()
    assert photo.is_shown and photo.has_files
    photo.status = PhotoStatus.QUEUED  # a re-render: its files are still there
    assert photo.has_files and photo.is_shown and not photo.is_ready
    assert not Photo(project_id="p", status=PhotoStatus.QUEUED).has_files  # a new upload has none
    assert PhotoStatus("failed") is PhotoStatus.FAILED and PhotoStatus.READY == "ready"


def test_a_page_photo_written_before_it_was_a_record_reads_as_one():
    legacy = {
        "id": "hero1",
        "alt": "A sofa by the window",
        "variants": [
            {"width": 320, "height": 213, "format": "jpeg", "key": "pages/home/variants/hero1/320.jpg"}
        ],
        "previous": {"id": "old", "alt": "The old hero", "variants": []},
    }
    photo = page_photo(legacy, "home")
    assert (photo.id, photo.page_id, photo.project_id) == ("hero1", "home", "")
    assert photo.alt_text == "A sofa by the window" and photo.status == PhotoStatus.READY
    assert photo.replaces.id == "old" and photo.replaces.alt_text == "The old hero"
    page = Page(id="home", images={"hero": legacy})
    assert page.photo("hero").alt_text == "A sofa by the window"
    page.put_photo("hero", photo)  # written back as the record it is now
    assert page.images["hero"]["alt_text"] == "A sofa by the window" and "alt" not in page.images["hero"]
    assert page.photo("hero") == photo


def test_a_page_shows_the_photo_a_new_upload_replaces_until_the_new_one_has_files():
    old = _ready(alt="The old hero")
    new = Photo(
        project_id="", page_id="home", status=PhotoStatus.PROCESSING, alt_text="The new hero", replaces=old
    )
    page = Page(id="home")
    page.put_photo("hero", new)
    assert page.photo("hero").shown_on_page.alt_text == "The old hero"
    assert page.image("hero").alt == "The old hero"


def test_records_round_trip_through_their_stored_form():
    cover = Image(width=320, height=213, variants=[_ready().variants[0]], alt="Boats")
    project = Project(title="Harbour", category="travel", cover=cover)
    assert from_record(Project, to_record(project)) == project
    photo = _ready()
    assert from_record(Photo, to_record(photo)) == photo
    assert BRANDING_GALLERY_MAX == 60  # one DynamoDB item holds the page: keep it under 400 KB
