"""The photographer's side: each client's selection of a gallery (thumbnails, lists, notes,
counts), exported as CSV or as a plain list of original file names; the gallery's proofing and
download settings (lists, download mode and size, PIN); the download log. Linked from the project
form's sidebar."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.security import generate_password_hash

from ...plugin_api import Project, ValidationError, csv_response, current_store, photo_url
from . import activity, records
from .plugin import plugin
from .views import PIN_GUESSES, list_counts

bp = plugin.add_admin_blueprint(Blueprint("proofing_admin", __name__, url_prefix="/admin/proofing"))

DASHBOARD_NEWEST = 3  # selections named on the dashboard's card
CSV_FIELDS = ("client", "email", "submitted_at", "file_name", "lists", "note", "photo_id")


def gallery_or_404(project_id: str) -> Project:
    project = current_store().get_project(project_id)
    if project is None:
        abort(404, "This project no longer exists.")
    return project


def selections(project: Project) -> list[dict[str, Any]]:
    """Every client of the gallery with their marks in the gallery's order (newest client first)."""
    order = {p.id: i for i, p in enumerate(current_store().photos_for_project(project.id))}
    found = []
    for client in records.gallery_clients(project.id):
        marks = records.client_marks(project.id, client["id"])
        marked = dict(sorted(marks.items(), key=lambda item: order.get(item[0], 1 << 30)))
        counts: dict[str, int] = {}
        for mark in marked.values():
            for name in mark.get("lists", []):
                counts[name] = counts.get(name, 0) + 1
        found.append({**client, "marks": marked, "counts": counts})
    return sorted(found, key=lambda c: c["started_at"], reverse=True)


@plugin.slot("admin_project_sidebar")
def sidebar(project: Project, **_: Any):
    if not project.is_private:
        return None
    clients = records.gallery_clients(project.id)
    settings = records.gallery_settings(project.id)
    return Markup(
        render_template("proofing/_sidebar.html", project=project, clients=clients, settings=settings)
    )


@bp.get("/<project_id>")
def gallery(project_id: str):
    project = gallery_or_404(project_id)
    records.mark_seen(project.id)
    return _gallery_page(project, records.gallery_settings(project.id))


