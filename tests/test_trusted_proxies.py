"""Forwarded headers count only from a trusted proxy: under gunicorn with two workers, on both
backends, a peer that is not the proxy (127.0.0.2) cannot pick a new address for each guess of a
gallery password, a download PIN or an admin password by sending another X-Forwarded-For."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest
import requests

from sgoodie import content, create_app
from sgoodie.accounts import create_or_reset_admin, hash_password
from sgoodie.domain import Project
from sgoodie.gallery_access import GALLERY_GUESSES
from sgoodie.services import services
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, from_address
from tests.test_gallery_access import PASSWORD
from tests.test_middleware import _gunicorn

pytestmark = pytest.mark.slow  # gunicorn with two workers, per backend

UNTRUSTED_PEER = "127.0.0.2"  # loopback too, but not SGOODIE_TRUSTED_PROXIES
PIN = "2468"
_spoofed = (f"198.51.100.{n % 250 + 1}" for n in itertools.count())


class Visitor:
    """A browser at `peer` (by default 127.0.0.2) that claims another X-Forwarded-For on every
    request; from the trusted proxy's address, it is the proxy forwarding many clients."""

    def __init__(self, base: str, peer: str = UNTRUSTED_PEER):
        self.base, self.http = base, requests.Session()
        self.http.mount("http://", from_address(peer))

    def post_form(self, path: str, data: dict[str, str]) -> int:
        page = self.http.get(self.base + path, headers={"X-Forwarded-For": next(_spoofed)}).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = self.http.post(
            self.base + path,
            data={**data, "csrf_token": token},
            headers={"X-Forwarded-For": next(_spoofed)},
            allow_redirects=False,
        )
        return answer.status_code


def _client_gallery(title: str) -> Project:
    """A published client gallery with a download PIN (proofing), straight in the store."""
    from sgoodie.plugins.proofing import records

    project = content.projects.create(Project(title=title, category="interiors"))
    current = services().store.get_project(project.id)
    edited = replace(
        current, published=True, visibility="client", gallery_password_hash=hash_password(PASSWORD)
    )
    saved = content.projects.save(edited, current)
    records.save_gallery_settings(
        saved.id, records.GallerySettings(downloads="single", pin_hash=hash_password(PIN), pin_epoch=1)
    )
    return saved


@pytest.fixture(params=["local", "aws"])
def served(request, tmp_path, redis_server, monkeypatch):
    """gunicorn (two workers, real Redis) behind one trusted proxy hop at 127.0.0.1; the site's
    content made beforehand in this process, on the same store."""
    if request.param == "aws":
        env = dict(request.getfixturevalue("aws_env"))
    else:
        env = {
            "SGOODIE_INSTANCE_PATH": str(tmp_path / "instance"),
            "REDIS_URL": redis_server.rsplit("/", 1)[0] + "/4",
        }
    env |= {"SECRET_KEY": "test-secret", "SGOODIE_INSTANCE_PATH": str(tmp_path / "instance")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True})
    with app.test_request_context():
        services().store.init_schema()
        if request.param == "aws":
            services().blobs.prepare()
        create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
        galleries = {name: _client_gallery(name.title()) for name in ("password", "pin", "botnet")}
    settings = {
        **env,
        "WEB_CONCURRENCY": "2",
        "SGOODIE_PROXY_HOPS": "1",
        "SGOODIE_TRUSTED_PROXIES": "127.0.0.1",
        "SGOODIE_DEV": "true",  # plain http: cookies without Secure, so the session comes back
        "SGOODIE_BACKGROUND": "false",
    }
    with _gunicorn(tmp_path, **settings) as get:
        yield get.base, galleries


def test_a_spoofed_forwarded_for_gets_no_new_address_for_gallery_passwords(served):
    base, galleries = served
    visitor, path = Visitor(base), f"/projects/{galleries['password'].slug}"
    answers = [visitor.post_form(path, {"password": "wrong"}) for _ in range(12)]
    assert answers[:8] == [403] * 8 and answers[8:] == [429] * 4
    assert visitor.post_form(path, {"password": PASSWORD}) == 429  # paused, the right one too


def test_a_spoofed_forwarded_for_gets_no_new_address_for_download_pins(served):
    base, galleries = served
    visitor, project = Visitor(base), galleries["pin"]
    assert visitor.post_form(f"/projects/{project.slug}", {"password": PASSWORD}) == 303
    answers = [visitor.post_form(f"/gallery/{project.id}/pin", {"pin": "1111"}) for _ in range(11)]
    assert answers[:8] == [403] * 8 and answers[8:] == [429] * 3
    assert visitor.post_form(f"/gallery/{project.id}/pin", {"pin": PIN}) == 429


def test_a_spoofed_forwarded_for_gets_no_new_address_for_admin_sign_ins(served):
    base, _ = served
    visitor = Visitor(base)
    wrong = {"email": ADMIN_EMAIL, "password": "not-the-password"}
    answers = [visitor.post_form("/admin/login", wrong) for _ in range(8)]
    assert answers[:5] == [401] * 5 and answers[5:] == [429] * 3
    assert visitor.post_form("/admin/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}) == 429


def test_a_botnet_behind_the_trusted_proxy_meets_the_gallery_ceiling(served):
    """Real clients at many addresses, forwarded by the trusted proxy: each is counted apart, and
    together they reach the gallery's ceiling, held across both workers."""
    base, galleries = served
    botnet, path = Visitor(base, peer="127.0.0.1"), f"/projects/{galleries['botnet'].slug}"
    free = [botnet.post_form(path, {"password": "wrong"}) for _ in range(GALLERY_GUESSES.free)]
    assert free == [403] * GALLERY_GUESSES.free
    answers = [botnet.post_form(path, {"password": "wrong"}) for _ in range(3)]
    assert answers.count(429) >= 2  # one try per turn (a turn may begin between two of them)
