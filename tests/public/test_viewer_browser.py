"""The full-screen photo viewer on a project page (static/viewer.js over the vendored PhotoSwipe),
in Chromium on a phone (390 × 844 at 3×) and a desktop (1440): open a photo, keys, a swipe and
the buttons, each photo's address, Back, a shared link, the neighbours preloaded at the width the
screen needs, the slideshow, focus, axe-core on the open viewer, nothing refused by the page's
Content Security Policy; without JavaScript a photo's address still scrolls to it. One live
server for the module; screenshots go to $SGOODIE_SCREENSHOTS when it is set."""

from __future__ import annotations

import pytest

from sgoodie import create_app
from sgoodie.photos import edits as photo_edits
from sgoodie.services import services
from tests.accessibility import axe_violations, csp_violations, watch_csp
from tests.public.test_layout_browser import LANDSCAPE, PORTRAIT, _project, _shots_folder

pytestmark = pytest.mark.browser

SCREENS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "has_touch": True,
        "is_mobile": True,
    },
    "desktop": {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
}
SIZES = [LANDSCAPE, PORTRAIT, LANDSCAPE, LANDSCAPE, PORTRAIT]
WAIT = 20000  # ms: the machine may be loaded


@pytest.fixture(scope="module")
def site(tmp_path_factory, live_server_factory):
    """A published project of five photos (every width the pipeline makes, WebP and JPEG), the
    second with a caption."""
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("viewer")), "SECRET_KEY": "t"}
    )
    with app.test_request_context():
        services().store.init_schema()
        project = _project("Harbour Loft", "interiors", SIZES)
        photos = services().store.photos_for_project(project.id)
        photo_edits.update_text(photos[1], photos[1].alt_text, "The stair in morning light")
        photos = services().store.photos_for_project(project.id)
    server = live_server_factory(app)
    yield {"url": f"{server.url}/projects/{project.slug}", "photos": photos}
    server.stop()


def open_page(browser, screen: str):
    context = browser.new_context(**SCREENS[screen])
    watch_csp(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def wait_for_photo(page, photo) -> None:
    page.wait_for_function(
        "id => location.hash === '#photo-' + id && document.querySelector('.pswp')",
        arg=photo.id,
        timeout=WAIT,
    )


def swipe_left(page, screen: str) -> None:
    """A finger (the phone: touch events through the DevTools protocol) or a mouse drag."""
    width, height = SCREENS[screen]["viewport"]["width"], SCREENS[screen]["viewport"]["height"]
    y = height // 2
    if screen == "phone":
        cdp = page.context.new_cdp_session(page)
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": width - 60, "y": y}]}
        )
        for step in range(1, 9):
            x = width - 60 - step * (width - 120) / 8
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        cdp.detach()
    else:
        page.mouse.move(width * 0.7, y)
        page.mouse.down()
        page.mouse.move(width * 0.3, y, steps=8)
        page.mouse.up()


# The file a slide's <img> chose, against the width PhotoSwipe draws it at (its `sizes`) times
# the screen's pixel ratio; and the widths its srcset offered.
SLIDE_FILE = """alt => {
  const img = [...document.querySelectorAll('.pswp img.pswp__img')].find(i => i.alt === alt && i.currentSrc);
  if (!img || !img.complete) return null;
  const widths = img.srcset.split(/,\\s+/).map(c => parseInt(c.trim().split(/\\s+/)[1]));
  return {chosen: parseInt(img.currentSrc.match(/\\/(\\d+)\\.\\w+$/)[1]), drawn: parseInt(img.sizes),
          ratio: devicePixelRatio, widths, type: img.currentSrc.split('.').pop()};
}"""


def assert_sharp_and_not_wasteful(page, photo) -> None:
    page.wait_for_function(SLIDE_FILE, arg=photo.alt_text, timeout=WAIT)
    slide = page.evaluate(SLIDE_FILE, photo.alt_text)
    needed = slide["drawn"] * slide["ratio"]
    widths = sorted(slide["widths"])
    assert widths == sorted({v.width for v in photo.variants}), slide  # every rendered width offered
    assert slide["type"] == "webp", slide  # the format the thumbnails use, not the JPEG fallback
    enough = next((w for w in widths if w >= needed), widths[-1])
    below = max((w for w in widths if w < enough), default=enough)
    # The smallest file that fills the screen, or (Chromium's rule) the one below it when the
    # ratio is nearer to it; never a larger one.
    assert slide["chosen"] in (enough, below) and slide["chosen"] * 1.5 >= needed, slide


