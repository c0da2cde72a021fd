"""The Celery app for image jobs on the AWS backend.

    celery -A celery_worker worker --loglevel=info      # processes uploads
    celery -A celery_worker beat --loglevel=info        # runs the sweeper every 5 minutes

Configuration comes from the same environment variables as the web app (REDIS_URL is the
broker and result backend). Each task runs `sgoodie.media.processing.process_photo` inside the
Flask app's context.
"""

from __future__ import annotations

from celery import Celery
from celery.utils.log import get_task_logger

from sgoodie import create_app

log = get_task_logger("sgoodie.media")
flask_app = create_app()

celery = Celery("sgoodie", broker=flask_app.config["REDIS_URL"], backend=flask_app.config["REDIS_URL"])
celery.conf.update(
    task_acks_late=True,  # a worker killed mid-job leaves the message for another worker
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # image jobs are long: do not hoard messages
    task_time_limit=300,  # hard limit: the process is killed (the sweeper re-queues the photo)
    task_soft_time_limit=240,
    broker_transport_options={"visibility_timeout": 600},  # longer than the hard limit
    result_expires=3600,
    beat_schedule={"sweep-stuck-photos": {"task": "sgoodie.sweep", "schedule": 300.0}},
    worker_hijack_root_logger=False,  # keep the app's logging (JSON lines with SGOODIE_LOG_FORMAT=json)
)
app = celery  # `celery -A celery_worker` finds it under either name


@celery.task(name="sgoodie.process_photo", bind=True, max_retries=5)
def process_photo(self, photo_id: str) -> str | None:
    """Idempotent; image problems are recorded on the photo, other errors are retried with
    exponential backoff and, on the last attempt, recorded as a failure."""
    from sgoodie.media.jobs import GAVE_UP
    from sgoodie.media.processing import fail_photo
    from sgoodie.media.processing import process_photo as run

    with flask_app.app_context():
        try:
            photo = run(photo_id)
        except Exception as exc:
            if self.request.retries >= self.max_retries:
                log.error("photo %s: giving up after %d attempts: %s", photo_id, self.request.retries + 1, exc)
                fail_photo(photo_id, GAVE_UP)
                return "failed"
            raise self.retry(exc=exc, countdown=min(300, 5 * 2 ** self.request.retries))
        return photo.status if photo else None


@celery.task(name="sgoodie.sweep")
def sweep() -> dict[str, int]:
    from sgoodie.media.jobs import sweep as run

    with flask_app.app_context():
        return run()
