"""`sgoodie export` and `sgoodie import`: the whole site in one portable archive.

The archive is a plain (uncompressed: photos are compressed already) tar file, readable with any
tar tool, written and read as a stream so memory stays flat whatever the size of the site:

    sgoodie-archive/manifest.json            format, version, where it came from, counts
    sgoodie-archive/content/pages.jsonl      pages, site settings, the category list
    sgoodie-archive/content/admins.jsonl     admin accounts (password hashes; never sessions)
    sgoodie-archive/content/portfolio.jsonl  per project: the project, its photos in order, its cover
    sgoodie-archive/content/records.jsonl    revisions, trash, schedule, activity, plugin data
    sgoodie-archive/files/<storage key>      originals (and variants with --variants; none with
                                             --no-files, when the photos are backed up apart)
    sgoodie-archive/checksums.sha256         SHA-256 of every member above, in archive order
                                             (`sha256sum -c` checks an extracted archive)

Import reads the archive twice: first every checksum (nothing is written unless the whole archive
is intact), then it applies each item unless the site has it already, so an interrupted import
simply runs again and a finished one changes nothing when repeated. It goes only into an empty
site (or the site this same archive was being imported into). Missing variants are rebuilt by the
image jobs afterwards. Not carried: sessions, sign-in throttling, parked cache purges, upload
claims (all short-lived), and a renamed project's old addresses (its redirects).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app

from .blobs import IMMUTABLE, content_type_for, in_trash, is_public_key, is_variant_key
from .content import activity, revisions, schedule, trash
from .domain import (
    CATEGORIES_PAGE_ID,
    PAGE_IDS,
    SITE_PAGE_ID,
    AdminUser,
    Page,
    Photo,
    Project,
    from_record,
    new_id,
    to_record,
    utcnow,
)
from .services import services, stored_categories
from .stores import ConflictError
from .version import __version__

FORMAT = "sgoodie-archive"
VERSION = 1
ROOT = "sgoodie-archive/"
MANIFEST = ROOT + "manifest.json"
CHECKSUMS = ROOT + "checksums.sha256"
CONTENT = ("pages", "admins", "portfolio", "records")
FILES = ROOT + "files/"
IMPORTS = "imports"  # records: archive id -> when an import of it started / finished
CHUNK = 1 << 20

Progress = Callable[[int, int], None]  # (members done, members in all)


def _quiet(done: int, total: int) -> None:
    pass


class ArchiveError(Exception):
    """The archive cannot be used (damaged, not an sgoodie archive, wrong target); says why."""


class _Hashing:
    """A read-only stream that hashes what passes through it."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


