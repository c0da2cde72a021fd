"""Invitations to a client gallery (core, both backends): a mail that arrives at a local SMTP
server with the recipient's own link, which opens the gallery without its password and leaves the
address bar clean; the secret kept only as a hash; revoking one person (their grant and signed
photo links at once, nobody else's); their own last day; a guest who may not choose; sending
again; a failed send kept with its reason; who the visitor is, through the plugin API."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from sgoodie import content, gallery_access, plugin_api
from sgoodie.domain import SITE_PAGE_ID, SiteSettings, ValidationError
from sgoodie.mail import Mailer, parse_transport
from sgoodie.services import services
from sgoodie.stores.sqlite import SQLiteContentStore
from tests.conftest import moved_through_archive
from tests.test_gallery_access import backend_app, csrf, make_gallery, open_gallery, to_client_gallery

__all__ = ["backend_app"]


def with_mail(app, port: int):
    """The app sending its mail to the test's SMTP server on `port`."""
    app.extensions["sgoodie.mail"] = Mailer(
        parse_transport(f"smtp://127.0.0.1:{port}"), "site@photos.example"
    )
    with app.test_request_context():
        base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        changes = {"business_name": "Goodie Studio", "contact_email": "studio@photos.example"}
        content.settings.save(replace(SiteSettings.from_page(base), **changes), base)
    return app


def invite(app, project, name="Ana Lopes", email="ana@example.com", kind="client", last_day=""):
    """An invitation made and mailed as the admin does: (invitation, its link)."""
    with app.test_request_context():
        current = services().store.get_project(project.id)
        invitation, secret = content.invitations.create(current, name, email, kind, last_day)
        link = content.invitations.link(invitation, secret)
        if email:
            invitation = content.invitations.send(current, invitation, secret)
    return invitation, link


