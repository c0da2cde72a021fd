"""Signing in and out: sessions, cookies, throttling, the create-admin command."""

from __future__ import annotations

from sgoodie.auth import SESSIONS
from sgoodie.services import services


def test_sign_in_and_out_ends_the_session_server_side(app, client, admin):
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        assert len(services().store.records.query(SESSIONS)) == 1
    stolen_cookie = client.get_cookie("session")
    admin.logout()
    assert client.get("/admin/").status_code == 302
    with app.app_context():
        assert services().store.records.query(SESSIONS) == []
    # Replaying the cookie captured before sign-out does not get back in.
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie.value)
    assert replay.get("/admin/").status_code == 302


def test_session_cookie_flags(tmp_path, admin_user):
    from sgoodie import create_app

    production = create_app({"INSTANCE_PATH": str(tmp_path / "p"), "SECRET_KEY": "x"})
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production.config["SESSION_COOKIE_SECURE"] is True
    development = create_app({"INSTANCE_PATH": str(tmp_path / "d"), "SECRET_KEY": "x", "DEV_MODE": True})
    assert development.config["SESSION_COOKIE_SECURE"] is False


def test_the_session_changes_at_sign_in(client, admin_user, browser_like):
    browser_like.csrf_token()
    before = client.get_cookie("session").value
    browser_like.login()
    assert client.get_cookie("session").value != before


def test_wrong_password_is_refused_with_a_clear_message(client, admin_user, browser_like):
    response = browser_like.login(password="not the password")
    assert response.status_code == 401
    assert "email or password is not right" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    app, client, admin_user, browser_like, actions_for, monkeypatch
):
    import sgoodie.auth as auth

    monkeypatch.setattr(
        auth.time, "sleep", lambda seconds: None
    )  # the slowdown is real; the test need not wait
    for _ in range(auth.ACCOUNT_FAILURES.limit):
        browser_like.login(password="guess")
    response = browser_like.login()
    assert response.status_code == 429
    assert "paused" in response.get_data(as_text=True)
    # The lockout is stored with the content, so a restarted app (another worker) sees it too.
    from sgoodie import create_app

    restarted = create_app({"TESTING": True, "INSTANCE_PATH": app.instance_path, "SECRET_KEY": "test-secret"})
    assert actions_for(restarted.test_client()).login().status_code == 429


def test_failures_from_one_address_lock_it_across_accounts(client, admin_user, browser_like, monkeypatch):
    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    for index in range(auth.ADDRESS_FAILURES.limit):
        browser_like.login(email=f"someone{index}@example.com", password="guess")
    assert browser_like.login().status_code == 429


def test_create_admin_command(app, runner):
    result = runner.invoke(
        ["create-admin", "owner@example.com", "--password-stdin"], input="a long enough passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created admin owner@example.com" in result.output
    again = runner.invoke(
        ["create-admin", "owner@example.com", "--password-stdin"], input="another long passphrase\n"
    )
    assert "Reset the password" in again.output
    weak = runner.invoke(["create-admin", "owner@example.com", "--password-stdin"], input="short\n")
    assert weak.exit_code != 0 and "characters" in weak.output
    with app.app_context():
        stored = services().store.admin_by_email("owner@example.com")
    assert stored.password_hash.startswith("scrypt:")
    assert "another long passphrase" not in stored.password_hash


def test_password_change(client, admin):
    response = admin.post(
        "/admin/account",
        {
            "current": "correct horse battery",
            "new": "an even better passphrase",
            "confirm": "an even better passphrase",
        },
    )
    assert response.status_code == 302
    admin.logout()
    assert admin.login(password="an even better passphrase").status_code == 302


def test_forms_without_csrf_token_are_refused(client, admin, app):
    response = client.post("/admin/projects/new", data={"title": "No token", "category": "interiors"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True) or "expired" in response.get_data(as_text=True).lower()
    json_response = client.post("/admin/projects/reorder", json={"category": "interiors", "ids": []})
    assert json_response.status_code == 400
    with app.app_context():
        assert services().store.projects_in_category("interiors") == []
