"""The client's side: a name and e-mail asked once, marks in named lists, notes, the selection
and its submission, single downloads, the download PIN, and the whole-gallery ZIP's progress.

Every route needs the core's client grant for the gallery (`gallery_access`); without one a visitor
is sent to the gallery's address, which asks for the password; a guest (the view-only password)
is refused: they look, they do not choose or download. Plain forms and redirects back to the
photo (`#photo-<id>`), so choosing works without JavaScript and with the keyboard; with it,
static/proofing.js posts the same forms in the background and the mark and note routes answer
JSON (`Accept: application/json`; errors in the site's one JSON error shape). Every answer is
`private, no-store`: nothing here is cached or indexed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.security import check_password_hash

from ...plugin_api import (
    Photo,
    Project,
    RateCeiling,
    RateWindow,
    asks_for_json,
    body_limit,
    client_address,
    current_settings,
    current_store,
    external_url,
    gallery_access,
    gallery_visitor,
    mail_enabled,
    one_line,
    page_meta,
    photo_file,
    photo_url,
    private_response,
    send_mail_later,
    set_private_cookie,
)
from . import activity, records
from .plugin import plugin

bp = plugin.add_blueprint(
    Blueprint("proofing", __name__, url_prefix="/gallery", static_folder="static", static_url_path="/static")
)
bp.after_request(private_response)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 100
CLIENT_SECONDS = 90 * 24 * 3600
PIN_ATTEMPTS = RateWindow("plugin:proofing:pin-failures", limit=8, seconds=15 * 60)
# Wrong PINs per gallery over all addresses: past 30 a day, one try per 2, 4, 8... seconds.
PIN_GUESSES = RateCeiling("plugin:proofing:pin-guesses", free=30, seconds=24 * 3600, max_delay=5 * 60)
FORM_LIMIT = 32 * 1024  # a note of 1,000 characters in any script, percent-encoded, and a few fields


# -- who is choosing -------------------------------------------------------------------------
def _signer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"sgoodie.proofing.{salt}")


def _cookie(kind: str, project: Project) -> str:
    return f"sgoodie_{kind}_{project.id.replace('-', '')}"


def current_client(project: Project) -> dict[str, Any] | None:
    """The client choosing in this browser (asked once per gallery), or None."""
    cache = g.setdefault("proofing_clients", {})
    if project.id not in cache:
        client = None
        token = request.cookies.get(_cookie("client", project))
        if token:
            try:
                data = _signer("client").loads(token, max_age=CLIENT_SECONDS)
            except BadSignature:
                data = {}
            if data.get("project") == project.id:
                client = records.get_client(project.id, str(data.get("client", "")))
        cache[project.id] = client
    return cache[project.id]


def current_marks(project: Project, client: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The client's marks, read once per request (the photo slot runs once per photo)."""
    cache = g.setdefault("proofing_marks", {})
    if project.id not in cache:
        cache[project.id] = records.client_marks(project.id, client["id"])
    return cache[project.id]


def settings_for(project: Project) -> records.GallerySettings:
    """The gallery's settings, read once per request."""
    cache = g.setdefault("proofing_settings", {})
    if project.id not in cache:
        cache[project.id] = records.gallery_settings(project.id)
    return cache[project.id]


def has_pin(project: Project, settings: records.GallerySettings) -> bool:
    if not settings.pin_hash:
        return True
    token = request.cookies.get(_cookie("pin", project))
    try:
        data = _signer("pin").loads(token or "", max_age=CLIENT_SECONDS)
    except BadSignature:
        return False
    return data.get("project") == project.id and data.get("epoch") == settings.pin_epoch


def open_gallery(project_id: str, *, guests: bool = False) -> Project:
    """The client gallery this request may use; otherwise 404 (no such gallery) or back to its
    address (which asks for the password, or says it expired). A guest is refused unless
    `guests` (what they may do too: be counted looking)."""
    project = current_store().get_project(project_id)
    if project is None or not project.is_private or not project.published:
        abort(404)
    role = gallery_access(project)
    if not role:
        abort(redirect(url_for("public.project", slug=project.slug), code=303))
    if role != "client" and not guests:
        abort(403, "Guests can look at this gallery; choosing and downloading are for the client.")
    return project


