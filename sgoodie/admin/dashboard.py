"""The dashboard: what is on the site, what needs attention, what changed recently."""

from __future__ import annotations

from flask import render_template

from ..auth import recent_failures
from ..cache import page_cache
from ..content import recent_activity
from ..services import services
from .blueprint import bp

ATTENTION_STATUSES = ("uploading", "queued", "processing", "failed")


@bp.get("/")
def dashboard():
    store = services().store
    categories = []
    drafts = []
    for slug, name in services().categories.items():
        projects = store.projects_in_category(slug)
        published = [p for p in projects if p.published]
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
    return render_template(
        "admin/dashboard.html",
        categories=categories,
        category_names=services().categories,
        cache=page_cache().hit_ratio(),
        drafts=drafts,
        processing=len(pending["uploading"]) + len(pending["queued"]) + len(pending["processing"]),
        failed=pending["failed"],
        project_titles=titles,
        activity=recent_activity(),
        sign_ins=recent_failures(),
    )
