"""`sgoodie-sync sync FOLDER`: mirror a folder of exported photos to a project, in the order:
uploads (in parallel), the files' words, the trash, the order, then waiting for the site to
prepare the new files. Every step can be repeated: the site knows each photo by its external id
and the hash of the file it was sent, so a run that was interrupted is simply run again."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .api import Api, ApiError
from .folder import ACCEPTED_FORMATS, LocalPhoto, scan
from .plan import ORDER_BY_NAME, Plan, by_position, full_order, make_plan, source_sha256
from .progress import Progress, megabytes

IN_PROGRESS = ("uploading", "replacing", "queued", "processing")
ATTEMPTS = 3  # per photo: a cut-off upload asks for a new upload form and sends the file again
# Each photo is three calls to the site around one upload to storage: with `jobs` uploads at once
# and up to twice as many photos in their calls meanwhile, the uploads never wait for the site.
CALLS_PER_UPLOAD = 2
POLL_SECONDS = 2.0


@dataclass
class SyncOptions:
    folder: Path
    project: str
    jobs: int = 4
    delete: bool = False
    order_by: str = ORDER_BY_NAME
    alt_from_files: bool = True
    dry_run: bool = False
    wait: float = 600.0
    use_cache: bool = True


@dataclass
class Outcome:
    """What a run did, for its summary and exit status."""

    uploaded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    photos: dict[str, dict] = field(default_factory=dict)  # external id -> the site's photo
    sent_sha256: dict[str, str] = field(default_factory=dict)  # external id -> the file's hash
    alt_from_file: int = 0
    caption_from_file: int = 0
    trashed: int = 0
    ordered: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    still_processing: int = 0
    ready: int = 0


class Refused(Exception):
    """The sync will not start (no such folder, a folder emptied by mistake, …)."""


def run_sync(api: Api, options: SyncOptions, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run one sync; the exit status: 0 when every photo is on the site, 1 when any failed."""
    started = time.monotonic()
    folder = options.folder
    if not folder.is_dir():
        raise Refused(f"{folder} is not a folder.")
    project = api.project_by_slug(options.project)
    local, others = scan(folder, use_cache=options.use_cache)
    if others:
        names = ", ".join(str(p.relative_to(folder)) for p in others[:5]) + (", …" if len(others) > 5 else "")
        count = f"{len(others)} file" + ("s" if len(others) != 1 else "")
        print(f"Not photos ({ACCEPTED_FORMATS}), left out: {count} ({names})", file=out)
    remote = api.photos(project["id"])
    plan = make_plan(
        local, remote, delete=options.delete, alt_from_files=options.alt_from_files, order_by=options.order_by
    )
    synced_on_site = [p for p in remote if p.get("external_id")]
    if not local and plan.trash:
        raise Refused(
            f"{folder} has no photos: not moving the project's {len(synced_on_site)} synced photos to "
            "the trash (is it the right folder, is the drive connected?)."
        )
    print(
        f'Project "{project.get("title", options.project)}" ({project.get("slug", options.project)}): '
        f"{len(remote)} photos on the site, {len(local)} in {folder}",
        file=out,
    )
    print_plan(plan, options, out)
    if options.dry_run:
        print("Dry run: nothing was changed.", file=out)
        return 0

    outcome = Outcome()
    _upload_all(api, project["id"], plan, options, outcome, err)
    _send_words(api, plan, options, outcome)
    for photo in plan.trash:
        try:
            api.trash(photo["id"])
            outcome.trashed += 1
        except ApiError as error:
            outcome.failures.append((photo["external_id"], f"not moved to the trash: {error}"))
    if plan.order_changes or plan.trash:
        _put_in_order(api, project["id"], plan, outcome)
    if options.wait > 0 and outcome.photos:
        _wait_for_processing(api, project["id"], outcome, options.wait, err)
    for _photo, remote_photo in plan.failed_on_site:
        outcome.failures.append(
            (
                remote_photo["external_id"],
                f"the site could not prepare it: {remote_photo.get('error') or 'failed'}",
            )
        )
    print_outcome(outcome, options, time.monotonic() - started, out)
    return 1 if outcome.failures else 0


def count_photos(count: int) -> str:
    return f"{count} photo" if count == 1 else f"{count} photos"


