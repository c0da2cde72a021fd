"""The dashboard on a phone (390 × 844) in Chromium: what waits for an answer (new inquiries,
selections received, failed photos) is the first thing on it, and is left out when nothing waits."""

from __future__ import annotations

import os

import pytest

from sgoodie.domain import Photo
from sgoodie.services import services
from tests.admin.test_time_zone import SHOTS, _signed_in
from tests.plugins.test_contact import _stored_inquiry

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3}


def _tops(page) -> dict[str, float]:
    """The top (px from the page's top) of each part of the dashboard that is shown."""
    return page.evaluate(
        """() => {
            const top = (el) => el.getBoundingClientRect().top + window.scrollY;
            const parts = {
                answers: "[data-answers]", inquiries: "[data-widget=inquiries]", failed: "[data-failed-photos]",
                stats: ".stats", attention: "#attention-title", activity: "#activity-title", widgets: ".widgets",
            };
            const found = {};
            for (const [name, selector] of Object.entries(parts)) {
                const el = document.querySelector(selector);
                if (el && el.getClientRects().length) found[name] = top(el);
            }
            found.height = document.documentElement.scrollHeight;
            return found;
        }"""
    )


def test_on_a_phone_what_waits_for_an_answer_comes_first(
    app, browser, live_server, admin_user, portfolio, tmp_path
):
    for n in range(6):
        portfolio.project(f"Loft {n}", ["interiors", "travel", "brand-marketing"][n % 3], photos=1)
    broken = portfolio.project("Broken Shoot", "travel", photos=0)
    with app.app_context():
        services().store.add_photo(
            Photo(project_id=broken.id, status="failed", filename="IMG_9.jpg", error="Not an image.")
        )
    _stored_inquiry(app, name="Grace Hopper", email="grace@example.com", project_type_label="Interiors")
    context, page = _signed_in(browser, live_server, "Europe/London", **PHONE)

    tops = _tops(page)
    others = [tops[name] for name in ("stats", "attention", "activity")]
    assert tops["answers"] < min(others)
    assert tops["inquiries"] < min(others) and tops["failed"] < min(others)
    assert tops["inquiries"] < 844  # on the first screen of the phone
    assert "widgets" not in tops  # the inquiries card is shown once, at the top
    card = page.locator("[data-answers] [data-widget=inquiries]")
    assert card.locator(".stat__value").text_content() == "1" and "Grace Hopper" in card.text_content()
    assert "IMG_9.jpg" in page.locator("[data-failed-photos]").text_content()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=os.path.join(SHOTS or str(tmp_path), "dashboard-phone-waiting.png"), full_page=True)

    # Answered: the inquiry read, the failed photo gone. Nothing waits; the section is left out and
    # the inquiries card is back among the others.
    page.goto(live_server.url + "/admin/inquiries/inq1")  # read: answered for the dashboard
    with app.app_context():
        store = services().store
        store.delete_photo(store.photos_for_project(broken.id)[0].id)
    page.goto(live_server.url + "/admin/")
    tops = _tops(page)
    assert "answers" not in tops and "failed" not in tops
    assert tops["widgets"] <= tops["inquiries"] and tops["inquiries"] > tops["stats"]
    assert page.locator("[data-widget=inquiries] .stat__value").text_content() == "0"
    page.screenshot(path=os.path.join(SHOTS or str(tmp_path), "dashboard-phone-calm.png"), full_page=True)
    assert page.errors == []
    context.close()


def test_on_a_desktop_the_waiting_cards_share_a_row_above_the_counts(
    app, browser, live_server, admin_user, portfolio, tmp_path
):
    broken = portfolio.project("Broken Shoot", "travel", photos=0)
    with app.app_context():
        services().store.add_photo(
            Photo(project_id=broken.id, status="failed", filename="IMG_9.jpg", error="Not an image.")
        )
    _stored_inquiry(app, name="Grace Hopper", email="grace@example.com", project_type_label="Interiors")
    context, page = _signed_in(browser, live_server, "Europe/London", viewport={"width": 1440, "height": 900})
    inquiries = page.locator("[data-answers] [data-widget=inquiries]").bounding_box()
    failed = page.locator("[data-failed-photos]").bounding_box()
    assert abs(inquiries["y"] - failed["y"]) < 2 and failed["x"] > inquiries["x"]  # side by side
    assert inquiries["y"] < page.locator(".stats").bounding_box()["y"]
    page.screenshot(
        path=os.path.join(SHOTS or str(tmp_path), "dashboard-desktop-waiting.png"), full_page=True
    )
    assert page.errors == []
    context.close()
