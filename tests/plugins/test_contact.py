"""The contact plugin: the form, its spam defences, inquiries in the admin, CSV, notifications."""

from __future__ import annotations

import csv
import io
import re
import threading
import time

import pytest

from sgoodie.services import services
from tests.conftest import signed_in_client
from tests.test_gallery_access import backend_app
from tests.test_spreadsheets import ATTACK, formula_cells

__all__ = ["backend_app"]  # the fixture: both storage backends

FORM = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "project_type": "interiors",
    "budget": "3k-7k",
    "dates": "March 2027",
    "message": "We are finishing a townhouse in Bath and would love photos of it.",
}


def _started(client, url="/contact") -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="started" type="hidden" value="([^"]+)"', html).group(1)


def _send(client, monkeypatch=None, wait: float = 3.5, **changes):
    token = _started(client)
    if monkeypatch is not None:
        real = time.time
        monkeypatch.setattr(
            time, "time", lambda: real() + wait
        )  # the visitor took `wait` seconds to fill it in
    return client.post("/contact", data={**FORM, "started": token, "website": "", **changes})


def _inquiries(app):
    with app.app_context():
        return [data for _, data in services().store.records.query("plugin:contact:inquiries")]


def test_a_visitor_sends_an_inquiry_and_the_admin_reads_it(app, client, admin, monkeypatch):
    page = client.get("/contact")
    assert page.status_code == 200 and "Tell me about your project" in page.get_data(as_text=True)
    assert page.headers.get("X-Cache") is None  # fresh form timestamps: never from the cache
    sent = _send(client, monkeypatch)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/contact/thanks")
    [inquiry] = _inquiries(app)
    assert (
        inquiry["name"] == "Ada Lovelace"
        and inquiry["status"] == "new"
        and inquiry["budget_label"] == "$3,000 – $7,500"
    )
    assert inquiry["project_type_label"] == "Interiors"

    dashboard = admin.client.get("/admin/").get_data(as_text=True)
    assert re.search(
        r'data-widget="inquiries">.*?stat__value">1</span>\s*<span class="stat__note">new · 1 in all',
        dashboard,
        re.S,
    )
    listing = admin.client.get("/admin/inquiries/").get_data(as_text=True)
    assert "Ada Lovelace" in listing and 'badge--live">New' in listing
    detail = admin.client.get(f"/admin/inquiries/{inquiry['id']}").get_data(as_text=True)
    assert "townhouse in Bath" in detail and "mailto:ada@example.com" in detail
    assert _inquiries(app)[0]["status"] == "read"  # opening it marks it read

    archived = admin.post(f"/admin/inquiries/{inquiry['id']}/status", {"status": "archived"})
    assert archived.status_code == 302
    row = f'data-id="{inquiry["id"]}"'
    assert row not in admin.client.get("/admin/inquiries/").get_data(as_text=True)
    assert row in admin.client.get("/admin/inquiries/?view=archived").get_data(as_text=True)


