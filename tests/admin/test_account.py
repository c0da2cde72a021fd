"""Signing in and out: sessions, cookies, throttling, the create-admin command."""

from __future__ import annotations

import re

from sgoodie import tokens
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

    # Production's settings, without its background runner (this site has no tables to sweep).
    quiet = {"SECRET_KEY": "x", "BACKGROUND_RUNNER": False}
    production = create_app({"INSTANCE_PATH": str(tmp_path / "p"), **quiet})
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production.config["SESSION_COOKIE_SECURE"] is True
    development = create_app({"INSTANCE_PATH": str(tmp_path / "d"), "DEV_MODE": True, **quiet})
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


def _change_password(admin):
    response = admin.post(
        "/admin/account",
        {
            "current": "correct horse battery",
            "new": "an even better passphrase",
            "confirm": "an even better passphrase",
        },
    )
    assert response.status_code == 302


def test_password_change(client, admin):
    _change_password(admin)
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


# -- throttling that counts before it checks, and that an attacker cannot turn on the admin --------
def _client_at(app, actions_for, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, actions_for(client)


def test_concurrent_wrong_passwords_are_checked_no_more_than_the_limit(
    app, admin_user, actions_for, monkeypatch
):
    """18 guesses at once from one address, against the real SQLite store: each is counted before
    the slow hash runs, so only the first five are checked at all."""
    import threading

    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    real_verify, checked = auth.verify_password, []

    def slow_verify(admin, password):  # a slower hash widens the window the guesses race through
        checked.append(password)
        threading.Event().wait(0.3)
        return real_verify(admin, password)

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    guessers = [actions_for(app.test_client()) for _ in range(18)]
    tokens = [guesser.csrf_token() for guesser in guessers]
    start, statuses = threading.Barrier(len(guessers)), []

    def guess(guesser, token, n):
        start.wait()
        response = guesser.client.post(
            "/admin/login",
            data={"email": "photographer@example.com", "password": f"guess {n}", "csrf_token": token},
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=guess, args=(g, t, n))
        for n, (g, t) in enumerate(zip(guessers, tokens, strict=True))
    ]
    [t.start() for t in threads]
    [t.join(timeout=60) for t in threads]
    assert len(statuses) == 18
    assert len(checked) <= auth.ACCOUNT_FAILURES.limit
    assert statuses.count(401) == len(checked) and statuses.count(429) == 18 - len(checked)
    assert actions_for(app.test_client()).login().status_code == 429  # this address now waits


def test_an_attack_from_one_address_does_not_lock_the_admin_out_elsewhere(
    app, admin_user, actions_for, monkeypatch
):
    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    _, attacker = _client_at(app, actions_for, "203.0.113.66")
    for _ in range(auth.ACCOUNT_FAILURES.limit + 2):
        attacker.login(password="guess")
    assert attacker.login().status_code == 429  # even the right password, from the attacker's address
    client, photographer = _client_at(app, actions_for, "198.51.100.7")
    assert photographer.login().status_code == 302  # never failed from here: signs in
    assert client.get("/admin/").status_code == 200


def test_guessing_spread_over_many_addresses_stops_at_a_ceiling_but_not_for_a_known_address(
    app, admin_user, actions_for, monkeypatch
):
    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(auth, "ACCOUNT_CEILING", 8, raising=False)
    home, photographer = _client_at(app, actions_for, "198.51.100.7")
    assert photographer.login().status_code == 302  # the admin's usual address
    photographer.logout()
    for n in range(auth.ACCOUNT_CEILING):
        _, bot = _client_at(app, actions_for, f"192.0.2.{n + 1}")
        assert bot.login(password="guess").status_code == 401
    _, fresh = _client_at(app, actions_for, "192.0.2.200")
    assert fresh.login().status_code == 429  # past the ceiling, a new address waits too
    assert photographer.login().status_code == 302  # but not the address the admin signs in from
    assert home.get("/admin/").status_code == 200


def test_the_dashboard_shows_recent_failed_sign_ins(app, admin_user, actions_for, monkeypatch):
    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    _, attacker = _client_at(app, actions_for, "203.0.113.66")
    attacker.login(password="guess one")
    attacker.login(password="guess two")
    attacker.login(email="owner@example.com", password="guess three")
    client, photographer = _client_at(app, actions_for, "198.51.100.7")
    photographer.login()
    html = client.get("/admin/").get_data(as_text=True)
    assert "Failed sign-ins" in html
    row = next(line for line in html.splitlines() if "203.0.113.66" in line)
    assert ">3<" in row and "photographer@example.com" in row and "owner@example.com" in row


# -- sessions: one version per admin, held to the browser that signed in ---------------------------
def test_changing_the_password_signs_out_every_other_session(app, client, admin, actions_for):
    laptop = app.test_client()
    assert actions_for(laptop).login().status_code == 302
    _change_password(admin)
    assert client.get("/admin/").status_code == 200  # the browser that changed it goes on
    assert laptop.get("/admin/").status_code == 302  # every other session is over


