"""Editing the pages and the site settings: saved, confirmed, visible to visitors at once."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as PILImage

from sgoodie.domain import Photo
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services
from tests.conftest import jpeg_bytes

HOME = {
    "headline": "Light, space, story",
    "subheadline": "",
    "intro": "I photograph **places** and the people who make them.",
    "cta_title": "",
    "cta_text": "",
    "seo_title": "",
    "seo_description": "",
    "featured_order": "",
    "hero-choice": "",
    "hero-alt": "",
}


def _version(client, url):
    """The form's version field: the store's version (settings) or the page's edit stamp."""
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'name="version"[^>]*value="(\w*)"|value="(\w*)"[^>]*name="version"', html)
    return found.group(1) or found.group(2) or "0"


def test_home_text_saves_with_a_message_and_shows_at_once(app, client, admin):
    visitor = app.test_client()
    visitor.get("/")  # cached before the change
    response = admin.post(
        "/admin/pages/home", dict(HOME, version=_version(client, "/admin/pages/home")), follow_redirects=True
    )
    assert response.status_code == 200
    assert "Saved the" in response.get_data(as_text=True)
    html = visitor.get("/").get_data(as_text=True)
    assert "Light, space, story" in html and "<strong>places</strong>" in html


def _post_hero(app, client, admin, data: bytes, alt: str = "A bright living room"):
    form = dict(HOME, version=_version(client, "/admin/pages/home"))
    form["hero-choice"] = "upload"
    form["hero-alt"] = alt
    form["hero-upload"] = (io.BytesIO(data), "hero.jpg")
    return admin.post("/admin/pages/home", form, content_type="multipart/form-data")


def _hero(app) -> Photo:
    with app.app_context():
        return services().store.get_pages(["home"])["home"].photo("hero")


def test_a_hero_upload_is_stored_then_processed_by_the_job(app, client, admin, held_jobs):
    response = _post_hero(app, client, admin, jpeg_bytes())
    assert response.status_code == 302, response.get_data(as_text=True)
    hero = _hero(app)
    # The request only stored the file: no variants yet, a job waits.
    assert hero.status == "queued" and hero.variants == []
    assert held_jobs.queued == [("photo.process", {"photo_id": hero.id, "page_id": "home"})]
    with app.app_context():
        assert services().blobs.list_keys(f"pages/home/variants/{hero.id}/") == []
    held_jobs.run_all()
    hero = _hero(app)
    assert hero.status == "ready" and hero.alt_text == "A bright living room"
    assert {v.format for v in hero.variants} == {"avif", "webp", "jpeg"}
    with app.app_context():
        assert all(services().blobs.head(v.key) for v in hero.variants)
    assert "A bright living room" in app.test_client().get("/").get_data(as_text=True)


def test_the_old_hero_stays_until_the_new_one_is_ready(app, client, admin, held_jobs):
    _post_hero(app, client, admin, jpeg_bytes(), alt="The first hero")
    held_jobs.run_all()
    first = _hero(app)
    _post_hero(app, client, admin, jpeg_bytes(color=(20, 90, 40)), alt="The second hero")
    assert "The first hero" in app.test_client().get("/").get_data(as_text=True)  # visitors still see it
    held_jobs.run_all()
    html = app.test_client().get("/").get_data(as_text=True)
    assert "The second hero" in html and "The first hero" not in html
    with app.app_context():  # the replaced photo's files went with it
        assert not any(services().blobs.head(v.key) for v in first.variants)
        assert services().blobs.head(first.original_key) is None


