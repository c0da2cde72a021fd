"""A page's own photos: `Photo` records on their page sharing the photo's life, pages stored before
that read and rewritten in the current shape, photos chosen from the portfolio following their
photo, and a client gallery's photos never reaching a public path by any job, on both backends."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace

import pytest

from sgoodie import content
from sgoodie.blobs import is_public_key, original_key
from sgoodie.domain import Photo, Project, Rights, SiteSettings
from sgoodie.jobs import registry
from sgoodie.photos import homes, lifecycle, processing
from sgoodie.photos import pages as page_photos
from sgoodie.photos.edits import update_rights
from sgoodie.photos.rerender import request_rerender, rerender_photo
from sgoodie.photos.uploads import store_page_upload
from sgoodie.services import services
from tests.conftest import rights_original


def _ready_photo(project: Project, data: bytes, alt: str = "A room") -> Photo:
    photo = Photo(project_id=project.id, status="queued", filename="a.jpg", alt_text=alt)
    photo.original_key = original_key(project.id, photo.id, "jpg")
    services().blobs.put(photo.original_key, data, content_type="image/jpeg")
    services().store.add_photo(photo)
    return processing.process(photo.id)


def _published(title: str, data: bytes) -> tuple[Project, Photo]:
    project = content.projects.create(Project(title=title, category="interiors"))
    photo = _ready_photo(project, data)
    current = services().store.get_project(project.id)
    return content.projects.save(replace(current, published=True), current), photo


def _hero_from(photo: Photo) -> Photo:
    page = services().store.get_pages(["home"])["home"]
    hero = page_photos.from_portfolio("home", photo.id, "The hero")
    page.put_photo("hero", hero)
    content.pages.save(page)
    return hero


def _to_client_gallery(project: Project) -> Project:
    from sgoodie.accounts import hash_password

    current = services().store.get_project(project.id)
    edited = replace(current, visibility="client", gallery_password_hash=hash_password("lisbon-2026"))
    return content.projects.save(edited, current)


def test_a_page_photo_is_a_photo_record_living_the_same_life(backend_app, queued, jpeg):
    with backend_app.test_request_context():
        page = services().store.get_pages(["about"])["about"]
        portrait = store_page_upload("about", io.BytesIO(jpeg()[:3000]), "Me")  # cut off: fails in the job
        page.put_photo("portrait", portrait)
        content.pages.save(page)
        failed = processing.process(portrait.id, page_id="about")
        assert isinstance(failed, Photo) and failed.page_id == "about" and failed.project_id == ""
        assert failed.status == "failed" and "incomplete" in failed.error
        services().blobs.put(portrait.original_key, jpeg(), content_type="image/jpeg")
        assert lifecycle.retry(failed).status == "queued"  # the one retry, as for a project's photo
        assert queued.queued == [("photo.process", {"photo_id": portrait.id, "page_id": "about"})]
        queued.run_all()
        ready = homes.find(portrait.id, "about")
        assert ready.status == "ready" and ready.attempts == 1
        assert all(v.key.startswith(f"pages/about/variants/{portrait.id}/") for v in ready.variants)
        assert services().store.get_pages(["about"])["about"].image("portrait").alt == "Me"


def test_pages_stored_before_page_photos_were_records_read_as_records_and_are_rewritten(backend_app):
    """An image dict of an older sgoodie (its alt text as `alt`, the photo it replaces as
    `previous`, no status when ready) reads as a record; `sgoodie reindex` stores the new shape."""
    legacy = {
        "id": "hero-1",
        "original_key": "pages/home/original/hero-1.jpg",
        "alt": "Sunlit living room",
        "status": "queued",
        "width": 0,
        "height": 0,
        "variants": [],
        "previous": {
            "id": "hero-0",
            "alt": "The old hero",
            "width": 1600,
            "height": 1067,
            "variants": [
                {
                    "width": 1600,
                    "height": 1067,
                    "format": "jpeg",
                    "key": "pages/home/variants/hero-0/1600.jpg",
                }
            ],
            "focal_x": 0.3,
            "focal_y": 0.6,
        },
    }
    with backend_app.test_request_context():
        page = services().store.get_pages(["home"])["home"]
        services().store.save_page(replace(page, images={"hero": legacy}))
        hero = services().store.get_pages(["home"])["home"].photo("hero")
        assert (hero.id, hero.page_id, hero.alt_text, hero.status) == (
            "hero-1",
            "home",
            "Sunlit living room",
            "queued",
        )
        shown = hero.shown_on_page
        assert (shown.id, shown.alt_text, shown.status, shown.focal_x) == (
            "hero-0",
            "The old hero",
            "ready",
            0.3,
        )
        assert services().store.get_pages(["home"])["home"].image("hero").alt == "The old hero"

        assert page_photos.upgrade_stored_pages() == 1
        stored = services().store.get_pages(["home"])["home"].images["hero"]
        assert stored["alt_text"] == "Sunlit living room" and "alt" not in stored and "previous" not in stored
        assert stored["replaces"]["alt_text"] == "The old hero" and stored["page_id"] == "home"
        assert page_photos.upgrade_stored_pages() == 0  # safe to run again


def test_reindex_rewrites_the_pages_photos(app, runner):
    with app.app_context():
        page = services().store.get_pages(["about"])["about"]
        services().store.save_page(
            replace(page, images={"portrait": {"id": "p1", "alt": "Me", "variants": []}})
        )
    result = runner.invoke(["reindex"])
    assert result.exit_code == 0, result.output
    assert "rewrote the photos of 1 page in the current shape" in result.output
    with app.app_context():
        assert services().store.get_pages(["about"])["about"].images["portrait"]["alt_text"] == "Me"


def test_a_photo_chosen_from_the_portfolio_leaves_the_page_when_its_project_becomes_a_client_gallery(
    backend_app, queued, jpeg
):
    with backend_app.test_request_context():
        project, photo = _published("Villa", jpeg())
        hero = _hero_from(photo)
        assert [p.id for p in page_photos.showing(project)] == [hero.id]
        assert page_photos.where(hero) == "the home page's hero photo"
        _to_client_gallery(project)
        assert services().store.get_pages(["home"])["home"].photo("hero") is None
        assert services().blobs.list_keys(f"pages/home/variants/{hero.id}/") == []
        said = [line["what"] for line in content.activity.recent()]
        assert (
            "Removed the home page's hero photo: its photo belongs to the client gallery “Villa” now" in said
        )


def _recording_blobs(monkeypatch) -> tuple[list[str], list[str]]:
    """Every key the blob store reads and every key it writes, from now on."""
    blobs, read, written = services().blobs, [], []
    for name in ("get", "open"):
        real = getattr(blobs, name)
        monkeypatch.setattr(blobs, name, lambda key, real=real, **kw: (read.append(key), real(key, **kw))[1])
    real_put, real_stream, real_copy = blobs.put, blobs.put_stream, blobs.copy
    monkeypatch.setattr(
        blobs, "put", lambda key, data, **kw: (written.append(key), real_put(key, data, **kw))[1]
    )
    monkeypatch.setattr(
        blobs,
        "put_stream",
        lambda key, stream, **kw: (written.append(key), real_stream(key, stream, **kw))[1],
    )
    monkeypatch.setattr(
        blobs,
        "copy",
        lambda source, target, **kw: (
            read.append(source),
            written.append(target),
            real_copy(source, target, **kw),
        )[2],
    )
    return read, written


def test_no_job_ever_writes_a_client_gallerys_photo_to_a_public_path(backend_app, queued, jpeg, monkeypatch):
    """A hero kept on the home page becomes the page's own photo with its own original; after the
    project turned into a client gallery, a quality change and a rights change re-render the hero
    from that copy, and no job that read a gallery photo's files wrote any public file."""
    with backend_app.test_request_context():
        project, photo = _published("Quinta", rights_original())
        hero = _hero_from(photo)
        kept = page_photos.keep_as_own(hero)
        assert kept.from_photo == "" and kept.original_key == f"pages/home/original/{hero.id}.jpg"
        _to_client_gallery(project)
        queued.run_all()  # the gallery's files move to the private side
        gallery_photo = services().store.get_photo(photo.id)
        assert all(v.key.startswith("private/") for v in gallery_photo.variants)
        assert services().store.get_pages(["home"])["home"].photo("hero").id == hero.id  # kept

        read, written = _recording_blobs(monkeypatch)
        private = {gallery_photo.original_key, *(v.key for v in gallery_photo.variants)}
        base = services().store.get_pages(["site"])["site"]
        settings = SiteSettings.from_page(base)
        content.settings.save(replace(settings, quality_preset="high"), base)
        request_rerender()
        update_rights(gallery_photo, Rights(credit="Courtesy of the clients"))
        rerender_photo(services().store.get_photo(photo.id))
        leaks = []
        while queued.queued:
            kind, arguments = queued.queued.pop(0)
            read.clear(), written.clear()
            registry().get(kind).run(**arguments)
            if private & set(read) or any(photo.id in key for key in read):
                leaks += [(kind, key) for key in written if is_public_key(key)]
        assert leaks == []
        redone = services().store.get_photo(photo.id)
        assert redone.rights.get("credit") == "Courtesy of the clients"
        assert all(v.key.startswith("private/") for v in redone.variants)
        hero_now = services().store.get_pages(["home"])["home"].photo("hero")
        # Both at the new quality; the gallery's photo carries its watermark, the public hero none.
        assert (
            redone.rendering == f"{hero_now.rendering}.w{redone.watermark}d"
            and not hero_now.watermark
            and hero_now.rights.get("credit") != "Courtesy of the clients"
        )
        assert all(v.key.startswith(f"pages/home/variants/{hero.id}/") for v in hero_now.variants)


