"""Photo file storage: one interface, two backends (local disk for the embedded default, S3 on AWS).

Keys (docs/architecture.md, storage layout):
- originals  `projects/{project_id}/original/{photo_id}.{ext}` (private, never served publicly)
- variants   `projects/{project_id}/variants/{photo_id}/{width}.{avif|webp|jpg}` (immutable)
- page photos  `pages/{page_id}/original/{image_id}.{ext}` and
               `pages/{page_id}/variants/{image_id}/{width}.{avif|webp|jpg}`
- client galleries' variants  `private/projects/{project_id}/variants/{photo_id}/{width}.{ext}`
- plugins' private files  `private/plugins/{plugin}/...` (a gallery's ZIP, say)

Everything under `private/` (and every original) is read by browsers only through a signed,
short-lived URL (`signed_url`): S3 presigned GETs on AWS, the app's own signed links locally.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, runtime_checkable

from ..image_formats import CONTENT_TYPES, OUTPUT_FORMATS

IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"  # a client gallery's files: never kept by a CDN or shared cache
PRIVATE_PREFIX = "private/"
# Signed links live between one and two hours: they are rounded to the hour, so the same photo
# keeps the same URL for a while (the browser reuses what it fetched) yet a copied link dies soon.
SIGNED_URL_SECONDS = 3600
FORMAT_EXTENSIONS = {fmt.name: fmt.extension for fmt in OUTPUT_FORMATS}


class BlobNotFoundError(FileNotFoundError):
    pass


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int
    content_type: str


@runtime_checkable
class BlobStore(Protocol):
    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str | None = None) -> None: ...

    def put_stream(self, key: str, stream: BinaryIO, *, max_bytes: int) -> int:
        """Copy `stream` into `key` without holding it in memory; the type follows from the key's
        extension. More than `max_bytes` raises ValueError and leaves nothing stored. Returns the size."""

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int = 600
    ) -> dict[str, Any]:
        """{url, fields}: a browser POSTs the fields plus `file` (multipart/form-data) to `url`, and
        the file is stored at `key` if it has this type, at most `max_bytes` bytes, and arrives
        within `expires_in` seconds. The admin's uploader is the same code on every backend."""

    def get(self, key: str) -> bytes:
        """The whole object; raises BlobNotFoundError."""

    def open(self, key: str) -> BinaryIO:
        """A readable file object (streamed where the backend allows); raises BlobNotFoundError."""

    def head(self, key: str) -> BlobInfo | None:
        """Size and type, or None when there is no such object."""

    def delete_many(self, keys: Iterable[str]) -> None:
        """Remove these objects; missing ones are ignored."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under `prefix`."""

    def list_keys(self, prefix: str) -> list[str]: ...

    def copy(self, source: str, target: str, *, cache_control: str | None = None) -> None:
        """Copy one object to another key (same type), streamed; raises BlobNotFoundError."""

    def signed_url(self, key: str, *, expires_at: int, download_name: str = "") -> str:
        """A URL a browser may GET `key` with until `expires_at` (epoch seconds), and no longer;
        with `download_name`, the browser saves it under that name."""

    def prepare(self) -> None:
        """Create the folder or bucket if it is missing (`sgoodie init`). Idempotent."""

    def check(self) -> None:
        """Raise if storage cannot be reached (used by /healthz)."""


def original_key(project_id: str, photo_id: str, extension: str) -> str:
    return f"projects/{project_id}/original/{photo_id}.{extension.lower().lstrip('.')}"


def variant_prefix(project_id: str, photo_id: str, *, private: bool = False) -> str:
    """Where a photo's variants live: public, or (a client gallery's) under `private/`."""
    return f"{PRIVATE_PREFIX if private else ''}projects/{project_id}/variants/{photo_id}/"


def variant_key(project_id: str, photo_id: str, width: int, fmt: str, *, private: bool = False) -> str:
    return f"{variant_prefix(project_id, photo_id, private=private)}{width}.{FORMAT_EXTENSIONS[fmt]}"


