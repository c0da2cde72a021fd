"""The life of a photo, from upload to page: the one module that changes a photo's status.

    uploading ──> queued ──> processing ──> ready
        │            │            │  ▲        │
        └────────────┴──> failed <┘  └────────┘ (reprocess)
                            │
                            └──> queued (retry)

Two kinds of photo live this life. A project photo is a `Photo` record. A page photo (home hero,
about portrait, branding gallery) is an image dict on its page, with the same `status` and
`error`; it skips `uploading` because the admin's form stores its file before the page is saved.
Both are processed by the same job body (`process`) behind the same queue, so they report
progress and failures the same way; no request ever runs the variant pipeline.

Its background work is registered as job kinds (`register_jobs`): `photo.process` (a photo's
variants), `photo.move` (a client gallery's files to the private prefix, or back),
`photo.rerender-changed` (after a settings change, queue every photo whose files no longer match
them) and the periodic `photo.sweep` (lost jobs, abandoned uploads).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app

from .. import signals
from ..blobs import (
    IMMUTABLE,
    PRIVATE,
    BlobNotFoundError,
    BlobStore,
    content_type_for,
    is_private_key,
    original_key,
    page_original_key,
    page_variant_prefix,
    variant_name,
    variant_prefix,
)
from ..cache.cdn import invalidator
from ..content import activity, pages, projects
from ..domain import (
    PAGE_IDS,
    SITE_PAGE_ID,
    Image,
    Page,
    Photo,
    PhotoStatus,
    Project,
    Rights,
    SiteSettings,
    ValidationError,
    Variant,
    new_id,
    utcnow,
)
from ..image_formats import INPUT_LABEL
from ..images import (
    FORMATS,
    ImageError,
    RenderSettings,
    VariantSet,
    detect_format,
    make_variants,
)
from ..images.formats import SNIFF_BYTES
from ..images.rights import REWRITABLE, rewrite
from ..jobs import JobKind, JobRegistry, TimedOut
from ..services import services
from . import edits

log = logging.getLogger("sgoodie.photos")

#: Which status may follow which. `processing -> processing` is a job starting again: after a
#: transient error, or when the sweeper hands a lost job (its worker died) to another worker.
TRANSITIONS: dict[str, frozenset[str]] = {
    PhotoStatus.UPLOADING: frozenset({PhotoStatus.QUEUED, PhotoStatus.FAILED}),
    PhotoStatus.QUEUED: frozenset({PhotoStatus.PROCESSING, PhotoStatus.FAILED}),
    PhotoStatus.PROCESSING: frozenset({PhotoStatus.PROCESSING, PhotoStatus.READY, PhotoStatus.FAILED}),
    PhotoStatus.READY: frozenset({PhotoStatus.QUEUED}),
    PhotoStatus.FAILED: frozenset({PhotoStatus.QUEUED}),
}

MISSING_ORIGINAL = "The uploaded file is missing from storage. Upload the photo again."
GAVE_UP = "Processing kept failing because storage could not be reached. Use Retry to try again."
NEVER_FINISHED = "The upload never finished. Upload the photo again."
TOO_MANY_ATTEMPTS = (
    "Processing this photo stopped again and again before it finished (it may be too large). "
    "Upload a smaller file."
)
TOO_SLOW = "Processing this photo took too long (it may be too large). Use Retry, or upload a smaller file."
MAX_ATTEMPTS = 8  # a job that dies with its worker is redelivered; past this many starts, give up
STUCK_AFTER = timedelta(minutes=10)  # queued/processing this long: the job was lost (worker killed)
ABANDONED_UPLOAD_AFTER = timedelta(days=1)
RERENDER = ("rerender", "current")  # records: the latest settings change's re-render, for the dashboard
PROCESS = "photo.process"
MOVE = "photo.move"
RERENDER_CHANGED = "photo.rerender-changed"
SWEEP = "photo.sweep"
SWEEP_EVERY = 300.0  # seconds: lost jobs are found within 10 minutes plus this


class TransitionRefused(ValueError):
    """A status change that makes no sense (a ready photo cannot be "uploaded" again)."""


class NotArrived(Exception):
    """The upload callback came before the file reached storage."""


def check_transition(current: str, new: str) -> None:
    if new not in TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"a {current} photo cannot become {new}")


def _set_status(subject: Photo | dict[str, Any], new: str, **fields: Any) -> None:
    """Change the status of a photo record or a page image dict: the one place it happens."""
    if isinstance(subject, Photo):
        check_transition(subject.status, new)
        subject.status = new
        for name, value in fields.items():
            setattr(subject, name, value)
    else:
        check_transition(subject.get("status", PhotoStatus.READY), new)
        subject.update(status=new, updated_at=utcnow(), **fields)


def _transition(photo_id: str, new: str, **fields: Any) -> Photo | None:
    """Move a project photo to `new`; None when it was deleted meanwhile."""
    return edits.modify(photo_id, lambda current: _set_status(current, new, **fields))


# -- project photos: upload ------------------------------------------------------------------
def register_upload(project_id: str, filename: str, content_type: str, extension: str, size: int) -> Photo:
    """A photo the browser is about to send straight to storage."""
    photo = Photo(
        project_id=project_id,
        status=PhotoStatus.UPLOADING,
        filename=filename,
        content_type=content_type,
        size=size,
    )
    photo.original_key = original_key(project_id, photo.id, extension)
    return services().store.add_photo(photo)


@dataclass
class Arrival:
    photo: Photo | None  # None: deleted meanwhile
    refused: bool = False  # the file arrived but cannot be used (the photo is now failed)


def mark_uploaded(photo: Photo) -> Arrival:
    """The file is in storage: check it and queue the job. Calling it twice is harmless (the
    browser's callback and the S3 event may both arrive). Raises NotArrived."""
    if photo.status != PhotoStatus.UPLOADING:
        return Arrival(photo)
    blobs = services().blobs
    info = blobs.head(photo.original_key)
    if info is None:
        current = services().store.get_photo(photo.id)
        if (
            current is None or current.status != PhotoStatus.UPLOADING
        ):  # another callback settled it meanwhile
            return Arrival(current, refused=current is not None and current.status == PhotoStatus.FAILED)
        raise NotArrived("The file has not arrived in storage yet; finish the upload first.")
    limit = services().config["MAX_UPLOAD_BYTES"]
    if info.size != photo.size or info.size > limit:
        failed = fail(
            photo.id,
            f"The stored file is {info.size} bytes, not the {photo.size} bytes announced. Upload it again.",
        )
        blobs.delete_many([photo.original_key])
        return Arrival(failed, refused=True)
    with blobs.open(photo.original_key) as fh:
        head = fh.read(SNIFF_BYTES)
    if detect_format(head) is None:
        failed = fail(photo.id, f"{photo.filename} is not an image we can read ({INPUT_LABEL}).")
        return Arrival(failed, refused=True)
    try:
        queued = _transition(photo.id, PhotoStatus.QUEUED)
    except TransitionRefused:  # the other notification won the race: it queued the job
        return Arrival(services().store.get_photo(photo.id))
    if queued is not None:
        services().jobs.enqueue(PROCESS, photo_id=queued.id)
    return Arrival(queued)


# -- the job body ----------------------------------------------------------------------------
def process(photo_id: str, page_id: str = "") -> Photo | dict[str, Any] | None:
    """Render every variant of a photo (of a project, or of the page `page_id`) and mark it ready
    (or failed, with the reason).

    Safe to run twice (a ready photo is left as it is) and safe against a photo deleted mid-job
    (its new files are removed again and nothing is recreated). Only `ImageError` and a missing
    original are permanent failures; any other exception (storage unreachable, a throttled
    request) propagates so the job queue retries it.
    """
    if page_id:
        return _process_page_photo(page_id, photo_id)
    return _process_project_photo(photo_id)


def register_jobs(jobs: JobRegistry) -> None:
    """The photo's background work, as job kinds."""
    jobs.register(JobKind(PROCESS, _settled_quietly(process), gave_up=_gave_up))
    jobs.register(JobKind(MOVE, _settled_quietly(move_files)))
    jobs.register(JobKind(RERENDER_CHANGED, rerender_changed))
    jobs.register(JobKind(SWEEP, sweep, every=SWEEP_EVERY))


def _settled_quietly(job: Callable[..., Any]) -> Callable[..., Any]:
    """A job whose photo another job settled meanwhile (a duplicate message for a ready photo) has
    nothing left to do: not an error, nothing to retry."""

    def run(**arguments: Any) -> Any:
        try:
            return job(**arguments)
        except TransitionRefused as exc:
            log.info("photo %s: %s", arguments, exc)
            return None

    return run


def _process_project_photo(photo_id: str) -> Photo | None:
    photo = services().store.get_photo(photo_id)
    if photo is None:
        return None
    if photo.attempts >= MAX_ATTEMPTS:  # redelivered again and again: the job keeps dying on it
        return fail(photo_id, TOO_MANY_ATTEMPTS)
    try:
        photo = _transition(photo_id, PhotoStatus.PROCESSING, error="", attempts=photo.attempts + 1)
    except TransitionRefused as exc:  # a duplicate message for a ready or failed photo
        log.info("photo %s: job skipped (%s)", photo_id, exc)
        return services().store.get_photo(photo_id)
    if photo is None:
        return None
    settings = render_settings(photo.rights_override)
    private = _is_private(photo.project_id)
    prefix = variant_prefix(photo.project_id, photo.id, private=private)
    rendered, variants, problem = _render(
        photo.original_key,
        prefix,
        settings,
        photo.rendering,
        photo.variants,
        cache_control=PRIVATE if private else IMMUTABLE,
    )
    if rendered is None:
        return fail(photo_id, problem)
    try:
        ready = _transition(
            photo_id,
            PhotoStatus.READY,
            **_ready_fields(rendered, variants, settings),
            exif=rendered.exif,
            updated_at=utcnow(),
        )
    except TransitionRefused:  # a duplicate job finished first, with the same files
        return services().store.get_photo(photo_id)
    if ready is None:  # deleted while we worked: do not leave its files behind
        services().blobs.delete_prefix(prefix)
        return None
    _drop_stale(prefix, ready.variants, photo.variants)
    if photo.variants:  # rendered again: page photos copied from it follow
        _refresh_copies(ready)
    projects.ensure_cover(ready.project_id)
    if _is_private(photo.project_id) != private:  # the project changed sides while we rendered
        services().jobs.enqueue(MOVE, photo_id=photo_id)
    log.info("photo %s ready: %d variants", photo_id, len(variants))
    signals.photo_ready.send(current_app._get_current_object(), photo=ready)
    return ready


def _is_private(project_id: str) -> bool:
    project = services().store.get_project(project_id)
    return bool(project and project.is_private)


# -- moving files between the public and the private prefix ------------------------------------
def move_project_files(project: Project) -> int:
    """Queue a move for every photo of a project that changed sides (public <-> client gallery);
    returns how many. Photos still being rendered land on the right side by themselves."""
    count = 0
    for photo in services().store.photos_for_project(project.id):
        if photo.variants:
            services().jobs.enqueue(MOVE, photo_id=photo.id)
            count += 1
    if count:
        side = "private storage" if project.is_private else "public storage"
        activity.record(f"Moving {count} photos of “{project.title}” to {side}", project_id=project.id)
    return count


def _project_saved(app: Flask, project: Project, previous: Project | None, **_: Any) -> None:
    """A project that became a client gallery (or stopped being one): its photos' files move to
    the private prefix (or back) in the background."""
    if previous is not None and project.is_private != previous.is_private:
        move_project_files(project)


def _photos_restored(app: Flask, photos: list[Photo], **_: Any) -> None:
    """Photos back from the trash whose job had not finished when they were deleted: queued again."""
    for photo in photos:
        if photo.status in (PhotoStatus.QUEUED, PhotoStatus.PROCESSING):
            services().jobs.enqueue(PROCESS, photo_id=photo.id)


def connect_signals(app: Flask) -> None:
    """The photo's life reacts to content changes (the app factory connects it)."""
    signals.project_saved.connect(_project_saved, sender=app)
    signals.photos_restored.connect(_photos_restored, sender=app)


def move_files(photo_id: str) -> Photo | None:
    """Put a photo's variants where its project's visibility says: under `private/` for a client
    gallery (served only through signed links), at the public path otherwise. Copies first, then
    points the record at the copies, then deletes the old files, so every page rendered meanwhile
    links files that exist. Safe to run twice; a photo whose files are already in place is left."""
    store, blobs = services().store, services().blobs
    photo = store.get_photo(photo_id)
    project = store.get_project(photo.project_id) if photo else None
    if photo is None or project is None or not photo.variants:
        return photo
    private = project.is_private
    prefix = variant_prefix(photo.project_id, photo.id, private=private)
    if all(v.key.startswith(prefix) for v in photo.variants):
        return photo
    moved = [replace(v, key=prefix + v.key.rsplit("/", 1)[-1]) for v in photo.variants]
    for old, new in zip(photo.variants, moved, strict=True):
        blobs.copy(old.key, new.key, cache_control=PRIVATE if private else IMMUTABLE)
    old_keys = {v.key for v in photo.variants}

    def point_at_copies(current: Photo) -> None:
        if {v.key for v in current.variants} == old_keys:  # not rendered again meanwhile
            current.variants = moved

    updated = edits.modify(photo_id, point_at_copies)
    if updated is None or {v.key for v in updated.variants} != {v.key for v in moved}:
        blobs.delete_prefix(prefix)  # deleted or re-rendered meanwhile: the copies are nobody's
        return updated
    old_prefix = variant_prefix(photo.project_id, photo.id, private=not private)
    blobs.delete_prefix(old_prefix)
    cdn = invalidator(current_app)
    if private and cdn is not None:  # copies the CDN kept of the public files go too
        cdn.submit({f"/{old_prefix}*"})
    log.info("photo %s: variants moved to the %s side", photo_id, "private" if private else "public")
    signals.photo_files_moved.send(current_app._get_current_object(), photo=updated, private=private)
    return updated


def render_settings(override: dict[str, str] | None = None) -> RenderSettings:
    """How a photo is rendered now: the site's settings, and the photo's own rights if any."""
    site = SiteSettings.from_page(services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])
    return RenderSettings.for_site(site, Rights.from_dict(override))


