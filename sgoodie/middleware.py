"""Running in production: the proxy in front, request ids, JSON logs and (optionally) Sentry.

- Behind CloudFront and the load balancer, `SGOODIE_PROXY_HOPS` says how many proxies append to
  X-Forwarded-For; ProxyFix trusts exactly that many, and the scheme the last one reports, and
  only when the direct peer is one of `SGOODIE_TRUSTED_PROXIES` (the list gunicorn uses too):
  anyone else who connects directly is the client, whatever headers they send.
  X-Forwarded-Host is never trusted (a client could set it and CloudFront passes it on), and
  neither is the Host header for links: `SGOODIE_SITE_URL` is the origin of every absolute link.
- API Gateway HTTP APIs (the solo front door) write the chain in an RFC 7239 `Forwarded` header
  instead (`for=...`, `proto=...`); without X-Forwarded-For it counts the same hops.
- `SGOODIE_ALLOWED_HOSTS`, when set, refuses requests for other hosts (400), except the health
  checks, which the load balancer calls by the instance's address.
- Every response carries `X-Request-ID` (the caller's, when it sends a sane one, else a new one),
  and every log line written while serving it names it.
- `SGOODIE_LOG_FORMAT=json` (the default on the aws backend) writes one JSON object per line for
  CloudWatch Logs Insights; `text` writes plain lines for a terminal.
- Text answers (pages, CSS, JavaScript, JSON, XML) are gzipped for clients that accept it: the
  embedded default has no CDN to do it (CloudFront compresses too; it then stores the gzipped copy).
- `SENTRY_DSN` turns on error reporting through the Sentry SDK when it is installed
  (`pip install "sgoodie[sentry]"`).
"""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import json
import logging
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host

from .config import proxy_networks

log = logging.getLogger("sgoodie")
REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_KEY = "sgoodie.request_id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:=-]{8,128}")
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})  # the load balancer calls them by address


class _RequestIds:
    """Unique request ids without a system call each: a random prefix per process (drawn again
    in each forked worker) and a counter. Ids need to be unique, not secret."""

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        self.prefix = uuid.uuid4().hex[:20]
        self.counter = itertools.count()

    def __call__(self) -> str:
        return f"{self.prefix}{next(self.counter):012x}"


_new_request_id = _RequestIds()


