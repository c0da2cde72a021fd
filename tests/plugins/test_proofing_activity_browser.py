"""The gallery's activity in Chromium: a client opens the gallery and three photos in the
full-screen viewer; the viewer's beacon tells the site, and the photographer's activity page
(phone and desktop) shows three photos viewed. Screenshots go to $SGOODIE_SCREENSHOTS when set."""

from __future__ import annotations

import time

import pytest

from sgoodie.accounts import create_or_reset_admin
from tests.admin.test_describe_browser import _sign_in
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.plugins.test_proofing_viewer_browser import gallery, start_choosing
from tests.public.test_layout_browser import _shots_folder
from tests.public.test_viewer_browser import SCREENS, WAIT, open_page, wait_for_photo

pytestmark = pytest.mark.browser
__all__ = ["gallery"]  # the module's live gallery of four photos, shared with the viewer's tests


def photos_viewed(gallery, name: str) -> int:
    from sgoodie.plugins.proofing import activity, records

    with gallery["app"].test_request_context():
        client = next(c for c in records.gallery_clients(gallery["project"].id) if c["name"] == name)
        seen = activity.VISITORS.get(f"{gallery['project'].id}#client-{client['id']}") or {}
        return int(seen.get("photos", 0))


def test_photos_opened_in_the_viewer_show_on_the_activity_page(browser, gallery, tmp_path):
    photos, name = gallery["photos"], "Inês Viewer"
    context, page, errors = open_page(browser, "desktop")
    start_choosing(page, gallery, name)
    page.locator(f"#photo-{photos[0].id} figure a").click()
    wait_for_photo(page, photos[0])
    page.wait_for_function(
        "() => document.querySelector('.pswp').contains(document.activeElement)", timeout=WAIT
    )
    for photo in photos[1:3]:
        page.keyboard.press("ArrowRight")
        wait_for_photo(page, photo)
    page.keyboard.press("Escape")
    deadline = time.monotonic() + WAIT / 1000
    while photos_viewed(gallery, name) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)  # the beacon is batched: a few seconds after the first photo
    assert photos_viewed(gallery, name) == 3
    page.click("a:has-text('Review and send your selection')")
    page.click("button:has-text('Send my selection')")
    page.wait_for_url("**submitted=1")
    assert errors == []
    context.close()

    with gallery["app"].app_context():
        create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    site = gallery["url"].split("/projects/")[0]
    for screen in SCREENS:
        context, page, errors = open_page(browser, screen)
        _sign_in(page, site)
        page.goto(f"{site}/admin/proofing/{gallery['project'].id}/activity")
        card = page.locator(".activity-visitor", has_text=name)
        assert card.locator("[data-figure=photos]").inner_text() == "3"
        assert card.locator("[data-figure=visits]").inner_text() == "1"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SCREENS[screen]["viewport"]["width"]  # nothing wider than the screen
        assert card.locator("[data-figure=selection]").inner_text().startswith("sent ")
        page.screenshot(path=str(_shots_folder(tmp_path) / f"activity-{screen}.png"), full_page=True)
        if screen == "phone":  # the selection waits first on the phone's dashboard
            page.goto(f"{site}/admin/")
            received = page.locator("[data-widget=selections]")
            assert received.is_visible() and name in received.inner_text()
            page.screenshot(path=str(_shots_folder(tmp_path) / "dashboard-phone.png"))
        assert errors == []
        context.close()
