"""Editing the pages and the site settings: saved, confirmed, visible to visitors at once."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from sgoodie.services import services

HOME = {"headline": "Light, space, story", "subheadline": "", "intro": "I photograph **places** and the people who make them.",
        "cta_title": "", "cta_text": "", "seo_title": "", "seo_description": "", "featured_order": "", "hero-choice": "", "hero-alt": ""}


def _version(client, url):
    import re

    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="version"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="version"', html).group(1) or "0"


def _jpeg(size=(1200, 800), color=(150, 120, 90)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def test_home_text_saves_with_a_message_and_shows_at_once(app, client, admin):
    visitor = app.test_client()
    visitor.get("/")  # cached before the change
    response = admin.post("/admin/pages/home", dict(HOME, version=_version(client, "/admin/pages/home")), follow_redirects=True)
    assert response.status_code == 200
    assert "Saved the" in response.get_data(as_text=True)
    html = visitor.get("/").get_data(as_text=True)
    assert "Light, space, story" in html and "<strong>places</strong>" in html


def test_home_hero_upload_goes_through_the_pipeline(app, client, admin):
    data = dict(HOME, version=_version(client, "/admin/pages/home"))
    data["hero-choice"] = "upload"
    data["hero-alt"] = "A bright living room"
    data["hero-upload"] = (io.BytesIO(_jpeg()), "hero.jpg")
    response = admin.post("/admin/pages/home", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        hero = services().store.get_pages(["home"])["home"].images["hero"]
        assert hero["alt"] == "A bright living room"
        assert {v["format"] for v in hero["variants"]} == {"avif", "webp", "jpeg"}
        assert all(services().blobs.head(v["key"]) for v in hero["variants"])
    assert "A bright living room" in app.test_client().get("/").get_data(as_text=True)


def test_every_format_the_pipeline_reads_may_be_a_page_photo(app, client, admin):
    data = dict(HOME, version=_version(client, "/admin/pages/home"))
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 600), (90, 120, 150)).save(buffer, "GIF")
    data["hero-choice"] = "upload"
    data["hero-alt"] = "An animated window"
    data["hero-upload"] = (io.BytesIO(buffer.getvalue()), "window.gif")
    response = admin.post("/admin/pages/home", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        hero = services().store.get_pages(["home"])["home"].images["hero"]
        assert hero["original_key"].endswith(".gif") and hero["width"] == 900


def test_a_file_of_another_kind_is_refused_naming_the_formats(app, client, admin):
    data = dict(HOME, version=_version(client, "/admin/pages/home"))
    data["hero-choice"] = "upload"
    data["hero-upload"] = (io.BytesIO(b"%PDF-1.7"), "brief.pdf")
    html = admin.post("/admin/pages/home", data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Upload a JPEG, PNG, WebP, AVIF, HEIC, TIFF or GIF photo." in html


def test_a_broken_upload_is_refused_and_nothing_changes(app, client, admin):
    data = dict(HOME, version=_version(client, "/admin/pages/home"), headline="Should not save")
    data["hero-choice"] = "upload"
    data["hero-upload"] = (io.BytesIO(b"this is not a photo"), "hero.jpg")
    response = admin.post("/admin/pages/home", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "could not be used" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_pages(["home"])["home"].content.get("headline") != "Should not save"
        assert services().blobs.list_keys("pages/home/") == []


def test_about_and_stale_page_saves(app, client, admin, actions_for):
    url = "/admin/pages/about"
    mine = _version(client, url)
    other = actions_for(app.test_client())
    other.login()
    fields = {"heading": "About", "bio": "Theirs", "seo_title": "", "seo_description": "", "portrait-choice": "", "portrait-alt": ""}
    assert other.post(url, dict(fields, version=_version(other.client, url))).status_code == 302
    response = admin.post(url, dict(fields, bio="Mine, typed with care", version=mine))
    assert response.status_code == 409
    assert "Mine, typed with care" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_pages(["about"])["about"].content["bio"] == "Theirs"


def test_settings_save_and_validate(app, client, admin):
    url = "/admin/settings"
    base = {"business_name": "S.Goodie Photography", "tagline": "Interiors, travel & brands", "contact_email": "hello@sgoodie.example",
            "phone": "+1 555 0100", "location": "Lisbon", "instagram": "https://instagram.com/sgoodie", "linkedin": "", "facebook": "",
            "pinterest": "", "default_seo_description": "Photography for places and brands."}
    bad = admin.post(url, dict(base, instagram="javascript:alert(1)", version=_version(client, url)))
    assert bad.status_code == 400 and "https://" in bad.get_data(as_text=True)
    response = admin.post(url, dict(base, version=_version(client, url)), follow_redirects=True)
    assert response.status_code == 200 and "Settings saved" in response.get_data(as_text=True)
    html = app.test_client().get("/about").get_data(as_text=True)
    assert "hello@sgoodie.example" in html and "https://instagram.com/sgoodie" in html


def test_category_intro(app, client, admin):
    url = "/admin/pages/work-travel"
    response = admin.post(url, {"heading": "Travel", "intro": "Places I keep returning to.", "seo_title": "", "seo_description": "",
                                "version": _version(client, url)})
    assert response.status_code == 302
    assert "Places I keep returning to." in app.test_client().get("/work/travel").get_data(as_text=True)
    assert client.get("/admin/pages/work-weddings").status_code == 404
