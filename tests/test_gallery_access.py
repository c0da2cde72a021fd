"""Client galleries and unlisted projects (core): the password, its rate limit, the grant cookie
and its end on reset, expiry and extension, private files behind signed links, and the leak
test: an anonymous visitor without the grant gets no photo of a client gallery on either backend
(variant URLs, originals, the page cache, the sitemap, JSON-LD, Open Graph, the site's HTML)."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from moto import mock_aws

from sgoodie import content, create_app, gallery_access
from sgoodie.accounts import hash_password
from sgoodie.blobs import is_private_key, original_key
from sgoodie.domain import Photo, Project
from sgoodie.gallery_access import GALLERY_GUESSES, PASSWORD_FAILURES
from sgoodie.photos import edits as photo_edits
from sgoodie.photos.uploads import mark_uploaded, register_upload
from sgoodie.services import services

PASSWORD = "lisbon-2026"


@pytest.fixture(params=["local", "aws"])
def backend_app(request, tmp_path, monkeypatch):
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_PATH": str(tmp_path / "instance")}
    if request.param == "local":
        app = create_app(config)
        with app.app_context():
            services().store.init_schema()
        yield app
        return
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        app = create_app({**config, "BACKEND": "aws", "STAGE": "test"})
        with app.app_context():
            services().store.init_schema()
            services().blobs.prepare()
        yield app


def upload_photo(project: Project, data: bytes, name: str) -> Photo:
    """A photo through the real upload path: registered, stored, checked, processed by the job."""
    photo = register_upload(project.id, name, "image/jpeg", "jpg", len(data))
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    mark_uploaded(photo)
    assert services().jobs.wait(120)
    return services().store.get_photo(photo.id)


def wait_for_jobs(app) -> None:
    with app.app_context():
        assert services().jobs.wait(120)


def make_gallery(app, jpeg, *, title="Smith Residence") -> tuple[Project, list[Photo]]:
    """A published public project with two described photos, then turned into a client gallery."""
    with app.test_request_context():
        project = content.projects.create(Project(title=title, category="interiors"))
        photos = [upload_photo(project, jpeg(color=(40 * i, 90, 120)), f"IMG_{i:04d}.jpg") for i in (1, 2)]
        for photo in photos:
            photo_edits.update_text(photo, f"Room {photo.filename}", "")
        current = services().store.get_project(project.id)
        project = content.projects.save(replace(current, published=True), current)
    return project, photos


def to_client_gallery(app, project: Project, **fields) -> Project:
    with app.test_request_context():
        current = services().store.get_project(project.id)
        edited = replace(
            current,
            visibility="client",
            gallery_password_hash=hash_password(PASSWORD),
            gallery_epoch=current.gallery_epoch + 1,
            **fields,
        )
        saved = content.projects.save(edited, current)
    wait_for_jobs(app)
    return saved


def csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def open_gallery(client, project: Project, password: str = PASSWORD):
    url = f"/projects/{project.slug}"
    return client.post(url, data={"password": password, "csrf_token": csrf(client, url)})


def secrets_of(app, project: Project, photos: list[Photo]) -> list[str]:
    """What must never reach an anonymous visitor: photo ids (every variant and original key
    carries one) and the file names of the photos."""
    return [p.id for p in photos] + [p.filename for p in photos]


def crawl(client, start: list[str]) -> dict[str, str]:
    """Every same-site page reachable from `start` (links and sitemap locations), as a visitor."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < 60:
        url = queue.pop(0)
        path = urlsplit(url).path or "/"
        if path in seen or path.startswith(("/admin", "/api/", "/static/")):
            continue
        response = client.get(path)
        seen[path] = response.get_data(as_text=True)
        if response.status_code != 200:
            continue
        for link in re.findall(r'(?:href|src)="([^"#]+)"|<loc>([^<]+)</loc>', seen[path]):
            target = urljoin("http://localhost" + path, link[0] or link[1])
            if urlsplit(target).netloc in ("localhost", "") and urlsplit(target).path not in seen:
                queue.append(target)
    return seen


