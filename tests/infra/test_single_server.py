"""deploy/single-server: the Caddyfile validates, the systemd units verify, and the whole layout
runs: gunicorn with the production config and `sgoodie jobs` (the units' own commands and
settings) behind Caddy with TLS from its internal CA, through sign-in, an upload, restarts of
either process with a job queued, and the nightly backup restored into a new site."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from PIL import Image

from sgoodie import create_app
from sgoodie.auth import SESSIONS
from sgoodie.config import SETTINGS, load
from sgoodie.plugin_loader import builtin_plugin_settings
from sgoodie.services import services
from tests.conftest import _free_port, from_address

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "single-server"
UNITS = ("sgoodie-web.service", "sgoodie-jobs.service", "sgoodie-backup.service", "sgoodie-backup.timer")
EMAIL, PASSWORD = "photographer@example.com", "correct horse battery"
CLIENT_ADDRESS = "127.0.0.5"  # the browser, as the app must see it (Caddy reaches gunicorn from 127.0.0.1)


class Layout:
    """The server's paths (/opt/sgoodie, /etc/sgoodie, /var/lib/sgoodie, ...) under a temporary
    root: the checkout as /opt/sgoodie/src, its virtualenv as /opt/sgoodie/venv."""

    PREFIXES = (
        "/opt/sgoodie",
        "/etc/sgoodie",
        "/var/lib/sgoodie",
        "/var/log/sgoodie",
        "/var/backups/sgoodie",
    )

    def __init__(self, root: Path):
        self.root = root
        for prefix in (*self.PREFIXES, "/var/log/caddy", "/units"):
            self.path(prefix).mkdir(parents=True, exist_ok=True)
        (self.path("/opt/sgoodie") / "src").symlink_to(ROOT)
        (self.path("/opt/sgoodie") / "venv").symlink_to(Path(sys.executable).parents[1])
        for name in ("sgoodie.env", "backup.env"):
            self.path("/etc/sgoodie", name).touch()

    def path(self, server_path: str, *parts: str) -> Path:
        return self.root.joinpath(server_path.lstrip("/"), *parts)

    def render(self, text: str) -> str:
        for prefix in (*self.PREFIXES, "/var/log/caddy"):
            text = text.replace(prefix, str(self.path(prefix)))
        return text

    def unit(self, name: str) -> Path:
        target = self.path("/units", name)
        target.write_text(self.render((DEPLOY / name).read_text()))
        return target


@pytest.fixture
def layout(tmp_path):
    return Layout(tmp_path / "server")


def _caddy() -> str:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.fail("caddy is not installed: run scripts/setup test")
    return binary


def _caddy_env(layout: Layout, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_DATA_HOME": str(layout.path("/var/lib/caddy")),
        "XDG_CONFIG_HOME": str(layout.path("/etc/caddy")),
        "SGOODIE_DOMAIN": "sgoodie.example",
        "SGOODIE_ACME_EMAIL": "ops@sgoodie.example",
        **extra,
    }


def test_the_caddyfile_validates(layout):
    caddyfile = layout.path("/etc/caddy", "Caddyfile")
    caddyfile.parent.mkdir(parents=True)
    caddyfile.write_text(layout.render((DEPLOY / "Caddyfile").read_text()))
    result = subprocess.run(
        [_caddy(), "validate", "--config", str(caddyfile), "--adapter", "caddyfile"],
        env=_caddy_env(layout),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr
    # Formatted, nothing ignored; production has no machine-specific global options to import.
    warnings = [line for line in result.stderr.splitlines() if '"level":"warn"' in line]
    assert all("No files matching import glob pattern" in line for line in warnings), warnings
    formatted = subprocess.run([_caddy(), "fmt", str(DEPLOY / "Caddyfile")], capture_output=True, text=True)
    assert formatted.stdout == (DEPLOY / "Caddyfile").read_text(), "run `caddy fmt --overwrite` on it"


def test_the_systemd_units_verify(layout):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is absent (apt-get install systemd): the units cannot be verified here")
    units = [str(layout.unit(name)) for name in UNITS]
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=120)
    # Unknown keys and bad values are only warnings to systemd: any output fails the test.
    assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), result.stderr
    broken = layout.path("/units", "broken.service")
    broken.write_text(Path(units[1]).read_text().replace("venv/bin/sgoodie", "venv/bin/not-there"))
    assert subprocess.run([analyze, "verify", str(broken)], capture_output=True).returncode != 0


def test_the_units_and_the_settings_file_set_only_settings_sgoodie_reads(layout):
    known = {setting.env for setting in SETTINGS}
    for name in ("sgoodie-web.service", "sgoodie-jobs.service"):
        _, env = _unit_command(layout, name, {})
        settings = {key: value for key, value in env.items() if key not in ("PATH", "HOME", "LANG")}
        assert set(settings) <= known, set(settings) - known
        config = load(settings)  # every value is one the app accepts
        assert config["JOBS"] == "sqlite" and config["INSTANCE_PATH"] == str(layout.path("/var/lib/sgoodie"))
    example = (DEPLOY / "sgoodie.env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    with_plugins = known | {setting.env for setting in builtin_plugin_settings()}
    assert named and named <= with_plugins, named - with_plugins


def test_log_rotation_rotates_the_access_log(layout):
    logrotate = shutil.which("logrotate") or pytest.skip("logrotate is absent (apt-get install logrotate)")
    log = layout.path("/var/log/sgoodie", "access.log")
    log.write_text('127.0.0.1 "GET / HTTP/1.1" 200\n')
    me = Path.home().owner()  # the test's user stands in for sgoodie
    config = layout.path("/etc/sgoodie", "logrotate.conf")
    config.write_text(
        layout.render((DEPLOY / "logrotate.conf").read_text()).replace("sgoodie sgoodie", f"{me} {me}")
    )
    state = layout.path("/var/lib/sgoodie", "logrotate.state")
    result = subprocess.run(
        [logrotate, "--force", "--verbose", "--state", str(state), str(config)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0 and "error:" not in result.stderr, result.stderr
    assert log.exists() and log.read_text() == "" and log.with_name("access.log.1").exists()


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_the_nightly_backup_sends_only_new_photos_off_site_with_restic(layout, tmp_path):
    restic = shutil.which("restic") or pytest.skip("restic is absent (scripts/setup test installs it)")
    repository, password = tmp_path / "offsite", tmp_path / "restic-password"
    password.write_text("a long restic password\n")
    layout.path("/etc/sgoodie", "backup.env").write_text(
        f"RESTIC_REPOSITORY={repository}\nRESTIC_PASSWORD_FILE={password}\n"
    )
    command, env = _unit_command(layout, "sgoodie-backup.service", {})
    subprocess.run(["sgoodie", "init"], env=env, check=True, capture_output=True, timeout=120)
    media = layout.path("/var/lib/sgoodie", "media")
    original = media / "projects" / "p1" / "original" / "a.jpg"
    original.parent.mkdir(parents=True)
    original.write_bytes(os.urandom(3_000_000))

    def backup() -> None:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr

    backup()
    after_first = _size(repository)
    assert after_first > 3_000_000
    (original.parent / "b.jpg").write_bytes(os.urandom(10_000))
    backup()
    assert _size(repository) - after_first < 500_000, "the second night sent the photos again"

    restic_env = {**env, "RESTIC_REPOSITORY": str(repository), "RESTIC_PASSWORD_FILE": str(password)}
    restored = tmp_path / "restored"
    subprocess.run(
        [restic, "restore", "latest", "--target", str(restored), "--include", str(media)],
        env=restic_env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    copy = restored / original.relative_to("/")
    assert copy.read_bytes() == original.read_bytes() and copy.with_name("b.jpg").exists()
    listed = subprocess.run(
        [restic, "ls", "latest"], env=restic_env, check=True, capture_output=True, text=True, timeout=120
    ).stdout
    assert re.search(r"/content-\d{4}-\d{2}-\d{2}\.tar$", listed, re.M), listed


# -- running the layout ---------------------------------------------------------------------------
def _environment_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def _unit_command(layout: Layout, name: str, extra_env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """A unit's ExecStart and environment as systemd gives them: Environment= lines, then each
    EnvironmentFile= (which wins)."""
    # The sgoodie user's home is the instance folder (gunicorn puts its control socket there).
    home = str(layout.path("/var/lib/sgoodie"))
    env = {"PATH": os.environ["PATH"], "HOME": home, "LANG": "C.UTF-8"}
    command: list[str] = []
    for line in layout.unit(name).read_text().splitlines():
        key, _, value = line.partition("=")
        if key == "Environment":
            env.update(pair.split("=", 1) for pair in shlex.split(value))
        elif key == "EnvironmentFile":
            env.update(_environment_file(Path(value)))
        elif key == "ExecStart":
            command = shlex.split(value)
    return command, {**env, **extra_env}


class Processes:
    """The processes a test starts, each in its own session, all stopped at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("a")
        process = subprocess.Popen(
            command, env=env, cwd=env.get("SGOODIE_INSTANCE_PATH", str(self.logs)), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.running[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            assert process.wait(timeout=60) == 0, f"{name} did not stop cleanly: {self.output(name)}"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def stop_all(self) -> None:
        for name, process in self.running.items():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            tail = "\n".join(self.output(name).splitlines()[-30:])
            print(f"--- {name} (last lines) ---\n{tail}")  # shown when the test fails


def _wait_for(condition, timeout: float, what: str):
    deadline, error = time.monotonic() + timeout, None
    while True:
        try:
            found = condition()
        except (requests.ConnectionError, OSError) as exc:
            found, error = None, exc
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what} ({error!r})"
        time.sleep(0.1)


def _app(instance: Path):
    """An app on a site's instance folder, to read what the processes stored."""
    return create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "JOBS": "thread"})


