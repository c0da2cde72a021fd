"""Rights and new files, through the photo job on both backends (SQLite + disk, DynamoDB + S3 in moto): every
stored variant carries the rights and nothing personal; a settings change re-renders exactly the
photos it changes, beside the files visitors still get, JPEG and WebP without a new encode."""

from __future__ import annotations

import io
from dataclasses import replace

import pyexiv2
from PIL import Image, ImageChops

from sgoodie.blobs import original_key
from sgoodie.domain import SITE_PAGE_ID, Photo, Project, SiteSettings
from sgoodie.photos import edits as photo_edits
from sgoodie.photos import homes, lifecycle, processing, rerender
from sgoodie.photos import pages as page_photos
from sgoodie.photos.uploads import store_page_upload
from sgoodie.services import services
from tests.conftest import (
    COPYRIGHT,
    CREATOR,
    CREDIT,
    LICENSE_URL,
    LICENSOR_URL,
    PRIVATE_VALUES,
    rights_original,
)

DEFAULTS = {
    "rights_creator": "S. Goodie",
    "rights_copyright": "© {year} S.Goodie Photography",
    "rights_credit": "S.Goodie Photography",
    "rights_license_url": "https://sgoodie.example/terms",
    "rights_acquire_url": "https://sgoodie.example/licensing",
}


def _save_settings(**changes) -> SiteSettings:
    from sgoodie import content

    base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
    current = SiteSettings.from_page(base)
    return content.settings.save(replace(current, **changes), base)


def _photo(project: Project, data: bytes) -> Photo:
    photo = Photo(project_id=project.id, status="queued", filename="a.jpg", alt_text="A room")
    photo.original_key = original_key(project.id, photo.id, "jpg")
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    return services().store.add_photo(photo)


def _files(photo: Photo) -> dict[str, bytes]:
    return {v.key: services().blobs.get(v.key) for v in photo.variants}


def _rights_in(data: bytes) -> tuple[dict, dict, dict]:
    with pyexiv2.ImageData(data) as image:
        return image.read_exif(), image.read_iptc(), image.read_xmp()


def test_the_pipeline_keeps_rights_drops_personal_fields_and_fills_in_defaults(backend_app, queued):
    from sgoodie import content

    with backend_app.test_request_context():
        _save_settings(**DEFAULTS)
        project = content.projects.create(Project(title="Rights", category="interiors"))
        credited = processing.process(_photo(project, rights_original()).id)
        uncredited = processing.process(_photo(project, rights_original(rights=False)).id)

        assert credited.rights == {
            "creator": CREATOR,
            "copyright": COPYRIGHT,
            "credit": CREDIT,
            "license_url": LICENSE_URL,
            "acquire_url": LICENSOR_URL,
        }
        assert uncredited.rights == {
            "creator": "S. Goodie",
            "copyright": "© 2023 S.Goodie Photography",  # the year it was taken
            "credit": "S.Goodie Photography",
            "license_url": "https://sgoodie.example/terms",
            "acquire_url": "https://sgoodie.example/licensing",
        }
        for photo in (credited, uncredited):
            files = _files(photo)
            assert {key.rsplit(".", 1)[1] for key in files} == {"avif", "webp", "jpg"}
            for key, data in files.items():
                exif, iptc, xmp = _rights_in(data)
                assert exif == {
                    "Exif.Image.Artist": photo.rights["creator"],
                    "Exif.Image.Copyright": photo.rights["copyright"],
                }, key
                assert iptc == {}
                assert xmp["Xmp.dc.creator"] == [photo.rights["creator"]]
                assert xmp["Xmp.photoshop.Credit"] == photo.rights["credit"]
                assert xmp["Xmp.xmpRights.WebStatement"] == photo.rights["license_url"]
                assert xmp["Xmp.plus.Licensor[1]/plus:LicensorURL"] == photo.rights["acquire_url"]
                assert not any(k.startswith(("Xmp.xmpMM", "Xmp.aux", "Xmp.exif")) for k in xmp)
                for what, value in PRIVATE_VALUES.items():
                    assert value.encode() not in data, f"{what} in {key}"


