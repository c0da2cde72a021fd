"""Describe photos in a real Chromium: Tab through the fields, type, one Save, with JavaScript (in
place, no reload) and without (a plain form post), on a desktop and a phone."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from sgoodie.services import services

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _undescribed_project(app, portfolio, title, count=3):
    """A project of `count` ready photos, the first described, the others waiting for alt text,
    each with a real thumbnail to draw."""
    project = portfolio.project(title, "interiors", photos=count)
    with app.app_context():
        for index, photo in enumerate(services().store.photos_for_project(project.id)):
            for variant in (v for v in photo.variants if v.format == "webp"):
                buffer = io.BytesIO()
                shade = 60 + 50 * index
                Image.new("RGB", (variant.width, variant.height), (shade, 120, 200 - shade)).save(
                    buffer, "WEBP"
                )
                services().blobs.put(variant.key, buffer.getvalue(), content_type="image/webp")
            if index:
                photo.alt_text = ""
                services().store.update_photo(photo)
    return project


def _photo_ids(app, project_id):
    with app.app_context():
        return [p.id for p in services().store.photos_for_project(project_id)]


def _texts(app, project_id):
    with app.app_context():
        return [(p.alt_text, p.caption) for p in services().store.photos_for_project(project_id)]


def _sign_in(page, url):
    page.goto(url + "/admin/login")
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/admin/")


def _focused_name(page) -> str:
    return page.evaluate("document.activeElement.name || ''")


def _type_with_tab(page, second, third):
    """From the second photo's alt text, Tab moves to its caption, then to the next photo's alt text."""
    page.locator(f'[name="{second}-alt_text"]').click()
    page.keyboard.type("Hallway with a green runner")
    page.keyboard.press("Tab")
    assert _focused_name(page) == f"{second}-caption"
    page.keyboard.type("Ground floor")
    page.keyboard.press("Tab")
    assert _focused_name(page) == f"{third}-alt_text"
    page.keyboard.type("Reading chair by the window")


def test_tab_type_and_one_save_with_javascript_updates_the_page_in_place(
    app, admin_page, live_server, portfolio, tmp_path
):
    project = _undescribed_project(app, portfolio, "Hillside House")
    _, second, third = _photo_ids(app, project.id)
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.screenshot(path=str(tmp_path / "photos-desktop.png"))
    admin_page.click("text=Describe photos")
    admin_page.wait_for_url(f"{live_server.url}/admin/projects/{project.id}/photos/describe")
    count = admin_page.locator("[data-describe-count]")
    assert count.text_content() == "2 of 3 ready photos still need alt text."
    admin_page.evaluate("() => { window.notReloaded = true; }")
    _type_with_tab(admin_page, second, third)
    admin_page.screenshot(path=str(tmp_path / "describe-desktop.png"), full_page=True)
    with admin_page.expect_response(lambda r: r.url.endswith("/describe?page=1")) as answer:
        admin_page.click("form[data-describe] .describe-bar button[type=submit]")
    assert answer.value.status == 200 and answer.value.request.post_data_json["photos"][0]["id"] == second
    admin_page.locator("[data-describe-state]", has_text="Saved 2 photos.").wait_for()
    assert count.text_content() == "Every ready photo has alt text."
    assert admin_page.evaluate("window.notReloaded") is True
    assert admin_page.locator("[data-needs-alt]").count() == 0
    assert _texts(app, project.id)[1:] == [
        ("Hallway with a green runner", "Ground floor"),
        ("Reading chair by the window", ""),
    ]
    admin_page.click("form[data-describe] .describe-bar button[type=submit]")  # nothing changed since
    admin_page.locator("[data-describe-state]", has_text="No changes to save.").wait_for()
    admin_page.screenshot(path=str(tmp_path / "describe-desktop-saved.png"), full_page=True)


def test_without_javascript_on_a_phone_the_form_posts_and_the_count_drops(
    app, browser, live_server, admin_user, portfolio, tmp_path
):
    project = _undescribed_project(app, portfolio, "Harbour Flat")
    _, second, third = _photo_ids(app, project.id)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    _sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    page.screenshot(path=str(tmp_path / "photos-phone.png"))
    with page.expect_navigation():
        page.click("text=Describe photos")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator("[data-describe-count]").text_content() == "2 of 3 ready photos still need alt text."
    _type_with_tab(page, second, third)
    page.screenshot(path=str(tmp_path / "describe-phone.png"), full_page=True)
    with page.expect_navigation():
        page.click("form[data-describe] .describe-bar button[type=submit]")
    assert page.url.endswith(f"/admin/projects/{project.id}/photos/describe?page=1")
    assert page.locator(".flash").first.text_content() == "Saved 2 photos."
    assert page.locator("[data-describe-count]").text_content() == "Every ready photo has alt text."
    assert page.locator(f'[name="{second}-caption"]').input_value() == "Ground floor"
    assert _texts(app, project.id)[2] == ("Reading chair by the window", "")
    page.screenshot(path=str(tmp_path / "describe-phone-saved.png"), full_page=True)
    context.close()


def test_a_photo_changed_meanwhile_is_refused_in_place_keeping_the_typing_and_saved_on_the_next_save(
    app, admin_page, live_server, portfolio, tmp_path
):
    project = _undescribed_project(app, portfolio, "Shared Loft")
    _, second, third = _photo_ids(app, project.id)
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos/describe")
    with app.app_context():  # someone else describes the second photo after the page was shown
        from sgoodie.photos import edits

        edits.update_text(services().store.get_photo(second), "Their hallway", "")
    _type_with_tab(admin_page, second, third)
    admin_page.click("form[data-describe] .describe-bar button[type=submit]")
    state = admin_page.locator("[data-describe-state]")
    state.filter(has_text="Saved 1 photo. 1 photo was not saved: the reason is beside it.").wait_for()
    refused = admin_page.locator(f"#describe-{second} [data-error=photo]")
    assert "“Their hallway”" in refused.text_content() and refused.is_visible()
    assert admin_page.locator(f'[name="{second}-alt_text"]').input_value() == "Hallway with a green runner"
    assert _focused_name(admin_page) == f"{second}-alt_text"  # the refused photo, to look at it
    assert admin_page.locator(f"#describe-{second} [data-needed-badge]").is_hidden()  # theirs has alt text
    admin_page.screenshot(path=str(tmp_path / "describe-refused.png"), full_page=True)
    admin_page.click("form[data-describe] .describe-bar button[type=submit]")  # knowingly replace theirs
    state.filter(has_text=re.compile(r"^Saved 1 photo\.$")).wait_for()
    assert refused.is_hidden()
    assert _texts(app, project.id)[1:] == [
        ("Hallway with a green runner", "Ground floor"),
        ("Reading chair by the window", ""),
    ]