def _photo(seed: int) -> bytes:
    image = Image.effect_noise((1600, 1100), 30 + seed).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


class Site:
    """The admin's browser: a session over HTTPS through Caddy, trusting only Caddy's local CA."""

    def __init__(self, url: str, ca: Path):
        self.url = url
        self.session = requests.Session()
        self.session.verify = str(ca)
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would replace `verify`; no proxies either
        # Over https, CSRF protection also wants the page a form came from, as browsers send it.
        self.session.headers.update({"Referer": url + "/admin/", "Origin": url})
        self.session.mount("https://", from_address(CLIENT_ADDRESS))
        self.csrf = ""

    def get(self, path: str, **kwargs):
        return self.session.get(self.url + path, timeout=30, **kwargs)

    def sign_in(self) -> None:
        login = self.get("/admin/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        signed_in = self.session.post(
            self.url + "/admin/login",
            data={"csrf_token": token, "email": EMAIL, "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.9"},  # a client's claim: never trusted
            allow_redirects=False,
            timeout=30,
        )
        assert signed_in.status_code == 302, signed_in.text
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', self.get("/admin/").text).group(1)

    def new_project(self) -> str:
        created = self.session.post(
            self.url + "/admin/projects/new",
            data={"csrf_token": self.csrf, "title": "Harbour Loft", "category": "interiors", "slug": ""},
            allow_redirects=False,
            timeout=30,
        )
        assert created.status_code == 302, created.text
        return re.search(r"/admin/projects/([0-9a-f-]{36})/photos", created.headers["Location"]).group(1)

    def upload(self, project_id: str, data: bytes, filename: str) -> str:
        headers = {"X-CSRFToken": self.csrf}
        grant = self.session.post(
            self.url + "/api/media/uploads",
            headers=headers,
            json={
                "project_id": project_id,
                "filename": filename,
                "content_type": "image/jpeg",
                "size": len(data),
            },
            timeout=30,
        )
        assert grant.status_code == 201, grant.text
        body = grant.json()
        target = urljoin(self.url + "/", body["upload"]["url"])
        assert target.startswith(self.url + "/"), target  # the app's own endpoint, through Caddy
        sent = self.session.post(
            target,
            data=body["upload"]["fields"],
            files={"file": (filename, data, "image/jpeg")},
            headers=headers,
            timeout=60,
        )
        assert sent.status_code in (200, 201, 204), sent.text
        done = self.session.post(
            f"{self.url}/api/media/uploads/{body['photo_id']}/complete", headers=headers, timeout=30
        )
        assert done.status_code == 202, done.text
        return body["photo_id"]

    def photo(self, photo_id: str) -> dict:
        return self.get(f"/api/media/photos/{photo_id}").json()

    def wait_ready(self, photo_id: str, timeout: float = 180) -> dict:
        photo = _wait_for(
            lambda: (found := self.photo(photo_id))["status"] in ("ready", "failed") and found,
            timeout,
            f"photo {photo_id} to be processed",
        )
        assert photo["status"] == "ready", photo
        return photo


