"""Editing the pages (home, about, personal branding, category intros) and the site settings."""

from __future__ import annotations

import hashlib
import json
from functools import partial

from flask import abort, flash, jsonify, redirect, render_template, request, url_for

from .. import content
from ..bodies import body_limit, max_upload_bytes
from ..content.revisions import diff
from ..domain import (
    BRANDING_GALLERY_FULL,
    BRANDING_GALLERY_MAX,
    DEFAULT_TIME_ZONE,
    SITE_PAGE_ID,
    Image,
    Page,
    SiteSettings,
    ValidationError,
    to_utc,
    utcnow,
)
from ..image_formats import CUSTOM_PRESET, QUALITY_PRESETS
from ..images import ImageError
from ..images.logo import LOGO_MAX_BYTES
from ..images.watermark import text_problem
from ..photos import homes, lifecycle, quality, rerender
from ..photos import pages as page_photos
from ..photos.uploads import store_page_upload
from ..services import services
from ..stores import StaleVersionError
from ..stores.ordering import move_item
from ..stores.paging import read_page
from ..templating import local_time
from .blueprint import FORM_BODY_LIMIT, bp
from .forms import (
    AboutPageForm,
    BrandingPageForm,
    CategoryPageForm,
    ConfirmForm,
    HomePageForm,
    SettingsForm,
    choices,
)

PAGE_FORMS = {"home": HomePageForm, "about": AboutPageForm, "personal-branding": BrandingPageForm}
TEXT_FIELDS = {
    "home": ("headline", "subheadline", "intro", "cta_title", "cta_text"),
    "about": ("heading", "bio"),
    "personal-branding": ("heading", "intro", "offer"),
    "category": ("heading", "intro"),
}
IMAGE_SLOTS = {"home": "hero", "about": "portrait"}
PACKAGE_SLOTS = 4


@bp.get("/pages/")
def pages():
    pending = dict(services().store.records.query(content.schedule.PENDING_PAGES))
    return render_template("admin/pages.html", scheduled={k: v["when"] for k, v in pending.items()})


@bp.route("/pages/<page_id>", methods=["GET", "POST"])
@body_limit(FORM_BODY_LIMIT, files=max_upload_bytes)  # page photos come with the form, straight to storage
def edit_page(page_id: str):
    kind = _kind(page_id)
    page = services().store.get_pages([page_id])[page_id]
    form_class = CategoryPageForm if kind == "category" else PAGE_FORMS[kind]
    form = form_class(data=_form_data(kind, page)) if request.method == "GET" else form_class()
    picker = photo_picker()
    photo_choices = picker["choices"]
    slot = IMAGE_SLOTS.get(kind)
    if slot:
        getattr(form, slot).choice.choices = choices(_slot_choices(page, slot, photo_choices))
    if kind == "personal-branding":
        form.gallery_add.choices = choices([("", "None")] + photo_choices)
    featured = (
        services().store.projects_by_ids(page.content.get("featured_order", [])) if kind == "home" else []
    )

    status = 200
    if form.validate_on_submit():
        try:
            return _save(page, form, kind, slot)
        except StaleVersionError:
            flash(
                "Someone else saved this page while you were editing. Your text is below and has not been saved yet; "
                "open the page in a new tab to compare, then save again to replace their version.",
                "error",
            )
            form.version.data = edit_stamp(services().store.get_pages([page_id])[page_id])
            status = 409
        except ImageError as exc:
            flash(f"That photo could not be used: {exc}", "error")
            status = 400
        except PhotoUnavailable:  # the field says why; nothing was saved
            status = 400
        except ValidationError as exc:  # a photo's alt text or point that cannot be kept
            flash(" ".join(exc.errors.values()), "error")
            status = 400
        except ScheduleRefused as exc:
            form.publish_at.errors = [*form.publish_at.errors, str(exc)]
            status = 400
    elif request.method == "GET":
        form.version.data = edit_stamp(page)
        if kind == "home":
            form.featured_order.data = ",".join(page.content.get("featured_order", []))
    if form.errors:
        status = 400
    return _page_form(page, form, kind, slot, picker, featured), status


