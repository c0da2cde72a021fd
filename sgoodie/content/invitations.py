"""Invitations to a client gallery: one person's own link instead of the shared password.

Each invitation is its own access (`gallery_access`): `client` (may choose and download, with the
proofing plugin) or `guest` (view only), with an optional last day of its own (never past the
gallery's), revocable alone. Its link carries a secret of 256 random bits
(`/invitation/<project id>/<invitation id>/<secret>`); the site keeps only its SHA-256, compared
in constant time, so no stored record holds a link that works. Following the link sets the
ordinary grant cookie naming the invitation's access id and redirects to the gallery's clean
address (the secret leaves the address bar, the history and any Referer). Sending again makes a
new secret: the link mailed before stops working.

The photographer sends it by e-mail (the site's mail setting, from the site's address, replies to
the photographer's), with a template edited once for the whole site, or copies the link to send
another way. The gallery's password is never mailed: it is stored hashed.

Records (the content store's records, so both backends):
- `gallery-invitations`: `<project id>#<invitation id>` → recipient, kind, last day, the secret's
  hash, delivery (sent, failed with its reason, or a copied link), revoked;
- `gallery-invitation-opens`: same key → when its link or the gallery was last opened with it (a
  record of its own, so a visit never undoes a revoke it raced with);
- `gallery-invitation-template`: `mail` → the photographer's subject and body.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, timedelta
from email.utils import formataddr
from typing import Any

from flask import url_for

from .. import gallery_access
from ..domain import Project, ValidationError, utcnow
from ..mail import Delivery, deliver_mail
from ..services import services
from ..text import long_date
from . import activity

INVITATIONS = "gallery-invitations"
OPENS = "gallery-invitation-opens"
TEMPLATE = "gallery-invitation-template"
MAX_PER_GALLERY = 200  # a gallery's recipients are a handful; the list is read whole, capped
NAME_MAX = 80
EXTEND_DAYS = 30
OPEN_WRITE_SECONDS = 60  # "last opened" is written at most this often per invitation and process
KINDS = {gallery_access.CLIENT: "Client", gallery_access.GUEST: "Guest (view only)"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PLACEHOLDERS = ("name", "gallery", "link", "expires", "photographer")
DEFAULT_SUBJECT = "Your photographs are ready: {gallery}"
DEFAULT_BODY = """Hello {name},

Your gallery “{gallery}” is ready. Open it with this link, made for you alone (no password needed):

{link}

{expires}

Please do not forward this e-mail: the link opens the gallery for whoever has it.

