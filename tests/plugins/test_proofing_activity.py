"""The gallery's activity (proofing's activity.py), on both backends: visits as sessions, photos
viewed through the viewer's beacon, favourites per list, downloads and the selection on the
photographer's activity page; the daily digest at a local SMTP server (and none after a quiet
day); activity records expiring after the retention setting; export and import carrying them."""

from __future__ import annotations

import re
import time

import pytest

from sgoodie import archive, create_app
from sgoodie.services import services
from tests.conftest import AdminActions, signed_in_client
from tests.plugins.test_proofing import Client, settings
from tests.test_gallery_access import make_gallery, to_client_gallery


def beacon(client: Client, photo_ids: list[str]):
    token = re.search(r'data-activity-csrf="([^"]+)"', client.page()).group(1)
    return client.http.post(
        f"/gallery/{client.project.id}/seen",
        json={"photos": photo_ids},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def visitor_card(html: str, name: str) -> dict[str, str]:
    """The figures of one visitor's card on the activity page: data-figure -> text."""
    start = html.index(name)
    card = html[start : html.index("</li>", start)]
    return {k: v.strip() for k, v in re.findall(r'data-figure="([^"]+)">([^<]*)<', card)}


def test_a_visit_views_a_favourite_a_download_and_a_selection_show_on_the_activity_page(backend_app, jpeg):
    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    admin = AdminActions(signed_in_client(app))
    assert settings(admin, project, downloads="single").status_code == 302
    client = Client(app, project)
    client.start(name="Ana Lopes", email="ana@example.com")
    for _ in range(3):
        client.page()  # three pages in a row: one visit

    counted = beacon(client, [photos[0].id, photos[1].id])
    assert counted.status_code == 200 and counted.get_json() == {"counted": 2, "new": 2}
    again = beacon(client, [photos[1].id, "not-a-photo"])
    assert again.get_json() == {"counted": 1, "new": 0}  # photo 2 again: one view, not a new photo
    no_token = client.http.post(f"/gallery/{project.id}/seen", json={"photos": [photos[0].id]})
    assert no_token.status_code == 400
    bad = beacon(client, "nope")  # type: ignore[arg-type]
    assert bad.status_code == 400 and "photo ids" in bad.get_json()["error"]["message"]
    stranger = app.test_client().post(f"/gallery/{project.id}/seen", json={"photos": []})
    assert stranger.status_code in (400, 403)  # no grant: nothing counted

    client.post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "action": "add"})
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Website", "action": "add"})
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "add"})
    assert client.post(f"/gallery/{project.id}/photos/{photos[0].id}/download").status_code == 303
    assert client.post(f"/gallery/{project.id}/submit").status_code == 303

    page = admin.client.get(f"/admin/proofing/{project.id}/activity")
    assert page.status_code == 200 and page.headers["Cache-Control"].startswith("private")
    html = page.get_data(as_text=True)
    figures = visitor_card(html, "Ana Lopes")
    assert figures["visits"] == "1" and figures["photos"] == "2" and figures["downloads"] == "1"
    assert figures["list-1"] == "2" and figures["list-2"] == "1"  # Favourites, Website
    assert figures["selection"].startswith("sent ") and figures["last-seen"] != "never opened"
    assert "Before giving a name" in html  # the page before the name was given, under the password
    assert "no tracker" in html

    with app.test_request_context():
        from sgoodie.plugins.proofing import activity

        key = next(k for k, _ in activity.VISITORS.all(prefix=f"{project.id}#client-"))
        record = activity.VISITORS.get(key)
        record["last_at"] -= activity.VISIT_GAP  # the last page was half an hour ago
        activity.VISITORS.put(key, record)
    client.page()
    html = admin.client.get(f"/admin/proofing/{project.id}/activity").get_data(as_text=True)
    assert visitor_card(html, "Ana Lopes")["visits"] == "2"