@pytest.fixture
def processes(tmp_path):
    running = Processes(tmp_path)
    yield running
    running.stop_all()


def _start_caddy(layout: Layout, processes: Processes, web_port: int) -> tuple[str, Path, int]:
    https_port, http_port = _free_port(), _free_port()
    caddyfile = layout.path("/etc/caddy", "Caddyfile")
    caddyfile.parent.mkdir(parents=True, exist_ok=True)
    caddyfile.write_text(layout.render((DEPLOY / "Caddyfile").read_text()))
    # This machine's global options: loopback only, no admin API, certificates from Caddy's own CA,
    # whose root is never added to the machine's trust store.
    layout.path("/etc/sgoodie", "caddy-global.conf").write_text(
        f"admin off\nlocal_certs\nskip_install_trust\ndefault_bind 127.0.0.1\n"
        f"http_port {http_port}\nhttps_port {https_port}\n"
    )
    env = _caddy_env(layout, SGOODIE_DOMAIN="localhost", SGOODIE_UPSTREAM=f"127.0.0.1:{web_port}")
    processes.start("caddy", [_caddy(), "run", "--config", str(caddyfile), "--adapter", "caddyfile"], env)
    ca = layout.path("/var/lib/caddy", "caddy", "pki", "authorities", "local", "root.crt")
    _wait_for(ca.exists, 60, "Caddy's local CA")
    return f"https://localhost:{https_port}", ca, http_port


