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


@bp.post("/trash/restore")
def restore_trashed():
    if ConfirmForm().validate_on_submit():
        try:
            flash(content.trash.restore(request.form.get("entry", "")), "success")
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