def test_an_invited_recipient_is_one_visitor_from_the_link_to_the_download(backend_app, jpeg):
    """Everything a recipient does through their own invitation counts under that invitation,
    named as the photographer invited them (before and after they give a name to choose)."""
    from urllib.parse import urlsplit

    from tests.content.test_invitations import invite

    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    admin = AdminActions(signed_in_client(app))
    settings(admin, project, downloads="single")
    invitation, link = invite(app, project, name="Marta Reis", email="")
    http = app.test_client()
    assert http.get(urlsplit(link).path).status_code in (302, 303)
    gallery_url = f"/projects/{project.slug}"

    def post(path, data=None):
        html = http.get(gallery_url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return http.post(path, data={**(data or {}), "csrf_token": token})

    post(f"/gallery/{project.id}/client", {"name": "Marta", "email": "marta@example.com"})
    post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "action": "add"})
    assert post(f"/gallery/{project.id}/photos/{photos[0].id}/download").status_code == 303
    assert http.get(f"/gallery/{project.id}/photos/{photos[1].id}/note").status_code == 200  # seen large
    html = admin.client.get(f"/admin/proofing/{project.id}/activity").get_data(as_text=True)
    assert html.count('class="card activity-visitor"') == 1 and "Before giving a name" not in html
    figures = visitor_card(html, "Marta Reis")
    assert figures["visits"] == "1" and figures["list-1"] == "1" and figures["downloads"] == "1"
    assert figures["photos"] == "1"
    assert "invited" in html


def test_a_guests_views_count_under_the_guest_password(app, jpeg, admin):
    from sgoodie.accounts import hash_password
    from tests.test_gallery_access import open_gallery

    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project, gallery_guest_password_hash=hash_password("family-view"))
    guest = Client.__new__(Client)
    guest.app, guest.project, guest.http = app, project, app.test_client()
    guest.gallery_url = f"/projects/{project.slug}"
    assert open_gallery(guest.http, project, "family-view").status_code == 303
    assert beacon(guest, [photos[0].id, photos[1].id]).get_json() == {"counted": 2, "new": 2}
    html = admin.client.get(f"/admin/proofing/{project.id}/activity").get_data(as_text=True)
    figures = visitor_card(html, "Guests")
    assert figures["visits"] == "1" and figures["photos"] == "2" and figures["downloads"] == "0"


def test_activity_is_paged(app, jpeg, admin):
    from sgoodie.plugins.proofing import activity

    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        for n in range(30):
            visitor = {"id": f"client-c{n:02d}", "kind": "client", "name": f"Client {n:02d}", "email": ""}
            activity.record_visit(project.id, visitor)
    first = admin.client.get(f"/admin/proofing/{project.id}/activity").get_data(as_text=True)
    assert first.count('class="card activity-visitor"') == 25 and 'rel="next"' in first
    second = admin.client.get(f"/admin/proofing/{project.id}/activity?page=2").get_data(as_text=True)
    assert second.count('class="card activity-visitor"') == 5 and "Client 29" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_activity_settings_are_checked(app, jpeg, admin):
    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    refused = admin.post(
        "/admin/proofing/activity-options", {"retention_days": "0", "project_id": project.id}
    )
    assert refused.status_code == 302
    page = admin.client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "between 1 and 3650 days" in page and 'value="365"' in page  # unchanged
    admin.post("/admin/proofing/activity-options", {"retention_days": "30", "digest": "1"})
    page = admin.client.get(f"/admin/proofing/{project.id}/activity").get_data(as_text=True)
    assert 'value="30"' in page and 'name="digest" value="1" checked' in page


def test_activity_expires_after_the_retention_days(backend_app, jpeg, monkeypatch):
    from sgoodie.plugins.proofing import activity

    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        activity.save_options(activity.Options(retention_days=10))
        ana = {"id": "client-ana", "kind": "client", "name": "Ana", "email": "ana@example.com"}
        activity.record_visit(project.id, ana)
        activity.record_views(project.id, ana, [photos[0].id])
        records = services().store.records
        expiry = records.expiry("plugin:proofing:visitors", f"{project.id}#client-ana")
        assert abs(expiry - (time.time() + 10 * 24 * 3600)) < 600
        assert activity.visitors_page(project.id)[0][0]["photos"] == 1
        later = time.time() + 10 * 24 * 3600 + 60
        monkeypatch.setattr(time, "time", lambda: later)
        assert activity.visitors_page(project.id) == ([], False)
        assert activity.VIEWED.all(prefix=f"{project.id}#") == []
        assert activity.DAILY.all() == []


