"""S3 event notifications through SNS: only the configured topic, signatures verified, hosts
checked, stale and replayed messages refused, never a 500."""

from __future__ import annotations

import base64
import datetime
import json
import urllib.error

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from sgoodie import create_app
from sgoodie.config import ConfigError, load
from sgoodie.media import sns
from sgoodie.services import services

CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:sgoodie-photos-prod-uploads"


@pytest.fixture(autouse=True)
def topic(app):
    """The site subscribes to TOPIC (Terraform passes it as SGOODIE_SNS_TOPIC_ARN)."""
    app.config["SNS_TOPIC_ARN"] = TOPIC
    return TOPIC


def _now(**delta) -> str:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"  # as SNS writes it


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def fetched(signer, monkeypatch):
    """Stand in for the network: the certificate URL serves our test certificate."""
    calls = []

    def fake_fetch(url):
        calls.append(url)
        if url == CERT_URL:
            return signer[1]
        return b"<ConfirmSubscriptionResponse/>"

    sns.forget_certificates()
    monkeypatch.setattr(sns, "fetch", fake_fetch)
    return calls


def _sign(signer, message, version="2"):
    message = {
        **message,
        "SignatureVersion": version,
        "SigningCertURL": message.get("SigningCertURL", CERT_URL),
    }
    digest = hashes.SHA256() if version == "2" else hashes.SHA1()
    message["Signature"] = base64.b64encode(
        signer[0].sign(sns.string_to_sign(message), padding.PKCS1v15(), digest)
    ).decode()
    return message


def _notification(signer, key, message_id="m-1", version="2", **overrides):
    records = {
        "Records": [
            {
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": "b"}, "object": {"key": key, "size": 10}},
            }
        ]
    }
    message = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Subject": "Amazon S3 Notification",
        "Message": json.dumps(records),
        "Timestamp": _now(),
    }
    return _sign(signer, {**message, **overrides}, version)


def _post(client, message):
    return client.post(
        "/api/media/s3-events", data=json.dumps(message), content_type="text/plain; charset=UTF-8"
    )


