"""The proofing plugin: a client's name asked once, marks in named lists, notes, the selection
sent; the photographer's view, CSV and file names; downloads off / single / whole gallery, sizes,
the PIN, the ZIP built in the background (its entries byte for byte the originals, on both
backends) and the download log."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
import requests

from sgoodie.accounts import hash_password
from sgoodie.services import services
from tests.test_gallery_access import (
    backend_app,
    make_gallery,
    open_gallery,
    to_client_gallery,
    wait_for_jobs,
)
from tests.test_spreadsheets import ATTACK, formula_cells

__all__ = ["backend_app"]  # the fixture, shared with the core's gallery tests


def form_token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Client:
    """A client in a browser-like test client, with the gallery opened."""

    def __init__(self, app, project):
        self.app, self.project = app, project
        self.http = app.test_client()
        assert open_gallery(self.http, project).status_code == 303
        self.gallery_url = f"/projects/{project.slug}"

    def post(self, path: str, data: dict | None = None, **kwargs):
        token = form_token(self.http, self.gallery_url)
        return self.http.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)

    def start(self, name="Ana Lopes", email="ana@example.com"):
        return self.post(f"/gallery/{self.project.id}/client", {"name": name, "email": email})

    def page(self) -> str:
        return self.http.get(self.gallery_url).get_data(as_text=True)


def settings(admin, project, **values):
    data = {"lists": "Favourites\nWebsite", "downloads": "off", "size": "original", **values}
    return admin.post(f"/admin/proofing/{project.id}/settings", data)


@pytest.fixture
def gallery(app, jpeg):
    project, photos = make_gallery(app, jpeg)
    return to_client_gallery(app, project), photos


def test_a_client_chooses_in_lists_leaves_notes_and_sends_the_selection(app, gallery, admin):
    project, photos = gallery
    assert settings(admin, project).status_code == 302
    client = Client(app, project)
    page = client.page()
    assert "Start choosing" in page and "aria-pressed" not in page  # the name and e-mail first
    refused = client.start(name="", email="not-an-address")
    assert refused.status_code == 400 and "valid e-mail" in refused.get_data(as_text=True)
    started = client.start()
    assert started.status_code == 303 and started.headers["Location"].endswith(client.gallery_url)
    page = client.page()
    assert "Choosing as <strong>Ana Lopes</strong>" in page and page.count('aria-pressed="false"') == 4

    marked = client.post(
        f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "action": "add"}
    )
    assert marked.status_code == 303 and marked.headers["Location"].endswith(f"#photo-{photos[0].id}")
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Website", "action": "add"})
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "add"})
    client.post(
        f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "remove"}
    )
    too_long = client.post(f"/gallery/{project.id}/photos/{photos[0].id}/note", {"note": "x" * 1001})
    assert too_long.status_code == 400 and "x" * 1001 in too_long.get_data(as_text=True)  # nothing lost
    client.post(f"/gallery/{project.id}/photos/{photos[0].id}/note", {"note": "Crop the lamp, please"})
    page = client.page()
    assert page.count('aria-pressed="true"') == 2 and "Crop the lamp, please" in page
    assert 'Favourites: <strong data-list-count="Favourites">1</strong>' in page
    assert 'Website: <strong data-list-count="Website">1</strong>' in page
    unknown_list = client.post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Print"})
    assert unknown_list.status_code == 400

    selection = client.http.get(f"/gallery/{project.id}/selection")
    assert selection.headers["Cache-Control"] == "private, no-store"
    assert client.post(f"/gallery/{project.id}/submit").status_code == 303
    assert "was sent to" in client.http.get(f"/gallery/{project.id}/selection?submitted=1").get_data(
        as_text=True
    )

    view = admin.client.get(f"/admin/proofing/{project.id}").get_data(as_text=True)
    assert "Ana Lopes" in view and "Sent " in view and "Crop the lamp, please" in view
    assert "Favourites: <strong>1</strong>" in view and "2 photos marked" in view
    rows = list(
        csv.DictReader(
            io.StringIO(
                admin.client.get(f"/admin/proofing/{project.id}/selections.csv").get_data(as_text=True)
            )
        )
    )
    assert [(r["file_name"], r["lists"], r["note"]) for r in rows] == [
        ("IMG_0001.jpg", "Favourites", "Crop the lamp, please"),
        ("IMG_0002.jpg", "Website", ""),
    ]
    names = admin.client.get(f"/admin/proofing/{project.id}/file-names.txt").get_data(as_text=True)
    assert names == "IMG_0001.jpg\nIMG_0002.jpg\n"
    website = admin.client.get(f"/admin/proofing/{project.id}/file-names.txt?list=Website&separator=comma")
    assert website.get_data(as_text=True) == "IMG_0002.jpg\n"
    sidebar = admin.client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert "1 client" in sidebar and "1 sent their selection" in sidebar


def test_a_selection_sent_waits_first_on_the_dashboard_until_it_is_opened(app, gallery, admin):
    project, photos = gallery
    settings(admin, project)
    assert 'data-widget="selections"' not in admin.client.get("/admin/").get_data(as_text=True)
    client = Client(app, project)
    client.start(name="Rui Costa")
    client.post(f"/gallery/{project.id}/photos/{photos[0].id}/mark", {"list": "Favourites", "action": "add"})
    client.post(f"/gallery/{project.id}/submit")
    dashboard = admin.client.get("/admin/").get_data(as_text=True)
    answers = dashboard[
        dashboard.index("data-answers") : dashboard.index("</section>", dashboard.index("data-answers"))
    ]
    assert 'data-widget="selections"' in answers and "Selections received" in answers
    assert "Rui Costa" in answers and project.title in answers
    assert f'href="/admin/proofing/{project.id}"' in answers
    assert admin.client.get(f"/admin/proofing/{project.id}").status_code == 200  # opened: answered
    after = admin.client.get("/admin/").get_data(as_text=True)
    assert 'data-widget="selections"' not in after and "data-answers" not in after


def test_the_gallery_script_saves_marks_and_notes_as_json(backend_app, jpeg):
    """What static/proofing.js gets when it asks for JSON: the photo's lists and note and the
    counts per list, on both backends; refusals in the one JSON error shape."""
    from sgoodie.plugins.proofing import records

    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        records.save_gallery_settings(project.id, records.GallerySettings(lists=["Favourites", "Print"]))
    client = Client(app, project)
    client.start()
    asks_json = {"headers": {"Accept": "application/json"}}
    mark = f"/gallery/{project.id}/photos/{photos[0].id}/mark"

    added = client.post(mark, {"list": "Favourites", "action": "add"}, **asks_json)
    assert added.status_code == 200 and added.headers["Cache-Control"] == "private, no-store"
    assert added.get_json() == {
        "photo_id": photos[0].id,
        "lists": ["Favourites"],
        "note": "",
        "counts": {"Favourites": 1, "Print": 0},
    }
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites"}, **asks_json)
    printed = client.post(mark, {"list": "Print", "action": "add"}, **asks_json).get_json()
    assert printed["lists"] == ["Favourites", "Print"] and printed["counts"] == {"Favourites": 2, "Print": 1}
    noted = client.post(
        f"/gallery/{project.id}/photos/{photos[0].id}/note", {"note": " Warmer "}, **asks_json
    )
    assert noted.get_json()["note"] == "Warmer" and noted.get_json()["lists"] == ["Favourites", "Print"]
    removed = client.post(mark, {"list": "Favourites", "action": "remove"}, **asks_json).get_json()
    assert removed["lists"] == ["Print"] and removed["counts"] == {"Favourites": 1, "Print": 1}
    with app.test_request_context():
        client_id = records.gallery_clients(project.id)[0]["id"]
        stored = records.client_marks(project.id, client_id)
    assert stored[photos[0].id]["lists"] == ["Print"] and stored[photos[0].id]["note"] == "Warmer"

    too_long = client.post(
        f"/gallery/{project.id}/photos/{photos[0].id}/note", {"note": "x" * 1001}, **asks_json
    )
    assert too_long.status_code == 400
    assert (
        too_long.get_json()["error"]["message"] == "Please keep the note under 1000 characters (it has 1001)."
    )
    gone = client.post(mark, {"list": "Website"}, **asks_json)
    assert gone.status_code == 400 and "no longer exists" in gone.get_json()["error"]["message"]
    no_token = client.http.post(mark, data={"list": "Print"}, **asks_json)
    assert no_token.status_code == 400 and "error" in no_token.get_json()
    plain = client.post(mark, {"list": "Print", "action": "remove"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#photo-{photos[0].id}")


def test_a_note_with_a_formula_after_a_separator_stays_text_in_the_csv(app, gallery, admin):
    project, photos = gallery
    assert settings(admin, project).status_code == 302
    client = Client(app, project)
    client.start()
    client.post(f"/gallery/{project.id}/photos/{photos[0].id}/note", {"note": ATTACK})
    text = admin.client.get(f"/admin/proofing/{project.id}/selections.csv").get_data(as_text=True)
    assert "calc" in text and formula_cells(text) == []


def test_in_production_proofing_cookies_are_secure_over_a_request_that_looks_like_http(app, gallery, admin):
    """The proxy may not be trusted (or drop X-Forwarded-Proto): the browser still speaks https."""
    project, photos = gallery
    assert settings(admin, project, downloads="single", pin="2468").status_code == 302
    client = Client(app, project)
    app.config["SESSION_COOKIE_SECURE"] = True  # production (tests run as local development)
    started = client.start()
    pinned = client.post(f"/gallery/{project.id}/pin", {"pin": "2468"})
    for answer, prefix in ((started, "sgoodie_client_"), (pinned, "sgoodie_pin_")):
        cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(prefix))
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def _pin_from(app, project, address: str, pin: str) -> int:
    """A client at `address` opens the gallery and tries a download PIN."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert open_gallery(client, project).status_code == 303
    token = form_token(client, f"/projects/{project.slug}")
    return client.post(f"/gallery/{project.id}/pin", data={"pin": pin, "csrf_token": token}).status_code


