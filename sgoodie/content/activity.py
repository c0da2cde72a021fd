"""The activity log: the dashboard's recent changes, one line per change (what, who, when), kept
90 days in the records store."""

from __future__ import annotations

import time

from flask import g, has_request_context
from flask_login import current_user

from ..domain import new_id, utcnow
from ..services import services

COLLECTION = "activity"
KEEP_SECONDS = 90 * 24 * 3600


def editor() -> str:
    """The signed-in admin's email, or the access token an API request came with (`tokens`:
    never the session beside it); "" for the runner, the CLI, jobs."""
    if has_request_context() and g.get("acting_as"):
        return g.acting_as
    try:
        signed_in = bool(current_user and current_user.is_authenticated)
    except Exception:  # outside a request (CLI, jobs)
        return ""
    return getattr(current_user, "email", "") if signed_in else ""


def record(what: str, **details: str) -> None:
    """A line in the dashboard's recent changes: what, who, when."""
    key = f"{utcnow()}#{new_id()[:8]}"
    services().store.records.put(
        COLLECTION,
        key,
        {"what": what, "who": editor(), **details},
        expires_at=int(time.time()) + KEEP_SECONDS,
    )


def recent(limit: int = 12) -> list[dict]:
    return [
        {"at": key.split("#", 1)[0], **data}
        for key, data in services().store.records.query(COLLECTION, newest_first=True, limit=limit)
    ]