@pytest.fixture
def uploaded(app, client, admin, portfolio, jpeg):
    """A photo whose file reached storage but whose browser went away before calling complete."""
    project = portfolio.project("Events", "travel", photos=0)
    data = jpeg()
    grant = admin.post_json(
        "/api/media/uploads",
        {"project_id": project.id, "filename": "a.jpg", "content_type": "image/jpeg", "size": len(data)},
    ).get_json()
    import io

    client.post(
        grant["upload"]["url"],
        data={**grant["upload"]["fields"], "file": (io.BytesIO(data), "a.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        return services().store.get_photo(grant["photo_id"])


def _wait(app, photo_id, status="ready"):
    import time

    for _ in range(600):
        with app.app_context():
            photo = services().store.get_photo(photo_id)
        if photo.status == status:
            return photo
        time.sleep(0.05)
    raise AssertionError(f"photo stayed {photo.status}")


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_signed_notification_completes_the_upload(app, client, signer, fetched, uploaded, version):
    response = _post(client, _notification(signer, uploaded.original_key, version=version))
    assert response.status_code == 200 and response.get_json() == {"handled": 1}
    _wait(app, uploaded.id)
    assert CERT_URL in fetched


def test_a_replayed_notification_is_refused_by_every_worker_and_harmless(
    app, client, signer, fetched, uploaded
):
    message = _notification(signer, uploaded.original_key)
    assert _post(client, message).status_code == 200
    _wait(app, uploaded.id)
    assert _post(client, message).status_code == 403
    # Another worker process (its own app, the same store) remembers it too.
    other = create_app(
        {"TESTING": True, "INSTANCE_PATH": app.config["INSTANCE_PATH"], "SECRET_KEY": "test-secret"}
    )
    other.config["SNS_TOPIC_ARN"] = TOPIC
    replay = _post(other.test_client(), message)
    assert replay.status_code == 403 and replay.get_json()["error"]["code"] == "forbidden"
    with app.app_context():
        assert services().store.get_photo(uploaded.id).status == "ready"
        remembered = services().store.records.get(sns.SEEN, message["MessageId"])
    assert remembered is not None


def test_only_the_configured_topics_messages_are_accepted(app, client, signer, fetched, uploaded):
    foreign = _notification(
        signer, uploaded.original_key, TopicArn="arn:aws:sns:eu-west-1:999999999999:theirs"
    )
    assert _post(client, foreign).status_code == 403
    assert fetched == []  # refused before any certificate is fetched
    app.config["SNS_TOPIC_ARN"] = ""  # not configured: nothing is accepted
    assert _post(client, _notification(signer, uploaded.original_key, message_id="m-2")).status_code == 403
    with app.app_context():
        assert services().store.get_photo(uploaded.id).status == "uploading"
    app.config["SNS_TOPIC_ARN"] = TOPIC
    assert _post(client, _notification(signer, uploaded.original_key, message_id="m-3")).status_code == 200

    assert load({"SGOODIE_SNS_TOPIC_ARN": f" {TOPIC} "})["SNS_TOPIC_ARN"] == TOPIC
    for bad in ("uploads", "arn:aws:sqs:eu-west-1:123456789012:uploads", "https://sns.example/topic"):
        with pytest.raises(ConfigError, match="SGOODIE_SNS_TOPIC_ARN"):
            load({"SGOODIE_SNS_TOPIC_ARN": bad})


def test_stale_future_and_undated_messages_are_refused(app, client, signer, fetched, uploaded):
    for n, (timestamp, status) in enumerate(
        [(_now(minutes=-61), 403), (_now(hours=-30), 403), (_now(minutes=10), 403), ("yesterday", 400)]
    ):
        message = _notification(signer, uploaded.original_key, message_id=f"old-{n}", Timestamp=timestamp)
        assert _post(client, message).status_code == status, timestamp
    undated = _notification(signer, uploaded.original_key, message_id="undated")
    undated.pop("Timestamp")
    undated = _sign(signer, {k: v for k, v in undated.items() if k != "Signature"})
    assert _post(client, undated).status_code == 400
    with app.app_context():
        assert services().store.get_photo(uploaded.id).status == "uploading"
    fresh = _notification(signer, uploaded.original_key, message_id="fresh", Timestamp=_now(minutes=-59))
    assert _post(client, fresh).status_code == 200
    _wait(app, uploaded.id)


def test_a_failing_certificate_fetch_is_refused_and_not_retried_at_once(
    client, signer, uploaded, monkeypatch
):
    calls = []

    def unreachable(url):
        calls.append(url)
        raise urllib.error.URLError("timed out")

    sns.forget_certificates()
    monkeypatch.setattr(sns, "fetch", unreachable)
    first = _post(client, _notification(signer, uploaded.original_key, message_id="c-1"))
    assert first.status_code == 403 and first.get_json()["error"]["code"] == "forbidden"
    assert _post(client, _notification(signer, uploaded.original_key, message_id="c-2")).status_code == 403
    assert calls == [CERT_URL]  # the failure is remembered for a while

    monkeypatch.setattr(sns, "fetch", lambda url: calls.append(url) or signer[1])
    monkeypatch.setattr(sns, "CERTIFICATE_RETRY_AFTER", 0)  # ... then tried again
    assert _post(client, _notification(signer, uploaded.original_key, message_id="c-3")).status_code == 200
    assert calls == [CERT_URL, CERT_URL]

    sns.forget_certificates()
    monkeypatch.setattr(sns, "fetch", lambda url: b"not a certificate")
    assert _post(client, _notification(signer, uploaded.original_key, message_id="c-4")).status_code == 403


def test_a_bad_signature_is_refused(client, signer, fetched, uploaded):
    message = _notification(signer, uploaded.original_key)
    message["MessageId"] = "tampered"  # a signed field changed after signing
    assert _post(client, message).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/SimpleNotificationService.pem",
        "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService.pem",
        "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem",
        "https://sns.eu-west-1.amazonaws.com/not-a-certificate.txt",
    ],
)
def test_certificates_only_come_from_sns_hosts(client, signer, fetched, uploaded, url):
    assert _post(client, _notification(signer, uploaded.original_key, SigningCertURL=url)).status_code == 403
    assert url not in fetched


def test_subscription_confirmation_is_fetched_from_sns_only(client, signer, fetched):
    good = _sign(
        signer,
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": "s-1",
            "Token": "t",
            "TopicArn": TOPIC,
            "Message": "confirm",
            "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t",
            "Timestamp": _now(),
        },
    )
    assert _post(client, good).status_code == 200 and good["SubscribeURL"] in fetched
    evil = _sign(
        signer,
        {
            **{k: v for k, v in good.items() if k != "Signature"},
            "SubscribeURL": "https://evil.example.com/confirm",
        },
    )
    with pytest.raises(sns.InvalidMessage):
        sns.confirm_subscription(evil)


def test_unknown_keys_and_garbage_are_ignored_or_refused(client, signer, fetched):
    assert _post(client, _notification(signer, "projects/x/variants/y/320.jpg")).get_json() == {"handled": 0}
    assert client.post("/api/media/s3-events", data="not json").status_code == 400  # malformed


def test_a_subscription_confirmation_sns_does_not_answer_is_a_400(client, signer, fetched, monkeypatch):
    def fetch(url):
        if url == CERT_URL:
            return signer[1]
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(sns, "fetch", fetch)
    message = _sign(
        signer,
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": "s-2",
            "Token": "t",
            "TopicArn": TOPIC,
            "Message": "confirm",
            "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t",
            "Timestamp": _now(),
        },
    )
    response = _post(client, message)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "not_confirmed"
    monkeypatch.setattr(sns, "fetch", lambda url: signer[1] if url == CERT_URL else b"<ok/>")
    assert _post(client, message).status_code == 200  # the same message, resent, is not a replay
