"""The gallery downloads as a ZIP: the whole gallery (every photo the client sees), or the
client's favourites (one list or all of them), at the gallery's download size, built in the
background by streaming (each file is read in 1 MB pieces straight into the archive, which goes
to storage as it is written: memory stays flat whatever the gallery's size), stored with an
expiry, shown to the client on a progress page and then through a time-limited link.

Entries are stored, not compressed (photos do not compress), so each entry's bytes are the
file's bytes. An archive is kept `KEEP_SECONDS`; asking again while one for the same photos and
size is being built or still kept reuses it. Expired archives are removed when the next one is
built (their file names start with their expiry).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import time
from collections.abc import Iterable, Iterator
from typing import Any

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from zipstream import ZIP_STORED, ZipStream

from ...plugin_api import PhotoFile, Project, body_limit, client_address, current_store, page_meta, photo_file
from . import activity, records
from .plugin import plugin
from .views import FORM_LIMIT, bp, downloading, open_gallery, require_client

KEEP_SECONDS = 3 * 24 * 3600
CHUNK = 1024 * 1024
PROGRESS_EVERY = 1.0  # seconds between progress writes
GIVE_UP_AFTER = 6  # attempts (the job queue's retry policy makes six)
files = plugin.files()


class ChunksReader(io.RawIOBase):
    """A file object over an iterator of byte strings: storage reads the archive from it as it is
    made, a part at a time."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = bytearray()

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = CHUNK * 8
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


def unique_names(found: list[PhotoFile]) -> list[str]:
    """Each file's name in the archive; a repeated name gets " (2)", " (3)"... before its extension."""
    seen: dict[str, int] = {}
    names = []
    for item in found:
        name = item.filename.replace("/", "_").replace("\\", "_") or "photo.jpg"
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        if count > 1:
            stem, dot, extension = name.rpartition(".")
            name = f"{stem} ({count}).{extension}" if dot else f"{name} ({count})"
        names.append(name)
    return names


def gallery_files(
    project: Project, settings: records.GallerySettings, only: list[str] | None = None
) -> list[PhotoFile]:
    """The files of the photos the client sees (none of a hidden set), in the gallery's order;
    `only` narrows them to those photo ids (a favourites ZIP). Clean unless the gallery marks its
    downloads (`photo_file`)."""
    sets = records.gallery_sets(project.id)
    wanted = set(only) if only is not None else None
    photos = [
        p
        for p in current_store().photos_for_project(project.id)
        if project.shows(p) and not sets.hides(p.id) and (wanted is None or p.id in wanted)
    ]
    return [f for f in (photo_file(p, settings.width) for p in photos) if f is not None]


def fingerprint(found: list[PhotoFile]) -> str:
    return hashlib.sha256("\n".join(f"{f.key}:{f.size}" for f in found).encode()).hexdigest()[:16]


def start(
    project: Project,
    settings: records.GallerySettings,
    who: dict[str, Any],
    *,
    only: list[str] | None = None,
    label: str = "Whole gallery",
) -> str:
    """The id of an archive of the gallery as it is now (or of the photos `only` names, called
    `label` in the download log): one being built or kept, else a new one queued."""
    found = gallery_files(project, settings, only)
    mark = fingerprint(found)
    now = int(time.time())
    for key, job in records.ZIP_JOBS.all(prefix=f"{project.id}#"):
        if (
            job.get("fingerprint") == mark
            and job.get("status") != "failed"
            and job["expires_at"] > now + 3600
        ):
            return key.split("#", 1)[1]
    zip_id = secrets.token_hex(8)
    expires_at = now + KEEP_SECONDS
    records.ZIP_JOBS.put(
        f"{project.id}#{zip_id}",
        {
            "id": zip_id,
            "status": "queued",
            "done": 0,
            "total": len(found),
            "bytes": 0,
            "attempts": 0,
            "fingerprint": mark,
            "size": settings.size,
            "label": label,
            **({"photo_ids": only} if only is not None else {}),
            "file": f"zips/{expires_at}-{zip_id}.zip",
            "requested_by": who.get("name", ""),
            "created_at": records.now(),
            "expires_at": expires_at,
        },
        expires_at=expires_at,
    )
    plugin.run_in_background("zip", f"{project.id}#{zip_id}")
    return zip_id


