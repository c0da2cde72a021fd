"""Verifying Amazon SNS messages (S3 event notifications arrive through SNS).

A message is acted on only if, cheapest check first:
- it comes from the one topic this site subscribes to (`SGOODIE_SNS_TOPIC_ARN`): any AWS
  account can make a topic whose correctly signed messages name our endpoint;
- its signature checks out against the signing certificate, fetched only from an https URL on
  an `sns.<region>.amazonaws.com` host (so a forged message cannot point us at its own
  certificate); a failed fetch is remembered for a minute, so nobody can make us fetch again
  and again, and it refuses the message rather than failing the request;
- its Timestamp is less than an hour old (SNS stops retrying an HTTP/S delivery within an
  hour), and its MessageId has not been seen in that hour (kept in the records store, so a
  replay is caught by whichever worker or machine receives it).
"""

from __future__ import annotations

import base64
import http.client
import re
import time
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
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
MAX_AGE = timedelta(hours=1)  # SNS's retries of an HTTP/S delivery end within an hour (a hard limit)
CLOCK_SKEW = timedelta(minutes=5)  # how far ahead of our clock a Timestamp may be
SEEN = "sns-messages"  # records collection: MessageId -> seen, kept while its Timestamp is fresh
CERTIFICATE_RETRY_AFTER = 60  # seconds a failed certificate fetch is not tried again


class InvalidMessage(Exception):
    """Not a message to act on: 403, or 400 when it is malformed (`status`)."""

    def __init__(self, reason: str, *, status: int = 403):
        super().__init__(reason)
        self.status = status


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


_failed_fetches: dict[str, float] = {}  # certificate URL -> when fetching it last failed (monotonic)


def certificate(url: str) -> x509.Certificate:
    """The signing certificate at `url` (cached); raises InvalidMessage when it cannot be fetched
    or read, and for CERTIFICATE_RETRY_AFTER seconds after that without trying again."""
    failed_at = _failed_fetches.get(url)
    if failed_at is not None and time.monotonic() - failed_at < CERTIFICATE_RETRY_AFTER:
        raise InvalidMessage(f"the signing certificate {url} could not be fetched a moment ago")
    try:
        return _certificate(url)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # URLError and timeouts are OSErrors
        if len(_failed_fetches) >= 256:  # URLs come from messages: keep the memory bounded
            _failed_fetches.clear()
        _failed_fetches[url] = time.monotonic()
        raise InvalidMessage(
            f"the signing certificate {url} could not be fetched: {exc.__class__.__name__}"
        ) from None


def forget_certificates() -> None:
    """Drop the fetched certificates and the remembered failures (tests, a certificate rotation)."""
    _certificate.cache_clear()
    _failed_fetches.clear()


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
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidMessage(f"bad signature: {exc.__class__.__name__}") from None
    key = certificate(cert_url).public_key()
    try:
        key.verify(signature, string_to_sign(message), padding.PKCS1v15(), HASHES[version]())
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise InvalidMessage(f"bad signature: {exc.__class__.__name__}") from None


def check_topic(message: Any, topic_arn: str) -> None:
    """Only the configured topic's messages; checked before any certificate is fetched."""
    if not isinstance(message, Mapping):
        raise InvalidMessage("the body is not a JSON object")
    if not topic_arn:
        raise InvalidMessage("SGOODIE_SNS_TOPIC_ARN is not set: no topic's messages are accepted")
    if message.get("TopicArn") != topic_arn:
        raise InvalidMessage(f"a message from another topic, {message.get('TopicArn')!r}")


def check_fresh(message: Mapping[str, Any], now: datetime | None = None) -> None:
    """Refuse a (signed) message published more than MAX_AGE ago, or dated in the future."""
    now = now or datetime.now(UTC)
    try:
        published = datetime.fromisoformat(str(message["Timestamp"]))
    except (KeyError, ValueError):
        raise InvalidMessage("the message has no readable Timestamp", status=400) from None
    if published.tzinfo is None:
        raise InvalidMessage("the message's Timestamp has no time zone", status=400)
    if now - published > MAX_AGE:
        raise InvalidMessage(f"a message published at {message['Timestamp']}, more than an hour ago")
    if published - now > CLOCK_SKEW:
        raise InvalidMessage(f"a message dated {message['Timestamp']}, in the future")


def claim(message: Mapping[str, Any], records: Any) -> None:
    """Remember the MessageId (atomically, in the records store shared by every worker) for as
    long as its Timestamp passes check_fresh; refuse one already seen."""
    message_id = message.get("MessageId")
    if not isinstance(message_id, str) or not message_id:
        raise InvalidMessage("the message has no MessageId", status=400)
    expires_at = int(time.time() + (MAX_AGE + CLOCK_SKEW).total_seconds())
    if records.increment(SEEN, message_id, "seen", expires_at=expires_at) > 1:
        raise InvalidMessage(f"message {message_id} was already received")


def release(message: Mapping[str, Any], records: Any) -> None:
    """Forget a claimed MessageId whose handling failed, so SNS's retry is handled."""
    records.delete(SEEN, str(message.get("MessageId")))


def authenticate(message: Any, *, topic_arn: str, records: Any) -> None:
    """Every check a message passes before it is acted on (module docstring), cheapest first.
    Raises InvalidMessage; on success the MessageId is claimed."""
    check_topic(message, topic_arn)
    verify(message)
    check_fresh(message)
    claim(message, records)


def confirm_subscription(message: Mapping[str, Any]) -> None:
    url = message.get("SubscribeURL", "")
    if not trusted_sns_url(url):
        raise InvalidMessage(f"untrusted SubscribeURL {url!r}")
    try:
        fetch(url)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise InvalidMessage(
            f"SNS did not answer the subscription confirmation: {exc.__class__.__name__}", status=400
        ) from None