def _render(
    original_key: str,
    prefix: str,
    settings: RenderSettings,
    rendering: str,
    current: list[Any],
    *,
    cache_control: str = IMMUTABLE,
) -> tuple[VariantSet | None, list[Variant], str]:
    """Make and store the variants of a stored original: (what was rendered, the stored variants,
    ""), or (None, [], the reason of a permanent failure).

    A photo's first files are `<width>.<ext>`; a re-render writes new names beside the current
    files (which visitors keep getting until the photo's record points at the new ones), and
    `_drop_stale` removes the generation before. When only the rights changed (same encoder
    settings), JPEG and WebP keep their pixels and get their metadata rewritten; only AVIF, whose
    container Exiv2 cannot write, is encoded again."""
    current_variants = [v if isinstance(v, Variant) else Variant(**v) for v in current]
    same_pixels = bool(current_variants) and rendering == settings.signature
    formats = tuple(f for f in FORMATS if f not in REWRITABLE) if same_pixels else FORMATS
    generation = new_id()[:8] if current_variants else ""
    blobs = services().blobs
    try:
        rendered = make_variants(blobs.get(original_key), settings, formats)
    except BlobNotFoundError:
        return None, [], MISSING_ORIGINAL
    except ImageError as exc:
        return None, [], str(exc)
    variants = store_variants(blobs, prefix, rendered, generation, cache_control=cache_control)
    if same_pixels:
        for old in current_variants:
            if old.format in REWRITABLE:
                key = prefix + variant_name(old.width, old.format, generation)
                data = rewrite(blobs.get(old.key), rendered.rights)
                blobs.put(key, data, content_type=content_type_for(key), cache_control=cache_control)
                variants.append(Variant(old.width, old.height, old.format, key, len(data)))
    variants.sort(key=lambda v: (v.width, FORMATS.index(v.format)))
    return rendered, variants, ""


