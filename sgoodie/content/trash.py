"""The trash: deleted projects and photos wait here `TRASH_DAYS` days before their files go.

Deleting moves the records out of the live tables into the records store, so no public query
ever sees them and no list needs a filter: one `trash` entry per deleted thing (key: when it was
deleted, so the oldest come first), and for a project one record per photo in its own collection
(`trash-photos:<entry>`, keyed by display order), so a project of any size restores with its
photos in order and no DynamoDB item grows large.

What is in the trash is not served: its files move under `trash/` (`trash.hide-files`, a job right
after the delete: no public path, signed link or CDN route reaches that prefix, and the CDN's copies
are invalidated), and the app's own media route refuses a trashed photo's files from the moment of
the delete. A restore moves them back before the records return. They are deleted for good when
the entry is emptied (by the sweeper once it is old enough, or "Delete forever"). `content.projects` and `photos.edits` move things in and restore them
(they own the rules); this module keeps the records, puts a photo's record back, and deletes the
files: for good with "Delete forever" (`delete_forever`), or when the periodic `trash.sweep` job
finds an entry older than `SGOODIE_TRASH_DAYS` (`sweep_expired`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

from ..blobs import in_trash, photo_prefixes, project_prefixes
from ..cache.cdn import invalidator
from ..domain import Photo, Project, ValidationError, from_record, new_id, to_record, utcnow
from ..jobs import JobKind, JobRegistry
from ..services import services
from ..stores import ConflictError
from . import activity, invitations

TRASH = "trash"
TRASH_PHOTOS = "trash-photos:"  # + entry key
LISTED = 100  # the Trash page shows the newest this many
SWEEP = "trash.sweep"
SWEEP_EVERY = 300.0  # seconds
HIDE = "trash.hide-files"
MOVES = "trash-moves"  # entry key -> who moved its files (`_claim`) and whether they are hidden
RESTORE = "trash.restore"  # a project's restore, whose files may take minutes to move back


@dataclass
class Entry:
    """One deleted project (with its photos) or photo."""

    key: str
    kind: str  # project | photo
    title: str
    deleted_at: str
    deleted_by: str
    record: dict[str, Any]
    photo_count: int = 0
    project_title: str = ""  # a photo's project, as it was called then
    featured_position: int | None = None  # a project's place among the featured ones, if it was

    @property
    def project(self) -> Project:
        return from_record(Project, self.record)

    @property
    def photo(self) -> Photo:
        return from_record(Photo, self.record)

    @property
    def project_id(self) -> str:
        return self.record["project_id"] if self.kind == "photo" else self.record["id"]

    def purge_after(self, days: int) -> str:
        """When the sweeper empties it (ISO date and time, UTC)."""
        return (_parse(self.deleted_at) + timedelta(days=days)).isoformat(timespec="minutes")


def _records():
    return services().store.records


def _entry(key: str, data: dict[str, Any]) -> Entry:
    return Entry(key=key, **data)


def put_project(
    project: Project, photos: list[Photo], who: str, *, featured_position: int | None = None
) -> Entry:
    """Keep a project and its photos (before the live records go: a crash in between leaves a
    copy, never a loss), and where it stood among the featured projects."""
    key = f"{utcnow()}#{new_id()[:8]}"
    for photo in photos:
        _records().put(TRASH_PHOTOS + key, f"{photo.order:012d}#{photo.id}", to_record(photo))
    data = {
        "kind": "project",
        "title": project.title,
        "deleted_at": key.split("#", 1)[0],
        "deleted_by": who,
        "record": to_record(project),
        "photo_count": len(photos),
        "featured_position": featured_position,
    }
    _records().put(TRASH, key, data)
    return _entry(key, data)


def put_photo(photo: Photo, project: Project | None, who: str) -> Entry:
    key = f"{utcnow()}#{new_id()[:8]}"
    data = {
        "kind": "photo",
        "title": photo.alt_text or photo.filename or "Untitled photo",
        "deleted_at": key.split("#", 1)[0],
        "deleted_by": who,
        "record": to_record(photo),
        "project_title": project.title if project else "",
    }
    _records().put(TRASH, key, data)
    return _entry(key, data)


def get(key: str) -> Entry | None:
    data = _records().get(TRASH, key)
    return _entry(key, data) if data else None


def entries(limit: int = LISTED) -> list[Entry]:
    """Newest first."""
    return [_entry(k, d) for k, d in _records().query(TRASH, newest_first=True, limit=limit)]


def photos_of(entry: Entry) -> Iterator[Photo]:
    """A trashed project's photos, in their display order."""
    for _, data in _records().query(TRASH_PHOTOS + entry.key):
        yield from_record(Photo, data)


