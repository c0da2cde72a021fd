"""The proofing plugin's /api/v1 endpoints (token scope `galleries`), so a desktop tool can mark
the client's picks in Lightroom or Capture One:

- `GET /api/v1/galleries`: the client galleries, paged;
- `GET /api/v1/galleries/<project_id>/selections`: each list with the photos marked in it (file
  name, the sync client's `external_id`, the notes), merged over the gallery's clients, and each
  client's own selection with when they sent it.

The plugin keeps its own index of client galleries (`records.GALLERY_INDEX`, kept in step by
`project_saved`, and filled when a client starts choosing), so the list reads that short index,
never the site's projects.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from ...plugin_api import Project, api_error, current_store, signals
from . import records
from .plugin import plugin

PAGE_MAX = 100


@plugin.on(signals.project_saved)
def index_gallery(app, project: Project, **_: Any) -> None:
    if project.is_private:
        records.index_gallery(project.id)
    else:
        records.GALLERY_INDEX.delete(project.id)


@plugin.on(signals.project_deleted)
def unindex_gallery(app, project: Project, **_: Any) -> None:
    records.GALLERY_INDEX.delete(project.id)


def _gallery_json(project: Project) -> dict[str, Any]:
    clients = records.gallery_clients(project.id)
    return {
        "project_id": project.id,
        "title": project.title,
        "slug": project.slug,
        "expires_on": project.gallery_expires_on,
        "clients": len(clients),
        "sent_at": max((c.get("submitted_at", "") for c in clients), default="") or None,
    }


GALLERY = {
    "type": "object",
    "required": ["project_id", "title", "slug", "clients", "sent_at"],
    "properties": {
        "project_id": {"type": "string"},
        "title": {"type": "string"},
        "slug": {"type": "string"},
        "expires_on": {"type": "string"},
        "clients": {"type": "integer", "description": "How many clients started choosing."},
        "sent_at": {"type": ["string", "null"], "description": "When a client last sent a selection."},
    },
}
PICK = {
    "type": "object",
    "required": ["photo_id", "filename", "external_id", "note"],
    "properties": {
        "photo_id": {"type": "string"},
        "filename": {"type": "string"},
        "external_id": {"type": "string"},
        "note": {"type": "string"},
    },
}
LISTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "photos"],
        "properties": {"name": {"type": "string"}, "photos": {"type": "array", "items": PICK}},
    },
}


@plugin.api_route(
    "/galleries",
    scope="galleries",
    schema={
        "summary": "The client galleries, a page at a time (in the order of their ids).",
        "parameters": [
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
            },
            {"name": "after", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {
            "200": {
                "description": "A page of galleries.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["items", "next"],
                            "properties": {
                                "items": {"type": "array", "items": GALLERY},
                                "next": {"type": ["string", "null"]},
                            },
                        }
                    }
                },
            },
            "422": {"description": "`limit` is not valid."},
        },
    },
)
def galleries():
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        return api_error("invalid", f"`limit` is a whole number from 1 to {PAGE_MAX}.", 422)
    limit, after = int(raw), request.args.get("after", "")
    ids = [key for key, _ in records.GALLERY_INDEX.all() if key > after]
    page, more = ids[:limit], len(ids) > limit
    found = [p for p in current_store().projects_by_ids(page) if p.is_private]
    return jsonify(items=[_gallery_json(p) for p in found], next=page[-1] if more else None)


@plugin.api_route(
    "/galleries/<project_id>/selections",
    scope="galleries",
    schema={
        "summary": "What the gallery's clients chose: each list with its photos (merged over the clients), "
        "and each client's own lists.",
        "responses": {
            "200": {
                "description": "The selections.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["project_id", "lists", "clients", "sent_at"],
                            "properties": {
                                "project_id": {"type": "string"},
                                "lists": LISTS,
                                "sent_at": {"type": ["string", "null"]},
                                "clients": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "email", "sent_at", "lists"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "email": {"type": "string"},
                                            "sent_at": {"type": ["string", "null"]},
                                            "lists": LISTS,
                                        },
                                    },
                                },
                            },
                        }
                    }
                },
            },
            "404": {"description": "No client gallery has this id."},
        },
    },
)
def selections(project_id: str):
    project = current_store().get_project(project_id)
    if project is None or not project.is_private:
        return api_error("not_found", "No client gallery has this id.", 404)
    names = records.gallery_settings(project.id).lists
    photos = {photo.id: photo for photo in current_store().photos_for_project(project.id)}  # one query
    merged: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in names}
    order = {pid: index for index, pid in enumerate(photos)}
    clients = []
    for client in records.gallery_clients(project.id):
        own: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
        for photo_id, mark in records.client_marks(project.id, client["id"]).items():
            photo = photos.get(photo_id)
            pick = {
                "photo_id": photo_id,
                "filename": photo.filename if photo else mark.get("filename", ""),
                "external_id": photo.external_id if photo else "",
                "note": mark.get("note", ""),
            }
            for name in mark.get("lists", []):
                if name not in own:
                    continue  # a list renamed or removed since
                own[name].append(pick)
                seen = merged[name].setdefault(photo_id, {**pick, "note": ""})
                if pick["note"]:
                    words = f"{client['name']}: {pick['note']}"
                    seen["note"] = f"{seen['note']}\n{words}" if seen["note"] else words
        clients.append(
            {
                "name": client.get("name", ""),
                "email": client.get("email", ""),
                "sent_at": client.get("submitted_at") or None,
                "lists": [
                    {"name": name, "photos": sorted(picks, key=lambda p: order.get(p["photo_id"], 1 << 30))}
                    for name, picks in own.items()
                ],
            }
        )
    return jsonify(
        project_id=project.id,
        lists=[
            {"name": name, "photos": sorted(picks.values(), key=lambda p: order.get(p["photo_id"], 1 << 30))}
            for name, picks in merged.items()
        ],
        clients=clients,
        sent_at=max((c["sent_at"] or "" for c in clients), default="") or None,
    )
