"""History: the revisions of a project, a page or the site settings, each with what changed
since the one before (field by field, words removed and added marked), and restore."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from .. import content
from ..content.revisions import diff
from ..domain import PAGE_IDS, SITE_PAGE_ID, Photo, ValidationError
from ..services import services
from ..stores import ConflictError, StaleVersionError
from .blueprint import bp
from .forms import ConfirmForm, ProjectForm, SettingsForm

PAGE_FIELD_LABELS = {
    "headline": "Headline",
    "subheadline": "Subheadline",
    "intro": "Introduction",
    "cta_title": "Call to action title",
    "cta_text": "Call to action text",
    "heading": "Heading",
    "bio": "Bio",
    "offer": "Offer",
    "packages": "Packages",
    "seo_title": "Search title",
    "seo_description": "Search description",
}
PROJECT_FIELD_LABELS = {
    **{
        name: getattr(ProjectForm, name).args[0]
        for name in content.revisions.PROJECT_FIELDS
        if hasattr(ProjectForm, name)
    },
    "cover_photo_id": "Cover photo",
}

SETTINGS_FIELD_LABELS = {
    name: field.args[0]
    for name, field in vars(SettingsForm).items()
    if isinstance(getattr(field, "args", None), tuple) and field.args and isinstance(field.args[0], str)
}


def _item(kind: str, item_id: str) -> tuple[str, str, dict[str, str]]:
    """The item's title, the address of its editor and its field labels; 404 if it is unknown."""
    if kind == "project":
        project = services().store.get_project(item_id)
        if project is None:
            abort(404, "This project no longer exists.")
        return f"“{project.title}”", url_for("admin.edit_project", project_id=item_id), PROJECT_FIELD_LABELS
    if kind == "page" and (item_id in PAGE_IDS or item_id.removeprefix("work-") in services().categories):
        name = services().categories.get(item_id[5:]) if item_id.startswith("work-") else None
        title = f"the {name} page" if name else f"the {item_id.replace('-', ' ')} page"
        return title, url_for("admin.edit_page", page_id=item_id), PAGE_FIELD_LABELS
    if kind == "settings" and item_id == SITE_PAGE_ID:
        return "the site settings", url_for("admin.settings"), SETTINGS_FIELD_LABELS
    abort(404)


@bp.get("/history/<kind>/<item_id>")
def history(kind: str, item_id: str):
    title, back, labels = _item(kind, item_id)
    revisions = content.revisions.store().history(kind, item_id)
    names = services().category_list().names
    worded = {"category": lambda slug: names.get(slug, slug)}
    shown = [
        (revision, diff(older.fields if older else None, revision.fields, worded))
        for revision, older in zip(revisions, revisions[1:] + [None], strict=True)
    ]
    return render_template(
        "admin/history.html",
        title=title,
        back=back,
        kind=kind,
        item_id=item_id,
        shown=shown,
        labels=labels,
        covers=_cover_photos(shown) if kind == "project" else {},
        form=ConfirmForm(),
    )


def _cover_photos(shown: list) -> dict[str, Photo]:
    """The photos a project's history names as its cover, to show them as thumbnails (one read
    each, at most two a revision kept); a photo deleted since is missing, and said so."""
    ids = {
        photo_id
        for _, changes in shown
        for change in changes
        if change.name == "cover_photo_id"
        for photo_id in (change.before, change.after)
        if photo_id
    }
    found = {photo_id: services().store.get_photo(photo_id) for photo_id in ids}
    return {photo_id: photo for photo_id, photo in found.items() if photo is not None}


@bp.post("/history/<kind>/<item_id>/restore")
def restore_revision(kind: str, item_id: str):
    title, back, _ = _item(kind, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            content.revisions.restore(kind, item_id, request.form.get("revision", ""))
        except ValidationError as exc:
            flash("Could not restore it: " + " ".join(exc.errors.values()), "error")
        except (ConflictError, StaleVersionError) as exc:
            flash(f"Could not restore it: {exc}", "error")
        else:
            flash(
                f"Restored that version of {title}; visitors see it now. It is the newest revision below.",
                "success",
            )
    return redirect(url_for("admin.history", kind=kind, item_id=item_id))
