"""The dashboard: what is on the site, what needs attention, what changed recently. Every figure
comes from a counter or a short list, so it costs the same on a site of 20 photos or 20,000."""

from __future__ import annotations

from flask import render_template

from .. import content
from ..auth import recent_failures
from ..cache import page_cache
from ..domain import PhotoStatus
from ..photos import lifecycle, rerender
from ..services import services
from .blueprint import bp

IN_PROGRESS = (PhotoStatus.UPLOADING, PhotoStatus.QUEUED, PhotoStatus.PROCESSING)
SHOWN_FAILED = 20  # failed photos listed (the count says when there are more)
COUNTED_IN_PROGRESS = 100  # "100+" beyond
WAITING_READ = 60  # ready photos without alt text read, grouped by project
WAITING_SHOWN = 10  # projects listed


@bp.get("/")
def dashboard():
    store = services().store
    counts = store.project_counts()
    categories = [
        {"slug": slug, "name": name, **counts.get(slug, {"published": 0, "drafts": 0})}
        for slug, name in services().categories.items()
    ]
    in_progress = [store.photos_with_status(s, limit=COUNTED_IN_PROGRESS + 1) for s in IN_PROGRESS]
    failed = store.photos_with_status(PhotoStatus.FAILED, limit=SHOWN_FAILED + 1)
    # Ready photos of published projects that visitors do not see yet: they wait for alt text.
    waiting: dict[str, int] = {}
    for photo in store.photos_missing_alt(limit=WAITING_READ):
        waiting[photo.project_id] = waiting.get(photo.project_id, 0) + 1
    # Their projects, for titles; drafts among the waiting ones are skipped, so read a few spare.
    wanted = [p.project_id for p in failed[:SHOWN_FAILED]] + list(waiting)[: 2 * WAITING_SHOWN]
    projects = {p.id: p for p in store.projects_by_ids(list(dict.fromkeys(wanted)))}
    waiting_for_alt = [
        (projects[project_id], count)
        for project_id, count in waiting.items()
        if project_id in projects and projects[project_id].published
    ][:WAITING_SHOWN]
    return render_template(
        "admin/dashboard.html",
        rerender=_rerender_progress(in_progress),
        categories=categories,
        category_names=services().categories,
        cache=page_cache().hit_ratio(),
        drafts=[c for c in categories if c["drafts"]],
        processing=sum(min(len(photos), COUNTED_IN_PROGRESS) for photos in in_progress),
        processing_more=any(len(photos) > COUNTED_IN_PROGRESS for photos in in_progress),
        failed=failed[:SHOWN_FAILED],
        failed_more=len(failed) > SHOWN_FAILED,
        project_titles={pid: p.title for pid, p in projects.items()},
        waiting_for_alt=waiting_for_alt,
        activity=content.activity.recent(),
        scheduled=_scheduled(),
        sign_ins=recent_failures(),
    )


def _rerender_progress(in_progress: list[list]) -> dict | None:
    """The latest settings change's re-render: how many photos it queued and how many have their
    new files (those no longer queued or processing), or None when there has been none. The photos
    in progress are counted up to COUNTED_IN_PROGRESS a status, so past that `done` is an upper
    bound (`at_most`)."""
    run = rerender.rerender_progress()
    if run is None:
        return None
    total = int(run.get("total", 0))
    waiting = sum(len(photos) for photos in in_progress[1:]) + lifecycle.in_progress_on_pages()
    done = max(0, total - waiting)
    return {
        "finding": bool(run.get("finding")),
        "total": total,
        "done": done,
        "at_most": any(len(photos) > COUNTED_IN_PROGRESS for photos in in_progress[1:]),
        "finished": not run.get("finding") and done >= total,
        "started_at": run.get("started_at", ""),
    }


def _scheduled() -> list:
    """The next scheduled changes, each with its project (None for a page's change); a change of a
    project deleted since is left out."""
    upcoming = content.schedule.upcoming()
    ids = list(dict.fromkeys(due.project_id for due in upcoming if due.project_id))
    projects = {p.id: p for p in services().store.projects_by_ids(ids)}
    return [
        (due, projects.get(due.project_id)) for due in upcoming if due.project_id in projects or due.page_id
    ]
