"""Projects: the list per category (in display order, reorderable), create, edit, delete, preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for

from .. import content, gallery_access
from ..accounts import hash_password
from ..blobs import project_prefixes
from ..domain import Project, ValidationError, slugify, to_local, to_utc
from ..http_errors import json_error, json_object
from ..photos import pages as page_photos
from ..public.views import render_project
from ..services import services
from ..stores import ConflictError, NotFoundError, StaleVersionError
from ..stores.paging import read_page
from ..text import long_date
from .blueprint import bp
from .forms import ConfirmForm, MoveForm, ProjectForm, choices

EDITABLE = content.revisions.PROJECT_FIELDS  # what the form edits is what a revision keeps
SCHEDULE_FIELDS = ("publish_at", "unpublish_at")
FIELD_LABELS = {name: getattr(ProjectForm, name).args[0] for name in EDITABLE}
ADMIN_PAGE_SIZE = 50  # projects per page of the admin list
EXTEND_DAYS = 30


def get_project_or_404(project_id: str) -> Project:
    project = services().store.get_project(project_id)
    if project is None:
        abort(404, "This project no longer exists.")
    return project


@bp.get("/projects/")
def projects():
    categories = services().categories
    if not categories:
        flash("Create a category first: every project belongs to one.", "info")
        return redirect(url_for("admin.categories"))
    category = request.args.get("category") or next(iter(categories))
    if category not in categories:
        abort(404)
    store = services().store
    state = request.args.get("state", "")
    query = (request.args.get("q") or "").strip()
    filtered = bool(state or query)
    earlier = later = None
    if filtered:  # a search looks through the whole category (what a search is for)
        shown = [
            p
            for p in store.projects_in_category(category)
            if (state != "drafts" or not p.published)
            and (state != "published" or p.published)
            and (not query or query.casefold() in f"{p.title} {p.slug} {p.location} {p.client}".casefold())
        ]
    else:  # a page of the list, in display order
        after, before = request.args.get("after", type=int), request.args.get("before", type=int)
        shown, beyond = read_page(
            partial(store.projects_page, category), ADMIN_PAGE_SIZE, after=after, before=before
        )
        if beyond:  # there is a next (or previous) page
            earlier, later = (shown[0].order, None) if before is not None else (None, shown[-1].order)
        if shown and earlier is None and (after is not None or before is not None):
            earlier = (
                shown[0].order if store.projects_page(category, before=shown[0].order, limit=1) else None
            )
        if shown and later is None and before is not None:
            later = shown[-1].order
    counts = store.project_counts()
    return render_template(
        "admin/projects.html",
        category=category,
        projects=shown,
        filtered=filtered,
        earlier=earlier,
        later=later,
        state=state,
        query=query,
        counts={slug: sum(counts.get(slug, {}).values()) for slug in categories},
        move_form=MoveForm(),
    )


@bp.route("/projects/new", methods=["GET", "POST"])
def new_project():
    form = ProjectForm()
    _prepare(form, photos=[])
    if request.method == "GET":
        form.category.data = request.args.get("category") or next(iter(services().categories), "")
    if form.validate_on_submit():
        project = _with_new_password(Project(**_values(form)), form)
        try:
            project = content.projects.create(project)
        except (ValidationError, ConflictError) as exc:
            _show_errors(form, exc)
        else:
            flash(f"Project “{project.title}” created. Now add its photos.", "success")
            return redirect(url_for("admin.photos", project_id=project.id))
    return render_template("admin/project_form.html", form=form, project=None), 400 if form.errors else 200


@bp.route("/projects/<project_id>", methods=["GET", "POST"])
def edit_project(project_id: str):
    project = get_project_or_404(project_id)
    photos = services().store.photos_for_project(project.id)
    form = ProjectForm(obj=project) if request.method == "GET" else ProjectForm()
    _prepare(form, photos)
    if request.method == "GET":
        form.version.data = str(project.version)
        zone = services().site_settings().time_zone
        for name in SCHEDULE_FIELDS:  # stored in UTC, edited in the site's time zone
            stored = getattr(project, name)
            getattr(form, name).data = to_local(stored, zone).replace(tzinfo=None) if stored else None
    conflict: list[str] = []
    pages_showing: list = []
    if form.validate_on_submit():
        edited = _with_new_password(
            replace(project, **_values(form), version=int(form.version.data or 0)), form
        )
        on_pages = page_photos.showing(project) if edited.is_private and not project.is_private else []
        try:
            if on_pages and not request.form.get("pages_confirmed"):
                raise PagesShowIt
            for photo in on_pages:  # kept ones become the page's own; the others leave with the save
                if photo.id in request.form.getlist("keep_on_page"):
                    page_photos.keep_as_own(photo)
            saved = content.projects.save(edited, previous=project)
        except PagesShowIt:
            pages_showing = [(photo, page_photos.where(photo)) for photo in on_pages]
        except StaleVersionError:
            conflict = _changed_fields(form, project)
            form.version.data = str(project.version)  # saving again knowingly replaces their version
        except (ValidationError, ConflictError) as exc:
            _show_errors(form, exc)
        except NotFoundError:
            abort(404, "This project was deleted while you were editing it.")
        else:
            kept = [p for p in on_pages if p.id in request.form.getlist("keep_on_page")]
            flash(
                f"Saved “{saved.title}”."
                + (" It is live." if saved.published and not project.published else "")
                + "".join(
                    f" {page_photos.PAGE_PLACES.get(p.page_id, 'A page')} "
                    + ("keeps its own copy of the photo." if p in kept else "no longer shows its photo.")
                    for p in on_pages
                ),
                "success",
            )
            return redirect(url_for("admin.edit_project", project_id=saved.id))
    status = 409 if conflict or pages_showing else 400 if form.errors else 200
    return render_template(
        "admin/project_form.html",
        form=form,
        project=project,
        photos=photos,
        conflict=conflict,
        pages_showing=pages_showing,
        gallery_today=gallery_access.today(),
        wrong_guesses=gallery_access.wrong_guesses(project),
    ), status


@bp.route("/projects/<project_id>/delete", methods=["GET", "POST"])
def delete_project(project_id: str):
    project = get_project_or_404(project_id)
    photos = services().store.photos_for_project(project.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        content.projects.delete(project)
        count = len(photos)
        with_photos = "" if not count else " and its photo" if count == 1 else f" and its {count} photos"
        flash(
            f"Moved “{project.title}”{with_photos} to the trash. Restore it from the Trash "
            f"within {current_app.config['TRASH_DAYS']} days to undo.",
            "success",
        )
        return redirect(url_for("admin.projects", category=project.category))
    files = sum(len(services().blobs.list_keys(prefix)) for prefix in project_prefixes(project.id))
    return render_template(
        "admin/project_delete.html",
        project=project,
        photos=photos,
        files=files,
        form=form,
        days=current_app.config["TRASH_DAYS"],
    )


@bp.post("/projects/<project_id>/move")
def move_project(project_id: str):
    project = get_project_or_404(project_id)
    form = MoveForm()
    if form.validate_on_submit() and form.step.data in (-1, 1):
        content.projects.move(project, form.step.data)
    # Back to the page of the list it was moved on (the arrows post its `after`/`before`).
    page = {name: request.args.get(name, type=int) for name in ("after", "before") if name in request.args}
    return redirect(url_for("admin.projects", category=project.category, **page) + f"#project-{project.id}")


@bp.post("/projects/reorder")
def reorder_projects():
    """Drag and drop: the whole new order of one category in one request, one atomic write."""
    data = json_object()
    category, ids = data.get("category"), data.get("ids")
    if (
        category not in services().categories
        or not isinstance(ids, list)
        or not all(isinstance(i, str) for i in ids)
    ):
        return json_error(
            "bad_request", "Send {category, ids: [...]} listing every project of the category.", 400
        )
    try:
        content.projects.reorder(category, ids)
    except ValueError as exc:
        return json_error("stale_order", f"The list changed meanwhile ({exc}); reload the page.", 409)
    return jsonify(ok=True, ids=ids)


@bp.get("/projects/<project_id>/preview")
def preview_project(project_id: str):
    """The project exactly as visitors will see it, drafts included (never cached)."""
    return render_project(get_project_or_404(project_id), preview=True)


# -- client galleries ----------------------------------------------------------------------------
@bp.post("/projects/<project_id>/gallery/extend")
def extend_gallery(project_id: str):
    """Open the gallery 30 more days from its last day (or from today, when it has passed)."""
    project = get_project_or_404(project_id)
    if ConfirmForm().validate_on_submit():
        start = max(
            date.fromisoformat(project.gallery_expires_on or gallery_access.today()),
            date.fromisoformat(gallery_access.today()),
        )
        saved = content.galleries.set_expiry(project, (start + timedelta(days=EXTEND_DAYS)).isoformat())
        flash(f"“{saved.title}” is open until {long_date(saved.gallery_expires_on)}.", "success")
    return redirect(url_for("admin.edit_project", project_id=project.id) + "#client-gallery")


@bp.post("/projects/<project_id>/gallery/reset")
def reset_gallery_password(project_id: str):
    """A new password, made up here and shown once: every client must use it from now on."""
    project = get_project_or_404(project_id)
    if ConfirmForm().validate_on_submit():
        password = content.galleries.new_password()
        content.galleries.set_password(project, password)
        flash(
            f"New password for “{project.title}”: {password} — send it to your client. "
            "Everyone who had opened the gallery is asked for it again.",
            "success",
        )
    return redirect(url_for("admin.edit_project", project_id=project.id) + "#client-gallery")


# -- helpers -------------------------------------------------------------------------------------
class PagesShowIt(Exception):
    """The project is becoming a client gallery while pages show its photos: the photographer says
    which ones stay (as the page's own copy) before anything is saved."""


def _with_new_password(project: Project, form: ProjectForm) -> Project:
    """Typed gallery passwords, hashed; a new one (or guest access removed) ends every grant."""
    changes: dict = {}
    if password := (form.gallery_password.data or "").strip():
        changes["gallery_password_hash"] = hash_password(password)
    if form.remove_guest_password.data and project.gallery_guest_password_hash:
        changes["gallery_guest_password_hash"] = ""
    elif guest := (form.gallery_guest_password.data or "").strip():
        changes["gallery_guest_password_hash"] = hash_password(guest)
    if not changes:
        return project
    return replace(project, **changes, gallery_epoch=project.gallery_epoch + 1)


def _prepare(form: ProjectForm, photos: list) -> None:
    form.category.choices = choices(services().categories.items())
    ready = [p for p in photos if p.is_ready]
    form.cover_photo_id.choices = choices(
        [("", "First ready photo")]
        + [
            (p.id, f"Photo {i}: {p.alt_text or p.filename or 'no alt text yet'}"[:90])
            for i, p in enumerate(ready, start=1)
        ]
    )


def _values(form: ProjectForm) -> dict:
    values = {name: getattr(form, name).data for name in EDITABLE}
    for name in (
        "title",
        "slug",
        "description",
        "location",
        "client",
        "seo_title",
        "seo_description",
        "cover_photo_id",
        "gallery_expires_on",
    ):
        values[name] = (values[name] or "").strip()
    values["slug"] = values["slug"] or slugify(values["title"])
    zone = services().site_settings().time_zone
    for name in SCHEDULE_FIELDS:
        values[name] = to_utc(values[name], zone) if values[name] else ""
    return values


def _show_errors(form: ProjectForm, exc: Exception) -> None:
    errors = exc.errors if isinstance(exc, ValidationError) else {exc.field: str(exc)}
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is None:
            flash(message, "error")
        else:
            field.errors = list(field.errors) + [message]


def _changed_fields(form: ProjectForm, current: Project) -> list[str]:
    """Which fields the other person changed (what differs between the stored project and what
    this editor started from is unknown, so name the fields where theirs differs from ours)."""
    typed = _values(form)
    return [FIELD_LABELS[name] for name in EDITABLE if getattr(current, name) != typed[name]]
