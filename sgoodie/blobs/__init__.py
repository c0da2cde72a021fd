"""Photo file storage: one interface, two backends (local disk for the embedded default, S3 on AWS).

Keys (docs/architecture.md, storage layout):
- originals  `projects/{project_id}/original/{photo_id}.{ext}` (private, never served publicly)
- variants   `projects/{project_id}/variants/{photo_id}/{width}.{avif|webp|jpg}` (immutable)
- page photos  `pages/{page_id}/original/{image_id}.{ext}` and
               `pages/{page_id}/variants/{image_id}/{width}.{avif|webp|jpg}`
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, runtime_checkable

from ..image_formats import CONTENT_TYPES, OUTPUT_FORMATS

IMMUTABLE = "public, max-age=31536000, immutable"
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

    def prepare(self) -> None:
        """Create the folder or bucket if it is missing (`sgoodie init`). Idempotent."""

    def check(self) -> None:
        """Raise if storage cannot be reached (used by /healthz)."""


def original_key(project_id: str, photo_id: str, extension: str) -> str:
    return f"projects/{project_id}/original/{photo_id}.{extension.lower().lstrip('.')}"


def variant_prefix(project_id: str, photo_id: str) -> str:
    return f"projects/{project_id}/variants/{photo_id}/"


def variant_key(project_id: str, photo_id: str, width: int, fmt: str) -> str:
    return f"{variant_prefix(project_id, photo_id)}{width}.{FORMAT_EXTENSIONS[fmt]}"


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


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def create_blob_store(config: Mapping[str, Any], *, upload_url: Callable[[], str] | None = None) -> BlobStore:
    """`upload_url` gives the app's own upload endpoint: the local store's presigned posts go there
    (S3's go to the bucket)."""
    if config["BACKEND"] == "aws":
        from .s3 import S3BlobStore

        return S3BlobStore.from_config(config)
    from .local import LocalBlobStore

    return LocalBlobStore.from_config(config, upload_url=upload_url)


def public_url(key: str) -> str:
    """Where a browser fetches a variant or page image: the CDN when MEDIA_BASE_URL is set,
    otherwise the app's own /media/ route."""
    from flask import current_app, url_for

    base = current_app.config.get("MEDIA_BASE_URL")
    if base:
        return f"{base}/{key}"
    return url_for("media.file", key=key)