def store_variants(
    blobs: BlobStore,
    prefix: str,
    variant_set: VariantSet,
    generation: str = "",
    *,
    cache_control: str = IMMUTABLE,
) -> list[Variant]:
    """Write every rendition under `prefix` (`variant_name`), served immutable (a client
    gallery's: private, never stored by a CDN)."""
    stored = []
    for rendered in variant_set.variants:
        key = prefix + variant_name(rendered.width, rendered.format, generation)
        blobs.put(key, rendered.data, content_type=rendered.content_type, cache_control=cache_control)
        stored.append(Variant(rendered.width, rendered.height, rendered.format, key, len(rendered.data)))
    return stored


def _drop_stale(prefix: str, *generations: list[Any]) -> None:
    """Delete the files under `prefix` that none of these variant lists (the new files, and the
    ones pages showed until now) name: what a re-render before the last one left."""
    keep = {v.key if isinstance(v, Variant) else v["key"] for variants in generations for v in variants}
    blobs = services().blobs
    blobs.delete_many([key for key in blobs.list_keys(prefix) if key not in keep])


def _ready_fields(rendered: VariantSet, variants: list[Any], settings: RenderSettings) -> dict[str, Any]:
    """What a photo record and a page photo both keep of their rendering."""
    return {
        "error": "",
        "width": rendered.width,
        "height": rendered.height,
        "variants": variants,
        "dominant_color": rendered.dominant_color,
        "placeholder": rendered.placeholder,
        "rights": rendered.rights.to_dict(),
        "rights_source": rendered.rights_source.to_dict(),
        "rendering": settings.signature,
    }