def test_new_default_rights_rewrite_only_the_photos_using_them_without_a_new_encode(backend_app, queued):
    from sgoodie import content

    with backend_app.test_request_context():
        before = _save_settings(**DEFAULTS)
        project = content.projects.create(Project(title="Defaults", category="interiors"))
        credited = processing.process(_photo(project, rights_original()).id)
        uncredited = processing.process(_photo(project, rights_original(rights=False)).id)
        old_files = _files(uncredited)

        after = _save_settings(rights_credit="Photo: S.Goodie Studio")
        assert rerender.needs_rerender(before, after)
        rerender.request_rerender()
        assert queued.kinds() == [lifecycle.RERENDER_CHANGED]
        assert rerender.rerender_progress()["finding"] is True
        queued.queued.clear()
        rerender.rerender_changed()
        assert queued.photo_ids() == [uncredited.id]  # the credited photo keeps its original's credit
        assert rerender.rerender_progress() | {"started_at": ""} == {
            "total": 1,
            "finding": False,
            "started_at": "",
        }
        waiting = services().store.get_photo(uncredited.id)
        assert waiting.status == "queued" and waiting.is_shown  # still on its pages meanwhile
        # Visitors still get the files they had while the photo waits and works.
        assert _files(services().store.get_photo(uncredited.id)) == old_files
        queued.run_all()

        redone = services().store.get_photo(uncredited.id)
        assert redone.status == "ready" and redone.rights["credit"] == "Photo: S.Goodie Studio"
        new_files = _files(redone)
        assert set(new_files).isdisjoint(old_files)  # new names: caches holding the old ones stay right
        by_name = {key.rsplit("/", 1)[1].split("-")[0].replace(".", "-"): key for key in old_files}
        for key, data in new_files.items():
            assert _rights_in(data)[2]["Xmp.photoshop.Credit"] == "Photo: S.Goodie Studio"
            width, ext = key.rsplit("/", 1)[1].split("-")[0], key.rsplit(".", 1)[1]
            old = old_files[by_name[f"{width}-{ext}"]]
            if ext in ("jpg", "webp"):  # metadata rewritten in place: the very same pixels
                with Image.open(io.BytesIO(old)) as a, Image.open(io.BytesIO(data)) as b:
                    assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None
        # The files before stay until the next change (a page rendered before may still name them).
        assert all(services().blobs.head(key) is not None for key in old_files)
        assert services().store.get_photo(credited.id).variants == credited.variants

        _save_settings(rights_credit="Photo: S.Goodie")
        rerender.request_rerender()
        queued.run_all()
        latest = services().store.get_photo(uncredited.id)
        assert all(services().blobs.head(key) is None for key in old_files)  # two generations back: gone
        assert all(services().blobs.head(v.key) is not None for v in latest.variants + redone.variants)


def test_a_quality_change_encodes_every_photo_again(backend_app, queued):
    from sgoodie import content

    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Quality", category="interiors"))
        photos = [processing.process(_photo(project, rights_original(rights=r)).id) for r in (True, False)]
        sizes = {p.id: {(v.width, v.format): v.bytes for v in p.variants} for p in photos}
        before = SiteSettings.from_page(services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])
        after = _save_settings(quality_preset="high")
        assert rerender.needs_rerender(before, after)
        rerender.request_rerender()
        queued.run_all()
        for photo in photos:
            redone = services().store.get_photo(photo.id)
            assert redone.rendering == after.encoder_quality().signature
            grown = {(v.width, v.format): v.bytes for v in redone.variants}
            assert all(grown[k] > sizes[photo.id][k] for k in grown if k[0] >= 640), grown
        assert rerender.rerender_changed() == 0  # nothing left to do


