"""The site's one mail setting and the plugin API's `send_mail`, against a real SMTP server on
loopback (the `smtp_server` fixture)."""

from __future__ import annotations

import logging
import socket

import pytest

from sgoodie import create_app
from sgoodie.plugin_api import mail_enabled, send_mail, send_mail_later
from sgoodie.services import services
from tests.plugins.test_contact import _wait_for

LEGACY = (
    "SGOODIE_CONTACT_NOTIFY",
    "SGOODIE_CONTACT_FROM",
    "SGOODIE_PROOFING_NOTIFY",
    "SGOODIE_PROOFING_FROM",
)


@pytest.fixture(autouse=True)
def no_mail_in_the_environment(monkeypatch):
    for name in ("SGOODIE_MAIL", "SGOODIE_MAIL_FROM", *LEGACY):
        monkeypatch.delenv(name, raising=False)


def _app(tmp_path, **config):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "s", **config})
    with app.app_context():
        services().store.init_schema()
    return app


def _mail_app(tmp_path, smtp_server):
    controller, received = smtp_server
    app = _app(tmp_path, MAIL=f"smtp://127.0.0.1:{controller.port}", MAIL_FROM="studio@photos.example")
    return app, received


def test_send_mail_delivers_reply_to_threading_headers_and_an_html_part(tmp_path, smtp_server):
    app, received = _mail_app(tmp_path, smtp_server)
    with app.app_context():
        accepted = send_mail(
            "ana@example.com",
            "Re: your selection\r\nBcc: everyone@evil.example",
            "Thank you, Ana.",
            reply_to="studio@photos.example",
            headers={"In-Reply-To": "<first@photos.example>", "References": "<first@photos.example>"},
            html="<p>Thank you, <b>Ana</b>.</p>",
            what="test reply",
        )
    assert accepted is True
    [mail] = received
    assert mail["From"] == "studio@photos.example" and mail["To"] == "ana@example.com"
    assert mail["Subject"] == "Re: your selection Bcc: everyone@evil.example" and mail["Bcc"] is None
    assert mail["Reply-To"] == "studio@photos.example"
    assert mail["In-Reply-To"] == mail["References"] == "<first@photos.example>"
    assert mail["Message-ID"].endswith("@photos.example>")  # the next reply can thread on it
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in mail.walk()
        if not part.is_multipart()
    }
    assert mail.get_content_type() == "multipart/alternative"
    assert parts["text/plain"].strip() == "Thank you, Ana."
    assert parts["text/html"].strip() == "<p>Thank you, <b>Ana</b>.</p>"


def test_send_mail_refuses_headers_it_writes_itself(tmp_path, smtp_server):
    app, received = _mail_app(tmp_path, smtp_server)
    with app.app_context(), pytest.raises(ValueError, match="'To' cannot be an extra header"):
        send_mail("ana@example.com", "Hi", "Hello", headers={"To": "everyone@evil.example"})
    assert received == []


def _closed_port() -> int:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return closed.getsockname()[1]  # nobody listens once it is closed


def test_send_mail_says_when_the_mail_was_not_accepted(tmp_path, caplog):
    app = _app(tmp_path, MAIL=f"smtp://127.0.0.1:{_closed_port()}", MAIL_FROM="studio@photos.example")
    caplog.set_level(logging.ERROR, logger="sgoodie.mail")
    with app.app_context():
        assert send_mail("ana@example.com", "Hi", "Hello", what="test mail") is False
    assert "test mail to ana@example.com via smtp failed" in caplog.text


def test_a_queued_mail_not_accepted_is_tried_again(tmp_path):
    from sgoodie import mail

    app = _app(tmp_path, MAIL=f"smtp://127.0.0.1:{_closed_port()}", MAIL_FROM="studio@photos.example")
    with app.app_context(), pytest.raises(mail.NotAccepted):  # the job runner retries on it
        mail.send_queued(to="ana@example.com", subject="Hi", text="Hello", what="test mail")


