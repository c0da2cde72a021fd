"""The admin in a real Chromium: sign in, drag to reorder, publish, upload photos and watch them."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from sgoodie.services import services

pytestmark = pytest.mark.browser


def test_drag_to_reorder_saves_the_new_order_in_one_request(app, admin_page, live_server, portfolio):
    ids = [portfolio.project(name, "travel").id for name in ("First", "Second", "Third")]
    admin_page.goto(live_server.url + "/admin/projects/?category=travel")
    requests = []
    admin_page.on(
        "request", lambda request: requests.append(request.url) if "reorder" in request.url else None
    )
    handles = admin_page.locator(".sortable .drag-handle")
    third, first = handles.nth(2).bounding_box(), handles.nth(0).bounding_box()
    x = third["x"] + third["width"] / 2
    admin_page.mouse.move(x, third["y"] + third["height"] / 2)
    admin_page.mouse.down()
    with admin_page.expect_response(lambda response: "reorder" in response.url) as saved:
        for step in range(1, 11):  # up to the top quarter of the first row
            admin_page.mouse.move(
                x, third["y"] + (first["y"] + first["height"] * 0.25 - third["y"]) * step / 10
            )
        admin_page.mouse.up()
    assert saved.value.status == 200
    assert [item.get_attribute("data-id") for item in admin_page.locator(".sortable > [data-id]").all()] == [
        ids[2],
        ids[0],
        ids[1],
    ]
    with app.app_context():
        order = [p.id for p in services().store.projects_in_category("travel")]
    assert order == [ids[2], ids[0], ids[1]]
    assert len(requests) == 1


def test_a_click_on_a_photo_sets_its_focal_point_and_the_crop_previews_follow(
    app, admin_page, live_server, portfolio
):
    project = portfolio.project("Focus", "interiors", photos=1)
    with app.app_context():
        photo = services().store.photos_for_project(project.id)[0]
        for variant in photo.variants:  # real files, so the thumbnail and previews draw
            buffer = io.BytesIO()
            Image.new("RGB", (variant.width, variant.height), (120, 140, 160)).save(
                buffer, {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}[variant.format]
            )
            services().blobs.put(variant.key, buffer.getvalue(), content_type=f"image/{variant.format}")
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    target = admin_page.locator(".photo-card [data-focal-target]").first
    box = target.bounding_box()
    with admin_page.expect_response(lambda response: "/focal" in response.url) as saved:
        admin_page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    assert saved.value.status == 200
    card = admin_page.locator(".photo-card").first
    # The answer is in; the page's script says so a moment later (Playwright waits for it).
    expect(card.locator("[data-focal-state]")).to_have_text("Saved")
    card.locator("summary").click()
    position = card.locator(".focal__preview--desktop img").evaluate(
        "img => getComputedStyle(img).objectPosition"
    )
    across, down = (float(value.rstrip("%")) for value in position.split())
    assert abs(across - 25) < 1 and abs(down - 75) < 1  # the crop preview moved with the click
    with app.app_context():
        stored = services().store.get_photo(photo.id)
    assert (round(stored.focal_x, 2), round(stored.focal_y, 2)) == (0.25, 0.75)


def test_create_fill_reorder_publish_and_find_it_on_the_category_page(app, admin_page, live_server, tmp_path):
    """The photographer's whole round trip: new project, photos uploaded, alt text, drag, publish."""
    admin_page.goto(live_server.url + "/admin/projects/new")
    admin_page.fill("input[name=title]", "Harbour Light")
    admin_page.select_option("select[name=category]", "travel")
    admin_page.fill("textarea[name=description]", "Morning on the **harbour**.")
    admin_page.click("form.layout-form button[type=submit]")
    admin_page.wait_for_selector(".flash")
    with app.app_context():
        project = services().store.project_by_slug("harbour-light")
    assert project is not None and not project.published

    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.set_input_files(
        "[data-file-input]",
        [
            {"name": f"{name}.jpg", "mimeType": "image/jpeg", "buffer": _jpeg(color)}
            for name, color in (
                ("quay", (40, 80, 120)),
                ("boats", (200, 120, 60)),
                ("gulls", (230, 230, 220)),
            )
        ],
    )
    admin_page.wait_for_function(
        "() => document.querySelectorAll('.upload-item[data-state=ready]').length === 3", timeout=60000
    )
    admin_page.reload()  # the grid below lists the new photos with their text fields
    cards = admin_page.locator(".photo-grid > [data-id]")
    assert cards.count() == 3
    for index in range(3):
        card = cards.nth(index)
        card.locator("input[name$=alt_text]").fill(f"Harbour scene {index + 1}")
        card.locator(".photo-text button[type=submit]").click()
        card.locator(".save-state", has_text="Saved").wait_for()
    before = [card.get_attribute("data-id") for card in cards.all()]

    last, first = (
        admin_page.locator(".photo-grid .drag-handle").nth(2).bounding_box(),
        cards.nth(0).bounding_box(),
    )
    start = (last["x"] + last["width"] / 2, last["y"] + last["height"] / 2)
    target = (
        first["x"] + first["width"] * 0.2,
        first["y"] + first["height"] * 0.3,
    )  # the left half of the first card
    admin_page.mouse.move(*start)
    admin_page.mouse.down()
    with admin_page.expect_response(lambda response: "reorder" in response.url) as saved:
        for step in range(1, 16):
            admin_page.mouse.move(
                start[0] + (target[0] - start[0]) * step / 15, start[1] + (target[1] - start[1]) * step / 15
            )
        admin_page.mouse.up()
    assert saved.value.status == 200
    wanted = [before[2], before[0], before[1]]
    with app.app_context():
        assert [p.id for p in services().store.photos_for_project(project.id)] == wanted

    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}")
    admin_page.check("input[name=published]")
    admin_page.click("form.layout-form button[type=submit]")
    assert "It is live" in admin_page.locator(".flash").first.text_content()

    visitor = admin_page.context.browser.new_page()
    visitor.goto(f"{live_server.url}/work/travel")
    card = visitor.locator("a[href='/projects/harbour-light']").first
    assert card.is_visible()
    card.click()
    visitor.wait_for_url("**/projects/harbour-light")
    assert "Harbour Light" in visitor.title()
    shown = visitor.eval_on_selector_all("main img[alt^='Harbour scene']", "imgs => imgs.map(i => i.alt)")
    assert shown[:3] == ["Harbour scene 3", "Harbour scene 1", "Harbour scene 2"]
    visitor.screenshot(path=str(tmp_path / "published.png"), full_page=True)
    visitor.close()


