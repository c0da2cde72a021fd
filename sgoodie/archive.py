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

Import reads the archive twice: first it checks everything (every checksum, each member's name,
kind and size, every content line), so nothing is written unless the whole archive is sound, then
it applies each item unless the site has it already, so an interrupted import simply runs again
and a finished one changes nothing when repeated. An archive may come from anyone: originals are
streamed within a size bound, and variants are never taken from it (the image jobs make them again
from the originals). It goes only into an empty site (or the site this same archive was being
imported into). Not carried: sessions, sign-in throttling (refused even if an archive holds them),
parked cache purges, upload claims (all short-lived), a renamed project's old addresses, and
client galleries' invitations (access, like sessions; their e-mail's wording is carried).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app

from .blobs import in_trash, is_variant_key
from .content import activity, invitations, revisions, schedule, trash
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

    def readline(self, size: int = -1) -> bytes:
        data = self.stream.readline(size)
        self.sha256.update(data)
        return data


# -- export --------------------------------------------------------------------------------------
def export(
    path: str | os.PathLike,
    *,
    variants: bool = False,
    secrets: bool = True,
    files: bool = True,
    progress: Progress = _quiet,
) -> dict:
    """Write the site to `path` (through `path.partial`, renamed at the end). Returns the manifest.
    Without `secrets` (an archive handed to someone) no admin, password or PIN hash, client's
    name, e-mail or address is written. `files=False` leaves every photo file out (the single
    server's nightly content archive: its photos are copied off site on their own). `progress` is
    called after each member written, with (done, total)."""
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="sgoodie-export-") as workdir:
        work = Path(workdir)
        counts, keys_file = _write_content(work, variants, secrets, files)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "archive_id": new_id(),
            "created_at": utcnow(),
            "sgoodie_version": __version__,
            "source_backend": current_app.config["BACKEND"],
            "variants": variants and files,
            "secrets": secrets,
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


def _write_content(
    work: Path, variants: bool, secrets: bool, files: bool = True
) -> tuple[dict[str, int], Path]:
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

    hidden = {} if secrets else {trash.TRASH: (), **plugin_secret_fields()}

    def records(collection: str, expiring: bool = False) -> None:
        for key, data in store.records.query(collection):
            expires_at = store.records.expiry(collection, key) if expiring else None
            if collection in hidden:
                data = _without(data, hidden[collection])
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
        for admin in store.list_admins() if secrets else []:
            line("admins", to_record(admin))
            counts["admins"] += 1

        project_ids = []
        for category in categories.items:
            for project in store.projects_in_category(category.slug):
                project_ids.append(project.id)
                record = to_record(replace(project, cover=None))
                line("portfolio", {"project": record if secrets else _without(record, GALLERY_SECRETS)})
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
        records(invitations.TEMPLATE)  # the wording; invitations themselves are access, never carried
        for collection in plugin_collections():
            records(collection, expiring=True)
    finally:
        for fh in out.values():
            fh.close()
        keys.close()
    return counts, keys_file


# A client gallery's passwords: without them (`--without-secrets`) it stays locked until the
# photographer sets new ones.
GALLERY_SECRETS = ("gallery_password_hash", "gallery_guest_password_hash")


def _without(data: dict, names: tuple[str, ...]) -> dict:
    """A record with the fields `names` emptied; a trash entry's project record too."""
    data = {**data, **dict.fromkeys((name for name in names if name in data), "")}
    if isinstance(data.get("record"), dict):  # a trash entry: the project it keeps
        data["record"] = _without(data["record"], GALLERY_SECRETS)
    return data


