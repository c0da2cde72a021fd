"""Sets and "Download my favourites" in Chromium, on a phone (390 × 844 at 3×) and a desktop
(1440): the client moves between the gallery's sets (a hidden one nowhere), the viewer goes
through the set shown ("1 / 2"), and the favourites come down as a ZIP whose entries are the
gallery's clean files at its download size; the same without JavaScript. Screenshots go to
$SGOODIE_SCREENSHOTS when it is set."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace

import pytest

from sgoodie import content, create_app
from sgoodie.accounts import hash_password
from sgoodie.domain import Project
from sgoodie.plugin_api import photo_file
from sgoodie.services import services
from tests.accessibility import csp_violations
from tests.plugins.test_proofing_viewer_browser import PASSWORD, add_private_photos, start_choosing
from tests.public.test_layout_browser import LANDSCAPE, PORTRAIT, _shots_folder
from tests.public.test_viewer_browser import SCREENS, WAIT, open_page, wait_for_photo

pytestmark = pytest.mark.browser

ZIP_WAIT = 120_000  # ms: the ZIP is built by the job thread of a loaded machine


@pytest.fixture(scope="module")
def gallery(tmp_path_factory, live_server_factory):
    """Six photos: Ceremony (0, 1), Portraits (2, 3), Outtakes hidden (4), and one in no set (5);
    single downloads at 1280 px."""
    from sgoodie.plugins.proofing import records

    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path_factory.mktemp("sets")), "SECRET_KEY": "t"}
    )
    with app.test_request_context():
        services().store.init_schema()
        project = content.projects.create(
            Project(
                title="Quinta Wedding",
                category="interiors",
                visibility="client",
                gallery_password_hash=hash_password(PASSWORD),
            )
        )
        add_private_photos(
            project, [LANDSCAPE, PORTRAIT, LANDSCAPE, PORTRAIT, LANDSCAPE, LANDSCAPE], shade=29
        )
        current = services().store.get_project(project.id)
        project = content.projects.save(replace(current, published=True), current)
        records.save_gallery_settings(project.id, records.GallerySettings(downloads="single", size="1280"))
        photos = services().store.photos_for_project(project.id)
        sets = records.GallerySets()
        ceremony, portraits, outtakes = (
            sets.add(name)["id"] for name in ("Ceremony", "Portraits", "Outtakes")
        )
        sets.assign([photos[0].id, photos[1].id], ceremony)
        sets.assign([photos[2].id, photos[3].id], portraits)
        sets.assign([photos[4].id], outtakes)
        sets.set_hidden(outtakes, True)
        records.save_sets(project.id, sets)
    server = live_server_factory(app)
    yield {"app": app, "project": project, "photos": photos, "url": f"{server.url}/projects/{project.slug}"}
    server.stop()


def set_links(page) -> list[str]:
    return [" ".join(text.split()) for text in page.locator("nav.proofing-sets a").all_inner_texts()]


def shown(page) -> list[str]:
    return [
        i.removeprefix("photo-")
        for i in page.locator(".proof-grid__item").evaluate_all("e => e.map(x => x.id)")
    ]


def clean_files(gallery, photos) -> dict[str, bytes]:
    """What the gallery's downloads give for these photos: the clean 1280 px JPEGs."""
    with gallery["app"].test_request_context():
        found = [photo_file(photo, 1280) for photo in photos]
        return {item.filename: item.open().read() for item in found}


