"""The app's signals: how features react to each other without importing each other.

Every signal is sent with the Flask app as sender and keyword arguments named below. Connect
through `Plugin.on(...)` (which isolates failures) rather than directly.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: project=Project, previous=Project|None (None when created)
project_saved = _signals.signal("project-saved")
#: project=Project, photos=list[Photo]
project_deleted = _signals.signal("project-deleted")
#: category=str, project_ids=list[str]
projects_reordered = _signals.signal("projects-reordered")
#: photo=Photo, project=Project|None
photo_saved = _signals.signal("photo-saved")
#: photo=Photo
photo_ready = _signals.signal("photo-ready")
#: photo=Photo, reason=str
photo_failed = _signals.signal("photo-failed")
#: photo=Photo, project=Project|None
photo_deleted = _signals.signal("photo-deleted")
#: photos=list[Photo] (back from the trash)
photos_restored = _signals.signal("photos-restored")
#: photo=Photo, private=bool (its variants now live under `private/`, or back at public paths)
photo_files_moved = _signals.signal("photo-files-moved")
#: project=Project
photos_reordered = _signals.signal("photos-reordered")
#: page=Page
page_saved = _signals.signal("page-saved")
#: settings=SiteSettings
settings_saved = _signals.signal("settings-saved")
#: categories=CategoryList, slugs=set[str] (the categories created, edited, moved or deleted)
categories_saved = _signals.signal("categories-saved")
#: inquiry=dict (sent by the contact plugin)
inquiry_received = _signals.signal("inquiry-received")
#: tags=set[str] (after a purge of the page cache)
cache_purged = _signals.signal("cache-purged")
#: no arguments: `sgoodie reindex` brought the core's stored data up to date; plugins upgrade theirs
reindexed = _signals.signal("reindexed")

ALL = {
    signal.name: signal
    for signal in (
        project_saved,
        project_deleted,
        projects_reordered,
        photo_saved,
        photo_ready,
        photo_failed,
        photo_deleted,
        photos_restored,
        photo_files_moved,
        photos_reordered,
        page_saved,
        settings_saved,
        categories_saved,
        inquiry_received,
        cache_purged,
        reindexed,
    )
}
