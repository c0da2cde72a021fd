"""Production serving: behind proxies, request ids, JSON logs, readiness, optional Sentry."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from sgoodie import create_app
from sgoodie.middleware import configure_logging, init_sentry
from sgoodie.services import services
from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[1]


def _app(tmp_path, **config):
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret", **config}
    )
    with app.app_context():
        services().store.init_schema()
    return app


def test_every_response_carries_a_request_id_cache_hits_included(app, client, portfolio):
    portfolio.project("Lit Room", "interiors")
    first, second = client.get("/work/interiors"), client.get("/work/interiors")
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert (
        client.get("/healthz", headers={"X-Request-ID": "Root=1-67891233-abcdef012345678912345678"}).headers[
            "X-Request-ID"
        ]
        == "Root=1-67891233-abcdef012345678912345678"
    )  # the load balancer's id is kept
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_behind_cloudfront_and_the_load_balancer_links_are_https_and_the_client_address_is_real(tmp_path):
    app = _app(tmp_path, PROXY_HOPS=2)
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    client = app.test_client()
    headers = {
        "X-Forwarded-For": "198.51.100.7, 203.0.113.9, 130.176.0.1",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example",
        "Host": "sgoodie.com",
    }
    client.get("/_whoami", headers=headers)
    assert seen["addr"] == "203.0.113.9"  # two hops trusted: the spoofed first entry is not believed
    home = client.get("/", headers=headers).get_data(as_text=True)
    assert '<link rel="canonical" href="https://sgoodie.com/">' in home
    assert "evil.example" not in home
    index = client.get("/sitemap.xml", headers=headers).get_data(as_text=True)
    assert "<loc>https://sgoodie.com/sitemap-pages.xml</loc>" in index
    sitemap = client.get("/sitemap-pages.xml", headers=headers).get_data(as_text=True)
    assert "<loc>https://sgoodie.com/</loc>" in sitemap


def _whoami(tmp_path, **config):
    """`ask(peer, headers)`: the client address and scheme the app sees for such a request."""
    app, seen = _app(tmp_path, **config), {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return "ok"

    def ask(peer: str, headers: dict[str, str]) -> dict[str, str]:
        app.test_client().get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": peer})
        return dict(seen)

    return ask


def test_forwarded_headers_from_a_peer_that_is_not_a_trusted_proxy_are_ignored(tmp_path):
    ask = _whoami(tmp_path, PROXY_HOPS=1, TRUSTED_PROXIES="127.0.0.1")
    spoofed = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https", "Forwarded": "for=1.2.3.4"}
    assert ask("127.0.0.2", spoofed) == {"addr": "127.0.0.2", "scheme": "http"}


def test_trusted_proxies_are_addresses_and_ranges(tmp_path):
    ask = _whoami(tmp_path, PROXY_HOPS=1, TRUSTED_PROXIES="10.40.128.0/20,10.40.144.0/20")
    assert ask("10.40.150.3", {"X-Forwarded-For": "198.51.100.7"})["addr"] == "198.51.100.7"
    assert ask("10.40.160.3", {"X-Forwarded-For": "198.51.100.7"})["addr"] == "10.40.160.3"


def test_behind_cloudfront_and_api_gateway_the_forwarded_header_gives_the_client(tmp_path):
    """solo: API Gateway writes RFC 7239 `Forwarded` (no X-Forwarded-For): what the visitor
    claimed, the client CloudFront saw, CloudFront's edge. Two hops, as behind the load balancer."""
    ask = _whoami(tmp_path, PROXY_HOPS=2, TRUSTED_PROXIES="10.40.128.0/20")
    chain = 'for=6.6.6.6, for="[2001:db8:5::7]:41234", for=130.176.0.1;host=origin.sgoodie.com;proto=https'
    assert ask("10.40.130.9", {"Forwarded": chain}) == {
        "addr": "2001:db8:5::7",
        "scheme": "https",
    }
    assert ask("10.40.130.9", {"Forwarded": "for=6.6.6.6"})["addr"] == "10.40.130.9"  # one hop short


def test_without_proxy_hops_forwarded_headers_are_ignored(app, client):
    home = client.get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    ).get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/">' in home


def test_json_logs_name_the_request(app, capsys):
    app.config["LOG_FORMAT"] = "json"
    try:
        configure_logging(app)

        @app.get("/_log")
        def log_something():
            logging.getLogger("sgoodie.test").warning("saved %s", "a project")
            return "ok"

        response = app.test_client().get("/_log", headers={"X-Request-ID": "req-12345678"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
        entry = next(line for line in lines if line["logger"] == "sgoodie.test")
        assert entry["message"] == "saved a project" and entry["level"] == "warning"
        assert entry["request_id"] == response.headers["X-Request-ID"] == "req-12345678"
        assert entry["method"] == "GET" and entry["path"] == "/_log" and entry["time"].endswith("+00:00")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "sgoodie", False)]:
            root.removeHandler(handler)