def download_favourites(page) -> bytes:
    """From the ZIP's progress page (it reloads itself until ready) to the archive's bytes."""
    page.locator("h1", has_text="Your download is ready").wait_for(timeout=ZIP_WAIT)
    with page.expect_download(timeout=WAIT) as download:
        page.click("a:has-text('Download the ZIP')")
    return download.value.path().read_bytes()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_client_moves_between_sets_and_downloads_their_favourites(browser, gallery, screen, tmp_path):
    photos, shots = gallery["photos"], _shots_folder(tmp_path)
    context, page, errors = open_page(browser, screen)
    start_choosing(page, gallery, f"Inês on a {screen}")
    assert set_links(page) == ["All 5", "Ceremony 2", "Portraits 2", "Other 1"]  # Outtakes hidden
    assert shown(page) == [p.id for p in photos if p.id != photos[4].id]
    page.locator("nav.proofing-sets").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"h26-sets-nav-{screen}.png"))

    page.click("nav.proofing-sets a:has-text('Portraits')")
    page.wait_for_url(re.compile(r"\?set=[0-9a-f]+#sets$"), timeout=WAIT)
    assert shown(page) == [photos[2].id, photos[3].id]
    assert page.locator("nav.proofing-sets a[aria-current=page]").inner_text().startswith("Portraits")
    page.screenshot(path=str(shots / f"h26-sets-portraits-{screen}.png"))

    # The viewer goes through the set shown, not the gallery.
    page.locator(f"#photo-{photos[2].id} figure a").click()
    wait_for_photo(page, photos[2])
    assert page.locator(".pswp__counter").inner_text().replace(" ", "") == "1/2"
    page.wait_for_function(
        "() => document.querySelector('.pswp').contains(document.activeElement)", timeout=WAIT
    )
    page.keyboard.press("ArrowRight")
    wait_for_photo(page, photos[3])
    assert page.locator(".pswp__counter").inner_text().replace(" ", "") == "2/2"
    page.keyboard.press("ArrowRight")  # round to the set's first photo, not the gallery's next
    wait_for_photo(page, photos[2])
    page.keyboard.press("ArrowLeft")
    wait_for_photo(page, photos[3])
    controls = page.locator(".pswp .viewer__extra [data-proofing-photo]")
    controls.locator("button:has-text('Favourites')").click()
    controls.locator(".proofing-saved").filter(has_text="Saved.").wait_for(timeout=WAIT)
    page.screenshot(path=str(shots / f"h26-sets-viewer-{screen}.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector(".pswp", state="detached", timeout=WAIT)

    page.click("nav.proofing-sets a:has-text('Ceremony')")
    page.wait_for_function("() => document.querySelectorAll('.proof-grid__item').length === 2", timeout=WAIT)
    first = page.locator(f"#photo-{photos[0].id} [data-proofing-photo]")
    first.locator("button:has-text('Favourites')").click()
    first.locator(".proofing-saved").filter(has_text="Saved.").wait_for(state="attached", timeout=WAIT)

    page.click("button:has-text('Download my favourites (ZIP)')")
    body = download_favourites(page)
    page.screenshot(path=str(shots / f"h26-sets-favourites-zip-{screen}.png"))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        expected = clean_files(gallery, [photos[0], photos[3]])
        assert archive.namelist() == list(expected)
        assert all(archive.read(name) == data for name, data in expected.items())
    assert csp_violations(page) == [] and errors == []
    context.close()


def test_without_javascript_sets_and_the_favourites_zip_work(browser, gallery, tmp_path):
    photos = gallery["photos"]
    context = browser.new_context(java_script_enabled=False, **SCREENS["phone"])
    page = context.new_page()
    start_choosing(page, gallery, "Inês without scripts")
    page.click("nav.proofing-sets a:has-text('Other')")
    assert shown(page) == [photos[5].id]
    page.locator(f"#photo-{photos[5].id} button:has-text('Favourites')").click()
    page.wait_for_load_state()
    assert "?set=other#photo-" in page.url and shown(page) == [photos[5].id]  # back in the set
    page.click("nav.proofing-sets a:has-text('All')")
    assert len(shown(page)) == 5
    page.click("button:has-text('Download my favourites (ZIP)')")
    body = download_favourites(page)
    page.screenshot(path=str(_shots_folder(tmp_path) / "h26-sets-favourites-zip-no-js.png"))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        expected = clean_files(gallery, [photos[5]])
        assert archive.namelist() == list(expected)
        assert all(archive.read(name) == data for name, data in expected.items())
    context.close()
