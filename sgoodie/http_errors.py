"""The one shape of a JSON error, for every endpoint that answers JSON:
`{"error": {"code": "not_found", "message": "words a person understands"}}`."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request


def asks_for_json() -> bool:
    """The client asked for JSON first (a page's script saving in the background sends
    `Accept: application/json`); its plain form gets HTML and redirects."""
    return request.accept_mimetypes.best == "application/json"


#: The shape as a JSON Schema, for the APIs' OpenAPI documents. `fields` (a message per field
#: refused) is what /api/v1 adds to a 422 or 409.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "Says what went wrong, for a person."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "The message for each field refused.",
                },
            },
        }
    },
}


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def json_error(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify(error_body(code, message)), status


def json_object() -> dict[str, Any]:
    """The request's JSON body when it is an object, else {} (a list, a string, a number, null or
    no JSON at all): endpoints then refuse it as incomplete (400), never fail on `.get` (500)."""
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}
