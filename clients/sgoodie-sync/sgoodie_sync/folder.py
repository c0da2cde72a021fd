"""The folder side of a sync: which files are photos, the key each one is known by on the site
(its path relative to the folder), their content hash and their own words.

Hashing 400 exports of 30 MB takes a while, so what was learnt about each file is kept in
`FOLDER/.sgoodie-sync.json` by size and modification time: a file that has neither changed is not
read again. The cache holds only facts about local files; what the site has is always asked from
the site, so deleting the cache costs time, never correctness."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from .metadata import FileText, read_file_text

STATE_FILE = ".sgoodie-sync.json"
STATE_VERSION = 1
# What the site accepts (its upload formats), by file extension.
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".gif": "image/gif",
}
ACCEPTED_FORMATS = "JPEG, PNG, WebP, AVIF, HEIC, TIFF or GIF"
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class LocalPhoto:
    """One photo file of the folder, as the sync compares it with the site."""

    external_id: str  # the path relative to the folder: POSIX separators, Unicode NFC
    path: Path
    size: int
    mtime_ns: int
    sha256: str
    text: FileText

    @property
    def filename(self) -> str:
        return self.external_id.rsplit("/", 1)[-1]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.path.suffix.lower()]


def external_id(folder: Path, path: Path) -> str:
    """The key of a file on the site: the same on macOS (which hands out NFD names), Windows and
    Linux, so the same export synced from another computer finds the same photos."""
    return unicodedata.normalize("NFC", path.relative_to(folder).as_posix())


def photo_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(photo files, other files) under the folder, hidden files and folders left out (`.DS_Store`,
    macOS's `._` companions, the state file, `.lrdata` previews and the like)."""
    photos, others = [], []
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            (photos if path.suffix.lower() in CONTENT_TYPES else others).append(path)
    return photos, others


def natural_key(text: str) -> tuple:
    """ "IMG_2.jpg" before "IMG_10.jpg": numbers compare as numbers, the rest ignoring case (the
    exact text only breaks ties)."""
    parts = [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text)
    ]
    return (parts, text)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class StateCache:
    """What was learnt about each file, by external id, valid while its size and mtime hold."""

    def __init__(self, folder: Path):
        self.path = folder / STATE_FILE
        self.entries: dict[str, dict] = {}
        try:
            saved = json.loads(self.path.read_text("utf-8"))
            if saved.get("version") == STATE_VERSION:
                self.entries = dict(saved.get("files", {}))
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or an unreadable one: everything is read afresh

    def get(self, key: str, size: int, mtime_ns: int) -> tuple[str, FileText] | None:
        entry = self.entries.get(key)
        if not entry or entry.get("size") != size or entry.get("mtime_ns") != mtime_ns:
            return None
        return entry["sha256"], FileText(**entry["text"])

    def put(self, photo: LocalPhoto) -> None:
        self.entries[photo.external_id] = {
            "size": photo.size,
            "mtime_ns": photo.mtime_ns,
            "sha256": photo.sha256,
            "text": asdict(photo.text),
        }

    def save(self, keep: Iterable[str]) -> None:
        """Write the cache (only the files still there), atomically; a read-only folder keeps none."""
        kept = set(keep)
        data = {"version": STATE_VERSION, "files": {k: v for k, v in self.entries.items() if k in kept}}
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass


def scan(
    folder: Path,
    *,
    use_cache: bool = True,
    on_file: Callable[[int, int], None] | None = None,
) -> tuple[list[LocalPhoto], list[Path]]:
    """Every photo of the folder (in natural order) with its hash and words (from the cache where
    still valid), and the files that are not photos (the output names them: nothing is skipped
    silently)."""
    paths, others = photo_files(folder)
    paths.sort(key=lambda path: natural_key(external_id(folder, path)))
    cache = StateCache(folder) if use_cache else None
    photos = []
    for number, path in enumerate(paths, 1):
        stat = path.stat()
        key = external_id(folder, path)
        known = cache.get(key, stat.st_size, stat.st_mtime_ns) if cache else None
        sha256, text = known if known else (sha256_of(path), read_file_text(path))
        photo = LocalPhoto(key, path, stat.st_size, stat.st_mtime_ns, sha256, text)
        if cache:
            cache.put(photo)
        photos.append(photo)
        if on_file:
            on_file(number, len(paths))
    if cache:
        cache.save(photo.external_id for photo in photos)
    return photos, others
