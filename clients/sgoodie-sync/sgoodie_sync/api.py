"""The site's publishing API (`/api/v1/`), as the client uses it: a personal access token in
`Authorization: Bearer …`, JSON in and out, errors as `{"error": {"code", "message"}}`, lists as
`{"items": [...], "next": cursor}`.

Files never pass through the site's web process: the API answers an upload form (a presigned POST
to S3 on AWS, the site's own upload endpoint on the embedded default) and the file is streamed
from disk to it, so memory stays small on both sides whatever the photo's size."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter

from . import __version__

USER_AGENT = f"sgoodie-sync/{__version__}"
TIMEOUT = (15, 120)  # connect, read (a large upload's answer comes after the whole file)
RETRIES = 5
RETRY_STATUSES = {429, 500, 502, 503, 504}
UPLOAD_CHUNK = 256 * 1024


class ApiError(Exception):
    """The site refused or failed a request; `message` is the site's own sentence."""

    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def _refusal(response: requests.Response, *, api: bool = True) -> ApiError:
    """The error of a refused request: the site's JSON error (or, for a file it could not use, the
    photo with its `error`), S3's XML error, or the status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and "message" in error:
        return ApiError(response.status_code, str(error.get("code", "")), str(error["message"]))
    if isinstance(error, str) and error:
        return ApiError(response.status_code, "refused", error)
    if api and response.status_code == 401:
        return ApiError(401, "unauthorized", "The site refused the token (revoked, expired or mistyped?).")
    s3_message = re.search(r"<Message>(.*?)</Message>", response.text, re.S)
    text = s3_message.group(1) if s3_message else " ".join(response.text.split())[:300]
    return ApiError(
        response.status_code, "http_error", f"HTTP {response.status_code} from {response.url}: {text}"
    )


class MultipartFile:
    """A multipart/form-data body (the form's fields, then `file`) read from disk while it is sent,
    with its length known up front (S3 wants a Content-Length) and each chunk reported."""

    def __init__(
        self,
        fields: dict[str, str],
        path: Path,
        filename: str,
        content_type: str,
        on_bytes: Callable[[int], None] | None = None,
    ):
        boundary = uuid.uuid4().hex
        # As browsers send it (the HTML standard): UTF-8, with quotes and line breaks escaped.
        safe_name = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        self.head, self.tail = b"".join(parts), f"\r\n--{boundary}--\r\n".encode()
        self.path, self.size = path, path.stat().st_size
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.on_bytes = on_bytes

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        with open(self.path, "rb") as stream:
            for chunk in iter(lambda: stream.read(UPLOAD_CHUNK), b""):
                yield chunk
                if self.on_bytes:
                    self.on_bytes(len(chunk))
        yield self.tail


class Api:
    def __init__(self, site: str, token: str):
        self.site = site.rstrip("/")
        self.token = token
        self._local = threading.local()  # one HTTP session (connection pool) per thread

    @property
    def http(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=2)  # the site, and storage
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            self._local.session = session
        return session

    # -- plumbing ---------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        """The JSON answer of an API call, retried on a dropped connection, 429 and 5xx (every call
        the client makes may be repeated safely); raises ApiError."""
        url = self.site + path
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        for attempt in range(RETRIES):
            try:
                response = self.http.request(
                    method, url, json=json, params=params, headers=headers, timeout=TIMEOUT
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == RETRIES - 1:
                    raise ApiError(0, "unreachable", f"Cannot reach {self.site}: {exc}") from None
                time.sleep(2**attempt)
                continue
            if response.status_code in RETRY_STATUSES and attempt < RETRIES - 1:
                time.sleep(_retry_after(response, 2**attempt))
                continue
            if response.status_code >= 400:
                raise _refusal(response)
            return response.json() if response.content else None
        raise AssertionError("unreachable")

    def pages(self, path: str, params: dict | None = None, limit: int = 100) -> Iterator[dict]:
        """Every item of a paginated list, a page at a time."""
        query = dict(params or {}, limit=limit)
        while True:
            page = self.request("GET", path, params=query)
            yield from page["items"]
            if not page.get("next"):
                return
            query["after"] = page["next"]

    # -- projects and photos ----------------------------------------------------------------------
    def project_by_slug(self, slug: str) -> dict:
        items = self.request("GET", "/api/v1/projects", params={"slug": slug, "limit": 1})["items"]
        if not items:
            raise ApiError(404, "not_found", f'The site has no project at the address "{slug}".')
        return items[0]

    def photos(self, project_id: str) -> list[dict]:
        return list(self.pages(f"/api/v1/projects/{project_id}/photos"))

    def create_photo(self, project_id: str, *, external_id: str, **file: Any) -> dict:
        """{"photo", "upload"}: the same external id again is the same photo (upload None when
        the site already has its file)."""
        return self.request(
            "POST", f"/api/v1/projects/{project_id}/photos", json={"external_id": external_id, **file}
        )

    def replace_photo(self, photo_id: str, **file: Any) -> dict:
        return self.request("POST", f"/api/v1/photos/{photo_id}/replace", json=file)

    def complete(self, photo_id: str) -> dict:
        return self.request("POST", f"/api/v1/photos/{photo_id}/complete")

    def set_text_from_file(self, photo_id: str, **words: str) -> dict:
        return self.request("PATCH", f"/api/v1/photos/{photo_id}", json={**words, "from_file": True})

    def set_order(self, project_id: str, photo_ids: list[str]) -> Any:
        return self.request(
            "PUT", f"/api/v1/projects/{project_id}/photos/order", json={"photo_ids": photo_ids}
        )

    def trash(self, photo_id: str) -> None:
        try:
            self.request("DELETE", f"/api/v1/photos/{photo_id}")
        except ApiError as error:
            if error.status != 404:  # already gone: what was asked
                raise

    def upload(self, form: dict, path: Path, filename: str, content_type: str, on_bytes=None) -> None:
        """Send the file to the upload form's address (S3, or the site's upload endpoint): no
        token goes with it; the form's signed fields are the permission."""
        body = MultipartFile(form.get("fields", {}), path, filename, content_type, on_bytes)
        url = urljoin(self.site + "/", form["url"])
        try:
            response = self.http.request(
                form.get("method", "POST"),
                url,
                data=body,
                headers={"Content-Type": body.content_type, "Content-Length": str(len(body))},
                timeout=TIMEOUT,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ApiError(0, "upload_failed", f"The upload was cut off: {exc}") from None
        if response.status_code >= 300:
            raise _refusal(response, api=False)

    # -- client galleries -------------------------------------------------------------------------
    def gallery_by_slug(self, slug: str) -> dict:
        """The client gallery at this address (its `project_id`), looked for a page at a time."""
        for gallery in self.pages("/api/v1/galleries", {"slug": slug}):
            if gallery.get("slug") == slug:
                return gallery
        raise ApiError(404, "not_found", f'The site has no client gallery at the address "{slug}".')

    def selections(self, project_id: str) -> dict:
        return self.request("GET", f"/api/v1/galleries/{project_id}/selections")


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return min(60.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default
