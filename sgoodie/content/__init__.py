"""Content operations: what happens when the photographer changes something.

The admin, the jobs, the demo seeder and the plugin API change content through these modules, one
subject each, so each rule lives in one place: validation, the home page's featured order, the
cover rule, revisions, the trash, the activity log, and the signals other features react to (the
page cache purges from them; the photo's life moves a client gallery's files).

- `projects`: create, edit, publish, delete and restore, reorder, the cover, the featured order
- `galleries`: a client gallery's password and last day; `invitations`: one person's own link to it
- `pages`, `settings`, `categories`: the pages' texts, the site settings and logo, the categories
- `revisions`: every save kept, field by field; `trash`: what was deleted, until it is emptied
- `schedule` (the index of what is due) and `publishing` (the periodic job that does it)
- `activity`: the dashboard's recent changes; `changes`: read-modify-write with retry

A photo's own changes (text, focal point, credit, order, delete) are the photo's: `sgoodie.photos`.
"""

from __future__ import annotations

from ..jobs import JobRegistry
from . import (
    activity,
    categories,
    galleries,
    invitations,
    pages,
    projects,
    publishing,
    revisions,
    schedule,
    settings,
    trash,
)

__all__ = [
    "activity",
    "categories",
    "galleries",
    "invitations",
    "pages",
    "projects",
    "publishing",
    "register_jobs",
    "revisions",
    "schedule",
    "settings",
    "trash",
]


def register_jobs(jobs: JobRegistry, *, schedule_every: float) -> None:
    """The trash's sweeper and scheduled publishing, as periodic job kinds."""
    trash.register_jobs(jobs)
    publishing.register_jobs(jobs, every=schedule_every)
