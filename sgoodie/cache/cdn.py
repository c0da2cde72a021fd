"""CloudFront invalidations for purged tags (only when `CLOUDFRONT_DISTRIBUTION_ID` is set).

Tags become paths (`category:travel` → `/work/travel`); the paths of one request are collected
and sent as one invalidation once the response is done, so the change is stored before the CDN
is told. Sending happens on a background thread that retries with backoff: a CloudFront error is
logged, never turned into a failed save.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from typing import Callable, Iterable

import boto3
from flask import Flask, g, has_request_context

from ..domain import Project

log = logging.getLogger("sgoodie.cache")

MAX_PATHS = 50  # beyond this one wildcard is cheaper (CloudFront bills per path)
RETRY_DELAYS = (1, 5, 30, 120, 600)


def paths_for_tags(tags: Iterable[str], project_slug) -> set[str]:
    """The public paths showing these tags. `project_slug(id)` gives a project's current slug
    (None when it is gone, and then every project page is invalidated)."""
    paths: set[str] = set()
    for tag in tags:
        kind, _, value = tag.partition(":")
        if kind in ("site", "all"):
            return {"/*"}
        if kind == "home" or tag == "page:home":
            paths.add("/")
        elif kind == "sitemap":
            paths.add("/sitemap.xml")
        elif kind == "category":
            paths.add(f"/work/{value}")
        elif kind == "page" and value.startswith("work-"):
            paths.add(f"/work/{value.removeprefix('work-')}")
        elif kind == "page" and value == "personal-branding":
            paths |= {"/personal-branding", "/"}  # the home page shows its tile
        elif kind == "page":
            paths.add(f"/{value}")
        elif kind == "project":
            slug = project_slug(value)
            paths.add(f"/projects/{slug}" if slug else "/projects/*")
        else:
            log.debug("no CDN path known for cache tag %s", tag)
    return {"/*"} if len(paths) > MAX_PATHS else paths


class Invalidator:
    """Sends invalidations from a daemon thread so a slow or failing CloudFront never holds up
    a request; failed batches are retried with growing delays, then dropped with an error log
    (the pages still expire from the CDN after `s-maxage`)."""

    def __init__(self, distribution_id: str, region: str, endpoint_url: str | None):
        self.distribution_id = distribution_id
        self._client = boto3.client("cloudfront", region_name=region or "us-east-1", endpoint_url=endpoint_url or None)
        self._queue: queue.Queue[tuple[frozenset[str], int]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent: list[list[str]] = []  # what was sent, newest last (the dashboard and tests read it)

    def submit(self, paths: Iterable[str]) -> None:
        paths = frozenset(paths)
        if not paths:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sgoodie-cdn-invalidations", daemon=True)
                self._thread.start()
        self._queue.put((paths, 0))

    def send(self, paths: frozenset[str]) -> str:
        items = sorted(paths)
        response = self._client.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={"Paths": {"Quantity": len(items), "Items": items}, "CallerReference": uuid.uuid4().hex},
        )
        self.sent.append(items)
        return response["Invalidation"]["Id"]

    def _run(self) -> None:
        while True:
            paths, attempt = self._queue.get()
            try:
                invalidation_id = self.send(paths)
                log.info("CloudFront invalidation %s sent for %s", invalidation_id, ", ".join(sorted(paths)))
            except Exception as exc:
                if attempt >= len(RETRY_DELAYS):
                    log.error("CloudFront invalidation for %s failed %d times, giving up: %s", ", ".join(sorted(paths)), attempt + 1, exc)
                else:
                    delay = RETRY_DELAYS[attempt]
                    log.warning("CloudFront invalidation failed (%s); retrying in %d s", exc, delay)
                    threading.Timer(delay, self._queue.put, args=((paths, attempt + 1),)).start()
            finally:
                self._queue.task_done()

    def wait(self, timeout: float = 10.0) -> None:
        """Block until everything queued so far was sent or scheduled for retry (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)


def invalidator(app: Flask) -> Invalidator | None:
    distribution_id = app.config.get("CLOUDFRONT_DISTRIBUTION_ID")
    if not distribution_id:
        return None
    existing = app.extensions.get("sgoodie_cdn")
    if existing is None:
        existing = app.extensions["sgoodie_cdn"] = Invalidator(
            distribution_id, app.config.get("AWS_REGION", ""), app.config.get("AWS_ENDPOINT_URL") or None
        )
    return existing


def invalidate_tags(app: Flask, tags: set[str]) -> None:
    """Collect the request's tags (sent after the response), or send now outside a request."""
    if invalidator(app) is None:
        return
    if has_request_context():
        if "sgoodie_cdn_tags" not in g:
            g.sgoodie_cdn_tags = set()
        g.sgoodie_cdn_tags |= tags
    else:
        flush(app, tags)


def flush(app: Flask, tags: set[str]) -> None:
    target = invalidator(app)
    if target is None or not tags:
        return
    read_project = app.extensions["sgoodie_cdn_read_project"]

    def project_slug(project_id: str) -> str | None:
        project = read_project(project_id)
        return project.slug if project else None

    target.submit(paths_for_tags(tags, project_slug))


def init_app(app: Flask, read_project: Callable[[str], Project | None]) -> None:
    app.extensions["sgoodie_cdn_read_project"] = read_project

    @app.teardown_request
    def send_request_invalidations(exc):
        tags = g.pop("sgoodie_cdn_tags", None)
        if tags and exc is None:
            flush(app, tags)