@plugin.task("zip")
def build(argument: str) -> None:
    """Build one archive (the task body; idempotent: a finished one is left as it is)."""
    project_id, _, zip_id = argument.partition("#")
    job = records.ZIP_JOBS.get(argument)
    if job is None or job["status"] == "ready":
        return
    project = current_store().get_project(project_id)
    if project is None or not project.is_private:
        _save(argument, job, status="failed", error="The gallery is no longer there.")
        return
    remove_expired()
    settings = records.gallery_settings(project_id)
    settings.size = job["size"]
    found = gallery_files(project, settings, job.get("photo_ids"))
    job = _save(argument, job, status="building", done=0, total=len(found), attempts=job["attempts"] + 1)
    progress = {"done": 0, "written_at": time.monotonic()}
    app = current_app._get_current_object()

    def reading(item: PhotoFile) -> Iterator[bytes]:
        # Storage may read the archive from its own threads (S3 multipart uploads): bring the app.
        with app.app_context():
            with item.open() as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
            progress["done"] += 1
            if time.monotonic() - progress["written_at"] >= PROGRESS_EVERY:
                progress["written_at"] = time.monotonic()
                _save(argument, job, done=progress["done"])

    archive = ZipStream(compress_type=ZIP_STORED)
    for item, name in zip(found, unique_names(found), strict=True):
        archive.add(reading(item), arcname=name, size=item.size)
    try:
        size = files.put_stream(job["file"], ChunksReader(archive))
    except Exception as exc:
        if job["attempts"] >= GIVE_UP_AFTER:
            _save(argument, job, status="failed", error=f"The download could not be prepared ({exc}).")
            return
        raise  # the job queue tries again later
    _save(argument, job, status="ready", done=len(found), bytes=size)


def _save(key: str, job: dict[str, Any], **changes: Any) -> dict[str, Any]:
    job.update(changes)
    records.ZIP_JOBS.put(key, job, expires_at=job["expires_at"])
    return job


def remove_expired() -> None:
    """Delete archives past their expiry (their names start with it)."""
    now = int(time.time())
    old = [name for name in files.names("zips") if _expiry(name) < now]
    if old:
        files.delete(*old)


def _expiry(name: str) -> int:
    stamp = name.rsplit("/", 1)[-1].split("-", 1)[0]
    return int(stamp) if stamp.isdigit() else 0


# -- the client's pages ----------------------------------------------------------------------
@bp.post("/<project_id>/zip")
@body_limit(FORM_LIMIT)
def request_zip(project_id: str):
    project, client, settings = downloading(project_id, whole=True)
    zip_id = start(project, settings, client)
    return redirect(url_for("proofing.zip_progress", project_id=project.id, zip_id=zip_id), code=303)


@bp.post("/<project_id>/favourites.zip")
@body_limit(FORM_LIMIT)
def request_favourites_zip(project_id: str):
    """The client's favourites (`list`: one of the gallery's lists, or all of them) as a ZIP,
    wherever the gallery offers downloads (single photos are enough: these are photos they may
    download one by one), with its PIN and size."""
    project, client, settings = downloading(project_id, whole=False)  # single photos are enough
    list_name = request.form.get("list", "")
    if list_name and list_name not in settings.lists:
        abort(400, "This list no longer exists; reload the gallery.")
    marks = records.client_marks(project.id, client["id"])
    chosen = [
        photo_id
        for photo_id, mark in marks.items()
        if any(
            name in settings.lists and (not list_name or name == list_name) for name in mark.get("lists", [])
        )
    ]
    if not gallery_files(project, settings, chosen):
        which = f"“{list_name}”" if list_name else "your lists"
        abort(400, f"There are no photos in {which} yet: mark some with the heart first.")
    if list_name:
        label = f"Your favourites ({list_name})"
    else:
        label = "Your favourites (all lists)" if len(settings.lists) > 1 else "Your favourites"
    zip_id = start(project, settings, client, only=chosen, label=label)
    return redirect(url_for("proofing.zip_progress", project_id=project.id, zip_id=zip_id), code=303)


def _job(project: Project, zip_id: str) -> dict[str, Any]:
    job = records.ZIP_JOBS.get(f"{project.id}#{zip_id}")
    if job is None:
        abort(404)
    return job


@bp.get("/<project_id>/zips/<zip_id>")
def zip_progress(project_id: str, zip_id: str):
    """How far the archive is; the page reloads itself (a Refresh header, no script) until ready."""
    project = open_gallery(project_id)
    require_client(project)
    job = _job(project, zip_id)
    response = make_response(
        render_template(
            "proofing/zip.html",
            project=project,
            job=job,
            size_label=records.DOWNLOAD_SIZES.get(job["size"], ""),
            meta=page_meta(f"Download · {project.title}", indexable=False),
        )
    )
    if job["status"] in ("queued", "building"):
        response.headers["Refresh"] = "2"
    return response


@bp.get("/<project_id>/zips/<zip_id>/file")
def zip_file(project_id: str, zip_id: str):
    """The archive itself: logged, then a signed link valid for an hour or two."""
    project = open_gallery(project_id)
    client = require_client(project)
    job = _job(project, zip_id)
    if job["status"] != "ready":
        return redirect(url_for("proofing.zip_progress", project_id=project.id, zip_id=zip_id), code=303)
    records.log_download(
        project.id,
        client,
        f"{job.get('label', 'Whole gallery')} ZIP, {job['total']} photos"
        f" ({records.DOWNLOAD_SIZES.get(job['size'], job['size'])})",
        client_address(),
    )
    activity.record_download(project.id, activity.who(project, client))
    download_name = f"{project.slug}-favourites.zip" if "photo_ids" in job else f"{project.slug}.zip"
    return redirect(files.signed_url(job["file"], download_name=download_name, gallery=project), code=303)
