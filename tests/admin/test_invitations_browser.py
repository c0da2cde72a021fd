"""Invitations in Chromium: the photographer sends a client gallery from its admin page; the link
in the mail that arrives opens the gallery on a phone without the password, and the secret does
not stay in the address bar. Screenshots of the list (desktop and phone) and the e-mail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.content.test_invitations import link_in, with_mail
from tests.test_gallery_access import make_gallery, to_client_gallery

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SGOODIE_SHOTS", "/tmp/shots"))


def test_a_gallery_sent_from_the_admin_opens_from_the_mail_on_a_phone(
    app, jpeg, smtp_server, admin_page, live_server, browser, tmp_path
):
    controller, received = smtp_server
    with_mail(app, controller.port)
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    SHOTS.mkdir(parents=True, exist_ok=True)

    admin_page.set_viewport_size({"width": 1440, "height": 900})
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}")
    admin_page.click("a:has-text('Send the gallery')")
    admin_page.fill("input[name='recipients-0-name']", "Ana Lopes")
    admin_page.fill("input[name='recipients-0-email']", "ana@example.com")
    admin_page.fill("input[name='recipients-1-name']", "Aunt Rosa")
    admin_page.fill("input[name='recipients-1-email']", "rosa@example.com")
    admin_page.select_option("select[name='recipients-1-kind']", "guest")
    admin_page.click("button:has-text('Send by e-mail')")
    admin_page.wait_for_selector(".flash--success")
    assert (
        "Sent “Smith Residence” to Ana Lopes, Aunt Rosa." in admin_page.locator(".flash").first.text_content()
    )
    assert admin_page.locator(".invitation-table tbody tr").count() == 2
    admin_page.screenshot(path=str(SHOTS / "h26-invites-admin-desktop.png"), full_page=True)

    [ana] = [mail for mail in received if "ana@" in mail["To"]]
    (SHOTS / "h26-invites-mail.txt").write_text(
        f"From: {ana['From']}\nReply-To: {ana['Reply-To']}\nTo: {ana['To']}\nSubject: {ana['Subject']}\n\n"
        + ana.get_payload(decode=True).decode()
    )
    link = link_in(ana)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(link)
    assert page.url == f"{live_server.url}/projects/{project.slug}"  # the secret left the address bar
    assert page.locator("input[name=password]").count() == 0
    page.wait_for_selector(f"#photo-{photos[0].id} img")
    assert page.locator(f"#photo-{photos[0].id} img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.screenshot(path=str(SHOTS / "h26-invites-gallery-phone.png"))
    assert errors == []
    phone.close()

    # The photographer sees it opened; on a phone the list reads as cards.
    admin_page.set_viewport_size({"width": 390, "height": 844})
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/invitations")
    row = admin_page.locator(".invitation-table tbody tr", has_text="Ana Lopes")
    assert "Not yet" not in row.text_content()
    assert (
        admin_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    admin_page.screenshot(path=str(SHOTS / "h26-invites-admin-phone.png"), full_page=True)

    # A new link to copy (for a messenger) for Aunt Rosa: shown once, it opens the gallery.
    admin_page.locator(".invitation-table tbody tr", has_text="Aunt Rosa").locator(
        "button:has-text('Copy link')"
    ).click()
    admin_page.wait_for_selector(".token-new")
    copied = admin_page.input_value(".token-new input")
    assert "/invitation/" in copied
    admin_page.screenshot(path=str(SHOTS / "h26-invites-copy-link-phone.png"))
    rosa = browser.new_page()
    rosa.goto(copied)
    assert rosa.url.endswith(f"/projects/{project.slug}") and "viewing as a guest" in rosa.content()
    rosa.close()

    # Revoked: the same link now answers 403.
    row = admin_page.locator(".invitation-table tbody tr", has_text="Ana Lopes")
    row.locator("button:has-text('Revoke')").click()
    admin_page.wait_for_selector(".flash--success")
    again = browser.new_page()
    assert again.goto(link).status == 403
    again.close()

    admin_page.set_viewport_size({"width": 1440, "height": 900})
    admin_page.goto(f"{live_server.url}/admin/settings/invitation-mail?project={project.id}")
    admin_page.screenshot(path=str(SHOTS / "h26-invites-template.png"), full_page=True)
