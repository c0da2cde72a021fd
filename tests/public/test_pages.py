"""Every public route: status, key content, drafts hidden, order, errors."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sgoodie import content
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services


@pytest.fixture
def site(portfolio):
    return {
        "loft": portfolio.project(
            "Harbour Loft",
            "interiors",
            featured=True,
            description="A **bright** loft by the water.",
            location="Lisbon",
        ),
        "villa": portfolio.project("Garden Villa", "interiors"),
        "kotor": portfolio.project("Bay of Kotor", "travel"),
        "draft": portfolio.project("Unfinished Studio", "interiors", published=False),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about",
        "/personal-branding",
        "/work/interiors",
        "/work/travel",
        "/work/brand-marketing",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
    ],
)
def test_public_routes_answer(client, site, path):
    assert client.get(path).status_code == 200


def test_home_shows_featured_projects_only(client, site):
    html = client.get("/").get_data(as_text=True)
    assert "Harbour Loft" in html
    assert "Garden Villa" not in html
    assert "Unfinished Studio" not in html


def test_category_lists_published_projects_in_admin_order(app, client, site):
    html = client.get("/work/interiors").get_data(as_text=True)
    assert html.index("Harbour Loft") < html.index("Garden Villa")
    assert "Unfinished Studio" not in html and "Bay of Kotor" not in html
    with app.test_request_context():
        content.projects.reorder("interiors", [site["villa"].id, site["loft"].id, site["draft"].id])
    html = client.get("/work/interiors").get_data(as_text=True)
    assert html.index("Garden Villa") < html.index("Harbour Loft")


def test_project_page_shows_photos_with_responsive_sources(client, site):
    html = client.get("/projects/harbour-loft").get_data(as_text=True)
    assert "<h1" in html and "Harbour Loft" in html
    assert "<strong>bright</strong>" in html  # the description's Markdown is rendered
    assert "Lisbon" in html
    assert 'type="image/avif"' in html and 'type="image/webp"' in html
    assert re.search(r'<img[^>]+width="\d+"[^>]+height="\d+"|<img[^>]+height="\d+"[^>]+width="\d+"', html)
    assert 'fetchpriority="high"' in html
    assert 'loading="lazy"' in html
    assert "Harbour Loft photo 2" in html  # alt text


def test_drafts_and_unknown_things_are_404_with_the_styled_page(client, site):
    for path in ("/projects/unfinished-studio", "/projects/no-such-thing", "/work/weddings"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert 'name="robots" content="noindex' in html
        assert "S.Goodie" in html or "<nav" in html  # the site's own layout, not a bare error


def test_unpublishing_hides_a_project(app, client, site):
    assert client.get("/projects/bay-of-kotor").status_code == 200
    with app.test_request_context():
        current = services().store.get_project(site["kotor"].id)
        content.projects.save(replace(current, published=False), current)
    assert client.get("/projects/bay-of-kotor").status_code == 404


def test_a_renamed_slug_redirects_permanently(app, client, site):
    with app.test_request_context():
        current = services().store.get_project(site["villa"].id)
        content.projects.save(replace(current, slug="villa-in-sintra"), current)
    response = client.get("/projects/garden-villa")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/projects/villa-in-sintra")


def test_500_page_is_styled_and_does_not_leak(app, client, monkeypatch):
    from sgoodie.public import views

    def broken(*args, **kwargs):
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(views, "load_pages", broken)
    app.testing = False  # let the error handler answer, as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/about")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret detail" not in html
    assert "<html" in html and "noindex" in html


def test_pages_are_keyboard_friendly(client, site):
    html = client.get("/projects/harbour-loft").get_data(as_text=True)
    assert re.search(r'<a[^>]+class="[^"]*skip', html), "a skip link to the content"
    assert "<main" in html and 'lang="' in html


def _clear_alt(app, photo):
    """A photo added to a published project and not described yet (as the store keeps it)."""
    with app.app_context():
        photo.alt_text = ""
        return services().store.update_photo(photo)


def test_a_photo_without_alt_text_is_not_shown_to_visitors_until_it_has_one(
    app, client, portfolio, whole_sitemap
):
    def read(path: str) -> str:  # the sitemap: its index and every part
        text = client.get(path).get_data(as_text=True)
        return (
            whole_sitemap(lambda p: client.get(p).get_data(as_text=True)) if path == "/sitemap.xml" else text
        )

    rooms = portfolio.project("Quiet Rooms", "interiors", photos=2)
    bay = portfolio.project("Grey Bay", "travel", featured=True, photos=1)
    with app.app_context():
        described, undescribed = services().store.photos_for_project(rooms.id)
        (cover,) = services().store.photos_for_project(bay.id)
    undescribed = _clear_alt(app, undescribed)
    cover = _clear_alt(app, cover)  # the cover of a featured project: cards, hero, Open Graph

    surfaces = [
        "/",
        "/work/interiors",
        "/work/travel",
        "/projects/quiet-rooms",
        "/projects/grey-bay",
        "/sitemap.xml",
    ]
    pages = {path: read(path) for path in surfaces}
    assert described.id in pages["/projects/quiet-rooms"] and described.id in pages["/sitemap.xml"]
    for path, html in pages.items():
        assert undescribed.id not in html and cover.id not in html, path
    assert "Grey Bay" in pages["/work/travel"]  # the project is listed, without the picture

    with app.test_request_context():
        photo_edits.update_text(cover, "Fog over the grey bay", "")
        photo_edits.update_text(undescribed, "An empty reading room", "")
    pages = {path: read(path) for path in surfaces}  # purged: fresh pages
    assert (
        undescribed.id in pages["/projects/quiet-rooms"]
        and 'alt="An empty reading room"' in pages["/projects/quiet-rooms"]
    )
    for path in ("/", "/work/travel", "/projects/grey-bay", "/sitemap.xml"):
        assert cover.id in pages[path], path
    assert undescribed.id in pages["/sitemap.xml"]
    assert re.search(rf'<meta property="og:image" content="[^"]*{cover.id}', pages["/projects/grey-bay"])


def test_a_new_cover_is_a_photo_visitors_see(app, portfolio):
    project = portfolio.project("New Cover", "interiors", photos=3)
    with app.app_context():
        cover, undescribed, described = services().store.photos_for_project(project.id)
    _clear_alt(app, undescribed)
    with app.test_request_context():
        photo_edits.delete(cover)
        assert services().store.get_project(project.id).cover_photo_id == described.id


def test_previous_and_next_go_round_the_categorys_public_projects(client, portfolio):
    first = portfolio.project("First Light", "interiors")
    portfolio.project("Draft Between", "interiors", published=False)
    portfolio.project("Shared By Link", "interiors", visibility="unlisted")  # only for whoever has the link
    portfolio.project("Elsewhere", "travel")
    last = portfolio.project("Last Light", "interiors")
    assert client.get(f"/projects/{first.slug}/next").headers["Location"] == f"/projects/{last.slug}"
    assert client.get(f"/projects/{last.slug}/next").headers["Location"] == f"/projects/{first.slug}"  # round
    assert client.get(f"/projects/{first.slug}/previous").headers["Location"] == f"/projects/{last.slug}"
    html = client.get(f"/projects/{first.slug}").get_data(as_text=True)
    assert f'href="/projects/{first.slug}/previous" rel="prev"' in html and 'rel="next"' in html
    alone = portfolio.project("Alone", "brand-marketing")
    assert client.get(f"/projects/{alone.slug}/next").headers["Location"] == "/work/brand-marketing"
    assert client.get("/projects/draft-between/next").status_code == 404


def _many_projects(app, category: str, count: int, *, drafts_every: int = 0) -> list:
    """`count` projects straight through the store (no photos): listings at a size."""
    from sgoodie.domain import Project

    with app.app_context():
        store = services().store
        return [
            store.create_project(
                Project(
                    title=f"Study {n:02d}",
                    category=category,
                    published=not (drafts_every and n % drafts_every == 0),
                )
            )
            for n in range(count)
        ]


def test_a_category_shows_a_page_of_projects_and_a_link_to_the_next(app, client):
    made = _many_projects(app, "travel", 70, drafts_every=5)
    published = [p for p in made if p.published]
    first = client.get("/work/travel").get_data(as_text=True)
    titles = re.findall(r'<h2 class="card__title">([^<]+)</h2>', first)
    assert titles == [p.title for p in published[:24]]  # drafts never even read
    more = re.search(r'<a class="more__link" href="([^"]+)"[^>]*rel="next"', first).group(1)
    second = client.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'<h2 class="card__title">([^<]+)</h2>', second) == [p.title for p in published[24:48]]
    third_url = re.search(r'<a class="more__link" href="([^"]+)"', second).group(1)
    third = client.get(third_url).get_data(as_text=True)
    assert re.findall(r'<h2 class="card__title">([^<]+)</h2>', third) == [p.title for p in published[48:]]
    assert 'class="more__link"' not in third  # the last page
    assert re.search(r'rel="canonical" href="[^"]*/work/travel\?after=\d+"', second)  # each page its own
    assert re.search(r'rel="canonical" href="[^"]*/work/travel"', first)
    assert client.get("/work/travel?after=soon").status_code == 404
