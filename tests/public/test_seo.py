"""What search engines read: titles, descriptions, canonical links, cards, JSON-LD, sitemap, robots."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
}


class Head(HTMLParser):
    """Collects <title>, <meta>, <link rel=canonical> and JSON-LD blocks."""

    def __init__(self, html: str):
        super().__init__()
        self.title = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.json_ld: list = []
        self._in = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and attrs.get("content") is not None:
            self.meta[attrs.get("name") or attrs.get("property") or ""] = attrs["content"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "ld"

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "ld":
            self.json_ld.append(json.loads(data))


@pytest.fixture
def site(portfolio, app):
    app.config["SITE_URL"] = "https://sgoodie.example"
    return {
        "loft": portfolio.project(
            "Harbour Loft",
            "interiors",
            featured=True,
            description="Light on the water.",
            seo_title="Harbour Loft, Lisbon interiors",
        ),
        "kotor": portfolio.project("Bay of Kotor", "travel", location="Montenegro", client="Adriatic Tours"),
        "draft": portfolio.project("Secret Draft", "travel", published=False),
    }


PATHS = [
    "/",
    "/about",
    "/personal-branding",
    "/work/interiors",
    "/work/travel",
    "/work/brand-marketing",
    "/projects/harbour-loft",
    "/projects/bay-of-kotor",
]


def _head(client, path) -> Head:
    return Head(client.get(path).get_data(as_text=True))


def test_every_page_has_a_unique_title_and_description(client, site):
    heads = {path: _head(client, path) for path in PATHS}
    titles = [h.title.strip() for h in heads.values()]
    descriptions = [h.meta["description"] for h in heads.values()]
    assert all(titles) and len(set(titles)) == len(titles)
    assert all(descriptions) and len(set(descriptions)) == len(descriptions)
    assert all(len(d) <= 160 for d in descriptions)


def test_admin_seo_fields_win_over_defaults(client, site):
    assert _head(client, "/projects/harbour-loft").title.startswith("Harbour Loft, Lisbon interiors")


def test_canonical_links_use_the_configured_origin(client, site):
    for path in PATHS:
        head = _head(client, path)
        assert head.canonical == "https://sgoodie.example" + path
        assert head.meta["og:url"] == head.canonical


def test_open_graph_and_twitter_cards_with_a_photo(client, site):
    head = _head(client, "/projects/harbour-loft")
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] and head.meta["og:description"]
    # The cover cut to the 1.91:1 card around its focal point (tests/public/test_share.py).
    assert head.meta["og:image"].startswith("https://sgoodie.example/share/500/500/projects/") and head.meta[
        "og:image"
    ].endswith("/1280.jpg")
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == head.meta["og:image"]


def _ld_types(head: Head) -> dict[str, dict]:
    return {item["@type"]: item for item in head.json_ld}


def test_home_json_ld_describes_the_business(client, site):
    types = _ld_types(_head(client, "/"))
    business = types["ProfessionalService"]
    assert business["name"] and business["url"] == "https://sgoodie.example/"
    assert business["founder"]["@type"] == "Person"
    assert "WebSite" in types


def test_project_json_ld_is_a_creative_work_with_images_and_breadcrumbs(client, site):
    types = _ld_types(_head(client, "/projects/bay-of-kotor"))
    work = types["CreativeWork"]
    assert work["name"] == "Bay of Kotor"
    assert work["locationCreated"]["name"] == "Montenegro"
    assert len(work["image"]) == 2 and all(
        i["@type"] == "ImageObject" and i["contentUrl"].startswith("https://") for i in work["image"]
    )
    crumbs = types["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Travel", "Bay of Kotor"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]


def test_category_json_ld_lists_its_projects_in_order(client, site):
    types = _ld_types(_head(client, "/work/travel"))
    items = types["CollectionPage"]["mainEntity"]["itemListElement"]
    assert [i["name"] for i in items] == ["Bay of Kotor"]


def _sitemap_urls(client) -> dict:
    """Every <url> of the sitemap index's parts, by address."""
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    index = ET.fromstring(response.get_data())
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)]
    assert parts[0] == "https://sgoodie.example/sitemap-pages.xml" and len(parts) > 1
    urls = {}
    for part in parts:
        answer = client.get(part.removeprefix("https://sgoodie.example"))
        assert answer.status_code == 200 and answer.mimetype == "application/xml"
        root = ET.fromstring(answer.get_data())
        urls.update({u.find("s:loc", SITEMAP_NS).text: u for u in root.findall("s:url", SITEMAP_NS)})
    return urls


def test_sitemap_lists_public_pages_and_every_published_photo(client, site):
    """An index of parts (the pages, then each category's projects): every public page once
    among them (each category part opens with its category's page), every shown photo."""
    urls = _sitemap_urls(client)
    expected = {"https://sgoodie.example" + p for p in PATHS}
    assert set(urls) == expected
    assert not any("secret-draft" in u for u in urls)
    images = urls["https://sgoodie.example/projects/bay-of-kotor"].findall(
        "image:image/image:loc", SITEMAP_NS
    )
    assert len(images) == 2 and all(i.text.endswith(".jpg") for i in images)


def test_robots_points_at_the_sitemap_and_keeps_admin_out(client, site):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://sgoodie.example/sitemap.xml" in text
    assert re.search(r"Disallow: /admin", text)