def test_a_client_gallerys_photo_is_never_copied_even_when_asked(backend_app, jpeg):
    from sgoodie.photos.files import copy_public_variants

    with backend_app.test_request_context():
        project, photo = _published("Private", jpeg())
        _to_client_gallery(project)
        with pytest.raises(PermissionError):
            copy_public_variants(
                [replace(v, key="private/" + v.key) for v in photo.variants], "pages/home/variants/x/"
            )


def test_the_project_form_asks_which_pages_keep_a_photo_before_it_becomes_a_client_gallery(
    app, client, admin, jpeg
):
    with app.test_request_context():
        project, photo = _published("Casa Azul", jpeg())
        hero = _hero_from(photo)
        about = services().store.get_pages(["about"])["about"]
        portrait = page_photos.from_portfolio("about", photo.id, "Me")
        about.put_photo("portrait", portrait)
        content.pages.save(about)
    url = f"/admin/projects/{project.id}"
    form = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {
        "title": "Casa Azul",
        "slug": "casa-azul",
        "category": "interiors",
        "published": "y",
        "visibility": "client",
        "gallery_password": "lisbon-2026",
        "version": version,
    }
    asked = admin.post(url, data)
    page = html.unescape(asked.get_data(as_text=True))
    assert asked.status_code == 409 and "Nothing is saved yet" in page
    assert "Keep on the home page's hero photo" in page and "Keep on the about page's portrait" in page
    with app.app_context():
        assert not services().store.get_project(project.id).is_private  # nothing saved

    saved = admin.post(url, {**data, "pages_confirmed": "1", "keep_on_page": hero.id}, follow_redirects=True)
    said = html.unescape(saved.get_data(as_text=True))
    assert "The home page keeps its own copy of the photo." in said
    assert "The about page no longer shows its photo." in said
    with app.app_context():
        store = services().store
        assert store.get_project(project.id).is_private
        kept = store.get_pages(["home"])["home"].photo("hero")
        assert (
            kept.id == hero.id
            and kept.from_photo == ""
            and kept.original_key.startswith("pages/home/original/")
        )
        assert store.get_pages(["about"])["about"].photo("portrait") is None