def project_prefixes(project_id: str) -> tuple[str, str]:
    """Every file of a project lives under one of these (deleting the project removes both)."""
    return f"projects/{project_id}/", f"{PRIVATE_PREFIX}projects/{project_id}/"


def is_private_key(key: str) -> bool:
    return key.startswith(PRIVATE_PREFIX)


def plugin_file_key(plugin: str, name: str) -> str:
    """A plugin's private file (served only through signed URLs)."""
    return f"{PRIVATE_PREFIX}plugins/{plugin}/{name}"


def page_original_key(page_id: str, image_id: str, extension: str) -> str:
    return f"pages/{page_id}/original/{image_id}.{extension.lower().lstrip('.')}"


def page_variant_prefix(page_id: str, image_id: str) -> str:
    return f"pages/{page_id}/variants/{image_id}/"


# `{projects|pages}/<id>/variants/<id>/<width>.<ext>`: ids are uuids or page ids (`work-travel`),
# files a width and an extension. Nothing else (no dots in ids, no NUL, no spaces) is ever served.
_PUBLIC_KEY = re.compile(
    r"(?:projects|pages)/[A-Za-z0-9_-]{1,64}/variants/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_-]{1,32}\.[a-z0-9]{1,8}"
)


def is_public_key(key: str) -> bool:
    """Variants and page images may be served; originals stay private. A key from a URL is
    checked against the shape of the keys we write before it reaches storage."""
    return bool(_PUBLIC_KEY.fullmatch(key))


# What a signed link may name: a private file or an original (ids as above, file names the same).
_SIGNABLE_KEY = re.compile(
    r"(?:private/(?:projects/[A-Za-z0-9_-]{1,64}/variants/[A-Za-z0-9_-]{1,64}"
    r"|plugins/[A-Za-z0-9_-]{1,64}(?:/[A-Za-z0-9_-]{1,64}){0,3})"
    r"|projects/[A-Za-z0-9_-]{1,64}/original)/[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}"
)


def is_signable_key(key: str) -> bool:
    """Keys a signed link may serve: client galleries' variants, plugins' private files,
    originals (a client's download). Checked again where a signed link is served."""
    return bool(_SIGNABLE_KEY.fullmatch(key))


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def content_disposition(download_name: str) -> str:
    """`attachment` with the name as typed (RFC 5987) and an ASCII fallback for old browsers."""
    from urllib.parse import quote

    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", download_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name)}"


def create_blob_store(
    config: Mapping[str, Any],
    *,
    upload_url: Callable[[], str] | None = None,
    signed_link: Callable[[str], str] | None = None,
) -> BlobStore:
    """`upload_url` gives the app's own upload endpoint, `signed_link(token)` the app's URL serving
    a signed token: the local store's presigned posts and signed URLs go there (S3's go to the
    bucket)."""
    if config["BACKEND"] == "aws":
        from .s3 import S3BlobStore

        return S3BlobStore.from_config(config)
    from .local import LocalBlobStore

    return LocalBlobStore.from_config(config, upload_url=upload_url, signed_link=signed_link)


def public_url(key: str) -> str:
    """Where a browser fetches a variant or page image: the CDN when MEDIA_BASE_URL is set,
    otherwise the app's own /media/ route."""
    from flask import current_app, url_for

    base = current_app.config.get("MEDIA_BASE_URL")
    if base:
        return f"{base}/{key}"
    return url_for("media.file", key=key)


def signed_url(key: str, *, download_name: str = "", seconds: int = SIGNED_URL_SECONDS) -> str:
    """A short-lived URL for a private file (a client gallery's variant, an original to download,
    a plugin's file). Expiry is rounded up to the next whole `seconds` past `seconds` from now."""
    import time

    from ..services import services

    if not is_signable_key(key):
        raise ValueError(f"{key!r} is not a file a signed link may serve")
    expires_at = (int(time.time()) // seconds + 2) * seconds
    return services().blobs.signed_url(key, expires_at=expires_at, download_name=download_name)


def media_url(key: str) -> str:
    """A browser's URL for any variant: public ones at their public address, a client gallery's
    through a signed link."""
    return signed_url(key) if is_private_key(key) else public_url(key)
