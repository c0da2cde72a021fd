"""The photo's life in the core: upload, processing, failure, retry, reprocess, sweep.

`lifecycle` owns every status change (and refuses those that make no sense) and registers the
photo's background work as job kinds (`sgoodie.jobs`). The media API, the admin, the CLI and the
demo call this package.
"""

from flask import Flask

from ..jobs import registry
from .lifecycle import (
    GAVE_UP,
    MISSING_ORIGINAL,
    TRANSITIONS,
    Arrival,
    NotArrived,
    TransitionRefused,
    check_transition,
    connect_signals,
    discard_page_photo,
    fail,
    from_portfolio,
    mark_uploaded,
    page_photo,
    process,
    queue_page_photos,
    register_jobs,
    register_upload,
    reprocess,
    retry,
    retry_page_photo,
    store_page_upload,
    sweep,
)

__all__ = [
    "init_app",
    "GAVE_UP",
    "MISSING_ORIGINAL",
    "TRANSITIONS",
    "Arrival",
    "NotArrived",
    "TransitionRefused",
    "check_transition",
    "discard_page_photo",
    "fail",
    "from_portfolio",
    "mark_uploaded",
    "page_photo",
    "process",
    "queue_page_photos",
    "register_upload",
    "register_jobs",
    "reprocess",
    "retry",
    "retry_page_photo",
    "store_page_upload",
    "sweep",
]


def init_app(app: Flask) -> None:
    """Register the photo's job kinds and its reactions to content changes."""
    register_jobs(registry(app))
    connect_signals(app)
