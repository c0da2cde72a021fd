"""The admin side: the inquiry list (inbox / possible spam / archived), one inquiry (opening it
marks it read), archive, restore, "not spam", delete, CSV export, whether notification e-mails
go out (and how to turn them on), and a dashboard card with the newest new inquiries."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from ...plugin_api import csv_response, current_settings, mail_enabled
from .plugin import plugin
from .views import MIN_FILL_SECONDS, dropped_this_month, inquiries, inquiry_key

bp = plugin.add_admin_blueprint(Blueprint("contact_admin", __name__, url_prefix="/admin/inquiries"))
plugin.add_admin_menu_entry("Inquiries", "contact_admin.index", order=45)

STATUSES = ("new", "read", "archived")  # what the admin may set; "spam" only the form sets
VIEWS = {"inbox": ("new", "read"), "spam": ("spam",), "archived": ("archived",)}
DASHBOARD_NEWEST = 3
CSV_FIELDS = (
    "received_at",
    "status",
    "name",
    "email",
    "phone",
    "project_type_label",
    "budget_label",
    "dates",
    "project_title",
    "message",
)


def all_inquiries() -> list[dict[str, Any]]:
    return [data for _, data in inquiries().all(newest_first=True)]


def find(inquiry_id: str) -> dict[str, Any]:
    for inquiry in all_inquiries():
        if inquiry["id"] == inquiry_id:
            return inquiry
    abort(404)


def count_new(items: list[dict[str, Any]]) -> int:
    return sum(1 for inquiry in items if inquiry["status"] == "new")


def count_spam(items: list[dict[str, Any]]) -> int:
    return sum(1 for inquiry in items if inquiry["status"] == "spam")


def notifications() -> dict[str, Any]:
    """Whether each new inquiry is e-mailed, and to whom: `on` (the site sends mail), `recipient`
    (the settings' contact e-mail; without it nothing goes out either)."""
    return {"on": mail_enabled(), "recipient": current_settings().contact_email}


@bp.get("/")
def index():
    view = request.args.get("view", "inbox")
    if view not in VIEWS:
        view = "inbox"
    everything = all_inquiries()
    items = [i for i in everything if i["status"] in VIEWS[view]]
    return render_template(
        "contact/admin_list.html",
        items=items,
        view=view,
        new=count_new(everything),
        spam=count_spam(everything),
        dropped=dropped_this_month(),
        min_fill=MIN_FILL_SECONDS,
        notify=notifications(),
    )


@bp.get("/<inquiry_id>")
def inquiry(inquiry_id: str):
    item = find(inquiry_id)
    if item["status"] == "new":
        item["status"] = "read"
        inquiries().put(inquiry_key(item), item)
    subject = f"Re: your inquiry to {current_settings().business_name}"
    return render_template(
        "contact/admin_detail.html",
        item=item,
        mail_href=mailto(item["email"]),
        reply_href=mailto(item["email"], subject=subject),
    )


def mailto(address: str, *, subject: str = "") -> str:
    """A `mailto:` link to exactly this one address (RFC 6068): the address is percent-encoded
    but for its @, so a `?`, `&` or `%` typed into it by a visitor adds no recipient, subject or
    body of its own."""
    href = "mailto:" + quote(address, safe="@")
    return href + ("?subject=" + quote(subject, safe="") if subject else "")


@bp.post("/<inquiry_id>/status")
def set_status(inquiry_id: str):
    item = find(inquiry_id)
    status = request.form.get("status", "")
    if status not in STATUSES:
        abort(400)
    item["status"] = status
    inquiries().put(inquiry_key(item), item)
    flash(
        {
            "archived": f"Archived the inquiry from {item['name']}.",
            "new": "Marked as unread.",
            "read": f"Moved the inquiry from {item['name']} back to the inbox.",
        }[status],
        "success",
    )
    return redirect(
        url_for(
            ".index", view="archived" if status == "read" and request.form.get("from") == "archived" else None
        )
    )


@bp.post("/<inquiry_id>/not-spam")
def not_spam(inquiry_id: str):
    """A person wrote it after all: into the inbox as new, where it is answered like any other."""
    item = find(inquiry_id)
    if item["status"] != "spam":
        abort(400)
    item["status"] = "new"
    inquiries().put(inquiry_key(item), item)
    flash(f"Moved the inquiry from {item['name']} to the inbox.", "success")
    return redirect(url_for(".index", view="spam"))


@bp.post("/<inquiry_id>/delete")
def delete(inquiry_id: str):
    item = find(inquiry_id)
    inquiries().delete(inquiry_key(item))
    flash(f"Deleted the inquiry from {item['name']} for good.", "success")
    return redirect(url_for(".index", view="spam" if item["status"] == "spam" else None))


@bp.get("/export.csv")
def export():
    rows = ([item.get(name) for name in CSV_FIELDS] for item in all_inquiries())
    return csv_response(f"inquiries-{date.today().isoformat()}.csv", CSV_FIELDS, rows)


@plugin.slot("admin_head")
def admin_stylesheet(**context: Any) -> Markup:
    return Markup('<link rel="stylesheet" href="{}">').format(
        url_for("contact.static", filename="contact-admin.css")
    )


@plugin.slot("dashboard_widgets", order=20)
def dashboard_card(**context: Any) -> Markup:
    everything = all_inquiries()
    unread = [i for i in everything if i["status"] == "new"]  # newest first, as stored
    spam = count_spam(everything)
    return Markup(
        render_template(
            "contact/_dashboard_card.html",
            new=len(unread),
            newest=unread[:DASHBOARD_NEWEST],
            total=len(everything) - spam,
            spam=spam,
            notify=notifications(),
        )
    )
