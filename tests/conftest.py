"""Shared fixtures: an app on a fresh instance folder, its client and CLI runner, and a signed-in
admin. CSRF protection stays on in tests: it is part of what they check."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from sgoodie import create_app
from sgoodie.accounts import create_or_reset_admin
from sgoodie.services import services

ADMIN_EMAIL = "photographer@example.com"
ADMIN_PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret"}
    )
    with app.app_context():
        services().store.init_schema()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


class SgoodieCliRunner:
    """Runs the `sgoodie` command group against the test app (Flask's runner defaults to app.cli)."""

    def __init__(self, app):
        self._runner = app.test_cli_runner()

    def invoke(self, args=None, **kwargs):
        from sgoodie.cli import main

        return self._runner.invoke(main, args=args, **kwargs)


@pytest.fixture
def runner(app):
    return SgoodieCliRunner(app)


@pytest.fixture
def store(app):
    with app.app_context():
        yield services().store


class AdminActions:
    """Signs in through the real form and posts forms with their CSRF token, like a browser."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, url: str = "/admin/login") -> str:
        html = self.client.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf[-_]token" (?:content|value)="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', html
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, next: str = ""):
        token = self.csrf_token()
        return self.client.post(
            "/admin/login", data={"email": email, "password": password, "csrf_token": token, "next": next}
        )

    def post(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token("/admin/"))
        return self.client.post(url, data=data, **kwargs)

    def post_json(self, url: str, payload: dict):
        return self.client.post(
            url,
            json=payload,
            headers={"X-CSRFToken": self.csrf_token("/admin/"), "Accept": "application/json"},
        )

    def logout(self):
        return self.post("/admin/logout")


@pytest.fixture
def admin_user(app):
    with app.app_context():
        admin, _ = create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    return admin


@pytest.fixture
def actions_for():
    """AdminActions for another client (a second admin, a restarted app)."""
    return AdminActions


@pytest.fixture
def browser_like(client):
    """Form helpers (CSRF tokens, sign-in) for a client that is not signed in yet."""
    return AdminActions(client)


@pytest.fixture
def admin(client, admin_user):
    """A client signed in as the admin."""
    actions = AdminActions(client)
    response = actions.login()
    assert response.status_code == 302, response.get_data(as_text=True)
    return actions


# The fixture a test uses -> the marker of what it needs.
NEEDS = {"redis_server": "redis", "own_redis": "redis", "browser": "browser"}


def pytest_collection_modifyitems(items):
    """Tests that need a real Redis server or Chromium are marked by the fixtures they use, so
    `pytest -m "not redis and not browser"` runs on a machine without them."""
    for item in items:
        for fixture, marker in NEEDS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A private redis-server on a free port for this test session (never the machine's 6379).

    Yields its URL; tests that need a clean slate use their own database number or flush it."""
    import shutil
    import subprocess
    import time

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run scripts/setup test")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_server():
    """moto's HTTP server on a free port, for code that runs outside the test process (a browser,
    a Celery worker, gunicorn). Yields its endpoint URL; in-process tests use `mock_aws` instead."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Portfolio:
    """Builds content through the same service functions the admin uses. Photos get variant
    records directly (no image processing) so page tests stay fast; pipeline tests use real files."""

    def __init__(self, app):
        self.app = app

    def project(
        self,
        title: str,
        category: str = "interiors",
        *,
        published: bool = True,
        featured: bool = False,
        photos: int = 2,
        **fields,
    ):
        from sgoodie import content
        from sgoodie.domain import Photo, Project, Variant

        with self.app.test_request_context():
            project = content.create_project(Project(title=title, category=category, **fields))
            store = services().store
            for index in range(photos):
                photo = Photo(
                    project_id=project.id,
                    status="ready",
                    alt_text=f"{title} photo {index + 1}",
                    width=1600,
                    height=1067,
                    dominant_color="#a08060",
                    filename=f"photo-{index + 1}.jpg",
                )
                photo.original_key = f"projects/{project.id}/original/{photo.id}.jpg"
                photo.variants = [
                    Variant(
                        width,
                        round(width * 1067 / 1600),
                        fmt,
                        f"projects/{project.id}/variants/{photo.id}/{width}.{ext}",
                        1000,
                    )
                    for width in (320, 640, 960, 1280, 1600)
                    for fmt, ext in (("avif", "avif"), ("webp", "webp"), ("jpeg", "jpg"))
                ]
                store.add_photo(photo)
            if published or featured:
                current = store.get_project(project.id)
                edited = type(current)(**{**current.__dict__, "published": published, "featured": featured})
                project = content.save_project(edited, current)
            return store.get_project(project.id)


@pytest.fixture
def portfolio(app):
    return Portfolio(app)


@pytest.fixture
def whole_sitemap():
    """The sitemap as crawlers read it: the index, then every part it names, as one text.
    Call it with `fetch(path) -> text` (a test client's get, a browser's request)."""

    def read(fetch) -> str:
        index = fetch("/sitemap.xml")
        parts = re.findall(r"<loc>https?://[^/<]+(/sitemap-[^<]*\.xml)</loc>", index)
        return index + "".join(fetch(path) for path in parts)

    return read


@pytest.fixture
def portfolio_factory():
    """A Portfolio for an app the test built itself."""
    return Portfolio


class LiveServer:
    """The app served over real HTTP on a free port (werkzeug, threaded) for browsers and
    out-of-process clients."""

    def __init__(self, app):
        import threading

        from werkzeug.serving import make_server

        self.app = app
        self._server = make_server("127.0.0.1", _free_port(), app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_server_factory():
    """LiveServer for an app the test module built itself (call `.stop()` when done)."""
    return LiveServer


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def admin_page(browser, live_server, admin_user):
    """A Chromium page signed in to the admin of `live_server` (page errors fail the test)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/admin/")
    assert "/admin/login" in page.url
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    yield page
    assert errors == []
    context.close()


def jpeg_bytes(size=(1200, 800), color=(120, 140, 160)) -> bytes:
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).ellipse((100, 100, size[0] // 2, size[1] // 2), fill=(230, 200, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


@pytest.fixture
def jpeg():
    """A small camera-like JPEG maker: `jpeg(size=(w, h))`."""
    return jpeg_bytes
