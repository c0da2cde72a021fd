"""The Celery app for image jobs on the AWS backend.

    celery -A celery_worker worker --loglevel=info      # processes uploads
    celery -A celery_worker beat --loglevel=info        # runs the sweeper every 5 minutes

Configuration comes from the same environment variables as the web app (REDIS_URL is the
broker and result backend). Each task runs the photo job's body (`sgoodie.photos.process`) inside
the Flask app's context, with the same retry policy as the embedded default's worker thread.
"""

from __future__ import annotations

from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded

from sgoodie import create_app, photos
from sgoodie.photos import RETRY, run_job
from sgoodie.photos.jobs import PLUGIN_TASK, PROCESS_TASK, SWEEP_EVERY, SWEEP_TASK
from sgoodie.photos.lifecycle import TOO_SLOW, run_periodic

flask_app = create_app()

celery = Celery("sgoodie", broker=flask_app.config["REDIS_URL"], backend=flask_app.config["REDIS_URL"])
celery.conf.update(
    task_acks_late=True,  # a worker killed mid-job leaves the message for another worker
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # image jobs are long: do not hoard messages
    task_time_limit=300,  # hard limit: the process is killed (the sweeper re-queues the photo)
    task_soft_time_limit=240,
    # Longer than the longest hard limit (plugin tasks, 3600 s); lost photo jobs are found sooner by
    # the sweeper (10 minutes).
    broker_transport_options={"visibility_timeout": 3700},
    result_expires=3600,
    beat_schedule={"sweep-stuck-photos": {"task": SWEEP_TASK, "schedule": SWEEP_EVERY}},
    worker_hijack_root_logger=False,  # keep the app's logging (JSON lines with SGOODIE_LOG_FORMAT=json)
)
app = celery  # `celery -A celery_worker` finds it under either name


@celery.task(name=PROCESS_TASK, bind=True, max_retries=RETRY.attempts - 1)
def process_photo(self, ref: str) -> None:
    """One attempt of a photo job; transient errors come back with the policy's delay."""
    with flask_app.app_context():
        delay = run_job(ref, self.request.retries, permanent={SoftTimeLimitExceeded: TOO_SLOW})
    if delay is not None:
        raise self.retry(countdown=delay)


@celery.task(
    name=PLUGIN_TASK, bind=True, max_retries=RETRY.attempts - 1, time_limit=3600, soft_time_limit=3300
)
def plugin_task(self, ref: str) -> None:
    """A plugin's background work (`Plugin.task`): a gallery's ZIP may take many minutes."""
    with flask_app.app_context():
        delay = run_job(ref, self.request.retries)
    if delay is not None:
        raise self.retry(countdown=delay)


@celery.task(name=SWEEP_TASK)
def sweep() -> dict[str, int]:
    with flask_app.app_context():
        swept = photos.sweep()
        run_periodic()  # plugins' periodic work (gallery expiry reminders, say)
        return swept
