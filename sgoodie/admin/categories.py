"""Categories: create, rename (the old address redirects), reorder, hide, delete when empty.
Their introduction and search texts are edited on their page (`/admin/pages/work-<slug>`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from .. import content
from ..domain import ValidationError
from ..services import services
from ..stores import StaleVersionError
from .blueprint import bp
from .forms import CategoryForm, ConfirmForm, MoveForm


def _counts() -> dict[str, int]:
    counts = services().store.project_counts()
    return {c.slug: sum(counts.get(c.slug, {}).values()) for c in services().category_list().items}


def _show_errors(form: CategoryForm, exc: ValidationError) -> None:
    for name, message in exc.errors.items():
        getattr(form, name, form.name).errors = [message]


@bp.route("/categories/", methods=["GET", "POST"])
def categories():
    """The list (with ↑/↓ and the project counts) and the form adding one."""
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            created = content.categories.create(form.name.data, form.slug.data or "", hidden=form.hidden.data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            flash(f"Category “{created.name}” created at /work/{created.slug}.", "success")
            return redirect(url_for("admin.categories"))
    return render_template(
        "admin/categories.html",
        form=form,
        listed=services().category_list().items,
        counts=_counts(),
        move_form=MoveForm(),
    ), 400 if form.errors else 200


@bp.route("/categories/<slug>", methods=["GET", "POST"])
def edit_category(slug: str):
    category = services().category_list().get(slug)
    if category is None:
        abort(404)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            saved = content.categories.update(
                slug, name=form.name.data, new_slug=form.slug.data or slug, hidden=form.hidden.data
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        except StaleVersionError as exc:
            form.name.errors = [str(exc)]
        else:
            moved = f" /work/{slug} now redirects to /work/{saved.slug}." if saved.slug != slug else ""
            flash(f"Saved “{saved.name}”.{moved}", "success")
            return redirect(url_for("admin.categories"))
    count = _counts().get(slug, 0)
    return render_template(
        "admin/category_form.html", form=form, category=category, count=count, delete_form=ConfirmForm()
    ), 400 if form.errors else 200


@bp.post("/categories/<slug>/move")
def move_category(slug: str):
    form = MoveForm()
    if services().category_list().get(slug) is None:
        abort(404)
    if form.validate_on_submit() and form.step.data in (-1, 1):
        content.categories.move(slug, form.step.data)
    return redirect(url_for("admin.categories"))


@bp.post("/categories/<slug>/delete")
def delete_category(slug: str):
    category = services().category_list().get(slug)
    if category is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            content.categories.delete(slug)
        except ValidationError as exc:
            return render_template(
                "admin/category_form.html",
                form=CategoryForm(obj=category, formdata=None),
                category=category,
                count=_counts().get(slug, 0),
                delete_form=ConfirmForm(),
                refused=" ".join(exc.errors.values()),
            ), 409
        flash(f"Deleted the category “{category.name}”.", "success")
    return redirect(url_for("admin.categories"))
