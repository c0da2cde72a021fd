"""Client galleries in Chromium, as the photographer and as the client: create and share a
gallery, the client's wrong and right password, favourites and a note without an account, a
whole-gallery ZIP whose files are the originals, the selection in the admin and its file names,
expiry, extension and a password reset; wrong passwords rate-limited."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from sgoodie.services import services
from tests.conftest import jpeg_bytes

PASSWORD = "olive-tree-42"
PHOTOS = {"living-room.jpg": (40, 80, 120), "kitchen.jpg": (200, 120, 60), "terrace.jpg": (90, 160, 90)}


def client_page(browser, viewport=(390, 844)):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def enter_password(page, password: str) -> None:
    page.fill("input[name=password]", password)
    page.click("button:has-text('Open the gallery')")
    page.wait_for_load_state()


def test_a_photographer_shares_a_gallery_and_a_client_chooses_and_downloads(
    app, admin_page, live_server, browser, tmp_path
):
    # The photographer creates the gallery: visibility, password, published; then the photos.
    admin_page.goto(live_server.url + "/admin/projects/new")
    admin_page.fill("input[name=title]", "Lisbon Loft Proofs")
    admin_page.select_option("select[name=category]", "interiors")
    admin_page.check("input[name=published]")
    admin_page.select_option("select[name=visibility]", "client")
    admin_page.fill("input[name=gallery_password]", PASSWORD)
    admin_page.click("form.layout-form button:has-text('Create project')")
    admin_page.wait_for_selector(".flash")
    with app.app_context():
        project = services().store.project_by_slug("lisbon-loft-proofs")
    assert project.is_private and project.published
    originals = {name: jpeg_bytes(color=color) for name, color in PHOTOS.items()}
    admin_page.set_input_files(
        "[data-file-input]",
        [{"name": name, "mimeType": "image/jpeg", "buffer": data} for name, data in originals.items()],
    )
    admin_page.wait_for_function(
        "() => document.querySelectorAll('.upload-item[data-state=ready]').length === 3", timeout=90000
    )

    # Share: the link on the project page; downloads of the whole gallery turned on.
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}")
    link = admin_page.input_value("input.share-link")
    assert link == f"{live_server.url}/projects/lisbon-loft-proofs"
    admin_page.click("a:has-text('Selections and downloads')")
    admin_page.fill("textarea[name=lists]", "Favourites\nPrint")
    admin_page.select_option("select[name=downloads]", "all")
    admin_page.click("button:has-text('Save')")
    admin_page.wait_for_selector(".flash")

    # The client, on a phone: a wrong password is refused, the right one opens the gallery.
    context, page, errors = client_page(browser)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Lisbon Loft Proofs"
    assert page.locator("img").count() == 0
    enter_password(page, "wrong guess")
    assert "That password is not right" in page.locator("[role=alert]").inner_text()
    enter_password(page, PASSWORD)
    assert page.locator(".proof-grid__item").count() == 3

    # Name and e-mail once, then favourites and a note, with plain forms.
    page.fill("#proofing-name", "Marta Silva")
    page.fill("#proofing-email", "marta@example.com")
    page.click("button:has-text('Start choosing')")
    first = page.locator(".proof-grid__item").nth(0)
    first.locator("button[aria-pressed=false]:has-text('Favourites')").click()
    page.wait_for_load_state()
    first = page.locator(".proof-grid__item").nth(0)
    assert first.locator("button[aria-pressed=true]").inner_text().strip().endswith("Favourites")
    page.locator(".proof-grid__item").nth(2).locator("button:has-text('Print')").press("Enter")  # keyboard
    page.wait_for_load_state()
    page.locator(".proof-grid__item").nth(1).locator("a:has-text('Add a note')").click()
    page.fill("textarea[name=note]", "Could this one be a little warmer?")
    page.click("button:has-text('Save the note')")
    assert "Could this one be a little warmer?" in page.locator(".proof-grid__item").nth(1).inner_text()
    assert "Favourites: 1" in page.locator(".proofing-bar__lists").inner_text()
    page.click("a:has-text('Review and send your selection')")
    page.click("button:has-text('Send my selection')")
    assert "was sent to" in page.locator(".proofing-sent").inner_text()

    # The whole gallery as a ZIP: progress, then a time-limited link; the files are the originals.
    page.goto(link)
    page.click("button:has-text('Download all 3 photos (ZIP)')")
    page.wait_for_selector("text=Your download is ready", timeout=60000)
    with page.expect_download() as download:
        page.click("a:has-text('Download the ZIP')")
    saved = tmp_path / "gallery.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        assert sorted(archive.namelist()) == sorted(originals)
        for name, data in originals.items():
            assert archive.read(name) == data

    # The photographer sees the selection, and exports the file names.
    admin_page.goto(f"{live_server.url}/admin/proofing/{project.id}")
    selection = admin_page.locator(".proofing-client").inner_text()
    assert "Marta Silva" in selection and "Could this one be a little warmer?" in selection
    assert "Favourites: 1" in selection and "Print: 1" in selection
    assert admin_page.locator(".proofing-admin-thumbs img").count() == 3
    names = admin_page.request.get(f"{live_server.url}/admin/proofing/{project.id}/file-names.txt").text()
    with app.app_context():  # in the gallery's order (the uploads were registered in parallel)
        in_order = [p.filename for p in services().store.photos_for_project(project.id)]
    assert sorted(in_order) == sorted(PHOTOS) and names.split() == in_order
    assert "Whole gallery ZIP, 3 photos" in admin_page.locator("table").inner_text()

    # Expire: the client sees a polite notice; extend: the gallery is back, grant and all.
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}")
    admin_page.fill("input[name=gallery_expires_on]", (date.today() - timedelta(days=3)).isoformat())
    admin_page.click("form.layout-form button:has-text('Save')")
    admin_page.wait_for_selector(".flash")
    assert "Expired" in admin_page.locator("#client-gallery").inner_text()
    page.goto(link)
    assert page.locator("h1").inner_text() == "This gallery has expired"
    admin_page.click("button:has-text('Extend 30 days')")
    admin_page.wait_for_selector(".flash")
    assert "Open until" in admin_page.locator("#client-gallery").inner_text()
    page.goto(link)
    assert page.locator(".proof-grid__item").count() == 3

    # Reset the password: the client is asked again, and only the new one opens it.
    admin_page.click("button:has-text('Reset password')")
    flash = admin_page.locator(".flash").inner_text()
    new_password = flash.split(": ", 1)[1].split(" ", 1)[0]
    page.goto(link)
    assert page.locator("input[name=password]").count() == 1
    enter_password(page, PASSWORD)
    assert "That password is not right" in page.locator("[role=alert]").inner_text()
    enter_password(page, new_password)
    assert page.locator(".proof-grid__item").count() == 3
    assert errors == []
    context.close()


def test_wrong_passwords_are_refused_then_rate_limited_in_the_browser(app, browser, live_server, jpeg):
    from tests.test_gallery_access import make_gallery, to_client_gallery

    project, _ = make_gallery(app, jpeg, title="Quinta Proofs")
    project = to_client_gallery(app, project)
    context, page, errors = client_page(browser, viewport=(1280, 900))
    page.goto(f"{live_server.url}/projects/{project.slug}")
    for _ in range(8):
        enter_password(page, "not it")
        assert "That password is not right" in page.locator("[role=alert]").inner_text()
    enter_password(page, "lisbon-2026")  # the right one, too late
    assert "Too many attempts" in page.locator("[role=alert]").inner_text()
    assert page.locator("img").count() == 0
    assert errors == []
    context.close()