def plugin_secret_fields() -> dict[str, tuple[str, ...]]:
    """Collection -> the fields the running plugins declared secret (`Plugin.storage(secret=)`)."""
    from .plugin_loader import registry

    return {
        collection: names
        for record in registry(current_app).records
        if record.plugin is not None
        for collection, names in record.plugin.secret_fields.items()
    }


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
# An archive may come from anyone: every member is checked (name, kind, size, each content line)
# in the verifying pass, before anything is written.
LINE_MAX = 16 << 20  # bytes in one content line: a page or a photo is a few KB
# Carried records: what `export` writes. Sessions and sign-in throttling are not, whatever an
# archive holds.
CARRIED_COLLECTIONS = (trash.TRASH, schedule.SCHEDULE, activity.COLLECTION, invitations.TEMPLATE)
CARRIED_PREFIXES = (trash.TRASH_PHOTOS, "revisions:", "plugin:")
# A photo's file as `sgoodie.blobs` names them: an original, or a variant (public or a client
# gallery's), in the trash or not. Nothing else (no `..`, no absolute path) is a member's name.
_PHOTO_FILE = re.compile(
    r"(?:trash/)?(?:private/)?(?:projects|pages)/[A-Za-z0-9_-]{1,64}"
    r"/(?:original|variants/[A-Za-z0-9_-]{1,64})/[A-Za-z0-9_-]{1,64}\.[a-z0-9]{1,8}"
)


def read_manifest(path: str | os.PathLike) -> dict:
    """The manifest (the archive's first member), checked to be one this version can import."""
    try:
        with tarfile.open(path, mode="r|") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile() or first.size > LINE_MAX:
                raise ArchiveError(f"{path} is not an sgoodie archive (it does not start with {MANIFEST}).")
            manifest = json.loads(tar.extractfile(first).read())
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise ArchiveError(f"{path} cannot be read as an sgoodie archive: {exc}") from None
    if not isinstance(manifest, dict):
        raise ArchiveError(f"{MANIFEST}: not an sgoodie manifest (it is not a JSON object).")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise ArchiveError(
            f"{path} is an archive of format {manifest.get('format')} version {manifest.get('version')}; "
            f"this sgoodie reads {FORMAT} version {VERSION}."
        )
    _check_manifest(manifest)
    return manifest


def _check_manifest(manifest: dict) -> None:
    counts = manifest.get("counts")
    wanted = {
        "archive_id": isinstance(manifest.get("archive_id"), str) and manifest.get("archive_id"),
        "members": _count(manifest.get("members")),
        "counts": isinstance(counts, dict) and _count(counts.get("bytes")),
    }
    if missing := [name for name, good in wanted.items() if not good]:
        raise ArchiveError(f"{MANIFEST}: missing or invalid {', '.join(missing)}.")


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def verify(path: str | os.PathLike, progress: Progress = _quiet) -> dict:
    """Check the whole archive before anything is written: each member's name, kind and size, every
    content line, and every checksum against `checksums.sha256` (in one streaming pass, comparing
    in archive order: memory stays flat). Raises ArchiveError naming the first bad member."""
    manifest = read_manifest(path)
    with tempfile.TemporaryFile("w+") as computed:
        complete, done, file_bytes = False, 0, 0
        try:
            with tarfile.open(path, mode="r|") as tar:
                for member in tar:
                    _check_member(member, done, manifest)
                    stream = tar.extractfile(member)
                    if member.name == CHECKSUMS:
                        _compare_checksums(stream, computed)
                        complete = True
                        break
                    if member.name.startswith(FILES):
                        file_bytes += member.size
                        if file_bytes > manifest["counts"]["bytes"]:
                            raise ArchiveError(f"{member.name}: more bytes than the manifest lists.")
                    computed.write(f"{_digest(member, stream)}  {member.name}\n")
                    done += 1
                    progress(done, manifest["members"])
        except tarfile.TarError as exc:
            raise ArchiveError(f"The archive is damaged or cut short: {exc}") from None
    if not complete:
        raise ArchiveError(
            "The archive is incomplete: it ends before its checksums (was the export interrupted?)."
        )
    if done + 1 != manifest["members"]:
        raise ArchiveError("The archive's members do not match its manifest (files missing or added).")
    return manifest


def _compare_checksums(listed: IO[bytes], computed: IO[str]) -> None:
    """The archive's checksum list against the sums computed, line by line (a list of any length
    is never held in memory)."""
    computed.seek(0)
    for got in computed:
        want = listed.readline(len(got.encode()) + 1).decode("utf-8", "replace")
        if not want:
            break
        if want != got:
            raise ArchiveError(f"Checksum mismatch: {want.rstrip().split('  ', 1)[-1]} is damaged.")
    else:
        if not listed.readline(1):
            return
    raise ArchiveError("The archive's members do not match its checksum list (files missing or added).")


