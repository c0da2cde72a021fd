"""The photos in a real Chromium at four screens: sharp (the file a browser picks is as wide as the
photo is drawn, crops included), laid out without holes, no layout shift, and cropped on their
focal point. Screenshots go to $SGOODIE_SCREENSHOTS when it is set (to look at them)."""

from __future__ import annotations

import io
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from sgoodie import content, create_app
from sgoodie.blobs import variant_key
from sgoodie.domain import Photo, Project, Variant
from sgoodie.images.pipeline import target_widths
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import pages as page_photos
from sgoodie.services import services

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3},
    "tablet": {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
    "wide": {"viewport": {"width": 2560, "height": 1440}, "device_scale_factor": 1},
}
LANDSCAPE, PORTRAIT = (2600, 1733), (1734, 2600)
# The mixed project: a portrait between landscapes, a pair, a trio of portraits.
MIXED = [LANDSCAPE, PORTRAIT, LANDSCAPE, LANDSCAPE, PORTRAIT, PORTRAIT, LANDSCAPE, PORTRAIT]
HERO_FOCAL = (0.3, 0.7)


def _photo_bytes(size, shade: int) -> bytes:
    """A camera-like JPEG: a gradient with shapes, so files weigh what photos weigh."""
    image = PILImage.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 5, h // 4, w // 2, h // 2 + h // 6), fill=(200, 120 + shade, 90))
    draw.rectangle((w // 2, h // 3, w - w // 6, h - h // 8), fill=(50 + shade, 90, 130))
    for i in range(0, w, 37):
        draw.line((i, 0, i + h // 3, h), fill=(120, 110 + shade % 60, 100), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _logo() -> bytes:
    image = PILImage.new("RGBA", (900, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((20, 20, 880, 220), radius=40, fill=(29, 27, 25, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _variants(
    project_id: str, photo_id: str, image: PILImage.Image, *, private: bool = False
) -> list[Variant]:
    """The pipeline's widths of the photo as WebP and JPEG files (the pipeline itself, AVIF
    included, is tested in tests/images; encoding a dozen large AVIFs would only slow this down);
    `private` for a client gallery's."""
    variants = []
    for width in target_widths(image.width):
        resized = image.resize((width, round(width * image.height / image.width)))
        for fmt, pil_name in (("webp", "WEBP"), ("jpeg", "JPEG")):
            buffer = io.BytesIO()
            resized.save(buffer, pil_name, quality=70)
            key = variant_key(project_id, photo_id, width, fmt, private=private)
            services().blobs.put(key, buffer.getvalue(), content_type=f"image/{fmt}")
            variants.append(Variant(width, resized.height, fmt, key, buffer.tell()))
    return variants


def _project(title: str, category: str, sizes) -> Project:
    project = content.projects.create(Project(title=title, category=category, location="Lisbon"))
    for index, size in enumerate(sizes):
        photo = Photo(
            project_id=project.id, status="ready", filename=f"{index}.jpg", alt_text=f"{title} {index}"
        )
        image = PILImage.open(io.BytesIO(_photo_bytes(size, index * 23)))
        photo.width, photo.height, photo.dominant_color = size[0], size[1], "#8a7f74"
        photo.variants = _variants(project.id, photo.id, image)
        services().store.add_photo(photo)
    current = services().store.get_project(project.id)
    return content.projects.save(replace(current, published=True, featured=True), current)


@pytest.fixture(scope="module")
def site(tmp_path_factory, live_server_factory):
    """Home with a hero (focal point set) and five featured projects, a category of four, a
    mixed-orientation project, an about portrait and a mixed personal-branding gallery (every
    width the pipeline makes), and a logo."""
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("layout")), "SECRET_KEY": "t"}
    )
    with app.test_request_context():
        services().store.init_schema()
        mixed = _project("Harbour Loft", "interiors", MIXED)
        for title in ("Garden Villa", "Noe Valley", "Hill House"):  # four in interiors
            _project(title, "interiors", [LANDSCAPE])
        _project("Bay of Kotor", "travel", [PORTRAIT])  # five featured
        photos = services().store.photos_for_project(mixed.id)
        hero = next(p for p in photos if p.width > p.height)
        photo_edits.set_focal_point(hero, *HERO_FOCAL)

        content.pages.modify(
            "home",
            lambda page: page.put_photo("hero", page_photos.from_portfolio(page.id, hero.id, hero.alt_text)),
        )
        portrait = next(p for p in photos if p.height > p.width)
        content.pages.modify(
            "about",
            lambda page: page.put_photo("portrait", page_photos.from_portfolio("about", portrait.id, "Me")),
        )
        order = [1, 4, 0, 5, 2, 7, 3]  # portraits and landscapes mixed, seven of them
        content.pages.modify(
            "personal-branding",
            lambda page: page.put_photos(
                "gallery", [page_photos.from_portfolio(page.id, photos[i].id, f"Portrait {i}") for i in order]
            ),
        )
        settings = services().site_settings()
        settings.logo = content.settings.store_logo(_logo(), "logo.png")
        content.settings.save(settings, services().store.get_pages(["site"])["site"])
    server = live_server_factory(app)
    yield {"url": server.url, "mixed": mixed.slug}
    server.stop()


# For every image on the first two screens: the chosen file's width against the width it is drawn
# at (object-fit: cover draws a photo wider than its box when it is wider than the box) times the
# device pixel ratio.
MEASURE = """() => {
  const rows = [];
  for (const img of document.images) {
    const rect = img.getBoundingClientRect();
    if (!rect.width || rect.top + scrollY >= 2 * innerHeight) continue;
    const candidates = [];
    for (const el of [img, ...(img.parentElement.tagName === "PICTURE" ? img.parentElement.querySelectorAll("source") : [])]) {
      for (const part of (el.getAttribute("srcset") || "").split(",")) {
        const [url, descriptor] = part.trim().split(/\\s+/);
        if (url) candidates.push({url: new URL(url, location.href).href, descriptor, set: el});
      }
    }
    const chosen = candidates.find(c => c.url === img.currentSrc);
    const fromSet = candidates.filter(c => chosen && c.set === chosen.set);
    // A width descriptor names the file's width; a density one (the logo) the density it is for.
    const fileWidth = c => c.descriptor.endsWith("w") ? parseInt(c.descriptor) : img.naturalWidth * parseFloat(c.descriptor);
    const style = getComputedStyle(img);
    const aspect = img.naturalWidth / img.naturalHeight;
    const drawn = style.objectFit === "cover" ? Math.max(rect.width, rect.height * aspect) : rect.width;
    rows.push({
      src: img.currentSrc.split("/").slice(-3).join("/"), alt: img.alt,
      chosen: chosen ? fileWidth(chosen) : 0,
      largest: chosen ? Math.max(...fromSet.map(fileWidth)) : 0,
      needed: Math.round(drawn * devicePixelRatio),
    });
  }
  return rows;
}"""

# Rows of a justified gallery and of a grid: every row spans the content width (no hole at its
# end), and a gallery row's photos share one height.
ROWS = """(selector) => {
  const found = [];
  for (const list of document.querySelectorAll(selector)) {
    const box = list.getBoundingClientRect();
    const pad = parseFloat(getComputedStyle(list).paddingLeft);
    const rows = new Map();
    for (const item of list.children) {
      const r = item.getBoundingClientRect();
      const key = Math.round(r.top);
      if (!rows.has(key)) rows.set(key, []);
      const img = item.querySelector("img");
      rows.get(key).push({left: r.left, right: r.right, height: img ? img.getBoundingClientRect().height : r.height});
    }
    for (const items of rows.values()) {
      found.push({
        count: items.length,
        leftGap: Math.min(...items.map(i => i.left)) - (box.left + pad),
        rightGap: box.right - pad - Math.max(...items.map(i => i.right)),
        heights: items.map(i => Math.round(i.height)),
      });
    }
  }
  return found;
}"""

SHIFT_OBSERVER = """
  window.__shift = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
    .observe({type: "layout-shift", buffered: true});
"""


FIRST_SCREENS_LOADED = """() => Array.from(document.images)
  .filter(i => i.getClientRects().length && i.getBoundingClientRect().top + scrollY < 2 * innerHeight)
  .every(i => i.complete && i.naturalWidth)"""


def _open(page, url: str, *, scroll_to_end: bool = False) -> None:
    """Load a page and, as a visitor scrolling would, its lazy photos (the first two screens, or
    all of them). Waits by polling from here: without JavaScript the page runs no timers."""
    page.goto(url, wait_until="load")
    height = page.evaluate("document.documentElement.scrollHeight") if scroll_to_end else 0
    stops = [*range(0, max(height, 2 * 900), 400), 0]
    for y in stops:
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    deadline = time.monotonic() + 30
    while not page.evaluate(FIRST_SCREENS_LOADED):
        assert time.monotonic() < deadline, f"photos still loading on {url}"
        page.wait_for_timeout(100)


def _shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SGOODIE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_photo_is_as_sharp_as_the_screen_at_four_viewports(browser, site):
    pages = ["/", "/work/interiors", f"/projects/{site['mixed']}", "/about", "/personal-branding"]
    failures, measured = [], 0
    for name, options in VIEWPORTS.items():
        context = browser.new_context(**options)
        page = context.new_page()
        for path in pages:
            _open(page, site["url"] + path)
            for row in page.evaluate(MEASURE):
                measured += 1
                if row["chosen"] < 0.9 * row["needed"] and row["chosen"] != row["largest"]:
                    failures.append((name, path, row))
        context.close()
    assert measured > 60  # every page has photos on its first two screens, at every size
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_galleries_and_grids_have_no_holes_and_never_shift(browser, site, viewport, tmp_path):
    folder = _shots_folder(tmp_path)
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript, **VIEWPORTS[viewport])
        page = context.new_page()
        page.add_init_script(SHIFT_OBSERVER)
        for path, selectors in (
            ("/", ".cards, .tiles"),
            (f"/projects/{site['mixed']}", ".justified"),
            ("/personal-branding", ".justified"),
            ("/work/interiors", ".cards"),
        ):
            _open(page, site["url"] + path, scroll_to_end=True)
            rows = page.evaluate(ROWS, selectors)
            assert rows, path
            for row in rows:
                # Each row runs from the left edge of the content to its right edge...
                assert abs(row["leftGap"]) <= 1.5 and abs(row["rightGap"]) <= 1.5, (path, viewport, row)
                # ...and in a gallery its photos stand one height.
                if ".justified" in selectors:
                    assert max(row["heights"]) - min(row["heights"]) <= 2, (path, viewport, row)
            if javascript:
                assert page.evaluate("window.__shift") < 0.01, (path, viewport)
                name = path.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(folder / f"{name}-{viewport}.png"), full_page=True)
        context.close()


def test_the_hero_is_cropped_on_its_focal_point(browser, site):
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    _open(page, site["url"] + "/")
    position = page.evaluate("getComputedStyle(document.querySelector('.hero__photo img')).objectPosition")
    assert position == f"{HERO_FOCAL[0]:.0%} {HERO_FOCAL[1]:.0%}"
    context.close()


def test_previous_and_next_lead_round_the_category(browser, site):
    context = browser.new_context(**VIEWPORTS["desktop"])
    page = context.new_page()
    page.goto(f"{site['url']}/projects/{site['mixed']}")
    page.click("a[rel=next]")
    assert page.url.endswith("/projects/garden-villa")
    page.click("a[rel=prev]")
    assert page.url.endswith(f"/projects/{site['mixed']}")
    page.click("a[rel=prev]")  # from the first round to the last
    assert page.url.endswith("/projects/hill-house")
    context.close()
