"""The dashboard: what is on the site, what needs attention, what changed recently."""

from __future__ import annotations

from flask import render_template

from ..auth import recent_failures
from ..cache import page_cache
from ..content import recent_activity
from ..domain import Project
from ..photos import lifecycle
from ..services import services
from .blueprint import bp

ATTENTION_STATUSES = ("uploading", "queued", "processing", "failed")


@bp.get("/")
def dashboard():
    store = services().store
    categories = []
    drafts = []
    live: dict[str, Project] = {}
    for slug, name in services().categories.items():
        projects = store.projects_in_category(slug)
        published = [p for p in projects if p.published]
        live.update((p.id, p) for p in published)
        drafts += [p for p in projects if not p.published]
        categories.append(
            {
                "slug": slug,
                "name": name,
                "published": len(published),
                "drafts": len(projects) - len(published),
            }
        )
    pending = {status: store.photos_with_status(status) for status in ATTENTION_STATUSES}
    titles = {}
    for photo in pending["failed"]:
        if photo.project_id not in titles:
            project = store.get_project(photo.project_id)
            titles[photo.project_id] = project.title if project else "(deleted project)"
    # Ready photos of published projects that visitors do not see yet: they wait for alt text.
    waiting: dict[str, int] = {}
    for photo in store.photos_with_status("ready"):
        if photo.project_id in live and not photo.is_shown:
            waiting[photo.project_id] = waiting.get(photo.project_id, 0) + 1
    in_progress = len(pending["queued"]) + len(pending["processing"]) + lifecycle.page_photos_in_progress()
    return render_template(
        "admin/dashboard.html",
        rerender=_rerender_progress(in_progress),
        categories=categories,
        category_names=services().categories,
        cache=page_cache().hit_ratio(),
        drafts=drafts,
        processing=len(pending["uploading"]) + len(pending["queued"]) + len(pending["processing"]),
        failed=pending["failed"],
        project_titles=titles,
        waiting_for_alt=[(live[project_id], count) for project_id, count in waiting.items()],
        activity=recent_activity(),
        sign_ins=recent_failures(),
    )


def _rerender_progress(in_progress: int) -> dict | None:
    """The latest settings change's re-render: how many photos it queued and how many have their
    new files (those no longer queued or processing), or None when there has been none."""
    run = lifecycle.rerender_progress()
    if run is None:
        return None
    total = int(run.get("total", 0))
    done = max(0, total - in_progress)
    return {
        "finding": bool(run.get("finding")),
        "total": total,
        "done": done,
        "finished": not run.get("finding") and done >= total,
        "started_at": run.get("started_at", ""),
    }
