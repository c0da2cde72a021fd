"""A visitor sends an inquiry in Chromium (slowly, or autofilled and sent at once); the
photographer finds it in the admin."""

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


def test_a_fast_autofilled_inquiry_is_kept_and_the_admin_finds_it(
    app, browser, admin_page, live_server, tmp_path
):
    """Autofill and a paste fill the form at once and Send is pressed straight away: the
    inquiry is kept (possible spam, no e-mail), and the photographer moves it to the inbox."""
    visitor = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    visitor.on("pageerror", lambda exc: errors.append(str(exc)))
    visitor.goto(live_server.url + "/contact")
    visitor.evaluate(
        """() => {
            const form = document.querySelector(".inquiry-form");
            const values = {name: "Katherine Johnson", email: "katherine@example.com", phone: "+1 757 555 0100",
                            dates: "June 2027", project_type: "personal-branding", budget: "3k-7k",
                            message: "New portraits for my consultancy's site, ideally outdoors in Hampton."};
            for (const [name, value] of Object.entries(values)) form.elements[name].value = value;
            form.querySelector("button[type=submit]").click();
        }"""
    )
    visitor.wait_for_url("**/contact/thanks")
    assert "Thank you" in visitor.locator("h1").text_content()
    assert errors == []
    visitor.close()

    admin_page.goto(live_server.url + "/admin/")
    card = admin_page.locator("[data-widget=inquiries]")
    assert card.locator(".stat__value").text_content() == "0"  # not counted as new: possible spam
    assert "1 possible spam to check" in card.text_content()
    assert "E-mail notifications are off" in card.text_content()
    card.screenshot(path=str(tmp_path / "card-spam.png"))
    card.locator("text=1 possible spam to check").click()
    row = admin_page.locator(".inquiry-list .row", has_text="Katherine Johnson")
    assert "Looked automated: sent" in row.text_content()
    admin_page.screenshot(path=str(tmp_path / "spam.png"), full_page=True)
    row.locator("button", has_text="Not spam").click()
    assert (
        "Moved the inquiry from Katherine Johnson to the inbox."
        in admin_page.locator(".flashes").text_content()
    )
    admin_page.click("nav.tabs >> text=Inbox")
    assert admin_page.locator(".inquiry-list .row--unread", has_text="Katherine Johnson").count() == 1
    admin_page.screenshot(path=str(tmp_path / "inbox.png"), full_page=True)
    admin_page.goto(live_server.url + "/admin/")
    card = admin_page.locator("[data-widget=inquiries]")
    assert card.locator(".stat__value").text_content() == "1"
    assert "Katherine Johnson" in card.locator(".stat__list").text_content()
    assert "Personal branding" in card.text_content()
    card.screenshot(path=str(tmp_path / "card.png"))
    admin_page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