def test_a_page_photo_that_fails_says_why_and_can_be_retried(app, client, admin, held_jobs):
    _post_hero(app, client, admin, jpeg_bytes(), alt="The working hero")
    held_jobs.run_all()
    _post_hero(
        app, client, admin, jpeg_bytes()[:3000], alt="A cut-off file"
    )  # a JPEG's start: accepted, fails in the job
    held_jobs.run_all()
    hero = _hero(app)
    assert hero.status == "failed" and "incomplete" in hero.error
    assert "The working hero" in app.test_client().get("/").get_data(as_text=True)
    page = client.get("/admin/pages/home").get_data(as_text=True)
    assert hero.error in page and "Retry" in page
    status = client.get(f"/admin/pages/home/photos/{hero.id}")
    assert status.get_json() == {"status": "failed", "error": hero.error}
    retried = admin.post(f"/admin/pages/home/photos/{hero.id}/retry", {})
    assert retried.status_code == 302
    assert held_jobs.queued == [("photo.process", {"photo_id": hero.id, "page_id": "home"})]
    assert _hero(app).status == "queued"


def _branding_upload(client, files) -> dict:
    """The personal-branding form as saved with `files` added to its gallery."""
    url = "/admin/pages/personal-branding"
    return {
        "heading": "Personal branding",
        "intro": "",
        "offer": "",
        "seo_title": "",
        "seo_description": "",
        "gallery_add": "",
        "version": _version(client, url),
        "gallery_upload": files,
    }


def test_gallery_uploads_appear_when_ready(app, client, admin, held_jobs):
    url = "/admin/pages/personal-branding"
    form = _branding_upload(
        client,
        [
            (io.BytesIO(jpeg_bytes(size=(600, 900))), "one.jpg"),
            (io.BytesIO(jpeg_bytes(size=(900, 600))), "two.jpg"),
        ],
    )
    assert admin.post(url, form, content_type="multipart/form-data").status_code == 302
    assert len(held_jobs.queued) == 2
    assert (
        "<picture"
        not in app.test_client().get("/personal-branding").get_data(as_text=True).split("<main", 1)[1]
    )
    held_jobs.run_all()
    with app.app_context():
        gallery = services().store.get_pages(["personal-branding"])["personal-branding"].image_list("gallery")
    assert [(image.width, image.height) for image in gallery] == [(600, 900), (900, 600)]