def test_readyz_checks_redis_and_healthz_does_not(tmp_path, redis_server):
    app = _app(tmp_path, REDIS_URL=redis_server.rsplit("/", 1)[0] + "/5")
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert set(ready.get_json()["checks"]) == {"content_store", "blob_store", "page_cache", "job_queue"}

    down = _app(tmp_path / "down", REDIS_URL="redis://127.0.0.1:1/0")
    client = down.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.get_json()["checks"]
    assert checks["page_cache"]["ok"] is False and checks["content_store"]["ok"] is True
    assert client.get("/healthz").status_code == 200  # pages still render uncached: stay in the load balancer
    assert ready.headers["Cache-Control"] == "no-store"


def test_sentry_is_optional(tmp_path, caplog):
    app = _app(tmp_path)
    assert init_sentry(app) is False  # no DSN: nothing to do
    app.config["SENTRY_DSN"] = "https://public@sentry.example/1"
    try:
        import sentry_sdk  # noqa: F401
    except ImportError:
        with caplog.at_level(logging.WARNING, logger="sgoodie"):
            assert init_sentry(app) is False
        assert "Sentry SDK is not installed" in caplog.text
    else:
        pytest.skip("the Sentry SDK is installed here; the missing-SDK path cannot be shown")


def test_with_allowed_hosts_other_hosts_are_refused_but_the_health_checks_answer(tmp_path, portfolio_factory):
    app = _app(tmp_path, SITE_URL="https://sgoodie.example", ALLOWED_HOSTS=("www.sgoodie.example",))
    portfolio_factory(app).project("Harbour Loft", "interiors")
    client = app.test_client()
    assert client.get("/work/interiors", headers={"Host": "sgoodie.example"}).status_code == 200
    warm = client.get("/work/interiors", headers={"Host": "www.sgoodie.example"})
    assert warm.status_code == 200 and warm.headers["X-Cache"] == "HIT"
    refused = client.get("/work/interiors", headers={"Host": "sgoodie-login.evil.example"})
    assert refused.status_code == 400 and "X-Cache" not in refused.headers  # not even a cache hit
    assert (
        client.get("/healthz", headers={"Host": "10.0.1.23:8000"}).status_code == 200
    )  # the ALB, by address
    assert client.get("/readyz", headers={"Host": "127.0.0.1:8000"}).status_code == 200


@pytest.mark.slow
@contextmanager
def _gunicorn(tmp_path, *args: str, app: str = "sgoodie:create_app()", **settings: str):
    """The production gunicorn config serving `app` with one worker; yields a `get(path, headers)`
    that answers (status, body)."""
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)]),
        "SGOODIE_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret",
        "SGOODIE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "SGOODIE_ACCESS_LOG": "",
        "SGOODIE_LOG_LEVEL": "warning",
        **settings,
    }
    subprocess.run(
        [sys.executable, "-m", "sgoodie", "init"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args, app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        get.base = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
        yield get
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gunicorn_takes_no_script_name_from_a_header(tmp_path):
    """Behind gunicorn (the production config), a trusted forwarder's SCRIPT_NAME header must not
    become the script root of a page that the cache then serves to everyone."""
    # This test is the trusted load balancer.
    with _gunicorn(tmp_path, SGOODIE_TRUSTED_PROXIES="127.0.0.1") as get:
        _, poisoned = get("/about/", {"SCRIPT_NAME": "/about"})
        assert "/about/static/" not in poisoned  # the header moved no link
        status, home = get("/")
        assert status == 200
        assert "/about/static/" not in home and "/static/" in home


RECYCLED_APP = """
import atexit, os

def note_exit():
    with open(os.environ["EXITS_FILE"], "a") as exits:
        exits.write(f"{os.getpid()}\\n")

atexit.register(note_exit)

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
"""


def test_recycled_gunicorn_workers_still_run_their_exit_handlers(tmp_path):
    """Workers recycled after max_requests skip the interpreter's teardown (gunicorn.conf.py's
    worker_exit) but not the exit handlers: logs are flushed, Sentry sends what it holds."""
    (tmp_path / "recycled_app.py").write_text(RECYCLED_APP)
    exits = tmp_path / "exits.txt"
    with _gunicorn(
        tmp_path,
        "--max-requests",
        "3",
        "--max-requests-jitter",
        "0",
        app="recycled_app:app",
        EXITS_FILE=str(exits),
    ) as get:
        answers = [get("/")[1] for _ in range(12)]  # /healthz was the first worker's first request
    workers = set(answers)
    assert len(workers) >= 3  # recycled every three requests
    assert workers <= set(exits.read_text().split())  # each one ran its exit handlers


def test_text_answers_are_gzipped_for_clients_that_accept_it(app, client, portfolio):
    import gzip

    project = portfolio.project("Compressed", "interiors", photos=1)
    plain = client.get("/")  # the test client asks for no encoding: the page as it is
    assert "Content-Encoding" not in plain.headers and plain.headers["X-Cache"] == "MISS"
    zipped = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data) / 3
    assert zipped.headers["X-Cache"] == "HIT"  # cached pages are compressed on the way out
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    again = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304  # revalidating the compressed copy still works
    assert client.get("/", headers={"Accept-Encoding": "gzip;q=0"}).headers.get("Content-Encoding") is None
    css = client.get("/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
        services().blobs.put(photo.variants[0].key, b"\x00" * 4096, content_type="image/avif")
    media = client.get(f"/media/{photo.variants[0].key}", headers={"Accept-Encoding": "gzip"})
    assert media.status_code == 200 and "Content-Encoding" not in media.headers  # photos stream as they are
