"""The life of a photo: the one module that changes a photo's status.

    uploading ──> queued ──> processing ──> ready
        │            │            │  ▲        │
        └────────────┴──> failed <┘  └────────┘ (reprocess)
                            │
                            └──> queued (retry)

    ready | failed ──> replacing ──> queued ──> processing ──> ready (the new original's files)
                          │                        │
                          └──> ready | failed <────┘ (cancelled, abandoned, or the new file broken)

A photo being replaced (`replace`) keeps its files and its place on the site throughout: its new
original waits in `Photo.replacement` until the job has rendered it; a replacement that cannot be
used is dropped with its reason in `error`, and the photo goes on as it was.

A project's photo and a page's own photo (`homes`) live the same life: the same transitions, the
same job (`processing.process`), the same retry, reprocess and sweep. A page photo skips
`uploading`: the page form stores its file before the page is saved.

The photo's background work, as job kinds: `photo.process` (its variants), `photo.move` (a client
gallery's files to the private side, or back: `moves`), `photo.rerender-changed` (after a
settings change: `rerender`), `photo.cut` (the phone hero's and link previews' cuts: `cuts`) and
the periodic `photo.sweep` (lost jobs, abandoned uploads).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app

from .. import signals
from ..domain import IN_PROGRESS, Photo, PhotoStatus, utcnow
from ..services import services
from . import homes

log = logging.getLogger("sgoodie.photos")

#: Which status may follow which. `processing -> processing` is a job starting again: after a
#: transient error, or when the sweeper hands a lost job (its worker died) to another worker.
#: `queued -> ready | failed` is only a replacement given up before its job started (`fail`).
TRANSITIONS: dict[str, frozenset[str]] = {
    PhotoStatus.UPLOADING: frozenset({PhotoStatus.QUEUED, PhotoStatus.FAILED}),
    PhotoStatus.QUEUED: frozenset({PhotoStatus.PROCESSING, PhotoStatus.FAILED, PhotoStatus.READY}),
    PhotoStatus.PROCESSING: frozenset({PhotoStatus.PROCESSING, PhotoStatus.READY, PhotoStatus.FAILED}),
    PhotoStatus.READY: frozenset({PhotoStatus.QUEUED, PhotoStatus.REPLACING}),
    PhotoStatus.FAILED: frozenset({PhotoStatus.QUEUED, PhotoStatus.REPLACING}),
    PhotoStatus.REPLACING: frozenset(
        {PhotoStatus.REPLACING, PhotoStatus.QUEUED, PhotoStatus.READY, PhotoStatus.FAILED}
    ),
}

# The photo's job kinds.
PROCESS = "photo.process"
MOVE = "photo.move"
RERENDER_CHANGED = "photo.rerender-changed"
CUT = "photo.cut"
SWEEP = "photo.sweep"
SWEEP_EVERY = 300.0  # seconds: a lost job is found within STUCK_AFTER plus this

MISSING_ORIGINAL = "The uploaded file is missing from storage. Upload the photo again."
GAVE_UP = "Processing kept failing (the last time: {error}). Use Retry to try again."
RENDER_FAILED = "This photo could not be processed ({error}). Upload it again, saved from an editor."
NEVER_FINISHED = "The upload never finished. Upload the photo again."
REPLACEMENT_NEVER_FINISHED = "The new file's upload never finished; the photo keeps its current file."
REPLACEMENT_UNUSED = "The new file was not used: {reason} The photo keeps its current file."
TOO_MANY_ATTEMPTS = (
    "Processing this photo stopped again and again before it finished (it may be too large). "
    "Upload a smaller file."
)
TOO_SLOW = "Processing this photo took too long (it may be too large). Use Retry, or upload a smaller file."
MAX_ATTEMPTS = 8  # a job that dies with its worker is redelivered; past this many starts, give up
STUCK_AFTER = timedelta(minutes=10)  # queued/processing this long: the job was lost (worker killed)
ABANDONED_UPLOAD_AFTER = timedelta(days=1)


class TransitionRefused(ValueError):
    """A status change that makes no sense (a ready photo cannot be "uploaded" again)."""


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"a {current} photo cannot become {new}")


def set_status(photo: Photo, new: str, **fields: Any) -> None:
    """Change a photo's status (and the fields that go with it): the one place it happens."""
    check_transition(photo.status, new)
    photo.status = PhotoStatus(new)
    photo.updated_at = utcnow()  # a page photo's own clock (the photos table keeps its own too)
    for name, value in fields.items():
        setattr(photo, name, value)


def transition(photo: Photo, new: str, *, visible: bool = False, **fields: Any) -> Photo | None:
    """Move a photo to `new` where it lives; None when it was deleted meanwhile. `visible`: the
    change shows on its page (a page photo becoming ready)."""
    return homes.modify(photo, lambda current: set_status(current, new, **fields), visible=visible)


def queue(photo: Photo) -> None:
    """Send the photo's job (it must be `queued`)."""
    services().jobs.enqueue(PROCESS, **homes.job_arguments(photo))


