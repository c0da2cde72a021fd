"""The admin side: the inquiry list (inbox / possible spam / archived), one inquiry (opening it
marks it read) with its reply thread (a reply sent through the site's mail, kept with whether it
went out; a failed one can be sent again), archive, restore, "not spam", delete, CSV export,
whether notification e-mails go out (and how to turn them on), and the dashboard's card with the
newest new inquiries (first on the dashboard while any wait)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    render_template_string,
    request,
    url_for,
)
from markupsafe import Markup

from ...plugin_api import csv_response, current_settings, deliver_mail, mail_enabled
from . import mail
from .plugin import plugin
from .views import MIN_FILL_SECONDS, dropped_this_month, inquiries, inquiry_key

bp = plugin.add_admin_blueprint(Blueprint("contact_admin", __name__, url_prefix="/admin/inquiries"))
plugin.add_admin_menu_entry("Inquiries", "contact_admin.index", order=45)

STATUSES = ("new", "read", "archived")  # what the admin may set; "spam" only the form sets
VIEWS = {"inbox": ("new", "read"), "spam": ("spam",), "archived": ("archived",)}
DASHBOARD_NEWEST = 3
# The quote a mailto: link carries, at most: some systems hand mail programs only the first 2,000
# or so characters of a link (percent-encoding triples most of them); the reply form quotes all.
MAILTO_QUOTE_MAX = 600
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
    return _detail(item)


def _detail(item: dict[str, Any], *, typed: dict[str, str] | None = None, errors=None, status: int = 200):
    """The inquiry with its thread and the reply form (`typed`: what a refused reply held)."""
    subject = mail.reply_subject(current_settings().business_name)
    quote_block = mail.quoted(item, _received(item))
    return render_template(
        "contact/admin_detail.html",
        item=item,
        replies=item.get("replies", []),
        mail_href=mailto(item["email"]),
        reply_href=mailto(item["email"], subject=subject, body=f"\n\n{_shortened(quote_block)}\n"),
        reply=typed or {"subject": subject, "text": ""},
        errors=errors or {},
        quoted=quote_block,
        mail_on=mail_enabled(),
        reply_to=current_settings().contact_email,
        subject_max=mail.REPLY_SUBJECT_MAX,
        text_max=mail.REPLY_TEXT_MAX,
    ), status


def _shortened(quote_block: str) -> str:
    if len(quote_block) <= MAILTO_QUOTE_MAX:
        return quote_block
    return quote_block[:MAILTO_QUOTE_MAX].rstrip() + " […]"


def _received(item: dict[str, Any]) -> str:
    """When the inquiry arrived, as the admin shows times (the site's time zone)."""
    return render_template_string("{{ at | local_time }}", at=item["received_at"])


def mailto(address: str, *, subject: str = "", body: str = "") -> str:
    """A `mailto:` link to exactly this one address (RFC 6068): the address is percent-encoded
    but for its @, so a `?`, `&` or `%` typed into it by a visitor adds no recipient, subject or
    body of its own; the subject and body are percent-encoded whole."""
    href = "mailto:" + quote(address, safe="@")
    fields = [
        f"{name}={quote(value, safe='')}" for name, value in (("subject", subject), ("body", body)) if value
    ]
    return href + ("?" + "&".join(fields) if fields else "")


@bp.post("/<inquiry_id>/reply")
def reply(inquiry_id: str):
    """Send the photographer's answer from the site's address (Reply-To: the contact e-mail of
    the settings), quoting the message, and keep it in the inquiry's thread, sent or failed with
    the reason (a failed one keeps its text and can be sent again)."""
    item = find(inquiry_id)
    typed = {"subject": request.form.get("subject", "").strip(), "text": request.form.get("text", "").strip()}
    errors = {}
    if not typed["subject"]:
        errors["subject"] = "Give the e-mail a subject."
    elif len(typed["subject"]) > mail.REPLY_SUBJECT_MAX:
        errors["subject"] = f"At most {mail.REPLY_SUBJECT_MAX} characters."
    if not typed["text"]:
        errors["text"] = "Write your answer first."
    elif len(typed["text"]) > mail.REPLY_TEXT_MAX:
        errors["text"] = f"At most {mail.REPLY_TEXT_MAX} characters; the rest would be cut."
    if not mail_enabled():
        errors["form"] = (
            "This site sends no e-mail (SGOODIE_MAIL is not set): answer from your own e-mail program."
        )
    elif len(item.get("replies", [])) >= mail.REPLIES_MAX:
        errors["form"] = (
            f"This inquiry holds {mail.REPLIES_MAX} replies, the most it keeps: answer from your own e-mail program."
        )
    if errors:
        return _detail(item, typed=typed, errors=errors, status=400)
    sent = {"id": uuid.uuid4().hex, **typed}
    item.setdefault("replies", []).append(sent)
    _send(item, sent)
    return _after_sending(item, sent)


@bp.post("/<inquiry_id>/replies/<reply_id>/send")
def send_again(inquiry_id: str, reply_id: str):
    """A reply that failed, sent again as it was written."""
    item = find(inquiry_id)
    failed = next((r for r in item.get("replies", []) if r["id"] == reply_id), None)
    if failed is None or failed.get("status") != "failed":
        abort(404)
    _send(item, failed)
    return _after_sending(item, failed)


def _send(item: dict[str, Any], sent: dict[str, Any]) -> None:
    """Try to deliver one reply of the thread and note what became of it."""
    earlier = {**item, "replies": [r for r in item.get("replies", []) if r is not sent]}
    delivery = deliver_mail(
        item["email"],
        sent["subject"],
        mail.reply_text(sent["text"], item, _received(item)),
        reply_to=current_settings().contact_email,
        headers=mail.thread_headers(earlier),
        what="inquiry reply",
    )
    sent.update(
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        status="sent" if delivery.accepted else "failed",
        reason=delivery.reason,
        message_id=delivery.message_id if delivery.accepted else "",
    )
    if delivery.accepted:
        item["answered_at"] = sent["at"]


def _after_sending(item: dict[str, Any], sent: dict[str, Any]):
    inquiries().put(inquiry_key(item), item)
    if sent["status"] == "sent":
        flash(f"Reply sent to {item['email']}.", "success")
    else:
        flash(f"Not sent. {sent['reason']} The reply is kept below: send it again.", "error")
    return redirect(url_for(".inquiry", inquiry_id=item["id"]) + f"#reply-{sent['id']}")


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


@plugin.slot("dashboard_answers", order=20)
def waiting_card(**context: Any) -> Markup | None:
    """The inquiries card at the top of the dashboard while new ones wait for an answer."""
    card = _dashboard_card()
    return card["html"] if card["new"] else None


@plugin.slot("dashboard_widgets", order=20)
def dashboard_card(**context: Any) -> Markup | None:
    """The same card among the others when nothing new waits (totals, spam to check, whether
    notifications go out)."""
    card = _dashboard_card()
    return None if card["new"] else card["html"]


def _dashboard_card() -> dict[str, Any]:
    """The card, rendered once per request for whichever slot shows it."""
    if "contact_card" not in g:
        everything = all_inquiries()
        unread = [i for i in everything if i["status"] == "new"]  # newest first, as stored
        spam = count_spam(everything)
        html = render_template(
            "contact/_dashboard_card.html",
            new=len(unread),
            newest=unread[:DASHBOARD_NEWEST],
            total=len(everything) - spam,
            spam=spam,
            notify=notifications(),
        )
        g.contact_card = {"new": len(unread), "html": Markup(html)}
    return g.contact_card
