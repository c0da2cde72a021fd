"""sgoodie: the platform behind a professional photographer's portfolio site."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import config as _config
from .version import __version__

__all__ = ["__version__", "create_app", "start_runner"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration from the environment (overridden by `test_config`), the
    content and blob stores and the job queue, the page cache (given what it needs from them), then
    every plugin (the core features are plugins too), each declaring the CDN paths of its cache tags."""
    # Imported here, not at the top: `import sgoodie.domain` (scripts, the Celery worker's modules,
    # tests of pure code) should not load the web stack, boto3 and Celery with it.
    from . import (
        auth,
        bodies,
        cache,
        content,
        jobs,
        mail,
        middleware,
        photos,
        plugin_loader,
        security,
        services,
        templating,
    )
    from .app import SgoodieFlask

    settings = _config.load()
    settings.update(test_config or {})
    if settings.get("TESTING") and "BACKGROUND_RUNNER" not in (test_config or {}):
        settings["BACKGROUND_RUNNER"] = False  # a test starts the runner when it is what it tests
    _config.finalize(settings)

    app = SgoodieFlask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not (settings["DEV_MODE"] or app.testing or settings.get("TESTING")),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # Every request gets its endpoint's own limits (bodies.py); these are the defaults.
        MAX_CONTENT_LENGTH=bodies.DEFAULT_LIMIT,
        MAX_FORM_MEMORY_SIZE=bodies.DEFAULT_LIMIT,
        MAX_FORM_PARTS=bodies.MAX_FORM_PARTS,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        PERMANENT_SESSION_LIFETIME=auth.SESSION_SECONDS,
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session, so long edits still save
    )
    if not app.debug:
        logging.getLogger("sgoodie").setLevel(logging.INFO)

    job_kinds = jobs.init_app(app)
    content.register_jobs(job_kinds, schedule_every=float(app.config["SCHEDULE_TICK"]))
    photos.init_app(app)
    shared = services.init_app(app, jobs.build_job_queue(app))
    tag_paths = cache.cdn.TagPaths()
    cache.init_app(app, records=shared.store.records, tag_paths=tag_paths)
    templating.init_app(app)
    mail.init_app(app)
    job_kinds.register(jobs.JobKind(mail.SEND_JOB, mail.send_queued))  # plugins' send_mail_later
    bodies.init_app(app)  # its hook runs first: every body is bounded before CSRF or a view reads it
    security.init_app(app)
    auth.init_app(app)
    plugin_loader.init_app(app, tag_paths)
    cache.page_cache(app).release = plugin_loader.release(app)
    middleware.init_app(app)  # last: its middleware wraps everything else
    start_runner(app)
    return app


def start_runner(app: Flask) -> None:
    """Start the embedded default's in-process runner (scheduled publishing, sweeps, photo jobs)
    now, so a restarted site publishes on time without waiting for a visitor. gunicorn, which
    forks after loading the app, calls this again in each worker (threads do not survive a fork)."""
    jobs = app.extensions["sgoodie.services"].jobs
    if app.config["BACKGROUND_RUNNER"] and hasattr(jobs, "start"):
        jobs.start(periodic_first=False)
