"""Photos on the local disk, under `<instance>/media/<key>`.

Writes go to a temporary file and are renamed into place, so a reader never sees half a photo.
Content types follow from the key's extension, as they do for the S3 objects we write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Mapping

from . import BlobInfo, BlobNotFoundError, content_type_for


class LocalBlobStore:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LocalBlobStore:
        return cls(Path(config["INSTANCE_PATH"]) / "media")

    def path(self, key: str) -> Path:
        """The file for `key`, refusing anything that would escape the media folder."""
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

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFoundError(key) from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFoundError(key) from None

    def head(self, key: str) -> BlobInfo | None:
        try:
            path = self.path(key)
            size = path.stat().st_size
        except (FileNotFoundError, BlobNotFoundError):
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
