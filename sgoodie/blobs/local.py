"""Photos on the local disk, under `<instance>/media/<key>`.

Writes go to a temporary file and are renamed into place, so a reader never sees half a photo.
Content types follow from the key's extension, as they do for the S3 objects we write.

Browsers upload to the app's own endpoint with a form shaped like an S3 presigned POST; its
token, signed with the app's secret, plays the part of the POST policy (UploadSigner). Private
files are read the same way, through links whose token plays the part of an S3 presigned GET
(LinkSigner).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from itsdangerous import SignatureExpired, URLSafeSerializer

from .base import BlobInfo, BlobNotFoundError, content_type_for

NAME_MAX = 255  # bytes in one file or folder name (ext4, APFS, tmpfs)


class _GrantSigner:
    """Signed grants with a deadline (`expires`, epoch seconds), each kind under its own salt."""

    salt = ""

    def __init__(self, secret_key: str):
        self._serializer = URLSafeSerializer(secret_key, salt=self.salt)

    def check(self, token: str) -> dict[str, Any]:
        """The grant; raises itsdangerous' BadSignature for a forged token, SignatureExpired (a
        subclass) for a late one."""
        grant = self._serializer.loads(token)
        if time.time() > grant["expires"]:
            raise SignatureExpired("the grant has expired", payload=grant)
        return grant


class UploadSigner(_GrantSigner):
    """Grants to store one file: this key, this type, at most this many bytes, until a deadline.
    The store signs them into its presigned posts; the upload endpoint checks them."""

    salt = "sgoodie.local-upload"

    def sign(self, key: str, *, content_type: str, max_bytes: int, expires_in: int) -> str:
        grant = {"key": key, "type": content_type, "max": max_bytes, "expires": int(time.time()) + expires_in}
        return self._serializer.dumps(grant)


class LocalBlobStore:
    def __init__(
        self,
        root: str | Path,
        *,
        signer: UploadSigner | None = None,
        upload_url: Callable[[], str] | None = None,
    ):
        self.root = Path(root).resolve()
        self.signer = signer
        self.upload_url = (
            upload_url  # the app's upload endpoint, resolved when a form is made (needs a request)
        )

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        upload_url: Callable[[], str] | None = None,
    ) -> LocalBlobStore:
        return cls(
            Path(config["INSTANCE_PATH"]) / "media",
            signer=UploadSigner(config["SECRET_KEY"]),
            upload_url=upload_url,
        )

    def path(self, key: str) -> Path:
        """The file for `key`, refusing anything that would escape the media folder or that no
        file can be named (a NUL byte, a name longer than the filesystem allows): no such blob."""
        if "\x00" in key or any(len(part.encode()) > NAME_MAX for part in key.split("/")):
            raise BlobNotFoundError(key)
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise BlobNotFoundError(key)
        return path

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str | None = None) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_stream(self, key: str, stream: BinaryIO, *, max_bytes: int) -> int:
        """Copy a stream into `key` (the local upload endpoint), refusing more than `max_bytes`.
        Returns the size written."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        written = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                while chunk := stream.read(1 << 20):
                    written += len(chunk)
                    if written > max_bytes:
                        raise ValueError(f"the file is larger than the {max_bytes} bytes allowed")
                    fh.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return written

    def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int = 600
    ) -> dict[str, Any]:
        """A form for the app's upload endpoint, its token the grant for this key, type and size."""
        if self.signer is None or self.upload_url is None:
            raise RuntimeError("this blob store was made without an upload endpoint (see create_blob_store)")
        token = self.signer.sign(key, content_type=content_type, max_bytes=max_bytes, expires_in=expires_in)
        return {"url": self.upload_url(), "fields": {"token": token, "Content-Type": content_type}}

    def presigned_get(self, key: str, *, expires_in: int, download_name: str = "") -> str | None:
        """None: the disk has no URLs of its own; the app's signed-link route serves the file."""
        return None

    def copy(self, source: str, target: str, *, cache_control: str | None = None) -> None:
        with self.open(source) as stream:
            self.put_stream(target, stream, max_bytes=1 << 62)

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFoundError(key) from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFoundError(key) from None

    def head(self, key: str) -> BlobInfo | None:
        try:
            path = self.path(key)
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError, BlobNotFoundError):
            return None
        if not path.is_file():
            return None
        return BlobInfo(key, size, content_type_for(key))

    def delete_many(self, keys: Iterable[str]) -> None:
        for key in keys:
            try:
                self.path(key).unlink(missing_ok=True)
            except (BlobNotFoundError, IsADirectoryError):
                continue

    def delete_prefix(self, prefix: str) -> None:
        target = self.path(prefix.rstrip("/")) if prefix.strip("/") else None
        if target is None:
            raise ValueError("refusing to delete the whole media folder")
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            self.delete_many(self.list_keys(prefix))

    def list_keys(self, prefix: str) -> list[str]:
        base = self.root / prefix
        search_root = base if base.is_dir() else base.parent
        if not search_root.exists():
            return []
        keys = []
        for path in search_root.rglob("*"):
            if path.is_file() and not path.name.startswith(".upload-"):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def prepare(self) -> None:
        """Create the media folder (`sgoodie init`)."""
        self.root.mkdir(parents=True, exist_ok=True)

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"{self.root} is not writable")
