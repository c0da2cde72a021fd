"""The app's shared services (content store, blob store, page cache), built once per app.

Views and plugins reach them through `services()` inside a request or app context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask, current_app, g, url_for

from .blobs import BlobStore, create_blob_store
from .domain import SITE_PAGE_ID, SiteSettings
from .stores import ContentStore, create_store


@dataclass
class Services:
    config: dict[str, Any]
    store: ContentStore
    blobs: BlobStore

    def site_settings(self) -> SiteSettings:
        """The site settings, read once per request."""
        cached = g.get("sgoodie_site_settings")
        if cached is None:
            cached = g.sgoodie_site_settings = SiteSettings.from_page(self.store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])
        return cached

    def purge(self, *tags: str) -> None:
        """Drop cached public pages showing any of these tags."""
        from .cache import purge

        purge(current_app, tags)

    @property
    def categories(self) -> dict[str, str]:
        return self.config["CATEGORIES"]


def init_app(app: Flask) -> Services:
    # On the embedded default, browsers upload through the media API's own endpoint.
    blobs = create_blob_store(app.config, upload_url=partial(url_for, "media_api.upload_target"))
    services = Services(app.config, create_store(app.config), blobs)
    app.extensions["sgoodie"] = services
    return services


def services() -> Services:
    return current_app.extensions["sgoodie"]