def test_the_photographer_sees_wrong_pins_on_the_gallery_page(app, gallery, admin):
    project, _ = gallery
    assert settings(admin, project, downloads="single", pin="2468").status_code == 302
    for n in range(3):
        assert _pin_from(app, project, f"198.51.100.{n + 1}", "1111") == 403
    page = admin.client.get(f"/admin/proofing/{project.id}").get_data(as_text=True)
    assert "3 wrong PINs</strong> in the last day, from any address." in page


def test_pin_guesses_over_many_addresses_slow_down(backend_app, jpeg, monkeypatch):
    from sgoodie.plugins.proofing import records
    from sgoodie.plugins.proofing.views import PIN_GUESSES
    from tests.test_gallery_access import FrozenClock

    app = backend_app
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    with app.test_request_context():
        pin_hash = hash_password("2468")
        records.save_gallery_settings(
            project.id, records.GallerySettings(downloads="single", pin_hash=pin_hash)
        )
    clock = FrozenClock(monkeypatch)
    for n in range(PIN_GUESSES.free):
        assert _pin_from(app, project, f"198.51.100.{n + 1}", "1111") == 403
    assert _pin_from(app, project, "203.0.113.1", "1111") == 403  # this turn's try
    assert _pin_from(app, project, "203.0.113.2", "2468") == 429  # waits for the next turn...
    clock.advance(4)
    assert _pin_from(app, project, "203.0.113.2", "2468") == 303  # ...which comes
    with app.test_request_context():
        assert PIN_GUESSES.failures.count(project.id) == PIN_GUESSES.free + 1


