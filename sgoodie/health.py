"""Liveness: `/healthz` reports whether the content store and the blob store answer."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify

from .plugin_api import Plugin
from .services import services

plugin = Plugin("health", description="Health checks for load balancers and operators.")
bp = plugin.add_blueprint(Blueprint("health", __name__))


def _probe(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # report, never raise: this page must answer when things are broken
        return {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@bp.get("/healthz")
def healthz():
    checks = {"content_store": _probe(services().store.check), "blob_store": _probe(services().blobs.check)}
    healthy = all(c["ok"] for c in checks.values())
    response = jsonify(status="ok" if healthy else "error", backend=services().config["BACKEND"], checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
