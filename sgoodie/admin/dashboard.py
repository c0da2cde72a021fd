"""The dashboard: what is on the site, what needs attention, what changed recently."""

from __future__ import annotations

from flask import render_template

from .. import schedule
from ..auth import recent_failures
from ..cache import page_cache
from ..content import recent_activity
from ..domain import Project
from ..services import services
from .blueprint import bp

ATTENTION_STATUSES = ("uploading", "queued", "processing", "failed")


@bp.get("/")
def dashboard():
    store = services().store
    categories = []
    drafts = []
    live: dict[str, Project] = {}
    everyone: dict[str, Project] = {}
    for slug, name in services().categories.items():
        projects = store.projects_in_category(slug)
        everyone.update((p.id, p) for p in projects)
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
    return render_template(
        "admin/dashboard.html",
        categories=categories,
        category_names=services().categories,
        cache=page_cache().hit_ratio(),
        drafts=drafts,
        processing=len(pending["uploading"]) + len(pending["queued"]) + len(pending["processing"]),
        failed=pending["failed"],
        project_titles=titles,
        waiting_for_alt=[(live[project_id], count) for project_id, count in waiting.items()],
        activity=recent_activity(),
        scheduled=[
            (due, everyone.get(due.project_id))
            for due in schedule.upcoming()
            if due.project_id in everyone or due.page_id
        ],
        sign_ins=recent_failures(),
    )
