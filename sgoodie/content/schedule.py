"""Scheduled publishing: the index of what must happen when.

A project carries its own `publish_at` / `unpublish_at` (UTC, shown in the site's time zone);
this index lets the runner find what is due with one query by key: the `schedule` records are
keyed `<UTC time>#<project id>#<action>`, so they sort by time and the runner reads only the due
ones (plus one). The project's own field is the truth: an index entry whose project no longer
names that time is stale and simply dropped. `content.publishing.run_due` does the publishing; the
in-process runner (embedded default) and Celery beat (AWS) call it every `SCHEDULE_TICK` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import Project
from ..services import services

SCHEDULE = "schedule"
ACTIONS = {"publish": "publish_at", "unpublish": "unpublish_at"}
PAGE_CHANGE = "change"  # the action of a page's scheduled change
PENDING_PAGES = "scheduled-pages"  # page id -> the change waiting for its time (one per page)
PAGE_PREFIX = "page:"


@dataclass(frozen=True)
class Due:
    key: str
    when: str
    project_id: str  # or `page:<page id>` for a page's change
    action: str

    @property
    def page_id(self) -> str:
        return self.project_id.removeprefix(PAGE_PREFIX) if self.project_id.startswith(PAGE_PREFIX) else ""


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


def pending_page_change(page_id: str) -> dict | None:
    """The change scheduled for a page: {when, who, fields}, or None."""
    return services().store.records.get(PENDING_PAGES, page_id)


def schedule_page_change(page_id: str, when: str, fields: dict, who: str) -> None:
    """Keep a page's texts to publish at `when`, replacing any change scheduled before."""
    cancel_page_change(page_id)
    services().store.records.put(
        SCHEDULE, f"{when}#{PAGE_PREFIX}{page_id}#{PAGE_CHANGE}", {"page_id": page_id}
    )
    services().store.records.put(PENDING_PAGES, page_id, {"when": when, "who": who, "fields": fields})


def cancel_page_change(page_id: str) -> None:
    pending = pending_page_change(page_id)
    if pending is not None:
        services().store.records.delete(PENDING_PAGES, page_id)
        services().store.records.delete(SCHEDULE, f"{pending['when']}#{PAGE_PREFIX}{page_id}#{PAGE_CHANGE}")