# What Google reads for image licensing ("Licensable" badge): an ImageObject with contentUrl and
# creator, creditText, copyrightNotice, and license / acquireLicensePage as web addresses.
IMAGE_OBJECT_SCHEMA = {
    "type": "object",
    "required": ["@type", "contentUrl", "creator", "creditText", "copyrightNotice"],
    "properties": {
        "@type": {"const": "ImageObject"},
        "contentUrl": {"type": "string", "format": "uri", "pattern": "^https://"},
        "creator": {
            "type": "object",
            "required": ["@type", "name"],
            "properties": {
                "@type": {"enum": ["Person", "Organization"]},
                "name": {"type": "string", "minLength": 1},
            },
        },
        "creditText": {"type": "string", "minLength": 1},
        "copyrightNotice": {"type": "string", "minLength": 1},
        "license": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "acquireLicensePage": {"type": "string", "format": "uri", "pattern": "^https?://"},
    },
}


def _validate_image_object(data):
    import jsonschema

    jsonschema.validate(data, IMAGE_OBJECT_SCHEMA, format_checker=jsonschema.FormatChecker())


def _with_rights(app, project, rights_by_index, **settings):
    from dataclasses import replace

    from sgoodie import content
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings
    from sgoodie.services import services

    with app.test_request_context():
        store = services().store
        for photo, rights in zip(store.photos_for_project(project.id), rights_by_index, strict=False):
            store.update_photo(replace(photo, rights=rights))
        if settings:
            base = store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
            content.settings.save(replace(SiteSettings.from_page(base), **settings), base)
        services().forget_loaded_settings()


def test_project_image_objects_carry_their_licence_fields(app, client, site):
    own = {
        "creator": "Sam Goodie",
        "copyright": "© 2024 Sam Goodie",
        "credit": "Photo: Sam Goodie",
        "license_url": "https://sgoodie.example/licence",
        "acquire_url": "https://sgoodie.example/license-a-photo",
    }
    _with_rights(
        app,
        site["kotor"],
        [own, {}],  # the second photo's files carry nothing (made before rights existed): site defaults
        rights_credit="S.Goodie Photography",
        rights_license_url="https://sgoodie.example/terms",
    )
    images = _ld_types(_head(client, "/projects/bay-of-kotor"))["CreativeWork"]["image"]
    for image in images:
        _validate_image_object(image)
    first, second = images
    assert first["creator"] == {"@type": "Person", "name": "Sam Goodie"}
    assert (first["creditText"], first["copyrightNotice"]) == ("Photo: Sam Goodie", "© 2024 Sam Goodie")
    assert first["license"] == "https://sgoodie.example/licence"
    assert first["acquireLicensePage"] == "https://sgoodie.example/license-a-photo"
    assert (
        second["creator"]["@type"] == "Organization" and second["creator"]["name"] == "S.Goodie Photography"
    )
    assert second["creditText"] == "S.Goodie Photography" and second["copyrightNotice"].startswith("© 20")
    assert second["license"] == "https://sgoodie.example/terms" and "acquireLicensePage" not in second


def test_without_licence_pages_the_image_objects_leave_those_fields_out(client, site):
    images = _ld_types(_head(client, "/projects/bay-of-kotor"))["CreativeWork"]["image"]
    for image in images:
        _validate_image_object(image)
        assert "license" not in image and "acquireLicensePage" not in image


def test_the_sitemap_and_open_graph_show_the_files_the_json_ld_describes(client, site):
    head = _head(client, "/projects/bay-of-kotor")
    images = _ld_types(head)["CreativeWork"]["image"]
    project = _sitemap_urls(client)["https://sgoodie.example/projects/bay-of-kotor"]
    listed = [loc.text for loc in project.findall("image:image/image:loc", SITEMAP_NS)]
    assert listed == [image["contentUrl"] for image in images]
    # The link-preview card is cut (around the focal point) from one of the described files.
    cut_from = re.sub(r"/share/\d+/\d+/", "/media/", head.meta["og:image"])
    assert cut_from in {image["thumbnailUrl"] for image in images}


def test_about_is_a_profile_page_of_the_photographer(app, client, site):
    from dataclasses import replace

    from sgoodie import content
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings
    from sgoodie.services import services

    with app.test_request_context():
        base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        settings = replace(
            SiteSettings.from_page(base),
            rights_creator="Sam Goodie",
            instagram="https://instagram.com/sgoodie",
            linkedin="https://linkedin.com/in/sgoodie",
        )
        content.settings.save(settings, base)
    types = _ld_types(_head(client, "/about"))
    profile = types["ProfilePage"]
    assert profile["url"] == "https://sgoodie.example/about"
    person = profile["mainEntity"]
    assert person["@type"] == "Person" and person["name"] == "Sam Goodie"
    assert person["sameAs"] == ["https://instagram.com/sgoodie", "https://linkedin.com/in/sgoodie"]
    assert person["worksFor"]["@id"] == "https://sgoodie.example/#business"
    assert "AboutPage" not in types
    # The home page keeps the business, whose founder is the same person.
    business = _ld_types(_head(client, "/"))["ProfessionalService"]
    assert business["founder"]["@id"] == person["@id"]