def gallery_photo(project: Project, photo_id: str) -> Photo:
    """A photo the client sees: of this gallery, shown, and not in a hidden set."""
    photo = current_store().get_photo(photo_id)
    if photo is None or photo.project_id != project.id or not project.shows(photo):
        abort(404)
    if sets_for(project).hides(photo.id):
        abort(404)
    return photo


def sets_for(project: Project) -> records.GallerySets:
    """The gallery's sets, read once per request."""
    cache = g.setdefault("proofing_sets", {})
    if project.id not in cache:
        cache[project.id] = records.gallery_sets(project.id)
    return cache[project.id]


def chosen_set(project: Project, source: Any = None) -> str:
    """The set the client is looking at (`set` of the query or the form), if it is one they may
    see; "" for all of the gallery."""
    wanted = (source if source is not None else request.args).get("set", "")
    if wanted == records.OTHER:
        return wanted
    found = sets_for(project).find(wanted)
    return wanted if found and not found["hidden"] else ""


def gallery_address(project: Project, set_id: str = "", photo_id: str = "") -> str:
    """The gallery page (of one set), at a photo or at the set navigation."""
    if not set_id:
        anchor = f"#photo-{photo_id}" if photo_id else ""
        return url_for("public.project", slug=project.slug) + anchor
    anchor = f"#photo-{photo_id}" if photo_id else "#sets"
    return url_for("public.project", slug=project.slug, set=set_id) + anchor


def back_to(project: Project, photo_id: str = "") -> Any:
    """Back to the gallery after a plain form: the set the form was sent from, at the photo."""
    return redirect(gallery_address(project, chosen_set(project, request.form), photo_id), code=303)


def list_counts(marks: dict[str, dict[str, Any]]) -> dict[str, int]:
    """How many photos the client has in each list."""
    counts: dict[str, int] = {}
    for mark in marks.values():
        for name in mark.get("lists", []):
            counts[name] = counts.get(name, 0) + 1
    return counts


def save_mark(
    project: Project, client: dict[str, Any], photo: Photo, marks: dict[str, dict[str, Any]], **mark: Any
) -> None:
    """Store the client's mark on the photo and keep `marks` (read before) as it now is, so the
    answer counts what was saved without reading the marks again."""
    records.set_mark(project.id, client["id"], photo.id, photo.filename, **mark)
    if mark["lists"] or mark["note"]:
        marks[photo.id] = {**marks.get(photo.id, {}), **mark}
    else:
        marks.pop(photo.id, None)


def saved(
    project: Project, photo: Photo, marks: dict[str, dict[str, Any]], settings: records.GallerySettings
):
    """A saved mark or note: back to the photo (the plain form), or, for the gallery's script,
    the photo's lists and note and the count of photos in each list."""
    if not asks_for_json():
        return back_to(project, photo.id)
    mark = marks.get(photo.id, {})
    counts = list_counts(marks)
    return jsonify(
        photo_id=photo.id,
        lists=mark.get("lists", []),
        note=mark.get("note", ""),
        counts={name: counts.get(name, 0) for name in settings.lists},
    )


def require_client(project: Project) -> dict[str, Any]:
    client = current_client(project)
    if client is None:
        abort(back_to(project))
    return client


# -- sets on the gallery page ----------------------------------------------------------------
@plugin.gallery_photos
def photos_of_set(project: Project, photos: list[Photo]) -> list[Photo]:
    """A hidden set's photos are never shown; `?set=` shows one set (or "other", the photos in
    none). The photos the client may see are kept for the set navigation's counts."""
    sets = sets_for(project)
    if not sets.sets:
        return photos
    visible = [photo for photo in photos if not sets.hides(photo.id)]
    g.proofing_visible = {project.id: visible}
    chosen = chosen_set(project)
    if not chosen:
        return visible
    return [photo for photo in visible if sets.set_of(photo.id) == chosen]