def _check_member(member: tarfile.TarInfo, done: int, manifest: dict) -> None:
    """Refuse, naming it, a member an export never writes: a link, a device or a sparse file, a
    name outside `sgoodie-archive/`, an unknown kind, a file larger than a photo may be."""
    name = member.name
    if not member.isfile() or member.issparse():
        raise ArchiveError(f"{name}: not a plain file (links, folders and sparse files are refused).")
    if done + 1 > manifest["members"]:
        raise ArchiveError(f"{name}: more members than the manifest lists.")
    if name == MANIFEST and done == 0:
        limit = LINE_MAX
    elif name == CHECKSUMS:
        return  # compared line by line
    elif name.startswith(FILES):
        key = name[len(FILES) :]
        if not _PHOTO_FILE.fullmatch(key):
            raise ArchiveError(f"{name}: not the name of a photo file (refused).")
        limit = current_app.config["MAX_UPLOAD_BYTES"]
    elif _content_kind(name) is not None:
        return  # read line by line, each line bounded
    else:
        raise ArchiveError(f"{name}: not part of an sgoodie archive (refused).")
    if member.size > limit:
        raise ArchiveError(f"{name}: {member.size} bytes, more than the {limit} an archive member may hold.")


def _content_kind(name: str) -> str | None:
    """`pages` for `sgoodie-archive/content/pages.jsonl`, and so on; None for any other name."""
    kind = name.removeprefix(f"{ROOT}content/").removesuffix(".jsonl")
    return kind if kind in CONTENT and name == f"{ROOT}content/{kind}.jsonl" else None


def _digest(member: tarfile.TarInfo, stream: IO[bytes]) -> str:
    """The member's SHA-256; a content member's lines are checked on the way."""
    hashing = _Hashing(stream)
    if kind := _content_kind(member.name):
        for number, raw in enumerate(_lines(hashing, member.name), start=1):
            try:
                _parsed(kind, raw)
            except Exception as exc:  # any flaw in a line refuses the whole archive
                raise ArchiveError(
                    f"{member.name} line {number}: not a valid {kind} record ({exc})."
                ) from None
    while hashing.read(CHUNK):
        pass
    return hashing.sha256.hexdigest()


def import_archive(
    path: str | os.PathLike, progress: Progress = _quiet, *, verified: bool = False
) -> dict[str, int]:
    """Verify (unless the caller just did), then apply the archive to this (empty) site; returns
    what was added, how many photos wait for their variants, and whether the archive was made
    without secrets (1: admins to be created, client galleries locked)."""
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
            if member.name.startswith(FILES):
                importer.file(member.name[len(FILES) :], stream, member.size)
            elif kind := _content_kind(member.name):
                for raw in _lines(stream, member.name):
                    getattr(importer, kind)(_parsed(kind, raw))
            progress(done, manifest["members"])
    from .cache import ALL_TAG
    from .photos import rerender

    services().purge(ALL_TAG)  # nothing cached before the import may be served after it
    added["rebuilding"] = rerender.rebuild_missing_variants()
    added["without_secrets"] = int(manifest.get("secrets") is False)
    store.records.put(IMPORTS, archive_id, {"started_at": "", "finished_at": utcnow()})
    return added


def _lines(stream: IO[bytes], name: str) -> Iterator[bytes]:
    """Each line of a content member that is not blank, one at a time (none over LINE_MAX)."""
    while raw := stream.readline(LINE_MAX + 1):
        if len(raw) > LINE_MAX:
            raise ArchiveError(f"{name}: a line longer than {LINE_MAX} bytes.")
        if raw.strip():
            yield raw


def _parsed(kind: str, raw: bytes) -> object:
    """A content line as the importer applies it; raises on anything an export does not write."""
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("a line is a JSON object")
    return _PARSERS[kind](data)


def _record_line(data: dict) -> dict:
    if not (isinstance(data["collection"], str) and isinstance(data["key"], str)):
        raise ValueError("collection and key must be text")
    expires_at = data.get("expires_at")
    if expires_at is not None and not isinstance(expires_at, int | float):
        raise ValueError("expires_at must be a number")
    return {
        "collection": data["collection"],
        "key": data["key"],
        "data": data["data"],
        "expires_at": expires_at,
    }


