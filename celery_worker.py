"""The Celery app for background jobs on the AWS backend.

    celery -A celery_worker worker --loglevel=info      # photo variants, moves, plugins' tasks
    celery -A celery_worker beat --loglevel=info        # the periodic kinds: sweeps every 5 minutes
                                                        # (lost jobs, the trash, plugins' periodic
                                                        # work), scheduled publishing every
                                                        # SGOODIE_SCHEDULE_TICK seconds

Configuration comes from the same environment variables as the web app (REDIS_URL is the
broker and result backend). Every task runs a kind of the app's job registry (`sgoodie.jobs`)
inside the Flask app's context, with the same retry policy as the embedded default's worker
thread.
"""

from __future__ import annotations

from sgoodie import create_app
from sgoodie.jobs.celery import celery_app

flask_app = create_app()
celery = celery_app(flask_app)
app = celery  # `celery -A celery_worker` finds it under either name
