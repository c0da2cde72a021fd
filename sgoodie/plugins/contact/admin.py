"""The admin side: the inquiry list (inbox / archived), one inquiry (opening it marks it read),
archive, restore, delete, CSV export, and a dashboard card with the count of new ones."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from ...plugin_api import current_settings
from . import plugin
from .views import inquiries, inquiry_key

bp = plugin.add_admin_blueprint(Blueprint("contact_admin", __name__, url_prefix="/admin/inquiries"))
plugin.add_admin_menu_entry("Inquiries", "contact_admin.index", order=45)

STATUSES = ("new", "read", "archived")
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


@bp.get("/")
def index():
    view = "archived" if request.args.get("view") == "archived" else "inbox"
    everything = all_inquiries()
    items = [i for i in everything if (i["status"] == "archived") == (view == "archived")]
    return render_template("contact/admin_list.html", items=items, view=view, new=count_new(everything))


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


@bp.post("/<inquiry_id>/delete")
def delete(inquiry_id: str):
    item = find(inquiry_id)
    inquiries().delete(inquiry_key(item))
    flash(f"Deleted the inquiry from {item['name']} for good.", "success")
    return redirect(url_for(".index"))


def _cell(value: Any) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/export.csv")
def export():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    for item in all_inquiries():
        writer.writerow([_cell(item.get(name)) for name in CSV_FIELDS])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="inquiries-{date.today().isoformat()}.csv"'
    )
    return response


@plugin.slot("dashboard_widgets", order=20)
def dashboard_card(**context: Any) -> Markup:
    everything = all_inquiries()
    return Markup(
        render_template("contact/_dashboard_card.html", new=count_new(everything), total=len(everything))
    )
