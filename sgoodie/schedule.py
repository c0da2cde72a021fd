"""Scheduled publishing: the index of what must happen when.

A project carries its own `publish_at` / `unpublish_at` (UTC, shown in the site's time zone);
this index lets the runner find what is due with one query by key: the `schedule` records are
keyed `<UTC time>#<project id>#<action>`, so they sort by time and the runner reads only the due
ones (plus one). The project's own field is the truth: an index entry whose project no longer
names that time is stale and simply dropped. `content.run_schedule` does the publishing; the
in-process runner (embedded default) and Celery beat (AWS) call it every `SCHEDULE_TICK` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .domain import Project
from .services import services

SCHEDULE = "schedule"
ACTIONS = {"publish": "publish_at", "unpublish": "unpublish_at"}


@dataclass(frozen=True)
class Due:
    key: str
    when: str
    project_id: str
    action: str


def _keys(project: Project | None) -> set[str]:
    if project is None:
        return set()
    return {
        f"{getattr(project, name)}#{project.id}#{action}"
        for action, name in ACTIONS.items()
        if getattr(project, name)
    }


def add_entries(project: Project, previous: Project | None) -> None:
    """Index the project's new times (before the project is written: an entry without its time
    on the project is harmless, a time without its entry would never run)."""
    for key in _keys(project) - _keys(previous):
        services().store.records.put(SCHEDULE, key, {"project_id": project.id})


def drop_entries(project: Project | None, previous: Project | None) -> None:
    """Forget the times the project no longer has (after it was written)."""
    for key in _keys(previous) - _keys(project):
        services().store.records.delete(SCHEDULE, key)


def due(now: str, limit: int = 50) -> list[Due]:
    """The entries whose time has come, oldest first (at most `limit`: the next tick takes the
    rest)."""
    found = services().store.records.query(SCHEDULE, limit=limit)
    return [Due(key, *key.split("#")) for key, _ in found if key.split("#", 1)[0] <= now]


def done(entry: Due) -> None:
    services().store.records.delete(SCHEDULE, entry.key)


def upcoming(limit: int = 20) -> list[Due]:
    """The next scheduled changes (the dashboard)."""
    return [Due(key, *key.split("#")) for key, _ in services().store.records.query(SCHEDULE, limit=limit)]
