"""Health checks.

- `/healthz`: the content store and the blob store answer. The load balancer's check: without
  them no page can be served.
- `/readyz`: everything this instance relies on answers, Redis (page cache) and the job broker
  included. For deploy gates and operators; not the load balancer's check, because pages still
  render (uncached) while Redis is down, and taking every instance out would be worse.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, jsonify

from .cache import page_cache
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


def _report(checks: dict[str, dict]):
    healthy = all(c["ok"] for c in checks.values())
    response = jsonify(
        status="ok" if healthy else "error", backend=services().config["BACKEND"], checks=checks
    )
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _storage_checks() -> dict[str, dict]:
    return {"content_store": _probe(services().store.check), "blob_store": _probe(services().blobs.check)}


@bp.get("/healthz")
def healthz():
    return _report(_storage_checks())


@bp.get("/readyz")
def readyz():
    checks = _storage_checks()
    checks["page_cache"] = _probe(page_cache(current_app).check)
    checks["job_queue"] = _probe(services().jobs.check)
    return _report(checks)