def fail(photo_id: str, reason: str) -> Photo | None:
    """Record a permanent failure with its human reason (the admin sees it and can retry). A photo
    another caller settled first (the upload callback and the S3 event racing, a duplicate job)
    is left as that caller left it."""
    try:
        photo = _transition(photo_id, PhotoStatus.FAILED, error=reason)
    except TransitionRefused as exc:
        log.info("photo %s: not marked failed (%s)", photo_id, exc)
        return services().store.get_photo(photo_id)
    if photo is not None:
        log.warning("photo %s failed: %s", photo_id, reason)
        signals.photo_failed.send(current_app._get_current_object(), photo=photo, reason=reason)
    return photo


def _gave_up(arguments: Mapping[str, Any], error: BaseException) -> None:
    """The job queue stopped trying: the photo is marked failed with the reason, in the admin's
    words (its job kept failing on storage, or ran past its time limit)."""
    reason = TOO_SLOW if isinstance(error, TimedOut) else GAVE_UP
    page_id, photo_id = arguments.get("page_id", ""), arguments["photo_id"]
    if not page_id:
        fail(photo_id, reason)
        return
    try:
        _change_page_photo(page_id, photo_id, PhotoStatus.FAILED, error=reason)
    except TransitionRefused as exc:
        log.info("page photo %s: not marked failed (%s)", photo_id, exc)