With best wishes,
{photographer}
"""
_recent_opens: dict[str, float] = {}


@dataclass
class Invitation:
    id: str
    project_id: str
    name: str
    email: str = ""
    kind: str = gallery_access.CLIENT
    last_day: str = ""  # its own; "" until the gallery's
    created_at: str = ""
    created_by: str = ""
    delivery: str = "link"  # sent | failed | link (copied, not mailed)
    reason: str = ""  # why a mail failed
    sent_at: str = ""
    message_id: str = ""
    revoked_at: str = ""
    last_opened_at: str = ""
    hash: str = field(default="", repr=False)

    @property
    def key(self) -> str:
        return f"{self.project_id}#{self.id}"

    def state(self, project: Project) -> str:
        """revoked, expired (its own day or the gallery's passed) or active."""
        if self.revoked_at:
            return "revoked"
        if (self.last_day and self.last_day < gallery_access.today()) or gallery_access.is_expired(project):
            return "expired"
        return "active"

    def ends_on(self, project: Project) -> str:
        """The last day it opens the gallery ("" for no end)."""
        return self.last_day or project.gallery_expires_on

    def record(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("id", "project_id", "last_opened_at"):
            data.pop(name)
        return data


def _from_record(key: str, data: dict[str, Any]) -> Invitation:
    project_id, _, invitation_id = key.partition("#")
    known = {f.name for f in fields(Invitation)} - {"id", "project_id"}
    return Invitation(
        id=invitation_id, project_id=project_id, **{k: str(v) for k, v in data.items() if k in known}
    )


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_id() -> str:
    """Sorts by creation as text (milliseconds in hex, then randomness), so the newest list first."""
    return f"{int(time.time() * 1000):011x}{secrets.token_hex(4)}"


def link(invitation: Invitation, secret: str) -> str:
    """The recipient's own link, absolute on the site's origin."""
    return url_for(
        "public.invitation",
        project_id=invitation.project_id,
        invitation_id=invitation.id,
        secret=secret,
        _external=True,
    )


# -- reading -------------------------------------------------------------------------------------
def get(project: Project, invitation_id: str) -> Invitation | None:
    key = f"{project.id}#{invitation_id}"
    data = services().store.records.get(INVITATIONS, key) if invitation_id else None
    if data is None:
        return None
    invitation = _from_record(key, data)
    opened = services().store.records.get(OPENS, key)
    invitation.last_opened_at = str(opened.get("at", "")) if opened else ""
    return invitation


def for_gallery(project: Project) -> list[Invitation]:
    """A gallery's invitations, newest first, with when each was last opened."""
    records = services().store.records
    prefix = f"{project.id}#"
    opens = {key: data.get("at", "") for key, data in records.query(OPENS, prefix=prefix)}
    found = records.query(INVITATIONS, prefix=prefix, newest_first=True, limit=MAX_PER_GALLERY)
    invitations = [_from_record(key, data) for key, data in found]
    for invitation in invitations:
        invitation.last_opened_at = str(opens.get(invitation.key, ""))
    return invitations


def visitor(project: Project) -> dict[str, str] | None:
    """Who this request's visitor is in this gallery: `access_id`, `kind` (client or guest), and
    for an invitation its `invitation_id`, recipient `name` and `email` (all "" for the shared
    password); None while they have no live grant."""
    seen = gallery_access.visitor(project)
    if seen is None:
        return None
    invitation = get(project, seen["access_id"]) if seen["access_id"] else None
    return {
        **seen,
        "invitation_id": invitation.id if invitation else "",
        "name": invitation.name if invitation else "",
        "email": invitation.email if invitation else "",
    }


# -- the photographer's changes ------------------------------------------------------------------
def problems(
    project: Project, name: str, email: str, kind: str, last_day: str = "", *, by_mail: bool = False
) -> dict[str, str]:
    """What is wrong with an invitation to this gallery, per field: a name, an e-mail address
    (needed `by_mail`), the kind, a last day from today to the gallery's."""
    name, email, last_day = one_line_of(name), one_line_of(email), (last_day or "").strip()
    errors: dict[str, str] = {}
    if not project.is_private:
        errors["name"] = "Only a client gallery sends invitations: make the project a client gallery first."
    if not name:
        errors["name"] = "Give the recipient's name (it greets them, and tells you whose access it is)."
    elif len(name) > NAME_MAX:
        errors["name"] = f"Keep the name under {NAME_MAX} characters."
    if email and not EMAIL.fullmatch(email):
        errors["email"] = f"“{email}” is not an e-mail address (like ana@example.com)."
    elif by_mail and not email:
        errors["email"] = "Give an e-mail address to send it to, or copy the link instead."
    if kind not in KINDS:
        errors["kind"] = "Choose client (may choose and download) or guest (view only)."
    if last_day:
        errors.update(_last_day_errors(project, last_day))
    return errors


def create(
    project: Project,
    name: str,
    email: str,
    kind: str,
    last_day: str = "",
    *,
    by_mail: bool = False,
    created_by: str = "",
) -> tuple[Invitation, str]:
    """A new invitation and its secret (to put in the link now: only its hash is kept).
    ValidationError per field (`problems`)."""
    errors = problems(project, name, email, kind, last_day, by_mail=by_mail)
    records = services().store.records
    if (
        not errors
        and len(records.query(INVITATIONS, prefix=f"{project.id}#", limit=MAX_PER_GALLERY)) >= MAX_PER_GALLERY
    ):
        errors["name"] = f"This gallery has {MAX_PER_GALLERY} invitations, the most one gallery keeps."
    if errors:
        raise ValidationError(errors)
    name, email, last_day = one_line_of(name), one_line_of(email), (last_day or "").strip()
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        id=_new_id(),
        project_id=project.id,
        name=name,
        email=email,
        kind=kind,
        last_day=last_day,
        created_at=utcnow(),
        created_by=created_by,
        hash=digest(secret),
    )
    records.put(INVITATIONS, invitation.key, invitation.record())
    gallery_access.set_last_day(project, invitation.id, last_day)
    activity.record(f"Invited {name} to the gallery “{project.title}”", project_id=project.id)
    return invitation, secret


def _last_day_errors(project: Project, last_day: str) -> dict[str, str]:
    try:
        date.fromisoformat(last_day)
    except ValueError:
        return {"last_day": "Give the last day as a date (YYYY-MM-DD), or leave it empty."}
    if last_day < gallery_access.today():
        return {"last_day": "The last day has passed: choose today or a later day."}
    if project.gallery_expires_on and last_day > project.gallery_expires_on:
        return {
            "last_day": f"The gallery itself closes after {long_date(project.gallery_expires_on)}: "
            "choose that day or an earlier one (or extend the gallery first)."
        }
    return {}


def one_line_of(value: str | None) -> str:
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value or "").strip()