def _jpeg(color, size=(1400, 900)) -> bytes:
    """A JPEG with camera-like grain, so sizes and encode times are those of real photos."""
    grain = Image.effect_noise(size, 24).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(Image.new("RGB", size, color), grain, 0.25).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_drop_photos_and_watch_them_become_ready_or_failed(app, admin_page, live_server, portfolio, tmp_path):
    project = portfolio.project("Upload Here", "interiors", photos=0)
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    camera = (6000, 4000)  # 24 MP, as a photographer's camera delivers them (several MB each)
    files = [
        {"name": "hall.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((200, 180, 150), camera)},
        {"name": "garden.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((90, 140, 80), camera)},
        {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((10, 10, 10), camera)[:400_000]},
    ]
    assert all(len(f["buffer"]) > 3_000_000 for f in files[:2])
    admin_page.set_input_files("[data-file-input]", files)
    admin_page.wait_for_function(
        """() => {
        const items = document.querySelectorAll('.upload-item');
        return items.length === 3 && Array.from(items).every(i => ['ready', 'failed', 'error'].includes(i.dataset.state));
    }""",
        timeout=60000,
    )
    states = admin_page.eval_on_selector_all(
        ".upload-item",
        "items => items.map(i => [i.querySelector('.upload-item__name').textContent, i.dataset.state, i.querySelector('.upload-item__status').textContent])",
    )
    by_name = {name: (state, text) for name, state, text in states}
    assert by_name["hall.jpg"][0] == "ready" and by_name["garden.jpg"][0] == "ready"
    assert by_name["broken.jpg"][0] == "failed" and "incomplete" in by_name["broken.jpg"][1]
    assert admin_page.locator(".upload-item img").count() == 2  # thumbnails appeared without a reload
    assert admin_page.eval_on_selector("[data-overall-bar]", "bar => bar.value") == 100
    admin_page.screenshot(path=str(tmp_path / "uploads.png"), full_page=True)
    with app.app_context():
        statuses = sorted(p.status for p in services().store.photos_for_project(project.id))
    assert statuses == ["failed", "ready", "ready"]


def test_a_new_about_portrait_is_prepared_in_the_background_and_shown_when_ready(
    app, admin_page, live_server, tmp_path
):
    admin_page.goto(f"{live_server.url}/admin/pages/about")
    admin_page.set_input_files(
        "#portrait-upload",
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((160, 120, 90), (3000, 4000))},
    )
    admin_page.fill("#heading", "About me")
    admin_page.fill("#portrait-alt", "The photographer at work")
    admin_page.click("text=Save page")
    # The save answers at once; the page follows the job and shows the photo when it is ready.
    admin_page.wait_for_selector(".slot-preview img", timeout=60000)
    assert admin_page.locator("[data-page-photo]").count() == 0
    admin_page.screenshot(path=str(tmp_path / "about-ready.png"), full_page=True)
    admin_page.set_input_files(
        "#portrait-upload",
        {"name": "cut.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((10, 10, 10), (3000, 4000))[:50_000]},
    )
    admin_page.click("text=Save page")
    admin_page.wait_for_selector("[data-page-photo] .status--failed", timeout=60000)
    status = admin_page.text_content("[data-page-photo]")
    assert "incomplete" in status and "Retry" in status
    assert admin_page.locator(".slot-preview img").count() == 1  # the ready portrait stays
    admin_page.screenshot(path=str(tmp_path / "about-failed.png"), full_page=True)
    with admin_page.expect_navigation():
        admin_page.click("[data-page-photo] >> text=Retry")
    assert "Processing the photo again." in admin_page.text_content(".flashes")
    # The page follows the job again: the same file fails again, for the same reason.
    admin_page.wait_for_selector("[data-page-photo] .status--failed", timeout=60000)
    assert "incomplete" in admin_page.text_content("[data-page-photo]")


def test_a_new_category_with_a_published_project_shows_in_the_navigation_and_sitemap(
    app, admin_page, live_server, whole_sitemap
):
    """Categories are content: made in the admin, filled, and the public site follows."""
    admin_page.goto(live_server.url + "/admin/")
    admin_page.click("text=Categories")
    admin_page.fill("input[name=name]", "Weddings")
    admin_page.click("text=Create category")
    admin_page.wait_for_selector("#category-weddings")

    admin_page.goto(live_server.url + "/admin/projects/new?category=weddings")
    admin_page.fill("input[name=title]", "Vineyard Wedding")
    assert admin_page.locator("select[name=category]").input_value() == "weddings"
    admin_page.check("input[name=published]")
    admin_page.click("form.layout-form button[type=submit]")
    admin_page.wait_for_selector(".flash")
    with app.app_context():
        project = services().store.project_by_slug("vineyard-wedding")
    assert project is not None and project.published and project.category == "weddings"

    admin_page.goto(live_server.url + "/about")
    admin_page.click("nav.site-nav >> text=Weddings")
    admin_page.wait_for_url(live_server.url + "/work/weddings")
    assert admin_page.locator("text=Vineyard Wedding").count() >= 1
    sitemap = whole_sitemap(lambda path: admin_page.request.get(live_server.url + path).text())
    assert "/work/weddings</loc>" in sitemap and "/projects/vineyard-wedding</loc>" in sitemap


def _rows(page):
    """Each upload row: name -> (state, status text, the buttons it shows)."""
    rows = page.eval_on_selector_all(
        ".upload-item",
        """items => items.map(i => [
            i.querySelector('.upload-item__name').textContent, i.dataset.state,
            i.querySelector('.upload-item__status').textContent,
            Array.from(i.querySelectorAll('button')).filter(b => b.offsetParent !== null).map(b => b.textContent)])""",
    )
    return {name: (state, text, buttons) for name, state, text, buttons in rows}


def _settled(page, count):
    page.wait_for_function(
        f"""() => {{
        const items = document.querySelectorAll('.upload-item');
        return items.length === {count} && Array.from(items).every(i => ['ready', 'failed', 'error'].includes(i.dataset.state));
    }}""",
        timeout=60000,
    )


def test_each_upload_row_offers_what_its_state_allows_and_retry_never_duplicates(
    app, admin_page, live_server, portfolio, tmp_path
):
    project = portfolio.project("Rows", "interiors", photos=0, published=False)
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    assert admin_page.locator("[data-empty]").is_visible()
    admin_page.evaluate("() => { window.notReloaded = true; }")
    admin_page.set_input_files(
        "[data-file-input]",
        [
            {"name": "hall.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((200, 180, 150))},
            {
                "name": "cut.jpg",
                "mimeType": "image/jpeg",
                "buffer": _jpeg((10, 10, 10), (3000, 2000))[:60_000],
            },
            {
                "name": "notes.jpg",
                "mimeType": "image/jpeg",
                "buffer": b"these are my notes, not a photo " * 100,
            },
        ],
    )
    _settled(admin_page, 3)
    rows = _rows(admin_page)
    assert rows["hall.jpg"] == ("ready", "Ready", [])
    assert rows["cut.jpg"][0] == "failed" and "incomplete" in rows["cut.jpg"][1]
    assert rows["cut.jpg"][2] == ["Retry"]
    # Refused by the server (422): the reason in words, and a Retry that uploads again.
    assert rows["notes.jpg"][0] == "error" and "not an image we can read" in rows["notes.jpg"][1]
    assert rows["notes.jpg"][2] == ["Retry"]

    # The grid below shows the new photos and the banner counts the one missing alt text.
    admin_page.wait_for_function("() => document.querySelectorAll('.photo-grid > [data-id]').length === 2")
    assert not admin_page.locator("[data-empty]").is_visible()
    banner = admin_page.locator("[data-missing-alt]")
    assert banner.is_visible() and banner.text_content().startswith("1 photo still needs alt text")
    admin_page.screenshot(path=str(tmp_path / "rows.png"), full_page=True)

    with app.app_context():
        before = {p.filename: p.id for p in services().store.photos_for_project(project.id)}
    assert sorted(before) == ["cut.jpg", "hall.jpg", "notes.jpg"]
    grid = [card.get_attribute("data-id") for card in admin_page.locator(".photo-grid > [data-id]").all()]
    with app.app_context():  # the project's order, as a reload shows it (the uploads ran side by side)
        order = [p.id for p in services().store.photos_for_project(project.id) if p.filename != "notes.jpg"]
    assert grid == order

    # Retry of a failed processing: the same photo is processed again (and fails again).
    cut = admin_page.locator(".upload-item", has_text="cut.jpg")
    with admin_page.expect_response(
        lambda r: r.url.endswith(f"/photos/{before['cut.jpg']}/retry")
    ) as retried:
        cut.locator("button", has_text="Retry").click()
    assert retried.value.status == 200
    admin_page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.upload-item')).find(i => i.textContent.includes('cut.jpg')).dataset.state === 'failed'",
        timeout=60000,
    )
    # Retry of a refused upload: the refused record goes, one new upload takes its place.
    notes = admin_page.locator(".upload-item", has_text="notes.jpg")
    with admin_page.expect_response(lambda r: r.url.endswith("/complete"), timeout=30000) as completed:
        notes.locator("button", has_text="Retry").click()
    assert completed.value.status == 422 and before["notes.jpg"] not in completed.value.url
    _settled(admin_page, 3)
    assert _rows(admin_page)["notes.jpg"][2] == ["Retry"]
    with app.app_context():
        after = {p.filename: p.id for p in services().store.photos_for_project(project.id)}
    assert sorted(after) == ["cut.jpg", "hall.jpg", "notes.jpg"]  # still one record per file
    assert after["cut.jpg"] == before["cut.jpg"] and after["hall.jpg"] == before["hall.jpg"]
    assert after["notes.jpg"] != before["notes.jpg"]  # the refused record went before the new upload
    assert admin_page.locator(".photo-grid > [data-id]").count() == 2

    # Alt text saved inline: the banner goes, still without a reload.
    card = admin_page.locator(f"#photo-{before['hall.jpg']}")
    card.locator("input[name$=alt_text]").fill("A bright hall")
    card.locator(".photo-text button[type=submit]").click()
    card.locator(".save-state", has_text="Saved").wait_for()
    assert not banner.is_visible()
    assert admin_page.evaluate("() => window.notReloaded === true")
    admin_page.screenshot(path=str(tmp_path / "rows-after.png"), full_page=True)


def test_a_photo_added_to_a_published_project_goes_live_once_described(
    app, admin_page, live_server, portfolio, tmp_path
):
    project = portfolio.project("Live Now", "travel", photos=1)
    admin_page.goto(f"{live_server.url}/admin/projects/{project.id}/photos")
    admin_page.set_input_files(
        "[data-file-input]", {"name": "pier.jpg", "mimeType": "image/jpeg", "buffer": _jpeg((60, 90, 130))}
    )
    _settled(admin_page, 1)
    with app.app_context():
        pier = next(p for p in services().store.photos_for_project(project.id) if p.filename == "pier.jpg")
    card = admin_page.locator(f"#photo-{pier.id}")
    card.wait_for()
    banner = admin_page.locator("[data-missing-alt]")
    assert banner.text_content().startswith(
        "1 photo still needs alt text: visitors do not see it until it has one."
    )
    assert "visitors do not see this photo" in card.text_content()
    visitor = admin_page.context.browser.new_page()
    visitor.goto(f"{live_server.url}/projects/live-now")
    assert pier.id not in visitor.content()
    admin_page.screenshot(path=str(tmp_path / "waiting.png"), full_page=True)
    card.locator("input[name$=alt_text]").fill("The pier at dawn")
    card.locator(".photo-text button[type=submit]").click()
    card.locator(".save-state", has_text="Saved").wait_for()
    assert not banner.is_visible()
    visitor.close()
    visitor = admin_page.context.browser.new_page()  # a browser without the page in its HTTP cache
    visitor.goto(f"{live_server.url}/projects/live-now")
    assert visitor.locator("main img[alt='The pier at dawn']").count() == 1
    visitor.close()


def test_the_admin_fits_a_phone(browser, live_server, admin_user, portfolio):
    """At 390x844: nothing overflows the page sideways, the top bar takes at most two rows (the
    menu scrolls sideways, starting at the current page), and project titles stay whole words."""
    portfolio.project("Noe Valley Apartment", "interiors", location="San Francisco, California")
    portfolio.project("Studio by the Vineyard", "interiors", location="Sonoma, California", published=False)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/admin/login")
    page.fill("input[name=email]", "photographer@example.com")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    for path in (
        "/admin/",
        "/admin/projects/?category=interiors",
        "/admin/pages",
        "/admin/settings",
        "/admin/plugins",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        bar = page.locator(".topbar").bounding_box()
        link = page.locator(".topbar__nav a").first.bounding_box()
        assert bar["height"] <= 2.6 * link["height"], (path, bar, link)  # two rows at most
        current = page.locator('.topbar__nav a[aria-current="page"]')
        if current.count():
            box = current.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, path  # scrolled into view
    page.goto(live_server.url + "/admin/projects/?category=interiors")
    for title in page.locator(".row__title").all():
        box = title.bounding_box()
        line = float(title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box["height"] <= line * 1.5, title.inner_text()  # one line, not a word per line
    assert errors == []
    context.close()


def test_browsing_the_photo_picker_keeps_what_was_typed_and_saves_the_chosen_photo(
    app, admin_page, live_server, portfolio
):
    portfolio.project("Harbour Loft", "interiors", photos=2)
    kotor = portfolio.project("Bay of Kotor", "travel", photos=2)
    with app.app_context():
        wanted = services().store.photos_for_project(kotor.id)[1]
        for variant in wanted.variants:  # the page gets its own copy of the photo's files
            services().blobs.put(variant.key, b"variant bytes", content_type="image/webp")
    admin_page.goto(f"{live_server.url}/admin/pages/home")
    admin_page.fill("#headline", "Typed before browsing")
    admin_page.locator("[data-picker] .tabs a", has_text="Travel").click()
    admin_page.locator("[data-picker] .picker__projects a", has_text="Bay of Kotor").click()
    admin_page.wait_for_selector(".picker__chosen >> text=Bay of Kotor")
    admin_page.fill("#pick_q", "kotor")
    admin_page.locator("button[form=picker-search]").click()
    admin_page.wait_for_selector("[data-picker]:not([aria-busy])")
    assert admin_page.locator(".picker__projects li").all_inner_texts() == ["Bay of Kotor"]
    assert admin_page.url == f"{live_server.url}/admin/pages/home"  # swapped in place, no reload
    assert admin_page.input_value("#headline") == "Typed before browsing"
    admin_page.locator(f"label:has(input[value='photo:{wanted.id}'])").click()
    admin_page.fill("#hero-alt", "The bay at dawn")
    admin_page.click("text=Save page")
    admin_page.wait_for_selector(".flashes")
    with app.app_context():
        home = services().store.get_pages(["home"])["home"]
    assert home.content["headline"] == "Typed before browsing"
    assert home.photo("hero").alt_text == "The bay at dawn"


def _small_demo(app, monkeypatch):
    """The demo site with one project per category (its pages, hero, portrait and gallery as the
    demo makes them), so a browser test can render it twice in reasonable time."""
    from sgoodie import demo

    monkeypatch.setattr(demo, "PROJECTS", {c: entries[:1] for c, entries in demo.PROJECTS.items()})
    monkeypatch.setattr(demo, "DRAFT", ("", ""))
    with app.test_request_context():
        demo.seed()


def _broken_images(page) -> list:
    """Load every image of the page, lazy ones too; the ones that did not arrive (none: [])."""
    return page.evaluate(
        """async () => {
            const images = Array.from(document.images);
            images.forEach(img => { img.loading = "eager"; });
            await Promise.all(images.map(img => img.decode().catch(() => null)));
            if (!images.length) { return ["no images at all"]; }
            return images.filter(img => !(img.complete && img.naturalWidth > 0))
                         .map(img => [img.currentSrc, img.complete, img.naturalWidth]);
        }"""
    )


def test_a_quality_change_reprocesses_the_site_in_the_background_while_it_keeps_serving(
    app, admin_page, live_server, browser, monkeypatch, tmp_path
):
    from sgoodie.photos import rerender

    _small_demo(app, monkeypatch)
    with app.app_context():
        project = next(
            p for p in services().store.projects_in_category("interiors") if p.featured and p.published
        )
        sample = services().store.get_photo(project.cover_photo_id)
        before = {(v.width, v.format): v.bytes for v in sample.variants}

    # The settings page measures each preset on a photo of the site.
    admin_page.goto(live_server.url + "/admin/settings")
    table = admin_page.wait_for_selector(".quality-sizes__table", timeout=120_000)
    assert f"the cover of “{project.title}”" in table.inner_text()
    admin_page.screenshot(path=str(tmp_path / "settings-quality.png"), full_page=True)
    shown = {
        (row.locator("th").inner_text(), cell.get_attribute("data-preset")): int(
            cell.get_attribute("data-bytes")
        )
        for row in admin_page.locator(".quality-sizes__table tbody tr").all()
        for cell in row.locator("td").all()
    }
    rows = sorted({label for label, _ in shown})
    assert len(rows) == 6  # three formats at 1280 px and at 2560 px (or the photo's own width, if less)
    for label in rows:
        assert shown[label, "high"] > shown[label, "balanced"], label

    # Choose High: the photos are prepared again in the background.
    admin_page.check("input[name=quality_preset][value=high]")
    admin_page.click("form.layout-form button[type=submit]")
    admin_page.wait_for_selector(".flash")
    assert "prepared again in the background" in admin_page.inner_text(".flash")

    # Meanwhile a visitor gets every page with every photo.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    served_while_working = 0
    for _ in range(40):
        with app.app_context():
            working = any(services().store.photos_with_status(status) for status in ("queued", "processing"))
        response = visitor.goto(f"{live_server.url}/projects/{project.slug}")
        assert response.status == 200
        assert _broken_images(visitor) == []
        served_while_working += working
        if not working and served_while_working:
            break
    assert served_while_working >= 1

    admin_page.goto(live_server.url + "/admin/")
    admin_page.screenshot(path=str(tmp_path / "dashboard-rerender.png"), full_page=True)
    assert services_wait(app)
    admin_page.goto(live_server.url + "/admin/")
    assert "have their new files" in admin_page.inner_text("main")

    with app.app_context():
        progress = rerender.rerender_progress()
        redone = services().store.get_photo(sample.id)
    assert progress["total"] >= 3 and not progress["finding"]
    after = {(v.width, v.format): v.bytes for v in redone.variants}
    assert all(after[key] > before[key] for key in before if key[0] >= 640)
    # The files now weigh what the settings page said the High preset would (plus the rights
    # metadata, and a resize chain instead of one resize: within a few percent).
    for fmt, label in (("jpeg", "JPEG 1280 px"), ("webp", "WEBP 1280 px")):
        assert abs(after[1280, fmt] - shown[label, "high"]) / shown[label, "high"] < 0.06, (fmt, after, shown)
    visitor.goto(f"{live_server.url}/projects/{project.slug}")
    assert _broken_images(visitor) == []
    visitor.context.close()


def services_wait(app) -> bool:
    with app.app_context():
        return services().jobs.wait(timeout=300)