# -- retry, reprocess, sweep -----------------------------------------------------------------
def retry(photo: Photo) -> Photo | None:
    """Queue a failed photo's job again (its original is still in storage)."""

    def requeue(current: Photo) -> None:
        if current.status != PhotoStatus.FAILED:
            raise TransitionRefused(f"only a failed photo is retried; this one is {current.status}")
        _set_status(current, PhotoStatus.QUEUED, error="", attempts=0)

    queued = edits.modify(photo.id, requeue)
    if queued is not None:
        services().jobs.enqueue(PROCESS, photo_id=queued.id)
    return queued


def reprocess(*, failed: bool = False, everything: bool = False) -> int:
    """Queue photos again: stuck ones always, failed ones with `failed`, every photo (project and
    page photos) with `everything` (after the variant settings changed)."""
    count = sweep()["requeued"]
    statuses = (
        [PhotoStatus.FAILED, PhotoStatus.READY] if everything else [PhotoStatus.FAILED] if failed else []
    )
    for photo in _photos_in(statuses):
        if photo.original_key:
            count += _queue_again(photo.id, full=True)
    for page_id, image in _page_photos():
        if image.get("original_key") and image.get("status", PhotoStatus.READY) in statuses:
            try:
                count += bool(retry_page_photo(page_id, image["id"], full=True))
            except TransitionRefused:
                continue
    return count


def needs_rerender(before: SiteSettings, after: SiteSettings) -> bool:
    """Whether a settings change alters the public files: quality, colour, or the default rights
    (the business name too, when the defaults fall back to it)."""
    encoding = RenderSettings.for_site(before).signature, RenderSettings.for_site(after).signature
    return encoding[0] != encoding[1] or before.rights_defaults("{year}") != after.rights_defaults("{year}")


def request_rerender() -> None:
    """After a settings change: one background job finds and queues the photos whose files it
    changes (the request that saved the settings reads no photo)."""
    services().store.records.put(*RERENDER, {"total": 0, "started_at": utcnow(), "finding": True})
    services().jobs.enqueue(RERENDER_CHANGED)


def _out_of_date(
    settings: RenderSettings, rendering: str, rights: dict, source: dict, override: dict, taken_at: str
) -> bool:
    wanted = replace(settings, rights_override=Rights.from_dict(override))
    return (
        rendering != settings.signature
        or wanted.rights_for(Rights.from_dict(source), taken_at).to_dict() != rights
    )


def rerender_changed() -> int:
    """The body of the `site:rerender` job: queue every ready photo (project and page photos) whose
    files were made with other encoder settings or carry other rights than the settings now give.
    Visitors keep the current files of each until its new ones are in place."""
    settings = render_settings()
    count = 0
    for photo in _photos_in([PhotoStatus.READY]):
        if photo.original_key and _out_of_date(
            settings,
            photo.rendering,
            photo.rights,
            photo.rights_source,
            photo.rights_override,
            photo.exif.get("taken_at", ""),
        ):
            count += _queue_again(photo.id)
    for page_id, image in _page_photos():
        if (
            image.get("original_key")
            and image.get("status", PhotoStatus.READY) == PhotoStatus.READY
            and _out_of_date(
                settings,
                image.get("rendering", ""),
                image.get("rights") or {},
                image.get("rights_source") or {},
                {},
                "",
            )
        ):
            try:
                count += bool(retry_page_photo(page_id, image["id"]))
            except TransitionRefused:
                continue
    services().store.records.put(*RERENDER, {"total": count, "started_at": utcnow(), "finding": False})
    log.info("settings changed: %d photos queued for new files", count)
    return count