@pytest.mark.slow
def test_one_server_serves_over_https_and_keeps_queued_jobs_across_restarts(layout, processes, tmp_path):
    started = time.monotonic()
    web_port = _free_port()
    instance = layout.path("/var/lib/sgoodie")
    layout.path("/etc/sgoodie", "sgoodie.env").write_text(
        f"SGOODIE_BIND=127.0.0.1:{web_port}\nWEB_CONCURRENCY=2\nSGOODIE_ALLOWED_HOSTS=localhost\n"
    )
    url, ca, http_port = _start_caddy(layout, processes, web_port)
    site_env = {"SGOODIE_SITE_URL": url}
    web = _unit_command(layout, "sgoodie-web.service", site_env)
    jobs = _unit_command(layout, "sgoodie-jobs.service", site_env)
    assert web[1]["SGOODIE_JOBS"] == jobs[1]["SGOODIE_JOBS"] == "sqlite"

    sgoodie = [str(Path(jobs[0][0]).with_name("sgoodie"))]
    subprocess.run([*sgoodie, "init"], env=jobs[1], check=True, capture_output=True, timeout=120)
    subprocess.run(
        [*sgoodie, "create-admin", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n", env=jobs[1], check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    processes.start("web", *web)
    processes.start("jobs", *jobs)
    site = Site(url, ca)
    health = _wait_for(lambda: site.get("/healthz").ok and site.get("/healthz"), 90, "the site over HTTPS")
    assert health.json()["status"] == "ok"
    _wait_for(lambda: site.get("/readyz").json()["checks"]["job_queue"]["ok"], 60, "the jobs process")

    # Plain http goes to https; the page is compressed; hashed static files are cached for a year.
    plain = requests.get(f"http://localhost:{http_port}/", timeout=10, allow_redirects=False)
    # (to port 443: Caddy's redirect leaves out a custom https_port, which only this test has)
    assert plain.status_code in (301, 308) and plain.headers["Location"].startswith("https://localhost")
    home = site.get("/", headers={"Accept-Encoding": "gzip"})
    assert home.status_code == 200 and home.headers.get("Content-Encoding") == "gzip"
    hashed = re.search(r'href="(/static/[^"]+\?v=[^"]+)"', home.text).group(1)
    static = site.get(hashed)
    assert static.status_code == 200 and "immutable" in static.headers["Cache-Control"]
    assert "X-Request-ID" not in static.headers  # from disk by Caddy: no gunicorn worker woken
    assert "X-Request-ID" in home.headers

    site.sign_in()
    # The app saw the browser's own address: Caddy's one hop, not the forged X-Forwarded-For.
    with _app(instance).app_context():
        sessions = services().store.records.query(SESSIONS)
    assert [data["address"] for _, data in sessions] == [CLIENT_ADDRESS]

    project_id = site.new_project()
    first = site.upload(project_id, _photo(1), "harbour.jpg")
    ready = site.wait_ready(first)
    variant = next(v for v in ready["variants"] if v["format"] == "avif")
    served = site.get(variant["url"].removeprefix(url))
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/avif"
    assert "Content-Encoding" not in served.headers  # photos are compressed already

    # A job queued while the jobs process is down waits through a restart of the web process...
    processes.stop("jobs")
    second = site.upload(project_id, _photo(2), "loft.jpg")
    assert site.photo(second)["status"] == "queued"
    processes.stop("web")
    processes.start("web", *web)
    _wait_for(lambda: site.get("/healthz").ok, 90, "the restarted web process")
    assert site.photo(second)["status"] == "queued"
    # ...and the jobs process, back, runs it.
    processes.start("jobs", *jobs)
    site.wait_ready(second)
    assert "Running jobs" in processes.output("jobs")
    assert f'"GET /api/media/photos/{second}' in (layout.path("/var/log/sgoodie", "access.log")).read_text()
    print(f"\nsingle server end to end: {time.monotonic() - started:.1f} s")

    _backup_then_restore(layout, jobs, project_id, second, tmp_path)


def _backup_then_restore(layout: Layout, jobs, project_id: str, photo_id: str, tmp_path: Path) -> None:
    """The nightly backup (rsync mode), then the documented restore into a new, empty site."""
    offsite = tmp_path / "offsite"
    offsite.mkdir()
    layout.path("/etc/sgoodie", "backup.env").write_text(f"SGOODIE_BACKUP_RSYNC={offsite}\n")
    command, env = _unit_command(layout, "sgoodie-backup.service", {})
    env["PATH"] = f"{Path(jobs[0][0]).parent}:{env['PATH']}"
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    archive = next((offsite / "content").glob("content-*.tar"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("sgoodie-archive/manifest.json"))
    assert manifest["counts"]["photos"] == 2 and manifest["counts"]["files"] == 0 and not manifest["files"]
    assert list((offsite / "media").rglob(f"{photo_id}*")), "the photos were not copied off site"

    restored = tmp_path / "restored"
    restored.mkdir()
    subprocess.run(["rsync", "-a", f"{offsite}/media/", f"{restored}/media/"], check=True)
    restore_env = {**jobs[1], "SGOODIE_INSTANCE_PATH": str(restored)}
    sgoodie = str(Path(jobs[0][0]).with_name("sgoodie"))
    for step in (["init"], ["import", str(archive)]):
        done = subprocess.run([sgoodie, *step], env=restore_env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "Imported 1 projects, 2 photos" in done.stdout and "Rebuilding" not in done.stdout
    assert "carries no photo files" in done.stdout
    with _app(restored).app_context():
        photo = services().store.get_photo(photo_id)
        assert photo.status == "ready" and photo.project_id == project_id
        keys = [photo.original_key, *(variant.key for variant in photo.variants)]
        assert all(services().blobs.head(key) for key in keys)
