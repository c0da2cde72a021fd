"""The purge table: each change purges exactly the pages that show it, checked through HTTP.

Every row warms all the pages, makes one change the way the admin (or an image job) makes it,
then asks for every page again: the ones listed must be re-rendered (MISS) and the others must
still come from the cache (HIT).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sgoodie import content
from sgoodie.blobs import original_key
from sgoodie.domain import Photo, SiteSettings
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services
from tests.conftest import jpeg_bytes

PAGES = {
    "home": "/",
    "about": "/about",
    "branding": "/personal-branding",
    "interiors": "/work/interiors",
    "travel": "/work/travel",
    "A": None,  # featured interiors project, filled in by the fixture
    "B": None,  # travel project, not featured
    "sitemap": "/sitemap.xml",  # the index of the parts below; shows no settings
    "sitemap-pages": "/sitemap-pages.xml",  # the pages (with their photos) and the categories
    "interiors-part": "/sitemap-interiors-0.xml",  # interiors projects with their photos
    "travel-part": "/sitemap-travel-0.xml",
}
SITEMAPS = {"sitemap", "sitemap-pages", "interiors-part", "travel-part"}


@pytest.fixture
def site(app, portfolio):
    a = portfolio.project("Atelier House", "interiors", featured=True, photos=2)
    portfolio.project("Second Interior", "interiors")
    b = portfolio.project("Bay of Kotor", "travel", photos=3)
    pages = dict(PAGES, A=f"/projects/{a.slug}", B=f"/projects/{b.slug}")
    return {"a": a.id, "b": b.id, "pages": pages}


def _project(project_id):
    return services().store.get_project(project_id)


def _edit(project_id, **changes):
    current = _project(project_id)
    content.projects.save(replace(current, **changes), current)


def _photos(project_id):
    return services().store.photos_for_project(project_id)


def _page(page_id, **changes):
    page = services().store.get_pages([page_id])[page_id]
    page.content.update(changes)
    content.pages.save(page)


def _process_new_photo(project_id):
    """What an upload ends with: the image job turns a stored original into a ready photo."""
    from sgoodie.photos.processing import process as process_photo

    photo = Photo(project_id=project_id, status="queued", filename="new.jpg", alt_text="A new view")
    photo.original_key = original_key(project_id, photo.id, "jpg")
    services().blobs.put(photo.original_key, jpeg_bytes((400, 300)), content_type="image/jpeg")
    services().store.add_photo(photo)
    process_photo(photo.id)


def _settings(**changes):
    base = services().store.get_pages(["site"])["site"]
    content.settings.save(replace(SiteSettings.from_page(base), **changes), base)


# A project edit purges its own sitemap part, not the index nor the other parts; the index and a
# category's parts only when the set of projects they list changes.
ROWS = [
    (
        "edit a featured project",
        lambda s: _edit(s["a"], title="Atelier House, Revisited"),
        {"A", "interiors", "home", "interiors-part"},
    ),
    (
        "edit a project that is not featured",
        lambda s: _edit(s["b"], description="Fjords and stone towns."),
        {"B", "travel", "travel-part"},
    ),
    (
        "feature a project on home",
        lambda s: _edit(s["b"], featured=True),
        {"B", "travel", "home", "travel-part", "sitemap-pages"},  # the home page's record changed
    ),
    (
        "move a project to another category",
        lambda s: _edit(s["b"], category="interiors"),
        {"B", "travel", "interiors", "sitemap", "interiors-part", "travel-part"},
    ),
    (
        "unpublish a project",
        lambda s: _edit(s["b"], published=False),
        {"B", "travel", "sitemap", "travel-part"},
    ),
    (
        "reorder a category",
        lambda s: content.projects.reorder(
            "interiors", [p.id for p in reversed(services().store.projects_in_category("interiors"))]
        ),
        {"interiors", "sitemap", "interiors-part"},
    ),
    (
        "move a project up",
        lambda s: content.projects.move(services().store.projects_in_category("interiors")[-1], -1),
        {"interiors", "sitemap", "interiors-part"},
    ),
    (
        "reorder a project's photos",
        lambda s: photo_edits.reorder(_project(s["b"]), [p.id for p in reversed(_photos(s["b"]))]),
        {"B", "travel-part"},
    ),
    (
        "edit the alt text of a photo",
        lambda s: photo_edits.update_text(_photos(s["b"])[-1], "Stone steps at dusk", ""),
        {"B", "travel-part"},
    ),
    (
        "edit the caption of a featured cover",
        lambda s: photo_edits.update_text(_photos(s["a"])[0], "Morning light", "The hall"),
        {"A", "interiors", "home", "interiors-part"},
    ),
    (
        "change a cover",
        lambda s: content.projects.set_cover(_project(s["b"]), _photos(s["b"])[1].id),
        {"B", "travel", "travel-part"},
    ),
    ("delete a photo", lambda s: photo_edits.delete(_photos(s["b"])[-1]), {"B", "travel-part"}),
    (
        "delete a featured project's cover photo",
        lambda s: photo_edits.delete(_photos(s["a"])[0]),
        {"A", "interiors", "home", "interiors-part"},
    ),
    ("an image job finishes", lambda s: _process_new_photo(s["b"]), {"B", "travel-part"}),
    (
        "delete a project",
        lambda s: content.projects.delete(_project(s["b"])),
        {"B", "travel", "sitemap", "travel-part"},
    ),
    ("edit the about page", lambda s: _page("about", bio="New bio."), {"about", "sitemap-pages"}),
    (
        "edit the home page",
        lambda s: _page("home", headline="Light, space, story."),
        {"home", "sitemap-pages"},
    ),
    (
        "edit the personal-branding page",
        lambda s: _page("personal-branding", intro="Portraits that work."),
        {"branding", "home", "sitemap-pages"},
    ),
    ("edit a category's intro", lambda s: _page("work-travel", intro="Places."), {"travel"}),
    ("edit the site settings", lambda s: _settings(tagline="Interiors & travel"), set(PAGES) - SITEMAPS),
    # Every page shows the navigation, and the sitemap lists the categories (and the parts of the
    # categories touched).
    (
        "create a category",
        lambda s: content.categories.create("Weddings"),
        set(PAGES) - {"interiors-part", "travel-part"},
    ),
    (
        "rename a category",
        lambda s: content.categories.update("travel", name="Journeys", new_slug="travel", hidden=False),
        set(PAGES) - {"interiors-part"},
    ),
    (
        "reorder the categories",
        lambda s: content.categories.move("travel", -1),
        set(PAGES) - {"interiors-part"},
    ),
    (
        "delete a category",
        lambda s: content.categories.delete("brand-marketing"),
        set(PAGES) - {"interiors-part", "travel-part"},
    ),
]


@pytest.mark.parametrize("name, change, purged", ROWS, ids=[row[0] for row in ROWS])
def test_a_change_purges_exactly_the_pages_that_show_it(app, client, site, name, change, purged):
    pages = site["pages"]
    for path in pages.values():
        client.get(path)
    assert all(client.get(path).headers.get("X-Cache") == "HIT" for path in pages.values())

    with app.test_request_context():
        change(site)

    for page, path in pages.items():
        response = client.get(path)
        expected = "MISS" if page in purged else "HIT"
        if page in purged and response.status_code != 200:
            continue  # an unpublished or deleted project's page is gone, which is the change
        assert response.headers.get("X-Cache") == expected, f"{name}: {path} should be a {expected}"


def test_purged_pages_show_the_change(app, client, site):
    pages = site["pages"]
    for path in pages.values():
        client.get(path)
    with app.test_request_context():
        _edit(site["a"], title="Atelier House, Revisited")
    for page in ("A", "interiors", "home"):
        assert "Atelier House, Revisited" in client.get(pages[page]).get_data(as_text=True), page
