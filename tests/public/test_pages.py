"""Every public route: status, key content, drafts hidden, order, errors."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from sgoodie import content
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
        content.reorder_projects("interiors", [site["villa"].id, site["loft"].id, site["draft"].id])
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
        content.save_project(replace(current, published=False), current)
    assert client.get("/projects/bay-of-kotor").status_code == 404


def test_a_renamed_slug_redirects_permanently(app, client, site):
    with app.test_request_context():
        current = services().store.get_project(site["villa"].id)
        content.save_project(replace(current, slug="villa-in-sintra"), current)
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
