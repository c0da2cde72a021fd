"""/api/v1 projects and categories: list, read, create (a draft), change, publish, unpublish, move to
the trash. Every change goes through `content.projects`, as the admin's forms do (validation,
revision, activity, `project_saved`, purges); `ETag` is the store's version and `If-Match` guards
a change against one made meanwhile (412)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from flask import jsonify, request, url_for

from ..content import projects as project_changes
from ..domain import Project
from ..meta import absolute
from ..services import services
from ..stores import StaleVersionError
from ..stores.paging import read_page
from ..tokens import token_required
from .common import Refused, body, bp, check_if_match, cursor, etag, listing, page_size

#: The fields a program may set on a project, and their JSON types. Who sees a client gallery
#: (its passwords) and the schedule belong to the admin.
EDITABLE: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "slug": str,
    "category": str,
    "description": str,
    "location": str,
    "client": str,
    "visibility": str,
    "featured": bool,
    "seo_title": str,
    "seo_description": str,
    "cover_photo_id": str,
}
API_VISIBILITIES = ("public", "unlisted")


def project_json(project: Project) -> dict[str, Any]:
    return {
        "id": project.id,
        "title": project.title,
        "slug": project.slug,
        "category": project.category,
        "description": project.description,
        "location": project.location,
        "client": project.client,
        "visibility": project.visibility,
        "published": project.published,
        "featured": project.featured,
        "seo_title": project.seo_title,
        "seo_description": project.seo_description,
        "cover_photo_id": project.cover_photo_id,
        "published_at": project.published_at,
        "url": absolute(f"/projects/{project.slug}"),
        "version": project.version,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


def _answer(project: Project, status: int = 200):
    response = jsonify(project_json(project))
    response.headers["ETag"] = etag(project.version)
    return response, status


def find_project(project_id: str) -> Project:
    project = services().store.get_project(project_id)
    if project is None:
        raise Refused("not_found", "No project has this id (it may have been deleted).", 404)
    return project


# -- categories ----------------------------------------------------------------------------------------
@bp.get("/categories")
@token_required("read")
def categories():
    visible = services().visible_categories
    items = [
        {"slug": slug, "name": name, "hidden": slug not in visible}
        for slug, name in services().categories.items()
    ]
    return listing(items, None)


# -- reading -------------------------------------------------------------------------------------------
@bp.get("/projects")
@token_required("read")
def list_projects():
    """Every category's projects in navigation order, then display order; `?slug=` finds one."""
    slug = request.args.get("slug", "")
    if slug:
        found = services().store.project_by_slug(slug)
        return listing([project_json(found)] if found else [], None)
    size = page_size()
    category_slugs = list(services().categories)
    start = cursor(r"([a-z0-9-]{1,80}):(\d{1,15})", lambda m: (m.group(1), int(m.group(2))))
    position, after = 0, None
    if start is not None:
        if start[0] not in category_slugs:
            raise Refused("invalid", "`after` names a category that no longer exists: start again.", 422)
        position, after = category_slugs.index(start[0]), start[1]
    store = services().store
    items: list[Project] = []
    more = False
    for index in range(position, len(category_slugs)):
        read = partial(store.projects_page, category_slugs[index])
        found, more = read_page(read, size - len(items), after=after if index == position else None)
        items += found
        if len(items) == size:
            # Full: a next page exists when this category has more, or a later one has any.
            more = more or any(store.projects_page(slug, limit=1) for slug in category_slugs[index + 1 :])
            break
    next_cursor = f"{items[-1].category}:{items[-1].order}" if more and items else None
    return listing([project_json(p) for p in items], next_cursor)


@bp.get("/projects/<project_id>")
@token_required("read")
def get_project(project_id: str):
    return _answer(find_project(project_id))


# -- changing --------------------------------------------------------------------------------------------
def _checked_visibility(data: dict[str, Any], current: str = "") -> None:
    wanted = data.get("visibility")
    if wanted is not None and wanted != current and wanted not in API_VISIBILITIES:
        raise Refused(
            "invalid",
            "visibility: public or unlisted. A client gallery needs its password: make it one in the admin.",
            422,
            fields={"visibility": "public or unlisted"},
        )


@bp.post("/projects")
@token_required("publish")
def create_project():
    data = body(EDITABLE, required=("title", "category"))
    _checked_visibility(data)
    data.pop("cover_photo_id", None)  # a new project has no photos yet
    project = project_changes.create(Project(**data, published=False))
    response, status = _answer(project, 201)
    response.headers["Location"] = url_for("api_v1.get_project", project_id=project.id)
    return response, status


def _save(project_id: str, change: dict[str, Any], note: str = ""):
    """Apply `change` to the project, at the version `If-Match` names (412 when it moved on), or to
    the latest one without it (retried when someone saves between the read and the write)."""
    for _ in range(3):
        current = find_project(project_id)
        pinned = check_if_match(current.version)
        try:
            return _answer(project_changes.save(replace(current, **change), current, note=note))
        except StaleVersionError:
            if pinned is not None:
                raise Refused(
                    "precondition_failed", "This project was changed meanwhile: read it again and retry.", 412
                ) from None
    raise Refused("conflict", "This project keeps changing; try again.", 409)


@bp.patch("/projects/<project_id>")
@token_required("publish")
def update_project(project_id: str):
    data = body(EDITABLE)
    _checked_visibility(data, find_project(project_id).visibility)
    return _save(project_id, data)


@bp.post("/projects/<project_id>/publish")
@token_required("publish")
def publish(project_id: str):
    return _save(project_id, {"published": True}, note="Published through the API")


@bp.post("/projects/<project_id>/unpublish")
@token_required("publish")
def unpublish(project_id: str):
    return _save(project_id, {"published": False}, note="Unpublished through the API")


@bp.delete("/projects/<project_id>")
@token_required("publish")
def delete_project(project_id: str):
    project = find_project(project_id)
    check_if_match(project.version)
    project_changes.delete(project)
    return "", 204
