"""Client galleries: who may open one, and how their pages are answered.

A client gallery is a published project with `visibility = "client"`. Opening it takes its
password (the client: they may choose and download, with the proofing plugin) or its optional
guest password (view only), checked against the scrypt hashes on the project; attempts are counted per gallery and
address before the hash runs (as sign-in does) and a success takes its count back; past a
ceiling of wrong passwords per gallery over all addresses, tries wait for their turn (growing
delays, `ratelimit.Ceiling`), except from addresses that opened it before. The grant is a
signed cookie naming that gallery, the role it gives (`client` or `guest`) and the generation of
its passwords (`Project.gallery_epoch`): setting a new password bumps the generation, which ends
every grant given before. An invitation (`content.invitations`) gives one person a grant of their
own, naming its access id: revoked alone (`revoke`), with its own optional last day
(`set_last_day`). A gallery past
its last day (`gallery_expires_on`, in the site's time zone) opens for nobody until the
photographer extends it.

Every answer about a client gallery (the password form, the expired page, the gallery itself and
its photos) is `private, no-store` and `X-Robots-Tag: noindex`: never in the page cache, a CDN or
a search engine. Its photos are linked through signed URLs only (`file_urls.signed_url`), which
end with the grants: a new password, or one person's access revoked (`revoke`).
"""

from __future__ import annotations

import time
from datetime import datetime

from flask import Response, current_app, has_request_context, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from .auth import address_key
from .auth import private_response as private_response  # a gallery's answers are private like the admin's
from .domain import Project, time_zone
from .ratelimit import Ceiling, Window
from .security import set_private_cookie
from .services import services

GRANT_SECONDS = 30 * 24 * 3600  # a client who opened the gallery is not asked again for a month
GRANT_COOKIE_PREFIX = "sgoodie_gallery_"
# Wrong passwords per gallery and address in 15 minutes, counted before the hash is checked.
PASSWORD_FAILURES = Window("gallery-password-failures", limit=8, seconds=15 * 60)
# ...and per gallery over all addresses: past 30 a day, one try per 2, 4, 8... seconds (at most
# 5 minutes), so a botnet cannot guess for ever and the client still gets a turn.
GALLERY_GUESSES = Ceiling("gallery-password-guesses", free=30, seconds=24 * 3600, max_delay=5 * 60)
# Addresses that opened a gallery with its password: a slowed-down gallery still lets them in.
OPENED_FROM = "gallery-opened-from"
OPENED_FROM_SECONDS = 90 * 24 * 3600
NOINDEX = "noindex, nofollow"


class TooManyAttempts(Exception):
    """Too many wrong passwords for this gallery from this address; `seconds` until they may try."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"try again in {seconds} seconds")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="sgoodie.gallery-grant")


def cookie_name(project: Project) -> str:
    return f"{GRANT_COOKIE_PREFIX}{project.id.replace('-', '')}"


def today() -> str:
    """Today's date (YYYY-MM-DD) in the site's time zone: the day a gallery's expiry counts in."""
    zone = time_zone(services().site_settings().time_zone)
    return datetime.now(zone).date().isoformat()


def is_expired(project: Project) -> bool:
    return project.gallery_expired(today())


CLIENT, GUEST = "client", "guest"


# Accesses ended one by one (an invitation revoked): `<project id>#<access id>`.
REVOKED = "gallery-access-revoked"
# One person's own last day (an invitation's expiry, never past the gallery's): same keys.
LAST_DAYS = "gallery-access-last-day"


def _live_grant(project: Project) -> dict | None:
    """This request's grant for this gallery while it holds: its cookie, signed for this gallery
    and the current generation of its passwords, within its month, the gallery not expired, its
    access not revoked."""
    if not project.is_private or is_expired(project) or not has_request_context():
        return None
    token = request.cookies.get(cookie_name(project))
    if not token:
        return None
    try:
        grant = _serializer().loads(token, max_age=GRANT_SECONDS)
    except BadSignature:
        return None
    if grant.get("project") != project.id or grant.get("epoch") != project.gallery_epoch:
        return None
    if grant.get("access") and not holds(project, grant["access"]):
        return None
    return grant if grant.get("role", CLIENT) in (CLIENT, GUEST) else None


