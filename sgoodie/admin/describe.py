"""Describe photos: a project's alt texts and captions in one form, 50 photos a page in display
order, one Save for all of them (the per-photo Save of the photos page, 50 times in one request).

Every changed photo is saved through `photos.edits.update_text`, the one rule for a photo's text
(the same checks, `photo_saved` and purges; the CDN gets one invalidation for the request). Photos
are independent: the valid changes are saved and each refused one comes back with its error and
what was typed. A photo whose text someone else changed since the page showed it is not
overwritten: the page says so, and saving again replaces theirs knowingly.

Without JavaScript the form posts as multipart/form-data, which carries the text as UTF-8 rather
than percent-encoded (up to three times larger): a full page of the longest texts stays within the
admin's 256 KB body limit and its `MAX_FORM_PARTS` (three parts a photo). admin.js posts the changed
photos as JSON (`{"photos": [{"id", "alt_text", "caption", "shown"}]}`) and shows the answer in
place.

A photo still without alt text whose file carries a title or description shows it as a proposal,
marked "from the file": its *Use it* button (`accept=<id>`), or *Use the file's titles for N
photos* (`accept=all`: every proposal of the project), saves what was typed and then takes the
proposals (`photos.edits.use_file_texts`), so a click never loses typing. JSON: `"accept"`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import content
from ..domain import Photo, Project, ValidationError
from ..http_errors import asks_for_json, json_error, json_object
from ..photos import edits as photo_edits
from ..services import services
from ..stores import StaleVersionError
from ..text import photos_count
from .blueprint import bp
from .forms import PhotoDescriptionForm
from .photos import (
    count_missing_alt,
    count_proposals,
    file_text_json,
    has_proposal,
    needs_alt,
    use_files_label,
)
from .projects import get_project_or_404

DESCRIBE_PAGE_SIZE = 50
TEXT_FIELDS = ("alt_text", "caption")


def fingerprint(photo: Photo) -> str:
    """What the page showed of a photo's text, in 16 characters."""
    return hashlib.sha256(f"{photo.alt_text}\0{photo.caption}".encode()).hexdigest()[:16]


def description_form(photo: Photo) -> PhotoDescriptionForm:
    """The photo's fields as stored, with the fingerprint of what they show."""
    shown = {"alt_text": photo.alt_text, "caption": photo.caption, "shown": fingerprint(photo)}
    return PhotoDescriptionForm(prefix=photo.id, data=shown)


def missing_alt_message(photos: list[Photo], project: Project) -> str:
    missing = count_missing_alt(photos)
    if project.is_private:  # the client sees every ready photo: alt text is a courtesy here
        return "Alt text is optional in a client gallery: your client sees every ready photo."
    if not missing:
        return "Every ready photo has alt text."
    ready = sum(1 for p in photos if p.is_ready)
    photos_word = "photo" if ready == 1 else "photos"
    return f"{missing} of {ready} ready {photos_word} still need{'s' if missing == 1 else ''} alt text."


def _needs_alt(project: Project):
    """Which photos the page marks as needing alt text: none in a client gallery."""
    return (lambda photo: False) if project.is_private else needs_alt


@dataclass
class Saving:
    """What one Save did: the photos saved, and per refused photo its field's message (`photo`
    for the photo as a whole)."""

    saved: list[Photo] = field(default_factory=list)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    forms: dict[str, PhotoDescriptionForm] = field(default_factory=dict)
    accepted: list[Photo] = field(default_factory=list)  # proposals from the files taken