def _page_form(page: Page, form, kind: str, slot: str | None, picker: dict, featured: list) -> str:
    """The page's editor: its form, photos (with those being prepared) and scheduled change."""
    gallery = [
        (photo, shown.image() if (shown := photo.shown_on_page) else None) for photo in page.photos("gallery")
    ]
    current = page.photo(slot) if slot else None
    pending = current if current is not None and not current.is_ready else None
    scheduled = content.schedule.pending_page_change(page.id)
    return render_template(
        "admin/page_form.html",
        form=form,
        page=page,
        scheduled=scheduled,
        scheduled_changes=diff(content.revisions.page_fields(page), scheduled["fields"]) if scheduled else [],
        kind=kind,
        title=_title(page.id),
        image_slot=slot,
        featured=featured,
        gallery=gallery,
        pending=pending,
        photo_images=picker["images"],
        picker=picker,
        confirm_form=ConfirmForm(),
    )


def _save(page: Page, form, kind: str, slot: str | None):
    """Apply a valid form to a copy of the page and save it (or schedule its texts). The photos it
    stores go again if anything fails; the form carries a stamp of what the editor saw, and the
    store's version guards the write itself."""
    edited = Page(page.id, dict(page.content), dict(page.images), version=page.version)
    edited.content.update({name: (getattr(form, name).data or "").strip() for name in TEXT_FIELDS[kind]})
    edited.seo_title = (form.seo_title.data or "").strip()
    edited.seo_description = (form.seo_description.data or "").strip()
    with page_photos.PhotoChanges(edited) as changes:
        if form.version.data != edit_stamp(page):
            raise StaleVersionError("the page changed since the form was opened")
        if slot:
            _apply_slot(changes, slot, getattr(form, slot))
        if kind == "home":
            _apply_featured_order(edited, form.featured_order.data, request.form.get("featured_move", ""))
        if kind == "personal-branding":
            _apply_branding(changes, form)
        if form.publish_at.data:
            when = _schedule_texts(page, edited, form)
            changes.rollback()  # nothing was uploaded or chosen (checked): nothing to keep
            flash(
                f"Scheduled: these changes to the {_title(page.id)} page go live by themselves at "
                f"{local_time(when)}. Visitors see the current version until then.",
                "success",
            )
            return redirect(url_for("admin.edit_page", page_id=page.id))
        stored = content.pages.save(edited)
    if changes.commit(stored):
        flash(
            f"Saved the {_title(page.id)} page. New photos are being prepared; they appear on the site when ready "
            "(the current ones stay until then).",
            "success",
        )
    else:
        flash(f"Saved the {_title(page.id)} page. Visitors see the change now.", "success")
    return redirect(url_for("admin.edit_page", page_id=page.id))


def edit_stamp(page: Page) -> str:
    """What an editor sees of a page: its texts, and which photos it holds with their alt texts.
    Not their processing status: a photo job finishing is nobody's edit, so saving after it is no
    conflict, while a second editor's save is."""
    photos: dict[str, list] = {}
    for slot, photo in page.every_photo():
        photos.setdefault(slot, []).append((photo.id, photo.alt_text))
    seen = [page.content, page.seo_title, page.seo_description, photos]
    return hashlib.sha256(json.dumps(seen, sort_keys=True, default=str).encode()).hexdigest()[:20]


class PhotoUnavailable(Exception):
    """A portfolio photo picked in the form does not exist (any more) or is not ready; the error
    is on the field that named it."""


@bp.get("/pages/<page_id>/photos/<image_id>")
def page_photo_status(page_id: str, image_id: str):
    """A page photo's processing status, for the page form to follow (like the uploader does)."""
    _kind(page_id)
    photo = homes.find(image_id, page_id)
    if photo is None:
        abort(404)
    return jsonify(status=photo.status, error=photo.error)


@bp.post("/pages/<page_id>/photos/<image_id>/retry")
def retry_page_photo(page_id: str, image_id: str):
    _kind(page_id)
    if ConfirmForm().validate_on_submit():
        photo = homes.find(image_id, page_id)
        try:
            if photo is None:
                raise lifecycle.TransitionRefused("no such photo")
            lifecycle.retry(photo)
        except lifecycle.TransitionRefused:
            flash("That photo is not waiting for a retry.", "error")
        else:
            flash("Processing the photo again.", "success")
    return redirect(url_for("admin.edit_page", page_id=page_id))