def set_navigation(project: Project) -> list[dict[str, Any]]:
    """The links between the sets (All, each visible set, Other when photos are in none), with
    their counts; empty for a gallery without sets."""
    sets = sets_for(project)
    visible = g.get("proofing_visible", {}).get(project.id)
    if not sets.sets or visible is None:
        return []
    counts: dict[str, int] = {}
    for photo in visible:
        key = sets.set_of(photo.id)
        counts[key] = counts.get(key, 0) + 1
    chosen = chosen_set(project)
    links = [{"id": "", "name": "All", "count": len(visible), "current": not chosen}]
    for item in sets.visible():
        links.append(
            {
                "id": item["id"],
                "name": item["name"],
                "count": counts.get(item["id"], 0),
                "current": chosen == item["id"],
            }
        )
    if counts.get(records.OTHER):
        links.append(
            {
                "id": records.OTHER,
                "name": "Other",
                "count": counts[records.OTHER],
                "current": chosen == records.OTHER,
            }
        )
    for link in links:
        link["href"] = gallery_address(project, link["id"])
    return links


# -- slots on the gallery page ---------------------------------------------------------------
@plugin.slot("gallery_header")
def header(project: Project, photos: list[Photo], **_: Any):
    role = gallery_access(project)
    navigation = set_navigation(project)
    if not role:  # the photographer's preview: the sets as clients see them
        if not navigation:
            return None
        return Markup(render_template("proofing/_sets.html", navigation=navigation, with_styles=True))
    records.settle_watermark(project)
    client = current_client(project) if role == "client" else None
    visitor = activity.who(project, client)
    if visitor:
        activity.record_visit(project.id, visitor)
    beacon = Markup(render_template("proofing/_activity.html", project=project))
    if role != "client":
        return beacon + Markup(render_template("proofing/_guest.html", navigation=navigation))
    settings = settings_for(project)
    marks = current_marks(project, client) if client is not None else {}
    visible = g.get("proofing_visible", {}).get(project.id, photos)
    return beacon + Markup(
        render_template(
            "proofing/_header.html",
            project=project,
            client=client,
            settings=settings,
            counts=list_counts(marks),
            chosen_count=sum(1 for mark in marks.values() if mark.get("lists")),  # in any list, once
            photo_count=len(visible),
            navigation=navigation,
            current_set=chosen_set(project),
            invited=gallery_visitor(project) if client is None else None,  # their name and e-mail, filled in
        )
    )


@plugin.slot("gallery_photo")
def photo_controls(project: Project, photo: Photo, **_: Any):
    if gallery_access(project) != "client":
        return None
    client = current_client(project)
    if client is None:
        return None
    settings = settings_for(project)
    mark = current_marks(project, client).get(photo.id, {})
    return Markup(
        render_template(
            "proofing/_photo.html",
            project=project,
            photo=photo,
            settings=settings,
            mark=mark,
            current_set=chosen_set(project),
        )
    )


# -- proofing --------------------------------------------------------------------------------
@bp.post("/<project_id>/client")
@body_limit(FORM_LIMIT)
def start(project_id: str):
    """The client's name and e-mail, asked once: their selection is kept under them."""
    project = open_gallery(project_id)
    name = " ".join(request.form.get("name", "").split())
    email = request.form.get("email", "").strip()
    errors = {}
    if not name:
        errors["name"] = "Please tell us your name."
    elif len(name) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters."
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = "Please enter a valid e-mail address, like name@example.com."
    if errors:
        return render_template(
            "proofing/start.html",
            project=project,
            errors=errors,
            name=name,
            email=email,
            meta=page_meta(project.title, indexable=False),
        ), 400
    client_id = records.new_client(project.id, name, email)
    response = back_to(project)
    token = _signer("client").dumps({"project": project.id, "client": client_id})
    return set_private_cookie(response, _cookie("client", project), token, CLIENT_SECONDS)


@bp.post("/<project_id>/photos/<photo_id>/mark")
@body_limit(FORM_LIMIT)
def mark(project_id: str, photo_id: str):
    """Put the photo in a list, or take it out (one button per list)."""
    project = open_gallery(project_id)
    client = require_client(project)
    photo = gallery_photo(project, photo_id)
    settings = records.gallery_settings(project.id)
    list_name = request.form.get("list", "")
    if list_name not in settings.lists:
        abort(400, "This list no longer exists; reload the gallery.")
    marks = records.client_marks(project.id, client["id"])
    current = marks.get(photo.id, {})
    lists = [name for name in current.get("lists", []) if name in settings.lists]
    if request.form.get("action") == "remove":
        lists = [name for name in lists if name != list_name]
    elif list_name not in lists:
        lists.append(list_name)
        activity.record_favourite(project.id)
    save_mark(project, client, photo, marks, lists=lists, note=current.get("note", ""))
    return saved(project, photo, marks, settings)


