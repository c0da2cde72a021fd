"""Request bodies are bounded before they are read (bodies.py): each endpoint's limit, 413 at
once for a declared length over it and while streaming for a body without one, the form fields
of a multipart body within one memory budget, malformed JSON (too deep, not Unicode) a 400.

The last test is a benchmark in the form of a test: it sends bodies larger than any limit, and
deeply nested ones, to every route that takes a body (found in the URL map, so a new route is
covered without changing this file) and checks the memory the process allocates while serving
each one. bench/request_bodies.py does the same against a real gunicorn worker."""

from __future__ import annotations

import io
import tracemalloc
from dataclasses import dataclass

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from sgoodie import bodies
from sgoodie.media.api import SNS_BODY_LIMIT
from sgoodie.services import services

BODY_METHODS = {"POST", "PUT", "PATCH"}


class Pattern(io.RawIOBase):
    """A request body made as it is read, never held whole: `head`, then `unit` over and over,
    `size` bytes in all. It records how much was read."""

    def __init__(self, head: bytes, unit: bytes, size: int):
        self.head, self.unit, self.size, self.pos = head, unit, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.pos = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence] + offset
        return self.pos

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self.size - self.pos))
        if count:
            start = self.pos - len(self.head)
            if start < 0:
                chunk = (self.head[self.pos :] + self.unit * (count // len(self.unit) + 1))[:count]
            else:
                offset = start % len(self.unit)
                chunk = (self.unit * ((offset + count) // len(self.unit) + 1))[offset : offset + count]
            buffer[:count] = chunk
            self.pos += count
        return count


def _send(
    app,
    url,
    body: io.RawIOBase,
    content_type: str,
    *,
    declared: bool = True,
    headers=None,
    cookie="",
    method="POST",
):
    """POST (or `method`) through the whole WSGI stack. `declared=False` sends no Content-Length,
    as a chunked request arrives from gunicorn (its input marked terminated)."""
    environ = EnvironBuilder(
        path=url, method=method, input_stream=body, content_type=content_type, headers=headers or {}
    ).get_environ()
    if not declared:
        del environ["CONTENT_LENGTH"]
        environ["wsgi.input_terminated"] = True
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    app_iter, status, response_headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter), response_headers


def _multipart(boundary: str, fields: dict[str, str]) -> bytes:
    return b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )


# -- the limits -----------------------------------------------------------------------------------
def test_each_endpoint_has_the_limit_that_fits_what_it_takes(app):
    config = app.config
    upload = config["MAX_UPLOAD_BYTES"]

    def limits(endpoint, mimetype="application/x-www-form-urlencoded"):
        return bodies.limit_for(app, endpoint).resolve(config, mimetype)

    assert limits("contact.send") == (64 * 1024, 64 * 1024)
    assert limits("media_api.s3_events", "text/plain") == (SNS_BODY_LIMIT, SNS_BODY_LIMIT)
    assert limits("admin.settings") == (256 * 1024, 256 * 1024)
    assert limits("media_api.create_upload", "application/json") == (bodies.DEFAULT_LIMIT,) * 2
    assert limits(None) == (bodies.DEFAULT_LIMIT,) * 2  # a URL no route matched
    # The ones that take photos: large only for multipart bodies, whose files go to disk.
    assert limits("admin.edit_page")[0] == 256 * 1024
    assert limits("admin.edit_page", "multipart/form-data") == (
        256 * 1024 + upload + bodies.MULTIPART_ROOM,
        256 * 1024,
    )
    assert limits("media_api.upload_target", "multipart/form-data")[1] == 4 * 1024
    # The settings take a logo: 5 MB of file at most.
    assert (
        limits("admin.settings", "multipart/form-data")[0]
        == 256 * 1024 + 5 * 1024 * 1024 + bodies.MULTIPART_ROOM
    )
    large = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if limits(rule.endpoint, "multipart/form-data")[0] > 1024 * 1024
    }
    assert large == {"admin.edit_page", "admin.settings", "media_api.upload_target"}


def test_a_declared_length_over_the_limit_is_refused_before_anything_reads_it(app):
    body = Pattern(b"[", b"0,", 10 * 1024 * 1024)
    status, payload, headers = _send(app, "/api/media/s3-events", body, "text/plain")
    assert status == 413 and body.pos == 0
    assert payload == (
        b'{"error":{"code":"too_large","message":"This request is larger than the 320 KB this address accepts."}}\n'
    )
    page = Pattern(b"message=", b"x", 10 * 1024 * 1024)
    status, html, headers = _send(app, "/contact", page, "application/x-www-form-urlencoded")
    assert status == 413 and page.pos == 0
    assert dict(headers)["Content-Type"].startswith("text/html")
    assert b"That request is too large" in html and b"larger than the 64 KB this address accepts" in html


def test_a_body_without_a_length_is_cut_off_at_the_limit(app):
    body = Pattern(b"message=", b"x", 10 * 1024 * 1024)
    status, html, _ = _send(app, "/contact", body, "application/x-www-form-urlencoded", declared=False)
    assert status == 413 and b"64 KB" in html
    assert body.pos <= 64 * 1024 + 1  # read up to the limit (and the byte that passes it), no further
    events = Pattern(b"[", b"0,", 10 * 1024 * 1024)
    status, _, _ = _send(app, "/api/media/s3-events", events, "text/plain", declared=False)
    assert status == 413 and events.pos <= SNS_BODY_LIMIT + 1


def test_the_fields_of_a_multipart_form_share_one_memory_budget(app):
    """werkzeug holds each field to a limit; here they are held to the view's limit together, so
    the upload target (a token and a type besides the file) cannot be sent megabytes of fields."""
    boundary = "b0undary"
    fields = _multipart(boundary, {f"f{i}": "x" * 1000 for i in range(8)}) + f"--{boundary}--\r\n".encode()
    status, payload, _ = _send(
        app, "/api/media/upload", io.BytesIO(fields), f"multipart/form-data; boundary={boundary}"
    )
    assert status == 413 and b"too_large" in payload


def test_too_deeply_nested_json_is_malformed_not_a_server_error(app, admin):
    nested = "[" * 50_000
    assert app.json.loads("[[1]]") == [[1]]
    with pytest.raises(ValueError):
        app.json.loads(nested)
    assert admin.client.post("/api/media/s3-events", data=nested).status_code == 400
    response = admin.client.post(
        "/api/media/uploads",
        data=nested,
        content_type="application/json",
        headers={"X-CSRFToken": admin.csrf_token("/admin/")},
    )
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_json_text_that_is_not_unicode_is_malformed(app, admin, portfolio):
    project = portfolio.project("Surrogates", photos=0)
    body = '{"project_id": "%s", "filename": "\\ud800.jpg", "content_type": "image/jpeg", "size": 10}'
    response = admin.client.post(
        "/api/media/uploads",
        data=body % project.id,
        content_type="application/json",
        headers={"X-CSRFToken": admin.csrf_token("/admin/")},
    )
    assert response.status_code == 400
    assert admin.client.post("/api/media/s3-events", data='{"Type": "\\udfff"}').status_code == 400


# -- the benchmark ---------------------------------------------------------------------------------
GROWTH_LIMIT = 3 * 1024 * 1024  # what serving one body may allocate at its peak


@dataclass
class Served:
    endpoint: str
    signed_in: bool
    shape: str
    declared: bool  # sent with a Content-Length (else streamed, as chunked)
    status: int
    read: int  # bytes of the body the app read
    limit: int
    allocated: int  # peak bytes allocated while serving it


def _body_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, URL, method) of every route taking a body (POST, or the PUT or PATCH it takes);
    path arguments get a real page (the page form then reads its body as it would) or an id
    nothing has."""
    adapter = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.methods & BODY_METHODS:
            values = {
                name: "about" if name == "page_id" else "nothing-has-this-id" for name in rule.arguments
            }
            method = "POST" if "POST" in rule.methods else sorted(rule.methods & BODY_METHODS)[0]
            routes.append((rule.endpoint, adapter.build(rule.endpoint, values, method=method), method))
    return sorted(routes, key=lambda route: (route[0] == "admin.logout", route))  # signing out last


def _shapes(size: int, grant_fields: dict[str, str]):
    """(name, body, content type): the shapes a large body takes, each `size` bytes."""
    boundary = "b0undary"
    head = _multipart(boundary, grant_fields)
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n{"x" * 4000}\r\n'.encode()
    file = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'.encode()
    field = f'--{boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n'.encode()
    multipart = f"multipart/form-data; boundary={boundary}"
    return [
        ("json array", Pattern(b"[", b"0,", size), "application/json"),
        ("form field", Pattern(b"message=", b"x", size), "application/x-www-form-urlencoded"),
        (
            "many form fields",
            Pattern(b"", b"message=xxxxxxxxxxxxxxxxxxxxxxxx&", size),
            "application/x-www-form-urlencoded",
        ),
        ("multipart field", Pattern(head + field, b"x", size), multipart),
        ("multipart fields", Pattern(head, part, size), multipart),
        ("multipart file", Pattern(head + file, b"\xff", size), multipart),
    ]


def _nested(limit: int):
    depth = min(limit, 256 * 1024) - 16
    return [
        ("nested arrays", Pattern(b"", b"[", depth), "application/json"),
        ("nested objects", Pattern(b"", b'{"a":', depth - depth % 5), "application/json"),
        ("nested as text", Pattern(b"", b"[", depth), "text/plain"),
    ]


def test_no_body_makes_the_process_allocate_more_than_a_few_mb(app, client, admin, portfolio):
    app.config["MAX_UPLOAD_BYTES"] = 8 * 1024 * 1024  # the upload routes' limit, scaled down for speed
    big = 2 * bodies.max_upload_bytes(app.config)  # more than any route accepts
    project = portfolio.project("Bodies", photos=0)
    csrf = admin.csrf_token("/admin/")
    cookie = f"session={admin.client.get_cookie('session').value}"
    anonymous = {"headers": {}, "cookie": ""}
    signed_in = {"headers": {"X-CSRFToken": csrf}, "cookie": cookie}

    def grant() -> dict[str, str]:
        """A fresh upload grant, so the upload target parses its body past the token check."""
        response = admin.post_json(
            "/api/media/uploads",
            {"project_id": project.id, "filename": "a.jpg", "content_type": "image/jpeg", "size": 1000},
        )
        return response.get_json()["upload"]["fields"]

    routes = _body_routes(app)
    assert {"contact.send", "media_api.s3_events", "media_api.upload_target", "admin.edit_page"} <= {
        endpoint for endpoint, _, _ in routes
    }
    for endpoint, url, method in routes:  # warm up: templates compiled, modules imported, caches filled
        for who in (anonymous, signed_in) if endpoint != "admin.logout" else (anonymous,):
            _send(app, url, io.BytesIO(b"{}"), "application/json", method=method, **who)

    results = []
    tracemalloc.start()
    try:
        for endpoint, url, method in routes:
            limit = bodies.limit_for(app, endpoint).resolve(app.config, "application/json")[0]
            for who in (anonymous, signed_in):
                fields = grant() if who is signed_in and endpoint == "media_api.upload_target" else {}
                cases = [(name, body, kind, True) for name, body, kind in _shapes(big, fields)]
                cases += [(name, body, kind, False) for name, body, kind in _shapes(big, fields)]
                cases += [(name, body, kind, True) for name, body, kind in _nested(limit)]
                if who is anonymous:  # what an anonymous body may make the parser build
                    cases.append(
                        ("largest json", Pattern(b"[", b"{},", limit - 16), "application/json", True)
                    )
                    cases.append(
                        ("largest json as text", Pattern(b"[", b"{},", limit - 16), "text/plain", True)
                    )
                for name, body, kind, declared in cases:
                    limit = bodies.limit_for(app, endpoint).resolve(app.config, kind.split(";")[0])[0]
                    tracemalloc.reset_peak()
                    before = tracemalloc.get_traced_memory()[0]
                    status, _, _ = _send(app, url, body, kind, declared=declared, method=method, **who)
                    grown = tracemalloc.get_traced_memory()[1] - before
                    results.append(
                        Served(endpoint, who is signed_in, name, declared, status, body.pos, limit, grown)
                    )
    finally:
        tracemalloc.stop()

    assert len(results) == len(routes) * (2 * 15 + 2)
    assert [r for r in results if r.status >= 500] == []  # never a server error
    large = [r for r in results if not r.shape.startswith(("nested", "largest"))]
    # A declared length over the limit: refused, not one byte read.
    assert [r for r in large if r.declared and (r.status != 413 or r.read)] == []
    # The same body streamed: never read past the limit, and refused once it passed it (a view
    # that does not read a body of that type, a JSON one sent to a form, answers as it would).
    assert [r for r in large if not r.declared and r.read > r.limit + 1] == []
    assert [r for r in large if not r.declared and r.read > r.limit and r.status != 413] == []
    assert sum(1 for r in large if not r.declared and r.status == 413) > len(routes)
    worst = max(results, key=lambda r: r.allocated)
    assert worst.allocated < GROWTH_LIMIT, f"{worst}: allocated {worst.allocated / 1048576:.1f} MB"


NOT_OBJECTS = ("[1]", '"x"', "1", "null", "true")


def test_json_that_is_not_an_object_is_a_400_with_the_json_error_shape(app, admin, portfolio):
    project = portfolio.project("Orders", photos=1)
    for url in (
        "/admin/projects/reorder",
        f"/admin/projects/{project.id}/photos/reorder",
        "/api/media/uploads",
    ):
        for body in NOT_OBJECTS:
            response = _post_json_text(admin, url, body)
            assert response.status_code == 400, (url, body)
            assert response.get_json()["error"]["code"] == "bad_request", (url, body)


def test_no_post_route_fails_on_json_that_is_not_an_object(app, admin, portfolio):
    """The sweep: every route taking a body, signed in, with real ids, never answers 500."""
    project = portfolio.project("Sweep", photos=1)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
    ids = {"project_id": project.id, "photo_id": photo.id, "page_id": "about"}
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.methods & BODY_METHODS or rule.endpoint == "admin.logout":
            continue
        url = adapter.build(rule.endpoint, {n: ids.get(n, "nothing-has-this-id") for n in rule.arguments})
        for body in NOT_OBJECTS:
            assert _post_json_text(admin, url, body).status_code < 500, (rule.endpoint, body)


def _post_json_text(admin, url: str, body: str):
    headers = {"X-CSRFToken": admin.csrf_token("/admin/"), "Accept": "application/json"}
    return admin.client.post(url, data=body, content_type="application/json", headers=headers)