def test_the_export_is_csv_with_formulas_neutralised(app, client, admin, monkeypatch):
    _send(
        client,
        monkeypatch,
        name='=HYPERLINK("http://evil")',
        message="Hello there, a calm message about a shoot.",
    )
    response = admin.client.get("/admin/inquiries/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["name"].startswith("'=HYPERLINK") and rows[0]["email"] == "ada@example.com"


def test_a_formula_after_a_separator_in_a_message_stays_text_in_the_export(backend_app, monkeypatch):
    """Split on `;` (or `,`), quotes honoured or not, no cell of the export is a formula."""
    app = backend_app
    assert _send(app.test_client(), monkeypatch, message=ATTACK).status_code == 303
    text = signed_in_client(app).get("/admin/inquiries/export.csv").get_data(as_text=True)
    assert "calc" in text and formula_cells(text) == []


def test_from_a_project_page_the_inquiry_names_the_project(app, client, portfolio, monkeypatch):
    portfolio.project("Harbour Loft", "interiors")
    html = client.get("/projects/harbour-loft").get_data(as_text=True)
    assert (
        "Planning something similar?" in html and 'name="project" type="hidden" value="harbour-loft"' in html
    )
    assert (
        client.get("/projects/harbour-loft").headers["X-Cache"] == "HIT"
    )  # the form does not stop the page being cached
    _send(client, monkeypatch, project="harbour-loft")
    assert _inquiries(app)[0]["project_title"] == "Harbour Loft"


def test_a_fast_autofilled_valid_inquiry_is_kept_as_possible_spam_never_dropped(app, client, admin):
    """Autofill and a paste, Send within a second: a client, not a bot. It is kept (possible
    spam, with the reason), and the photographer sees it."""
    sent = _send(client, monkeypatch=None)  # no wait: sent at once
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/contact/thanks")
    [inquiry] = _inquiries(app)
    assert inquiry["status"] == "spam" and inquiry["name"] == "Ada Lovelace"
    assert re.fullmatch(r"sent \d+\.\d s after the form was shown", inquiry["spam"][0])
    listing = admin.client.get("/admin/inquiries/?view=spam").get_data(as_text=True)
    assert f'data-id="{inquiry["id"]}"' in listing and "sent 0." in listing
    assert 'aria-current="page">Possible spam (1)' in listing
    assert f'data-id="{inquiry["id"]}"' not in admin.client.get("/admin/inquiries/").get_data(as_text=True)


def test_an_empty_form_sent_at_once_gets_its_errors(app, client):
    """Validation comes first: nobody is thanked for a form that sent nothing, however fast,
    and whether the hidden field or the timestamp looks odd."""
    empty = dict.fromkeys(FORM, "")
    for extra in ({}, {"website": "http://spam.example"}, {"started": "forged"}):
        response = client.post("/contact", data={**empty, "started": _started(client), **extra})
        html = response.get_data(as_text=True)
        assert response.status_code == 422, extra
        assert "Tell us your name." in html and "We need an address to reply to." in html
        assert "Tell us a little about the project." in html
    invalid = client.post(
        "/contact", data={**FORM, "email": "ada-at-example", "started": _started(client), "website": ""}
    )
    assert invalid.status_code == 422 and "does not look like an e-mail" in invalid.get_data(as_text=True)
    assert _inquiries(app) == []


def test_honeypot_and_too_fast_together_are_dropped_and_counted(app, client, admin, monkeypatch):
    for _ in range(2):  # certain junk: the hidden field filled in, and sent at once
        assert _send(client, website="http://spam.example").status_code == 303
    assert _inquiries(app) == []
    listing = admin.client.get("/admin/inquiries/").get_data(as_text=True)
    assert re.search(r'data-dropped="2">2 certain junk submissions dropped this month', listing)
    # The honeypot alone (autofill can fill it) is only possible spam: kept.
    assert _send(client, monkeypatch, website="http://my-site.example").status_code == 303
    [kept] = _inquiries(app)
    assert kept["status"] == "spam" and kept["spam"] == ["filled in the hidden field only bots see"]
    assert 'data-dropped="2"' in admin.client.get("/admin/inquiries/").get_data(as_text=True)


def test_certain_junk_does_not_use_up_the_address_allowance(app, client, monkeypatch):
    for _ in range(10):  # dropped before the rate limit counts them
        assert _send(client, website="http://spam.example").status_code == 303
    for _ in range(5):  # what is kept is counted, possible spam included
        assert _send(client, monkeypatch).status_code == 303
    assert _send(client, monkeypatch).status_code == 429
    assert len(_inquiries(app)) == 5 and {i["status"] for i in _inquiries(app)} == {"new"}


def test_possible_spam_is_restored_to_the_inbox(app, client, admin):
    _send(client, monkeypatch=None, name="Quick Client")
    [inquiry] = _inquiries(app)
    detail = admin.client.get(f"/admin/inquiries/{inquiry['id']}").get_data(as_text=True)
    assert "Possible spam:" in detail and "Not spam: move to the inbox" in detail
    assert _inquiries(app)[0]["status"] == "spam"  # opening it leaves it where it is
    dashboard = admin.client.get("/admin/").get_data(as_text=True)
    assert 'data-spam-count="1">1 possible spam to check' in dashboard
    restored = admin.post(f"/admin/inquiries/{inquiry['id']}/not-spam")
    assert restored.status_code == 302 and restored.headers["Location"].endswith("view=spam")
    assert _inquiries(app)[0]["status"] == "new"
    row = f'data-id="{inquiry["id"]}"'
    assert row in admin.client.get("/admin/inquiries/").get_data(as_text=True)
    assert row not in admin.client.get("/admin/inquiries/?view=spam").get_data(as_text=True)
    assert "possible spam to check" not in admin.client.get("/admin/").get_data(as_text=True)
    assert admin.post(f"/admin/inquiries/{inquiry['id']}/not-spam").status_code == 400  # not spam now


def test_the_dashboard_shows_the_newest_inquiries_and_possible_spam(app, client, admin, monkeypatch):
    _send(client, monkeypatch=None, name="Fast Fiona")  # possible spam: not among the new ones
    kinds = {"interiors": "Interiors", "travel": "Travel", "": "", "brand-marketing": "Brand marketing"}
    with app.app_context():  # four received a minute apart (sent through the form, they would share a second)
        for minute, (name, kind) in enumerate(zip(("Ann", "Bob", "Cy", "Dee"), kinds, strict=True)):
            at = f"2026-03-0{minute + 1}T10:0{minute}:00+00:00"
            record = {**FORM, "id": name.lower(), "received_at": at, "status": "new", "name": name}
            record.update(project_type=kind, project_type_label=kinds[kind], spam=[])
            services().store.records.put("plugin:contact:inquiries", f"{at}#{record['id']}", record)
    card = re.search(
        r'data-widget="inquiries">(.*?)</div>', admin.client.get("/admin/").get_data(as_text=True), re.S
    ).group(1)
    assert re.search(r'stat__value">4</span>\s*<span class="stat__note">new · 4 in all', card)
    newest = re.findall(
        r'<li><a href="/admin/inquiries/(\w+)">([^<]+)</a>\s*<span[^>]*><time[^>]*>([^<]+)</time> · ([^<]+)</span>',
        card,
    )
    assert newest == [
        ("dee", "Dee", "2026-03-04 10:03", "Brand marketing"),
        ("cy", "Cy", "2026-03-03 10:02", "type not given"),
        ("bob", "Bob", "2026-03-02 10:01", "Travel"),
    ]
    assert "Fast Fiona" not in card and "1 possible spam to check" in card


def test_with_e_mail_off_the_admin_says_so_and_how_to_turn_it_on(app, admin):
    from sgoodie import mail

    assert app.config["MAIL"] == ""  # the default
    for url in ("/admin/", "/admin/inquiries/"):
        html = admin.client.get(url).get_data(as_text=True)
        assert 'data-notify="off"' in html and "E-mail notifications are off" in html, url
        assert "SGOODIE_MAIL" in html and "SGOODIE_MAIL_FROM" in html, url
    app.config.update(MAIL="smtp://127.0.0.1:2525", MAIL_FROM="site@sgoodie.example")
    mail.init_app(app)  # on, but nobody to send to yet
    html = admin.client.get("/admin/").get_data(as_text=True)
    assert 'data-notify="no-recipient"' in html and "no contact e-mail" in html
    _set_contact_email(app)
    for url in ("/admin/", "/admin/inquiries/"):
        html = admin.client.get(url).get_data(as_text=True)
        assert "e-mailed to hello@sgoodie.example" in html and "notifications are off" not in html, url


def test_a_stale_or_forged_form_asks_to_send_again_and_keeps_the_text(app, client):
    response = client.post("/contact", data={**FORM, "started": "forged", "website": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "press Send again" in html and "townhouse in Bath" in html
    assert _inquiries(app) == []


def test_many_links_are_kept_as_possible_spam(app, client, monkeypatch):
    response = _send(
        client, monkeypatch, message="See http://a.example and http://b.example and www.c.example please"
    )
    assert response.status_code == 303
    [inquiry] = _inquiries(app)
    assert inquiry["status"] == "spam" and inquiry["spam"] == ["more than 2 links"]


def test_missing_fields_are_explained_and_nothing_is_lost(app, client, monkeypatch):
    response = _send(client, monkeypatch, name="", email="not-an-address")
    html = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and "Tell us your name." in html
        and "does not look like an e-mail" in html
    )
    assert "townhouse in Bath" in html


def test_one_address_is_limited_to_five_an_hour(app, client, monkeypatch):
    for _ in range(5):
        assert _send(client, monkeypatch).status_code == 303
    refused = _send(client, monkeypatch)
    assert refused.status_code == 429 and "try again in about" in refused.get_data(as_text=True)
    assert len(_inquiries(app)) == 5
    other = client.post(
        "/contact", data={**FORM, "started": _started(client)}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 303  # another address is not affected (sent instantly: possible spam)
    assert len(_inquiries(app)) == 6


def test_sends_at_the_same_moment_are_held_to_the_limit_too(app, monkeypatch):
    clients = [app.test_client() for _ in range(12)]
    tokens = [_started(client) for client in clients]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3.5)
    answers = []

    def send(client, token):
        answers.append(client.post("/contact", data={**FORM, "started": token, "website": ""}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [303] * 5 + [429] * 7
    assert len(_inquiries(app)) == 5


def _wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _set_contact_email(app, address="hello@sgoodie.example"):
    from dataclasses import replace

    from sgoodie import content
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings

    with app.test_request_context():
        page = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        settings = replace(SiteSettings.from_page(page), contact_email=address)
        content.settings.save(settings, page)
        return SiteSettings.from_page(services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]).contact_email


def _smtp_app(tmp_path, smtp_server, **config):
    """An app whose notifications go to the test's SMTP server: (app, the mails received)."""
    from sgoodie import create_app

    controller, received = smtp_server
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": "s",
            "MAIL": f"smtp://127.0.0.1:{controller.port}",
            "MAIL_FROM": "site@sgoodie.example",
            **config,
        }
    )
    with app.app_context():
        services().store.init_schema()
    return app, received


def test_a_notification_goes_out_by_smtp(portfolio_factory, tmp_path, smtp_server, monkeypatch):
    app, received = _smtp_app(tmp_path, smtp_server)
    assert _set_contact_email(app) == "hello@sgoodie.example"
    client = app.test_client()
    assert _send(client, monkeypatch).status_code == 303
    assert _wait_for(lambda: received), "no mail arrived"
    mail = received[0]
    assert mail["To"] == "hello@sgoodie.example" and mail["Reply-To"] == "ada@example.com"
    assert mail["Subject"] == "New inquiry from Ada Lovelace (Interiors)"
    assert "townhouse in Bath" in mail.get_payload() and "/admin/inquiries/" in mail.get_payload()


def test_possible_spam_sends_no_notification(tmp_path, smtp_server, monkeypatch):
    app, received = _smtp_app(tmp_path, smtp_server)
    _set_contact_email(app)
    client = app.test_client()
    assert _send(client, monkeypatch=None, name="Fast Fiona").status_code == 303  # possible spam
    assert _send(client, monkeypatch, name="Slow Sam").status_code == 303
    with app.app_context():
        assert services().jobs.wait(30)  # every queued mail sent (the server accepted it) or none queued
    assert [mail["Subject"] for mail in received] == ["New inquiry from Slow Sam (Interiors)"]
    assert {i["name"]: i["status"] for i in _inquiries(app)} == {"Fast Fiona": "spam", "Slow Sam": "new"}


def test_the_notification_links_to_the_site_url_whatever_host_the_visitor_sent(
    tmp_path, smtp_server, monkeypatch
):
    app, received = _smtp_app(tmp_path, smtp_server, SITE_URL="https://sgoodie.example")
    _set_contact_email(app)
    client = app.test_client()
    # A visitor posts with a Host of their choosing, hoping to plant a phishing link.
    client.environ_base.update(HTTP_HOST="sgoodie-login.evil.example", HTTP_X_FORWARDED_HOST="evil.example")
    assert _send(client, monkeypatch).status_code == 303
    assert _wait_for(lambda: received), "no mail arrived"
    body = received[0].get_payload()
    link = re.search(r"Read it in the admin: (\S+)", body).group(1)
    assert link.startswith("https://sgoodie.example/admin/inquiries/")
    assert "evil" not in body


def test_a_notification_goes_out_by_ses(tmp_path, monkeypatch):
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from sgoodie import create_app

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        import boto3

        boto3.client("ses", region_name="us-east-1").verify_email_identity(
            EmailAddress="site@sgoodie.example"
        )
        app = create_app(
            {
                "TESTING": True,
                "INSTANCE_PATH": str(tmp_path / "i"),
                "SECRET_KEY": "s",
                "AWS_REGION": "us-east-1",
                "MAIL": "ses",
                "MAIL_FROM": "site@sgoodie.example",
            }
        )
        with app.app_context():
            services().store.init_schema()
        _set_contact_email(app)
        assert _send(app.test_client(), monkeypatch).status_code == 303
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
        assert _wait_for(lambda: backend.sent_messages), "SES did not get the message"
        raw = backend.sent_messages[0].raw_data
        assert "New inquiry from Ada Lovelace" in raw and "hello@sgoodie.example" in raw


def test_a_bad_mail_setting_stops_the_start_naming_it(tmp_path):
    from sgoodie import create_app
    from sgoodie.config import ConfigError

    base = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "s"}
    with pytest.raises(ConfigError, match="SGOODIE_MAIL='carrier-pigeon://x'"):
        create_app({**base, "MAIL": "carrier-pigeon://x", "MAIL_FROM": "site@sgoodie.example"})
    with pytest.raises(ConfigError, match="SGOODIE_MAIL_FROM must be set"):
        create_app({**base, "MAIL": "ses", "MAIL_FROM": ""})