def _save(invitation: Invitation) -> Invitation:
    services().store.records.put(INVITATIONS, invitation.key, invitation.record())
    return invitation


def new_secret(invitation: Invitation) -> tuple[Invitation, str]:
    """A fresh secret for this invitation (sending again, copying the link again): the link given
    before stops working, since only the new one's hash is kept."""
    secret = secrets.token_urlsafe(32)
    return _save(replace(invitation, hash=digest(secret))), secret


def send(project: Project, invitation: Invitation, secret: str) -> Invitation:
    """Mail the invitation with its link through the site's mail setting; the outcome (sent, or
    failed and why) is kept on it for the photographer."""
    if not invitation.email:
        return _save(
            replace(invitation, delivery="failed", reason="No e-mail address: copy the link instead.")
        )
    subject, text = compose(project, invitation, link(invitation, secret))
    settings = services().site_settings()
    delivered: Delivery = deliver_mail(
        formataddr((invitation.name, invitation.email)),  # quoted: a comma in a name is no second address
        subject,
        text,
        reply_to=settings.contact_email,
        what=f"gallery invitation for {project.title}",
    )
    return _save(
        replace(
            invitation,
            delivery="sent" if delivered.accepted else "failed",
            reason=delivered.reason,
            sent_at=utcnow() if delivered.accepted else invitation.sent_at,
            message_id=delivered.message_id,
        )
    )


def copied(invitation: Invitation) -> Invitation:
    """Its link was copied (to send by a messenger) rather than mailed."""
    return _save(replace(invitation, delivery="link", reason=""))


def revoke(project: Project, invitation: Invitation) -> Invitation:
    """End this person's access at once: their grant and every photo link signed for them."""
    gallery_access.revoke(project, invitation.id)
    activity.record(f"Revoked {invitation.name}'s access to “{project.title}”", project_id=project.id)
    return _save(replace(invitation, revoked_at=utcnow()))


