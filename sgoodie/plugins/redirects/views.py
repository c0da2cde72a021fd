"""Redirects: answering legacy URLs before the 404 page, and the admin page that manages them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from .plugin import plugin
from .rules import Rule, RuleError, all_rules, count_hit, delete, match, normalise, save

bp = plugin.add_admin_blueprint(Blueprint("redirects", __name__, url_prefix="/admin/redirects"))
plugin.add_admin_menu_entry("Redirects", "redirects.index", order=70)


@plugin.on_not_found
def follow(path: str):
    rule = match(path)
    if rule is None:
        return None
    count_hit(rule)
    destination = rule.destination(path)
    copied_query = bool(request.query_string) and "?" not in destination
    if copied_query:
        destination += "?" + request.query_string.decode("latin-1")
    response = redirect(destination, rule.status)
    # A redirect that carries the visitor's query string is theirs alone: CloudFront's cache key
    # leaves query strings out (keying the site's default behaviour on them would let anyone
    # split every page's cache with junk parameters), so a public copy would send the next
    # visitors of this path to the first one's query (a token, a tracking id). Only a plain
    # permanent redirect may be cached.
    public = rule.permanent and not copied_query
    response.headers["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


class RuleForm(Form):
    source = StringField("Old address")
    target = StringField("New address")
    kind = SelectField(
        "Match",
        choices=[
            SelectChoice("exact", "This exact address"),
            SelectChoice("prefix", "Everything starting with it"),
        ],
    )
    permanent = BooleanField("Permanent (301)", default=True)


@bp.route("/", methods=["GET", "POST"])
def index():
    form = RuleForm(request.form if request.method == "POST" else None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            source, target = normalise(form.source.data or "", form.target.data or "", form.kind.data or "")
            rule = save(
                Rule(
                    source,
                    target,
                    form.kind.data,
                    bool(form.permanent.data),
                    0,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                )
            )
        except RuleError as exc:
            errors[exc.field] = str(exc)
        else:
            flash(f"{rule.source} now redirects to {rule.target} ({rule.status}).", "success")
            return redirect(url_for(".index"))
    rules = sorted(all_rules(), key=lambda r: (-r.hits, r.source))
    return render_template(
        "redirects/index.html", form=form, errors=errors, rules=rules
    ), 422 if errors else 200


@bp.post("/delete")
def remove():
    key = request.form.get("key", "")
    delete(key)
    flash(f"Removed the redirect from {key.split(':', 1)[-1]}.", "success")
    return redirect(url_for(".index"))
