"""A client gallery in Chromium, on a phone (390 × 844 at 3×) and a desktop (1440): the viewer
carries the photo's hearts (one per list), its note and its download; a heart, a list change or a
note is saved in the background (no navigation of the page), the counts per list follow, and a
failed save says so, keeps the choice on screen and saves it on Retry; axe-core finds nothing
wrong in the viewer with its controls. Without JavaScript the same gallery works with its plain
forms. One live server for the module; screenshots go to $SGOODIE_SCREENSHOTS when it is set."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image as PILImage

from sgoodie import content, create_app
from sgoodie.accounts import hash_password
from sgoodie.domain import Photo, Project
from sgoodie.services import services
from tests.accessibility import axe_violations, csp_violations
from tests.public.test_layout_browser import LANDSCAPE, PORTRAIT, _photo_bytes, _shots_folder, _variants
from tests.public.test_viewer_browser import SCREENS, WAIT, open_page, wait_for_photo

pytestmark = pytest.mark.browser

PASSWORD = "olive-tree-42"
LISTS = ["Favourites", "Print"]


@pytest.fixture(scope="module")
def gallery(tmp_path_factory, live_server_factory):
    """A client gallery of four photos (private files at every width), lists Favourites and
    Print, single downloads at 1280 px."""
    from sgoodie.plugins.proofing import records

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("proofing")), "SECRET_KEY": "t"}
    )
    with app.test_request_context():
        services().store.init_schema()
        project = content.projects.create(
            Project(
                title="Lisbon Loft Proofs",
                category="interiors",
                visibility="client",
                gallery_password_hash=hash_password(PASSWORD),
            )
        )
        add_private_photos(project, [LANDSCAPE, PORTRAIT, LANDSCAPE, LANDSCAPE])
        current = services().store.get_project(project.id)
        project = content.projects.save(replace(current, published=True), current)
        records.save_gallery_settings(
            project.id, records.GallerySettings(lists=LISTS, downloads="single", size="1280")
        )
        photos = services().store.photos_for_project(project.id)
    server = live_server_factory(app)
    yield {"app": app, "project": project, "photos": photos, "url": f"{server.url}/projects/{project.slug}"}
    server.stop()


def add_private_photos(project: Project, sizes: list[tuple[int, int]], shade: int = 23) -> None:
    """Ready photos of a client gallery, IMG_0000.jpg on, with private files at every width."""
    for index, size in enumerate(sizes):
        photo = Photo(project_id=project.id, status="ready", filename=f"IMG_{index:04d}.jpg")
        image = PILImage.open(io.BytesIO(_photo_bytes(size, index * shade)))
        photo.width, photo.height, photo.dominant_color = size[0], size[1], "#8a7f74"
        photo.variants = _variants(project.id, photo.id, image, private=True)
        services().store.add_photo(photo)


def start_choosing(page, gallery, name: str) -> None:
    page.goto(gallery["url"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Open the gallery')")
    page.fill("#proofing-name", name)
    page.fill("#proofing-email", "client@example.com")
    page.click("button:has-text('Start choosing')")
    page.wait_for_selector("[data-proofing-photo]")


def marks_of(gallery, name: str) -> dict[str, dict]:
    """What the server keeps of the client's choices (photo id → lists and note)."""
    from sgoodie.plugins.proofing import records

    with gallery["app"].test_request_context():
        client = next(c for c in records.gallery_clients(gallery["project"].id) if c["name"] == name)
        return records.client_marks(gallery["project"].id, client["id"])


def count(page, name: str) -> str:
    return page.locator(f"[data-list-count='{name}']").inner_text()