def test_an_oversized_inquiry_is_refused_before_it_is_read(app, client, monkeypatch):
    """The plugin declares its body limit through the plugin API (`body_limit`)."""
    from sgoodie.plugins.contact.views import MAX_BODY

    response = _send(client, monkeypatch, message="x" * (MAX_BODY + 1))
    assert response.status_code == 413 and "64 KB" in response.get_data(as_text=True)
    assert _inquiries(app) == []
    ten_mb = client.post(
        "/contact", data=b"message=" + b"x" * 10_000_000, content_type="application/x-www-form-urlencoded"
    )
    assert ten_mb.status_code == 413


def test_an_address_that_would_add_recipients_to_a_reply_is_refused(app, client, monkeypatch):
    for address in (
        "x?cc=attacker%40evil.example&body=hi@example.com",
        "a&b=c@example.com",
        "a#b@example.com",
    ):
        response = _send(client, monkeypatch, email=address)
        assert response.status_code == 422, address
        assert "Use a plain address" in response.get_data(as_text=True)
    assert _send(client, monkeypatch, email="o'brien+shoots@example.co.uk").status_code == 303
    assert _inquiries(app)[0]["email"] == "o'brien+shoots@example.co.uk"


def test_the_reply_link_goes_to_the_sender_alone(app, admin):
    """An inquiry stored before addresses were checked this closely still gets a link to exactly
    its one (odd) address: no `?cc=`, no `&body=` of the sender's making."""
    odd = "x?cc=attacker%40evil.example&body=Hello@example.com"
    with app.app_context():
        services().store.records.put(
            "plugin:contact:inquiries",
            "2026-01-01T00:00:00+00:00#abc",
            {
                "id": "abc",
                "received_at": "2026-01-01T00:00:00+00:00",
                "status": "new",
                "name": "Eve",
                "email": odd,
                "message": "Hello there, about a shoot.",
            },
        )
    html = admin.client.get("/admin/inquiries/abc").get_data(as_text=True)
    hrefs = re.findall(r'href="(mailto:[^"]*)"', html)
    encoded = "mailto:x%3Fcc%3Dattacker%2540evil.example%26body%3DHello@example.com"
    reply = encoded + "?subject=Re%3A%20your%20inquiry%20to%20S.Goodie%20Photography&amp;body="
    assert hrefs[1] == encoded and len(hrefs) == 3  # the e-mail address; the reply, twice (mail is off)
    assert all(href == encoded or href.startswith(reply) for href in hrefs)