def test_a_photos_own_rights_are_written_when_edited(backend_app, queued):
    from sgoodie import content
    from sgoodie.domain import Rights

    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Own", category="interiors"))
        photo = processing.process(_photo(project, rights_original()).id)
        edited = photo_edits.update_rights(photo, Rights(credit="Courtesy of Hotel Lisboa"))
        assert rerender.rerender_photo(edited)
        queued.run_all()
        redone = services().store.get_photo(photo.id)
        assert redone.rights["credit"] == "Courtesy of Hotel Lisboa" and redone.rights["creator"] == CREATOR
        for data in _files(redone).values():
            assert _rights_in(data)[2]["Xmp.photoshop.Credit"] == "Courtesy of Hotel Lisboa"
        assert not rerender.rerender_photo(redone)  # its files already carry it


def test_a_page_photo_gets_the_defaults_too(backend_app, queued):
    from sgoodie import content

    with backend_app.test_request_context():
        _save_settings(**DEFAULTS)
        image = store_page_upload("about", io.BytesIO(rights_original(rights=False)), "Portrait")
        page = services().store.get_pages(["about"])["about"]
        page.put_photo("portrait", image)
        content.pages.save(page)
        processing.process(image.id, page_id="about")
        ready = homes.find(image.id, "about")
        assert ready.status == "ready" and ready.rights["creator"] == "S. Goodie"
        for variant in ready.variants:
            assert _rights_in(services().blobs.get(variant.key))[0]["Exif.Image.Artist"] == "S. Goodie"
        _save_settings(rights_creator="Sam Goodie")
        rerender.request_rerender()
        queued.run_all()
        assert homes.find(image.id, "about").rights["creator"] == "Sam Goodie"


def test_a_page_photo_chosen_from_the_portfolio_follows_its_photo(backend_app, queued):
    from sgoodie import content

    with backend_app.test_request_context():
        project = content.projects.create(Project(title="Hero source", category="interiors"))
        photo = processing.process(_photo(project, rights_original()).id)
        hero = page_photos.from_portfolio("home", photo.id, "The hero")
        page = services().store.get_pages(["home"])["home"]
        page.put_photo("hero", hero)
        content.pages.save(page)
        old_keys = [v.key for v in hero.variants]

        _save_settings(quality_preset="high")
        rerender.request_rerender()
        queued.run_all()

        redone = services().store.get_photo(photo.id)
        copy = homes.find(hero.id, "home")
        assert copy.rendering == redone.rendering != photo.rendering
        assert [v.bytes for v in copy.variants] == [v.bytes for v in redone.variants]
        assert not {v.key for v in copy.variants} & set(old_keys)
        for variant in copy.variants:
            assert services().blobs.get(variant.key) == services().blobs.get(
                next(v.key for v in redone.variants if (v.width, v.format) == (variant.width, variant.format))
            )
        assert all(services().blobs.head(key) is not None for key in old_keys)  # kept one generation


def test_which_settings_changes_need_new_files():
    base = SiteSettings(rights_creator="", rights_copyright="")
    assert not rerender.needs_rerender(base, replace(base, tagline="New", phone="+1 555"))
    assert rerender.needs_rerender(base, replace(base, wide_gamut=True))
    assert rerender.needs_rerender(base, replace(base, quality_preset="high"))
    assert not rerender.needs_rerender(base, replace(base, jpeg_quality=90))  # custom values unused
    assert rerender.needs_rerender(
        replace(base, quality_preset="custom"), replace(base, quality_preset="custom", jpeg_quality=90)
    )
    assert rerender.needs_rerender(base, replace(base, rights_acquire_url="https://x.example/buy"))
    # The defaults fall back to the business name: renaming the business changes them.
    assert rerender.needs_rerender(base, replace(base, business_name="Goodie Studio"))
    named = replace(base, rights_creator="Sam", rights_copyright="© {year} Sam", watermark_text="© Sam")
    assert not rerender.needs_rerender(named, replace(named, business_name="Goodie Studio"))
    # So does the watermark's text ("© <business name>" when empty), and every part of the mark.
    assert rerender.needs_rerender(
        replace(named, watermark_text=""), replace(named, watermark_text="", business_name="G")
    )
    for change in ({"watermark_position": "tiled"}, {"watermark_size": 20}, {"watermark_opacity": 60}):
        assert rerender.needs_rerender(named, replace(named, **change))
    assert rerender.needs_rerender(named, replace(named, watermark_portfolio=True))
