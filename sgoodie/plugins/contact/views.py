"""The public side: /contact, the form under each project, and the spam defences.

Spam defences, cheapest first, none needing a third-party service:
- a honeypot field people never see (bots fill every field): silently dropped;
- a signed timestamp of when the form was shown: sent in under MIN_FILL_SECONDS means a bot
  (silently dropped), older than a day or missing means "please send again" with a fresh form;
- at most RATE.limit inquiries per client address per hour (a clear message, stored nowhere else);
- at most MAX_LINKS links in the message (a field error the sender can fix).
The form has no session CSRF token on purpose: it grants nothing, and without a session the
project pages that show it stay in the page cache. Its own signed timestamp stands in for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import UTC, datetime
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
    csrf_exempt,
    current_settings,
    current_store,
    external_url,
    page_meta,
    signals,
    tag_response,
)
from . import budgets, mail, plugin

log = logging.getLogger("sgoodie.plugins.contact")
bp = plugin.add_blueprint(
    Blueprint("contact", __name__, static_folder="static", static_url_path="/contact/static")
)
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
HONEYPOT = "website"
#: The largest inquiry: every field at its longest in a three-byte script (Chinese, Japanese),
#: percent-encoded, is about 52 KB; anything larger is refused (413) before it is read.
MAX_BODY = 64 * 1024


def project_types() -> dict[str, str]:
    return {
        **current_app.config["CATEGORIES"],
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

    def validate_message(self, field) -> None:
        if len(LINK.findall(field.data or "")) > MAX_LINKS:
            raise ValidationError(f"Please include at most {MAX_LINKS} links; describe the rest in words.")


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
    """Rate-limit key: a hash of the client address (the address itself is not stored)."""
    address = request.remote_addr or "unknown"
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
    if form.website.data:
        log.info("contact: dropped a submission that filled the honeypot")
        return redirect(url_for("contact.thanks"), 303)
    age = token_age(form.started.data)
    if age is None:
        form.started.data = issue_token()
        return render_template(
            "contact/contact.html",
            form=form,
            meta=_meta(),
            notice=(
                "This form was open for a long time (or came from an old copy of the page). Everything you typed is "
                "still here: please press Send again."
            ),
        ), 400
    if age < MIN_FILL_SECONDS:
        log.info("contact: dropped a submission sent %.1f s after the form was shown", age)
        return redirect(url_for("contact.thanks"), 303)
    if not form.validate():
        return render_template("contact/contact.html", form=form, meta=_meta()), 422
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
    inquiry = save_inquiry(form)
    signals.inquiry_received.send(current_app._get_current_object(), inquiry=inquiry)
    return redirect(url_for("contact.thanks"), 303)


def save_inquiry(form: InquiryForm) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    project = current_store().project_by_slug(form.project.data) if form.project.data else None
    inquiry = {
        "id": uuid.uuid4().hex,
        "received_at": now,
        "status": "new",
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


def inquiries():
    return plugin.storage("inquiries")


def inquiry_key(inquiry: dict[str, Any]) -> str:
    return f"{inquiry['received_at']}#{inquiry['id']}"


def _meta(title: str = "Contact"):
    description = f"Tell {current_settings().business_name} about your project: interiors, travel, brand and personal-branding photography."
    return page_meta(title, description, indexable=title == "Contact")


@plugin.slot("head")
def stylesheet(**context: Any) -> Markup:
    return Markup('<link rel="stylesheet" href="{}">').format(
        url_for("contact.static", filename="contact.css")
    )


# -- the form under every project (cached with the page; the script fetches a fresh timestamp) ----
@plugin.slot("project_footer", order=80)
def project_form(project, **context: Any) -> Markup:
    form = build_form(project=project.slug)
    return Markup(render_template("contact/_project_form.html", form=form, project=project))


# -- notification ---------------------------------------------------------------------------------
@plugin.on(signals.inquiry_received)
def notify(app, inquiry: dict[str, Any], **kwargs: Any) -> None:
    transport = mail.parse_transport(app.config["CONTACT_NOTIFY"])
    recipient = current_settings().contact_email
    if transport is None or not recipient:
        return
    message = mail.compose(
        inquiry,
        sender=app.config["CONTACT_FROM"],
        recipient=recipient,
        business=current_settings().business_name,
        # On the site's trusted origin, never the Host the visitor's request came with.
        admin_url=external_url("contact_admin.inquiry", inquiry_id=inquiry["id"]),
    )
    mail.send_in_background(
        transport,
        message,
        region=app.config.get("AWS_REGION", ""),
        endpoint_url=app.config.get("AWS_ENDPOINT_URL", ""),
    )
