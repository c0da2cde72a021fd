"""The /api/v1 OpenAPI 3.1 document, served at /api/v1/openapi.json (no token needed): the site's
operations below, and those the enabled plugins added with `Plugin.api_route`, each with the
scope its token needs (`security: [{"token": [scope]}]`) and every refusal it can answer."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import current_app, jsonify

from ..domain import PhotoStatus
from ..http_errors import ERROR_SCHEMA
from ..image_formats import UPLOAD_TYPES
from ..plugin_loader import API_PREFIX, registry
from ..tokens import SCOPES
from .common import BATCH_MAX, MAX_LIMIT, bp
from .projects import API_VISIBILITIES, EDITABLE

ERROR = ERROR_SCHEMA


def ref(schema: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{schema}"}


PROJECT = {
    "type": "object",
    "required": ["id", "title", "slug", "category", "visibility", "published", "version", "url"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "slug": {"type": "string"},
        "category": {"type": "string"},
        "description": {"type": "string", "description": "Markdown."},
        "location": {"type": "string"},
        "client": {"type": "string"},
        "visibility": {"enum": ["public", "unlisted", "client"]},
        "published": {"type": "boolean"},
        "featured": {"type": "boolean"},
        "seo_title": {"type": "string"},
        "seo_description": {"type": "string"},
        "cover_photo_id": {"type": "string"},
        "published_at": {"type": "string"},
        "url": {"type": "string", "description": "Its public address."},
        "version": {"type": "integer", "description": "The store's version: the ETag."},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
}
_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}
#: What a program may set on a project: `projects.EDITABLE`, the one list the endpoints check.
_PROJECT_FIELDS = {
    name: {"enum": list(API_VISIBILITIES)} if name == "visibility" else {"type": _JSON_TYPES[kind]}
    for name, kind in EDITABLE.items()
    if name != "cover_photo_id"
}
PROJECT_NEW = {
    "type": "object",
    "required": ["title", "category"],
    "additionalProperties": False,
    "properties": _PROJECT_FIELDS,
}
PROJECT_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {**_PROJECT_FIELDS, "cover_photo_id": {"type": "string"}},
}
CATEGORY = {
    "type": "object",
    "required": ["slug", "name", "hidden"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "hidden": {"type": "boolean"}},
}
PHOTO = {
    "type": "object",
    "required": ["id", "project_id", "external_id", "status", "filename", "order", "version"],
    "properties": {
        "id": {"type": "string"},
        "project_id": {"type": "string"},
        "external_id": {"type": "string", "description": "The client's own key, unique in the project."},
        "status": {"enum": [status.value for status in PhotoStatus]},
        "error": {"type": "string", "description": "Why processing failed, in words."},
        "filename": {"type": "string"},
        "size": {"type": "integer"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "alt_text": {"type": "string"},
        "caption": {"type": "string"},
        "alt_text_from_file": {"type": "boolean"},
        "caption_from_file": {"type": "boolean"},
        "focal_x": {"type": "number"},
        "focal_y": {"type": "number"},
        "order": {"type": "integer"},
        "sha256": {"type": "string", "description": "The SHA-256 the client gave for the original."},
        "thumbnail": {"type": ["string", "null"]},
        "version": {"type": "integer"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
}
UPLOAD = {
    "type": ["object", "null"],
    "required": ["method", "url", "fields", "expires_at"],
    "description": "POST `fields` plus the file as `file` (multipart/form-data) to `url`; null when the "
    "photo already has this original.",
    "properties": {
        "method": {"const": "POST"},
        "url": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "expires_at": {"type": "integer"},
    },
}
PHOTO_UPLOAD = {
    "type": "object",
    "required": ["photo", "upload"],
    "properties": {
        "photo": {"$ref": "#/components/schemas/Photo"},
        "upload": {"$ref": "#/components/schemas/Upload"},
    },
}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
FILE = {
    "filename": {"type": "string", "pattern": "\\S", "maxLength": 255},
    "content_type": {"enum": [*UPLOAD_TYPES, ""]},
    "size": {"type": "integer", "minimum": 1},
    "sha256": SHA256,
}
PHOTO_NEW = {
    "type": "object",
    "required": ["external_id", "filename", "size", "sha256"],
    "additionalProperties": False,
    "properties": {"external_id": {"type": "string", "pattern": "\\S", "maxLength": 200}, **FILE},
}
PHOTO_REPLACEMENT = {
    "type": "object",
    "required": ["filename", "size", "sha256"],
    "additionalProperties": False,
    "properties": FILE,
}
PHOTO_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "alt_text": {"type": "string"},
        "caption": {"type": "string"},
        "focal_x": {"type": "number", "minimum": 0, "maximum": 1},
        "focal_y": {"type": "number", "minimum": 0, "maximum": 1},
        "from_file": {
            "type": "boolean",
            "description": "true: alt_text and caption are the file's title and description, applied only "
            "where the photographer typed none (the answer's `applied` says which).",
        },
    },
}
PHOTO_CHANGED = {
    "type": "object",
    "required": ["photo", "applied"],
    "properties": {
        "photo": {"$ref": "#/components/schemas/Photo"},
        "applied": {"type": "array", "items": {"type": "string"}},
    },
}
PHOTO_ORDER = {
    "type": "object",
    "required": ["photo_ids"],
    "additionalProperties": False,
    "properties": {"photo_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
}
ITEM_ERROR = {
    "type": "object",
    "required": ["code", "message", "status"],
    "properties": {
        **ERROR["properties"]["error"]["properties"],
        "status": {"type": "integer", "description": "The status this item alone would have answered."},
    },
}
PHOTO_BATCH = {
    "type": "object",
    "required": ["photos"],
    "additionalProperties": False,
    "properties": {
        "photos": {"type": "array", "items": ref("PhotoNew"), "minItems": 1, "maxItems": BATCH_MAX}
    },
}
PHOTO_BATCH_RESULTS = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "description": "One per photo sent, in the same order.",
            "items": {
                "anyOf": [
                    {
                        "type": "object",
                        "required": ["photo", "upload", "created"],
                        "properties": {
                            "photo": ref("Photo"),
                            "upload": ref("Upload"),
                            "created": {"type": "boolean", "description": "false: this key's photo existed."},
                        },
                    },
                    {"type": "object", "required": ["error"], "properties": {"error": ITEM_ERROR}},
                ]
            },
        }
    },
}
PHOTO_IDS = {
    "type": "object",
    "required": ["photo_ids"],
    "additionalProperties": False,
    "properties": {
        "photo_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": BATCH_MAX}
    },
}
COMPLETE_RESULTS = {
    "type": "object",
    "required": ["results"],
    "properties": {
        "results": {
            "type": "array",
            "description": "One per id sent, in the same order: `photo`, with `error` too when its stored "
            "file cannot be used (the photo failed); or `error` alone.",
            "items": {
                "type": "object",
                "anyOf": [{"required": ["photo"]}, {"required": ["error"]}],
                "properties": {"photo": ref("Photo"), "error": ITEM_ERROR},
            },
        }
    },
}
SCHEMAS = {
    "Error": ERROR,
    "Project": PROJECT,
    "ProjectNew": PROJECT_NEW,
    "ProjectChange": PROJECT_CHANGE,
    "Category": CATEGORY,
    "Photo": PHOTO,
    "Upload": UPLOAD,
    "PhotoUpload": PHOTO_UPLOAD,
    "PhotoNew": PHOTO_NEW,
    "PhotoReplacement": PHOTO_REPLACEMENT,
    "PhotoChange": PHOTO_CHANGE,
    "PhotoChanged": PHOTO_CHANGED,
    "PhotoOrder": PHOTO_ORDER,
    "PhotoBatch": PHOTO_BATCH,
    "PhotoBatchResults": PHOTO_BATCH_RESULTS,
    "PhotoIds": PHOTO_IDS,
    "CompleteResults": COMPLETE_RESULTS,
}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    return {"description": description, **json_content(ref("Error"))}


def page_of(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": schema},
            "next": {"type": ["string", "null"], "description": "Pass as `after` for the next page."},
        },
    }


PAGING = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}},
    {
        "name": "after",
        "in": "query",
        "schema": {"type": "string"},
        "description": "A previous page's `next`.",
    },
]
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "schema": {"type": "string"},
    "description": 'The ETag read (`"7"`): the change is refused with 412 if the project moved on since.',
}
ETAG_HEADER = {"ETag": {"schema": {"type": "string"}, "description": "The store's version, quoted."}}


def _operation(
    summary: str,
    scope: str,
    responses: dict[str, Any],
    *,
    body: str | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": summary, "security": [{"token": [scope]}], "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, **json_content(ref(body))}
    return operation


def _ok(description: str, schema: dict[str, Any], *, headers: bool = False) -> dict[str, Any]:
    answer = {"description": description, **json_content(schema)}
    if headers:
        answer["headers"] = ETAG_HEADER
    return answer


def site_paths() -> dict[str, dict[str, Any]]:
    """The site's own operations, by path and method."""
    project = _ok("The project.", ref("Project"), headers=True)
    changed = {
        "200": project,
        "409": error("Someone saved the project meanwhile, or its address is taken."),
        "412": error("`If-Match` names a version the project has moved on from."),
        "422": error("A field was refused (the message and `fields` say why)."),
    }
    photo_upload = {
        "422": error("A field was refused."),
        "413": error("Larger than the site's upload limit."),
        "415": error("Not a photo type the site takes."),
    }
    return {
        "/categories": {
            "get": _operation(
                "The work categories, in navigation order.",
                "read",
                {"200": _ok("The categories.", page_of(ref("Category")))},
            )
        },
        "/projects": {
            "get": _operation(
                "Projects, category by category in navigation order, each in display order; `slug` finds one.",
                "read",
                {
                    "200": _ok("A page of projects.", page_of(ref("Project"))),
                    "422": error("`limit` or `after` is not valid."),
                },
                parameters=[*PAGING, {"name": "slug", "in": "query", "schema": {"type": "string"}}],
            ),
            "post": _operation(
                "Create a project, as a draft.",
                "publish",
                {
                    "201": _ok("Created.", ref("Project"), headers=True),
                    "409": error("Its address (slug) is taken."),
                    "422": error("A field was refused."),
                },
                body="ProjectNew",
            ),
        },
        "/projects/{project_id}": {
            "get": _operation("One project; `ETag` is its version.", "read", {"200": project}),
            "patch": _operation(
                "Change fields of a project (those sent).",
                "publish",
                changed,
                body="ProjectChange",
                parameters=[IF_MATCH],
            ),
            "delete": _operation(
                "Move the project and its photos to the trash (restorable in the admin).",
                "publish",
                {"204": {"description": "In the trash."}, "412": error("`If-Match` names an older version.")},
                parameters=[IF_MATCH],
            ),
        },
        "/projects/{project_id}/publish": {
            "post": _operation(
                "Publish (every ready photo needs alt text, else 422 says which).",
                "publish",
                changed,
                parameters=[IF_MATCH],
            )
        },
        "/projects/{project_id}/unpublish": {
            "post": _operation("Take the project off the site.", "publish", changed, parameters=[IF_MATCH])
        },
        "/projects/{project_id}/photos": {
            "get": _operation(
                "The project's photos in display order.",
                "read",
                {
                    "200": _ok("A page of photos.", page_of(ref("Photo"))),
                    "422": error("`limit` or `after` is not valid."),
                },
                parameters=PAGING,
            ),
            "post": _operation(
                "Add a photo by the client's key: a new one (201, with its upload), or the one that key "
                "already names (200; `upload` null when its original has this SHA-256).",
                "publish",
                {
                    "200": _ok("This key's photo already exists.", ref("PhotoUpload")),
                    "201": _ok("A new photo, waiting for its file.", ref("PhotoUpload")),
                    **photo_upload,
                },
                body="PhotoNew",
            ),
        },
        "/projects/{project_id}/photos/batch": {
            "post": _operation(
                f"Add up to {BATCH_MAX} photos at once, each as one `POST …/photos` would (the same key "
                "twice, in one batch or two, is the same photo). A batch counts as its photos against "
                "the token's rate.",
                "publish",
                {
                    "200": _ok(
                        "`results`: one per photo sent, each its photo and upload, or its error alone.",
                        ref("PhotoBatchResults"),
                    ),
                    "413": error(f"More than {BATCH_MAX} photos: nothing was done."),
                    "422": error("`photos` is not a list of 1 or more objects: nothing was done."),
                },
                body="PhotoBatch",
            )
        },
        "/projects/{project_id}/photos/order": {
            "put": _operation(
                "Put the project's photos in this order (every photo of the project, or a run of them).",
                "publish",
                {"204": {"description": "Reordered."}, "422": error("The ids are not the project's photos.")},
                body="PhotoOrder",
            )
        },
        "/photos/{photo_id}": {
            "get": _operation("One photo.", "read", {"200": _ok("The photo.", ref("Photo"))}),
            "patch": _operation(
                "Set alt text, caption and focal point; `from_file` for the file's own title and description.",
                "publish",
                {"200": _ok("Changed.", ref("PhotoChanged")), "422": error("A field was refused.")},
                body="PhotoChange",
            ),
            "delete": _operation(
                "Move the photo to the trash.", "publish", {"204": {"description": "In the trash."}}
            ),
        },
        "/photos/{photo_id}/complete": {
            "post": _operation(
                "The file is in storage: check it and start processing (idempotent).",
                "publish",
                {
                    "200": _ok(
                        "Queued, processing or done; or failed, with the reason in `error`.", ref("Photo")
                    ),
                    "409": error("The file has not arrived in storage yet."),
                    "422": _ok("The stored file is not what was announced; the photo failed.", ref("Photo")),
                },
            )
        },
        "/photos/complete": {
            "post": _operation(
                f"`complete` for up to {BATCH_MAX} photos at once (idempotent); counts as its photos "
                "against the token's rate.",
                "publish",
                {
                    "200": _ok("`results`: one per id sent.", ref("CompleteResults")),
                    "413": error(f"More than {BATCH_MAX} ids: nothing was done."),
                    "422": error("`photo_ids` is not a list of 1 or more strings: nothing was done."),
                },
                body="PhotoIds",
            )
        },
        "/photos/{photo_id}/replace": {
            "post": _operation(
                "Replace the photo's original: same id, text, focal point and order; the old files stay on "
                "the site until the new ones are ready.",
                "publish",
                {
                    "200": _ok(
                        "The replacement's upload (null when the original already is this file).",
                        ref("PhotoUpload"),
                    ),
                    "409": error("The photo is not in a state that can take a new original yet."),
                    **photo_upload,
                },
                body="PhotoReplacement",
            )
        },
    }


