"""Verifying Amazon SNS messages (S3 event notifications arrive through SNS).

A message is trusted only if its signature checks out against the signing certificate, and the
certificate (and any subscription URL) is fetched only from an https URL on an
`sns.<region>.amazonaws.com` host, so a forged message cannot point us at its own certificate.
"""

from __future__ import annotations

import base64
import re
import urllib.request
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


class InvalidMessage(Exception):
    pass


def trusted_sns_url(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme == "https" and bool(SNS_HOST.match(parts.hostname or ""))


def fetch(url: str) -> bytes:
    """GET an SNS URL (certificate or subscription confirmation). Tests replace this."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


@lru_cache(maxsize=16)
def _certificate(url: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(fetch(url))


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    fields = NOTIFICATION_FIELDS if message.get("Type") == "Notification" else SUBSCRIPTION_FIELDS
    return "".join(f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None).encode()


def verify(message: Mapping[str, Any]) -> None:
    """Raise InvalidMessage unless the message is genuinely from SNS."""
    if not isinstance(message, Mapping):
        raise InvalidMessage("the body is not a JSON object")
    version = str(message.get("SignatureVersion", ""))
    if version not in HASHES:
        raise InvalidMessage(f"unsupported SignatureVersion {version!r}")
    cert_url = message.get("SigningCertURL") or message.get("SigningCertUrl") or ""
    if not trusted_sns_url(cert_url) or not cert_url.endswith(".pem"):
        raise InvalidMessage(f"untrusted signing certificate URL {cert_url!r}")
    try:
        signature = base64.b64decode(message["Signature"])
        certificate = _certificate(cert_url)
        certificate.public_key().verify(
            signature, string_to_sign(message), padding.PKCS1v15(), HASHES[version]()
        )
    except (KeyError, ValueError, InvalidSignature) as exc:
        raise InvalidMessage(f"bad signature: {exc.__class__.__name__}") from None


def confirm_subscription(message: Mapping[str, Any]) -> None:
    url = message.get("SubscribeURL", "")
    if not trusted_sns_url(url):
        raise InvalidMessage(f"untrusted SubscribeURL {url!r}")
    fetch(url)