class AssignRequestId:
    """WSGI middleware: outermost, so cache hits answered before Flask carry the id too."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if given and _SANE_ID.fullmatch(given) else _new_request_id()
        environ[REQUEST_ID_KEY] = request_id

        def start(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"] + [
                (REQUEST_ID_HEADER, request_id)
            ]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


class RefuseUnknownHosts:
    """WSGI middleware: requests for a host the site does not answer on get 400 before the page
    cache or Flask see them (health checks excepted)."""

    def __init__(self, app, hosts: list[str]):
        self.app, self.hosts = app, hosts

    def __call__(self, environ: dict[str, Any], start_response):
        if environ.get("PATH_INFO") in HEALTH_PATHS or host_is_trusted(get_host(environ), self.hosts):
            return self.app(environ, start_response)
        body = b"Unknown host.\n"
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


COMPRESSIBLE_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/xml",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    }
)
GZIP_MIN_BYTES = 1024  # below this gzip saves less than its own overhead
GZIP_ETAG_SUFFIX = "-gzip"  # the compressed answer is another representation: its own validator


class CompressText:
    """gzip for text answers to clients that accept it. Photos and fonts pass through untouched
    (they are compressed already, and media files stream). The compressed answer's ETag gets a
    suffix, which is taken off a revalidation's If-None-Match, so 304s keep working."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response):
        if environ.get("REQUEST_METHOD") == "HEAD" or not _accepts_gzip(
            environ.get("HTTP_ACCEPT_ENCODING", "")
        ):
            return self.app(environ, start_response)
        if environ.get("HTTP_IF_NONE_MATCH"):
            environ["HTTP_IF_NONE_MATCH"] = environ["HTTP_IF_NONE_MATCH"].replace(f'{GZIP_ETAG_SUFFIX}"', '"')
        held: dict[str, Any] = {}

        def start(status, headers, exc_info=None):
            named = {name.lower(): value for name, value in headers}
            content_type = named.get("content-type", "").split(";")[0].strip().lower()
            if content_type in COMPRESSIBLE_TYPES and "content-encoding" not in named and status[:3] == "200":
                held.update(status=status, headers=headers, exc_info=exc_info, chunks=[])
                return held["chunks"].append
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        if not held:
            return result
        try:
            body = b"".join([*held["chunks"], *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = [(n, v) for n, v in held["headers"] if n.lower() not in ("content-length", "etag", "vary")]
        etag = next((v for n, v in held["headers"] if n.lower() == "etag"), "")
        vary = [v for n, v in held["headers"] if n.lower() == "vary"]
        headers.append(("Vary", ", ".join([*vary, "Accept-Encoding"])))
        if len(body) >= GZIP_MIN_BYTES:
            body = gzip.compress(body, compresslevel=6)
            headers.append(("Content-Encoding", "gzip"))
            if etag.endswith('"'):
                etag = f'{etag[:-1]}{GZIP_ETAG_SUFFIX}"'
        if etag:
            headers.append(("ETag", etag))
        headers.append(("Content-Length", str(len(body))))
        start_response(held["status"], headers, held["exc_info"])
        return [body]


def _accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class TrustedProxies:
    """WSGI middleware: forwarded headers count only when the direct peer is a trusted proxy.
    Otherwise the request is answered as the peer sent it: its own address, its own scheme."""

    def __init__(self, app, hops: int, trusted: str):
        self.app, self.networks = app, proxy_networks(trusted)
        self.forwarded = ProxyFix(app, x_for=hops, x_proto=1, x_host=0, x_port=0, x_prefix=0)

    def __call__(self, environ: dict[str, Any], start_response):
        if not is_trusted_peer(environ.get("REMOTE_ADDR", ""), self.networks):
            return self.app(environ, start_response)
        if "HTTP_X_FORWARDED_FOR" not in environ and "HTTP_FORWARDED" in environ:
            environ.update(_as_x_forwarded(environ["HTTP_FORWARDED"]))
        return self.forwarded(environ, start_response)


def is_trusted_peer(address: str, networks) -> bool:
    if networks is None:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # a Unix socket or nothing: no proxy we know
    return any(ip in network for network in networks)


_FORWARDED_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')
_FORWARDED_PAIR = re.compile(r'\s*([A-Za-z]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _as_x_forwarded(header: str) -> dict[str, str]:
    """RFC 7239 `Forwarded: for=a, for="[2001:db8::1]:443";proto=https` as the X-Forwarded-For and
    -Proto ProxyFix reads: every element's `for` in order, the nearest element's `proto`."""
    elements = [dict(_pairs(element)) for element in _FORWARDED_ELEMENT.findall(header)]
    environ = {"HTTP_X_FORWARDED_FOR": ", ".join(_node(e.get("for", "unknown")) for e in elements)}
    if elements and elements[-1].get("proto"):
        environ["HTTP_X_FORWARDED_PROTO"] = elements[-1]["proto"]
    return environ


def _pairs(element: str):
    for pair in element.split(";"):
        found = _FORWARDED_PAIR.fullmatch(pair.strip())
        if found:
            yield found.group(1).lower(), found.group(2).strip().strip('"')


def _node(node: str) -> str:
    """An address without its port: `[2001:db8::1]:443` -> 2001:db8::1, `192.0.2.4:80` -> 192.0.2.4."""
    if node.startswith("["):
        return node[1:].partition("]")[0]
    return node.partition(":")[0] if node.count(":") == 1 else node


def allowed_hosts(config: dict[str, Any]) -> list[str]:
    """SGOODIE_ALLOWED_HOSTS plus the site URL's host; empty (any host) when the first is unset."""
    hosts = list(config.get("ALLOWED_HOSTS") or ())
    site = config.get("SITE_URL")
    if hosts and site:
        hosts.append(urlsplit(site).hostname or "")
    return hosts


def current_request_id() -> str:
    return request.environ.get(REQUEST_ID_KEY, "") if has_request_context() else ""


class RequestContextFilter(logging.Filter):
    """Adds the request id, method and path to records logged while serving a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = current_request_id()
            record.method, record.path = request.method, request.path
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path")  # set by RequestContextFilter

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, so sgoodie's, plugins' and libraries' records look alike."""
    fmt = app.config["LOG_FORMAT"] or ("json" if app.config["BACKEND"] == "aws" else "text")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContextFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "sgoodie", False)]:
        root.removeHandler(old)  # a second app in one process (tests) replaces, never doubles
    handler.sgoodie = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    logging.getLogger("sgoodie").propagate = True
    app.logger.handlers.clear()  # Flask's own handler would print each error twice


def init_sentry(app: Flask) -> bool:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    try:
        import sentry_sdk
    except ImportError:
        log.warning(
            "SENTRY_DSN is set but the Sentry SDK is not installed (pip install 'sgoodie[sentry]'); errors are only logged"
        )
        return False
    from sentry_sdk.integrations.flask import FlaskIntegration

    integrations = [FlaskIntegration()]
    try:
        from sentry_sdk.integrations.celery import CeleryIntegration

        integrations.append(CeleryIntegration())
    except Exception:  # celery integration unavailable: the web side still reports
        pass
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config["STAGE"],
        integrations=integrations,
        send_default_pii=False,
        traces_sample_rate=0.0,
    )
    return True


def init_app(app: Flask) -> None:
    if not app.testing:
        configure_logging(app)
    init_sentry(app)
    hops = app.config["PROXY_HOPS"]
    wsgi = app.wsgi_app
    hosts = allowed_hosts(app.config)
    if hosts:
        wsgi = RefuseUnknownHosts(wsgi, hosts)
    if hops:
        wsgi = TrustedProxies(wsgi, hops, app.config["TRUSTED_PROXIES"])
    app.wsgi_app = AssignRequestId(CompressText(wsgi))  # type: ignore[method-assign]