@bp.post("/pages/<page_id>/scheduled/cancel")
def cancel_scheduled_change(page_id: str):
    _kind(page_id)
    if ConfirmForm().validate_on_submit():
        content.schedule.cancel_page_change(page_id)
        content.activity.record(f"Cancelled the scheduled change to the {_title(page_id)} page")
        flash("The scheduled change is cancelled; the page stays as it is.", "success")
    return redirect(url_for("admin.edit_page", page_id=page_id))


class ScheduleRefused(Exception):
    """A page change that cannot be scheduled; the message says why."""


def _schedule_texts(page: Page, edited: Page, form) -> str:
    """Keep the form's texts to publish at the chosen time; returns it (UTC). Photo changes and
    the featured order are saved at once, never scheduled, so a form that changes them is refused
    (nothing is lost: the form is shown again as typed)."""
    if edited.images != page.images or edited.content.get("featured_order") != page.content.get(
        "featured_order"
    ):
        raise ScheduleRefused(
            "Photo and featured-order changes go live when saved: save them without a time first, "
            "then schedule the text changes."
        )
    when = to_utc(form.publish_at.data, services().site_settings().time_zone)
    if when <= utcnow():
        raise ScheduleRefused("That time has passed: choose a later one, or leave it empty to publish now.")
    content.schedule.schedule_page_change(
        page.id, when, content.revisions.page_fields(edited), content.activity.editor()
    )
    content.activity.record(f"Scheduled a change to the {_title(page.id)} page for {local_time(when)}")
    return when


@bp.route("/settings", methods=["GET", "POST"])
@body_limit(FORM_BODY_LIMIT, files=LOGO_MAX_BYTES)  # the logo comes with the form
def settings():
    base = services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID]
    current = SiteSettings.from_page(base)
    form = SettingsForm(obj=current) if request.method == "GET" else SettingsForm()
    form.time_zone.for_site(current)
    if request.method == "GET":
        form.version.data = str(current.version)
        if not current.time_zone_chosen:
            form.time_zone.data = ""  # "Not chosen yet" selected
        form.watermark_text.data = current.watermark_label()  # what the photos carry, to edit
    status = 200
    if form.validate_on_submit():
        values = {
            name: _typed(getattr(form, name).data, getattr(current, name))
            for name in SiteSettings.__dataclass_fields__
            if name not in ("version", "logo", "time_zone", "time_zone_chosen")
        }
        edited = SiteSettings(
            **values,
            **_chosen_zone(form.time_zone.data),
            logo=current.logo,
            version=int(form.version.data or 0),
        )
        new_logo = None
        try:
            new_logo = _uploaded_logo(form.logo.data)
            if new_logo is not None:
                edited.logo = new_logo
            elif form.remove_logo.data:
                edited.logo = {}
            if "watermark_text" in request.form and not edited.watermark_text:
                raise ValidationError({"watermark_text": text_problem("")})
            saved = content.settings.save(edited, base)
        except ImageError as exc:
            form.logo.errors = [*form.logo.errors, str(exc)]  # nothing saved; the typed values stay
        except ValidationError as exc:
            for name, message in exc.errors.items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]
        except StaleVersionError:
            flash(
                "Someone else saved the settings while you were editing. Your values are below; save again to replace theirs.",
                "error",
            )
            form.version.data = str(current.version)
            status = 409
        else:
            if rerender.needs_rerender(current, saved):
                rerender.request_rerender()
                flash(
                    "Settings saved. The photos whose files change are being prepared again in the "
                    "background (the dashboard shows how far it is); visitors see the current files "
                    "until each photo's new ones are ready.",
                    "success",
                )
            else:
                flash("Settings saved. Every page shows them now.", "success")
            return redirect(url_for("admin.settings"))
        if new_logo is not None:  # not saved: its files go
            content.settings.discard_logo(new_logo)
    return render_template("admin/settings.html", form=form, settings=current, presets=QUALITY_PRESETS), (
        400 if form.errors else status
    )


def _chosen_zone(value: str) -> dict:
    """The settings' zone from a picker: empty is "not chosen yet" (times stay in UTC)."""
    return {"time_zone": value or DEFAULT_TIME_ZONE, "time_zone_chosen": bool(value)}


def _uploaded_logo(upload) -> dict | None:
    """The logo's files, stored, when one was uploaded (ImageError when it is refused)."""
    if not upload or not getattr(upload, "filename", ""):
        return None
    data = upload.stream.read(LOGO_MAX_BYTES + 1)
    return content.settings.store_logo(data, upload.filename)