def test_proofing_needs_the_gallery_grant(app, gallery):
    project, photos = gallery
    stranger = app.test_client()
    token = form_token(stranger, f"/projects/{project.slug}")
    for path in (
        f"/gallery/{project.id}/client",
        f"/gallery/{project.id}/photos/{photos[0].id}/mark",
        f"/gallery/{project.id}/zip",
    ):
        response = stranger.post(
            path, data={"csrf_token": token, "name": "x", "email": "x@example.com", "list": "Favourites"}
        )
        assert response.status_code == 303 and response.headers["Location"].endswith(
            f"/projects/{project.slug}"
        )
    assert stranger.get(f"/gallery/{project.id}/selection").status_code == 303
    assert stranger.get("/gallery/not-a-gallery/selection").status_code == 404


def test_downloads_follow_the_gallery_settings_and_are_logged(app, gallery, admin):
    project, photos = gallery
    client = Client(app, project)
    client.start()
    download = f"/gallery/{project.id}/photos/{photos[0].id}/download"
    assert settings(admin, project, downloads="off").status_code == 302
    assert "Download</button>" not in client.page()
    assert client.post(download).status_code == 403

    assert settings(admin, project, downloads="single", size="1280").status_code == 302
    answer = client.post(download)
    assert answer.status_code == 303
    fetched = client.http.get(answer.headers["Location"])
    assert (
        fetched.data[:3] == b"\xff\xd8\xff"
    )  # read it whole: a streamed answer holds its request until then
    assert (
        fetched.status_code == 200
        and 'filename="IMG_0001-1200.jpg"' in fetched.headers["Content-Disposition"]
    )
    assert client.post(f"/gallery/{project.id}/zip").status_code == 403  # single photos only

    assert settings(admin, project, downloads="single", size="original", pin="2468").status_code == 302
    asked = client.post(download)
    assert asked.status_code == 303 and f"/gallery/{project.id}/pin" in asked.headers["Location"]
    assert client.post(f"/gallery/{project.id}/pin", {"pin": "1111"}).status_code == 403
    assert client.post(f"/gallery/{project.id}/pin", {"pin": "2468"}).status_code == 303
    original = client.http.get(client.post(download).headers["Location"])
    received = original.data
    with app.app_context():
        assert received == services().blobs.get(photos[0].original_key)
    assert 'filename="IMG_0001.jpg"' in original.headers["Content-Disposition"]

    refused = settings(admin, project, pin="12")
    assert refused.status_code == 400 and "4 to 8 digits" in refused.get_data(as_text=True)
    log = admin.client.get(f"/admin/proofing/{project.id}").get_data(as_text=True)
    assert log.count("IMG_0001") >= 2 and "Web size (1280 px)" in log and "Original files" in log