def test_without_a_mail_setting_nothing_is_sent(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        assert mail_enabled() is False
        assert send_mail("ana@example.com", "Hi", "Hello") is False


def test_send_mail_later_returns_at_once_and_the_runner_delivers(tmp_path, smtp_server, hold_jobs):
    app, received = _mail_app(tmp_path, smtp_server)
    held = hold_jobs(app)
    with app.test_request_context():
        send_mail_later("ana@example.com", "Hi", "Hello", reply_to="studio@photos.example")
    assert received == [] and held.kinds() == ["mail.send"]
    held.run_all()
    [mail] = received
    assert mail["Reply-To"] == "studio@photos.example" and mail["Subject"] == "Hi"


@pytest.mark.parametrize(("notify", "sender"), [LEGACY[:2], LEGACY[2:]])
def test_the_old_per_plugin_variables_still_work_with_a_deprecation_line(
    tmp_path, smtp_server, monkeypatch, caplog, notify, sender
):
    controller, received = smtp_server
    monkeypatch.setenv(notify, f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv(sender, "old@photos.example")
    caplog.set_level(logging.WARNING, logger="sgoodie.config")
    app = _app(tmp_path)
    assert f"{notify} and {sender} are deprecated: set SGOODIE_MAIL and SGOODIE_MAIL_FROM" in caplog.text
    with app.app_context():
        assert mail_enabled() and send_mail("ana@example.com", "Hi", "Hello") is True
    assert received[0]["From"] == "old@photos.example"


def test_the_mail_setting_wins_over_the_old_variables(tmp_path, smtp_server, monkeypatch, caplog):
    controller, received = smtp_server
    monkeypatch.setenv("SGOODIE_MAIL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv("SGOODIE_MAIL_FROM", "new@photos.example")
    monkeypatch.setenv("SGOODIE_CONTACT_NOTIFY", "smtp://127.0.0.1:1")
    caplog.set_level(logging.WARNING, logger="sgoodie.config")
    app = _app(tmp_path)
    assert "SGOODIE_CONTACT_NOTIFY and SGOODIE_CONTACT_FROM are deprecated and ignored" in caplog.text
    with app.app_context():
        assert send_mail("ana@example.com", "Hi", "Hello") is True
    assert _wait_for(lambda: received) and received[0]["From"] == "new@photos.example"


def test_with_both_old_pairs_the_first_is_used_and_the_other_said_to_be_ignored(
    tmp_path, smtp_server, monkeypatch, caplog
):
    controller, received = smtp_server
    monkeypatch.setenv("SGOODIE_CONTACT_NOTIFY", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv("SGOODIE_CONTACT_FROM", "contact@photos.example")
    monkeypatch.setenv("SGOODIE_PROOFING_NOTIFY", "smtp://127.0.0.1:1")
    monkeypatch.setenv("SGOODIE_PROOFING_FROM", "proofing@photos.example")
    caplog.set_level(logging.WARNING, logger="sgoodie.config")
    app = _app(tmp_path)
    assert "SGOODIE_PROOFING_FROM are deprecated and ignored: SGOODIE_CONTACT_NOTIFY is used" in caplog.text
    with app.app_context():
        assert send_mail("ana@example.com", "Hi", "Hello") is True
    assert received[0]["From"] == "contact@photos.example"


def test_a_refused_mail_setting_is_reported_without_its_password(tmp_path):
    from sgoodie.config import ConfigError

    with pytest.raises(ConfigError) as refused:
        _app(tmp_path, MAIL="smtp:/ada:s3cret@mail.example", MAIL_FROM="studio@photos.example")
    assert "s3cret" not in str(refused.value)
    with pytest.raises(ConfigError) as refused:
        _app(tmp_path, MAIL="smpt://ada:s3cret@mail.example", MAIL_FROM="studio@photos.example")
    assert "s3cret" not in str(refused.value) and "smpt://ada:***@mail.example" in str(refused.value)