# -- export --------------------------------------------------------------------------------------
def export(
    path: str | os.PathLike, *, variants: bool = False, files: bool = True, progress: Progress = _quiet
) -> dict:
    """Write the site to `path` (through `path.partial`, renamed at the end). Returns the manifest.
    `files=False` leaves every photo file out (the single server's nightly content archive: its
    photos are copied off site on their own). `progress` is called after each member written,
    with (done, total)."""
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="sgoodie-export-") as workdir:
        work = Path(workdir)
        counts, keys_file = _write_content(work, variants, files)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "archive_id": new_id(),
            "created_at": utcnow(),
            "sgoodie_version": __version__,
            "source_backend": current_app.config["BACKEND"],
            "variants": variants and files,
            "files": files,
            "counts": counts,
            "members": 2 + len(CONTENT) + counts["files"],
        }
        done = [0]

        def step() -> None:
            done[0] += 1
            progress(done[0], manifest["members"])

        partial = target.with_name(target.name + ".partial")
        with (
            open(partial, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            sums = (work / "checksums").open("w")
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode(), sums, step)
            for name in CONTENT:
                with (work / f"{name}.jsonl").open("rb") as fh:
                    _add_stream(
                        tar,
                        f"{ROOT}content/{name}.jsonl",
                        fh,
                        (work / f"{name}.jsonl").stat().st_size,
                        sums,
                        step,
                    )
            blobs = services().blobs
            with keys_file.open() as keys:
                for line in keys:
                    key, size = line.rstrip("\n").rsplit("\t", 1)
                    with contextlib.closing(blobs.open(key)) as stream:
                        _add_stream(tar, FILES + key, stream, int(size), sums, step)
            sums.close()
            _add_bytes(tar, CHECKSUMS, (work / "checksums").read_bytes(), None, step)
        os.replace(partial, target)
    return manifest


def _add_stream(tar, name: str, stream, size: int, sums, step: Callable[[], None]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(time.time()), 0o644
    hashing = _Hashing(stream)
    tar.addfile(info, hashing)
    if sums is not None:
        sums.write(f"{hashing.sha256.hexdigest()}  {name}\n")
    step()


def _add_bytes(tar, name: str, data: bytes, sums, step: Callable[[], None]) -> None:
    _add_stream(tar, name, io.BytesIO(data), len(data), sums, step)


def _write_content(work: Path, variants: bool, files: bool = True) -> tuple[dict[str, int], Path]:
    """The content files and the list of storage keys to copy (with their sizes), written to
    disk as they are read: nothing of the site is held in memory."""
    store, blobs = services().store, services().blobs
    counts = dict.fromkeys(("pages", "admins", "projects", "photos", "records", "files", "bytes"), 0)
    keys_file = work / "keys"
    out = {name: (work / f"{name}.jsonl").open("w") for name in CONTENT}
    keys = keys_file.open("w")

    def line(name: str, data: dict) -> None:
        out[name].write(json.dumps(data, separators=(",", ":")) + "\n")

    def file(key: str) -> None:
        if not key or not files or (is_variant_key(key) and not variants):
            return
        info = blobs.head(key)
        if info is None:  # listed by a record but gone from storage: nothing to copy
            return
        keys.write(f"{key}\t{info.size}\n")
        counts["files"] += 1
        counts["bytes"] += info.size

    def photo_files(photo: Photo, *, trashed: bool = False) -> None:
        """A photo's original and variants, and a page photo's phone cut and the photo it replaces;
        a trashed photo's wherever they are (moved under `trash/`, or not yet)."""
        for key in [photo.original_key] + [v.key for v in photo.variants + photo.phone_cuts]:
            file(in_trash(key) if trashed and key and blobs.head(key) is None else key)
        if photo.replaces is not None:
            photo_files(photo.replaces)

    def records(collection: str, expiring: bool = False) -> None:
        for key, data in store.records.query(collection):
            expires_at = store.records.expiry(collection, key) if expiring else None
            line("records", {"collection": collection, "key": key, "data": data, "expires_at": expires_at})
            counts["records"] += 1

    try:
        categories = stored_categories(store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID])
        page_ids = [
            SITE_PAGE_ID,
            CATEGORIES_PAGE_ID,
            *PAGE_IDS,
            *(f"work-{c.slug}" for c in categories.items),
        ]
        for page in store.get_pages(page_ids).values():
            if page.version:
                line("pages", to_record(page))
                counts["pages"] += 1
                for _, photo in page.every_photo():
                    photo_files(photo)
        for admin in store.list_admins():
            line("admins", to_record(admin))
            counts["admins"] += 1

        project_ids = []
        for category in categories.items:
            for project in store.projects_in_category(category.slug):
                project_ids.append(project.id)
                line("portfolio", {"project": to_record(replace(project, cover=None))})
                counts["projects"] += 1
                for photo in store.photos_for_project(project.id):
                    line("portfolio", {"photo": to_record(photo)})
                    photo_files(photo)
                    counts["photos"] += 1
                line("portfolio", {"cover": {"project_id": project.id, "photo_id": project.cover_photo_id}})

        records(trash.TRASH)
        for key, entry in store.records.query(trash.TRASH):
            if entry["kind"] == "project":
                project_ids.append(entry["record"]["id"])
                records(trash.TRASH_PHOTOS + key)
                for _, data in store.records.query(trash.TRASH_PHOTOS + key):
                    photo_files(from_record(Photo, data), trashed=True)
            else:
                photo_files(from_record(Photo, entry["record"]), trashed=True)
        for project_id in project_ids:
            records(revisions.collection("project", project_id))
        for page_id in page_ids:
            records(revisions.collection("page", page_id))
        records(revisions.collection("settings", SITE_PAGE_ID))
        records(schedule.SCHEDULE)
        records(activity.COLLECTION, expiring=True)
        for collection in plugin_collections():
            records(collection, expiring=True)
    finally:
        for fh in out.values():
            fh.close()
        keys.close()
    return counts, keys_file


def plugin_collections() -> list[str]:
    """The storage collections the running plugins declared (`Plugin.storage`)."""
    from .plugin_loader import registry

    return sorted(
        f"plugin:{record.plugin.name}:{name}"
        for record in registry(current_app).records
        if record.plugin is not None
        for name in record.plugin.storages
    )


# -- import --------------------------------------------------------------------------------------
def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest (the archive's first member), checked to be one this version can import."""
    try:
        with tarfile.open(path, mode="r|") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise ArchiveError(f"{path} is not an sgoodie archive (it does not start with {MANIFEST}).")
            manifest = json.loads(tar.extractfile(first).read())
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise ArchiveError(f"{path} cannot be read as an sgoodie archive: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(
            f"{path} is an archive of format {manifest.get('format')} version {manifest.get('version')}; "
            f"this sgoodie reads {FORMAT} version {VERSION}."
        )
    return manifest


def verify(path: str | os.PathLike, progress: Progress = _quiet) -> dict:
    """Check every member against `checksums.sha256` (in one streaming pass, comparing in archive
    order: memory stays flat). Raises ArchiveError naming the first damaged or missing member."""
    manifest = read_manifest(path)
    with tempfile.TemporaryFile("w+") as computed:
        listed, done = None, 0
        try:
            with tarfile.open(path, mode="r|") as tar:
                for member in tar:
                    stream = tar.extractfile(member)
                    if stream is None:
                        raise ArchiveError(f"{member.name} in the archive is not a file.")
                    if member.name == CHECKSUMS:
                        listed = stream.read().decode()
                        break
                    digest = hashlib.sha256()
                    while chunk := stream.read(CHUNK):
                        digest.update(chunk)
                    computed.write(f"{digest.hexdigest()}  {member.name}\n")
                    done += 1
                    progress(done, manifest["members"])
        except tarfile.TarError as exc:
            raise ArchiveError(f"The archive is damaged or cut short: {exc}") from None
        if listed is None:
            raise ArchiveError(
                "The archive is incomplete: it ends before its checksums (was the export interrupted?)."
            )
        computed.seek(0)
        expected = listed.splitlines()
        actual = computed.read().splitlines()
    for want, got in zip(expected, actual, strict=False):
        if want != got:
            raise ArchiveError(f"Checksum mismatch: {want.split('  ', 1)[-1]} is damaged.")
    if len(expected) != len(actual):
        raise ArchiveError("The archive's members do not match its checksum list (files missing or added).")
    return manifest


def import_archive(
    path: str | os.PathLike, progress: Progress = _quiet, *, verified: bool = False
) -> dict[str, int]:
    """Verify (unless the caller just did), then apply the archive to this (empty) site; returns
    what was added and how many photos wait for their variants."""
    manifest = read_manifest(path) if verified else verify(path)
    store = services().store
    archive_id = manifest["archive_id"]
    if store.records.get(IMPORTS, archive_id) is None:
        _require_empty_site()
        store.records.put(IMPORTS, archive_id, {"started_at": utcnow(), "finished_at": ""})
    added = dict.fromkeys(("pages", "admins", "projects", "photos", "records", "files"), 0)
    importer = _Importer(added)
    with tarfile.open(path, mode="r|") as tar:
        for done, member in enumerate(tar, start=1):
            stream = tar.extractfile(member)
            if member.name in (MANIFEST, CHECKSUMS) or stream is None:
                pass
            elif member.name.startswith(FILES):
                importer.file(member.name[len(FILES) :], stream, member.size)
            else:
                kind = member.name.rsplit("/", 1)[-1].removesuffix(".jsonl")
                if kind not in CONTENT:
                    raise ArchiveError(f"{member.name}: not part of an sgoodie archive.")
                for data in _lines(stream):
                    getattr(importer, kind)(data)
            progress(done, manifest["members"])
    from .cache import ALL_TAG
    from .photos import rerender

    services().purge(ALL_TAG)  # nothing cached before the import may be served after it
    added["rebuilding"] = rerender.rebuild_missing_variants()
    store.records.put(IMPORTS, archive_id, {"started_at": "", "finished_at": utcnow()})
    return added


def _lines(stream: IO[bytes]) -> Iterator[dict]:
    for raw in stream:
        if raw.strip():
            yield json.loads(raw)


def _require_empty_site() -> None:
    store = services().store
    categories = stored_categories(store.get_pages([CATEGORIES_PAGE_ID])[CATEGORIES_PAGE_ID])
    has_projects = any(store.projects_in_category(c.slug) for c in categories.items)
    pages = store.get_pages([SITE_PAGE_ID, CATEGORIES_PAGE_ID, *PAGE_IDS])
    if has_projects or store.list_admins() or any(page.version for page in pages.values()):
        raise ArchiveError(
            "This site is not empty: an archive is imported into a new site only (run `sgoodie init` "
            "with a new SGOODIE_INSTANCE_PATH, or a new SGOODIE_STAGE on AWS, then import)."
        )


class _Importer:
    """Applies archive lines one by one, each only if the site does not have it yet."""

    def __init__(self, added: dict[str, int]):
        self.store = services().store
        self.blobs = services().blobs
        self.added = added

    def pages(self, data: dict) -> None:
        page = from_record(Page, data)
        if self.store.get_pages([page.id])[page.id].version == 0:
            self.store.save_page(replace(page, version=0), keep_updated_at=True)
            self.added["pages"] += 1

    def admins(self, data: dict) -> None:
        admin = from_record(AdminUser, data)
        if self.store.admin_by_email(admin.email) is None:
            try:
                self.store.create_admin(replace(admin, version=0))
                self.added["admins"] += 1
            except ConflictError:
                pass

    def portfolio(self, data: dict) -> None:
        if "project" in data:
            project = from_record(Project, data["project"])
            if self.store.get_project(project.id) is None:
                # In display order, each at the end of its category: the order comes back as it was.
                self.store.create_project(replace(project, cover_photo_id="", cover=None, version=0))
                self.added["projects"] += 1
        elif "photo" in data:
            photo = from_record(Photo, data["photo"])
            if self.store.get_photo(photo.id) is None:
                self.store.add_photo(replace(photo, version=0))
                self.added["photos"] += 1
        else:
            cover = data["cover"]
            project = self.store.get_project(cover["project_id"])
            if project is not None and project.cover_photo_id != cover["photo_id"]:
                self.store.update_project(replace(project, cover_photo_id=cover["photo_id"]))

    def records(self, data: dict) -> None:
        expires_at = data.get("expires_at")
        if expires_at is not None and expires_at <= time.time():
            return
        if self.store.records.get(data["collection"], data["key"]) == data["data"]:
            return
        self.store.records.put(data["collection"], data["key"], data["data"], expires_at=expires_at)
        self.added["records"] += 1

    def file(self, key: str, stream: BinaryIO, size: int) -> None:
        existing = self.blobs.head(key)
        if existing is not None and existing.size == size:
            return
        if is_public_key(key):  # a variant: small, stored with its year-long cache header
            self.blobs.put(key, stream.read(), content_type=content_type_for(key), cache_control=IMMUTABLE)
        else:
            self.blobs.put_stream(key, stream, max_bytes=size)
        self.added["files"] += 1