def test_a_whole_gallery_zip_is_built_in_the_background_and_matches_the_originals(backend_app, jpeg):
    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        from sgoodie.plugins.proofing import records

        records.save_gallery_settings(project.id, records.GallerySettings(downloads="all", size="original"))
    client = Client(app, project)
    client.start()
    assert "Download all 2 photos (ZIP)" in client.page()
    started = client.post(f"/gallery/{project.id}/zip")
    assert started.status_code == 303
    progress_url = started.headers["Location"]
    wait_for_jobs(app)
    again = client.post(f"/gallery/{project.id}/zip")
    assert again.headers["Location"] == progress_url  # the same archive, not a second one
    ready = client.http.get(progress_url)
    assert "Your download is ready" in ready.get_data(as_text=True) and "Refresh" not in ready.headers
    link = client.http.get(progress_url + "/file")
    assert link.status_code == 303
    assert "/media/signed/" in link.headers["Location"]  # the app's link: it ends with the gallery's grants
    response = client.http.get(link.headers["Location"])
    if app.config["BACKEND"] == "aws":
        presigned = response.headers["Location"]
        assert response.status_code == 302 and "X-Amz-Signature=" in presigned
        assert "/private/plugins/proofing/zips/" in presigned
        body = requests.get(presigned, timeout=30).content
    else:
        body = response.data
        assert f'filename="{project.slug}.zip"' in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(body)) as archive, app.app_context():
        assert archive.namelist() == ["IMG_0001.jpg", "IMG_0002.jpg"]
        for photo in photos:
            assert archive.read(photo.filename) == services().blobs.get(photo.original_key)
    view = app.test_client()
    with app.test_request_context():
        from sgoodie.plugins.proofing import records

        assert any(
            "Whole gallery ZIP, 2 photos" in entry["what"] for entry in records.recent_downloads(project.id)
        )
    assert view.get(progress_url).status_code == 303  # without the grant: back to the password


def test_a_zip_shows_its_progress_while_being_built(app, gallery, admin, monkeypatch):
    project, _ = gallery
    settings(admin, project, downloads="all")
    client = Client(app, project)
    client.start()
    from sgoodie.plugins.proofing import plugin

    monkeypatch.setattr(plugin, "run_in_background", lambda name, argument: None)  # not built yet
    progress = client.http.get(client.post(f"/gallery/{project.id}/zip").headers["Location"])
    html = progress.get_data(as_text=True)
    assert "Preparing your download" in html and '<progress max="2" value="0">' in html
    assert progress.headers["Refresh"] == "2" and progress.headers["Cache-Control"] == "private, no-store"
    wait_for_jobs(app)


def _notifying_app(tmp_path, smtp_server):
    """An app whose proofing e-mails go to the test's SMTP server: (app, the mails received)."""
    from sgoodie import create_app

    controller, received = smtp_server
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "i"),
            "SECRET_KEY": "s",
            "SITE_URL": "https://photos.example",
            "MAIL": f"smtp://127.0.0.1:{controller.port}",
            "MAIL_FROM": "site@photos.example",
        }
    )
    with app.app_context():
        services().store.init_schema()
    return app, received


