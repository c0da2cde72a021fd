"""The dashboard: what is on the site, what needs attention, what changed recently. Every figure
comes from a counter or a short list, so it costs the same on a site of 20 photos or 20,000."""

from __future__ import annotations

import json
from dataclasses import replace

from flask import flash, redirect, render_template, url_for

from .. import content
from ..auth import recent_failures
from ..cache import page_cache
from ..domain import DEFAULT_TIME_ZONE, PROJECT_COUNT_KINDS, SITE_PAGE_ID, PhotoStatus, SiteSettings
from ..photos import lifecycle, rerender
from ..services import services
from ..stores import StaleVersionError
from . import time_zones
from .blueprint import bp
from .forms import TimeZoneForm

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
        {"slug": slug, "name": name, **counts.get(slug, dict.fromkeys(PROJECT_COUNT_KINDS, 0))}
        for slug, name in services().categories.items()
    ]
    in_progress = [store.photos_with_status(s, limit=COUNTED_IN_PROGRESS + 1) for s in IN_PROGRESS]
    failed = store.photos_with_status(PhotoStatus.FAILED, limit=SHOWN_FAILED + 1)
    # Ready photos of listed projects that visitors do not see yet: they wait for alt text (the
    # store lists only those; a client gallery's or an unlisted project's are no alarm).
    waiting: dict[str, int] = {}
    for photo in store.photos_missing_alt(limit=WAITING_READ):
        waiting[photo.project_id] = waiting.get(photo.project_id, 0) + 1
    # Their projects, for titles; one that left the listing a moment ago is skipped, so read spare.
    wanted = [p.project_id for p in failed[:SHOWN_FAILED]] + list(waiting)[: 2 * WAITING_SHOWN]
    projects = {p.id: p for p in store.projects_by_ids(list(dict.fromkeys(wanted)))}
    waiting_for_alt = [
        (projects[project_id], count)
        for project_id, count in waiting.items()
        if project_id in projects and projects[project_id].wants_alt_alarm
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
        **_time_zone_question(),
    )


def _time_zone_question() -> dict:
    """The time zone question's form, and the old names browsers may report, while the site has
    not chosen its zone; nothing once it has."""
    if services().site_settings().time_zone_chosen:
        return {"time_zone_form": None}
    return {"time_zone_form": TimeZoneForm(), "time_zone_aliases": json.dumps(time_zones.aliases())}


@bp.post("/time-zone")
def choose_time_zone():
    """The dashboard's question answered: the proposed zone, or UTC kept. Either way the choice is
    saved like the settings form saves (a revision, fresh pages) and the question is not asked
    again."""
    form = TimeZoneForm()
    if not form.validate_on_submit():
        flash("Choose a time zone from the list.", "error")
        return redirect(url_for("admin.dashboard"))
    zone = DEFAULT_TIME_ZONE if form.keep_utc.data else form.time_zone.data
    base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
    chosen = replace(SiteSettings.from_page(base), time_zone=zone, time_zone_chosen=True)
    try:
        content.settings.save(chosen, base, note="Time zone chosen on the dashboard")
    except StaleVersionError:
        flash("Someone saved the settings at the same moment. Choose again.", "error")
    else:
        flash(_zone_saved(zone), "success")
    return redirect(url_for("admin.dashboard"))


def _zone_saved(zone: str) -> str:
    where = "stay in UTC" if zone == DEFAULT_TIME_ZONE else f"show in {time_zones.city(zone)} time"
    return f"Saved: times {where}. Settings can change it."


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