# -- the plan, as words ---------------------------------------------------------------------------
def print_plan(plan: Plan, options: SyncOptions, out: TextIO) -> None:
    lines: list[str] = []
    if options.dry_run:
        lines += [f"  new      {p.external_id} ({megabytes(p.size)})" for p in plan.new]
        lines += [f"  resume   {p.external_id} (an earlier upload was interrupted)" for p, _ in plan.resumed]
        lines += [f"  replace  {p.external_id} (the file changed)" for p, _ in plan.replace]
        for change in plan.text:
            fields = [
                name
                for name, value in (("alt text", change.alt_text), ("caption", change.caption))
                if value is not None
            ]
            lines.append(f"  text     {change.photo.external_id}: {' and '.join(fields)} from the file")
        lines += [f"  trash    {p['external_id']}" for p in plan.trash]
        lines += [
            f"  keep     {p['external_id']} is no longer in the folder (--delete moves it to the trash)"
            for p in plan.left_on_site
        ]
    order = "file names" if options.order_by == ORDER_BY_NAME else "capture time"
    alt = sum(change.alt_text is not None for change in plan.text)
    caption = sum(change.caption is not None for change in plan.text)
    summary = [
        f"{len(plan.new)} new",
        *([f"{len(plan.resumed)} resumed"] if plan.resumed else []),
        f"{len(plan.replace)} to replace",
        f"alt text from the file's title: {count_photos(alt)}",
        f"caption from the file's description: {count_photos(caption)}",
        f"order by {order}: {'changes' if plan.order_changes else 'unchanged'}",
        f"{len(plan.trash)} to the trash",
        f"{plan.unchanged} unchanged",
    ]
    if plan.left_on_site:
        summary.append(f"{len(plan.left_on_site)} no longer in the folder, kept (--delete)")
    if options.dry_run:
        lines.append("  order    " + " ".join(plan.order[:8]) + (" …" if len(plan.order) > 8 else ""))
    print("\n".join([*lines, "Plan: " + ", ".join(summary)]), file=out)


def print_outcome(outcome: Outcome, options: SyncOptions, seconds: float, out: TextIO) -> None:
    done = [
        f"{len(outcome.uploaded)} uploaded",
        f"{len(outcome.replaced)} replaced",
        f"{outcome.trashed} moved to the trash",
        "order set" if outcome.ordered else "order unchanged",
    ]
    print(f"Done in {seconds:.0f} s: " + ", ".join(done) + ".", file=out)
    if options.alt_from_files:
        print(
            f"alt text from the file's title: {count_photos(outcome.alt_from_file)}"
            + (
                " (described by the titles you wrote, so they can be published; --no-alt-from-files turns this off)"
                if outcome.alt_from_file
                else ""
            ),
            file=out,
        )
        print(f"caption from the file's description: {count_photos(outcome.caption_from_file)}", file=out)
    if outcome.photos:
        print(f"ready on the site: {outcome.ready} of {len(outcome.photos)} sent", file=out)
    if outcome.still_processing:
        print(
            f"still being prepared after {options.wait:.0f} s: {outcome.still_processing} photos "
            "(the site finishes them; run again to check)",
            file=out,
        )
    for name, reason in outcome.failures:
        print(f"FAILED {name}: {reason}", file=out)
    if outcome.failures:
        print(f"{count_photos(len(outcome.failures))} failed.", file=out)


# -- the steps ------------------------------------------------------------------------------------
def _upload_all(api: Api, project_id: str, plan: Plan, options: SyncOptions, outcome: Outcome, err: TextIO):
    jobs = [(p, None) for p in plan.new] + list(plan.resumed) + list(plan.replace)
    if not jobs:
        return
    replacing = {photo.external_id for photo, _ in plan.replace}
    progress = Progress(len(jobs), sum(photo.size for photo, _ in jobs), err)

    def send(job: tuple[LocalPhoto, dict | None]) -> None:
        photo, remote = job
        replace = photo.external_id in replacing
        sent_bytes = 0

        def count(size: int) -> None:
            nonlocal sent_bytes
            sent_bytes += size
            progress.sent(size)

        for attempt in range(ATTEMPTS):
            try:
                outcome.photos[photo.external_id] = _send_file(
                    api, project_id, photo, remote, replace, count, upload_slots
                )
                outcome.sent_sha256[photo.external_id] = photo.sha256
                (outcome.replaced if replace else outcome.uploaded).append(photo.external_id)
                progress.finished("replaced" if replace else "uploaded", photo.external_id, photo.size)
                return
            except ApiError as error:
                progress.sent(-sent_bytes)  # the bar shows what arrived, not what was tried
                sent_bytes = 0
                transient = error.status == 0 or error.status >= 500
                if not transient or attempt == ATTEMPTS - 1:
                    outcome.failures.append((photo.external_id, str(error)))
                    progress.failed(photo.external_id, str(error))
                    return
            except OSError as error:  # the file went away or cannot be read
                outcome.failures.append((photo.external_id, f"cannot read the file: {error}"))
                progress.failed(photo.external_id, f"cannot read the file: {error}")
                return

    uploads_at_once = max(1, options.jobs)
    upload_slots = threading.BoundedSemaphore(uploads_at_once)
    pool = ThreadPoolExecutor(max_workers=uploads_at_once * (1 + CALLS_PER_UPLOAD))
    try:
        list(pool.map(send, jobs))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)  # the uploads under way finish, no others start
        raise
    finally:
        pool.shutdown()
        progress.close()


