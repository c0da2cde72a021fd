"""The public side: /contact, the form under each project, and the spam defences.

Validation runs first: an empty or invalid form always gets its errors back, however fast it
was sent. A valid inquiry is never lost without anyone knowing. The spam defences, none needing a
third-party service, only sort it:
- a signed timestamp of when the form was shown: older than a day or missing means "please send
  again" with a fresh form (the typed text kept);
- signs of a bot: the honeypot field people never see filled in, sent in under MIN_FILL_SECONDS
  (browser autofill and a paste can be that fast), more than MAX_LINKS links. One of them alone
  keeps the inquiry as *possible spam* (a view of its own in the admin, restorable, no e-mail);
  the honeypot and a too-fast send together are certain junk: dropped, and counted per month
  (shown on the inquiries page), never silently;
- at most RATE.limit inquiries per client address per hour (a clear message), counted before
  deciding so that simultaneous sends are held to it too. Certain junk is dropped before it is
  counted, so a bot on a shared address does not use up the people's allowance.
The form has no session CSRF token on purpose: it grants nothing, and without a session the
project pages that show it stay in the page cache. Its own signed timestamp stands in for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from wtforms import Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ...plugin_api import (
    RateWindow,
    body_limit,
    client_address,
    csrf_exempt,
    current_categories,
    current_settings,
    current_store,
    external_url,
    mail_enabled,
    page_meta,
    send_mail_later,
    signals,
    tag_response,
)
from . import budgets, mail
from .plugin import plugin

log = logging.getLogger("sgoodie.plugins.contact")
bp = plugin.add_blueprint(
    Blueprint("contact", __name__, static_folder="static", static_url_path="/contact/static")
)
plugin.add_stylesheet(Path(bp.static_folder, "contact.css"))
plugin.add_nav_entry("Contact", "contact.contact", order=60)

MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 24 * 3600
MAX_LINKS = 2
RATE = RateWindow("plugin:contact:rate", limit=5, seconds=3600)
LINK = re.compile(r"https?://|www\.", re.I)
# Before the @: letters (any script), digits, . _ + - and '. After it: a domain (Email() checks it).
PLAIN_ADDRESS = re.compile(r"[\w.+'-]+@[^\s@?&=%#/\\:;,<>\"]+")
BUDGETS = {
    "under-1k": "Under 1,000",
    "1k-3k": "1,000 – 3,000",
    "3k-7k": "3,000 – 7,500",
    "over-7k": "Over 7,500",
    "unsure": "Not sure yet",
}
HONEYPOT = "website"  # the field's name
#: Signs that a submission may come from a bot (see the module docstring).
FILLED_HONEYPOT, FAST, LINKS = "honeypot", "fast", "links"
#: The largest inquiry: every field at its longest in a three-byte script (Chinese, Japanese),
#: percent-encoded, is about 52 KB; anything larger is refused (413) before it is read.
MAX_BODY = 64 * 1024


def project_types() -> dict[str, str]:
    return {
        **current_categories(),
        "personal-branding": "Personal branding",
        "other": "Something else",
    }


class InquiryForm(Form):
    name = StringField("Your name", validators=[DataRequired("Tell us your name."), Length(max=120)])
    email = StringField(
        "E-mail",
        validators=[
            DataRequired("We need an address to reply to."),
            Email("That does not look like an e-mail address."),
            Length(max=254),
        ],
    )

    def validate_email(self, field) -> None:
        # RFC 5322 allows ? & = % # / in the part before the @; people's addresses do not use
        # them, and in a reply link they would add recipients, a subject or a body.
        if not field.errors and not PLAIN_ADDRESS.fullmatch((field.data or "").strip()):
            raise ValidationError("Use a plain address, like name@example.com.")

    phone = StringField("Phone", validators=[Optional(), Length(max=40)], description="Optional")
    project_type = SelectField("What kind of shoot?", validators=[Optional()])
    budget = SelectField("Budget", validators=[Optional()])
    dates = StringField(
        "Dates", validators=[Optional(), Length(max=120)], description="When, roughly? Optional"
    )
    message = TextAreaField(
        "Message",
        validators=[
            DataRequired("Tell us a little about the project."),
            Length(min=10, max=5000, message="Between 10 and 5000 characters, please."),
        ],
    )
    project = HiddenField()
    started = HiddenField()
    website = StringField("Leave this empty", validators=[Optional()])  # the honeypot


def build_form(formdata=None, **data: Any) -> InquiryForm:
    form = InquiryForm(formdata, **data)
    form.project_type.choices = [SelectChoice("", "Choose…")] + [
        SelectChoice(k, v) for k, v in project_types().items()
    ]
    form.budget.choices = [SelectChoice("", "Choose…")] + [
        SelectChoice(k, v) for k, v in budgets.labels().items()
    ]
    if formdata is None or not form.started.data:
        form.started.data = issue_token()
    return form


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sgoodie.contact.form")


def issue_token() -> str:
    return _serializer().dumps(round(time.time(), 3))


def token_age(token: str) -> float | None:
    """Seconds since the form was shown, or None when the token is missing, forged or too old."""
    try:
        shown = _serializer().loads(token or "", max_age=MAX_FORM_AGE)
    except (BadSignature, SignatureExpired):
        return None
    return time.time() - float(shown)


def client_key() -> str:
    """Rate-limit key: a hash of the client address, IPv6 by its /64 as every limit counts it
    (the address itself is not stored)."""
    address = client_address()
    return "ip:" + hashlib.sha256(f"{current_app.config['SECRET_KEY']}|{address}".encode()).hexdigest()[:32]


# -- pages ---------------------------------------------------------------------------------------
@bp.get("/contact")
def contact():
    # Not tagged for the page cache: each visitor needs a fresh form timestamp.
    project = request.args.get("project", "")[:200]
    return render_template("contact/contact.html", form=build_form(project=project), meta=_meta())


@bp.get("/contact/token")
def token():
    response = jsonify(token=issue_token())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/contact/thanks")
def thanks():
    tag_response("site", "contact")
    return render_template("contact/thanks.html", meta=_meta("Thank you"))


@bp.post("/contact")
@csrf_exempt  # see the module docstring: the signed timestamp protects this form
@body_limit(MAX_BODY)
def send():
    form = build_form(request.form)
    age = token_age(form.started.data)
    if age is None:
        form.started.data = issue_token()  # a fresh stamp, whichever answer the sender gets
    if not form.validate():  # errors first, whatever the timing: nobody is thanked for nothing
        return render_template("contact/contact.html", form=form, meta=_meta()), 422
    if age is None:
        return render_template(
            "contact/contact.html",
            form=form,
            meta=_meta(),
            notice=(
                "This form was open for a long time (or came from an old copy of the page). Everything you typed is "
                "still here: please press Send again."
            ),
        ), 400
    signs = spam_signs(form, age)
    if FILLED_HONEYPOT in signs and FAST in signs:
        count_dropped()
        log.info("contact: dropped certain junk (honeypot filled, sent %.1f s after the form was shown)", age)
        return redirect(url_for("contact.thanks"), 303)
    key = client_key()
    if RATE.hit(key) > RATE.limit:  # counted first: concurrent sends cannot all pass a check
        minutes = max(1, RATE.seconds_left(key) // 60)
        email = current_settings().contact_email
        return render_template(
            "contact/contact.html",
            form=form,
            meta=_meta(),
            notice=(
                f"You have sent several messages in the last hour, so this one was not sent. Please try again in about {minutes} "
                f"minutes" + (f", or write to {email}." if email else ".")
            ),
            notice_kind="error",
        ), 429
    inquiry = save_inquiry(form, spam=[describe(sign, age) for sign in signs])
    if signs:
        log.info("contact: kept inquiry %s as possible spam (%s)", inquiry["id"], ", ".join(inquiry["spam"]))
    else:
        signals.inquiry_received.send(current_app._get_current_object(), inquiry=inquiry)
    return redirect(url_for("contact.thanks"), 303)


def spam_signs(form: InquiryForm, age: float) -> list[str]:
    signs = []
    if form.website.data:
        signs.append(FILLED_HONEYPOT)
    if age < MIN_FILL_SECONDS:
        signs.append(FAST)
    if len(LINK.findall(form.message.data or "")) > MAX_LINKS:
        signs.append(LINKS)
    return signs


def describe(sign: str, age: float) -> str:
    """The reason shown to the photographer in the possible-spam view."""
    return {
        FILLED_HONEYPOT: "filled in the hidden field only bots see",
        FAST: f"sent {age:.1f} s after the form was shown",
        LINKS: f"more than {MAX_LINKS} links",
    }[sign]


STATS = plugin.storage("stats")


def stats():
    return STATS


def month_key(now: datetime | None = None) -> str:
    return "dropped:" + (now or datetime.now(UTC)).strftime("%Y-%m")


def count_dropped() -> int:
    """One more certain-junk submission dropped this month (kept for a good year, then forgotten)."""
    expires = datetime.now(UTC) + timedelta(days=400)
    return stats().increment(month_key(), "count", expires_at=int(expires.timestamp()))


def dropped_this_month() -> int:
    return int((stats().get(month_key()) or {}).get("count", 0))


def save_inquiry(form: InquiryForm, *, spam: list[str] | None = None) -> dict[str, Any]:
    """Store the inquiry: in the inbox (`new`), or with the reasons it looks automated as
    possible spam (`spam`), until the photographer says it is not."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    project = current_store().project_by_slug(form.project.data) if form.project.data else None
    inquiry = {
        "id": uuid.uuid4().hex,
        "received_at": now,
        "status": "spam" if spam else "new",
        "spam": list(spam or []),
        "name": form.name.data.strip(),
        "email": form.email.data.strip(),
        "phone": (form.phone.data or "").strip(),
        "project_type": form.project_type.data or "",
        "project_type_label": project_types().get(form.project_type.data or "", ""),
        "budget": form.budget.data or "",
        "budget_label": budgets.labels().get(form.budget.data or "", ""),
        "dates": (form.dates.data or "").strip(),
        "message": form.message.data.strip(),
        "project_id": project.id if project else "",
        "project_title": project.title if project else "",
    }
    inquiries().put(inquiry_key(inquiry), inquiry)
    return inquiry