def test_an_anonymous_visitor_gets_no_photo_of_a_client_gallery(backend_app, jpeg):
    app = backend_app
    project, photos = make_gallery(app, jpeg)
    visitor = app.test_client()
    # While public, the page, the sitemap and the category list it: and the page cache keeps them.
    for path in (f"/projects/{project.slug}", "/sitemap.xml", "/work/interiors", "/"):
        assert visitor.get(path).status_code == 200
    cached = visitor.get(f"/projects/{project.slug}")
    assert cached.headers.get("X-Cache") == "HIT"
    public_keys = [v.key for p in photos for v in p.variants]

    project = to_client_gallery(app, project)
    with app.app_context():
        moved = [services().store.get_photo(p.id) for p in photos]
        assert all(is_private_key(v.key) for p in moved for v in p.variants)
        assert all(services().blobs.head(key) is None for key in public_keys)  # the public copies are gone
        assert all(services().blobs.head(v.key) for p in moved for v in p.variants)

    page = visitor.get(f"/projects/{project.slug}")
    assert page.status_code == 200 and page.headers.get("X-Cache") is None  # not the cached public page
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    html = page.get_data(as_text=True)
    assert 'name="password"' in html and '<meta name="robots" content="noindex">' in html
    assert "og:image" not in html and "application/ld+json" not in html

    # Variant URLs (old public and new private paths) and originals: nothing without a signed link.
    for key in public_keys[:3] + [v.key for v in moved[0].variants][:3] + [moved[0].original_key]:
        assert visitor.get(f"/media/{key}").status_code == 404
    assert visitor.get("/media/signed/not-a-token").status_code in (403, 404)

    # Nothing anywhere on the site mentions a photo: every page reachable from the home page and
    # the sitemap (JSON-LD, Open Graph and image sitemaps included), and the gallery's own page.
    pages = crawl(visitor, ["/", "/sitemap.xml", "/robots.txt", f"/projects/{project.slug}"])
    assert "/sitemap.xml" in pages and "/work/interiors" in pages
    for path, body in pages.items():
        for secret in secrets_of(app, project, photos):
            assert secret not in body, f"{secret} found on {path}"
        if path != f"/projects/{project.slug}":
            assert project.slug not in body, f"the gallery is listed on {path}"
    # Twice, so a cached copy would show: the category page and sitemap stay clean when served from cache.
    for path in ("/sitemap.xml", "/work/interiors"):
        assert all(p.id not in visitor.get(path).get_data(as_text=True) for p in photos)


def test_the_password_opens_the_gallery_with_signed_short_lived_links(backend_app, jpeg):
    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    client = app.test_client()
    assert open_gallery(client, project, "wrong password").status_code == 403
    opened = open_gallery(client, project)
    assert opened.status_code == 303 and "sgoodie_gallery_" in opened.headers["Set-Cookie"]
    assert "HttpOnly" in opened.headers["Set-Cookie"] and "SameSite=Lax" in opened.headers["Set-Cookie"]
    page = client.get(f"/projects/{project.slug}")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "private, no-store" and "noindex" in page.headers["X-Robots-Tag"]
    assert all(f'id="photo-{p.id}"' in html for p in photos)
    links = sorted(set(re.findall(r'src="([^"]+)"', html)))
    assert links and not any("/media/projects/" in link for link in links)
    with app.app_context():
        expected = services().blobs.get(
            next(
                v.key
                for v in services().store.get_photo(photos[0].id).variants
                if v.format == "jpeg" and v.width == 1200
            )
        )
    link = next(
        link
        for link in re.findall(r'<img src="([^"]+)"', html)
        if photos[0].id in link or "signed" in link or "Signature" in link
    )
    assert "/media/signed/" in link  # the app's own link, on both backends: checked on every use
    if app.config["BACKEND"] == "aws":
        answer = client.get(link.replace("&amp;", "&"))
        presigned = answer.headers["Location"]
        assert answer.status_code == 302 and answer.headers["Cache-Control"] == "private, no-store"
        assert "X-Amz-Signature=" in presigned and "X-Amz-Expires=60" in presigned
        fetched = requests.get(presigned, timeout=10)
        assert fetched.status_code == 200 and fetched.headers["Cache-Control"] == "private, no-store"
        assert len(fetched.content) > 1000
    else:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert len(response.data) > 1000
        # Anyone may use a link while it lives (it is the grant), nobody after; a forged one never.
        stranger = app.test_client()
        assert stranger.get(link.replace("&amp;", "&")).status_code == 200
        token = link.rsplit("/", 1)[-1]
        assert stranger.get("/media/signed/" + token[:-3] + "abc").status_code == 403
    assert expected  # the file the page links exists


