"""The URLs browsers fetch stored files at: public variants at their public address (the CDN, or the
app's own /media/ route), private files (a client gallery's photos, originals to download,
plugins' files) through signed links that live one to two hours. Storage itself knows no URL
rules: this sits above the services."""

from __future__ import annotations

import time

from flask import current_app, url_for

from .blobs import is_private_key, is_signable_key
from .services import services

# Signed links live between one and two hours: they are rounded to the hour, so the same photo
# keeps the same URL for a while (the browser reuses what it fetched) yet a copied link dies soon.
SIGNED_URL_SECONDS = 3600


def public_url(key: str) -> str:
    """Where a browser fetches a variant or page image: the CDN when MEDIA_BASE_URL is set,
    otherwise the app's own /media/ route."""
    base = current_app.config.get("MEDIA_BASE_URL")
    if base:
        return f"{base}/{key}"
    return url_for("media.file", key=key)


def signed_url(key: str, *, download_name: str = "", seconds: int = SIGNED_URL_SECONDS) -> str:
    """A short-lived URL for a private file (a client gallery's variant, an original to download,
    a plugin's file). Expiry is rounded up to the next whole `seconds` past `seconds` from now."""
    if not is_signable_key(key):
        raise ValueError(f"{key!r} is not a file a signed link may serve")
    expires_at = (int(time.time()) // seconds + 2) * seconds
    return services().blobs.signed_url(key, expires_at=expires_at, download_name=download_name)


def media_url(key: str) -> str:
    """A browser's URL for any variant: public ones at their public address, a client gallery's
    through a signed link."""
    return signed_url(key) if is_private_key(key) else public_url(key)
