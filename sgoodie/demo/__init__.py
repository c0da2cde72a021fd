"""The demo portfolio: what `sgoodie seed-demo` and `sgoodie demo` fill a new site with.

Everything goes through the same paths a photographer's own content does: projects and pages
through `sgoodie.content`, photos and page photos stored as originals and turned into variants by
the image job's body (`photos.processing.process`, run here directly so the command ends with a finished
site). Photos are painted by `artwork.py`, so nothing is downloaded.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import replace

from flask import current_app

from .. import content
from ..blobs import original_key
from ..domain import SITE_PAGE_ID, Page, Photo, PhotoStatus, Project, SiteSettings
from ..photos import pages as page_photos
from ..photos import processing, uploads
from ..services import services
from . import artwork
from .texts import (
    ABOUT,
    BRANDING,
    BRANDING_GALLERY,
    BRANDING_SUBJECTS,
    CATEGORIES,
    CATEGORY_PAGES,
    DRAFT,
    HOME,
    PORTRAIT_SUBJECT,
    PROJECTS,
    SETTINGS,
)

WORKERS = 3  # generation and encoding release the GIL; more threads than cores keeps both busy
HERO_CATEGORY = "interiors"  # the home hero is the first photo of the first project of this category


def has_content() -> bool:
    return any(services().store.projects_in_category(category) for category in services().categories)


def seed(
    force: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    count: Callable[[int, int], None] = lambda done, total: None,
) -> str:
    """Create the demo portfolio and return a one-line summary of what was made. `progress` gets
    a line per step, `count` (done, total) after each photo is ready; the image job's own line per
    photo ("photo … ready: 18 variants") is held back meanwhile, warnings and errors are not."""
    if has_content() and not force:
        progress("The site already has projects; nothing added (use --force to add the demo anyway).")
        return "nothing added"
    app = current_app._get_current_object()
    _save_settings()
    _create_categories()
    projects, photo_jobs = _create_projects()
    progress(f"Painting and processing {len(photo_jobs)} photos in {len(projects)} projects...")

    def paint(job) -> bytes:
        _, seed_value, kind, portrait_orientation, size, _, _ = job
        return artwork.render_jpeg(kind, seed_value, portrait_orientation=portrait_orientation, size=size)

    with ThreadPoolExecutor(WORKERS) as pool:
        originals = list(pool.map(paint, photo_jobs))
    photo_ids = []
    for (project_id, seed_value, _, _, _, alt, caption), data in zip(
        photo_jobs, originals, strict=True
    ):  # in order: it is the display order
        photo = Photo(
            project_id=project_id,
            status=PhotoStatus.QUEUED,
            filename=f"IMG_{seed_value % 10000:04d}.jpg",
            content_type="image/jpeg",
            size=len(data),
            alt_text=alt,
            caption=caption,
        )
        photo.original_key = original_key(project_id, photo.id, "jpg")
        services().blobs.put(photo.original_key, data, content_type="image/jpeg")
        services().store.add_photo(photo)
        photo_ids.append(photo.id)

    def process(photo_id: str) -> bool:
        with app.app_context():
            photo = processing.process(photo_id)
            return photo is not None and photo.is_ready

    ready = done = 0
    count(done, len(photo_ids))
    with _quiet_photo_log(), ThreadPoolExecutor(WORKERS) as pool:
        for finished in as_completed([pool.submit(process, photo_id) for photo_id in photo_ids]):
            done += 1
            ready += finished.result()
            count(done, len(photo_ids))
    _publish(projects)
    progress(f"{ready} photos ready. Filling the pages...")
    with _quiet_photo_log():
        pages = _fill_pages(projects)
    published = sum(1 for p in projects if p.title != DRAFT[1])
    return f"{published} published projects and 1 draft, {ready} photos, {pages} pages"


@contextmanager
def _quiet_photo_log() -> Iterator[None]:
    """Only warnings and errors from the image jobs while the demo makes its photos."""
    logger = logging.getLogger("sgoodie.photos")
    level = logger.level
    logger.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        logger.setLevel(level)


def _seed_for(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def _save_settings() -> None:
    base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
    content.settings.save(replace(SiteSettings.from_page(base), **SETTINGS), base)


def _create_categories() -> None:
    """The demo's categories, created like the photographer creates them (a site that never saved
    its list stores it first)."""
    content.categories.seed(CATEGORIES)
    existing = content.categories.read()
    for slug, name in CATEGORIES.items():
        if existing.get(slug) is None:
            content.categories.create(name, slug)


def _create_projects() -> tuple[list[Project], list[tuple]]:
    projects, jobs = [], []
    for category, entries in PROJECTS.items():
        for number, (title, location, client, description, featured, photo_texts) in enumerate(entries):
            project = content.projects.create(
                Project(
                    title=title, category=category, location=location, client=client, description=description
                )
            )
            projects.append(replace(project, featured=featured))
            for index, caption in enumerate(photo_texts):
                portrait_orientation = index == 3
                seed_value = _seed_for(category, title, str(index))
                alt = artwork.describe(category, seed_value, portrait_orientation=portrait_orientation)
                is_hero = category == HERO_CATEGORY and number == 0 and index == 0
                size = artwork.HERO if is_hero else None
                jobs.append((project.id, seed_value, category, portrait_orientation, size, alt, caption))
    return projects, jobs


def _publish(projects: list[Project]) -> None:
    for planned in projects:
        current = services().store.get_project(planned.id)
        is_draft = (current.category, current.title) == DRAFT
        content.projects.save(
            replace(current, published=not is_draft, featured=planned.featured and not is_draft), current
        )


def _fill_pages(projects: list[Project]) -> int:
    store = services().store
    filled = 0
    for category, (heading, intro) in CATEGORY_PAGES.items():
        page = store.get_pages([f"work-{category}"])[f"work-{category}"]
        page.content.update(heading=heading, intro=intro)
        content.pages.save(page)
        filled += 1

    home = store.get_pages(["home"])["home"]
    home.content.update(HOME)
    hero_project = next(p for p in projects if p.category == HERO_CATEGORY)
    hero_photo = store.photos_for_project(hero_project.id)[0]
    home.put_photo("hero", page_photos.from_portfolio("home", hero_photo.id, hero_photo.alt_text))
    content.pages.save(home)

    about = store.get_pages(["about"])["about"]
    about.content.update(ABOUT)
    portrait_seed = _seed_for("about")
    about.put_photo(
        "portrait",
        uploads.store_page_upload(
            "about",
            _stream(artwork.render_jpeg("portrait", portrait_seed)),
            artwork.describe("portrait", portrait_seed, subject=PORTRAIT_SUBJECT),
        ),
    )
    _save_and_process(about)

    branding = store.get_pages(["personal-branding"])["personal-branding"]
    branding.content.update(BRANDING)
    branding.put_photos(
        "gallery",
        [
            uploads.store_page_upload(
                "personal-branding",
                _stream(artwork.render_jpeg("portrait", _seed_for("branding", name))),
                artwork.describe("portrait", _seed_for("branding", name), subject=subject),
            )
            for name, subject in zip(BRANDING_GALLERY, BRANDING_SUBJECTS, strict=True)
        ],
    )
    _save_and_process(branding)
    return filled + 3


def _save_and_process(page: Page) -> None:
    stored = content.pages.save(page)
    for _, photo in stored.every_photo():
        processing.process(photo.id, page_id=stored.id)


def _stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