def test_a_sent_selection_notifies_the_photographer_by_email(tmp_path, jpeg, smtp_server):
    from tests.plugins.test_contact import _set_contact_email, _wait_for

    app, received = _notifying_app(tmp_path, smtp_server)
    _set_contact_email(app, "studio@photos.example")
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    client = Client(app, project)
    client.start(name="Ana\r\nBcc: x@evil.example", email="ana@example.com")
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/mark", {"list": "Favourites", "action": "add"})
    client.post(f"/gallery/{project.id}/photos/{photos[1].id}/note", {"note": "Brighter?"})
    assert client.post(f"/gallery/{project.id}/submit").status_code == 303
    assert _wait_for(lambda: received), "no mail arrived"
    mail = received[0]
    assert mail["To"] == "studio@photos.example" and mail["Reply-To"] == "ana@example.com"
    assert mail["Subject"] == f"Ana Bcc: x@evil.example sent a selection: {project.title}"  # one line
    body = mail.get_payload(decode=True).decode()
    assert "Favourites (1): IMG_0002.jpg" in body and "- IMG_0002.jpg: Brighter?" in body
    assert f"https://photos.example/admin/proofing/{project.id}" in body


def test_clients_are_reminded_once_before_their_gallery_closes(tmp_path, jpeg, smtp_server):
    from datetime import date, timedelta

    from sgoodie import content
    from sgoodie.jobs import run_attempt
    from tests.plugins.test_contact import _wait_for

    def run_periodic() -> None:
        assert run_attempt("plugin.proofing.remind", {}, 0) is None

    app, received = _notifying_app(tmp_path, smtp_server)
    project, _ = make_gallery(app, jpeg)
    in_two_days = (date.today() + timedelta(days=2)).isoformat()
    project = to_client_gallery(
        app, project, gallery_expires_on=(date.today() + timedelta(days=20)).isoformat()
    )
    Client(app, project).start(name="Ana", email="ana@example.com")
    Client(app, project).start(name="Rui", email="rui@example.com")
    with app.test_request_context():
        run_periodic()  # twenty days ahead: too early
        assert received == []
        content.galleries.set_expiry(services().store.get_project(project.id), in_two_days)
        run_periodic()
        assert _wait_for(lambda: len(received) == 2)
        run_periodic()  # the same last day: not again
        content.galleries.set_expiry(
            services().store.get_project(project.id), (date.today() + timedelta(days=1)).isoformat()
        )
        run_periodic()  # a new last day: a new reminder
        assert _wait_for(lambda: len(received) == 4)
    assert sorted(m["To"] for m in received[:2]) == ["ana@example.com", "rui@example.com"]
    body = received[0].get_payload(decode=True).decode()
    assert f"https://photos.example/projects/{project.slug}" in body and "not sent your selection" in body
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(received[0]["Subject"])))
    assert subject.startswith(f"“{project.title}” closes on ")


def test_the_gallery_watermark_is_automatic_until_chosen_and_reaches_the_project(app, gallery, admin):
    project, _ = gallery

    def saved_choice():
        with app.app_context():
            return services().store.get_project(project.id).gallery_watermark

    assert saved_choice() == "previews"  # a new gallery: downloads off, so its previews are marked
    page = admin.client.get(f"/admin/proofing/{project.id}").get_data(as_text=True)
    assert "Watermark on the previews" in page and "Now: on" in page
    assert settings(admin, project, downloads="single").status_code == 302
    assert saved_choice() == "off"  # Automatic: downloads on, no mark
    assert settings(admin, project, downloads="single", watermark="on").status_code == 302
    assert saved_choice() == "previews"
    assert (
        settings(admin, project, downloads="all", watermark="on", watermark_downloads="1").status_code == 302
    )
    assert saved_choice() == "all"
    sidebar = admin.client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert "Watermark: on the previews and downloads." in sidebar
    refused = settings(admin, project, watermark="sometimes")
    assert refused.status_code == 400 and "Choose one of the watermark options" in refused.get_data(
        as_text=True
    )
    assert saved_choice() == "all"  # nothing changed
    wait_for_jobs(app)
