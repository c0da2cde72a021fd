"""Shared fixtures: an app on a fresh instance folder, its client and CLI runner, and a signed-in
admin. CSRF protection stays on in tests: it is part of what they check."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from sgoodie import create_app
from sgoodie.accounts import create_or_reset_admin
from sgoodie.services import services

ROOT = Path(__file__).resolve().parents[1]
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


def signed_in_client(app):
    """A test client of `app` (any backend) signed in as the admin."""
    with app.app_context():
        create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    client = app.test_client()
    assert AdminActions(client).login().status_code == 302
    return client


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


def from_address(address: str):
    """A requests adapter that connects from this local address (`session.mount("http://",
    from_address("127.0.0.2"))`): a client that is not where a proxy in front connects from."""
    from requests.adapters import HTTPAdapter

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    return FromAddress()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """An SMTP server on loopback collecting what it is sent: (controller, received messages).
    A test may `stop()` it (the server is down) and `start()` it again on the same port."""
    import asyncio

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    class Restartable(Controller):
        def start(self):
            if self.loop.is_closed():  # stopped before: a fresh loop
                self.loop = asyncio.new_event_loop()
            super().start()

    controller = Restartable(Collect(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, received
    controller.stop(no_assert=True)


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


@pytest.fixture
def aws_env(tmp_path, redis_server, moto_server):
    """The AWS backend's settings: DynamoDB and S3 on the moto server (a fresh stage, so fresh
    tables and bucket), a Redis database of the private server, an instance folder."""
    stage = "t" + uuid.uuid4().hex[:8]
    db = int(uuid.uuid4().int % 10) + 5
    env = {
        "SGOODIE_BACKEND": "aws",
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "SGOODIE_STAGE": stage,
        "REDIS_URL": redis_server.rsplit("/", 1)[0] + f"/{db}",
        "SECRET_KEY": "celery-test",
        "SGOODIE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    return env


@pytest.fixture
def aws_app(aws_env, monkeypatch):
    """An app on `aws_env` (set in the environment too, for the CLI and Celery), tables and bucket made."""
    for name, value in aws_env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True})
    with app.app_context():
        services().store.init_schema()
        services().blobs.prepare()
    return app


@pytest.fixture
def worker(aws_env):
    """Starts `celery -A celery_worker worker` processes on `aws_env` (plus `extra` arguments,
    e.g. `--beat`, and `env` overrides); stops them after the test. Each process's `ready` event
    is set once the worker takes tasks; its output lines are in `lines`."""

    def start(*extra: str, env: dict | None = None):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "celery_worker",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                *extra,
            ],
            cwd=ROOT,
            env={**os.environ, **aws_env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        started.append(process)
        # Drain its output (a full pipe would stall it) and notice when it takes tasks.
        process.ready, process.lines = threading.Event(), []

        def read() -> None:
            for line in process.stdout:
                process.lines.append(line)
                if " ready." in line:
                    process.ready.set()

        threading.Thread(target=read, daemon=True).start()
        return process

    started: list[subprocess.Popen] = []
    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


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
            project = content.projects.create(Project(title=title, category=category, **fields))
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
                project = content.projects.save(edited, current)
            return store.get_project(project.id)


@pytest.fixture
def mock_aws_app(tmp_path, monkeypatch):
    """An app on the AWS backend against moto in this process (DynamoDB and S3), page cache off,
    jobs on the in-process thread (no Redis)."""
    from moto import mock_aws

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with mock_aws():
        app = create_app(
            {
                "TESTING": True,
                "BACKEND": "aws",
                "SECRET_KEY": "x",
                "INSTANCE_PATH": str(tmp_path / "i"),
                "STAGE": "test",
                "PAGE_CACHE": False,
            }
        )
        with app.app_context():
            services().store.init_schema()
            services().blobs.prepare()
        yield app


class SeededDemo:
    """The demo portfolio as `sgoodie seed-demo` leaves it, seeded once a test session (a minute of
    CPU): `copy(folder)` gives an app on a copy of its instance, for tests that change it."""

    def __init__(self, instance: Path, output: str, records: list, log_level_after: int):
        self.instance, self.output, self.records, self.log_level_after = (
            instance,
            output,
            records,
            log_level_after,
        )

    def copy(self, folder: Path):
        import shutil

        shutil.copytree(self.instance, folder / "instance")
        return create_app({"TESTING": True, "INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "x"})


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory) -> SeededDemo:
    import logging

    from sgoodie.cli import main

    instance = tmp_path_factory.mktemp("seeded-demo") / "instance"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "x"})
    photo_log = logging.getLogger("sgoodie.photos")
    records: list[logging.LogRecord] = []
    catch = logging.Handler(logging.DEBUG)
    catch.emit = records.append
    level = photo_log.level
    photo_log.setLevel(logging.INFO)  # as a server's logging is: each photo job says "ready"
    photo_log.addHandler(catch)
    try:
        result = app.test_cli_runner().invoke(main, ["seed-demo"])
    finally:
        photo_log.removeHandler(catch)
    level_after = photo_log.level
    photo_log.setLevel(level)
    assert result.exit_code == 0 and "Demo content ready" in result.output, result.output
    with app.app_context():
        assert services().jobs.wait(120)  # nothing still writing while the folder is copied
    return SeededDemo(instance, result.output, records, level_after)


@pytest.fixture(params=["local", "aws"])
def backend_app(request):
    """The app on each backend (SQLite + disk; DynamoDB + S3 in moto). A test module may define
    its own (`tests/test_gallery_access.py` does)."""
    return request.getfixturevalue("app" if request.param == "local" else "mock_aws_app")


@pytest.fixture
def queued(backend_app, hold_jobs):
    """The jobs `backend_app` queues, held for the test to run."""
    return hold_jobs(backend_app)


@pytest.fixture
def portfolio(app):
    return Portfolio(app)


class HeldJobs:
    """The jobs an app queues, collected instead of run, so a test sees the state before and after
    them: `queued` holds (kind, arguments) in order."""

    def __init__(self, app):
        self.app = app
        self.queued: list[tuple[str, dict]] = []
        app.extensions["sgoodie.services"].jobs.enqueue = self.enqueue

    def enqueue(self, kind: str, /, **arguments) -> None:
        self.queued.append((kind, arguments))

    def photo_ids(self, kind: str = "photo.process") -> list[str]:
        return [arguments["photo_id"] for queued, arguments in self.queued if queued == kind]

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.queued]

    def run_all(self) -> None:
        """Run what is queued, and what those jobs queue, here and now."""
        from sgoodie.jobs import registry

        with self.app.test_request_context():
            while self.queued:
                kind, arguments = self.queued.pop(0)
                registry().get(kind).run(**arguments)


@pytest.fixture
def held_jobs(app):
    return HeldJobs(app)


@pytest.fixture
def hold_jobs():
    """`hold_jobs(app)`: hold the jobs of an app other than the `app` fixture's."""
    return HeldJobs


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