STANDARD_REFUSALS = {
    "401": error("No access token, or one that is not valid, revoked or expired."),
    "403": error("The token does not have the scope this endpoint needs."),
    "429": error("Too many requests with this token; wait `Retry-After` seconds."),
}


def _complete(path: str, operation: dict[str, Any], methods_with_body: bool) -> dict[str, Any]:
    """The refusals every operation can answer, and its path's parameters."""
    operation = copy.deepcopy(operation)
    responses = operation.setdefault("responses", {})
    for status, answer in STANDARD_REFUSALS.items():
        responses.setdefault(status, answer)
    names = re.findall(r"{([^}]+)}", path)
    if names:
        responses.setdefault("404", error("No such item (it may have been deleted)."))
        declared = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in names
            if name not in declared
        ] + list(operation.get("parameters", []))
    if methods_with_body:
        responses.setdefault("400", error("The body is not a JSON object."))
        responses.setdefault("413", error("The body is larger than the endpoint takes."))
    return operation


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, operations in site_paths().items():
        for method, operation in operations.items():
            paths.setdefault(API_PREFIX + path, {})[method] = _complete(
                path, operation, "requestBody" in operation or method in ("post", "put", "patch")
            )
    for plugin in registry(current_app).enabled():
        for route in plugin.api_routes:
            for method in route.methods:
                operation = {"summary": f"({plugin.name} plugin)", **route.operation}
                operation["security"] = [{"token": [route.scope]}]
                operation.setdefault("responses", {"200": {"description": "Done."}})
                paths.setdefault(API_PREFIX + route.openapi_path, {})[method.lower()] = _complete(
                    route.openapi_path, operation, method in ("POST", "PUT", "PATCH")
                )
    paths[f"{API_PREFIX}/openapi.json"] = {
        "get": {
            "summary": "This document.",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1."}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sgoodie API",
            "version": "1",
            "description": "Publishing from the photographer's computer. Every operation needs an access token "
            "(`Authorization: Bearer sgt_…`, made in the admin under Account → Tokens) with the scope it names: "
            + "; ".join(f"`{name}`: {what}" for name, what in SCOPES.items())
            + '. Errors are always `{"error": {"code", "message"}}`.',
        },
        "components": {
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "A personal access token."}
            },
            "schemas": SCHEMAS,
        },
        "security": [{"token": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
