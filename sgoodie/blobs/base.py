"""What every blob store is: the `BlobStore` protocol, its errors and the cache policies a file is
stored with. The backends (`local.py`, `s3.py`) implement it; `keys.py` names every file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, runtime_checkable
from urllib.parse import quote

from ..image_formats import CONTENT_TYPES

IMMUTABLE = "public, max-age=31536000, immutable"
PRIVATE = "private, no-store"  # a client gallery's files: never kept by a CDN or shared cache


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

    def presigned_get(self, key: str, *, expires_in: int, download_name: str = "") -> str | None:
        """A URL a browser may GET `key` with for `expires_in` seconds (with `download_name`,
        saved under that name), or None when the store has none (the app then serves the file
        itself). Never given out as is: the app's signed links redirect to it when still valid
        (`sgoodie.file_urls`)."""

    def prepare(self) -> None:
        """Create the folder or bucket if it is missing (`sgoodie init`). Idempotent."""

    def check(self) -> None:
        """Raise if storage cannot be reached (used by /healthz)."""


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def content_disposition(download_name: str) -> str:
    """`attachment` with the name as typed (RFC 5987) and an ASCII fallback for old browsers."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", download_name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download_name)}"
