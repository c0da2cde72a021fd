"""A project's photos: status, alt text and caption, cover, order, delete. Uploading is served by
the media API; this page hosts its drop zone."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from .. import content
from ..domain import RIGHTS_LABELS, Photo, PhotoStatus, Project, Rights, ValidationError
from ..http_errors import asks_for_json, json_error, json_object
from ..photos import edits as photo_edits
from ..photos import lifecycle, rerender
from ..services import services
from ..stores import StaleVersionError
from ..text import photos_count
from .blueprint import bp
from .forms import ConfirmForm, FocalPointForm, MoveForm, PhotoRightsForm, PhotoTextForm
from .projects import get_project_or_404


def get_photo_or_404(photo_id: str) -> Photo:
    photo = services().store.get_photo(photo_id)
    if photo is None:
        abort(404, "This photo no longer exists.")
    return photo


def _back_to(photo: Photo) -> str:
    return url_for("admin.photos", project_id=photo.project_id) + f"#photo-{photo.id}"


def needs_alt(photo: Photo) -> bool:
    """Ready without alt text: visitors do not see it (and a draft with it cannot be published)."""
    return photo.is_ready and not photo.alt_text.strip()


def count_missing_alt(photos: list[Photo]) -> int:
    return sum(1 for p in photos if needs_alt(p))


def has_proposal(photo: Photo) -> bool:
    """Waiting for alt text, with a title or description from its file to offer."""
    return needs_alt(photo) and bool(photo.proposed_alt_text)


def count_proposals(photos: list[Photo]) -> int:
    return sum(1 for p in photos if has_proposal(p))


def use_files_label(count: int) -> str:
    return f"Use the file's titles for {photos_count(count)}"


def file_text_json(photo: Photo) -> dict:
    """A photo's text as the scripts see it after a change: what is in use and where it came from."""
    return {
        "alt_text": photo.alt_text,
        "caption": photo.caption,
        "alt_text_from_file": photo.alt_text_from_file,
        "caption_from_file": photo.caption_from_file,
    }


def missing_alt_notice(project: Project, count: int | str) -> str:
    """What the photos page says of `count` ready photos without alt text (`count` may be the
    script's "{count}" placeholder, read as many); empty in a client gallery, where the client
    sees every ready photo and alt text is optional. Only the listed portfolio gets the alarm
    (`Project.wants_alt_alarm`); an unlisted project is told quietly what its link shows."""
    if project.is_private:
        return ""
    one = count == 1
    photos = f"{count} photo{'' if one else 's'}"
    if project.wants_alt_alarm:
        them = "it until it has" if one else "them until they have"
        return (
            f"{photos} still need{'s' if one else ''} alt text: visitors do not see {them} one. "
            "Describe what is in each picture for people who cannot see it."
        )
    if project.published:  # unlisted
        return (
            f"{photos} {'has' if one else 'have'} no alt text yet. People you send the link to see "
            f"the others; {'it joins' if one else 'they join'} them once described."
        )
    return f"{photos} still need{'s' if one else ''} alt text before this project can be published."


def _answer(photo: Photo, message: str, *, error: int | None = None, **fields):
    """How a change to one photo is answered: JSON for the page's script (`ok` with `fields`, or
    the error), else `message` flashed and back to the photo in its list."""
    if asks_for_json():
        return json_error("invalid", message, error) if error else jsonify(ok=True, **fields)
    flash(message, "error" if error else "success")
    return redirect(_back_to(photo))


@bp.get("/projects/<project_id>/photos")
def photos(project_id: str):
    project = get_project_or_404(project_id)
    listed = services().store.photos_for_project(project.id)
    forms = {
        p.id: PhotoTextForm(prefix=p.id, data={"alt_text": p.alt_text, "caption": p.caption}) for p in listed
    }
    missing_alt = count_missing_alt(listed)
    return render_template(
        "admin/photos.html",
        project=project,
        photos=listed,
        forms=forms,
        missing_alt=missing_alt,
        proposals=count_proposals(listed),
        use_files_label=use_files_label,
        missing_alt_notice=missing_alt_notice,
        confirm_form=ConfirmForm(),
        move_form=MoveForm(),
        max_upload_mb=services().config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
    )


