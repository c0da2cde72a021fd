"""Cuts around a photo's focal point, made in jobs: the home hero's 9:16 cut for phones, from the
hero's original, as wide as a 3x phone draws it; offered by the page only once it is cut at the
hero's current point."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from sgoodie import content
from sgoodie.domain import Rights
from sgoodie.images.rights import read_rights
from sgoodie.photos import homes, processing
from sgoodie.photos.uploads import store_page_upload
from sgoodie.services import services
from tests.conftest import three_bands_jpeg


def _colour(image: PILImage.Image) -> tuple[int, int, int]:
    return image.convert("RGB").resize((1, 1), PILImage.Resampling.BOX).getpixel((0, 0))


def _phone_srcset(html: str, fmt: str) -> list[str]:
    marker = f'<source media="(max-aspect-ratio: 13/25)" type="image/{fmt}"'
    if marker not in html:
        return []
    tag = html.split(marker, 1)[1].split(">", 1)[0]
    return tag.split('srcset="', 1)[1].split('"', 1)[0].split(", ")


def _hero_processed(data: bytes, alt: str, focal_x: float = 0.5):
    """A home hero uploaded with the page form and rendered by its job (inside a request)."""
    hero = store_page_upload("home", io.BytesIO(data), alt)
    hero.focal_x = focal_x
    page = services().store.get_pages(["home"])["home"]
    page.put_photo("hero", hero)
    content.pages.save(page)
    processing.process(hero.id, page_id="home")
    return hero


def test_the_hero_is_cut_for_phones_from_its_original_in_a_job(app, client, held_jobs):
    with app.test_request_context():
        # The subject on the left.
        hero = _hero_processed(three_bands_jpeg((4000, 2667), across=True), "A room in three colours", 0.0)
    assert held_jobs.kinds() == ["photo.cut-phone"]  # queued when the hero became ready
    assert _phone_srcset(client.get("/").get_data(as_text=True), "webp") == []  # its own files meanwhile

    held_jobs.run_all()
    html = client.get("/").get_data(as_text=True)
    srcset = _phone_srcset(html, "webp")
    # 4000 x 2667: the cut is 1500 x 2667, so every step up to what a 3x phone draws (1440).
    assert [entry.rsplit(" ", 1)[1] for entry in srcset] == ["480w", "640w", "800w", "960w", "1280w", "1440w"]
    largest = srcset[-1].split(" ", 1)[0]
    assert largest.endswith(f"/pages/home/variants/{hero.id}/phone-0-500-1440.webp")
    avif = _phone_srcset(html, "avif")
    assert f'imagesrcset="{", ".join(avif)}"' in html  # preloaded in the first format
    # In every format the photo's own files come in, JPEG last for browsers with neither.
    assert [[entry.rsplit(" ", 1)[1] for entry in _phone_srcset(html, fmt)] for fmt in ("avif", "jpeg")] == [
        [entry.rsplit(" ", 1)[1] for entry in srcset]
    ] * 2
    assert html.index('type="image/avif"') < html.index('type="image/webp"') < html.index('type="image/jpeg"')
    response = client.get(largest)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    cut = PILImage.open(io.BytesIO(response.data))
    assert cut.size == (1440, 2560)
    red, green, blue = _colour(cut)
    assert red > 150 and blue < 40  # the left of the photo, where its subject is
    with app.app_context():
        stored = homes.find(hero.id, "home")
        carried = read_rights(services().blobs.get(stored.phone_cuts[-1].key))
        assert Rights.from_dict(stored.rights).creator == carried.creator != ""


def test_a_new_focal_point_is_cut_again_and_the_cut_before_the_last_goes(app, client, held_jobs):
    with app.test_request_context():
        hero = _hero_processed(three_bands_jpeg((2400, 1600), across=True), "Columns")
    held_jobs.run_all()
    prefix = f"pages/home/variants/{hero.id}/"

    def move_to(x: float) -> None:
        with app.test_request_context():
            homes.modify(
                homes.find(hero.id, "home"), lambda current: setattr(current, "focal_x", x), visible=True
            )

    move_to(1.0)
    assert (
        _phone_srcset(client.get("/").get_data(as_text=True), "webp") == []
    )  # the old point's cut is not offered
    held_jobs.run_all()
    srcset = _phone_srcset(client.get("/").get_data(as_text=True), "webp")
    assert srcset[-1].split(" ", 1)[0].endswith("phone-1000-500-900.webp")  # 1600 tall: 900 wide
    blue = _colour(PILImage.open(io.BytesIO(client.get(srcset[-1].split(" ", 1)[0]).data)))[2]
    assert blue > 150  # the right of the photo now
    move_to(0.0)
    held_jobs.run_all()
    with app.app_context():
        names = {key.rsplit("/", 1)[1] for key in services().blobs.list_keys(prefix) if "/phone-" in key}
    # The cut just replaced stays for pages drawn before; the one before it is gone.
    assert {name.rsplit("-", 1)[0] for name in names} == {"phone-0-500", "phone-1000-500"}


def test_when_the_public_site_is_marked_the_hero_and_its_phone_cut_carry_the_mark_and_name_it(
    app, client, held_jobs
):
    from dataclasses import replace

    from sgoodie.blobs import watermark_of
    from sgoodie.domain import SITE_PAGE_ID, SiteSettings
    from sgoodie.photos import watermarks

    with app.test_request_context():
        base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
        site = content.settings.save(replace(SiteSettings.from_page(base), watermark_portfolio=True), base)
        signature = watermarks.site_watermark(site).signature
        hero = _hero_processed(three_bands_jpeg((4000, 2667), across=True), "A room")
    held_jobs.run_all()
    with app.app_context():
        stored = homes.find(hero.id, "home")
    assert stored.watermark == signature and all(watermark_of(v.key) == signature for v in stored.variants)
    assert stored.phone_cuts and all(watermark_of(c.key) == signature for c in stored.phone_cuts)
    srcset = _phone_srcset(client.get("/").get_data(as_text=True), "webp")
    assert srcset[-1].split(" ", 1)[0].endswith(f"phone-500-500-1440-w{signature}.webp")
    # The mark is drawn on the cut itself, in its corner: the cut's bottom right is not the photo's.
    cut = PILImage.open(io.BytesIO(client.get(srcset[-1].split(" ", 1)[0]).data)).convert("RGB")
    with app.app_context():
        mark = watermarks.site_watermark(site)
    left, top, right, bottom = mark.box(*cut.size)
    assert right > cut.width * 0.8 and bottom > cut.height * 0.9
    inside = cut.crop((left, top, right, bottom)).convert("L").getextrema()
    assert inside[1] - inside[0] > 60  # white letters with their shadow over a flat band