INQUIRIES = plugin.storage("inquiries")


def inquiries():
    return INQUIRIES


def inquiry_key(inquiry: dict[str, Any]) -> str:
    return f"{inquiry['received_at']}#{inquiry['id']}"


def _meta(title: str = "Contact"):
    description = f"Tell {current_settings().business_name} about your project: interiors, travel, brand and personal-branding photography."
    return page_meta(title, description, indexable=title == "Contact")


# -- the form under every project (cached with the page; the script fetches a fresh timestamp) ----
@plugin.slot("project_footer", order=80)
def project_form(project, **context: Any) -> Markup:
    form = build_form(project=project.slug)
    return Markup(render_template("contact/_project_form.html", form=form, project=project))


# -- notification ---------------------------------------------------------------------------------
@plugin.on(signals.inquiry_received)
def notify(app, inquiry: dict[str, Any], **kwargs: Any) -> None:
    if inquiry.get("status") == "spam":  # possible spam is checked in the admin, never mailed
        return
    recipient = current_settings().contact_email
    if not mail_enabled() or not recipient:
        return
    text = mail.text(
        inquiry,
        business=current_settings().business_name,
        # On the site's trusted origin, never the Host the visitor's request came with.
        admin_url=external_url("contact_admin.inquiry", inquiry_id=inquiry["id"]),
    )
    send_mail_later(  # the visitor waits for no mail server
        recipient, mail.subject(inquiry), text, reply_to=inquiry["email"], what="inquiry notification"
    )
