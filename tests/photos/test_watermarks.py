"""Watermarks through the real photo job, gallery pages and downloads, on both backends (SQLite +
disk; DynamoDB + S3 in moto): a watermarked gallery's previews match the clean render outside the
mark's box and differ inside; single downloads and the ZIP are the originals byte for byte (or the
clean resize); no watermarked and clean file ever share a URL, before and after each switch (the
public site opting in, a gallery turned on and off); a settings change ends with every affected
photo carrying the new mark; text and logo both work."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import requests
from PIL import Image

from sgoodie import content
from sgoodie.accounts import create_or_reset_admin
from sgoodie.blobs import watermark_of
from sgoodie.domain import SITE_PAGE_ID, SiteSettings
from sgoodie.file_urls import check_link
from sgoodie.images import make_variants
from sgoodie.images.logo import logo_files
from sgoodie.photos import watermarks
from sgoodie.photos.processing import photo_render_settings
from sgoodie.photos.rerender import rerender_progress
from sgoodie.services import services
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, AdminActions
from tests.images.conftest import encode, photo
from tests.images.test_watermark import mean_difference_inside, psnr_outside
from tests.plugins.test_proofing import Client, settings
from tests.test_gallery_access import backend_app, make_gallery, to_client_gallery, wait_for_jobs

__all__ = ["backend_app"]  # the fixture: both backends, moto in-process for AWS


def photo_jpeg(color=(120, 140, 160)) -> bytes:
    """A photo with a sky, ground and a bright block, 1600 px wide (so 1600 is its largest file)."""
    return encode(photo((1600, 1066)), quality=92)


def media_urls(html: str) -> set[str]:
    """Every photo file URL a page serves (src, srcset, links)."""
    found = set()
    for attribute in re.findall(r'(?:src|srcset|href|content)="([^"]+)"', html):
        for part in attribute.split(","):
            url = part.strip().split(" ")[0].replace("&amp;", "&")
            if "/media/" in url:
                found.add(url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url.lstrip("/"))
    return found


def keys_of(app, urls: set[str]) -> set[str]:
    """The storage key each URL serves (a signed link's grant names it)."""
    keys = set()
    with app.test_request_context():
        for url in urls:
            if url.startswith("media/signed/"):
                keys.add(check_link(url.removeprefix("media/signed/"))["key"])
            else:
                keys.add(url.removeprefix("media/"))
    return keys


def site_settings(app, **changes) -> SiteSettings:
    with app.test_request_context():
        base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        saved = content.settings.save(replace(SiteSettings.from_page(base), **changes), base)
        from sgoodie.photos import rerender

        rerender.request_rerender()
    wait_for_jobs(app)
    return saved


def photos_of(app, project):
    with app.app_context():
        return services().store.photos_for_project(project.id)


def signed_in(app) -> AdminActions:
    with app.app_context():
        create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    actions = AdminActions(app.test_client())
    assert actions.login().status_code == 302
    return actions


def fetch(app, http, url: str) -> bytes:
    response = http.get(url)
    if app.config["BACKEND"] == "aws" and response.status_code == 302:
        return requests.get(response.headers["Location"], timeout=30).content
    assert response.status_code == 200, url
    return response.data


def test_a_watermarked_gallery_marks_its_previews_only_and_never_reuses_an_address(backend_app):
    app = backend_app
    admin = signed_in(app)
    project, _ = make_gallery(app, lambda color: photo_jpeg(color))
    public_page = app.test_client()
    clean_public = media_urls(public_page.get(f"/projects/{project.slug}").get_data(as_text=True))
    assert len(clean_public) >= 10 and not any("-w" in url for url in clean_public)

    # The public site opts in: every public file is stamped, under new addresses.
    mark = site_settings(app, watermark_portfolio=True)
    with app.test_request_context():
        signature = watermarks.site_watermark(mark).signature
    marked_public = media_urls(public_page.get(f"/projects/{project.slug}").get_data(as_text=True))
    assert all(watermark_of(key) == signature for key in keys_of(app, marked_public))
    assert clean_public.isdisjoint(marked_public) and keys_of(app, clean_public).isdisjoint(
        keys_of(app, marked_public)
    )
    site_settings(app, watermark_portfolio=False)

    # A client gallery: watermarked previews by default (its downloads are off).
    project = to_client_gallery(app, project)
    wait_for_jobs(app)
    client = Client(app, project)
    client.start()
    gallery_marked = media_urls(client.page())
    marked_keys = keys_of(app, gallery_marked)
    assert marked_keys and all(watermark_of(key) == signature for key in marked_keys)
    photos = photos_of(app, project)
    assert all(p.watermark == signature and p.downloads for p in photos)
    assert all(watermark_of(v.key) == signature for p in photos for v in p.variants)
    assert all(not watermark_of(d.key) and d.key.startswith("private/") for p in photos for d in p.downloads)

    # Outside the mark's box the previews are the clean render (PSNR >= 40 dB), inside they differ.
    with app.test_request_context():
        for stamped in photos:
            settings_now = photo_render_settings(stamped)
            clean = make_variants(
                services().blobs.get(stamped.original_key),
                replace(settings_now, watermark=None, clean_downloads=False),
            )
            clean_files = {(v.width, v.format): v.data for v in clean.variants}
            for variant in stamped.variants:
                plain = Image.open(io.BytesIO(clean_files[variant.width, variant.format]))
                marked = Image.open(io.BytesIO(services().blobs.get(variant.key)))
                box = settings_now.watermark.box(*plain.size)
                assert psnr_outside(plain, marked, box) >= 40, variant.key
                assert mean_difference_inside(plain, marked, box) > 3, variant.key
            # The clean JPEGs made for downloads are exactly a clean render's JPEGs.
            assert {d.width: services().blobs.get(d.key) for d in stamped.downloads} == {
                v.width: v.data for v in clean.variants if v.format == "jpeg"
            }

    # Downloads are clean: the original byte for byte, or the clean resize; the ZIP holds originals.
    assert settings(admin, project, downloads="all", watermark="on", size="original").status_code == 302
    wait_for_jobs(app)
    download = client.post(f"/gallery/{project.id}/photos/{photos[0].id}/download")
    assert download.status_code == 303
    with app.app_context():
        assert fetch(app, client.http, download.headers["Location"]) == services().blobs.get(
            photos[0].original_key
        )
    assert settings(admin, project, downloads="all", watermark="on", size="1280").status_code == 302
    resized = fetch(
        app,
        client.http,
        client.post(f"/gallery/{project.id}/photos/{photos[0].id}/download").headers["Location"],
    )
    with app.app_context():
        clean_1280 = next(d for d in services().store.get_photo(photos[0].id).downloads if d.width == 1280)
        assert resized == services().blobs.get(clean_1280.key)
    assert settings(admin, project, downloads="all", watermark="on", size="original").status_code == 302
    started = client.post(f"/gallery/{project.id}/zip")
    wait_for_jobs(app)
    archive_link = client.http.get(started.headers["Location"] + "/file").headers["Location"]
    with zipfile.ZipFile(io.BytesIO(fetch(app, client.http, archive_link))) as archive, app.app_context():
        for stamped in photos:
            assert archive.read(stamped.filename) == services().blobs.get(stamped.original_key)

    # The gallery's watermark off: clean previews, at addresses the marked ones never had.
    assert settings(admin, project, downloads="all", watermark="off").status_code == 302
    wait_for_jobs(app)
    gallery_clean = media_urls(client.page())
    clean_keys = keys_of(app, gallery_clean)
    assert clean_keys and not any(watermark_of(key) for key in clean_keys)
    assert gallery_clean.isdisjoint(gallery_marked) and clean_keys.isdisjoint(marked_keys)
    assert all(not p.watermark and not p.downloads for p in photos_of(app, project))
    every_marked = keys_of(app, marked_public) | marked_keys
    every_clean = keys_of(app, clean_public) | clean_keys
    assert every_marked.isdisjoint(every_clean)

    # Watermarked downloads: the widest marked JPEG, never the original.
    assert (
        settings(admin, project, downloads="all", watermark="on", watermark_downloads="1").status_code == 302
    )
    wait_for_jobs(app)
    answer = client.post(f"/gallery/{project.id}/photos/{photos[0].id}/download")
    with app.app_context():
        now = services().store.get_photo(photos[0].id)
        widest = max((v for v in now.variants if v.format == "jpeg"), key=lambda v: v.width)
        assert now.downloads == [] and watermark_of(widest.key) == signature
        assert fetch(app, client.http, answer.headers["Location"]) == services().blobs.get(widest.key)


def test_a_settings_change_re_renders_every_marked_photo_with_the_new_mark_text_then_logo(backend_app):
    app = backend_app
    project, _ = make_gallery(app, lambda color: photo_jpeg(color))
    project = to_client_gallery(app, project)
    wait_for_jobs(app)
    before = {p.id: p for p in photos_of(app, project)}
    with app.test_request_context():
        first = watermarks.site_watermark(services().site_settings()).signature
    assert all(p.watermark == first for p in before.values())

    saved = site_settings(
        app, watermark_text="© Studio Goodie", watermark_position="top-left", watermark_opacity=50
    )
    with app.test_request_context():
        second = watermarks.site_watermark(saved).signature
        progress = rerender_progress()
    after = {p.id: p for p in photos_of(app, project)}
    assert second != first and progress["total"] == len(before) and not progress["finding"]
    assert all(p.is_ready and p.watermark == second for p in after.values())
    assert all(watermark_of(v.key) == second for p in after.values() for v in p.variants)
    assert all(
        {v.key for v in after[i].variants}.isdisjoint({v.key for v in before[i].variants}) for i in before
    )

    logo = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    logo.paste((30, 30, 30, 255), (60, 60, 840, 240))
    with app.test_request_context():
        stored = content.settings.store_logo(encode(logo, "PNG"), "logo.png")
    saved = site_settings(app, logo=stored, watermark_kind="logo")
    with app.test_request_context():
        third = watermarks.site_watermark(saved)
    assert third.logo and third.logo_id == stored["id"]
    assert {f.name for f in logo_files(encode(logo, "PNG"))} >= {"mark.png"}
    for marked in photos_of(app, project):
        assert marked.watermark == third.signature
        with app.app_context():
            largest = max((v for v in marked.variants if v.format == "jpeg"), key=lambda v: v.width)
            image = Image.open(io.BytesIO(services().blobs.get(largest.key))).convert("RGB")
        left, top, right, bottom = third.box(*image.size)
        assert (right - left) / (bottom - top) > 2.5  # the logo's own shape (780 x 180 once trimmed)
        middle = image.getpixel(((left + right) // 2, (top + bottom) // 2))
        assert max(middle) < 200  # the dark logo shows inside its box


def test_a_public_project_that_becomes_a_gallery_keeps_no_clean_copy_of_its_marked_files(backend_app):
    """The ready photos of a public project change sides: moved to private storage and rendered
    again with the gallery's mark; the clean download JPEGs are never public."""
    app = backend_app
    project, _ = make_gallery(app, lambda color: photo_jpeg(color))
    public_keys = {v.key for p in photos_of(app, project) for v in p.variants}
    project = to_client_gallery(app, project)
    wait_for_jobs(app)
    with app.app_context():
        for marked in services().store.photos_for_project(project.id):
            assert all(v.key.startswith("private/") for v in marked.variants + marked.downloads)
            assert {v.key for v in marked.variants}.isdisjoint(public_keys)
            assert all(services().blobs.head(key) is None for key in public_keys)
