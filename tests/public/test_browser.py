"""The public site in a real headless Chromium, at phone and desktop widths."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from sgoodie import content
from sgoodie.blobs import original_key
from sgoodie.domain import Photo, Project
from sgoodie.services import services

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}


def _photo_bytes(index: int, size=(1600, 1067)) -> bytes:
    image = PILImage.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 3, size[0] // 2, size[1] - 80), fill=(60 + 30 * index, 90, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def site(app):
    """Two published projects whose photos went through the real pipeline."""
    from sgoodie.photos.processing import process as process_photo

    with app.test_request_context():
        slugs = []
        for title, category in (("Harbour Loft", "interiors"), ("Bay of Kotor", "travel")):
            project = content.projects.create(
                Project(title=title, category=category, description="Light, stone and water.")
            )
            for index in range(3):
                photo = Photo(
                    project_id=project.id,
                    status="queued",
                    filename=f"{index}.jpg",
                    alt_text=f"{title}, view {index + 1}",
                )
                photo.original_key = original_key(project.id, photo.id, "jpg")
                services().blobs.put(
                    photo.original_key,
                    _photo_bytes(index, (1600, 1067) if index != 1 else (900, 1350)),
                    content_type="image/jpeg",
                )
                services().store.add_photo(photo)
                process_photo(photo.id)
            current = services().store.get_project(project.id)
            content.projects.save(replace(current, published=True, featured=True), current)
            slugs.append(project.slug)
    return slugs


def _check_page(page, url, *, has_images=True):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # Bring every lazy image into view, then wait for it.
    page.evaluate("""async () => {
        for (const img of document.images) { img.scrollIntoView({block: "center"}); await new Promise(r => setTimeout(r, 50)); }
    }""")
    try:
        page.wait_for_function(
            "() => Array.from(document.images).filter(img => img.getClientRects().length).every(img => img.complete)",
            timeout=15000,
        )
    except Exception:
        pending = page.evaluate(
            "Array.from(document.images).filter(img => img.getClientRects().length && !img.complete).map(img => [img.loading, img.currentSrc, img.outerHTML.slice(0, 200)])"
        )
        raise AssertionError(f"images still loading on {url}: {pending}") from None
    broken = page.evaluate(
        "Array.from(document.images).filter(img => img.getClientRects().length && img.naturalWidth === 0).map(img => img.currentSrc || img.src)"
    )
    assert broken == [], f"images that did not render on {url}: {broken}"
    assert not has_images or page.evaluate("document.images.length") > 0
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} overflows horizontally by {overflow}px"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_home_and_project_render_their_images_without_overflow(
    browser, live_server, site, viewport, tmp_path
):
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in ("/", f"/projects/{site[0]}", "/work/interiors"):
        _check_page(page, live_server.url + path)
    _check_page(page, live_server.url + "/about", has_images=False)  # no portrait uploaded here
    page.screenshot(path=str(tmp_path / f"project-{viewport}.png"), full_page=True)
    assert errors == []
    context.close()


def test_without_javascript_gallery_links_lead_to_the_photo(browser, live_server, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/projects/{site[0]}")
    href = page.locator("main a[href*='/media/']").first.get_attribute("href")
    response = page.request.get(live_server.url + href if href.startswith("/") else href)
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    context.close()


def test_keyboard_users_see_focus(browser, live_server, site):
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {tag: document.activeElement.tagName, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow} }""")
    assert outline["tag"] == "A"
    assert (outline["outline"] != "none" and outline["width"] > 0) or outline["shadow"] != "none"
    context.close()


def test_more_projects_appends_the_next_page_in_place_and_works_without_javascript(app, browser, live_server):
    with app.app_context():
        for n in range(30):
            services().store.create_project(
                Project(title=f"Study {n:02d}", category="travel", published=True)
            )
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/work/travel")
    cards = page.locator("#category-projects > li")
    assert cards.count() == 24
    page.click(".more__link")
    cards.nth(29).wait_for()
    assert cards.count() == 30 and page.locator(".more__link").count() == 0  # the last page: no link
    assert page.url == live_server.url + "/work/travel" and errors == []
    context.close()
    plain = browser.new_context(java_script_enabled=False).new_page()
    plain.goto(live_server.url + "/work/travel")
    plain.click(".more__link")
    assert "after=" in plain.url and plain.locator("#category-projects > li").count() == 6
    plain.context.close()