def _send_file(
    api: Api,
    project_id: str,
    photo: LocalPhoto,
    remote: dict | None,
    replace: bool,
    count,
    upload_slots: threading.BoundedSemaphore,
) -> dict:
    """Create (or find) the photo, or start its replacement; send the file when the site still
    needs it (in one of the upload slots); tell the site it arrived. Returns the site's photo."""
    described = {
        "filename": photo.filename,
        "content_type": photo.content_type,
        "size": photo.size,
        "sha256": photo.sha256,
    }
    if replace:
        answer = api.replace_photo(remote["id"], **described)
    else:
        answer = api.create_photo(project_id, external_id=photo.external_id, **described)
    site_photo, form = answer["photo"], answer.get("upload")
    if form:
        with upload_slots:
            api.upload(form, photo.path, photo.filename, photo.content_type, on_bytes=count)
    else:
        count(photo.size)  # the site already has this file
    if form or site_photo.get("status") == "uploading":
        completed = api.complete(site_photo["id"])
        if isinstance(completed, dict):
            site_photo = completed.get("photo", completed)
    return site_photo


def _send_words(api: Api, plan: Plan, options: SyncOptions, outcome: Outcome) -> None:
    def send(change) -> tuple[bool, bool]:
        """Whether the site took the alt text, the caption (it keeps what was typed in the admin)."""
        site_photo = change.remote or outcome.photos.get(change.photo.external_id)
        if site_photo is None:
            return False, False  # its upload failed, which is already reported
        words = {
            name: value
            for name, value in (("alt_text", change.alt_text), ("caption", change.caption))
            if value is not None
        }
        try:
            answer = api.set_text_from_file(site_photo["id"], **words) or {}
        except ApiError as error:
            outcome.failures.append((change.photo.external_id, f"alt text and caption not set: {error}"))
            return False, False
        applied = answer.get("applied")
        now = answer.get("photo", answer)
        return tuple(  # type: ignore[return-value]
            name in words and (name in applied if applied is not None else now.get(name) == words[name])
            for name in ("alt_text", "caption")
        )

    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        taken = list(pool.map(send, plan.text))
    outcome.alt_from_file += sum(alt for alt, _ in taken)
    outcome.caption_from_file += sum(caption for _, caption in taken)


def _put_in_order(api: Api, project_id: str, plan: Plan, outcome: Outcome) -> None:
    remote = api.photos(project_id)  # with this run's new photos
    wanted = full_order(plan.order, remote)
    if wanted != [p["id"] for p in by_position(remote)]:
        try:
            api.set_order(project_id, wanted)
            outcome.ordered = True
        except ApiError as error:
            outcome.failures.append(("(order)", f"the order was not saved: {error}"))


def _wait_for_processing(api: Api, project_id: str, outcome: Outcome, timeout: float, err: TextIO) -> None:
    """Follow the sent photos until the site has prepared them (ready) or said why not (failed)."""
    sent = {photo["id"]: key for key, photo in outcome.photos.items()}
    deadline = time.monotonic() + timeout
    print(f"Waiting for the site to prepare {count_photos(len(sent))}…", file=err)
    tty = err.isatty()
    while True:
        current = {p["id"]: p for p in api.photos(project_id) if p["id"] in sent}
        pending = [p for p in current.values() if p.get("status") in IN_PROGRESS]
        if tty:
            err.write(f"\r{len(sent) - len(pending)} of {len(sent)} prepared \x1b[K")
            err.flush()
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    if tty:
        err.write("\n")
    for photo_id, key in sent.items():
        photo = current.get(photo_id)
        if photo is None:
            outcome.failures.append((key, "the photo is no longer on the site (deleted meanwhile?)"))
        elif photo.get("status") == "failed":
            outcome.failures.append((key, f"the site could not prepare it: {photo.get('error') or 'failed'}"))
        elif source_sha256(photo) not in ("", outcome.sent_sha256[key]):
            # The site went on with the file it had: it could not use the new one, and says why.
            outcome.failures.append((key, photo.get("error") or "The site kept the photo's earlier file."))
        elif photo.get("status") == "ready":
            outcome.ready += 1
        else:
            outcome.still_processing += 1