def _photos_in(statuses: list[str]) -> Iterator[Photo]:
    """The project photos in these statuses. Ready ones are not listed by status (that would be
    the whole site in one list): they come project by project, a command's pace, not a page's."""
    store = services().store
    if PhotoStatus.FAILED in statuses:
        yield from store.photos_with_status(PhotoStatus.FAILED)
    if PhotoStatus.READY in statuses:
        for category in services().categories:
            for project in store.projects_in_category(category):
                yield from (p for p in store.photos_for_project(project.id) if p.status == PhotoStatus.READY)


def rerender_photo(photo: Photo) -> bool:
    """Queue a ready photo whose files no longer carry what its rights now give (after its own
    rights were edited). True when queued."""
    return (
        photo.is_ready
        and bool(photo.original_key)
        and _out_of_date(
            render_settings(),
            photo.rendering,
            photo.rights,
            photo.rights_source,
            photo.rights_override,
            photo.exif.get("taken_at", ""),
        )
        and bool(_queue_again(photo.id))
    )


def page_photos_in_progress() -> int:
    """Page photos (hero, portrait, gallery) queued or being processed: one read of the pages."""
    return sum(
        1
        for _, image in _page_photos()
        if image.get("status") in (PhotoStatus.QUEUED, PhotoStatus.PROCESSING)
    )


def rerender_progress() -> dict[str, Any] | None:
    """The latest settings re-render for the dashboard: how many photos it queued, how many are
    done (the photos still queued or processing are not)."""
    return services().store.records.get(*RERENDER)


def _queue_again(photo_id: str, *, full: bool = False) -> int:
    """Queue a ready or failed photo's job again; `full`: every file encoded anew, even when only
    its rights would change (`reprocess --all`, after the pipeline itself changed)."""
    fields: dict[str, Any] = {"rendering": ""} if full else {}
    try:
        queued = _transition(photo_id, PhotoStatus.QUEUED, error="", attempts=0, **fields)
    except TransitionRefused:  # its status changed since the listing: it is on its way
        return 0
    if queued is None:
        return 0
    services().jobs.enqueue(PROCESS, photo_id=photo_id)
    return 1


