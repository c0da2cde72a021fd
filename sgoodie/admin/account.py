"""Signing in and out, changing one's password, and the access tokens of /api/v1 (Account → Tokens)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import tokens
from ..accounts import PasswordPolicyError, check_password_policy, set_password, verify_password
from ..auth import SignInRefused, continue_session, safe_next, sign_in, sign_out
from ..domain import ValidationError
from .blueprint import bp
from .forms import ConfirmForm, LoginForm, PasswordForm, TokenForm


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    default = url_for("admin.dashboard")
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next"), default))
        form.next.data = safe_next(request.args.get("next"), "")
    status = 200
    if form.validate_on_submit():
        try:
            sign_in(form.email.data, form.password.data)
        except SignInRefused as refused:
            if refused.locked:
                flash(str(refused), "error")
                status = 429
            else:
                form.password.errors.append(str(refused))
                status = 401
        else:
            return redirect(safe_next(form.next.data, default))
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        sign_out()
        flash("You are signed out.", "success")
    return redirect(url_for("admin.login"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    form = PasswordForm()
    if form.validate_on_submit():
        admin = current_user.admin
        if not verify_password(admin, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            try:
                check_password_policy(form.new.data, admin.email)
            except PasswordPolicyError as exc:
                form.new.errors.append(str(exc))
            else:
                # Every other session of this account ends; this browser goes on in a new one.
                continue_session(set_password(admin.id, form.new.data))
                flash("Your password is changed. You are signed out everywhere else.", "success")
                return redirect(url_for("admin.account"))
    return render_template("admin/account.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
def account_tokens():
    """List, create and revoke access tokens. A new token's secret is in this one answer only
    (rendered, never redirected through the session), so nothing keeps it but the photographer."""
    form = TokenForm()
    created = secret = None
    status = 200
    if form.validate_on_submit():
        try:
            created, secret = tokens.create(
                form.name.data, form.scopes.data, int(form.expires.data), created_by=current_user.email
            )
        except ValidationError as exc:
            for name, message in exc.errors.items():
                getattr(form, name, form.name).errors.append(message)
            status = 422
        else:
            form = TokenForm(formdata=None)
    elif request.method == "POST":
        status = 422
    return render_template(
        "admin/tokens.html",
        form=form,
        tokens=tokens.list_tokens(),
        created=created,
        secret=secret,
        revoke_form=ConfirmForm(),
        scopes=tokens.SCOPES,
    ), status


@bp.post("/account/tokens/<token_id>/revoke")
def revoke_token(token_id: str):
    if ConfirmForm().validate_on_submit():
        token = tokens.revoke(token_id)
        if token is None:
            flash("That token no longer exists.", "error")
        else:
            flash(f"“{token.name}” is revoked: programs using it are refused from now on.", "success")
    return redirect(url_for("admin.account_tokens"))