def link_in(message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://\S+/invitation/\S+", body).group(0)


def signed_photo_link(http, project) -> str:
    html = http.get(f"/projects/{project.slug}").get_data(as_text=True)
    found = next(link for link in re.findall(r'<img src="([^"]+)"', html) if "/media/signed/" in link)
    return found.replace("&amp;", "&")


@pytest.fixture
def gallery(backend_app, jpeg):
    project, photos = make_gallery(backend_app, jpeg)
    return to_client_gallery(backend_app, project), photos


def test_an_emailed_link_opens_the_gallery_without_its_password(backend_app, gallery, smtp_server):
    controller, received = smtp_server
    app = with_mail(backend_app, controller.port)
    project, photos = gallery
    invitation, _ = invite(app, project)
    assert invitation.delivery == "sent" and invitation.sent_at and not invitation.reason
    [mail] = received
    assert mail["To"] == "Ana Lopes <ana@example.com>" and mail["From"] == "site@photos.example"
    assert mail["Reply-To"] == "studio@photos.example"
    assert mail["Subject"] == f"Your photographs are ready: {project.title}"
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Hello Ana Lopes,") and "Goodie Studio" in body
    assert "password" not in body.lower().replace("no password needed", "")  # a password is never mailed
    link = link_in(mail)
    http = app.test_client()
    assert "password" in http.get(f"/projects/{project.slug}").get_data(as_text=True).lower()
    opened = http.get(urlsplit(link).path)
    assert opened.status_code == 303 and opened.headers["Location"] == f"/projects/{project.slug}"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert opened.headers["Cache-Control"] == "private, no-store"
    page = http.get(f"/projects/{project.slug}")
    assert page.status_code == 200 and photos[0].alt_text in page.get_data(as_text=True)
    # proofing knows who was invited (`gallery_visitor`): their name and e-mail are filled in
    assert 'value="Ana Lopes"' in page.get_data(as_text=True)
    assert 'value="ana@example.com"' in page.get_data(as_text=True)
    assert http.get(signed_photo_link(http, project)).status_code in (200, 302)  # 302: to S3
    with app.test_request_context():
        [listed] = content.invitations.for_gallery(services().store.get_project(project.id))
    assert listed.id == invitation.id and listed.last_opened_at  # the photographer sees it opened


def test_the_secret_is_in_no_stored_record(backend_app, gallery):
    project, _ = gallery
    invitation, link = invite(backend_app, project, email="")
    secret = link.rsplit("/", 1)[1]
    assert len(secret) >= 43  # 256 random bits
    with backend_app.app_context():
        records = services().store.records
        stored = [
            json.dumps(data)
            for collection in (content.invitations.INVITATIONS, content.invitations.OPENS)
            for _, data in records.query(collection)
        ]
        store = services().store
        if isinstance(store, SQLiteContentStore):  # every table of the database, not only what we query
            db = store.connection()
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            stored += [repr(tuple(row)) for table in tables for row in db.execute(f'SELECT * FROM "{table}"')]
    assert stored and not any(secret in text for text in stored)
    assert any(content.invitations.digest(secret) in text for text in stored)


def test_revoking_one_invitation_ends_that_access_and_its_photo_links_at_once(backend_app, gallery):
    app = backend_app
    project, _ = gallery
    _, ana_link = invite(app, project, email="")
    _, ben_link = invite(app, project, name="Ben", email="")
    ana, ben, shared = app.test_client(), app.test_client(), app.test_client()
    assert ana.get(urlsplit(ana_link).path).status_code == 303
    assert ben.get(urlsplit(ben_link).path).status_code == 303
    assert open_gallery(shared, project).status_code == 303  # the shared password keeps working
    photo_links = {who: signed_photo_link(http, project) for who, http in (("ana", ana), ("ben", ben))}
    with app.test_request_context():
        current = services().store.get_project(project.id)
        listed = {i.name: i for i in content.invitations.for_gallery(current)}
        content.invitations.revoke(current, listed["Ana Lopes"])
    assert ana.get(photo_links["ana"]).status_code == 403
    assert "password" in ana.get(f"/projects/{project.slug}").get_data(as_text=True).lower()
    refused = app.test_client().get(urlsplit(ana_link).path)
    assert refused.status_code == 403 and "withdrawn" in refused.get_data(as_text=True)
    assert ben.get(photo_links["ben"]).status_code in (200, 302)  # nobody else's (302: to S3)
    assert ben.get(f"/projects/{project.slug}").status_code == 200
    assert shared.get(f"/projects/{project.slug}").status_code == 200


def test_an_invitation_ends_on_its_own_last_day_and_can_be_extended(backend_app, gallery, monkeypatch):
    app = backend_app
    project, _ = gallery
    with app.test_request_context():
        today = gallery_access.today()
    _, link = invite(app, project, email="", last_day=today)
    http = app.test_client()
    assert http.get(urlsplit(link).path).status_code == 303
    assert http.get(f"/projects/{project.slug}").status_code == 200
    monkeypatch.setattr(gallery_access, "today", lambda: "2999-01-01")  # the day after, and later
    assert "password" in http.get(f"/projects/{project.slug}").get_data(as_text=True).lower()
    assert app.test_client().get(urlsplit(link).path).status_code == 410
    monkeypatch.undo()
    with app.test_request_context():
        current = services().store.get_project(project.id)
        [invitation] = content.invitations.for_gallery(current)
        extended = content.invitations.extend(current, invitation)
    assert extended.last_day > today
    assert http.get(f"/projects/{project.slug}").status_code == 200


def test_an_invitation_never_outlives_the_gallery(backend_app, gallery):
    app = backend_app
    project, _ = gallery
    with app.test_request_context():
        current = content.galleries.set_expiry(services().store.get_project(project.id), "2998-06-30")
        with pytest.raises(ValidationError) as refused:
            content.invitations.create(current, "Ana", "", "client", "2999-01-01")
        assert "closes after 30 June 2998" in refused.value.errors["last_day"]
        invitation, _ = content.invitations.create(current, "Ana", "", "client", "2998-06-01")
        assert content.invitations.extend(current, invitation).last_day == "2998-06-30"  # capped
        for bad in ({"name": ""}, {"email": "not-mail"}, {"kind": "owner"}, {"last_day": "tomorrow"}):
            values = {"name": "Ana", "email": "", "kind": "client", "last_day": "", **bad}
            with pytest.raises(ValidationError) as refused:
                content.invitations.create(current, **values)
            assert set(refused.value.errors) == {next(iter(bad))}


def test_a_guest_invitation_may_look_but_not_choose(app, jpeg):
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    _, link = invite(app, project, email="", kind="guest")
    http = app.test_client()
    token = csrf(http, f"/projects/{project.slug}")  # the password form's; the view-only page has no form
    assert http.get(urlsplit(link).path).status_code == 303
    page = http.get(f"/projects/{project.slug}").get_data(as_text=True)
    assert all(f'id="photo-{p.id}"' in page for p in photos)
    assert "viewing as a guest" in page and "Start choosing" not in page
    for path, data in (
        (f"/gallery/{project.id}/client", {"name": "Aunt", "email": "a@example.com"}),
        (f"/gallery/{project.id}/photos/{photos[0].id}/mark", {}),
    ):
        assert http.post(path, data={**data, "csrf_token": token}).status_code == 403
    with app.test_request_context(headers={"Cookie": _cookie_of(http, project)}):
        http_visitor = plugin_api.gallery_visitor(services().store.get_project(project.id))
    assert http_visitor["kind"] == "guest" and http_visitor["name"] == "Ana Lopes"


def _cookie_of(http, project) -> str:
    name = gallery_access.cookie_name(project)
    return f"{name}={http.get_cookie(name).value}"


def test_who_the_visitor_is_through_the_plugin_api(app, jpeg):
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    invitation, link = invite(app, project, email="", name="Cleo")
    invited, shared = app.test_client(), app.test_client()
    invited.get(urlsplit(link).path)
    open_gallery(shared, project)
    current = lambda: services().store.get_project(project.id)  # noqa: E731
    with app.test_request_context(headers={"Cookie": _cookie_of(invited, project)}):
        assert plugin_api.gallery_visitor(current()) == {
            "access_id": invitation.id,
            "kind": "client",
            "invitation_id": invitation.id,
            "name": "Cleo",
            "email": "",
        }
    with app.test_request_context(headers={"Cookie": _cookie_of(shared, project)}):
        assert plugin_api.gallery_visitor(current()) == {
            "access_id": "",
            "kind": "client",
            "invitation_id": "",
            "name": "",
            "email": "",
        }
    with app.test_request_context():
        assert plugin_api.gallery_visitor(current()) is None


def test_sending_again_gives_a_new_link_and_ends_the_old_one(backend_app, gallery, smtp_server):
    controller, received = smtp_server
    app = with_mail(backend_app, controller.port)
    project, _ = gallery
    invitation, _ = invite(app, project)
    with app.test_request_context():
        current = services().store.get_project(project.id)
        again, secret = content.invitations.new_secret(content.invitations.get(current, invitation.id))
        content.invitations.send(current, again, secret)
    first, second = (link_in(mail) for mail in received)
    assert first != second
    assert app.test_client().get(urlsplit(first).path).status_code == 404
    assert app.test_client().get(urlsplit(second).path).status_code == 303


def test_a_gallery_deleted_for_good_takes_its_invitations(backend_app, gallery):
    project, _ = gallery
    _, link = invite(backend_app, project, email="")
    backend_app.test_client().get(urlsplit(link).path)  # opened: a visit recorded too
    with backend_app.test_request_context():
        content.projects.delete(services().store.get_project(project.id))
        [entry] = [e for e in content.trash.entries() if e.kind == "project"]
        content.trash.delete_forever(entry.key)
        records = services().store.records
        for collection in (content.invitations.INVITATIONS, content.invitations.OPENS):
            assert records.query(collection, prefix=f"{project.id}#") == []


def test_a_name_with_a_comma_is_one_recipient(app, jpeg, smtp_server):
    controller, received = smtp_server
    with_mail(app, controller.port)
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    invitation, _ = invite(app, project, name="Lopes, Ana", email="ana@example.com")
    assert invitation.delivery == "sent"
    [mail] = received
    assert mail["To"] == '"Lopes, Ana" <ana@example.com>' and mail["X-RcptTo"] == "ana@example.com"


def test_a_failed_send_is_kept_with_its_reason(backend_app, gallery, smtp_server):
    controller, received = smtp_server
    app = with_mail(backend_app, controller.port)
    controller.stop()  # the mail server is down
    project, _ = gallery
    invitation, _ = invite(app, project)
    controller.start()
    with app.test_request_context():
        stored = content.invitations.get(services().store.get_project(project.id), invitation.id)
    assert stored.delivery == "failed" and "could not be reached" in stored.reason and not stored.sent_at


def test_an_archive_carries_the_wording_but_no_invitation(app, jpeg, tmp_path):
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    invite(app, project, email="")
    with app.test_request_context():
        content.invitations.save_template("Photos: {gallery}", "Dear {name}: {link}")
    target = moved_through_archive(app, tmp_path)
    with target.test_request_context():
        assert content.invitations.template() == ("Photos: {gallery}", "Dear {name}: {link}\n")
        moved = services().store.get_project(project.id)
        assert moved is not None and content.invitations.for_gallery(moved) == []