@bp.post("/photos/<photo_id>/text")
def photo_text(photo_id: str):
    photo = get_photo_or_404(photo_id)
    form = PhotoTextForm(prefix=photo.id)
    if not form.validate_on_submit():
        return _answer(photo, "; ".join(e for errors in form.errors.values() for e in errors), error=400)
    try:
        photo = photo_edits.update_text(photo, form.alt_text.data or "", form.caption.data or "")
    except ValidationError as exc:
        return _answer(photo, "; ".join(exc.errors.values()), error=409)
    except StaleVersionError:
        return _answer(photo, "This photo changed meanwhile; reload the page.", error=409)
    return _answer(photo, "Photo text saved.", alt_text=photo.alt_text, caption=photo.caption)


@bp.post("/photos/<photo_id>/file-text")
def use_file_text(photo_id: str):
    """Accept the alt text (and caption) the photo's file proposes, with one click."""
    photo = get_photo_or_404(photo_id)  # the CSRF token is checked for every POST (security.py)
    try:
        accepted = photo_edits.use_file_text(photo)
    except StaleVersionError:
        return _answer(photo, "This photo changed meanwhile; reload the page.", error=409)
    if accepted is None:
        return _answer(photo, "This photo has alt text already, or its file proposes none.", error=409)
    return _answer(accepted, "Alt text taken from the file.", **file_text_json(accepted))


@bp.post("/projects/<project_id>/photos/file-text")
def use_file_texts(project_id: str):
    """Accept every proposal of the project (`{"photos": [ids]}` in JSON: only those)."""
    project = get_project_or_404(project_id)
    listed = services().store.photos_for_project(project.id)
    chosen = json_object().get("photos") if request.is_json else None
    if chosen is not None:
        if not isinstance(chosen, list) or not all(isinstance(i, str) for i in chosen):
            return json_error("bad_request", 'Send {"photos": [photo ids]}, or nothing for every photo.', 400)
        listed = [p for p in listed if p.id in set(chosen)]
    accepted = photo_edits.use_file_texts(project, [p for p in listed if has_proposal(p)])
    message = (
        f"Alt text taken from the files of {photos_count(len(accepted))}."
        if accepted
        else "No photo had a proposal from its file to take."
    )
    if asks_for_json():
        return jsonify(ok=True, message=message, photos={p.id: file_text_json(p) for p in accepted})
    flash(message, "success")
    return redirect(url_for("admin.photos", project_id=project.id))


@bp.route("/photos/<photo_id>/rights", methods=["GET", "POST"])
def photo_rights(photo_id: str):
    """The photo's own credit and licensing, beside what its original carries and what its files
    carry now. Saving queues new files when what they carry changes (visitors keep the current
    ones until the new ones are ready)."""
    photo = get_photo_or_404(photo_id)
    project = get_project_or_404(photo.project_id)
    prefix = Photo.RIGHTS_FORM_PREFIX
    own = {prefix + name: value for name, value in photo.rights_override.items()}
    form = PhotoRightsForm(data=own) if request.method == "GET" else PhotoRightsForm()
    status = 200
    if form.validate_on_submit():
        override = Rights(**{name: (form[prefix + name].data or "").strip() for name in RIGHTS_LABELS})
        try:
            photo = photo_edits.update_rights(photo, override)
        except ValidationError as exc:
            for name, message in exc.errors.items():
                form[name].errors = list(form[name].errors) + [message]
            status = 400
        except StaleVersionError:
            flash("This photo changed meanwhile (its processing finished?); save again.", "error")
            status = 409
        else:
            if rerender.rerender_photo(photo):
                flash(
                    "Credit saved. The photo's files are being written again with it; visitors see "
                    "the current ones until then.",
                    "success",
                )
            else:
                flash("Credit saved.", "success")
            return redirect(url_for("admin.photo_rights", photo_id=photo.id))
    elif form.errors:
        status = 400
    return render_template(
        "admin/photo_rights.html",
        photo=photo,
        project=project,
        form=form,
        labels=RIGHTS_LABELS,
        source=Rights.from_dict(photo.rights_source),
        written=Rights.from_dict(photo.rights),
    ), status