def _typed(value, like):
    """A form value as the settings field holds it (text stripped, numbers and flags as they are)."""
    if isinstance(like, bool):
        return bool(value)
    if isinstance(like, int):
        return int(value if value is not None else like)
    return (value or "").strip()


@bp.get("/settings/quality-sizes")
def quality_sizes():
    """What each quality preset weighs for one photo of the site, per format at 1280 and 2560 px:
    measured in the background once per photo and presets, then kept. `measuring` says to ask
    again shortly; the settings page shows the table beside the choice."""
    settings = SiteSettings.from_page(services().store.get_pages([SITE_PAGE_ID])[SITE_PAGE_ID])
    sample = quality.sample_photo()
    if sample is None:
        return jsonify(photo=None, sizes={}, measuring=False)
    qualities = {name: preset for name, (_, preset) in QUALITY_PRESETS.items()}
    if settings.quality_preset == CUSTOM_PRESET:
        qualities[CUSTOM_PRESET] = settings.encoder_quality()
    measured = quality.sizes(sample, qualities)
    return jsonify(photo=sample.label, sizes=measured or {}, measuring=measured is None)


# -- helpers -------------------------------------------------------------------------------------
def _kind(page_id: str) -> str:
    if page_id in PAGE_FORMS:
        return page_id
    if page_id.startswith("work-") and page_id[5:] in services().categories:
        return "category"
    abort(404)


def _title(page_id: str) -> str:
    if page_id.startswith("work-"):
        return services().categories[page_id[5:]]
    return page_id.replace("-", " ").capitalize()


def _form_data(kind: str, page: Page) -> dict:
    data = {name: page.content.get(name, "") for name in TEXT_FIELDS[kind]}
    data.update(seo_title=page.seo_title, seo_description=page.seo_description)
    slot = IMAGE_SLOTS.get(kind)
    if slot:
        current = page.photo(slot)
        data[slot] = {"choice": "keep" if current else "none", "alt": current.alt_text if current else ""}
    if kind == "personal-branding":
        packages = list(page.content.get("packages", []))
        data["packages"] = packages + [{}] * (PACKAGE_SLOTS - len(packages))
    return data


PICKER_PAGE_SIZE = 12  # projects per page of the photo picker
PICKER_SEARCH_READ = 500  # projects a search looks through, at most, per page of results
PICKER_SEARCH_BATCH = 50  # projects a search reads at a time


