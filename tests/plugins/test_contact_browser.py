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


def test_a_reply_is_sent_from_the_inquiry_and_kept_in_its_thread(
    app, browser, live_server, admin_user, smtp_server
):
    """On a phone: the reply goes through the site's mail to a local SMTP server, arrives from the
    site's address with the photographer as Reply-To and the message quoted, and shows in the
    thread; with the server down it is kept as not sent, with the reason and its text, and goes
    out with Send again."""
    from sgoodie import mail
    from tests.admin.test_time_zone import SHOTS, _signed_in
    from tests.plugins.test_contact import _set_contact_email, _stored_inquiry

    controller, received = smtp_server
    app.config.update(MAIL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="site@sgoodie.example")
    mail.init_app(app)  # as if the site had started with this mail setting
    _set_contact_email(app)
    _stored_inquiry(app)
    shots = SHOTS or None
    context, page = _signed_in(
        browser, live_server, "Europe/London", viewport={"width": 390, "height": 844}, device_scale_factor=3
    )
    page.goto(live_server.url + "/admin/inquiries/inq1")
    form = page.locator("form[data-reply]")
    assert form.locator("input[name=subject]").input_value() == "Re: your inquiry to S.Goodie Photography"
    form.locator("textarea[name=text]").fill("Yes, gladly. Shall we talk on Friday?")
    if shots:
        page.screenshot(path=f"{shots}/inquiry-phone-reply.png", full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-reply-status=sent]")
    assert len(received) == 1
    sent = received[0]
    assert sent["From"] == "site@sgoodie.example" and sent["To"] == "ada@example.com"
    assert sent["Reply-To"] == "hello@sgoodie.example"
    body = sent.get_payload().replace("\r\n", "\n")
    assert body.startswith("Yes, gladly. Shall we talk on Friday?\n\nOn 2026-03-02 09:30")
    assert "Ada Lovelace <ada@example.com> wrote:\n> A townhouse in Bath, ready in May." in body
    thread = page.locator("[data-thread]")
    assert (
        "Yes, gladly. Shall we talk on Friday?" in thread.text_content() and "Sent" in thread.text_content()
    )

    controller.stop()  # the mail server is down
    form.locator("textarea[name=text]").fill("Here is my calendar for May.")
    form.locator("button[type=submit]").click()
    failed = page.locator("[data-reply-status=failed]")
    failed.wait_for()
    assert "could not be reached" in failed.locator("[data-reply-reason]").text_content()
    assert "Here is my calendar for May." in failed.text_content()  # nothing lost
    assert len(received) == 1
    if shots:
        page.screenshot(path=f"{shots}/inquiry-phone-failed.png", full_page=True)
    controller.start()
    failed.locator("button", has_text="Send again").click()
    page.wait_for_function("!document.querySelector('[data-reply-status=failed]')")
    assert page.locator("[data-reply-status=sent]").count() == 2 and len(received) == 2
    assert received[1]["In-Reply-To"] == sent["Message-ID"]  # threaded under the first reply
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.goto(live_server.url + "/admin/inquiries/")
    assert page.locator(".inquiry-list [data-answered]").count() == 1
    if shots:
        page.set_viewport_size({"width": 1440, "height": 900})
        page.goto(live_server.url + "/admin/inquiries/inq1")
        page.screenshot(path=f"{shots}/inquiry-desktop-thread.png", full_page=True)
    assert page.errors == []
    context.close()