@pytest.mark.parametrize("screen", SCREENS)
def test_the_viewer_opens_moves_and_closes_like_a_page_of_its_own(browser, site, screen, tmp_path):
    photos = site["photos"]
    context, page, errors = open_page(browser, screen)
    page.goto(site["url"])
    entries = page.evaluate("history.length")
    page.locator(f"#photo-{photos[0].id} a").click()
    wait_for_photo(page, photos[0])
    viewer = page.locator(".pswp")
    assert viewer.get_attribute("role") == "dialog" and viewer.get_attribute("aria-label") == "Photo viewer"
    assert page.locator(".pswp__counter").inner_text() == "1 / 5"
    assert page.locator(".pswp [aria-live=polite]").inner_text() == "Photo 1 of 5"
    page.wait_for_function(
        "() => document.querySelector('.pswp').contains(document.activeElement)", timeout=WAIT
    )
    for _ in range(12):  # round every control and back: focus never leaves the viewer
        page.keyboard.press("Tab")
        assert page.evaluate("document.querySelector('.pswp').contains(document.activeElement)")
    # The open photo and the next, preloaded, at the width this screen needs.
    assert_sharp_and_not_wasteful(page, photos[0])
    assert_sharp_and_not_wasteful(page, photos[1])

    page.keyboard.press("ArrowRight")
    wait_for_photo(page, photos[1])
    assert page.locator(".pswp__counter").inner_text() == "2 / 5"
    assert page.locator(".viewer__caption").inner_text() == "The stair in morning light"
    assert page.locator(".pswp [aria-live=polite]").inner_text() == "Photo 2 of 5: The stair in morning light"
    page.keyboard.press("ArrowLeft")
    wait_for_photo(page, photos[0])
    swipe_left(page, screen)
    wait_for_photo(page, photos[1])
    page.locator(".pswp__button--arrow--next").click()
    wait_for_photo(page, photos[2])
    page.screenshot(path=str(_shots_folder(tmp_path) / f"viewer-{screen}.png"))
    assert page.evaluate("history.length") == entries + 1  # one entry for the viewer, however far it went

    # Back closes it: the page, the photo shown last in view and focused.
    page.go_back()
    page.wait_for_selector(".pswp", state="detached", timeout=WAIT)
    assert page.url == site["url"]
    assert page.evaluate(
        "document.activeElement.closest('li') && document.activeElement.closest('li').id"
    ) == (f"photo-{photos[2].id}")

    # A shared link opens its photo; Back closes the viewer and stays on the project.
    page.goto(f"{site['url']}#photo-{photos[3].id}")
    wait_for_photo(page, photos[3])
    assert page.locator(".pswp__counter").inner_text() == "4 / 5"
    page.go_back()
    page.wait_for_selector(".pswp", state="detached", timeout=WAIT)
    assert page.url == site["url"]

    # Escape closes it too, and takes its history entry with it.
    page.locator(f"#photo-{photos[4].id} a").click()
    wait_for_photo(page, photos[4])
    page.wait_for_function("() => document.activeElement === document.querySelector('.pswp')", timeout=WAIT)
    assert not axe_violations(page, ".pswp")  # open, its opening animation over
    page.keyboard.press("Escape")
    page.wait_for_selector(".pswp", state="detached", timeout=WAIT)
    page.wait_for_function("() => location.hash === ''", timeout=WAIT)

    # The slideshow: 3 s a photo, on its own until paused; full screen where the browser allows.
    page.locator(f"#photo-{photos[0].id} a").click()
    wait_for_photo(page, photos[0])
    page.select_option("#viewer-speed", "3")
    play = page.locator(".pswp__button--slideshow")
    play.click()
    assert (
        play.get_attribute("aria-pressed") == "true" and play.get_attribute("aria-label") == "Pause slideshow"
    )
    wait_for_photo(page, photos[1])
    wait_for_photo(page, photos[2])
    page.screenshot(path=str(_shots_folder(tmp_path) / f"slideshow-{screen}.png"))
    play.click()
    assert play.get_attribute("aria-label") == "Play slideshow"
    fullscreen = page.locator(".pswp__button--fullscreen")
    if fullscreen.count():
        fullscreen.click()
        page.wait_for_function(
            "() => document.fullscreenElement === document.querySelector('.pswp')", timeout=WAIT
        )
        page.wait_for_selector(".pswp__button--fullscreen[aria-pressed=true][aria-label='Leave full screen']")
        page.locator(".pswp__button--close").click()
        page.wait_for_function(
            "() => !document.fullscreenElement && !document.querySelector('.pswp')", timeout=WAIT
        )
    assert csp_violations(page) == [] and errors == []
    context.close()


def test_without_javascript_a_photo_address_scrolls_to_the_photo(browser, site):
    photos = site["photos"]
    context = browser.new_context(java_script_enabled=False, **SCREENS["phone"])
    page = context.new_page()
    page.goto(f"{site['url']}#photo-{photos[4].id}")
    box = page.locator(f"#photo-{photos[4].id}").bounding_box()
    assert page.evaluate("scrollY") > 0 and 0 <= box["y"] < 844
    href = page.locator(f"#photo-{photos[4].id} a").get_attribute("href")
    assert page.request.get(href if href.startswith("http") else site["url"].split("/projects")[0] + href).ok
    context.close()