def three_bands_jpeg(size=(1280, 1920), *, across: bool = False) -> bytes:
    """A JPEG in three bands, red, green, blue: top to bottom, or left to right (`across`), so a
    test can tell which part of the photo a cut kept."""
    image = Image.new("RGB", size, (0, 200, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    first, last = (
        ((0, 0, width // 3, height), (2 * width // 3, 0, width, height))
        if across
        else (
            (0, 0, width, height // 3),
            (0, 2 * height // 3, width, height),
        )
    )
    draw.rectangle(first, fill=(220, 0, 0))
    draw.rectangle(last, fill=(0, 0, 220))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def jpeg():
    """A small camera-like JPEG maker: `jpeg(size=(w, h))`."""
    return jpeg_bytes


# -- a camera original carrying rights and everything personal ------------------------------------
CREATOR, COPYRIGHT, CREDIT = "Sam Goodie", "© 2023 Sam Goodie, all rights reserved", "Photo: Sam Goodie"
LICENSE_URL, LICENSOR_URL = "https://sgoodie.example/licence", "https://sgoodie.example/license-a-photo"
# Personal fields and their tell-tale values: none may appear in any public file.
PRIVATE_VALUES = {
    "body serial": "BODY-SN-0451977",
    "lens serial": "LENS-SN-8812",
    "owner name": "Owner Samantha Private",
    "maker note": "MAKERNOTE-SECRET-BLOB",
    "edit history": "Adobe Lightroom Classic 13.1 (Macintosh)",
    "xmp serial": "AUX-SN-777001",
}


def rights_original(size=(2000, 1333), *, rights: bool = True) -> bytes:
    """A JPEG as a camera and Lightroom leave it: GPS, body and lens serial numbers, owner name,
    maker note, an embedded thumbnail, edit history, and (with `rights`) creator, copyright,
    credit line, licence URL and licensor URL in EXIF, IPTC and XMP. Written with pyexiv2 (Exiv2),
    the library that reads it back."""
    import pyexiv2

    image = Image.new("RGB", size, (90, 120, 150))
    ImageDraw.Draw(image).rectangle((100, 100, size[0] // 2, size[1] // 2), fill=(220, 180, 90))
    exif = Image.Exif()
    # A maker Exiv2 has no maker-note parser for: the note stays an opaque blob, as most are.
    exif[0x010F], exif[0x0110] = "Acme Optics", "Acme X1"
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2023:07:14 10:11:12"
    details[0xA431] = PRIVATE_VALUES["body serial"]
    details[0xA435] = PRIVATE_VALUES["lens serial"]
    details[0xA430] = PRIVATE_VALUES["owner name"]
    details[0x927C] = PRIVATE_VALUES["maker note"].encode()
    exif.get_ifd(0x8825).update({1: "N", 2: (38.0, 42.0, 17.0), 3: "W", 4: (9.0, 8.0, 3.0)})
    if rights:
        exif[0x013B], exif[0x8298] = CREATOR, COPYRIGHT
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    thumbnail = io.BytesIO()
    image.resize((160, 107)).save(thumbnail, "JPEG")
    with pyexiv2.ImageData(buffer.getvalue()) as original:
        original.modify_thumbnail(thumbnail.getvalue())
        xmp = {
            "Xmp.xmpMM.History": "type=Seq",
            "Xmp.xmpMM.History[1]/stEvt:action": "saved",
            "Xmp.xmpMM.History[1]/stEvt:softwareAgent": PRIVATE_VALUES["edit history"],
            "Xmp.aux.SerialNumber": PRIVATE_VALUES["xmp serial"],
            "Xmp.exif.GPSLatitude": "38,42.28N",
        }
        if rights:
            xmp.update(
                {
                    "Xmp.dc.creator": [CREATOR],
                    "Xmp.dc.rights": {'lang="x-default"': COPYRIGHT},
                    "Xmp.photoshop.Credit": CREDIT,
                    "Xmp.xmpRights.WebStatement": LICENSE_URL,
                    "Xmp.plus.Licensor": "type=Seq",
                    "Xmp.plus.Licensor[1]/plus:LicensorURL": LICENSOR_URL,
                }
            )
            original.modify_iptc(
                {
                    "Iptc.Application2.Byline": [CREATOR],
                    "Iptc.Application2.Copyright": COPYRIGHT,
                    "Iptc.Application2.Credit": CREDIT,
                }
            )
        original.modify_xmp(xmp)
        return original.get_bytes()


@pytest.fixture
def camera_original():
    """`camera_original(rights=True)`: see `rights_original`."""
    return rights_original


def original_with(
    *,
    exif: dict | None = None,
    iptc: dict | None = None,
    xmp: dict | None = None,
    image: bytes | None = None,
) -> bytes:
    """A JPEG (`image`, else a small navy one) whose metadata says what a tool wrote into it:
    Exiv2 keys and values, written with pyexiv2, the binding the app reads them with."""
    import pyexiv2

    if image is None:
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), "navy").save(buffer, "JPEG")
        image = buffer.getvalue()
    with pyexiv2.ImageData(image) as edited:
        if exif:
            edited.modify_exif(exif)
        if iptc:
            edited.modify_iptc(iptc)
        if xmp:
            edited.modify_xmp(xmp)
        return edited.get_bytes()


def titled_original(title: str, description: str, *, image: bytes | None = None) -> bytes:
    """A JPEG as Lightroom exports one with a title and caption: in IPTC (Object Name, Caption-
    Abstract) and XMP (dc:title, dc:description)."""
    return original_with(
        image=image or jpeg_bytes(),
        iptc={"Iptc.Application2.ObjectName": title, "Iptc.Application2.Caption": description},
        xmp={
            "Xmp.dc.title": {'lang="x-default"': title},
            "Xmp.dc.description": {'lang="x-default"': description},
        },
    )


def moved_through_archive(app, tmp_path: Path, *import_options: str):
    """A fresh site (local backend) that imported `sgoodie export --no-files` of `app`."""
    from sgoodie.cli import main

    path = tmp_path / "site.tar"
    exported = app.test_cli_runner().invoke(main, ["export", str(path), "--no-files"])
    assert exported.exit_code == 0, exported.output
    target = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "target"), "SECRET_KEY": "y"})
    with target.app_context():
        services().store.init_schema()
    imported = target.test_cli_runner().invoke(main, ["import", str(path), *import_options])
    assert imported.exit_code == 0, imported.output
    return target