def test_wrong_passwords_are_rate_limited_per_gallery_and_address(app, jpeg):
    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    other, _ = make_gallery(app, jpeg, title="Other Gallery")
    other = to_client_gallery(app, other)
    client = app.test_client()
    for _ in range(PASSWORD_FAILURES.limit):
        assert open_gallery(client, project, "guess").status_code == 403
    refused = open_gallery(client, project)  # even the right password, until the window ends
    assert refused.status_code == 429 and "Too many attempts" in refused.get_data(as_text=True)
    assert open_gallery(client, other).status_code == 303  # another gallery is counted apart
    from_elsewhere = app.test_client()
    response = from_elsewhere.post(
        f"/projects/{project.slug}",
        data={"password": PASSWORD, "csrf_token": csrf(from_elsewhere, f"/projects/{project.slug}")},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 303  # another address is counted apart


class FrozenClock:
    """time.time() standing still until the test moves it (the store's expiries read it too)."""

    def __init__(self, monkeypatch):
        self.now = float(int(time.time()))
        monkeypatch.setattr(time, "time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _attempt(app, project: Project, address: str, password: str = "guess") -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return open_gallery(client, project, password).status_code


def guess_past_the_ceiling(app, project: Project) -> None:
    """A botnet: each wrong password from another address, all the free ones of the day."""
    for n in range(GALLERY_GUESSES.free):
        assert _attempt(app, project, f"198.51.{n // 250}.{n % 250 + 1}") == 403


def test_guessing_from_many_addresses_slows_down_without_locking_the_client_out(
    backend_app, jpeg, monkeypatch
):
    app = backend_app
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    clock = FrozenClock(monkeypatch)
    assert _attempt(app, project, "192.0.2.1", PASSWORD) == 303  # the client, weeks ago
    guess_past_the_ceiling(app, project)
    assert _attempt(app, project, "203.0.113.1") == 403  # the first turn: checked, wrong
    assert _attempt(app, project, "203.0.113.2") == 429  # the next one waits for its turn
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.3"
    waiting = open_gallery(client, project)  # so does a new client...
    assert waiting.status_code == 429 and "Please wait 2 seconds" in waiting.get_data(as_text=True)
    clock.advance(4)
    assert _attempt(app, project, "203.0.113.3", PASSWORD) == 303  # ...for a few seconds only
    assert _attempt(app, project, "192.0.2.1", PASSWORD) == 303  # where it was opened: no queue
    with app.app_context():
        assert gallery_access.wrong_guesses(project) == (GALLERY_GUESSES.free + 1, 4)
    for turn in (4, 8):  # each wrong password doubles the next turn's length
        clock.advance(turn)
        assert _attempt(app, project, f"203.0.113.{turn}") == 403
        clock.advance(turn - 1)
        assert _attempt(app, project, f"203.0.113.{turn + 1}") == 429
        clock.advance(1)
    with app.app_context():
        assert gallery_access.wrong_guesses(project) == (GALLERY_GUESSES.free + 3, 16)


def test_the_photographer_sees_the_wrong_passwords_on_the_gallery_page(app, jpeg, admin):
    project = to_client_gallery(app, make_gallery(app, jpeg)[0])
    assert 'id="wrong-guesses"' not in admin.client.get(f"/admin/projects/{project.id}").get_data(
        as_text=True
    )
    guess_past_the_ceiling(app, project)
    page = admin.client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert f"{GALLERY_GUESSES.free} wrong passwords</strong> in the last day" in page
    assert "slowed to one try every 2 seconds" in page


def test_a_new_password_ends_every_grant_and_expiry_closes_until_extended(app, jpeg, admin, client):
    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    guest = app.test_client()
    assert open_gallery(guest, project).status_code == 303
    assert 'id="photo-' in guest.get(f"/projects/{project.slug}").get_data(as_text=True)

    reset = admin.post(f"/admin/projects/{project.id}/gallery/reset")
    assert reset.status_code == 302
    flashed = client.get(reset.headers["Location"]).get_data(as_text=True)
    new_password = re.search(r"New password for “[^”]+”: ([a-z0-9-]+)", flashed).group(1)
    assert 'name="password"' in guest.get(f"/projects/{project.slug}").get_data(as_text=True)
    assert open_gallery(guest, project, PASSWORD).status_code == 403
    assert open_gallery(guest, project, new_password).status_code == 303

    yesterday = (date.today() - timedelta(days=2)).isoformat()
    with app.test_request_context():
        content.galleries.set_expiry(services().store.get_project(project.id), yesterday)
    expired = guest.get(f"/projects/{project.slug}")
    assert expired.status_code == 410 and "This gallery has expired" in expired.get_data(as_text=True)
    assert expired.headers["Cache-Control"] == "private, no-store"
    assert admin.post(f"/admin/projects/{project.id}/gallery/extend").status_code == 302
    with app.app_context():
        extended = services().store.get_project(project.id)
    assert extended.gallery_expires_on == (date.today() + timedelta(days=30)).isoformat()
    assert 'id="photo-' in guest.get(f"/projects/{project.slug}").get_data(
        as_text=True
    )  # the grant holds again


def _client_gallery_form(project) -> dict:
    """The project form's fields that keep `project` as it is, as a client gallery."""
    return {
        "title": project.title,
        "slug": project.slug,
        "category": project.category,
        "published": "y",
        "visibility": "client",
        "version": str(project.version),
    }


def test_the_admin_sets_visibility_and_password_in_the_project_form(app, jpeg, admin, client):
    project, photos = make_gallery(app, jpeg)
    form = _client_gallery_form(project)
    refused = admin.post(f"/admin/projects/{project.id}", form)
    assert refused.status_code == 400 and "needs a password" in refused.get_data(as_text=True)
    saved = admin.post(
        f"/admin/projects/{project.id}",
        {**form, "gallery_password": PASSWORD, "gallery_expires_on": "2099-12-31"},
    )
    assert saved.status_code == 302
    wait_for_jobs(app)
    page = client.get(f"/admin/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.slug}" in page and "Open until 31 December 2099" in page
    assert open_gallery(app.test_client(), project).status_code == 303
    # Back to public: the files return to public paths, and the page is listed again.
    with app.app_context():
        current = services().store.get_project(project.id)
    back = admin.post(
        f"/admin/projects/{project.id}", {**form, "visibility": "public", "version": str(current.version)}
    )
    assert back.status_code == 302
    wait_for_jobs(app)
    with app.app_context():
        assert not any(
            is_private_key(v.key) for p in photos for v in services().store.get_photo(p.id).variants
        )
    assert project.slug in app.test_client().get("/work/interiors").get_data(as_text=True)


def test_an_unlisted_project_answers_its_link_only(app, portfolio):
    project = portfolio.project("Quiet Flat", visibility="unlisted")
    listed = portfolio.project("Loud Flat")
    visitor = app.test_client()
    page = visitor.get(f"/projects/{project.slug}")
    assert page.status_code == 200 and "noindex" in page.headers["X-Robots-Tag"]
    assert page.headers["Cache-Control"].startswith("private")
    html = page.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html and "application/ld+json" not in html
    assert visitor.get(f"/projects/{project.slug}").headers.get("X-Cache") is None  # never stored
    for path in ("/", "/work/interiors", "/sitemap.xml"):
        body = visitor.get(path).get_data(as_text=True)
        assert project.slug not in body
    assert listed.slug in visitor.get("/work/interiors").get_data(as_text=True)


def test_a_featured_or_passwordless_private_project_is_refused(app):
    with app.test_request_context():
        with pytest.raises(Exception) as refused:
            content.projects.create(Project(title="X", category="travel", visibility="client"))
        assert "password" in str(refused.value)
        with pytest.raises(Exception) as featured:
            content.projects.create(
                Project(title="Y", category="travel", visibility="unlisted", featured=True)
            )
        assert "featured" in str(featured.value)


def test_emptying_a_deleted_client_gallery_from_the_trash_removes_its_private_files(app, jpeg):
    from sgoodie.content import trash

    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        assert services().blobs.list_keys(f"private/projects/{project.id}/")
        content.projects.delete(services().store.get_project(project.id))
        assert services().blobs.list_keys(f"private/projects/{project.id}/")  # kept while in the trash
        content.trash.delete_forever(trash.entries()[0].key)
        assert services().blobs.list_keys(f"private/projects/{project.id}/") == []
        assert services().blobs.list_keys(f"projects/{project.id}/") == []
        assert original_key(project.id, photos[0].id, "jpg") not in services().blobs.list_keys("projects/")


def test_the_delete_confirmation_counts_a_client_gallerys_private_files_too(app, jpeg, admin):
    project, _ = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.app_context():
        blobs = services().blobs
        stored = len(blobs.list_keys(f"projects/{project.id}/")) + len(
            blobs.list_keys(f"private/projects/{project.id}/")
        )
    assert stored > 2  # two originals, and their sizes under private/
    page = admin.client.get(f"/admin/projects/{project.id}/delete").get_data(as_text=True)
    assert f"its {stored} stored files" in page


def test_a_client_gallerys_photo_is_never_copied_onto_a_public_page(app, jpeg, admin):
    from sgoodie.domain import ValidationError
    from sgoodie.photos.pages import from_portfolio

    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    form = admin.client.get("/admin/pages/about").get_data(as_text=True)
    assert f"photo:{photos[0].id}" not in form  # not offered in the portfolio picker
    with app.test_request_context(), pytest.raises(ValidationError) as refused:
        from_portfolio("about", photos[0].id, "")
    assert "client gallery" in str(refused.value)


def test_a_guest_password_opens_the_gallery_to_view_only(app, jpeg, admin):
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    form = _client_gallery_form(project)
    same = admin.post(
        f"/admin/projects/{project.id}",
        {**form, "gallery_password": "twin-secret", "gallery_guest_password": "twin-secret"},
    )
    assert same.status_code == 400 and "different from the client" in same.get_data(as_text=True)
    assert (
        admin.post(
            f"/admin/projects/{project.id}", {**form, "gallery_guest_password": "family-view"}
        ).status_code
        == 302
    )
    guest, client = app.test_client(), app.test_client()
    assert open_gallery(client, project, PASSWORD).status_code == 303  # the client password still works
    token = csrf(guest, f"/projects/{project.slug}")  # the password form's; the view-only page has no form
    assert open_gallery(guest, project, "family-view").status_code == 303
    page = guest.get(f"/projects/{project.slug}").get_data(as_text=True)
    assert all(f'id="photo-{p.id}"' in page for p in photos)
    assert "viewing as a guest" in page and "Start choosing" not in page
    refused = guest.post(
        f"/gallery/{project.id}/client", data={"csrf_token": token, "name": "Aunt", "email": "a@example.com"}
    )
    assert refused.status_code == 403
    assert "Start choosing" in client.get(f"/projects/{project.slug}").get_data(as_text=True)

    with app.app_context():
        current = services().store.get_project(project.id)
    removed = admin.post(
        f"/admin/projects/{project.id}",
        {**form, "remove_guest_password": "y", "version": str(current.version)},
    )
    assert removed.status_code == 302
    assert 'name="password"' in guest.get(f"/projects/{project.slug}").get_data(
        as_text=True
    )  # its grant ended
    assert open_gallery(app.test_client(), project, "family-view").status_code == 403


def _fetch(app, client, link: str) -> int:
    """What a signed link answers: its status, or the presigned GET's it redirects to (S3)."""
    answer = client.get(link.replace("&amp;", "&"))
    if answer.status_code == 302 and "X-Amz-Signature" in answer.headers["Location"]:
        return requests.get(answer.headers["Location"], timeout=10).status_code
    return answer.status_code


def test_a_password_reset_ends_every_link_signed_before_it_at_once(backend_app, jpeg, admin_user):
    """Photo, original and ZIP links all die with the grants when the password is reset, and when
    the gallery turns public; a link signed after the reset works."""
    from sgoodie.file_urls import signed_url

    app = backend_app
    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    client = app.test_client()
    open_gallery(client, project)
    html = client.get(f"/projects/{project.slug}").get_data(as_text=True)
    photo_link = next(link for link in re.findall(r'<img src="([^"]+)"', html) if "/media/signed/" in link)
    with app.test_request_context():
        store = services().store
        original = signed_url(store.get_photo(photos[0].id).original_key, download_name="IMG_0001.jpg")
        services().blobs.put("private/plugins/proofing/zips/x.zip", b"PK", content_type="application/zip")
        zip_link = signed_url("private/plugins/proofing/zips/x.zip", gallery=store.get_project(project.id))
    links = [photo_link, original, zip_link]
    assert [_fetch(app, client, link) for link in links] == [200, 200, 200]
    with app.test_request_context():
        content.galleries.set_password(services().store.get_project(project.id), "a-new-password")
    assert [_fetch(app, app.test_client(), link) for link in links] == [403, 403, 403]  # at once
    with app.test_request_context():
        fresh = signed_url(services().store.get_photo(photos[0].id).original_key)
    assert _fetch(app, client, fresh) == 200
    with app.test_request_context():
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, visibility="public"), current)
    assert _fetch(app, client, fresh) == 403  # public again: the gallery's links are over


def test_one_persons_access_revoked_ends_their_grant_and_links_alone(app, jpeg):
    from flask import make_response

    from sgoodie import gallery_access

    project, photos = make_gallery(app, jpeg)
    project = to_client_gallery(app, project)
    with app.test_request_context():
        current = services().store.get_project(project.id)
        answer = gallery_access.grant(make_response(""), current, access_id="invitation-ana")
    cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
    ana, shared = app.test_client(), app.test_client()
    ana.set_cookie(*cookie.split("=", 1), domain="localhost")
    open_gallery(shared, project)
    links = {}
    for who, browser in (("ana", ana), ("shared", shared)):
        html = browser.get(f"/projects/{project.slug}").get_data(as_text=True)
        links[who] = next(
            link for link in re.findall(r'<img src="([^"]+)"', html) if "/media/signed/" in link
        )
        assert browser.get(links[who].replace("&amp;", "&")).status_code == 200
    with app.test_request_context():
        gallery_access.revoke(services().store.get_project(project.id), "invitation-ana")
    assert ana.get(links["ana"].replace("&amp;", "&")).status_code == 403  # her links end at once
    assert "password" in ana.get(f"/projects/{project.slug}").get_data(as_text=True).lower()  # and her grant
    assert shared.get(links["shared"].replace("&amp;", "&")).status_code == 200  # nobody else's