@bp.route("/<project_id>/photos/<photo_id>/note", methods=["GET", "POST"])
@body_limit(FORM_LIMIT)
def note(project_id: str, photo_id: str):
    project = open_gallery(project_id)
    client = require_client(project)
    photo = gallery_photo(project, photo_id)
    marks = records.client_marks(project.id, client["id"])
    current = marks.get(photo.id, {})
    error = ""
    if request.method == "POST":
        text = request.form.get("note", "").strip()
        if len(text) > records.NOTE_MAX:
            error = f"Please keep the note under {records.NOTE_MAX} characters (it has {len(text)})."
            if asks_for_json():
                abort(400, error)
        else:
            save_mark(project, client, photo, marks, lists=current.get("lists", []), note=text)
            return saved(project, photo, marks, records.gallery_settings(project.id))
    elif (visitor := activity.who(project, client)) is not None:
        activity.record_views(project.id, visitor, [photo.id])  # the photo, large, on the app's page
    return render_template(
        "proofing/note.html",
        project=project,
        photo=photo,
        image_url=photo_url(photo, 1280),
        note=request.form.get("note", current.get("note", "")),
        error=error,
        meta=page_meta(project.title, indexable=False),
    ), 400 if error else 200


@bp.get("/<project_id>/selection")
def selection(project_id: str):
    """The client's choices, list by list, with their notes; and the button to send them."""
    project = open_gallery(project_id)
    client = require_client(project)
    settings = records.gallery_settings(project.id)
    marked = records.client_marks(project.id, client["id"])
    sets = sets_for(project)
    photos = {
        p.id: p
        for p in current_store().photos_for_project(project.id)
        if p.id in marked and project.shows(p) and not sets.hides(p.id)
    }
    by_list = {
        name: [photos[pid] for pid in photos if name in marked[pid].get("lists", [])]
        for name in settings.lists
    }
    notes = [(photos[pid], marked[pid]["note"]) for pid in photos if marked[pid].get("note")]
    return render_template(
        "proofing/selection.html",
        project=project,
        client=client,
        by_list=by_list,
        notes=notes,
        photo_url=photo_url,
        submitted=request.args.get("submitted") == "1",
        meta=page_meta(f"Your selection · {project.title}", indexable=False),
    )


@bp.post("/<project_id>/submit")
@body_limit(FORM_LIMIT)
def submit(project_id: str):
    project = open_gallery(project_id)
    client = require_client(project)
    sent = records.submit(project.id, client["id"])
    if sent is not None:
        activity.record_selection(project.id, activity.who(project, sent), sent["submitted_at"])
        notify(project, sent)
    return redirect(url_for("proofing.selection", project_id=project.id, submitted=1), code=303)


def notify(project: Project, client: dict[str, Any]) -> None:
    """The optional e-mail to the photographer: who sent what, with their notes and a link to the
    selection in the admin. Sent in the background; the selection is stored whatever happens."""
    recipient = current_settings().contact_email
    if not mail_enabled() or not recipient:
        return
    marked = records.client_marks(project.id, client["id"])
    lists = settings_for(project).lists
    lines = [
        f"{one_line(client['name'])} <{one_line(client['email'])}> sent their selection of “{project.title}”.",
        "",
    ]
    for name in lists:
        files = [mark.get("filename", "") for mark in marked.values() if name in mark.get("lists", [])]
        lines.append(f"{name} ({len(files)}): {', '.join(files) or 'none'}")
    notes = [(mark.get("filename", ""), mark["note"]) for mark in marked.values() if mark.get("note")]
    if notes:
        lines += ["", "Notes:"] + [f"- {one_line(filename)}: {one_line(text)}" for filename, text in notes]
    lines += ["", f"See it in the admin: {external_url('proofing_admin.gallery', project_id=project.id)}"]
    send_mail_later(
        recipient,
        f"{client['name']} sent a selection: {project.title}",
        "\n".join(lines),
        reply_to=client["email"],
        what="selection notification",
    )


