"""A watermarked client gallery in Chromium, on a phone (390 px at 3x) and a desktop (1440 px):
every photo the browser picked from the srcset is a marked file (its signed link names a key with
the mark's signature), drawn at its full size; screenshots go to /tmp/shots for a person to look at."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from sgoodie.blobs import watermark_of
from sgoodie.demo import artwork
from sgoodie.file_urls import check_link
from sgoodie.photos import watermarks
from sgoodie.services import services
from tests.images.conftest import encode
from tests.test_gallery_access import PASSWORD, make_gallery, to_client_gallery

SHOTS = Path("/tmp/shots")
PAINTERS = [artwork.interior, artwork.landscape, artwork.still_life, artwork.interior]


@pytest.mark.parametrize(
    "screen",
    [
        {"name": "phone", "viewport": {"width": 390, "height": 844}, "device_scale_factor": 3},
        {"name": "desktop", "viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
    ],
    ids=["phone", "desktop"],
)
def test_a_watermarked_gallery_shows_marked_photos_on_a_phone_and_a_desktop(
    app, browser, live_server, screen
):
    seeds = iter(range(10, 20))
    project, _ = make_gallery(
        app, lambda color: encode(PAINTERS[next(seeds) % 4](random.Random(next(seeds))), quality=92)
    )
    project = to_client_gallery(app, project)
    with app.app_context():
        assert services().jobs.wait(120)
        signature = watermarks.site_watermark(services().site_settings()).signature
    context = browser.new_context(
        viewport=screen["viewport"], device_scale_factor=screen["device_scale_factor"]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/projects/{project.slug}")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    images = page.locator("img")
    assert images.count() >= 2
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    sources = page.eval_on_selector_all("img", "all => all.map(i => i.currentSrc)")
    with app.test_request_context():
        keys = {
            check_link(src.split("/media/signed/", 1)[1])["key"] for src in sources if "/media/signed/" in src
        }
    assert len(keys) >= 2 and all(watermark_of(key) == signature for key in keys), keys
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"h26-watermark-gallery-{screen['name']}.png"), full_page=False)
    page.locator("img").first.scroll_into_view_if_needed()
    page.locator("img").first.screenshot(path=str(SHOTS / f"h26-watermark-photo-{screen['name']}.png"))
    assert errors == []
    context.close()
