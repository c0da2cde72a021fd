"""History in the admin: each save is a revision with who, when and a field-by-field diff;
restoring one saves it again (a new revision) and purges the cached pages like any save."""

from __future__ import annotations

import re

from sgoodie.services import services
from tests.admin.test_pages import _version
from tests.admin.test_projects import _form

ABOUT = {
    "heading": "About",
    "seo_title": "",
    "seo_description": "",
    "portrait-choice": "",
    "portrait-alt": "",
}


def _save_about(admin, client, bio):
    url = "/admin/pages/about"
    response = admin.post(url, dict(ABOUT, bio=bio, version=_version(client, url)))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_edit_the_about_text_twice_see_the_diff_restore_the_first(app, client, admin, admin_user):
    visitor = app.test_client()
    _save_about(admin, client, "I photograph quiet rooms in Lisbon.")
    assert "quiet rooms in Lisbon" in visitor.get("/about").get_data(as_text=True)
    _save_about(admin, client, "I photograph bright hotels in Porto.")
    assert visitor.get("/about").headers["X-Cache"] == "MISS"
    assert visitor.get("/about").headers["X-Cache"] == "HIT"  # cached with the second text

    history = client.get("/admin/history/page/about")
    assert history.status_code == 200
    html = history.get_data(as_text=True)
    revisions = html[html.index('<ol class="revisions">') :]
    assert (
        revisions.count('class="card revision"') == 2 and revisions.count("· photographer@example.com") == 2
    )
    newest = html[: html.index('id="revision-2"')]
    assert "<dt>Bio</dt>" in newest
    assert "<del>quiet</del>" in newest and "<ins>bright</ins>" in newest
    assert "<del>Lisbon</del>" in newest and "<ins>Porto</ins>" in newest
    first_key = re.findall(r'name="revision" value="([^"]+)"', html)[0]  # the only restorable one

    response = admin.post("/admin/history/page/about/restore", {"revision": first_key}, follow_redirects=True)
    assert "Restored that version of the about page" in response.get_data(as_text=True)
    page = visitor.get("/about")
    assert page.headers["X-Cache"] == "MISS"  # the restore purged the cached page
    assert "quiet rooms in Lisbon" in page.get_data(as_text=True)
    assert "bright hotels" not in page.get_data(as_text=True)
    with app.app_context():
        assert services().store.get_pages(["about"])["about"].content["bio"].startswith("I photograph quiet")
    html = client.get("/admin/history/page/about").get_data(as_text=True)
    assert html.count('class="card revision"') == 3 and "Restored the version of" in html


def test_project_history_and_restore(app, client, admin, portfolio):
    project = portfolio.project("Harbour Loft", "interiors", description="Before the storm.")
    url = f"/admin/projects/{project.id}"
    form = _form(
        slug="harbour-loft",
        description="After the storm.",
        location="Lisbon",
        published="y",
        version=_version(client, url),
    )
    assert admin.post(url, form).status_code == 302
    html = client.get(f"/admin/history/project/{project.id}").get_data(as_text=True)
    assert "<dt>Description</dt>" in html and "<del>Before</del>" in html and "<ins>After</ins>" in html
    assert "<dt>Location</dt>" in html
    keys = re.findall(r'name="revision" value="([^"]+)"', html)
    assert "After the storm" in app.test_client().get("/projects/harbour-loft").get_data(as_text=True)
    admin.post(f"/admin/history/project/{project.id}/restore", {"revision": keys[0]})  # the one before
    with app.app_context():
        restored = services().store.get_project(project.id)
    assert restored.description == "Before the storm." and restored.location == ""
    assert "Before the storm" in app.test_client().get("/projects/harbour-loft").get_data(as_text=True)


def test_history_names_the_category_and_shows_the_cover_as_a_photo(app, client, admin, portfolio):
    """It showed the cover as a raw id (`e7a602f8-…`) and the category by its address."""
    from sgoodie import content

    project = portfolio.project("Harbour Loft", "interiors", photos=2)
    with app.test_request_context():
        store = services().store
        first, second = store.photos_for_project(project.id)
        current = store.get_project(project.id)
        edited = {**current.__dict__, "category": "brand-marketing", "cover_photo_id": second.id}
        content.projects.save(type(current)(**edited), current)
    html = client.get(f"/admin/history/project/{project.id}").get_data(as_text=True)
    assert (
        "<del>Interiors</del><ins>Brand &amp; Marketing</ins>" in html and "brand-marketing</ins>" not in html
    )
    covers = re.search(r'<dd class="revision__covers">(.*?)</dd>', html, re.S).group(1)
    assert first.id not in covers.replace(f"variants/{first.id}/", "")  # no raw id as text
    assert f"variants/{first.id}/320.webp" in covers and f"variants/{second.id}/320.webp" in covers
    assert 'alt="Harbour Loft photo 1"' in covers and 'alt="Harbour Loft photo 2"' in covers


def test_settings_history(app, client, admin):
    url = "/admin/settings"
    html = client.get(url).get_data(as_text=True)
    base = {
        "business_name": "S.Goodie Photography",
        "tagline": "Old tagline",
        "contact_email": "",
        "phone": "",
        "location": "",
        "instagram": "",
        "linkedin": "",
        "facebook": "",
        "pinterest": "",
        "default_seo_description": "",
        "currency": "USD",
        "time_zone": "UTC",
    }
    assert "/admin/history/settings/site" in html
    admin.post(url, dict(base, version=_version(client, url)))
    admin.post(url, dict(base, tagline="New tagline", version=_version(client, url)))
    html = client.get("/admin/history/settings/site").get_data(as_text=True)
    assert "<dt>Tagline</dt>" in html and "<del>Old</del>" in html and "<ins>New</ins>" in html