def _photo_keys_checked(photo: Photo) -> Photo:
    """A photo whose files are named as `sgoodie.blobs` names them (the app reads what they name)."""
    keys = [photo.original_key, *(v.key for v in photo.variants + photo.phone_cuts)]
    if bad := [key for key in keys if key and not _PHOTO_FILE.fullmatch(key)]:
        raise ValueError(f"not a photo file's name: {bad[0]!r}")
    if photo.replaces is not None:
        _photo_keys_checked(photo.replaces)
    return photo


def _page_line(data: dict) -> Page:
    page = from_record(Page, data)
    for _, photo in page.every_photo():
        _photo_keys_checked(photo)
    return page


def _portfolio_line(data: dict) -> dict:
    if "project" in data:
        return {"project": from_record(Project, data["project"])}
    if "photo" in data:
        return {"photo": _photo_keys_checked(from_record(Photo, data["photo"]))}
    cover = data["cover"]
    if not (isinstance(cover["project_id"], str) and isinstance(cover["photo_id"], str)):
        raise ValueError("a cover names a project and a photo")
    return {"cover": cover}


def _admin_line(data: dict) -> AdminUser:
    admin = from_record(AdminUser, data)
    if not (isinstance(admin.email, str) and "@" in admin.email):
        raise ValueError("an admin needs an e-mail address")
    return admin


# Each content line, parsed and checked: the verifying pass runs them all before the import writes.
_PARSERS: dict[str, Callable[[dict], object]] = {
    "pages": _page_line,
    "admins": _admin_line,
    "portfolio": _portfolio_line,
    "records": _record_line,
}


def is_carried(collection: str) -> bool:
    """Records an archive carries: what `export` writes, never sessions or sign-in throttling."""
    return collection in CARRIED_COLLECTIONS or collection.startswith(CARRIED_PREFIXES)


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
    """Applies checked archive lines one by one, each only if the site does not have it yet."""

    def __init__(self, added: dict[str, int]):
        self.store = services().store
        self.blobs = services().blobs
        self.added = added

    def pages(self, page: Page) -> None:
        if self.store.get_pages([page.id])[page.id].version == 0:
            self.store.save_page(replace(page, version=0), keep_updated_at=True)
            self.added["pages"] += 1

    def admins(self, admin: AdminUser) -> None:
        if self.store.admin_by_email(admin.email) is None:
            try:
                self.store.create_admin(replace(admin, version=0))
                self.added["admins"] += 1
            except ConflictError:
                pass

    def portfolio(self, data: dict) -> None:
        if "project" in data:
            project = data["project"]
            if self.store.get_project(project.id) is None:
                # In display order, each at the end of its category: the order comes back as it was.
                self.store.create_project(replace(project, cover_photo_id="", cover=None, version=0))
                self.added["projects"] += 1
        elif "photo" in data:
            photo = data["photo"]
            if self.store.get_photo(photo.id) is None:
                self.store.add_photo(replace(photo, version=0))
                self.added["photos"] += 1
        else:
            cover = data["cover"]
            project = self.store.get_project(cover["project_id"])
            if project is not None and project.cover_photo_id != cover["photo_id"]:
                self.store.update_project(replace(project, cover_photo_id=cover["photo_id"]))

    def records(self, data: dict) -> None:
        if not is_carried(data["collection"]):
            return
        expires_at = data["expires_at"]
        if expires_at is not None and expires_at <= time.time():
            return
        if self.store.records.get(data["collection"], data["key"]) == data["data"]:
            return
        self.store.records.put(data["collection"], data["key"], data["data"], expires_at=expires_at)
        self.added["records"] += 1

    def file(self, key: str, stream: BinaryIO, size: int) -> None:
        """An original, streamed (never held in memory). Variants are not taken from an archive:
        the image jobs make them again from the originals."""
        if is_variant_key(key):
            return
        existing = self.blobs.head(key)
        if existing is not None and existing.size == size:
            return
        self.blobs.put_stream(key, stream, max_bytes=size)
        self.added["files"] += 1