@bp.post("/photos/<photo_id>/focal")
def photo_focal(photo_id: str):
    """Where the photo's subject is (the click on its thumbnail, or the two numbers)."""
    photo = get_photo_or_404(photo_id)
    form = FocalPointForm()
    if not form.validate_on_submit():
        errors = dict.fromkeys(e for errors in form.errors.values() for e in errors)
        return _answer(photo, "; ".join(errors), error=400)
    try:
        photo = photo_edits.set_focal_point(photo, form.focal_x.data / 100, form.focal_y.data / 100)
    except ValidationError as exc:
        return _answer(photo, "; ".join(exc.errors.values()), error=400)
    return _answer(
        photo,
        "Focal point saved: every crop of this photo keeps it in view.",
        focal_x=photo.focal_x,
        focal_y=photo.focal_y,
    )


@bp.post("/photos/<photo_id>/cover")
def photo_cover(photo_id: str):
    photo = get_photo_or_404(photo_id)
    if ConfirmForm().validate_on_submit():
        project = get_project_or_404(photo.project_id)
        if not photo.is_ready:
            flash("Only a processed photo can be the cover.", "error")
        elif project.published and not photo.is_shown:
            # Visitors would see the project's cards without a picture until it is described.
            flash("Give this photo its alt text first: visitors do not see it until it has one.", "error")
        else:
            content.projects.set_cover(project, photo.id)
            flash("Cover photo changed.", "success")
    return redirect(_back_to(photo))


@bp.post("/photos/<photo_id>/retry")
def retry_photo(photo_id: str):
    """Queue a failed photo's job again (the original is still in storage)."""
    photo = get_photo_or_404(photo_id)
    if ConfirmForm().validate_on_submit() and photo.status == PhotoStatus.FAILED:
        lifecycle.retry(photo)
        return _answer(photo, "Processing the photo again.", status=PhotoStatus.QUEUED)
    return redirect(_back_to(photo))


@bp.post("/photos/<photo_id>/move")
def move_photo(photo_id: str):
    photo = get_photo_or_404(photo_id)
    form = MoveForm()
    if form.validate_on_submit() and form.step.data in (-1, 1):
        photo_edits.move(photo, form.step.data)
    return redirect(_back_to(photo))


@bp.post("/projects/<project_id>/photos/reorder")
def reorder_photos(project_id: str):
    """Drag and drop: the project's whole new photo order in one request, one atomic write."""
    project = get_project_or_404(project_id)
    ids = json_object().get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        return json_error("bad_request", "Send {ids: [...]} listing every photo of the project.", 400)
    try:
        photo_edits.reorder(project, ids)
    except ValueError as exc:
        return json_error("stale_order", f"The photos changed meanwhile ({exc}); reload the page.", 409)
    return jsonify(ok=True, ids=ids)


@bp.route("/photos/<photo_id>/delete", methods=["GET", "POST"])
def delete_photo(photo_id: str):
    photo = get_photo_or_404(photo_id)
    project = get_project_or_404(photo.project_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        photo_edits.delete(photo)
        message = (
            f"Photo moved to the Trash. Restore it from there within {current_app.config['TRASH_DAYS']} "
            "days to undo; after that it is deleted for good."
        )
        if asks_for_json():
            return jsonify(ok=True, message=message)
        flash(message, "success")
        return redirect(url_for("admin.photos", project_id=project.id))
    return render_template(
        "admin/photo_delete.html",
        photo=photo,
        project=project,
        form=form,
        days=current_app.config["TRASH_DAYS"],
    )


@bp.get("/photos/<photo_id>/card")
def photo_card(photo_id: str):
    """One photo's card of the grid, as the photos page renders it: the uploader inserts it (or
    replaces the card it shows) when a photo it follows is ready or failed, without a reload."""
    photo = get_photo_or_404(photo_id)
    project = get_project_or_404(photo.project_id)
    listed = [p.id for p in services().store.photos_for_project(project.id)]
    index = listed.index(photo.id) + 1 if photo.id in listed else len(listed)
    form = PhotoTextForm(prefix=photo.id, data={"alt_text": photo.alt_text, "caption": photo.caption})
    return render_template(
        "admin/_photo_card.html",
        photo=photo,
        f=form,
        project=project,
        index=index,
        first=index == 1,
        last=index == len(listed),
    )