@bp.get("/<project_id>/activity")
def activity_page(project_id: str):
    """Who opened the gallery, how often and when last, the photos they viewed, their favourites
    per list, downloads and whether they sent their selection: a page of visitors at a time."""
    project = gallery_or_404(project_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    visitors, more = activity.visitors_page(project.id, page)
    lists = records.gallery_settings(project.id).lists
    for visitor in visitors:
        client_id = visitor.get("client_id", "")
        marks = records.client_marks(project.id, client_id) if client_id else {}
        visitor["favourites"] = list_counts(marks)
    return render_template(
        "proofing/activity.html",
        project=project,
        visitors=visitors,
        lists=lists,
        page=page,
        more=more,
        options=activity.options(),
    )


@bp.post("/activity-options")
def save_activity_options():
    """The daily digest on or off and how long activity is kept (for every gallery)."""
    chosen = activity.Options(
        digest=bool(request.form.get("digest")),
        retention_days=request.form.get("retention_days", 0, type=int) or 0,
    )
    back = request.form.get("project_id", "")
    try:
        activity.save_options(chosen)
        flash("Saved the activity settings.", "success")
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    if back and current_store().get_project(back):
        return redirect(url_for("proofing_admin.activity_page", project_id=back))
    return redirect(url_for("admin.dashboard"))


@plugin.slot("dashboard_answers", order=30)
def selections_received(**_: Any) -> Markup | None:
    """The dashboard's card of selections sent and not opened yet (nothing when none waits)."""
    waiting = records.received()
    if not waiting:
        return None
    shown = waiting[: records.RECEIVED_READ]
    ids = list(dict.fromkeys(item["project_id"] for item in shown))
    titles = {p.id: p.title for p in current_store().projects_by_ids(ids)}
    return Markup(
        render_template(
            "proofing/_dashboard_card.html",
            received=[item for item in shown if item["project_id"] in titles][:DASHBOARD_NEWEST],
            count=len(shown),
            more=len(waiting) > records.RECEIVED_READ,
            titles=titles,
        )
    )


@bp.post("/<project_id>/settings")
def save_settings(project_id: str):
    project = gallery_or_404(project_id)
    current = records.gallery_settings(project.id)
    lists = [line.strip() for line in request.form.get("lists", "").splitlines() if line.strip()]
    edited = replace(
        current,
        lists=lists,
        downloads=request.form.get("downloads", ""),
        size=request.form.get("size", ""),
        watermark=request.form.get("watermark", current.watermark),
        watermark_downloads=bool(request.form.get("watermark_downloads")),
    )
    pin = request.form.get("pin", "").strip()
    if request.form.get("remove_pin"):
        edited.pin_hash, edited.pin_epoch = "", current.pin_epoch + 1
    elif pin:
        if not pin.isdigit() or not 4 <= len(pin) <= 8:
            return _settings_error(project, edited, {"pin": "Use 4 to 8 digits for the PIN."})
        edited.pin_hash, edited.pin_epoch = generate_password_hash(pin), current.pin_epoch + 1
    try:
        records.save_gallery_settings(project.id, edited)
        if project.gallery_watermark != edited.project_watermark:  # the photo job stamps by it
            plugin.update_project(project.id, gallery_watermark=edited.project_watermark)
            flash("The gallery's photos are being prepared again with the new watermark choice.", "success")
    except ValidationError as exc:
        return _settings_error(project, edited, exc.errors)
    flash("Saved the gallery's proofing and download settings.", "success")
    return redirect(url_for("proofing_admin.gallery", project_id=project.id))


def _settings_error(project: Project, edited: records.GallerySettings, errors: dict[str, str]):
    return _gallery_page(project, edited, errors), 400


def _gallery_page(project: Project, settings: records.GallerySettings, errors: dict[str, str] | None = None):
    """The gallery's proofing page: its settings form (as saved, or as sent with `errors`), each
    client's selections and the download log."""
    return render_template(
        "proofing/admin.html",
        project=project,
        settings=settings,
        clients=selections(project),
        photos={p.id: p for p in current_store().photos_for_project(project.id)},
        photo_url=photo_url,
        downloads=records.recent_downloads(project.id),
        modes=records.DOWNLOAD_MODES,
        watermarks=records.WATERMARKS,
        sizes=records.DOWNLOAD_SIZES,
        errors=errors or {},
        wrong_pins=(PIN_GUESSES.failures.count(project.id), PIN_GUESSES.delay(project.id)),
    )


def _rows(project: Project, client_id: str = "", list_name: str = "") -> list[dict[str, Any]]:
    """One row per marked photo per client, in the gallery's photo order."""
    rows = []
    for client in selections(project):
        if client_id and client["id"] != client_id:
            continue
        for photo_id, mark in client["marks"].items():
            if list_name and list_name not in mark.get("lists", []):
                continue
            rows.append(
                {
                    "client": client["name"],
                    "email": client["email"],
                    "submitted_at": client["submitted_at"],
                    "file_name": mark.get("filename", ""),
                    "lists": "; ".join(mark.get("lists", [])),
                    "note": mark.get("note", ""),
                    "photo_id": photo_id,
                }
            )
    return rows


@bp.get("/<project_id>/selections.csv")
def export_csv(project_id: str):
    project = gallery_or_404(project_id)
    rows = _rows(project, request.args.get("client", ""), request.args.get("list", ""))
    return csv_response(
        f"{project.slug}-selections.csv", CSV_FIELDS, ([row[k] for k in CSV_FIELDS] for row in rows)
    )


@bp.get("/<project_id>/file-names.txt")
def export_file_names(project_id: str):
    """The original file names, one per line, each once: paste them into Lightroom's or Capture
    One's filter to find the chosen photos. `?client=` and `?list=` narrow it; `?separator=comma`
    puts them on one line."""
    project = gallery_or_404(project_id)
    names = list(
        dict.fromkeys(
            r["file_name"]
            for r in _rows(project, request.args.get("client", ""), request.args.get("list", ""))
            if r["file_name"]
        )
    )
    separator = ", " if request.args.get("separator") == "comma" else "\n"
    return Response(
        separator.join(names) + "\n",
        mimetype="text/plain",
        headers={"Content-Disposition": f'inline; filename="{project.slug}-file-names.txt"'},
    )