def access(project: Project) -> str:
    """The role this request's live grant gives in this gallery, `client` or `guest`; "" without
    one (no cookie, another gallery's, an older password generation, past its month, the gallery
    expired, or its access revoked)."""
    grant = _live_grant(project)
    return grant.get("role", CLIENT) if grant else ""


def current_access_id(project: Project) -> str:
    """Whose access this request's grant is, when it is one person's (an invitation's id; "" for
    the shared password): the signed links made for them end when it is revoked."""
    grant = _live_grant(project)
    return str(grant.get("access", "")) if grant else ""


def visitor(project: Project) -> dict[str, str] | None:
    """Who this request's live grant is for: `access_id` (one person's own access, an
    invitation's id; "" for the shared password) and `kind` (`client` or `guest`); None without
    a live grant."""
    grant = _live_grant(project)
    if grant is None:
        return None
    return {"access_id": str(grant.get("access", "")), "kind": grant.get("role", CLIENT)}


def revoke(project: Project, access_id: str) -> None:
    """End one person's access: their grant and every link signed for them, at once."""
    services().store.records.put(REVOKED, f"{project.id}#{access_id}", {"revoked": True})


def is_revoked(project: Project, access_id: str) -> bool:
    return services().store.records.get(REVOKED, f"{project.id}#{access_id}") is not None


def set_last_day(project: Project, access_id: str, last_day: str) -> None:
    """One person's own last day (YYYY-MM-DD in the site's time zone; "" for none: the gallery's
    own last day alone counts). After it, their grant ends as the gallery's would."""
    key = f"{project.id}#{access_id}"
    if last_day:
        services().store.records.put(LAST_DAYS, key, {"last_day": last_day})
    else:
        services().store.records.delete(LAST_DAYS, key)


def holds(project: Project, access_id: str) -> bool:
    """Whether one person's own access is still good: not revoked, not past its own last day."""
    if is_revoked(project, access_id):
        return False
    own = services().store.records.get(LAST_DAYS, f"{project.id}#{access_id}")
    return not (own and own.get("last_day") and own["last_day"] < today())


def has_grant(project: Project) -> bool:
    return bool(access(project))


def check_password(project: Project, password: str) -> str:
    """The role the password gives (`client`, or `guest` for the guest password), "" for a wrong
    one. Raises TooManyAttempts once this address has failed too often on this gallery (the
    attempt is counted first, so simultaneous guesses all count), or, past the gallery's
    ceiling, until its next turn (addresses that opened it before skip the queue)."""
    key = f"{project.id}#{address_key(request.remote_addr or '')}"
    opened_here = services().store.records.get(OPENED_FROM, key) is not None
    wait = 0 if opened_here else GALLERY_GUESSES.wait(project.id)
    if wait:
        raise TooManyAttempts(wait)
    if PASSWORD_FAILURES.hit(key) > PASSWORD_FAILURES.limit:
        raise TooManyAttempts(max(1, PASSWORD_FAILURES.seconds_left(key)))
    for role, hashed in (
        (CLIENT, project.gallery_password_hash),
        (GUEST, project.gallery_guest_password_hash),
    ):
        if hashed and check_password_hash(hashed, password):
            PASSWORD_FAILURES.take_back(key)
            expires_at = int(time.time()) + OPENED_FROM_SECONDS
            services().store.records.put(OPENED_FROM, key, {"opened": True}, expires_at=expires_at)
            return role
    GALLERY_GUESSES.failed(project.id)
    return ""


def wrong_guesses(project: Project) -> tuple[int, int]:
    """For the photographer: wrong passwords on this gallery in the last day, over all
    addresses, and the seconds between tries that guessing is slowed to (0: not slowed)."""
    return GALLERY_GUESSES.failures.count(project.id), GALLERY_GUESSES.delay(project.id)


def grant(response: Response, project: Project, role: str = CLIENT, *, access_id: str = "") -> Response:
    """Give this browser access to this gallery as `role` (until a password changes, or a month);
    `access_id` names one person's own access (an invitation), which `revoke` can end alone."""
    claims = {"project": project.id, "epoch": project.gallery_epoch, "role": role}
    if access_id:
        claims["access"] = access_id
    return set_private_cookie(response, cookie_name(project), _serializer().dumps(claims), GRANT_SECONDS)


def unlisted_response(response: Response) -> Response:
    """An unlisted page: anyone with the link may see it, but no shared cache keeps it (it would
    then answer whoever asks) and search engines leave it out."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = NOINDEX
    return response