def put_photo_back(photo: Photo) -> None:
    """A trashed photo's record back in the live table (once: a restore that stopped half-way may
    run again), with its publishing client's key unless another photo has taken it since. Whoever restores sends `photos_restored`, so a photo whose job had not finished is
    queued again."""
    if services().store.get_photo(photo.id) is not None:
        return
    try:
        services().store.add_photo(replace(photo, version=0))
    except ConflictError:  # its external id went to another photo meanwhile: back without one
        services().store.add_photo(replace(photo, version=0, external_id=""))


def forget(entry: Entry) -> None:
    """Drop the trash records (after a restore): the entry last, so a crash leaves it listed."""
    for key, _ in _records().query(TRASH_PHOTOS + entry.key):
        _records().delete(TRASH_PHOTOS + entry.key, key)
    _records().delete(MOVES, entry.key)
    _records().delete(TRASH, entry.key)


def _files(entry: Entry) -> tuple[list[str], list[str]]:
    """(prefixes, single keys) of every file the entry's photos own: a project's whole folders
    (public and a client gallery's private one), or a photo's renditions and its original."""
    if entry.kind == "project":
        return list(project_prefixes(entry.project_id)), []
    photo = entry.photo
    return list(photo_prefixes(photo.project_id, photo.id)), [
        photo.original_key
    ] if photo.original_key else []


def _move(source: str, target: str) -> None:
    blobs = services().blobs
    blobs.copy(source, target)
    blobs.delete_many([source])


def hide(entry: Entry) -> None:
    """Once the live records are gone: move the entry's files out of reach, in the background."""
    services().jobs.enqueue(HIDE, entry_key=entry.key)


def hide_files(entry_key: str) -> int:
    """The body of `trash.hide-files`: move an entry's files under `trash/` (no public path reaches
    it), then drop the CDN's copies of its public ones. Nothing happens when a restore came first
    (`_claim`). Returns how many files moved."""
    entry = get(entry_key)
    if entry is None or _claim(entry) != 1:
        return 0
    blobs = services().blobs
    prefixes, keys = _files(entry)
    moving = [key for prefix in prefixes for key in blobs.list_keys(prefix)] + [
        k for k in keys if blobs.head(k)
    ]
    for key in moving:
        _move(key, in_trash(key))
    _records().increment(MOVES, entry.key, "hidden")
    cdn = invalidator(current_app)
    if cdn is not None:
        cdn.submit({f"/{prefix}*" for prefix in prefixes})
    return len(moving)


def _claim(entry: Entry) -> int:
    """Who moves the entry's files first: the hide job, or a restore before it ever ran (then the
    files never leave). An atomic count, so the two never move the same files at once."""
    return _records().increment(MOVES, entry.key, "claims")


def unhide_files(entry: Entry) -> int:
    """Move an entry's files back from `trash/` (before its records return). Returns how many.
    Refused while the hide job is moving them (try again in a moment)."""
    moves = _records().get(MOVES, entry.key) or {}
    if _claim(entry) > 1 and not moves.get("hidden"):
        raise ValidationError(
            {"trash": "Its files are still being moved to the trash; try again in a moment."}
        )
    blobs = services().blobs
    prefixes, keys = _files(entry)
    hidden = [key for prefix in prefixes for key in blobs.list_keys(in_trash(prefix))]
    hidden += [in_trash(k) for k in keys if blobs.head(in_trash(k))]
    for key in hidden:
        _move(key, key.removeprefix(in_trash("")))
    return len(hidden)