def test_create_admin_resetting_a_password_signs_that_admin_out(app, client, admin, runner):
    result = runner.invoke(
        ["create-admin", "photographer@example.com", "--password-stdin"], input="a brand new passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/admin/").status_code == 302
    assert "signed out" in result.output


def test_sign_out_everyone_ends_every_admin_session(app, client, admin, actions_for, runner):
    from sgoodie.accounts import create_or_reset_admin

    with app.app_context():
        create_or_reset_admin("assistant@example.com", "another long passphrase")
    assistant = app.test_client()
    assert actions_for(assistant).login("assistant@example.com", "another long passphrase").status_code == 302
    result = runner.invoke(["sign-out-everyone"])
    assert result.exit_code == 0, result.output
    assert "Signed out 2 sessions of 2 admins" in result.output
    assert client.get("/admin/").status_code == 302 and assistant.get("/admin/").status_code == 302
    told = assistant.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert "Your session had ended (it expired, you signed out, or everyone was signed out" in told
    with app.app_context():
        assert services().store.records.query(SESSIONS) == []
    assert admin.login().status_code == 302  # signing in again works


def test_a_session_cookie_only_works_in_the_browser_that_signed_in(app, client, admin):
    assert client.get("/admin/").status_code == 200
    cookie = client.get_cookie("session").value
    other_browser = app.test_client()
    other_browser.set_cookie("session", cookie)
    assert other_browser.get("/admin/", headers={"User-Agent": "Mozilla/5.0 (elsewhere)"}).status_code == 302
    told = other_browser.get(
        "/admin/", headers={"User-Agent": "Mozilla/5.0 (elsewhere)"}, follow_redirects=True
    )
    assert "(a browser update does this)" in told.get_data(as_text=True)  # why, on the sign-in page
    assert client.get("/admin/").status_code == 200  # the admin's own browser is not disturbed
    # The same browser on another network (a phone leaving Wi-Fi) stays signed in.
    client.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    assert client.get("/admin/").status_code == 200


def test_ipv6_guesses_rotating_through_one_64_count_as_one_address(app, admin_user, actions_for, monkeypatch):
    import sgoodie.auth as auth

    monkeypatch.setattr(auth.time, "sleep", lambda seconds: None)
    for n in range(auth.ADDRESS_FAILURES.limit):
        _, guesser = _client_at(app, actions_for, f"2001:db8:5:7::{n + 1:x}")
        assert guesser.login(email=f"someone{n}@example.com", password="guess").status_code == 401
    _, next_one = _client_at(app, actions_for, "2001:db8:5:7:ffff::1")
    assert next_one.login(email="another@example.com", password="guess").status_code == 429
    client, elsewhere = _client_at(app, actions_for, "2001:db8:5:8::1")  # another /64
    assert elsewhere.login().status_code == 302
    client.environ_base["REMOTE_ADDR"] = "2001:db8:5:8::2"  # a privacy address of the same /64
    assert client.get("/admin/").status_code == 200


# -- Account → Tokens ----------------------------------------------------------------------------
def test_a_token_is_created_shown_once_listed_and_revoked(admin, app):
    page = admin.client.get("/admin/account/tokens")
    assert page.status_code == 200 and "No tokens yet." in page.get_data(as_text=True)
    created = admin.post(
        "/admin/account/tokens",
        {"name": "Lightroom on the iMac", "scopes": ["read", "publish"], "expires": "90"},
    )
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "private, no-store"
    secret = re.search(r'value="(sgt_[0-9a-f]{16}_[A-Za-z0-9_-]{43})"', html).group(1)
    assert "only time it is shown" in html and "data-copy" in html
    listed = admin.client.get("/admin/account/tokens").get_data(as_text=True)
    assert secret not in listed  # shown once: never again
    assert "Lightroom on the iMac" in listed and "<code>read</code> <code>publish</code>" in listed
    assert "Never" in listed  # not used yet
    api = app.test_client()
    assert api.get("/api/v1/projects", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context():
        token = tokens.list_tokens()[0]
        assert token.last_used_at and token.created_by == "photographer@example.com"
    revoked = admin.post(f"/admin/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "is revoked" in revoked.get_data(as_text=True) and "Revoked" in revoked.get_data(as_text=True)
    assert api.get("/api/v1/projects", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_form_with_mistakes_says_what_to_fix_and_keeps_the_name(admin):
    answer = admin.post("/admin/account/tokens", {"name": "Laptop", "expires": "90"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Choose at least one." in html and 'value="Laptop"' in html
    assert "sgt_" not in html


def test_the_tokens_page_needs_a_signed_in_admin(client):
    assert client.get("/admin/account/tokens").status_code == 302
