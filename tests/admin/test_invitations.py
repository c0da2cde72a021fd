"""The admin's side of invitations (both backends): sending a gallery to several people from its
page, each mail with its own working link; a mistake in one row loses nothing and makes nothing;
links to copy shown once; the list with delivery, failures and their reason; resend, extend,
revoke; the site's invitation e-mail edited with a preview."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from sgoodie import content
from sgoodie.services import services
from tests.conftest import AdminActions, signed_in_client
from tests.content.test_invitations import link_in, with_mail
from tests.test_gallery_access import backend_app, make_gallery, to_client_gallery

__all__ = ["backend_app"]


@pytest.fixture
def setup(backend_app, jpeg, smtp_server):
    """(app, signed-in admin, client gallery, SMTP controller, mails received)."""
    controller, received = smtp_server
    app = with_mail(backend_app, controller.port)
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    return app, AdminActions(signed_in_client(app)), project, controller, received


def rows(*recipients: dict) -> dict:
    data = {}
    for n, recipient in enumerate(recipients):
        for name, value in recipient.items():
            data[f"recipients-{n}-{name}"] = value
    return data


def invitations_of(app, project):
    with app.test_request_context():
        return content.invitations.for_gallery(services().store.get_project(project.id))


def test_the_photographer_sends_the_gallery_to_several_people(setup):
    app, admin, project, _, received = setup
    page = admin.client.get(f"/admin/projects/{project.id}")
    assert f"/admin/projects/{project.id}/invitations" in page.get_data(
        as_text=True
    )  # from the gallery's page
    sent = admin.post(
        f"/admin/projects/{project.id}/invitations",
        {
            "send": "",
            **rows(
                {"name": "Ana Lopes", "email": "ana@example.com", "kind": "client"},
                {"name": "Aunt Rosa", "email": "rosa@example.com", "kind": "guest"},
                {"name": "", "email": "", "kind": "client"},  # an empty row is skipped
            ),
        },
    )
    assert sent.status_code == 302
    assert sorted(m["To"] for m in received) == [
        "Ana Lopes <ana@example.com>",
        "Aunt Rosa <rosa@example.com>",
    ]
    html = admin.client.get(f"/admin/projects/{project.id}/invitations").get_data(as_text=True)
    assert "Sent “Smith Residence” to Ana Lopes, Aunt Rosa." in html
    assert html.count('data-label="Delivery">Sent ') == 2 and "Guest" in html and "Not yet" in html
    for mail in received:
        visitor = app.test_client()
        assert visitor.get(urlsplit(link_in(mail)).path).status_code == 303
        assert visitor.get(f"/projects/{project.slug}").status_code == 200
    html = admin.client.get(f"/admin/projects/{project.id}/invitations").get_data(as_text=True)
    assert "Not yet" not in html  # both opened it


def test_a_mistake_in_one_row_loses_nothing_and_sends_nothing(setup):
    app, admin, project, _, received = setup
    answer = admin.post(
        f"/admin/projects/{project.id}/invitations",
        {
            "send": "",
            **rows(
                {"name": "Ana Lopes", "email": "ana@example.com", "kind": "client"},
                {"name": "Ben", "email": "ben-at-example", "kind": "client", "last_day": "2001-01-01"},
            ),
        },
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "“ben-at-example” is not an e-mail address" in html and "The last day has passed" in html
    assert 'value="Ana Lopes"' in html and 'value="ben-at-example"' in html  # kept as typed
    assert received == [] and invitations_of(app, project) == []
    no_address = admin.post(
        f"/admin/projects/{project.id}/invitations", {"send": "", **rows({"name": "Cleo", "kind": "client"})}
    )
    assert no_address.status_code == 400 and "copy the link instead" in no_address.get_data(as_text=True)


def test_a_link_to_copy_is_shown_once_and_opens_the_gallery(setup):
    app, admin, project, _, received = setup
    answer = admin.post(
        f"/admin/projects/{project.id}/invitations", {"link": "", **rows({"name": "Dora", "kind": "client"})}
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and received == []  # no mail
    link = re.search(r'value="(https?://[^"]+/invitation/[^"]+)"', html).group(1)
    assert 'data-copy="#link-' in html and "only time" in html
    assert link not in admin.client.get(f"/admin/projects/{project.id}/invitations").get_data(as_text=True)
    [invitation] = invitations_of(app, project)
    assert invitation.delivery == "link" and invitation.name == "Dora"
    assert app.test_client().get(urlsplit(link).path).status_code == 303


def test_a_failed_send_is_listed_with_its_reason_and_can_be_sent_again(setup):
    app, admin, project, controller, received = setup
    controller.stop()
    admin.post(
        f"/admin/projects/{project.id}/invitations",
        {"send": "", **rows({"name": "Ana Lopes", "email": "ana@example.com", "kind": "client"})},
    )
    controller.start()
    html = admin.client.get(f"/admin/projects/{project.id}/invitations").get_data(as_text=True)
    assert "Not sent to Ana Lopes: The mail server (smtp) could not be reached" in html
    assert "Failed" in html and "could not be reached" in html
    [invitation] = invitations_of(app, project)
    again = admin.post(f"/admin/projects/{project.id}/invitations/{invitation.id}/resend")
    assert again.status_code == 302 and len(received) == 1
    [invitation] = invitations_of(app, project)
    assert invitation.delivery == "sent" and not invitation.reason
    assert app.test_client().get(urlsplit(link_in(received[0])).path).status_code == 303


def test_revoke_and_extend_from_the_list(setup):
    app, admin, project, _, received = setup
    with app.test_request_context():
        from sgoodie import gallery_access

        today = gallery_access.today()
    admin.post(
        f"/admin/projects/{project.id}/invitations",
        {
            "send": "",
            **rows({"name": "Ana Lopes", "email": "ana@example.com", "kind": "client", "last_day": today}),
        },
    )
    [invitation] = invitations_of(app, project)
    assert invitation.last_day == today
    assert admin.post(f"/admin/projects/{project.id}/invitations/{invitation.id}/extend").status_code == 302
    [invitation] = invitations_of(app, project)
    assert invitation.last_day > today
    visitor = app.test_client()
    assert visitor.get(urlsplit(link_in(received[0])).path).status_code == 303
    assert admin.post(f"/admin/projects/{project.id}/invitations/{invitation.id}/revoke").status_code == 302
    assert visitor.get(f"/projects/{project.slug}").get_data(as_text=True).count('name="password"') == 1
    assert app.test_client().get(urlsplit(link_in(received[0])).path).status_code == 403
    html = admin.client.get(f"/admin/projects/{project.id}/invitations").get_data(as_text=True)
    row = html.split('id="invitation-')[1].split("</tr>")[0]
    assert "Revoked" in row and "/resend" not in row and "/revoke" not in row


def test_the_invitation_mail_is_edited_once_with_a_preview(setup):
    app, admin, project, _, received = setup
    page = admin.client.get(f"/admin/settings/invitation-mail?project={project.id}").get_data(as_text=True)
    assert "Hello Ana Lopes," in page and "Smith Wedding" in page  # the default, previewed
    missing = admin.post("/admin/settings/invitation-mail", {"subject": "Photos", "body": "Hi {name}"})
    assert missing.status_code == 400 and "Keep {link} in the text" in missing.get_data(as_text=True)
    unknown = admin.post(
        "/admin/settings/invitation-mail", {"subject": "Photos", "body": "{link} {password}"}
    )
    assert unknown.status_code == 400 and "Unknown placeholder {password}" in unknown.get_data(as_text=True)
    body = "Dear {name}, see {gallery}: {link}\n{expires}\n— {photographer}"
    preview = admin.post(
        "/admin/settings/invitation-mail", {"subject": "{gallery} for you", "body": body, "preview": ""}
    )
    assert "Dear Ana Lopes, see Smith Wedding:" in preview.get_data(as_text=True)
    with app.app_context():
        assert content.invitations.template()[0] == content.invitations.DEFAULT_SUBJECT  # not saved yet
    assert (
        admin.post(
            "/admin/settings/invitation-mail", {"subject": "{gallery} for you", "body": body}
        ).status_code
        == 302
    )
    admin.post(
        f"/admin/projects/{project.id}/invitations",
        {"send": "", **rows({"name": "Ana Lopes", "email": "ana@example.com", "kind": "client"})},
    )
    [mail] = received
    text = mail.get_payload(decode=True).decode()
    assert mail["Subject"] == "Smith Residence for you"
    assert text.startswith("Dear Ana Lopes, see Smith Residence: http") and "— Goodie Studio" in text