def empty(entry: Entry) -> None:
    """Delete the files for good, wherever they are (moved under `trash/` or not yet), then the
    records. A photo restored meanwhile under the same id (another entry) keeps its files."""
    blobs = services().blobs
    if entry.kind == "photo" and services().store.get_photo(entry.photo.id) is not None:
        forget(entry)
        return
    prefixes, keys = _files(entry)
    for prefix in prefixes:
        blobs.delete_prefix(prefix)
        blobs.delete_prefix(in_trash(prefix))
    blobs.delete_many(keys + [in_trash(key) for key in keys])
    if entry.kind == "project":
        invitations.forget_gallery(entry.project_id)
    forget(entry)


# Who puts each kind of entry back (`content.projects`, `photos.edits`): they own the rules.
_RESTORERS: dict[str, Callable[[Entry], str]] = {}
_CHECKS: dict[str, Callable[[Entry], None]] = {}


def restorer(
    kind: str, *, check: Callable[[Entry], None] | None = None
) -> Callable[[Callable[[Entry], str]], Callable[[Entry], str]]:
    """Decorator: `function(entry)` puts a trashed item of this kind back and says what happened.
    `check(entry)` raises ValidationError when it cannot come back; it runs before any file moves,
    so a refused restore leaves the files hidden."""

    def register(function: Callable[[Entry], str]) -> Callable[[Entry], str]:
        _RESTORERS[kind] = function
        if check is not None:
            _CHECKS[kind] = check
        return function

    return register


def restore(key: str) -> str:
    """Put a trashed project (with its photos, order, cover and place) or photo back on the site,
    its files first; says what happened, in words."""
    entry = get(key)
    if entry is None:
        raise ValidationError({"trash": "This item is no longer in the trash."})
    if entry.kind in _CHECKS:
        _CHECKS[entry.kind](entry)
    unhide_files(entry)
    return _RESTORERS[entry.kind](entry)


def delete_forever(key: str) -> str:
    """Delete a trashed item and its files for good ("Delete forever"); says what happened."""
    entry = get(key)
    if entry is None:
        raise ValidationError({"trash": "This item is no longer in the trash."})
    empty(entry)
    activity.record(f"Deleted “{entry.title}” forever")
    return f"Deleted “{entry.title}” and its files for good."


def sweep_expired() -> int:
    """Empty what has been in the trash longer than `SGOODIE_TRASH_DAYS` (the periodic job)."""
    return sweep(current_app.config["TRASH_DAYS"])


def register_jobs(jobs: JobRegistry) -> None:
    jobs.register(JobKind(SWEEP, sweep_expired, every=SWEEP_EVERY))
    jobs.register(JobKind(HIDE, hide_files))
    jobs.register(JobKind(RESTORE, _restore_in_background))


def restore_in_background(entry: Entry) -> None:
    """Restore a large project in a job (its files first, then its records)."""
    services().jobs.enqueue(RESTORE, entry_key=entry.key)


def _restore_in_background(entry_key: str) -> None:
    if get(entry_key) is not None:
        restore(entry_key)


def sweep(days: int, now: datetime | None = None, batch: int = 50) -> int:
    """Empty every entry deleted more than `days` days ago, oldest first; returns how many. The
    entries are keyed by deletion time, so this reads only the expired ones (and one more)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    emptied = 0
    while True:
        oldest = [_entry(k, d) for k, d in _records().query(TRASH, limit=batch)]
        due = [entry for entry in oldest if _parse(entry.deleted_at) <= cutoff]
        for entry in due:
            empty(entry)
        emptied += len(due)
        if len(due) < batch:
            return emptied


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
