"""A visitor sends an inquiry in Chromium; the photographer finds it in the admin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_an_inquiry_sent_in_the_browser_reaches_the_admin(
    app, browser, admin_page, live_server, portfolio, tmp_path
):
    portfolio.project("Harbour Loft", "interiors")
    visitor = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(live_server.url + "/projects/harbour-loft")
    form = visitor.locator(".project-inquiry form")
    form.locator("input[name=name]").fill("Grace Hopper")  # focusing fetches a fresh form timestamp
    form.locator("input[name=email]").fill("grace@example.com")
    form.locator("select[name=project_type]").select_option("interiors")
    form.locator("select[name=budget]").select_option("1k-3k")
    form.locator("textarea[name=message]").fill("A bright flat in Leith, ready in April. Could you shoot it?")
    honeypot = form.locator("input[name=website]").bounding_box()
    assert honeypot["x"] + honeypot["width"] < 0  # the honeypot stays out of sight (and out of the tab order)
    visitor.wait_for_timeout(3200)  # people take longer than the minimum fill time
    form.locator("button[type=submit]").click()
    visitor.wait_for_url("**/contact/thanks")
    assert "Thank you" in visitor.locator("h1").text_content()
    overflow = visitor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    visitor.screenshot(path=str(tmp_path / "thanks.png"))
    assert errors == []
    visitor.close()

    admin_page.goto(live_server.url + "/admin/")
    assert admin_page.locator("[data-widget=inquiries] .stat__value").text_content() == "1"
    admin_page.click("text=Inquiries")
    admin_page.click("text=Grace Hopper")
    assert "A bright flat in Leith" in admin_page.locator(".message").text_content()
    assert "Harbour Loft" in admin_page.content()