def test_every_format_the_pipeline_reads_may_be_a_page_photo(app, client, admin, held_jobs):
    data = dict(HOME, version=_version(client, "/admin/pages/home"))
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 600), (90, 120, 150)).save(buffer, "GIF")
    data["hero-choice"] = "upload"
    data["hero-alt"] = "An animated window"
    data["hero-upload"] = (io.BytesIO(buffer.getvalue()), "window.gif")
    response = admin.post("/admin/pages/home", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    held_jobs.run_all()
    hero = _hero(app)
    assert hero.original_key.endswith(".gif") and hero.width == 900 and hero.status == "ready"


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
    fields = {
        "heading": "About",
        "bio": "Theirs",
        "seo_title": "",
        "seo_description": "",
        "portrait-choice": "",
        "portrait-alt": "",
    }
    assert other.post(url, dict(fields, version=_version(other.client, url))).status_code == 302
    response = admin.post(url, dict(fields, bio="Mine, typed with care", version=mine))
    assert response.status_code == 409
    assert "Mine, typed with care" in response.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_pages(["about"])["about"].content["bio"] == "Theirs"


def test_settings_save_and_validate(app, client, admin):
    url = "/admin/settings"
    base = {
        "business_name": "S.Goodie Photography",
        "tagline": "Interiors, travel & brands",
        "contact_email": "hello@sgoodie.example",
        "phone": "+1 555 0100",
        "location": "Lisbon",
        "instagram": "https://instagram.com/sgoodie",
        "linkedin": "",
        "facebook": "",
        "pinterest": "",
        "default_seo_description": "Photography for places and brands.",
    }
    bad = admin.post(url, dict(base, instagram="javascript:alert(1)", version=_version(client, url)))
    assert bad.status_code == 400 and "https://" in bad.get_data(as_text=True)
    response = admin.post(url, dict(base, version=_version(client, url)), follow_redirects=True)
    assert response.status_code == 200 and "Settings saved" in response.get_data(as_text=True)
    html = app.test_client().get("/about").get_data(as_text=True)
    assert "hello@sgoodie.example" in html and "https://instagram.com/sgoodie" in html


def test_category_intro(app, client, admin):
    url = "/admin/pages/work-travel"
    response = admin.post(
        url,
        {
            "heading": "Travel",
            "intro": "Places I keep returning to.",
            "seo_title": "",
            "seo_description": "",
            "version": _version(client, url),
        },
    )
    assert response.status_code == 302
    assert "Places I keep returning to." in app.test_client().get("/work/travel").get_data(as_text=True)
    assert client.get("/admin/pages/work-weddings").status_code == 404


def test_a_finished_photo_job_is_no_conflict_for_the_next_save(app, client, admin, held_jobs):
    """The admin uploads a hero, comes back to the form, the job finishes, they fix a typo: the
    save goes through (a second editor's save is still a conflict: test_about_and_stale_page_saves)."""
    _post_hero(app, client, admin, jpeg_bytes())
    stamp = _version(client, "/admin/pages/home")
    held_jobs.run_all()  # the job writes the page twice: processing, then ready
    response = admin.post("/admin/pages/home", dict(HOME, headline="Light, space and story", version=stamp))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _hero(app).status == "ready"


def test_saving_text_queues_no_job_again(app, client, admin, held_jobs):
    _post_hero(app, client, admin, jpeg_bytes())
    assert len(held_jobs.queued) == 1
    admin.post("/admin/pages/home", dict(HOME, version=_version(client, "/admin/pages/home")))
    assert len(held_jobs.queued) == 1  # the hero waits for the job already queued


def test_a_portfolio_photo_that_cannot_be_used_is_a_form_error(app, client, admin, portfolio):
    """Photo ids come from the form: an unknown one, an empty one, or one whose files are gone
    is a field error (400, nothing saved), never a server error."""
    project = portfolio.project("Loft", photos=1)  # records only: its files are not in storage
    with app.app_context():
        [missing_files] = services().store.photos_for_project(project.id)
    about = {
        "heading": "About",
        "bio": "Not saved",
        "seo_title": "",
        "seo_description": "",
        "portrait-alt": "",
    }
    branding = {
        "heading": "Branding",
        "intro": "Not saved",
        "offer": "",
        "seo_title": "",
        "seo_description": "",
    }
    cases = [
        ("about", dict(about, **{"portrait-choice": "photo:nope"}), "not available any more"),
        ("about", dict(about, **{"portrait-choice": "photo:"}), "not available any more"),
        ("about", dict(about, **{"portrait-choice": f"photo:{missing_files.id}"}), "files are missing"),
        ("personal-branding", dict(branding, gallery_add="photo:nope"), "not available any more"),
        ("personal-branding", dict(branding, gallery_add="nope"), "not available any more"),
        ("personal-branding", dict(branding, gallery_add=f"photo:{missing_files.id}"), "files are missing"),
    ]
    for page_id, form, words in cases:
        url = f"/admin/pages/{page_id}"
        response = admin.post(url, dict(form, version=_version(client, url)))
        assert response.status_code == 400, (form, response.status_code)
        assert words in response.get_data(as_text=True), form
    with app.app_context():
        pages = services().store.get_pages(["about", "personal-branding"])
        assert "Not saved" not in (
            pages["about"].content.get("bio"),
            pages["personal-branding"].content.get("intro"),
        )
        assert services().blobs.list_keys("pages/") == []


def test_social_links_typed_without_https_are_completed(app, client, admin):
    """People type "facebook.com/x": the form adds https:// instead of refusing it; other schemes
    are still refused."""
    url = "/admin/settings"
    base = {
        "business_name": "S.Goodie Photography",
        "tagline": "",
        "contact_email": "",
        "phone": "",
        "location": "",
        "instagram": "instagram.com/sgoodie",
        "linkedin": "http://www.linkedin.com/in/sgoodie",
        "facebook": " facebook.com/sgoodie ",
        "pinterest": "//pinterest.com/sgoodie",
        "default_seo_description": "",
    }
    response = admin.post(url, dict(base, version=_version(client, url)))
    assert response.status_code == 302
    with app.app_context():
        content = services().store.get_pages(["site"])["site"].content
    assert content["instagram"] == "https://instagram.com/sgoodie"
    assert content["linkedin"] == "https://www.linkedin.com/in/sgoodie"
    assert content["facebook"] == "https://facebook.com/sgoodie"
    assert content["pinterest"] == "https://pinterest.com/sgoodie"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "mailto:me@example.com", "ftp://example.com/x"):
        response = admin.post(url, dict(base, facebook=bad, version=_version(client, url)))
        assert response.status_code == 400, bad
        assert "https:// web address" in response.get_data(as_text=True)
    with app.app_context():
        assert (
            services().store.get_pages(["site"])["site"].content["facebook"] == "https://facebook.com/sgoodie"
        )


