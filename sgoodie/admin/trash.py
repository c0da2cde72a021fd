"""The Trash: deleted projects and photos, restorable until the sweeper empties them."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from .. import content
from ..domain import ValidationError
from ..stores import ConflictError
from .blueprint import bp
from .forms import ConfirmForm


@bp.get("/trash/")
def trash_page():
    return render_template(
        "admin/trash.html",
        entries=content.trash.entries(),
        listed=content.trash.LISTED,
        days=current_app.config["TRASH_DAYS"],
        form=ConfirmForm(),
    )


# A project with more photos than this comes back in the background: moving thousands of files back
# from under `trash/` can take minutes on S3, longer than a request may.
RESTORE_NOW_PHOTOS = 25


@bp.post("/trash/restore")
def restore_trashed():
    if ConfirmForm().validate_on_submit():
        key = request.form.get("entry", "")
        entry = content.trash.get(key)
        if entry is not None and entry.kind == "project" and entry.photo_count > RESTORE_NOW_PHOTOS:
            content.trash.restore_in_background(entry)
            flash(
                f"Restoring “{entry.title}” with its {entry.photo_count} photos: it is back on the site "
                "in a minute or two, once its files are back in place.",
                "success",
            )
            return redirect(url_for("admin.trash_page"))
        try:
            flash(content.trash.restore(key), "success")
        except ValidationError as exc:
            flash(" ".join(exc.errors.values()), "error")
        except ConflictError as exc:
            flash(str(exc), "error")
    return redirect(url_for("admin.trash_page"))


@bp.route("/trash/delete", methods=["GET", "POST"])
def delete_forever():
    """Deleting for good asks once more: it is the one step that cannot be undone."""
    key = request.values.get("entry", "")
    entry = content.trash.get(key)
    if entry is None:
        flash("This item is no longer in the trash.", "error")
        return redirect(url_for("admin.trash_page"))
    form = ConfirmForm()
    if request.method == "POST" and request.form.get("confirmed") and form.validate_on_submit():
        flash(content.trash.delete_forever(key), "success")
        return redirect(url_for("admin.trash_page"))
    return render_template("admin/trash_delete.html", entry=entry, form=form)