def photo_picker() -> dict:
    """What the page form's photo picker shows: one category's projects, a page at a time (or
    those whose title matches the search), and the ready photos of one of them as choices (with
    their thumbnails in `images`). Never every photo of the site: a page, and one project.
    Client galleries are private: not offered. Browsing is plain links (`pick_category`,
    `pick_after`, `pick_q`, `pick`); admin.js swaps the picker in place so typed text stays."""
    store = services().store
    categories = services().categories
    category = request.args.get("pick_category", "")
    category = category if category in categories else next(iter(categories), "")
    query = (request.args.get("pick_q") or "").strip()[:100]
    after = request.args.get("pick_after", type=int)
    projects: list = []
    more = None
    if category:
        if query:  # a search reads pages of the category until a page of matches
            cursor = after
            for _ in range(PICKER_SEARCH_READ // PICKER_SEARCH_BATCH):
                batch = store.projects_page(category, after=cursor, limit=PICKER_SEARCH_BATCH)
                projects += [p for p in batch if query.casefold() in p.title.casefold() and not p.is_private]
                if len(batch) < PICKER_SEARCH_BATCH or len(projects) > PICKER_PAGE_SIZE:
                    break
                cursor = batch[-1].order
            if len(projects) <= PICKER_PAGE_SIZE and len(batch) == PICKER_SEARCH_BATCH:
                more = batch[-1].order
            if len(projects) > PICKER_PAGE_SIZE:
                projects = projects[:PICKER_PAGE_SIZE]
                more = projects[-1].order
        else:
            page, beyond = read_page(partial(store.projects_page, category), PICKER_PAGE_SIZE, after=after)
            more = page[-1].order if beyond else None
            projects = [p for p in page if not p.is_private]
    chosen = store.get_project(request.args.get("pick", "")) or (projects[0] if projects else None)
    if chosen is not None and chosen.is_private:
        chosen = None
    images: dict[str, Image | None] = {}
    photo_choices = []
    if chosen is not None:
        for index, photo in enumerate(store.photos_for_project(chosen.id), start=1):
            if photo.is_ready:
                images[f"photo:{photo.id}"] = photo.image()
                label = f"{chosen.title} — {index}. {photo.alt_text or photo.filename}"[:100]
                photo_choices.append((f"photo:{photo.id}", label))
    return {
        "categories": categories,
        "category": category,
        "query": query,
        "after": after,
        "projects": projects,
        "more": more,
        "chosen": chosen,
        "choices": photo_choices,
        "images": images,
    }


def _slot_choices(page: Page, slot: str, photo_choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    keep = [("keep", "Keep the current photo")] if page.photo(slot) else []
    return keep + [("none", "No photo")] + photo_choices


def _apply_slot(changes: page_photos.PhotoChanges, slot: str, field) -> None:
    """The photo of a single slot (the hero, the portrait): a new upload, a portfolio photo, none,
    or the current one with its alt text and subject point."""
    upload = field.upload.data
    choice = field.choice.data or "keep"
    alt = (field.alt.data or "").strip()
    if upload and getattr(upload, "filename", ""):
        changes.upload(slot, upload.stream, alt)
    elif choice.startswith("photo:"):
        _choose(field.choice, lambda: changes.choose(slot, choice.removeprefix("photo:"), alt))
    elif choice == "none":
        changes.clear(slot)
    else:
        changes.describe(slot, alt, (_fraction(field.focal_x.data), _fraction(field.focal_y.data)))


def _choose(field, choose) -> None:
    try:
        choose()
    except ValidationError as exc:
        field.errors = [*field.errors, *exc.errors.values()]
        raise PhotoUnavailable from None


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


def _apply_featured_order(page: Page, value: str, move: str) -> None:
    """The admin may reorder the featured projects, not add or drop them (that is the project's
    'featured' switch): keep exactly the ids already featured, in the submitted order. `move`
    ("<id>:-1" or "<id>:1") is the no-JavaScript up/down button."""
    current = page.content.get("featured_order", [])
    order = list(dict.fromkeys([pid for pid in (value or "").split(",") if pid in current] + current))
    project_id, _, step = move.partition(":")
    if project_id in order and step in ("-1", "1"):
        order = move_item(order, project_id, int(step))
    page.content["featured_order"] = order


def _percent(value: str | None) -> float | None:
    """A per cent typed into a gallery photo's focal point, as a fraction: None when empty or not
    0..100 (the photo keeps its point; the inputs' own limits stop that in the browser)."""
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number / 100 if 0 <= number <= 100 else None


def _apply_branding(changes: page_photos.PhotoChanges, form: BrandingPageForm) -> None:
    changes.page.content["packages"] = [
        {
            "name": p["name"].strip(),
            "price": (p["price"] or "").strip(),
            "details": (p["details"] or "").strip(),
        }
        for p in form.packages.data
        if (p.get("name") or "").strip()
    ]
    photos = changes.page.photos("gallery")
    changes.gallery(
        "gallery",
        remove=set(request.form.getlist("gallery_remove")),
        texts={
            photo.id: (
                request.form.get(f"gallery_alt-{photo.id}", photo.alt_text),
                (
                    _percent(request.form.get(f"gallery_focal_x-{photo.id}")),
                    _percent(request.form.get(f"gallery_focal_y-{photo.id}")),
                ),
            )
            for photo in photos
        },
    )
    if form.gallery_add.data:
        choice = form.gallery_add.data.removeprefix("photo:")
        _choose(
            form.gallery_add,
            lambda: changes.add_to_gallery(
                "gallery", page_photos.from_portfolio(changes.page.id, choice, "")
            ),
        )
    uploads = [u for u in form.gallery_upload.data or [] if getattr(u, "filename", "")]
    if (
        len(changes.page.photos("gallery")) + len(uploads) > BRANDING_GALLERY_MAX
    ):  # refused before any file is stored
        form.gallery_upload.errors = [*form.gallery_upload.errors, BRANDING_GALLERY_FULL]
        raise PhotoUnavailable
    for upload in uploads:
        changes.add_to_gallery("gallery", store_page_upload(changes.page.id, upload.stream, ""))
