"""The one shape of a JSON error, for every endpoint that answers JSON:
`{"error": {"code": "not_found", "message": "words a person understands"}}`."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def json_error(code: str, message: str, status: int) -> tuple[Response, int]:
    return jsonify(error_body(code, message)), status