def rebuild_missing_variants() -> int:
    """Queue every ready photo (project or page) whose variant files are not in storage: a site
    imported from an archive without variants. A photo whose files are there is left alone, so
    running this again changes nothing. Every file is encoded anew (there is none to rewrite)."""
    blobs, count = services().blobs, 0
    for photo in _photos_in([PhotoStatus.READY]):
        if photo.variants and photo.original_key and blobs.head(photo.variants[0].key) is None:
            count += _queue_again(photo.id, full=True)
    for page_id, image in _page_photos():
        variants = image.get("variants") or []
        ready = image.get("status", PhotoStatus.READY) == PhotoStatus.READY and image.get("original_key")
        if ready and variants and blobs.head(variants[0]["key"]) is None:
            try:
                count += bool(retry_page_photo(page_id, image["id"], full=True))
            except TransitionRefused:
                continue
    return count


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Re-queue photos whose job was lost (stuck in queued/processing) and fail uploads that never
    finished. Run by Celery beat on AWS, by the embedded default when its job thread starts, and
    by `sgoodie reprocess`."""
    now = now or datetime.now(UTC)
    store, jobs = services().store, services().jobs
    requeued = abandoned = 0
    for status in (PhotoStatus.QUEUED, PhotoStatus.PROCESSING):
        for photo in store.photos_with_status(status):
            # Touched, so the next sweep waits as long again before sending another message.
            if now - _parse(photo.updated_at) > STUCK_AFTER and edits.modify(photo.id, lambda p: None):
                jobs.enqueue(PROCESS, photo_id=photo.id)
                requeued += 1
    for photo in store.photos_with_status(PhotoStatus.UPLOADING):
        if now - _parse(photo.updated_at) > ABANDONED_UPLOAD_AFTER:
            fail(photo.id, NEVER_FINISHED)
            abandoned += 1
    for page_id, image in _page_photos():
        if (
            image.get("status") in (PhotoStatus.QUEUED, PhotoStatus.PROCESSING)
            and now - _parse(image.get("updated_at", "")) > STUCK_AFTER
            and _modify_page_photo(page_id, image["id"], lambda current: current.update(updated_at=utcnow()))
        ):
            jobs.enqueue(PROCESS, photo_id=image["id"], page_id=page_id)
            requeued += 1
    return {"requeued": requeued, "abandoned": abandoned}


def _parse(timestamp: str) -> datetime:
    try:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


# -- page photos -----------------------------------------------------------------------------
def store_page_upload(page_id: str, stream, alt: str) -> dict[str, Any]:
    """Keep an uploaded page photo's file and describe it as a queued page image. The file is
    only streamed to storage and its first bytes checked; the variants are made by the job once
    the page is saved (`queue_page_photos`). Raises ImageError for a file that is no image."""
    limit = services().config["MAX_UPLOAD_BYTES"]
    head = stream.read(SNIFF_BYTES)
    extension = detect_format(head)
    if extension is None:
        raise ImageError(f"That file is not an image we can read ({INPUT_LABEL}).")
    image_id = new_id()
    key = page_original_key(page_id, image_id, extension)
    try:
        services().blobs.put_stream(key, _Prepended(head, stream), max_bytes=limit)
    except ValueError:
        raise ImageError(f"The file is larger than the {limit // (1024 * 1024)} MB allowed.") from None
    return {
        "id": image_id,
        "original_key": key,
        "alt": alt,
        "status": PhotoStatus.QUEUED,
        "error": "",
        "updated_at": utcnow(),
        "width": 0,
        "height": 0,
        "variants": [],
    }


def queue_page_photos(page_id: str, image_ids: list[str]) -> int:
    """Queue the jobs of photos just stored for a page (once the page holding them is saved)."""
    for image_id in image_ids:
        services().jobs.enqueue(PROCESS, photo_id=image_id, page_id=page_id)
    return len(image_ids)


def retry_page_photo(page_id: str, image_id: str, *, full: bool = False) -> dict[str, Any] | None:
    """Queue a page photo's job again: a failed one (Retry), or a ready one (`reprocess --all`, a
    settings change; visitors keep seeing its current files meanwhile). `full`: as `_queue_again`."""
    fields: dict[str, Any] = {"rendering": ""} if full else {}
    image = _change_page_photo(page_id, image_id, PhotoStatus.QUEUED, error="", attempts=0, **fields)
    if image is not None:
        services().jobs.enqueue(PROCESS, photo_id=image_id, page_id=page_id)
    return image


def page_photo(page: Page, image_id: str) -> dict[str, Any] | None:
    return next((image for _, image in _images_of(page) if image.get("id") == image_id), None)


def _process_page_photo(page_id: str, image_id: str) -> dict[str, Any] | None:
    page = services().store.get_pages([page_id])[page_id]
    image = page_photo(page, image_id)
    if image is None:
        return None
    if image.get("attempts", 0) >= MAX_ATTEMPTS:
        return _change_page_photo(page_id, image_id, PhotoStatus.FAILED, error=TOO_MANY_ATTEMPTS)
    try:
        image = _change_page_photo(
            page_id, image_id, PhotoStatus.PROCESSING, error="", attempts=image.get("attempts", 0) + 1
        )
    except TransitionRefused as exc:
        log.info("page photo %s: job skipped (%s)", image_id, exc)
        return image
    if image is None:
        return None
    blobs = services().blobs
    settings = render_settings()
    prefix = page_variant_prefix(page_id, image_id)
    rendered, stored, problem = _render(
        image["original_key"], prefix, settings, image.get("rendering", ""), image.get("variants") or []
    )
    if rendered is None:
        return _change_page_photo(page_id, image_id, PhotoStatus.FAILED, error=problem)
    variants = [asdict(v) for v in stored]
    replaced: list[dict[str, Any]] = []

    def finish(current: dict[str, Any]) -> None:
        _set_status(current, PhotoStatus.READY, **_ready_fields(rendered, variants, settings))
        previous = current.pop("previous", None)
        if previous:
            replaced.append(previous)

    try:
        ready = _modify_page_photo(page_id, image_id, finish, visible=True)
    except TransitionRefused:  # a duplicate job finished first, with the same files
        return page_photo(services().store.get_pages([page_id])[page_id], image_id)
    if ready is None:  # removed from the page while we worked
        blobs.delete_prefix(prefix)
        return None
    _drop_stale(prefix, variants, image.get("variants") or [])
    for old in replaced:
        discard_page_photo(old)
    log.info("page photo %s on %s ready: %d variants", image_id, page_id, len(variants))
    return ready


def _change_page_photo(page_id: str, image_id: str, new: str, **fields: Any) -> dict[str, Any] | None:
    return _modify_page_photo(page_id, image_id, lambda image: _set_status(image, new, **fields))


def _modify_page_photo(
    page_id: str, image_id: str, change: Callable[[dict[str, Any]], None], *, visible: bool = False
) -> dict[str, Any] | None:
    """Apply `change` to one image dict on the latest version of its page (None when it is gone).
    Only a photo becoming ready changes what visitors see (`visible`): queued, processing and
    failed leave the page showing what it showed, so they purge nothing."""
    found: list[dict[str, Any]] = []

    def apply(page: Page) -> None:
        image = page_photo(page, image_id)
        if image is None:
            raise _Gone
        change(image)
        found[:] = [image]

    try:
        pages.modify(page_id, apply, visible=visible)
    except _Gone:
        return None
    return found[0]


class _Gone(Exception):
    """The page photo was removed from its page."""


def _images_of(page: Page):
    """(slot, image dict) for every photo on the page: single slots and lists (the gallery)."""
    for slot, value in page.images.items():
        for image in value if isinstance(value, list) else [value]:
            if isinstance(image, dict) and image.get("id"):
                yield slot, image


def _page_photos():
    pages = services().store.get_pages(PAGE_IDS)
    for page in pages.values():
        for _, image in _images_of(page):
            yield page.id, image


def from_portfolio(page_id: str, photo_id: str, alt: str) -> dict[str, Any]:
    """A ready portfolio photo's variants copied into the page's own files, so deleting that
    project later does not break the page. Copying needs no image work."""
    photo = services().store.get_photo(photo_id)
    if photo is None or not photo.is_ready:
        raise ValidationError({"photo": "That photo is not available any more."})
    if any(is_private_key(v.key) for v in photo.variants):  # a page is public: never a client's photo
        raise ValidationError({"photo": "That photo belongs to a client gallery; choose a portfolio photo."})
    image_id = new_id()
    prefix = page_variant_prefix(page_id, image_id)
    try:
        copied = _copy_variants(photo.variants, prefix)
    except BlobNotFoundError:
        services().blobs.delete_prefix(prefix)
        raise ValidationError({"photo": "That photo's files are missing; choose another one."}) from None
    image = Image(
        photo.width,
        photo.height,
        copied,
        photo.dominant_color or "#888888",
        photo.placeholder,
        alt or photo.alt_text,
        rights=dict(photo.rights),
        focal_x=photo.focal_x,  # the subject stays where the photographer placed it
        focal_y=photo.focal_y,
    )
    return {
        **image.to_dict(),
        "id": image_id,
        "from_photo": photo.id,  # gets that photo's new files when it is rendered again
        "rendering": photo.rendering,
        "original_key": "",
        "status": PhotoStatus.READY,
        "error": "",
        "updated_at": utcnow(),
    }


def _copy_variants(variants: list[Variant], prefix: str, generation: str = "") -> list[Variant]:
    """Copies of a photo's files under a page photo's `prefix` (no image work)."""
    blobs = services().blobs
    copied = []
    for variant in variants:
        key = prefix + variant_name(variant.width, variant.format, generation)
        blobs.put(key, blobs.get(variant.key), content_type=content_type_for(key), cache_control=IMMUTABLE)
        copied.append(Variant(variant.width, variant.height, variant.format, key, variant.bytes))
    return copied


def _refresh_copies(photo: Photo) -> None:
    """A portfolio photo rendered again: the page photos copied from it (a hero chosen from the
    portfolio) get copies of its new files, beside the ones their page shows until then."""
    for page_id, image in list(_page_photos()):
        if image.get("from_photo") != photo.id or image.get("original_key"):
            continue
        prefix = page_variant_prefix(page_id, image["id"])
        try:
            copied = _copy_variants(photo.variants, prefix, new_id()[:8])
        except BlobNotFoundError:  # the photo was rendered again meanwhile: that job copies
            continue

        def update(current: dict[str, Any], copied=copied) -> None:
            current.update(
                variants=[asdict(v) for v in copied],
                rights=dict(photo.rights),
                rendering=photo.rendering,
                updated_at=utcnow(),
            )

        if _modify_page_photo(page_id, image["id"], update, visible=True) is None:
            services().blobs.delete_many([v.key for v in copied])
        else:
            _drop_stale(prefix, copied, image.get("variants") or [])


def discard_page_photo(image: dict[str, Any]) -> None:
    """Remove a page photo's files (after it was replaced or removed), and those of the photo it
    was about to replace."""
    keys = [variant["key"] for variant in image.get("variants", [])]
    if image.get("original_key"):
        keys.append(image["original_key"])
    services().blobs.delete_many(keys)
    # Everything under its prefix too: files made later from it (the home hero's phone cuts).
    named = image.get("original_key") or next(iter(keys), "")
    if image.get("id") and named.startswith("pages/"):
        page_id = named.split("/", 2)[1]
        services().blobs.delete_prefix(page_variant_prefix(page_id, image["id"]))
    if image.get("previous"):
        discard_page_photo(image["previous"])


class _Prepended:
    """A stream whose first bytes were already read (to recognise the format)."""

    def __init__(self, head: bytes, rest):
        self._head, self._rest = head, rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            if len(data) < size:
                data += self._rest.read(size - len(data))
            return data
        return self._rest.read(size)