def test_site_settings_validate_completes_and_refuses_social_links():
    from sgoodie.domain import SiteSettings, ValidationError

    settings = SiteSettings(facebook="facebook.com/x", instagram="HTTP://instagram.com/y")
    settings.validate()
    assert settings.facebook == "https://facebook.com/x"
    assert settings.instagram == "https://instagram.com/y"
    with pytest.raises(ValidationError) as refused:
        SiteSettings(facebook="javascript:alert(1)").validate()
    assert "facebook" in refused.value.errors


def test_the_admin_shows_times_in_the_site_time_zone(app, client, admin):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    url = "/admin/settings"
    page = client.get(url).get_data(as_text=True)
    assert 'name="time_zone"' in page and 'value="Europe/Lisbon"' in page
    settings = {"business_name": "S.Goodie Photography", "currency": "USD", "version": _version(client, url)}
    refused = admin.post(url, dict(settings, time_zone="Mars/Olympus_Mons"))
    assert refused.status_code == 400
    assert admin.post(url, dict(settings, time_zone="Asia/Tokyo")).status_code == 302
    html = client.get("/admin/").get_data(as_text=True)
    stamp, shown = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', html).groups()
    expected = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Tokyo"))
    assert shown == expected.strftime("%Y-%m-%d %H:%M JST")
    assert " UTC" not in html


def test_the_hero_is_chosen_from_thumbnails_not_a_long_dropdown(app, client, admin, portfolio):
    """Each ready portfolio photo is a radio button showing its thumbnail (no JavaScript needed),
    posting the same values the dropdown did (test_a_portfolio_photo_that_cannot_be_used_is_a_form_error
    and the hero tests post them)."""
    project = portfolio.project("Harbour Loft", photos=2)
    with app.app_context():
        photos_ = services().store.photos_for_project(project.id)
    html = client.get("/admin/pages/home").get_data(as_text=True)
    assert '<select id="hero-choice"' not in html and 'name="hero-choice"' in html
    for photo in photos_:
        option = re.search(
            rf'<label class="photo-picker__option[^"]*"[^>]*>\s*<input[^>]*type="radio" name="hero-choice" '
            rf'value="photo:{photo.id}"[^>]*>\s*<span class="photo-picker__tile"><img src="([^"]+)"',
            html,
        )
        assert option, photo.id
        assert photo.image().variants_in("webp")[0].key in option.group(1)
    assert re.search(r'type="radio" name="hero-choice" value="none" checked', html)  # no hero yet


