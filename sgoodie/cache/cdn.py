"""CloudFront invalidations for purged tags (only when `CLOUDFRONT_DISTRIBUTION_ID` is set).

This module knows no URLs: whoever declares a cache tag also declares the public paths it covers
(`TagPaths`, filled from each plugin's `cache_tags`, the public site's included). The paths of one
request are collected and sent as one invalidation once the response is done, so the change is
stored before the CDN is told. Sending happens on a background thread that retries with backoff:
a CloudFront error is logged, never turned into a failed save.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

import boto3
from flask import Flask, g, has_request_context

log = logging.getLogger("sgoodie.cache")

MAX_PATHS = 50  # beyond this one wildcard is cheaper (CloudFront bills per path)
RETRY_DELAYS = (1, 5, 30, 120, 600)
EVERYTHING = "/*"

#: What a tag covers: its paths, or a function of the tag's value (the part after the colon).
Paths = Iterable[str] | Callable[[str], Iterable[str]]


class TagPaths:
    """Which public paths each cache tag covers, as declared by whoever declares the tag.

    A declaration names one tag (`home`) or a family of tags (`project:*`: every `project:<id>`;
    an exact declaration wins over its family). A purged tag nobody declared, or whose paths
    cannot be worked out, invalidates everything: a wider invalidation beats a stale page.
    """

    def __init__(self) -> None:
        self._paths: dict[str, Paths] = {}
        self._owners: dict[str, str] = {}

    def declare(self, declarations: Mapping[str, Paths], owner: str) -> None:
        """Add one owner's tags; refused, with nothing added, if another owner declared one of them."""
        added: dict[str, Paths] = {}
        for pattern, paths in declarations.items():
            if pattern in self._owners:
                raise ValueError(f"cache tag {pattern!r} is already declared by {self._owners[pattern]}")
            added[pattern] = paths if callable(paths) else frozenset(_checked(paths))
        self._paths.update(added)
        self._owners.update(dict.fromkeys(added, owner))

    def paths(self, tag: str) -> set[str]:
        kind, colon, value = tag.partition(":")
        pattern = tag if tag in self._paths or not colon else f"{kind}:*"
        declared = self._paths.get(pattern)
        if declared is None:
            log.warning("no CDN paths declared for cache tag %s; invalidating everything", tag)
            return {EVERYTHING}
        if not callable(declared):
            return set(declared)
        try:
            return _checked(declared(value))
        except Exception:
            log.exception(
                "the CDN paths of cache tag %s (declared by %s) could not be worked out; invalidating everything",
                tag,
                self._owners[pattern],
            )
            return {EVERYTHING}

    def paths_for(self, tags: Iterable[str]) -> set[str]:
        """The paths to invalidate for these tags: one wildcard when that is as good or cheaper."""
        paths: set[str] = set()
        for tag in tags:
            paths |= self.paths(tag)
            if EVERYTHING in paths:
                return {EVERYTHING}
        return {EVERYTHING} if len(paths) > MAX_PATHS else paths


def _checked(paths: Iterable[str]) -> set[str]:
    paths = {paths} if isinstance(paths, str) else set(paths)
    wrong = sorted((p for p in paths if not isinstance(p, str) or not p.startswith("/")), key=repr)
    if wrong:
        raise ValueError(f"CDN paths must start with /: {', '.join(map(repr, wrong))}")
    return paths


class Invalidator:
    """Sends invalidations from a daemon thread so a slow or failing CloudFront never holds up
    a request; failed batches are retried with growing delays, then dropped with an error log
    (the pages still expire from the CDN after `s-maxage`)."""

    def __init__(self, distribution_id: str, region: str, endpoint_url: str | None):
        self.distribution_id = distribution_id
        self._client = boto3.client(
            "cloudfront", region_name=region or "us-east-1", endpoint_url=endpoint_url or None
        )
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
                self._thread = threading.Thread(
                    target=self._run, name="sgoodie-cdn-invalidations", daemon=True
                )
                self._thread.start()
        self._queue.put((paths, 0))

    def send(self, paths: frozenset[str]) -> str:
        items = sorted(paths)
        response = self._client.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(items), "Items": items},
                "CallerReference": uuid.uuid4().hex,
            },
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
                    log.error(
                        "CloudFront invalidation for %s failed %d times, giving up: %s",
                        ", ".join(sorted(paths)),
                        attempt + 1,
                        exc,
                    )
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
    existing = app.extensions.get("sgoodie.cdn")
    if existing is None:
        existing = app.extensions["sgoodie.cdn"] = Invalidator(
            distribution_id, app.config.get("AWS_REGION", ""), app.config.get("AWS_ENDPOINT_URL") or None
        )
    return existing


def tag_paths(app: Flask) -> TagPaths:
    return app.extensions["sgoodie.cdn_paths"]


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
    target.submit(tag_paths(app).paths_for(tags))


def init_app(app: Flask, paths: TagPaths) -> None:
    """`paths` is filled as plugins are wired; it is read only when a purge happens."""
    app.extensions["sgoodie.cdn_paths"] = paths

    @app.teardown_request
    def send_request_invalidations(exc):
        tags = g.pop("sgoodie_cdn_tags", None)
        if tags and exc is None:
            flush(app, tags)
