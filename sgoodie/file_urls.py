"""The URLs browsers fetch stored files at.

- Public variants at their public address: the CDN (`MEDIA_BASE_URL`), or the app's own /media/.
- Private files (a client gallery's photos, originals to download, plugins' files such as a
  gallery's ZIP) through the app's signed links, `/media/signed/<token>`, on both backends. A link
  lives one to two hours (rounded to the hour, so a page keeps its URLs for a while and the browser
  reuses what it fetched, yet a copied link dies soon) and is checked on every use: a link to a
  client gallery's file names the generation of the gallery's passwords (`Project.gallery_epoch`)
  and the visitor's own access (an invitation, say), so a password reset, the gallery turned public
  or deleted, or that one person's access revoked ends every link signed before, at once. On S3 the
  app then redirects to a presigned GET valid for a minute (`BlobStore.presigned_get`), which nobody
  keeps: a presigned URL itself cannot be recalled, so it is never handed out for longer.

Storage itself knows no URL rules: this sits above the services.
"""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, g, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from . import gallery_access
from .blobs import gallery_of, is_private_key, is_signable_key
from .domain import Project
from .services import services

SIGNED_URL_SECONDS = 3600
PRESIGNED_SECONDS = 60  # a redirect's presigned GET: long enough to start the download


class LinkRevoked(Exception):
    """A signed link whose gallery's passwords changed, or whose holder's access was revoked."""


def public_url(key: str) -> str:
    """Where a browser fetches a variant or page image: the CDN when MEDIA_BASE_URL is set,
    otherwise the app's own /media/ route."""
    base = current_app.config.get("MEDIA_BASE_URL")
    if base:
        return f"{base}/{key}"
    return url_for("media.file", key=key)


def signed_url(
    key: str, *, download_name: str = "", gallery: Project | None = None, seconds: int = SIGNED_URL_SECONDS
) -> str:
    """A short-lived link to a private file. A client gallery's file (named by its key, or
    `gallery` for a plugin's file such as the gallery's ZIP) is tied to the gallery's password
    generation and to this visitor's access."""
    if not is_signable_key(key):
        raise ValueError(f"{key!r} is not a file a signed link may serve")
    grant: dict[str, Any] = {"key": key, "expires": (int(time.time()) // seconds + 2) * seconds}
    if download_name:
        grant["name"] = download_name
    project = gallery or _gallery(gallery_of(key))
    if project is not None:
        grant["gallery"] = [project.id, project.gallery_epoch]
        access = gallery_access.current_access_id(project)
        if access:
            grant["access"] = access
    return url_for("media.signed_file", token=_signer().dumps(grant))


def check_link(token: str) -> dict[str, Any]:
    """The grant of a signed link still good now; raises BadSignature for a forged, altered or
    late one, LinkRevoked when its gallery's passwords or its holder's access changed since."""
    grant = _signer().loads(token)
    if time.time() > grant.get("expires", 0):
        raise BadSignature("the link has expired")
    if "gallery" in grant:
        project_id, epoch = grant["gallery"]
        project = services().store.get_project(project_id)
        if project is None or not project.is_private or project.gallery_epoch != epoch:
            raise LinkRevoked("the gallery's passwords changed, or it is no longer a client gallery")
        if grant.get("access") and gallery_access.is_revoked(project, grant["access"]):
            raise LinkRevoked("this visitor's access to the gallery was revoked")
    return grant


def media_url(key: str) -> str:
    """A browser's URL for any variant: public ones at their public address, a client gallery's
    through a signed link."""
    return signed_url(key) if is_private_key(key) else public_url(key)


def _gallery(project_id: str | None) -> Project | None:
    """The gallery a file belongs to, read once per request (a gallery page signs every photo)."""
    if project_id is None:
        return None
    seen = g.setdefault("sgoodie_link_galleries", {})
    if project_id not in seen:
        seen[project_id] = services().store.get_project(project_id)
    return seen[project_id]


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="sgoodie.signed-link")
