"""The app's shared services (content store, blob store, job queue, page cache purges), built once per app.

Views and plugins reach them through `services()` inside a request or app context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from flask import Flask, current_app, g, url_for

from .blobs import BlobStore, create_blob_store
from .cache import purge as purge_cached_pages
from .domain import SITE_PAGE_ID, SiteSettings
from .stores import ContentStore, create_store


class JobQueue(Protocol):
    """Runs photo jobs (`sgoodie.photos.jobs` has the worker thread and the Celery queue)."""

    def enqueue(self, ref: str) -> None: ...

    def check(self) -> None:
        """Raise unless jobs can be queued (for /readyz)."""


@dataclass
class Services:
    config: dict[str, Any]
    store: ContentStore
    blobs: BlobStore
    jobs: JobQueue

    def site_settings(self) -> SiteSettings:
        """The site settings, read once per request."""
        cached = g.get("sgoodie_site_settings")
        if cached is None:
            cached = g.sgoodie_site_settings = SiteSettings.from_page(
                self.store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
            )
        return cached

    def purge(self, *tags: str) -> None:
        """Drop cached public pages showing any of these tags."""
        purge_cached_pages(current_app, tags)

    @property
    def categories(self) -> dict[str, str]:
        return self.config["CATEGORIES"]


def init_app(app: Flask, jobs: JobQueue) -> Services:
    # On the embedded default, browsers upload through the media API's own endpoint.
    blobs = create_blob_store(app.config, upload_url=partial(url_for, "media_api.upload_target"))
    services = Services(app.config, create_store(app.config), blobs, jobs)
    app.extensions["sgoodie"] = services
    return services


def services() -> Services:
    return current_app.extensions["sgoodie"]