def _logo_png(size=(600, 200)) -> bytes:
    import io

    from PIL import Image as PILImage
    from PIL import ImageDraw

    image = PILImage.new("RGBA", size, (0, 0, 0, 0))  # transparent around the mark
    ImageDraw.Draw(image).rectangle((100, 50, 499, 149), fill=(138, 79, 45, 255))  # 400 x 100
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_replaces_the_wordmark_and_makes_the_icons(app, client, admin):
    import io

    from PIL import Image as PILImage

    url = "/admin/settings"
    base = {"business_name": "S.Goodie Photography", "currency": "USD", "time_zone": "UTC"}
    visitor = app.test_client()
    assert 'class="brand" href="/">S.Goodie Photography</a>' in visitor.get("/").get_data(as_text=True)

    # SVG is refused, saying why; nothing typed is lost and nothing is saved.
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = admin.post(
        url,
        dict(
            base, tagline="Typed with care", logo=(io.BytesIO(svg), "logo.svg"), version=_version(client, url)
        ),
        content_type="multipart/form-data",
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "SVG logos are not accepted" in text and "Typed with care" in text
    renamed = admin.post(  # the same file under another name is recognised by its content
        url,
        dict(base, logo=(io.BytesIO(svg), "logo.png"), version=_version(client, url)),
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 400 and "SVG logos are not accepted" in renamed.get_data(as_text=True)
    with app.app_context():
        assert services().site_settings().logo == {} and services().site_settings().tagline == ""

    saved = admin.post(
        url,
        dict(base, logo=(io.BytesIO(_logo_png()), "logo.png"), version=_version(client, url)),
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        logo = services().site_settings().logo
        keys = set(services().blobs.list_keys(logo["prefix"]))
    # Trimmed to the mark (400 x 100), drawn 40 px high: 160 x 40 at 1x.
    assert (logo["width"], logo["height"]) == (160, 40)
    names = {key.rsplit("/", 1)[-1] for key in keys}
    assert names == {
        "logo-40.webp",
        "logo-80.webp",
        "logo-120.webp",
        "icon-32.png",
        "icon-180.png",
        "mark.png",
    }
    html = visitor.get("/").get_data(as_text=True)
    assert 'class="brand__logo"' in html and 'alt="S.Goodie Photography"' in html
    assert "logo-120.webp 3x" in html and 'width="160" height="40"' in html
    icon = re.search(r'<link rel="icon" href="([^"]+icon-32\.png)"', html).group(1)
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+icon-180\.png)"', html).group(1)
    assert PILImage.open(io.BytesIO(visitor.get(icon).data)).size == (32, 32)
    touch_icon = PILImage.open(io.BytesIO(visitor.get(touch).data))
    assert touch_icon.size == (180, 180) and touch_icon.mode == "RGB"  # home screens need no transparency
    assert '"logo": "http' in html  # the business's JSON-LD names it

    removed = admin.post(url, dict(base, remove_logo="y", version=_version(client, url)))
    assert removed.status_code == 302
    assert 'class="brand" href="/">S.Goodie Photography</a>' in visitor.get("/").get_data(as_text=True)
    with app.app_context():
        assert services().blobs.list_keys(logo["prefix"]) == []  # its files went with it


def test_the_hero_brings_its_focal_point_and_the_form_moves_it(app, client, admin, portfolio):

    project = portfolio.project("Hero Source", "interiors", photos=1)
    with app.test_request_context():
        photo = services().store.photos_for_project(project.id)[0]
        for variant in photo.variants:  # the copy needs the files
            services().blobs.put(variant.key, b"file", content_type="image/jpeg")
        photo_edits.set_focal_point(photo, 0.2, 0.3)
    url = "/admin/pages/home"
    response = admin.post(
        url, dict(HOME, **{"hero-choice": f"photo:{photo.id}"}, version=_version(client, url))
    )
    assert response.status_code == 302
    with app.app_context():
        hero = services().store.get_pages(["home"])["home"].photo("hero")
    assert (hero.focal_x, hero.focal_y) == (0.2, 0.3)  # the portfolio photo's own point
    form = client.get(url).get_data(as_text=True)
    assert (
        'name="hero-focal_x" value="20"' in form and "focal__preview--phone" in form
    )  # the crops, before saving

    response = admin.post(
        url,
        dict(
            HOME,
            **{"hero-choice": "keep", "hero-focal_x": "75", "hero-focal_y": "10"},
            version=_version(client, url),
        ),
    )
    assert response.status_code == 302
    html = app.test_client().get("/").get_data(as_text=True)
    assert "object-position:75% 10%" in html  # its phone cut is made in a job: tests/photos/test_cuts.py
    refused = admin.post(
        url,
        dict(
            HOME,
            **{"hero-choice": "keep", "hero-focal_x": "120", "hero-focal_y": "10"},
            version=_version(client, url),
        ),
    )
    assert refused.status_code == 400 and "from 0 to 100" in refused.get_data(as_text=True)


def test_the_photo_picker_pages_through_projects_and_shows_one_projects_photos(app, client, admin, portfolio):
    """Never every photo of the site: a page of one category's projects, then the chosen one's
    photos (test_the_hero_is_chosen_from_thumbnails_not_a_long_dropdown checks the tiles)."""
    projects = [portfolio.project(f"Loft {n:02d}", "interiors", photos=1) for n in range(14)]
    html = client.get("/admin/pages/home").get_data(as_text=True)
    listed = re.findall(r'<span class="picker__title">([^<]+)</span>', html)
    assert listed == [f"Loft {n:02d}" for n in range(12)]
    assert len(re.findall(r'name="hero-choice" value="photo:', html)) == 1  # the first project's photo
    more = re.search(r'href="([^"]+)">More projects', html).group(1).replace("&amp;", "&")
    rest = client.get(more).get_data(as_text=True)
    assert re.findall(r'<span class="picker__title">([^<]+)</span>', rest) == ["Loft 12", "Loft 13"]
    with app.app_context():
        (photo,) = services().store.photos_for_project(projects[13].id)
    chosen = client.get(f"/admin/pages/home?pick={projects[13].id}").get_data(as_text=True)
    assert f'name="hero-choice" value="photo:{photo.id}"' in chosen and "Photos of <strong>Loft 13" in chosen
    found = client.get("/admin/pages/home?pick_category=interiors&pick_q=loft+1").get_data(as_text=True)
    assert re.findall(r'<span class="picker__title">([^<]+)</span>', found) == [
        f"Loft {n}" for n in range(10, 14)
    ]
    nothing = client.get("/admin/pages/home?pick_q=zebra").get_data(as_text=True)
    assert "No project’s title matches “zebra”" in nothing


def test_the_branding_gallery_holds_at_most_sixty_photos_on_both_stores_alike(app, client, admin):
    from sgoodie import content
    from sgoodie.domain import BRANDING_GALLERY_MAX, ValidationError

    url = "/admin/pages/personal-branding"
    with app.test_request_context():
        page = services().store.get_pages(["personal-branding"])["personal-branding"]
        page.put_photos(
            "gallery",
            [Photo("", id=f"g{n}", page_id=page.id, status="ready") for n in range(BRANDING_GALLERY_MAX)],
        )
        content.pages.save(page)
        page = services().store.get_pages(["personal-branding"])["personal-branding"]
        page.put_photos("gallery", [*page.photos("gallery"), Photo("", id="one-more", page_id=page.id)])
        with pytest.raises(ValidationError):
            content.pages.save(page)
    form = _branding_upload(client, [(io.BytesIO(jpeg_bytes()), "one-more.jpg")])
    refused = admin.post(url, form, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "The gallery holds at most 60 photos" in refused.get_data(as_text=True)
    with app.app_context():
        assert (
            len(services().store.get_pages(["personal-branding"])["personal-branding"].photos("gallery"))
            == 60
        )
        assert services().blobs.list_keys("pages/personal-branding/") == []  # no file left behind


SETTINGS_BASE = {
    "business_name": "S.Goodie Photography",
    "currency": "USD",
    "time_zone": "UTC",
    "quality_preset": "balanced",
    "jpeg_quality": "82",
    "jpeg_subsampling": "4:2:0",
    "webp_quality": "80",
    "avif_quality": "60",
}
RIGHTS_FORM = {
    "rights_creator": "Sam Goodie",
    "rights_copyright": "© {year} Sam Goodie",
    "rights_credit": "Photo: Sam Goodie",
    "rights_license_url": "https://sgoodie.example/licence",
    "rights_acquire_url": "https://sgoodie.example/license-a-photo",
}


def _settings_now(app):
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings

    with app.app_context():
        return SiteSettings.from_page(services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])


def test_settings_rights_and_quality_are_saved_and_start_a_rerender(app, client, admin, hold_jobs):
    url = "/admin/settings"
    queued = hold_jobs(app)
    html = client.get(url).get_data(as_text=True)
    for label in (
        "Credit and licensing",
        "Copyright notice",
        "How to license",
        "Photo quality",
        "Display P3",
    ):
        assert label in html
    assert 'name="quality_preset" type="radio" value="balanced" checked' in html or re.search(
        r'<input checked[^>]*name="quality_preset"[^>]*value="balanced"', html
    )
    response = admin.post(
        url,
        {
            **SETTINGS_BASE,
            **RIGHTS_FORM,
            "quality_preset": "high",
            "wide_gamut": "y",
            "version": _version(client, url),
        },
        follow_redirects=True,
    )
    assert "prepared again in the background" in response.get_data(as_text=True)
    saved = _settings_now(app)
    assert (saved.rights_creator, saved.rights_copyright, saved.quality_preset, saved.wide_gamut) == (
        "Sam Goodie",
        "© {year} Sam Goodie",
        "high",
        True,
    )
    assert queued.kinds() == ["photo.rerender-changed"]
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "New photo files after the settings change" in dashboard and "Finding the photos" in dashboard

    # Saving again without a change that alters the files starts nothing.
    queued.queued.clear()
    unchanged = {
        **SETTINGS_BASE,
        **RIGHTS_FORM,
        "quality_preset": "high",
        "wide_gamut": "y",
        "tagline": "New",
    }
    again = admin.post(url, dict(unchanged, version=_version(client, url)), follow_redirects=True)
    assert "Settings saved. Every page shows them now." in again.get_data(as_text=True)
    assert queued.queued == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rights_license_url", "sgoodie licence page", "full web address"),
        ("rights_copyright", "© {yr} Me", "Only {year}"),
        ("jpeg_quality", "0", "From 1 to 100"),
        ("avif_quality", "many", "Not a valid integer"),
        ("quality_preset", "ultra", "Not a valid choice"),
    ],
)
def test_settings_refuse_bad_rights_and_quality_and_keep_the_typing(
    app, client, admin, field, value, message
):
    url = "/admin/settings"
    data = dict(SETTINGS_BASE, tagline="Kept while fixing", version=_version(client, url))
    data[field] = value
    response = admin.post(url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "Kept while fixing" in html
    assert _settings_now(app).tagline == ""


def test_quality_sizes_are_measured_on_a_photo_of_the_site_in_a_job_and_kept(app, client, admin, held_jobs):
    from sgoodie import content
    from sgoodie.photos import processing, uploads

    empty = client.get("/admin/settings/quality-sizes").get_json()
    assert empty == {"photo": None, "sizes": {}, "measuring": False}
    with app.test_request_context():
        grainy = PILImage.blend(
            PILImage.open(io.BytesIO(jpeg_bytes((3000, 2000)))),
            PILImage.effect_noise((3000, 2000), 40).convert("RGB"),
            0.3,
        )
        buffer = io.BytesIO()
        grainy.save(buffer, "JPEG", quality=95)
        image = uploads.store_page_upload("home", io.BytesIO(buffer.getvalue()), "Hero")
        page = services().store.get_pages(["home"])["home"]
        page.put_photo("hero", image)
        content.pages.save(page)
        processing.process(image.id, page_id="home")
    held_jobs.queued.clear()
    # The request measures nothing: it queues the job once, however often the page asks.
    for _ in range(3):
        asked = client.get("/admin/settings/quality-sizes").get_json()
        assert asked == {"photo": "the home page's hero photo", "sizes": {}, "measuring": True}
    assert held_jobs.kinds() == ["photo.measure-quality"]
    held_jobs.run_all()
    measured = client.get("/admin/settings/quality-sizes").get_json()
    assert measured["photo"] == "the home page's hero photo" and measured["measuring"] is False
    sizes = measured["sizes"]
    assert set(sizes) == {"balanced", "high"}
    for fmt in ("avif", "webp", "jpeg"):
        assert set(sizes["high"][fmt]) == {"1280", "2560"}
        assert sizes["high"][fmt]["2560"] > sizes["balanced"][fmt]["2560"]
    with app.app_context():
        kept = services().store.records.query("quality-sizes")
    assert len(kept) == 1
    assert client.get("/admin/settings/quality-sizes").get_json() == measured  # from the kept record


def test_the_watermark_settings_refuse_what_cannot_be_drawn_and_a_change_starts_a_rerender(
    app, client, admin, hold_jobs
):
    import io

    from PIL import Image as PILImage

    url = "/admin/settings"
    queued = hold_jobs(app)
    html = client.get(url).get_data(as_text=True)
    assert 'id="watermark"' in html and 'value="© S.Goodie Photography"' in html  # the text it draws

    def post(**values):
        return admin.post(
            url,
            {**SETTINGS_BASE, "version": _version(client, url), **values},
            content_type="multipart/form-data",
        )

    cases = {
        "Type the watermark": post(watermark_text="  ", tagline="Kept as typed"),
        "has no 写 真": post(watermark_text="写真 S.Goodie"),
        "Upload a logo first": post(watermark_kind="logo"),
        "From 5 to 80": post(watermark_size="95"),
    }
    for message, refused in cases.items():
        assert refused.status_code == 400 and message in refused.get_data(as_text=True), message
    assert "Kept as typed" in cases["Type the watermark"].get_data(as_text=True)

    # A logo too large to accept, and one too thin to read as a mark: refused in words, its files gone.
    huge = PILImage.new("RGBA", (8000, 6000), (0, 0, 0, 255))
    buffer = io.BytesIO()
    huge.save(buffer, "PNG")
    too_big = post(watermark_kind="logo", logo=(io.BytesIO(buffer.getvalue()), "huge.png"))
    assert too_big.status_code == 400 and "too large in pixels" in too_big.get_data(as_text=True)
    strip = PILImage.new("RGBA", (2400, 120), (40, 40, 40, 255))
    buffer = io.BytesIO()
    strip.save(buffer, "PNG")
    thin = post(watermark_kind="logo", logo=(io.BytesIO(buffer.getvalue()), "strip.png"))
    assert thin.status_code == 400 and "20 times as wide as it is high" in thin.get_data(as_text=True)
    with app.app_context():
        assert services().site_settings().logo == {}
        assert not [k for k in services().blobs.list_keys("pages/site/variants/") if "logo-" in k]
    assert queued.kinds() == []

    saved = post(
        watermark_text="© Sam Goodie", watermark_position="tiled", watermark_size="20", watermark_opacity="30"
    )
    assert saved.status_code == 302
    now = _settings_now(app)
    assert (now.watermark_text, now.watermark_position, now.watermark_size, now.watermark_opacity) == (
        "© Sam Goodie",
        "tiled",
        20,
        30,
    )
    assert queued.kinds() == ["photo.rerender-changed"]
    queued.queued.clear()
    assert (
        post(
            watermark_text="© Sam Goodie",
            watermark_position="tiled",
            watermark_size="20",
            watermark_opacity="30",
            tagline="Only words",
        ).status_code
        == 302
    )
    assert queued.kinds() == []  # nothing the files carry changed