@bp.post("/<project_id>/seen")
@body_limit(FORM_LIMIT)
def seen(project_id: str):
    """The viewer's beacon (static/activity.js): the photos shown full screen since the last one,
    `{"photos": [ids]}`, for the photographer's activity page. Guests count too."""
    project = open_gallery(project_id, guests=True)
    role = gallery_access(project)
    body = request.get_json(silent=True) or {}
    photo_ids = body.get("photos") if isinstance(body, dict) else None
    if not isinstance(photo_ids, list) or not all(isinstance(p, str) for p in photo_ids):
        abort(400, 'Send {"photos": [photo ids]}.')
    if len(photo_ids) > activity.BEACON_MAX:
        abort(400, f"At most {activity.BEACON_MAX} photos at a time.")
    shown = {p.id for p in current_store().photos_for_project(project.id) if project.shows(p)}
    known = [photo_id for photo_id in photo_ids if photo_id in shown]
    visitor = activity.who(project, current_client(project) if role == "client" else None)
    new = activity.record_views(project.id, visitor, known) if visitor else 0
    return jsonify(counted=len(known), new=new)


# -- downloads -------------------------------------------------------------------------------
def downloads_allowed(project: Project, settings: records.GallerySettings, *, whole: bool) -> None:
    if settings.downloads == "off" or (whole and settings.downloads != "all"):
        abort(403, "Downloads are not offered for this gallery.")


def need_pin(project: Project, settings: records.GallerySettings) -> Any:
    """None when the PIN is not needed or was given; else the way to the PIN form."""
    if has_pin(project, settings):
        return None
    return redirect(
        url_for("proofing.pin", project_id=project.id, next=request.form.get("next", "")), code=303
    )


def downloading(project_id: str, *, whole: bool) -> tuple[Project, dict[str, Any], records.GallerySettings]:
    """The gallery, client and settings of a download the gallery offers (`whole`: of many
    photos at once); the PIN form first when it is needed and not given yet."""
    project = open_gallery(project_id)
    client = require_client(project)
    settings = records.gallery_settings(project.id)
    downloads_allowed(project, settings, whole=whole)
    if (asked := need_pin(project, settings)) is not None:
        abort(asked)
    return project, client, settings


@bp.post("/<project_id>/photos/<photo_id>/download")
@body_limit(FORM_LIMIT)
def download(project_id: str, photo_id: str):
    project, client, settings = downloading(project_id, whole=False)
    photo = gallery_photo(project, photo_id)
    found = photo_file(photo, settings.width)
    if found is None:
        abort(404)
    records.log_download(
        project.id, client, f"{found.filename} ({records.DOWNLOAD_SIZES[settings.size]})", client_address()
    )
    activity.record_download(project.id, activity.who(project, client))
    return redirect(found.download_url(), code=303)


@bp.route("/<project_id>/pin", methods=["GET", "POST"])
@body_limit(FORM_LIMIT)
def pin(project_id: str):
    project = open_gallery(project_id)
    settings = records.gallery_settings(project.id)
    error, status = "", 200
    if request.method == "POST":
        error, status = _pin_refusal(project, settings)
        if not error:
            token = _signer("pin").dumps({"project": project.id, "epoch": settings.pin_epoch})
            return set_private_cookie(back_to(project), _cookie("pin", project), token, CLIENT_SECONDS)
    return render_template(
        "proofing/pin.html", project=project, error=error, meta=page_meta(project.title, indexable=False)
    ), status


def _pin_refusal(project: Project, settings: records.GallerySettings) -> tuple[str, int]:
    """("", 200) for the right PIN, else what to tell the client. Wrong PINs count per address and,
    over all addresses, per gallery: past its ceiling a try waits for its turn, as passwords do."""
    key = f"{project.id}#{client_address()}"
    if PIN_GUESSES.wait(project.id) or PIN_ATTEMPTS.hit(key) > PIN_ATTEMPTS.limit:
        return "Too many attempts. Please wait a few minutes and try again.", 429
    if settings.pin_hash and check_password_hash(settings.pin_hash, request.form.get("pin", "").strip()):
        PIN_ATTEMPTS.take_back(key)
        return "", 200
    PIN_GUESSES.failed(project.id)
    return "That PIN is not right. It was sent to you with the gallery's password.", 403
