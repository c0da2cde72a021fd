"""Scheduled publishing: the periodic `schedule.publish` job publishes and unpublishes the projects
whose time has come, and applies pages' scheduled text changes. The index of what is due is
`content.schedule`; each change is an ordinary save (a revision, the activity log, the purges)."""

from __future__ import annotations

from dataclasses import replace

from ..domain import ValidationError, utcnow
from ..jobs import JobKind, JobRegistry
from ..services import services
from ..stores import StaleVersionError
from . import activity, pages, projects, schedule

PUBLISH = "schedule.publish"


def register_jobs(jobs: JobRegistry, *, every: float) -> None:
    jobs.register(JobKind(PUBLISH, run_due, every=every))


def run_due(now: str | None = None) -> int:
    """Publish and unpublish what is due (the runner calls this every `SCHEDULE_TICK` seconds).
    Each change is an ordinary save: a revision, the activity log, the cache and CDN purge."""
    changed = 0
    for entry in schedule.due(now or utcnow()):
        if entry.page_id:
            changed += _publish_page_change(entry)
            continue
        field = schedule.ACTIONS[entry.action]
        project = services().store.get_project(entry.project_id)
        if project is None or getattr(project, field) != entry.when:
            schedule.done(entry)  # stale: deleted, or rescheduled since
            continue
        edited = replace(project, published=entry.action == "publish", **{field: ""})
        try:
            projects.save(edited, previous=project, note=f"Scheduled to {entry.action}")
        except StaleVersionError:
            continue  # someone saved meanwhile: the next tick reads their version
        except ValidationError as exc:
            projects.modify(project.id, lambda current, name=field: setattr(current, name, ""))
            schedule.done(entry)
            activity.record(
                f"Could not {entry.action} “{project.title}” as scheduled: {' '.join(exc.errors.values())}",
                project_id=project.id,
            )
            continue
        changed += 1
    return changed


def _publish_page_change(entry: schedule.Due) -> int:
    pending = schedule.pending_page_change(entry.page_id)
    if pending is None or pending["when"] != entry.when:
        schedule.done(entry)  # cancelled or rescheduled since
        return 0
    current = services().store.get_pages([entry.page_id])[entry.page_id]
    try:
        pages.save(
            pages.with_fields(current, pending["fields"]),
            note=f"Scheduled change by {pending['who'] or 'someone'}",
        )
    except StaleVersionError:
        return 0  # saved meanwhile: the next tick applies the change to that version
    schedule.cancel_page_change(entry.page_id)
    return 1
