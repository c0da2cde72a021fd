"""The app's shared services (content store, blob store, job queue, page cache purges), built once per app.

Views and plugins reach them through `services()` inside a request or app context.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import Flask, current_app, g, url_for

from .blobs import BlobStore, create_blob_store
from .cache import purge as purge_cached_pages
from .config import DEFAULT_CATEGORIES
from .domain import CATEGORIES_PAGE_ID, SITE_PAGE_ID, Category, CategoryList, Page, SiteSettings
from .jobs import JobQueue
from .stores import ContentStore, create_store


@dataclass
class Services:
    config: dict[str, Any]
    store: ContentStore
    blobs: BlobStore
    jobs: JobQueue

    def site_settings(self) -> SiteSettings:
        """The site settings, read once per request (with the category list, in the same call)."""
        if g.get("sgoodie_site_settings") is None:
            self.load_pages()
        return g.sgoodie_site_settings

    def category_list(self) -> CategoryList:
        """Every work category, hidden ones too, read once per request (with the site settings)."""
        if g.get("sgoodie_categories") is None:
            self.load_pages()
        return g.sgoodie_categories

    def load_pages(self, *page_ids: str) -> dict[str, Page]:
        """The given pages, the site settings and the category list in one store call; the last
        two are kept for the rest of the request."""
        pages = self.store.get_pages([SITE_PAGE_ID, CATEGORIES_PAGE_ID, *page_ids])
        g.sgoodie_site_settings = SiteSettings.from_page(pages.pop(SITE_PAGE_ID))
        g.sgoodie_categories = stored_categories(pages.pop(CATEGORIES_PAGE_ID))
        return pages

    def forget_loaded_settings(self) -> None:
        """After a change to the settings or the categories: read them again."""
        g.pop("sgoodie_site_settings", None)
        g.pop("sgoodie_categories", None)

    def purge(self, *tags: str) -> None:
        """Drop cached public pages showing any of these tags."""
        purge_cached_pages(current_app, tags)

    @property
    def categories(self) -> dict[str, str]:
        """Every category, hidden ones too: slug -> name, in navigation order."""
        return self.category_list().names

    @property
    def visible_categories(self) -> dict[str, str]:
        """The categories visitors see: slug -> name, in navigation order."""
        return self.category_list().visible


def stored_categories(page: Page) -> CategoryList:
    """The stored category list; a site that never saved one has the default three."""
    if page.version == 0:
        return CategoryList([Category(slug, name) for slug, name in DEFAULT_CATEGORIES.items()])
    return CategoryList.from_page(page)


def init_app(app: Flask, jobs: JobQueue) -> Services:
    # On the embedded default, browsers upload through the media API's own endpoint.
    blobs = create_blob_store(app.config, upload_url=partial(url_for, "media_api.upload_target"))
    services = Services(app.config, create_store(app.config), blobs, jobs)
    app.extensions["sgoodie.services"] = services
    return services


def services() -> Services:
    return current_app.extensions["sgoodie.services"]
