"""The demo portfolio, seeded once for the module exactly as `sgoodie seed-demo` does it."""

from __future__ import annotations

import logging

import pytest

from sgoodie import create_app
from sgoodie.cli import main
from sgoodie.services import services

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("demo") / "instance"),
            "SECRET_KEY": "x",
        }
    )
    photo_log = logging.getLogger("sgoodie.photos")
    records: list[logging.LogRecord] = []
    catch = logging.Handler(logging.DEBUG)
    catch.emit = records.append
    level = photo_log.level
    photo_log.setLevel(logging.INFO)  # as a server's logging is: each photo job says "ready"
    photo_log.addHandler(catch)
    try:
        result = app.test_cli_runner().invoke(main, ["seed-demo"])
    finally:
        photo_log.removeHandler(catch)
    SEEDING.update(output=result.output, records=records, level_after=photo_log.level)
    photo_log.setLevel(level)
    assert result.exit_code == 0, result.output
    assert "Demo content ready" in result.output
    return app


SEEDING: dict = {}


def test_seeding_counts_the_photos_and_holds_back_the_per_photo_lines(demo_app):
    """The first run printed ~60 lines of "photo <uuid> ready: 18 variants" and no count."""
    output = SEEDING["output"]
    assert "demo photos 10/60" in output and "demo photos 60/60" in output
    assert "demo photos 7/60" not in output  # not a terminal: every tenth, not a line per photo
    assert len(output.splitlines()) <= 12, output
    assert not [r for r in SEEDING["records"] if "ready" in r.getMessage()]
    assert SEEDING["level_after"] == logging.INFO  # the log says "ready" again afterwards


def test_three_published_projects_per_category_with_six_ready_photos(demo_app):
    with demo_app.app_context():
        store, blobs = services().store, services().blobs
        for category in services().categories:
            projects = store.projects_in_category(category, listed_only=True)
            assert len(projects) >= 3, category
            for project in projects:
                photos = store.photos_for_project(project.id)
                assert len(photos) >= 6
                assert all(p.is_ready and p.alt_text for p in photos), project.title
                assert project.cover is not None
                sample = photos[0]
                assert {v.format for v in sample.variants} == {"avif", "webp", "jpeg"}
                assert all(blobs.head(v.key) for v in sample.variants)
                assert sample.exif.get("camera") and "GPS" not in str(sample.exif)


def test_exactly_one_draft_and_it_is_hidden(demo_app):
    with demo_app.app_context():
        drafts = [
            p
            for c in services().categories
            for p in services().store.projects_in_category(c)
            if not p.published
        ]
    assert len(drafts) == 1
    assert demo_app.test_client().get(f"/projects/{drafts[0].slug}").status_code == 404


def test_pages_and_settings_are_filled(demo_app):
    with demo_app.app_context():
        pages = services().store.get_pages(["home", "about", "personal-branding", "site"])
    assert pages["home"].content["headline"] and pages["home"].images["hero"]["variants"]
    assert len(pages["home"].content["featured_order"]) >= 3
    assert pages["about"].content["bio"] and pages["about"].images["portrait"]["variants"]
    assert (
        pages["personal-branding"].content["packages"]
        and len(pages["personal-branding"].images["gallery"]) >= 3
    )
    settings = pages["site"].content
    assert settings["business_name"] == "S.Goodie Photography"
    assert settings["contact_email"] and settings["instagram"].startswith("https://")


@pytest.mark.parametrize(
    "path, text",
    [
        ("/", "Spaces, places"),
        ("/about", "About S. Goodie"),
        ("/personal-branding", "Headshot"),
        ("/work/interiors", "Harbour Loft"),
        ("/work/travel", "Lakes of the High Sierra"),
        ("/work/brand-marketing", "Fieldhouse Botanicals"),
        ("/projects/harbour-loft", "morning light"),
    ],
)
def test_public_pages_show_the_demo(demo_app, path, text):
    response = demo_app.test_client().get(path)
    assert response.status_code == 200
    assert text in response.get_data(as_text=True)


def test_seeding_again_adds_nothing(demo_app):
    result = demo_app.test_cli_runner().invoke(main, ["seed-demo"])
    assert result.exit_code == 0 and "nothing added" in result.output


def test_alt_texts_describe_the_painted_photos(demo_app):
    from sgoodie.demo import _seed_for, artwork

    with demo_app.app_context():
        store = services().store
        for category in services().categories:
            for project in store.projects_in_category(category):
                for index, photo in enumerate(store.photos_for_project(project.id)):
                    seed = _seed_for(category, project.title, str(index))
                    assert photo.alt_text == artwork.describe(
                        category, seed, portrait_orientation=index == 3
                    ), project.title
        pages = store.get_pages(["home", "about"])
        assert "sofa" in pages["home"].photo("hero").alt_text
        assert (
            pages["about"].photo("portrait").alt_text.startswith("Head-and-shoulders portrait of S. Goodie")
        )