def _digest_app(tmp_path, smtp_server):
    from tests.plugins.test_contact import _set_contact_email
    from tests.plugins.test_proofing import _notifying_app

    app, received = _notifying_app(tmp_path, smtp_server)
    _set_contact_email(app, "studio@photos.example")
    return app, received


def test_the_daily_digest_sends_yesterdays_figures_once_and_nothing_after_a_quiet_day(
    tmp_path, jpeg, smtp_server, monkeypatch
):
    from datetime import date, timedelta

    from sgoodie.plugins.proofing import activity

    app, received = _digest_app(tmp_path, smtp_server)
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        today = activity.gallery_today()
        yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
        monkeypatch.setattr(activity, "gallery_today", lambda: yesterday)
    client = Client(app, project)
    client.start(name="Ana", email="ana@example.com")
    beacon(client, [photos[0].id, photos[1].id])
    beacon(client, [photos[0].id])  # seen again: a view for the day
    client.post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "action": "add"})
    client.post(f"/gallery/{project.id}/submit")
    with app.test_request_context():
        monkeypatch.setattr(activity, "gallery_today", lambda: today)
        assert activity.send_digest() is False  # off by default
        activity.save_options(activity.Options(digest=True))
        assert activity.send_digest() is True
        assert activity.send_digest() is False  # once a day, whoever runs it
    digests = [
        m for m in received if m["To"] == "studio@photos.example" and "Client galleries" in m["Subject"]
    ]
    assert len(digests) == 1 and digests[0]["Subject"] == f"Client galleries on {yesterday}"
    body = digests[0].get_payload(decode=True).decode()
    assert project.title in body
    # one visit before the name and one as Ana (the same browser, two visitors until invitations)
    assert "visits 2 · photo views 3 · favourites 1 · downloads 0 · selections sent 1" in body
    assert f"https://photos.example/admin/proofing/{project.id}/activity" in body

    with app.test_request_context():  # a day later: nothing happened yesterday, nothing sent
        tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
        monkeypatch.setattr(activity, "gallery_today", lambda: tomorrow)
        assert activity.send_digest() is False
    time.sleep(0.5)
    assert len([m for m in received if "Client galleries" in m["Subject"]]) == 1


@pytest.mark.slow
def test_export_and_import_carry_the_activity(app, jpeg, tmp_path):
    from sgoodie.plugins.proofing import activity

    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        ana = {"id": "client-ana", "kind": "client", "name": "Ana", "email": "ana@example.com"}
        activity.save_options(activity.Options(digest=True, retention_days=90))
        activity.record_visit(project.id, ana)
        activity.record_views(project.id, ana, [photos[0].id])
        services().jobs.enqueue = lambda kind, **arguments: None
        archive.export(tmp_path / "site.tar")
        before = activity.VISITORS.all(prefix=f"{project.id}#")
    target = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "target"), "SECRET_KEY": "y"})
    with target.test_request_context():
        services().store.init_schema()
        services().jobs.enqueue = lambda kind, **arguments: None
        archive.import_archive(tmp_path / "site.tar")
        assert activity.VISITORS.all(prefix=f"{project.id}#") == before
        assert before[0][1]["photos"] == 1 and before[0][1]["name"] == "Ana"
        assert len(activity.VIEWED.all(prefix=f"{project.id}#")) == 1
        assert activity.options() == activity.Options(digest=True, retention_days=90)
        expiry = services().store.records.expiry("plugin:proofing:visitors", f"{project.id}#client-ana")
        assert expiry is not None and expiry > time.time() + 80 * 24 * 3600  # the expiry travels too