def wait_saved(controls) -> None:
    controls.locator(".proofing-saved").filter(has_text="Saved.").wait_for(timeout=WAIT)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_client_chooses_in_the_grid_and_the_viewer_without_a_reload(browser, gallery, screen, tmp_path):
    photos, name = gallery["photos"], f"Marta on a {screen}"
    context, page, errors = open_page(browser, screen)
    start_choosing(page, gallery, name)
    # No navigation of the page: no `framenavigated` while choosing (the viewer's own address
    # changes are navigations within the document: they are counted apart), and the document
    # loaded once (a reload would drop the mark set on its window).
    navigations: list[str] = []
    page.on(
        "framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None
    )
    page.evaluate("window.loadedOnce = true")

    # A heart in the grid.
    first = page.locator(f"#photo-{photos[0].id} [data-proofing-photo]")
    first.locator("button:has-text('Favourites')").click()
    wait_saved(first)
    assert first.locator("button:has-text('Favourites')").get_attribute("aria-pressed") == "true"
    assert count(page, "Favourites") == "1" and count(page, "Print") == "0"
    assert navigations == []
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(_shots_folder(tmp_path) / f"gallery-grid-heart-{screen}.png"))

    # The viewer carries the photo's controls: another list, the heart, a note, the download.
    page.locator(f"#photo-{photos[1].id} figure a").click()
    wait_for_photo(page, photos[1])
    opened = len(navigations)  # the viewer's entry for the photo's address
    controls = page.locator(".pswp .viewer__extra [data-proofing-photo]")
    assert controls.locator("button").filter(has_text="Print").count() == 1
    assert controls.locator("button:has-text('Download')").count() == 1
    controls.locator("button:has-text('Print')").click()
    wait_saved(controls)
    assert count(page, "Print") == "1"
    controls.locator("button:has-text('Favourites')").click()
    controls.locator(".proofing-saved").filter(has_text="Saved. Favourites: 2 · Print: 1").wait_for(
        timeout=WAIT
    )
    assert count(page, "Favourites") == "2"
    controls.locator("a:has-text('Add a note')").click()
    controls.locator("textarea[name=note]").fill("Warmer, please")
    controls.locator("button:has-text('Save the note')").click()
    controls.locator("[data-proofing-note-text]").filter(has_text="Warmer, please").wait_for(timeout=WAIT)
    controls.locator("textarea[name=note]").wait_for(state="hidden", timeout=WAIT)
    assert controls.locator("a:has-text('Edit note')").count() == 1
    assert len(navigations) == opened
    page.screenshot(path=str(_shots_folder(tmp_path) / f"gallery-viewer-saved-{screen}.png"))

    # The next photo brings its own controls; the last ones go back under their photo.
    page.keyboard.press("ArrowRight")
    wait_for_photo(page, photos[2])
    assert page.locator(f"#photo-{photos[1].id} [data-proofing-photo]").count() == 1
    assert controls.locator("button:has-text('Favourites')").get_attribute("aria-pressed") == "false"

    # A save that fails says so and keeps the choice; Retry saves it.
    refused = f"**/gallery/*/photos/{photos[2].id}/mark"
    page.route(refused, lambda route: route.abort())
    controls.locator("button:has-text('Favourites')").click()
    error = controls.locator(".proofing-error[role=alert]")
    error.wait_for(timeout=WAIT)
    assert error.inner_text().startswith("Not saved: the site could not be reached.")
    assert controls.locator("button:has-text('Favourites')").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(_shots_folder(tmp_path) / f"gallery-viewer-failed-{screen}.png"))
    page.unroute(refused)
    error.locator("button:has-text('Retry')").click()
    wait_saved(controls)
    assert error.count() == 0 and count(page, "Favourites") == "3"
    assert not axe_violations(page, ".pswp")

    marks = marks_of(gallery, name)
    assert {photo_id: mark["lists"] for photo_id, mark in marks.items()} == {
        photos[0].id: ["Favourites"],
        photos[1].id: ["Print", "Favourites"],
        photos[2].id: ["Favourites"],
    }
    assert marks[photos[1].id]["note"] == "Warmer, please"
    assert all(url.startswith(gallery["url"] + "#photo-") for url in navigations)  # only the viewer's
    assert page.evaluate("window.loadedOnce") is True

    # The download button of the photo shown: the gallery's size (1280 px), as the grid's gives.
    with page.expect_download() as download:
        controls.locator("button:has-text('Download')").click()
    jpeg = next(v for v in photos[2].variants if v.width == 1280 and v.format == "jpeg")
    with gallery["app"].app_context():
        assert download.value.path().read_bytes() == services().blobs.get(jpeg.key)

    page.go_back()
    page.wait_for_selector(".pswp", state="detached", timeout=WAIT)
    assert page.locator(f"#photo-{photos[2].id} button[aria-pressed=true]").count() == 1

    # Two hearts in quick succession: saved one after the other, so the count is both of them.
    for photo in (photos[0], photos[3]):
        page.locator(f"#photo-{photo.id} button:has-text('Print')").click()
    for photo, printed in ((photos[0], "Print: 2"), (photos[3], "Print: 3")):  # each answer in turn
        page.locator(f"#photo-{photo.id} .proofing-saved").filter(has_text=printed).wait_for(
            state="attached", timeout=WAIT
        )
    assert count(page, "Print") == "3"
    assert [
        mark["lists"] for photo_id, mark in marks_of(gallery, name).items() if photo_id == photos[3].id
    ] == [["Print"]]
    assert csp_violations(page) == [] and errors == []
    context.close()


def test_without_javascript_the_gallery_works_with_its_forms(browser, gallery):
    photos = gallery["photos"]
    context = browser.new_context(java_script_enabled=False, **SCREENS["phone"])
    page = context.new_page()
    start_choosing(page, gallery, "Marta without scripts")
    page.locator(f"#photo-{photos[3].id} button:has-text('Print')").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#photo-{photos[3].id}")  # the form's answer: back to the photo
    assert (
        page.locator(f"#photo-{photos[3].id} button:has-text('Print')").get_attribute("aria-pressed")
        == "true"
    )
    assert count(page, "Print") == "1" and page.locator(".pswp").count() == 0
    page.locator(f"#photo-{photos[3].id} a:has-text('Add a note')").click()
    page.fill("textarea[name=note]", "Crop the lamp")
    page.click("button:has-text('Save the note')")
    assert "Crop the lamp" in page.locator(f"#photo-{photos[3].id}").inner_text()
    mark = marks_of(gallery, "Marta without scripts")[photos[3].id]
    assert mark["lists"] == ["Print"] and mark["note"] == "Crop the lamp"
    context.close()