def extend(project: Project, invitation: Invitation, days: int = EXTEND_DAYS) -> Invitation:
    """Its own last day moved `days` later (from today when it has passed), never past the
    gallery's. ValidationError when the gallery itself closes first."""
    today = gallery_access.today()
    start = max(invitation.last_day or today, today)
    last_day = (date.fromisoformat(start) + timedelta(days=days)).isoformat()
    if project.gallery_expires_on:
        if project.gallery_expires_on < today:
            raise ValidationError({"last_day": "The gallery itself has closed: extend the gallery first."})
        last_day = min(last_day, project.gallery_expires_on)
    gallery_access.set_last_day(project, invitation.id, last_day)
    return _save(replace(invitation, last_day=last_day))


def forget_gallery(project_id: str) -> None:
    """A gallery deleted for good (its trash emptied): its invitations and their visits go too."""
    records = services().store.records
    for collection in (INVITATIONS, OPENS):
        for key, _ in records.query(collection, prefix=f"{project_id}#"):
            records.delete(collection, key)


# -- opening a link ------------------------------------------------------------------------------
class Refused(Exception):
    """A link that opens nothing: `status` and the message the visitor reads."""

    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


def follow(project: Project | None, invitation_id: str, secret: str) -> Invitation:
    """The invitation this link is for, while it holds; Refused saying why not."""
    invitation = get(project, invitation_id) if project is not None and project.is_private else None
    if invitation is None or not hmac.compare_digest(invitation.hash, digest(secret)):
        raise Refused(404, "This link does not open a gallery. Check that it was copied whole.")
    state = invitation.state(project)
    if state == "revoked":
        raise Refused(403, "This invitation was withdrawn. Ask your photographer for a new one.")
    if state == "expired":
        raise Refused(410, "This invitation has ended. Ask your photographer if you need more time.")
    opened(project, invitation.id)
    return invitation


def opened(project: Project, invitation_id: str) -> None:
    """Note that the gallery was opened with this invitation (at most once a minute per process)."""
    key = f"{project.id}#{invitation_id}"
    now = time.monotonic()
    if now - _recent_opens.get(key, -OPEN_WRITE_SECONDS) < OPEN_WRITE_SECONDS:
        return
    _recent_opens[key] = now
    services().store.records.put(OPENS, key, {"at": utcnow()})


# -- the template --------------------------------------------------------------------------------
def template() -> tuple[str, str]:
    """The site's invitation mail: (subject, body), the photographer's or the default."""
    saved = services().store.records.get(TEMPLATE, "mail") or {}
    return str(saved.get("subject") or DEFAULT_SUBJECT), str(saved.get("body") or DEFAULT_BODY)


def save_template(subject: str, body: str) -> None:
    """Keep the photographer's template; ValidationError when it lacks the link or is empty."""
    subject, body = one_line_of(subject), (body or "").replace("\r\n", "\n").strip()
    errors = {}
    if not subject:
        errors["subject"] = "Give the e-mail a subject."
    if "{link}" not in body:
        errors["body"] = "Keep {link} in the text: it is the recipient's way into the gallery."
    unknown = sorted(set(re.findall(r"\{(\w+)\}", subject + body)) - set(PLACEHOLDERS))
    if unknown:
        errors["body"] = (
            f"Unknown placeholder {{{unknown[0]}}}: use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}."
        )
    if errors:
        raise ValidationError(errors)
    services().store.records.put(TEMPLATE, "mail", {"subject": subject, "body": body + "\n"})


def compose(
    project: Project, invitation: Invitation, url: str, *, wording: tuple[str, str] | None = None
) -> tuple[str, str]:
    """The subject and text this recipient gets, from the site's template (or `wording`, a
    subject and body being edited: the preview). Placeholders are filled in one pass, so a name
    containing "{link}" stays text."""
    settings = services().site_settings()
    ends = invitation.ends_on(project)
    values = {
        "name": invitation.name,
        "gallery": project.title,
        "link": url,
        "expires": f"The gallery is open until {long_date(ends)}." if ends else "",
        "photographer": settings.business_name,
    }
    subject, body = wording or template()

    def fill(text: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)

    return one_line_of(fill(subject)), re.sub(r"\n{3,}", "\n\n", fill(body))