def _page_number(photos: list[Photo]) -> tuple[int, int]:
    """(this page, how many pages): `?page=` within 1 and the last page."""
    pages = max(1, -(-len(photos) // DESCRIBE_PAGE_SIZE))
    return min(max(request.args.get("page", 1, type=int), 1), pages), pages


def _render(project: Project, photos: list[Photo], saving: Saving | None = None, status: int = 200):
    page, pages = _page_number(photos)
    start = (page - 1) * DESCRIBE_PAGE_SIZE
    saving = saving or Saving()
    shown = photos[start : start + DESCRIBE_PAGE_SIZE]
    # A refused photo that moved off this page meanwhile (reordered) still comes back, typed text and all.
    shown += [p for p in photos if p.id in saving.errors and p not in shown]
    forms = {p.id: saving.forms.get(p.id) or description_form(p) for p in shown}
    return render_template(
        "admin/describe.html",
        project=project,
        photos=shown,
        forms=forms,
        errors=saving.errors,
        first_number=start + 1,
        numbers={p.id: number for number, p in enumerate(photos, 1)},
        page=page,
        pages=pages,
        needs_alt=_needs_alt(project),
        has_proposal=has_proposal,
        missing_alt=0 if project.is_private else count_missing_alt(photos),
        missing_alt_message=missing_alt_message(photos, project),
        proposals=count_proposals(photos),
        use_files_label=use_files_label,
    ), status


@bp.get("/projects/<project_id>/photos/describe")
def describe_photos(project_id: str):
    project = get_project_or_404(project_id)
    return _render(project, services().store.photos_for_project(project.id))


JSON_SHAPE = (
    'Send {"photos": [{"id", "shown", "alt_text", "caption"}, …], "accept": "all" or a photo id}: '
    "strings, alt_text, caption and accept optional."
)
ACCEPT_ALL = "all"


def _refuse(message: str):
    abort(make_response(json_error("bad_request", message, 400)) if asks_for_json() else 400)


def _submitted() -> MultiDict:
    """The form's fields, or the script's JSON as the same fields (`<id>-alt_text`, …); a text
    left out of the JSON stays as it is."""
    if not request.is_json:
        return request.form
    body = json_object()
    listed = body.get("photos", [])
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        _refuse(JSON_SHAPE)
    fields = MultiDict()
    if "accept" in body:
        if not isinstance(body["accept"], str):
            _refuse(JSON_SHAPE)
        fields.add("accept", body["accept"])
    for item in listed:
        present = {name: item[name] for name in ("shown", *TEXT_FIELDS) if name in item}
        if not isinstance(item.get("id"), str) or not all(isinstance(v, str) for v in present.values()):
            _refuse(JSON_SHAPE)
        fields.add(f"{item['id']}-shown", present.pop("shown", ""))
        for name, value in present.items():
            fields.add(f"{item['id']}-{name}", value)
    return fields


def _submitted_ids(formdata: MultiDict) -> list[str]:
    """The photos the form (or JSON) carries: one `<id>-shown` field each."""
    ids = [name.removesuffix("-shown") for name in formdata if name.endswith("-shown")]
    if (not ids and not formdata.get("accept")) or len(ids) > DESCRIBE_PAGE_SIZE:
        _refuse(f"Send the text of 1 to {DESCRIBE_PAGE_SIZE} photos.")
    return ids


def _refuse_as_changed(current: Photo, form: PhotoDescriptionForm, saving: Saving) -> None:
    """Someone else saved this photo's text since the page showed it: say what it is now, keep what
    was typed, and take the fingerprint of theirs, so that saving again replaces it knowingly."""
    now = f"“{current.alt_text}”" if current.alt_text else "no alt text"
    form.shown.data = fingerprint(current)
    saving.errors[current.id] = {
        "photo": f"Someone else changed this photo's text while you typed (it now has {now}). "
        "Yours is kept here: Save again to replace theirs."
    }


def _save_one(photo: Photo, form: PhotoDescriptionForm, saving: Saving) -> None:
    """Save one photo's typed text if it changed, or note why not (the form keeps what was typed)."""
    saving.forms[photo.id] = form
    if not form.validate():
        saving.errors[photo.id] = {name: messages[0] for name, messages in form.errors.items()}
        return
    alt_text, caption = (
        getattr(photo, name) if form[name].data is None else form[name].data.strip() for name in TEXT_FIELDS
    )
    if (alt_text, caption) == (photo.alt_text, photo.caption):
        return
    if form.shown.data != fingerprint(photo):
        _refuse_as_changed(photo, form, saving)
        return
    try:
        stored = photo_edits.update_text(photo, alt_text, caption)
    except ValidationError as exc:
        saving.errors[photo.id] = dict(exc.errors)
    except StaleVersionError:  # saved by someone else between our read and our write
        _refuse_as_changed(services().store.get_photo(photo.id) or photo, form, saving)
    else:
        saving.saved.append(stored)
        saving.forms[photo.id] = description_form(stored)


def _save_all(project: Project, formdata: MultiDict) -> tuple[Saving, list[Photo]]:
    """Save every submitted photo of the project; the project's photos as they are now."""
    listed = services().store.photos_for_project(project.id)
    current = {p.id: p for p in listed}
    saving = Saving()
    for photo_id in _submitted_ids(formdata):
        if photo_id in current:
            _save_one(current[photo_id], PhotoDescriptionForm(formdata, prefix=photo_id), saving)
        else:
            saving.errors[photo_id] = {"photo": "This photo is no longer in this project (deleted?)."}
    saved = {p.id: p for p in saving.saved}
    listed = [saved.get(p.id, p) for p in listed]
    accept = formdata.get("accept", "")
    if accept:
        chosen = [p for p in listed if accept in (ACCEPT_ALL, p.id) and has_proposal(p)]
        saving.accepted = photo_edits.use_file_texts(project, chosen)
        taken = {p.id: p for p in saving.accepted}
        for photo in saving.accepted:
            saving.forms[photo.id] = description_form(photo)
        listed = [taken.get(p.id, p) for p in listed]
    return saving, listed


def _saved_message(saving: Saving) -> str:
    saved = f"Saved {photos_count(len(saving.saved))}." if saving.saved else "Nothing saved."
    if saving.accepted:
        taken = f"Alt text taken from the files of {photos_count(len(saving.accepted))}."
        saved = f"{saved} {taken}" if saving.saved else taken
    if not saving.errors:
        return saved if saving.saved or saving.accepted else "No changes to save."
    refused = len(saving.errors)
    return f"{saved} {photos_count(refused)} {'was' if refused == 1 else 'were'} not saved: the reason is beside it."


def _json_answer(saving: Saving, photos: list[Photo], project: Project):
    return jsonify(
        ok=not saving.errors,
        message=_saved_message(saving),
        saved={p.id: file_text_json(p) for p in saving.saved + saving.accepted},
        errors=saving.errors,
        shown={photo_id: form.shown.data for photo_id, form in saving.forms.items()},
        needs_alt={p.id: _needs_alt(project)(p) for p in photos if p.id in saving.forms},
        proposed={p.id: has_proposal(p) for p in photos if p.id in saving.forms},
        missing_alt=0 if project.is_private else count_missing_alt(photos),
        missing_alt_message=missing_alt_message(photos, project),
        proposals=count_proposals(photos),
        proposals_label=use_files_label(count_proposals(photos)),
    ), (200 if not saving.errors else 400)


@bp.post("/projects/<project_id>/photos/describe")
def save_descriptions(project_id: str):
    project = get_project_or_404(project_id)
    saving, photos = _save_all(project, _submitted())
    if saving.saved:
        content.activity.record(
            f"Described {photos_count(len(saving.saved))} of “{project.title}”", project_id=project.id
        )
    if asks_for_json():
        return _json_answer(saving, photos, project)
    flash(_saved_message(saving), "error" if saving.errors else "success")
    if saving.errors:
        return _render(project, photos, saving, status=400)
    page = request.args.get("page", 1, type=int)
    return redirect(url_for("admin.describe_photos", project_id=project.id, page=page))