def test_a_line_break_in_the_name_still_sends_the_notification_on_one_line(
    portfolio_factory, tmp_path, smtp_server, monkeypatch
):
    app, received = _smtp_app(tmp_path, smtp_server)
    _set_contact_email(app)
    client = app.test_client()
    assert _send(client, monkeypatch, name="Eve\r\nBcc: everyone@evil.example\nX").status_code == 303
    assert _wait_for(lambda: received), "no mail arrived"
    mail = received[0]
    assert mail["Subject"] == "New inquiry from Eve Bcc: everyone@evil.example X (Interiors)"
    assert mail["Bcc"] is None and mail["To"] == "hello@sgoodie.example"
    assert "Name: Eve Bcc: everyone@evil.example X\r\nE-mail: ada@example.com" in mail.get_payload()


def test_the_form_has_no_autocomplete_none(client):
    """A field without an autocomplete token (the dates) has no autocomplete attribute at all,
    not autocomplete="None"."""
    html = client.get("/contact").get_data(as_text=True)
    assert 'autocomplete="None"' not in html
    dates = re.search(r"<input[^>]*name=\"dates\"[^>]*>", html).group(0)
    assert "autocomplete" not in dates
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*name="email"', html)


def test_budget_options_are_in_the_site_currency(app, client, admin, monkeypatch):
    html = client.get("/contact").get_data(as_text=True)
    assert "Under $1,000" in html and "$3,000 – $7,500" in html and "Over $7,500" in html
    page = admin.client.get("/admin/settings").get_data(as_text=True)
    assert 'name="currency"' in page and "Euro (EUR)" in page
    version = re.search(r'name="version"[^>]*value="(\w*)"|value="(\w*)"[^>]*name="version"', page)
    settings = {
        "business_name": "S.Goodie Photography",
        "currency": "EUR",
        "version": version.group(1) or version.group(2) or "0",
    }
    assert admin.post("/admin/settings", settings).status_code == 302
    html = client.get("/contact").get_data(as_text=True)
    assert "Under €1,000" in html and "€3,000 – €7,500" in html and "$" not in html
    _send(client, monkeypatch, budget="1k-3k")
    [inquiry] = _inquiries(app)
    assert inquiry["budget_label"] == "€1,000 – €3,000"
    refused = admin.post("/admin/settings", dict(settings, currency="XXX"))
    assert refused.status_code == 400


