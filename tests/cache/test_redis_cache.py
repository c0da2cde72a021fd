"""The page cache on a real Redis: shared by every app process, and harmless when Redis fails."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import replace

import pytest
import redis

from sgoodie import content, create_app
from sgoodie.cache import page_cache
from sgoodie.services import services


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    """A redis-server this test may pause, stop and start again on the same port."""

    def __init__(self, workdir):
        self.port = _port()
        self.workdir = workdir
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def pause(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.resume() if server.process.poll() is None else None
    server.stop() if server.process.poll() is None else None


def _app(tmp_path, name, redis_url):
    # Both "machines" share the content store (one SQLite file) and the Redis cache.
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "shared"),
            "SECRET_KEY": "x",
            "REDIS_URL": redis_url,
        }
    )
    with app.app_context():
        services().store.init_schema()
    return app


def _db(url: str, number: int) -> str:
    return url.rsplit("/", 1)[0] + f"/{number}"


def test_purges_hold_across_processes_sharing_redis(tmp_path, redis_server, portfolio_factory):
    url = _db(redis_server, 3)
    redis.Redis.from_url(url).flushdb()
    one, two = _app(tmp_path, "one", url), _app(tmp_path, "two", url)
    project = portfolio_factory(one).project("Cliff House", "interiors")
    visitor_one, visitor_two = one.test_client(), two.test_client()
    assert visitor_one.get("/work/interiors").headers["X-Cache"] == "MISS"
    assert visitor_two.get("/work/interiors").headers["X-Cache"] == "HIT"  # stored by the other process
    with one.test_request_context():
        assert page_cache().backend_name == "redis"
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, title="Cliff House at Dawn"), current)
    response = visitor_two.get("/work/interiors")
    assert response.headers["X-Cache"] == "MISS"
    assert "Cliff House at Dawn" in response.get_data(as_text=True)
    # No key scan: a purge is a handful of INCRs however many pages are cached.
    keys = redis.Redis.from_url(url).keys("*")
    assert any(k.startswith(b"sgoodie:page:gen:") for k in keys)


def test_redis_down_renders_uncached_and_purges_on_return(tmp_path, own_redis, portfolio_factory, caplog):
    app = _app(tmp_path, "app", own_redis.url)
    project = portfolio_factory(app).project("Quiet Courtyard", "interiors")
    client = app.test_client()
    client.get("/work/interiors")
    assert client.get("/work/interiors").headers["X-Cache"] == "HIT"

    own_redis.pause()  # hung, not refusing: the worst case for a cache client
    caplog.set_level(logging.WARNING, logger="sgoodie.cache")
    started = time.monotonic()
    response = client.get("/work/interiors")
    assert (
        response.status_code == 200
        and "X-Cache" not in response.headers
        or response.headers["X-Cache"] == "MISS"
    )
    assert time.monotonic() - started < 5
    assert "page cache unavailable" in caplog.text

    with app.test_request_context():  # the admin saves while Redis is away: the save succeeds
        current = services().store.get_project(project.id)
        content.projects.save(replace(current, title="Quiet Courtyard, Lisbon"), current)
        assert services().store.get_project(project.id).title == "Quiet Courtyard, Lisbon"
    assert "parked" in caplog.text

    own_redis.resume()  # Redis comes back with the stale page still in it
    page_cache(app)._down_until = 0  # the process notices at its next lookup…
    page_cache(app)._pending_checked_at = 0  # …and replays the parked purge first
    response = client.get("/work/interiors")
    assert "Quiet Courtyard, Lisbon" in response.get_data(as_text=True)
    assert response.headers["X-Cache"] == "MISS"
    assert client.get("/work/interiors").headers["X-Cache"] == "HIT"


def test_redis_stopped_and_restarted(tmp_path, own_redis, portfolio_factory):
    app = _app(tmp_path, "app", own_redis.url)
    portfolio_factory(app).project("Salt Flats", "travel")
    client = app.test_client()
    client.get("/work/travel")
    own_redis.stop()
    for _ in range(3):
        response = client.get("/work/travel")
        assert response.status_code == 200
        assert "Salt Flats" in response.get_data(as_text=True)
    own_redis.start()
    page_cache(app)._down_until = 0
    assert client.get("/work/travel").headers["X-Cache"] == "MISS"
    assert client.get("/work/travel").headers["X-Cache"] == "HIT"