def fail(photo: Photo, reason: str) -> Photo | None:
    """Record a permanent failure with its human reason (the admin sees it and can retry). A photo
    another caller settled first (the upload callback and the S3 event racing, a duplicate job)
    is left as that caller left it. A failed replacement fails only itself: the photo keeps its
    files and goes on as it was, the reason in its `error` (`drop_replacement`)."""
    if photo.replacement is not None:
        return drop_replacement(photo, REPLACEMENT_UNUSED.format(reason=reason))
    try:
        failed = transition(photo, PhotoStatus.FAILED, error=reason)
    except TransitionRefused as exc:
        log.info("photo %s: not marked failed (%s)", photo.id, exc)
        return homes.find(photo.id, photo.page_id)
    if failed is not None:
        log.warning("photo %s failed: %s", photo.id, reason)
        if not failed.page_id:  # a page keeps showing what it showed: nothing to purge
            signals.photo_failed.send(current_app._get_current_object(), photo=failed, reason=reason)
    return failed


def drop_replacement(photo: Photo, reason: str = "") -> Photo | None:
    """End a photo's replacement without using it (cancelled, never uploaded, or its file unusable:
    `reason` then says why): the photo is ready again with the files it has (failed, as before,
    when it has none) and the new file, if any arrived, is deleted. A photo whose replacement
    another caller settled first is left as it is."""
    dropped: list[str] = []

    def settle(current: Photo) -> None:
        if current.replacement is None or current.replacement.key != photo.replacement.key:
            raise TransitionRefused("its replacement was settled meanwhile")
        dropped.append(current.replacement.key)
        status = PhotoStatus.READY if current.variants else PhotoStatus.FAILED
        set_status(current, status, replacement=None, error=reason or current.error, attempts=0)

    try:
        settled = homes.modify(photo, settle)
    except TransitionRefused as exc:
        log.info("photo %s: replacement not dropped (%s)", photo.id, exc)
        return homes.find(photo.id, photo.page_id)
    services().blobs.delete_many(dropped)
    if settled is not None and reason:
        log.warning("photo %s: its replacement failed: %s", photo.id, reason)
    return settled


def retry(photo: Photo) -> Photo | None:
    """Queue a failed photo's job again (its original is still in storage)."""

    def requeue(current: Photo) -> None:
        if current.status != PhotoStatus.FAILED:
            raise TransitionRefused(f"only a failed photo is retried; this one is {current.status}")
        set_status(current, PhotoStatus.QUEUED, error="", attempts=0)

    queued = homes.modify(photo, requeue)
    if queued is not None:
        queue(queued)
    return queued


def queue_again(photo: Photo, *, full: bool = False) -> int:
    """Queue a ready or failed photo's job again (a settings change, `reprocess`); visitors keep
    its current files meanwhile. `full`: every file encoded anew, even when only its rights would
    change (`reprocess --all`, after the pipeline itself changed). Returns 1 when queued."""
    fields: dict[str, Any] = {"rendering": ""} if full else {}
    try:
        queued = transition(photo, PhotoStatus.QUEUED, error="", attempts=0, **fields)
    except TransitionRefused:  # its status changed since the listing: it is on its way
        return 0
    if queued is None:
        return 0
    queue(queued)
    return 1


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Re-queue photos whose job was lost (stuck in queued/processing) and fail uploads that never
    finished: the periodic `photo.sweep` job, and `sgoodie reprocess`."""
    now = now or datetime.now(UTC)
    requeued = abandoned = 0
    for photo in homes.photos_in(list(IN_PROGRESS)):
        # Touched, so the next sweep waits as long again before sending another message.
        if now - _parse(photo.updated_at) > STUCK_AFTER and homes.modify(photo, _touch):
            queue(photo)
            requeued += 1
    for status in (PhotoStatus.UPLOADING, PhotoStatus.REPLACING):  # a replacement: ready again
        for photo in services().store.photos_with_status(status):
            if now - _parse(photo.updated_at) <= ABANDONED_UPLOAD_AFTER:
                continue
            if status == PhotoStatus.UPLOADING:
                fail(photo, NEVER_FINISHED)
            else:
                drop_replacement(photo, REPLACEMENT_NEVER_FINISHED)
            abandoned += 1
    return {"requeued": requeued, "abandoned": abandoned}


def _touch(photo: Photo) -> None:
    photo.updated_at = utcnow()


def reprocess(*, failed: bool = False, everything: bool = False) -> int:
    """Queue photos again: stuck ones always, failed ones with `failed`, every photo (projects'
    and pages') with `everything` (after the variant settings changed)."""
    count = sweep()["requeued"]
    statuses = (
        [PhotoStatus.FAILED, PhotoStatus.READY] if everything else [PhotoStatus.FAILED] if failed else []
    )
    for photo in homes.photos_in(statuses):
        if photo.original_key:
            count += queue_again(photo, full=True)
    return count


def in_progress_on_pages() -> int:
    """Page photos (hero, portrait, gallery) queued or being processed: one read of the pages."""
    return sum(1 for photo in homes.page_photos() if photo.status in IN_PROGRESS)


def _parse(timestamp: str) -> datetime:
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
