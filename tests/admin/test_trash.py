"""The Trash page in a real Chromium: delete a project, see it gone from the site, restore it
from the trash, see it back with its photos in order."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from sgoodie.photos import edits as photo_edits
from sgoodie.services import services

SHOTS = os.environ.get("SGOODIE_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def _store_real_files(app, project_id, colors):
    """Real image files at every variant key, one colour per photo (so the pages show them)."""
    with app.app_context():
        blobs = services().blobs
        for photo, color in zip(services().store.photos_for_project(project_id), colors, strict=True):
            encoded = {}
            for variant in photo.variants:
                if variant.format not in encoded:
                    buffer = io.BytesIO()
                    Image.new("RGB", (320, 213), color).save(buffer, variant.format.upper())
                    encoded[variant.format] = buffer.getvalue()
                blobs.put(variant.key, encoded[variant.format], content_type=f"image/{variant.format}")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def _gallery(page) -> list[str]:
    return [img.get_attribute("alt") for img in page.locator(".gallery img").all()]


@pytest.mark.browser
def test_delete_a_project_see_it_gone_restore_it_from_the_trash_see_it_back_in_order(
    app, browser, admin_page, live_server, portfolio
):
    project = portfolio.project("Lisbon Loft", "travel", photos=3)
    with app.test_request_context():
        photos = services().store.photos_for_project(project.id)
        photo_edits.reorder(project, [photos[2].id, photos[0].id, photos[1].id])
    _store_real_files(app, project.id, [(190, 90, 60), (60, 110, 170), (90, 150, 80)])
    in_order = ["Lisbon Loft photo 3", "Lisbon Loft photo 1", "Lisbon Loft photo 2"]

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(live_server.url + "/projects/lisbon-loft")
    assert _gallery(visitor) == in_order
    visitor.goto(live_server.url + "/work/travel")
    assert visitor.get_by_text("Lisbon Loft").count() >= 1

    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}")
    admin_page.click("text=Delete this project…")
    admin_page.get_by_text("This can be undone").wait_for()
    _shot(admin_page, "trash-1-confirm.png")
    admin_page.click("button:has-text('Move to the trash')")
    admin_page.get_by_text("Moved “Lisbon Loft” and its 3 photos to the trash").wait_for()

    visitor.context.close()  # a new visitor: a browser may keep a page a minute (max-age=60)
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(live_server.url + "/work/travel")
    assert visitor.get_by_text("Lisbon Loft").count() == 0
    assert visitor.goto(live_server.url + "/projects/lisbon-loft").status == 404

    admin_page.click("nav[aria-label=Admin] >> text=Trash")
    row = admin_page.locator("tr", has_text="Lisbon Loft")
    row.get_by_text("3 photos").wait_for()
    _shot(admin_page, "trash-2-page.png")
    row.locator("button:has-text('Restore')").click()
    admin_page.get_by_text("Restored “Lisbon Loft” with its 3 photos.").wait_for()
    assert admin_page.get_by_text("The trash is empty.").is_visible()
    _shot(admin_page, "trash-3-restored.png")

    assert visitor.goto(live_server.url + "/projects/lisbon-loft").status == 200
    assert _gallery(visitor) == in_order
    visitor.wait_for_function(
        "() => [...document.querySelectorAll('.gallery img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    _shot(visitor, "trash-4-back-on-the-site.png")
    visitor.context.close()
    visitor = browser.new_context().new_page()  # not the copy this browser kept of the page without it
    visitor.goto(live_server.url + "/work/travel")
    assert visitor.get_by_text("Lisbon Loft").count() >= 1
    visitor.context.close()
