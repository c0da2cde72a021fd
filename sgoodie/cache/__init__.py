"""The public page cache: whole responses kept in Flask-Caching and purged by tag.

Every public view declares the tags of what it shows (`site`, `home`, `page:<id>`,
`category:<slug>`, `project:<id>`, `sitemap`); a change purges exactly the tags it touches
(whoever declares a tag purges it; the public site's rules are `public/purges.py`).

Flask-Caching has no tags, so each tag has a generation counter in the cache. A stored page
remembers the generation of each of its tags; a purge increments the counters (one atomic INCR
each), and a page whose remembered generations differ from the current ones is a miss. So a purge
is immediate for every worker and machine sharing the cache, and nothing scans the keyspace.

The backend is Redis when `REDIS_URL` is set (AWS), else a SQLite file in the instance folder.
When the backend fails, pages render uncached and purges are parked in the content store until
the cache answers again (`pending.py`).

This package is a leaf: the app factory gives `init_app` what it needs from the rest of sgoodie
(the records to park purges in, a way to read a project, the tags' CDN paths), so nothing here
imports the services, the public site or the plugins.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache
from flask_login import current_user
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_host

from ..signals import cache_purged
from ..stores import RecordStore
from . import cdn
from .pending import PendingPurges

log = logging.getLogger("sgoodie.cache")

ALL_TAG = "all"  # every page carries it; `sgoodie purge --all` bumps it
CLOCK_KEY = "clock"  # bumped by every purge: a page rendered across a purge is not stored
BROWSER_MAX_AGE = 60
CDN_MAX_AGE = 600
STALE_WHILE_REVALIDATE = 86400
PAGE_TIMEOUT = 7 * 24 * 3600  # pages also expire on their own, so an abandoned URL goes away
NEVER_CACHED = ("/admin", "/api/", "/media/", "/static/")
# Headers a stored page is served without (they are per response, or added at serve time).
PER_RESPONSE_HEADERS = {"set-cookie", "content-length", "etag", "x-cache", "cache-control", "date"}


def tag_current_page(*tags: str) -> None:
    g.setdefault("sgoodie_cache_tags", set()).update(tags)


def current_page_tags() -> set[str]:
    return set(g.get("sgoodie_cache_tags", ()))


@lru_cache(maxsize=8)
def _netloc(url: str) -> str:
    return urlsplit(url).netloc


def _gen_key(tag: str) -> str:
    return f"gen:{tag}"


@dataclass
class Stats:
    """Hits and misses counted in this process and added to the shared counters now and then,
    so counting costs no extra round trip per request."""

    hits: int = 0
    misses: int = 0
    flushed_at: float = field(default_factory=time.monotonic)


class PageCache:
    def __init__(self, app: Flask, pending: PendingPurges):
        self.app = app
        self.pending = pending
        self.enabled = bool(app.config["PAGE_CACHE"])
        self.cache = Cache(app, config=self._flask_caching_config(app.config))
        # The backend itself: `Cache.cache` looks it up through `current_app` on every call, and a
        # hit is answered before there is an app context (the hit path is the cheapest route).
        self.backend = app.extensions["cache"][self.cache]
        self.backend_name = "redis" if app.config.get("REDIS_URL") else "sqlite"
        self._tags_by_key: dict[str, tuple[str, ...]] = {}  # what each page was tagged with last time
        self._down_until = 0.0
        self._warned_at = 0.0
        self._stats = Stats()
        self._lock = threading.Lock()
        self._pending_checked_at = 0.0
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")
        # Part of every page's key: the code and templates that drew it (the app factory sets it
        # once the plugins are loaded), so pages drawn by other code are never served.
        self.release = ""

    @staticmethod
    def _flask_caching_config(config: dict[str, Any]) -> dict[str, Any]:
        redis_url = config.get("REDIS_URL")
        if redis_url:
            db = urlsplit(redis_url).path.strip("/") or "0"
            return {
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": redis_url,
                "CACHE_REDIS_DB": int(db),
                "CACHE_KEY_PREFIX": "sgoodie:page:",
                # A slow Redis must not slow the site: give up quickly and render uncached.
                "CACHE_OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
                "CACHE_DEFAULT_TIMEOUT": PAGE_TIMEOUT,
            }
        return {
            "CACHE_TYPE": "sgoodie.cache.sqlite.SQLiteCache",
            "CACHE_SQLITE_PATH": os.path.join(config["INSTANCE_PATH"], "page-cache.sqlite3"),
            "CACHE_SQLITE_MAX_BYTES": config["CACHE_MAX_BYTES"],
            "CACHE_DEFAULT_TIMEOUT": PAGE_TIMEOUT,
        }

    def check(self) -> None:
        """Raise unless the cache backend stores and returns a value (for /readyz)."""
        backend = self.cache.cache
        backend.set("sgoodie:readyz", "ok", timeout=30)
        if backend.get("sgoodie:readyz") != "ok":
            raise RuntimeError(f"the {self.backend_name} page cache did not return what was stored")

    # -- backend calls, each tolerant of a cache that is down ---------------------------------
    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, action: str, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + 2.0  # stop asking for a moment instead of timing out on every request
        if now - self._warned_at > 30:
            self._warned_at = now
            log.warning("page cache unavailable (%s failed: %s); serving pages uncached", action, exc)

    def _call(self, action: str, fn, *args, default=None):
        if not self._available():
            return default
        try:
            return fn(*args)
        except Exception as exc:  # any backend failure means "no cache", never an error page
            self._failed(action, exc)
            return default

    # -- lookups ----------------------------------------------------------------------------
    def cache_key(self, environ: dict[str, Any]) -> str | None:
        """The cache key of this request, or None when it must not come from the cache. Anyone
        with a session cookie (an admin, a visitor who sent a form) gets a fresh render: their
        page may carry their own CSRF token or flash message. Works on the bare WSGI environ so
        hits are served before Flask does any work."""
        if (
            not self.enabled
            or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or environ.get("QUERY_STRING")
        ):
            return None
        path = environ.get("PATH_INFO") or "/"
        if path.startswith(NEVER_CACHED) or f"{self.session_cookie}=" in environ.get("HTTP_COOKIE", ""):
            return None
        return f"page:{self.release}:{self.page_origin(environ)}{environ.get('SCRIPT_NAME', '')}{path}"

    def page_origin(self, environ: dict[str, Any]) -> str:
        """Everything besides the path that the page's links are built from: the scheme, and the
        site URL's host when one is set (links never use the Host header then, so every Host
        shares one entry), else the Host header itself (local development)."""
        site = self.app.config.get("SITE_URL")
        host = _netloc(site) if site else get_host(environ).lower()
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    def lookup(self, key: str) -> dict[str, Any] | None:
        """The stored page when all its tags are still at the generations it was stored with."""
        guess = self._tags_by_key.get(key, ())
        values = self._call("lookup", self.backend.get_many, key, *map(_gen_key, guess), default=None)
        if not values or values[0] is None:
            return None
        entry = values[0]
        tags = tuple(entry["tags"])
        if tags == guess:
            current = values[1:]
        else:
            self._tags_by_key[key] = tags
            current = self._call("lookup", self.backend.get_many, *map(_gen_key, tags), default=None)
            if current is None:
                return None
        return entry if [int(v or 0) for v in current] == list(entry["tags"].values()) else None

    def generations(self, tags: Iterable[str]) -> dict[str, int] | None:
        tags = sorted(set(tags) | {ALL_TAG, CLOCK_KEY})
        values = self._call("read generations", self.backend.get_many, *map(_gen_key, tags), default=None)
        return None if values is None else {tag: int(v or 0) for tag, v in zip(tags, values, strict=True)}

    def store(self, key: str, response: Response, tags: set[str], clock_before: int) -> None:
        """Keep the page unless a purge happened while it was being rendered (it may be stale)."""
        gens = self.generations(tags)
        if gens is None or gens.pop(CLOCK_KEY) != clock_before:
            return
        entry = {
            "status": response.status_code,
            "body": response.get_data(),
            "headers": [(k, v) for k, v in response.headers.items() if k.lower() not in PER_RESPONSE_HEADERS],
            "etag": response.headers.get("ETag", ""),
            "tags": gens,
        }
        self._tags_by_key[key] = tuple(gens)
        self._call("store", self.cache.set, key, entry)

    # -- purging ----------------------------------------------------------------------------
    def purge(self, tags: Iterable[str]) -> bool:
        """Bump the tags' generations. False when the cache is down: then the tags are parked
        and purged as soon as it answers again."""
        tags = sorted(set(tags))
        if not tags:
            return True
        try:
            for tag in [*tags, CLOCK_KEY]:
                self.cache.cache.inc(_gen_key(tag))
        except Exception as exc:
            self._failed("purge", exc)
            self.pending.park(tags)
            return False
        return True

    def replay_due(self) -> bool:
        """Every few seconds (and right after an outage) parked purges are replayed."""
        now = time.monotonic()
        if now - self._pending_checked_at < 5 or not self._available():
            return False
        self._pending_checked_at = now
        return True

    def apply_pending_purges(self) -> None:
        self.pending.replay(self.purge)

    # -- statistics -------------------------------------------------------------------------
    def count(self, hit: bool) -> None:
        with self._lock:
            if hit:
                self._stats.hits += 1
            else:
                self._stats.misses += 1
            if time.monotonic() - self._stats.flushed_at < 1.0:
                return
            hits, misses = self._stats.hits, self._stats.misses
            self._stats = Stats()
        self._call("count", self._add_stats, hits, misses)

    def _add_stats(self, hits: int, misses: int) -> None:
        self.cache.cache.add("stats:since", time.time(), timeout=0)
        if hits:
            self.cache.cache.inc("stats:hits", hits)
        if misses:
            self.cache.cache.inc("stats:misses", misses)

    def hit_ratio(self) -> dict[str, Any]:
        """Shared hits/misses since the counters started (the dashboard shows it)."""
        with self._lock:
            local_hits, local_misses = self._stats.hits, self._stats.misses
        values = self._call(
            "read stats", self.cache.cache.get_many, "stats:hits", "stats:misses", "stats:since", default=None
        )
        if values is None:
            return {"available": False, "backend": self.backend_name, "enabled": self.enabled}
        hits = int(values[0] or 0) + local_hits
        misses = int(values[1] or 0) + local_misses
        total = hits + misses
        return {
            "available": True,
            "backend": self.backend_name,
            "enabled": self.enabled,
            "hits": hits,
            "misses": misses,
            "ratio": hits / total if total else None,
            "since": values[2],
        }

    def purge_all(self) -> bool:
        return self.purge([ALL_TAG])


def _has_session_cookie() -> bool:
    return current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies


def _signed_in() -> bool:
    """Whether an admin is signed in (visitors without a session cookie skip the lookup)."""
    if not _has_session_cookie():
        return False
    return bool(current_user.is_authenticated)


def page_cache(app: Flask | None = None) -> PageCache:
    return (app or current_app).extensions["sgoodie.page_cache"]


def purge(app: Flask, tags: Iterable[str]) -> None:
    """Purge these tags everywhere: the page cache, then (when configured) the CDN."""
    tags = set(tags)
    if not tags:
        return
    page_cache(app).purge(tags)
    cdn.invalidate_tags(app, tags)
    # The app itself, not `current_app`'s proxy: receivers connect with the app as sender, and
    # blinker tells senders apart by identity.
    cache_purged.send(getattr(app, "_get_current_object", lambda: app)(), tags=tags)


# -- HTTP --------------------------------------------------------------------------------------
def _strong_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


PUBLIC_CACHE_CONTROL = f"public, max-age={BROWSER_MAX_AGE}, s-maxage={CDN_MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


def _public_cache_control(response: Response) -> None:
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL


class ServeCachedPages:
    """WSGI middleware answering cache hits before Flask builds a request: a hit costs one cache
    round trip and no view, hook or template. Misses go on to the app, which stores them."""

    def __init__(self, app: Flask, cache: PageCache):
        self.app, self.cache, self.next = app, cache, app.wsgi_app

    def __call__(self, environ: dict[str, Any], start_response):
        key = self.cache.cache_key(environ)
        if key is not None:
            if self.cache.replay_due():
                with self.app.app_context():
                    self.cache.apply_pending_purges()
            entry = self.cache.lookup(key)
            if entry is not None:
                self.cache.count(hit=True)
                return self._respond(entry, environ, start_response)
        return self.next(environ, start_response)

    @staticmethod
    def _respond(entry: dict[str, Any], environ: dict[str, Any], start_response):
        headers = list(entry["headers"]) + [
            ("ETag", entry["etag"]),
            ("X-Cache", "HIT"),
            ("Cache-Control", PUBLIC_CACHE_CONTROL),
        ]
        wanted = environ.get("HTTP_IF_NONE_MATCH", "")
        if wanted and (wanted.strip() == "*" or entry["etag"] in [tag.strip() for tag in wanted.split(",")]):
            start_response(
                "304 Not Modified",
                [(k, v) for k, v in headers if k.lower() not in ("content-type", "content-language")],
            )
            return []
        body = entry["body"]
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{entry['status']} {HTTP_STATUS_CODES.get(entry['status'], '')}", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def init_app(
    app: Flask,
    *,
    records: RecordStore,
    tag_paths: cdn.TagPaths,
) -> PageCache:
    """The page cache and CDN invalidations of `app`, configured from its config (`PAGE_CACHE`,
    `REDIS_URL`, `CLOUDFRONT_DISTRIBUTION_ID`). Purges that cannot reach the cache are parked in
    `records`; `tag_paths` turns purged tags into CDN paths (whoever declares a tag purges it:
    the public site's rules are `public/purges.py`)."""
    cache = PageCache(app, PendingPurges(records))
    app.extensions["sgoodie.page_cache"] = cache
    cdn.init_app(app, tag_paths)

    app.wsgi_app = ServeCachedPages(app, cache)  # type: ignore[method-assign]

    @app.before_request
    def note_the_purge_clock():
        """A miss remembers the purge clock before rendering (see PageCache.store)."""
        key = cache.cache_key(request.environ)
        g.sgoodie_cache_key = key
        if key is None:
            return None
        gens = cache.generations(())
        g.sgoodie_cache_clock = None if gens is None else gens[CLOCK_KEY]
        return None

    # Registered before the plugins' hooks, so it runs after theirs and stores the final headers.
    @app.after_request
    def cache_headers(response: Response) -> Response:
        tags = current_page_tags()
        # A page that wrote to the session (a new CSRF token, a flash message) is one visitor's.
        personal = tags and (session.modified or _has_session_cookie())
        if request.path.startswith(("/admin", "/api/")) or personal or _signed_in():
            response.headers["Cache-Control"] = "private, no-store"
            return response
        if not tags or response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        if not response.direct_passthrough:
            response.headers["ETag"] = _strong_etag(response.get_data())
        _public_cache_control(response)
        key = g.get("sgoodie_cache_key")
        if key is not None:
            response.headers["X-Cache"] = "MISS"
            cache.count(hit=False)
            clock = g.get("sgoodie_cache_clock")
            if clock is not None and request.method == "GET":
                cache.store(key, response, tags | {ALL_TAG}, clock)
        return response.make_conditional(request)

    return cache