def test_one_ipv6_network_counts_as_one_address(backend_app, monkeypatch):
    """A host is usually given a whole /64: rotating addresses inside it is free, so the limit
    counts the /64 (as sign-in and gallery passwords do)."""
    app, client = backend_app, backend_app.test_client()
    answers = []
    for n in range(1, 13):
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:5:7::{n:x}"
        answers.append(_send(client, monkeypatch).status_code)
    assert answers.count(303) == 5 and answers[5:] == [429] * 7
    assert len(_inquiries(app)) == 5


def _stored_inquiry(app, **fields):
    """An inquiry in the inbox, as the form stores it."""
    inquiry = {
        "id": "inq1",
        "received_at": "2026-03-02T09:30:00+00:00",
        "status": "new",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "message": "A townhouse in Bath, ready in May.\nCould you photograph it?",
        **fields,
    }
    with app.app_context():
        services().store.records.put("plugin:contact:inquiries", f"{inquiry['received_at']}#inq1", inquiry)
    return inquiry


def _reply(client, text="Yes, gladly. Shall we talk on Friday?", subject=None):
    page = client.get("/admin/inquiries/inq1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    if subject is None:
        subject = re.search(r'id="reply-subject" name="subject" value="([^"]*)"', page).group(1)
    return client.post(
        "/admin/inquiries/inq1/reply", data={"csrf_token": token, "subject": subject, "text": text}
    )


def test_a_reply_goes_out_from_the_site_threaded_and_is_kept_in_the_inquiry(tmp_path, smtp_server):
    app, received = _smtp_app(tmp_path, smtp_server)
    _set_contact_email(app)
    _stored_inquiry(app, message_id="<inquiry-1@mail.example>")
    client = signed_in_client(app)
    page = client.get("/admin/inquiries/inq1").get_data(as_text=True)
    assert 'value="Re: your inquiry to S.Goodie Photography"' in page
    assert "their answer comes to <strong>hello@sgoodie.example</strong>" in page

    refused = _reply(client, text="   ")
    assert refused.status_code == 400 and "Write your answer first." in refused.get_data(as_text=True)
    assert 'value="Re: your inquiry to S.Goodie Photography"' in refused.get_data(as_text=True)  # kept
    assert received == []

    assert _reply(client).status_code == 302
    first = received[0]
    assert first["From"] == "site@sgoodie.example" and first["To"] == "ada@example.com"
    assert first["Reply-To"] == "hello@sgoodie.example"
    assert first["In-Reply-To"] == "<inquiry-1@mail.example>"
    body = first.get_payload().replace("\r\n", "\n")
    assert body.startswith("Yes, gladly. Shall we talk on Friday?\n\nOn ")
    assert (
        "Ada Lovelace <ada@example.com> wrote:\n> A townhouse in Bath, ready in May.\n> Could you photograph it?"
        in body
    )
    assert _reply(client, text="And here is my calendar.").status_code == 302
    second = received[1]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == ["<inquiry-1@mail.example>", first["Message-ID"]]  # maybe folded

    page = client.get("/admin/inquiries/inq1").get_data(as_text=True)
    assert page.count('data-reply-status="sent"') == 2 and "And here is my calendar." in page
    listing = client.get("/admin/inquiries/").get_data(as_text=True)
    assert "data-answered" in listing and ">Answered<" in listing


def test_a_reply_the_server_refuses_is_kept_as_failed_with_the_reason_and_sent_again(tmp_path, smtp_server):
    controller, received = smtp_server
    app, _ = _smtp_app(tmp_path, smtp_server)
    _stored_inquiry(app)
    client = signed_in_client(app)
    controller.stop()  # the mail server is down
    answer = _reply(client, text="Happy to help; my rates are attached.")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Not sent. The mail server (smtp) could not be reached" in page
    assert 'data-reply-status="failed"' in page and "Happy to help; my rates are attached." in page
    assert "Set your contact e-mail in Settings" in page  # no Reply-To to give yet
    assert "data-answered" not in client.get("/admin/inquiries/").get_data(as_text=True)
    reply_id = re.search(r'id="reply-([0-9a-f]+)" data-reply-status="failed"', page).group(1)
    controller.start()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = client.post(f"/admin/inquiries/inq1/replies/{reply_id}/send", data={"csrf_token": token})
    assert again.status_code == 302 and len(received) == 1
    assert received[0].get_payload().startswith("Happy to help; my rates are attached.")
    page = client.get("/admin/inquiries/inq1").get_data(as_text=True)
    assert 'data-reply-status="sent"' in page and 'data-reply-status="failed"' not in page
    assert (
        client.post(f"/admin/inquiries/inq1/replies/{reply_id}/send", data={"csrf_token": token}).status_code
        == 404
    )


def test_with_mail_off_the_reply_form_says_so_and_offers_the_quoted_mailto(app, admin):
    _stored_inquiry(app)
    page = admin.client.get("/admin/inquiries/inq1").get_data(as_text=True)
    assert "data-mail-off" in page and "data-reply>" not in page
    assert "body=%0A%0AOn%20" in page and "%3E%20A%20townhouse%20in%20Bath" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = admin.client.post(
        "/admin/inquiries/inq1/reply", data={"csrf_token": token, "subject": "Re: hi", "text": "Yes"}
    )
    assert refused.status_code == 400 and "This site sends no e-mail" in refused.get_data(as_text=True)


def test_a_long_message_is_quoted_whole_in_the_reply_and_shortened_in_the_mailto_link(app, admin):
    from urllib.parse import unquote

    _stored_inquiry(app, message="Tall windows, oak floors. " * 150)
    page = admin.client.get("/admin/inquiries/inq1").get_data(as_text=True)
    href = re.search(r'href="(mailto:ada@example.com\?subject=[^"]*)"', page).group(1)
    assert len(href) < 2000 and unquote(href).endswith(" […]\n")
    assert page.count("Tall windows, oak floors.") >= 150  # the message and the form's quote, whole
