"""The photo's life in the core: upload, processing, failure, retry, reprocess, sweep.

`lifecycle` owns every status change (and refuses those that make no sense); `jobs` is the queue
that runs the processing, with one retry policy for the worker thread and Celery alike. The media
API, the admin, the CLI, the demo and `celery_worker.py` all call this package.
"""

from .jobs import RETRY, CeleryJobs, JobQueue, RetryPolicy, ThreadJobs, build_job_queue, run_job
from .lifecycle import (
    GAVE_UP,
    MISSING_ORIGINAL,
    TRANSITIONS,
    Arrival,
    NotArrived,
    TransitionRefused,
    check_transition,
    discard_page_photo,
    fail,
    from_portfolio,
    give_up,
    mark_uploaded,
    page_photo,
    page_ref,
    process,
    queue_page_photos,
    register_upload,
    reprocess,
    retry,
    retry_page_photo,
    store_page_upload,
    sweep,
)

__all__ = [
    "GAVE_UP",
    "MISSING_ORIGINAL",
    "RETRY",
    "TRANSITIONS",
    "Arrival",
    "CeleryJobs",
    "JobQueue",
    "NotArrived",
    "RetryPolicy",
    "ThreadJobs",
    "TransitionRefused",
    "build_job_queue",
    "check_transition",
    "discard_page_photo",
    "fail",
    "from_portfolio",
    "give_up",
    "mark_uploaded",
    "page_photo",
    "page_ref",
    "process",
    "queue_page_photos",
    "register_upload",
    "reprocess",
    "retry",
    "retry_page_photo",
    "run_job",
    "store_page_upload",
    "sweep",
]
