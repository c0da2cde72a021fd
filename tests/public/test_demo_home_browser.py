"""The demo's home page in a real Chromium, as a newcomer sees it after `scripts/demo`: every photo,
from the hero to the last tile, is drawn from a file at least 0.9x as wide as it is drawn (device
pixels), on a 3x phone and a desktop. Screenshots go to $SGOODIE_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1200)]  # the session seeds the demo first

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True},
    "desktop": {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
}

# Each shown image scrolled into view (lazy ones load then), and once loaded: the file's own width
# (its currentSrc opened on its own: an <img>'s naturalWidth is divided by the srcset density)
# against the width it is drawn at (object-fit: cover draws it wider than its box when it is wider
# than the box) in device pixels.
MEASURE = """async () => {
  const rows = [];
  for (const img of Array.from(document.images).filter(i => i.getClientRects().length)) {
    img.scrollIntoView({block: "center"});
    const deadline = Date.now() + 30000;
    while (!(img.complete && img.naturalWidth) && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    const file = new Image();
    file.src = img.currentSrc;
    await file.decode();
    const rect = img.getBoundingClientRect();
    const aspect = file.naturalWidth / file.naturalHeight;
    const drawn = getComputedStyle(img).objectFit === "cover" ? Math.max(rect.width, rect.height * aspect) : rect.width;
    rows.push({src: img.currentSrc.split("/").slice(-2).join("/"), file: file.naturalWidth,
               drawn: Math.round(drawn * devicePixelRatio), top: Math.round(rect.top + scrollY)});
  }
  scrollTo(0, 0);
  return rows;
}"""


@pytest.fixture(scope="module")
def demo_site(seeded_demo, tmp_path_factory):
    server = LiveServer(seeded_demo.copy(tmp_path_factory.mktemp("demo-home")))
    yield server.url
    server.stop()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_photo_on_the_demo_home_is_drawn_from_a_file_as_wide_as_the_screen_draws_it(
    browser, demo_site, screen
):
    context = browser.new_context(reduced_motion="reduce", **SCREENS[screen])  # site.css: no smooth scrolling
    page = context.new_page()
    page.goto(demo_site + "/", wait_until="load")
    rows = page.evaluate(MEASURE)
    assert len(rows) >= 9  # the hero, five featured projects, the work tiles
    hero = rows[0]
    if screen == "phone":  # the hero's 9:16 cut, not the landscape
        assert "/phone-" in hero["src"] and hero["file"] >= 1280, hero
    soft = [row for row in rows if row["file"] < 0.9 * row["drawn"]]
    assert soft == [], soft
    folder = os.environ.get("SGOODIE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/demo-home-{screen}.png")
    context.close()
