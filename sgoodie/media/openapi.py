"""The media API's OpenAPI 3.1 document (served at /api/media/openapi.json; the tests validate
real responses against these schemas)."""

from __future__ import annotations

from typing import Any

from ..domain import PhotoStatus
from ..http_errors import ERROR_SCHEMA
from ..image_formats import OUTPUT_FORMATS, UPLOAD_TYPES

ERROR = ERROR_SCHEMA
VARIANT = {
    "type": "object",
    "required": ["width", "height", "format", "url", "bytes"],
    "properties": {
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "format": {"enum": [fmt.name for fmt in OUTPUT_FORMATS]},
        "url": {"type": "string"},
        "bytes": {"type": "integer"},
    },
}
PHOTO = {
    "type": "object",
    "required": [
        "id",
        "project_id",
        "status",
        "error",
        "filename",
        "size",
        "width",
        "height",
        "variants",
        "updated_at",
    ],
    "properties": {
        "id": {"type": "string"},
        "project_id": {"type": "string"},
        "status": {"enum": [status.value for status in PhotoStatus]},
        "error": {
            "type": "string",
            "description": "Why processing failed, in words the photographer understands.",
        },
        "filename": {"type": "string"},
        "size": {"type": "integer"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "alt_text": {"type": "string"},
        "caption": {"type": "string"},
        "dominant_color": {"type": "string"},
        "placeholder": {"type": "string"},
        "thumbnail": {"type": ["string", "null"]},
        "variants": {"type": "array", "items": {"$ref": "#/components/schemas/Variant"}},
        "updated_at": {"type": "string"},
    },
}
UPLOAD_REQUEST = {
    "type": "object",
    "required": ["project_id", "filename", "size"],
    "properties": {
        "project_id": {"type": "string", "minLength": 1},
        "filename": {"type": "string", "pattern": "\\S", "maxLength": 255},
        "content_type": {"enum": [*UPLOAD_TYPES, ""]},
        "size": {"type": "integer", "minimum": 1},
    },
}
UPLOAD = {
    "type": "object",
    "required": ["photo_id", "upload", "expires_at"],
    "properties": {
        "photo_id": {"type": "string"},
        "upload": {
            "type": "object",
            "required": ["url", "fields"],
            "description": "POST `fields` plus the file as `file` (multipart/form-data) to `url`.",
            "properties": {
                "url": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
        "expires_at": {"type": "integer", "description": "Epoch seconds after which the upload is refused."},
    },
}


def _json(schema: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **_json("Error")}


def document() -> dict[str, Any]:
    admin = [{"session": [], "csrf": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sgoodie media API",
            "version": "1",
            "description": "Direct uploads of photos and their processing. Admin session cookie and X-CSRFToken header required "
            "except where noted.",
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "schemas": {
                "Error": ERROR,
                "Variant": VARIANT,
                "Photo": PHOTO,
                "UploadRequest": UPLOAD_REQUEST,
                "Upload": UPLOAD,
            },
        },
        "paths": {
            "/api/media/uploads": {
                "post": {
                    "summary": "Start an upload: creates the photo (status `uploading`) and returns a presigned POST.",
                    "security": admin,
                    "requestBody": {"required": True, **_json("UploadRequest")},
                    "responses": {
                        "201": {"description": "Upload granted.", **_json("Upload")},
                        "400": _error("Not JSON."),
                        "401": _error("Not signed in."),
                        "404": _error("No such project."),
                        "413": _error("Larger than the limit."),
                        "415": _error("Not a supported image type."),
                        "422": _error("Missing name or size."),
                    },
                }
            },
            "/api/media/uploads/{photo_id}/complete": {
                "post": {
                    "summary": "The file is in storage: check it and queue the image job. Idempotent.",
                    "security": admin,
                    "parameters": [
                        {"name": "photo_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "202": {
                            "description": "Queued (or already queued, processing or ready).",
                            **_json("Photo"),
                        },
                        "200": {"description": "Already failed; see `error`.", **_json("Photo")},
                        "401": _error("Not signed in."),
                        "404": _error("No such photo."),
                        "409": _error("The file has not arrived yet."),
                        "413": _error("A request body larger than the endpoint accepts (64 KB)."),
                        "422": {
                            "description": "The stored file is not what was announced; the photo is marked failed.",
                            **_json("Photo"),
                        },
                    },
                }
            },
            "/api/media/photos/{photo_id}": {
                "get": {
                    "summary": "A photo's status, size and variants (poll this while it is processed).",
                    "security": admin,
                    "parameters": [
                        {"name": "photo_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "The photo.", **_json("Photo")},
                        "401": _error("Not signed in."),
                        "404": _error("No such photo."),
                    },
                }
            },
            "/api/media/s3-events": {
                "post": {
                    "summary": "S3 ObjectCreated notifications delivered by Amazon SNS (no session): only the configured topic's, signature verified, published less than an hour ago, each MessageId once.",
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "Handled (subscription confirmed, uploads completed, or ignored)."
                        },
                        "400": _error(
                            "Malformed: not one JSON object of strings, no Timestamp or MessageId, no S3 event "
                            "records, or the subscription could not be confirmed."
                        ),
                        "403": _error(
                            "Not a verified SNS message from the configured topic, older than an hour, or already received."
                        ),
                        "413": _error("Larger than an SNS message can be (320 KB)."),
                    },
                }
            },
            "/api/media/upload": {
                "post": {
                    "summary": "Embedded default only: the upload target a granted upload points at (signed token, good "
                    "for one upload of a photo still uploading; no session).",
                    "security": [],
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["token", "Content-Type", "file"],
                                    "properties": {
                                        "token": {"type": "string"},
                                        "Content-Type": {"type": "string"},
                                        "file": {"type": "string", "format": "binary"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {
                        "204": {"description": "Stored."},
                        "400": _error("No file was sent."),
                        "403": _error("Expired, forged or mismatched token."),
                        "404": _error("The photo was deleted."),
                        "409": _error(
                            "The token was used: the photo is no longer uploading, or a file was sent to it already."
                        ),
                        "413": _error("Larger than the limit."),
                    },
                }
            },
            "/api/media/openapi.json": {
                "get": {
                    "summary": "This document.",
                    "security": [],
                    "responses": {"200": {"description": "OpenAPI 3.1."}},
                }
            },
        },
    }
