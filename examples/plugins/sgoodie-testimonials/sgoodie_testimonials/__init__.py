"""Client testimonials: an example of a third-party sgoodie plugin.

Everything here comes from `sgoodie.plugin_api`; the rest of sgoodie is private to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from sgoodie.plugin_api import (
    Markup,
    Plugin,
    Setting,
    current_categories,
    current_store,
    purge_tags,
    signals,
    tag_response,
)

TAG = "testimonials"

plugin = Plugin(
    "testimonials",
    version="1.0.0",
    api_version=(1, 2),
    description="What clients said: managed in the admin, shown on the home page.",
    template_folder=str(Path(__file__).parent / "templates"),
    cache_tags={TAG: ["/"]},  # the home page shows the quotes: a purge invalidates it on the CDN too
)


def _count(value: str) -> int:
    number = int(value)
    if not 0 <= number <= 12:
        raise ValueError("between 0 and 12")
    return number


def _validate(config: Mapping[str, Any]) -> None:
    if not 0 <= config["TESTIMONIALS_ON_HOME"] <= 12:
        raise ValueError("TESTIMONIALS_ON_HOME must be between 0 and 12")


plugin.add_settings(
    Setting(
        "SGOODIE_TESTIMONIALS_ON_HOME",
        "TESTIMONIALS_ON_HOME",
        3,
        "Testimonials plugin: how many quotes the home page shows (0-12).",
        _count,
    ),
    validate=_validate,
)

quotes = plugin.storage("quotes")


def all_quotes() -> list[dict[str, Any]]:
    return [data for _, data in quotes.all(newest_first=True)]


def _key(quote: Mapping[str, Any]) -> str:
    return f"{quote['created_at']}#{quote['id']}"


# -- the public side -----------------------------------------------------------------------------
@plugin.slot("home_after_intro")
def home_strip(**context: Any) -> Markup | None:
    tag_response(TAG)  # the cached home page now refreshes when a testimonial changes
    shown = [q for q in all_quotes() if q["published"]][: current_app.config["TESTIMONIALS_ON_HOME"]]
    if not shown:
        return None
    return Markup(render_template("testimonials/_strip.html", quotes=shown))


# The strip's stylesheet, inlined in every public page.
plugin.add_stylesheet(Path(__file__).with_name("static") / "testimonials.css")


# -- keeping in step with projects ----------------------------------------------------------------
@plugin.on(signals.project_deleted)
def forget_project(app, project, **kwargs: Any) -> None:
    gone = [q for q in all_quotes() if q.get("project_id") == project.id]
    for quote in gone:
        quotes.delete(_key(quote))
    if gone:
        purge_tags(TAG)


@plugin.on(signals.project_saved)
def rename_project(app, project, previous=None, **kwargs: Any) -> None:
    if previous is None or previous.title == project.title:
        return
    changed = [q for q in all_quotes() if q.get("project_id") == project.id]
    for quote in changed:
        quotes.put(_key(quote), {**quote, "project_title": project.title})
    if changed:
        purge_tags(TAG)


# -- the admin page ------------------------------------------------------------------------------
bp = plugin.add_admin_blueprint(Blueprint("testimonials_admin", __name__, url_prefix="/admin/testimonials"))
plugin.add_admin_menu_entry("Testimonials", "testimonials_admin.index", order=50)


def _projects() -> list[Any]:
    store = current_store()
    return [p for category in current_categories(hidden=True) for p in store.projects_in_category(category)]


@bp.route("/", methods=["GET", "POST"])
def index():
    errors: dict[str, str] = {}
    values = {"quote": "", "client": "", "role": "", "project_id": "", "published": True}
    if request.method == "POST":
        values = {
            name: request.form.get(name, "").strip() for name in ("quote", "client", "role", "project_id")
        }
        values["published"] = request.form.get("published") == "on"
        if not 10 <= len(values["quote"]) <= 600:
            errors["quote"] = "Between 10 and 600 characters, please."
        if not values["client"] or len(values["client"]) > 80:
            errors["client"] = "Who said it? (up to 80 characters)"
        project = current_store().get_project(values["project_id"]) if values["project_id"] else None
        if values["project_id"] and project is None:
            errors["project_id"] = "That project no longer exists."
        if not errors:
            quote = {
                **values,
                "id": uuid.uuid4().hex,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "project_title": project.title if project else "",
            }
            quotes.put(_key(quote), quote)
            purge_tags(TAG)
            flash(f"Added the testimonial from {quote['client']}.", "success")
            return redirect(url_for(".index"))
    return render_template(
        "testimonials/admin.html", quotes=all_quotes(), projects=_projects(), errors=errors, values=values
    ), 422 if errors else 200


@bp.post("/<quote_id>/toggle")
def toggle(quote_id: str):
    for quote in all_quotes():
        if quote["id"] == quote_id:
            quotes.put(_key(quote), {**quote, "published": not quote["published"]})
            purge_tags(TAG)
            flash("Shown on the site." if not quote["published"] else "Hidden from the site.", "success")
    return redirect(url_for(".index"))


@bp.post("/<quote_id>/delete")
def delete(quote_id: str):
    for quote in all_quotes():
        if quote["id"] == quote_id:
            quotes.delete(_key(quote))
            purge_tags(TAG)
            flash(f"Deleted the testimonial from {quote['client']}.", "success")
    return redirect(url_for(".index"))


# -- the command line ----------------------------------------------------------------------------
@plugin.add_command
@click.command("testimonials")
def list_command() -> None:
    """List the testimonials (newest first)."""
    for quote in all_quotes():
        state = "shown " if quote["published"] else "hidden"
        about = f" (about {quote['project_title']})" if quote.get("project_title") else ""
        click.echo(f"{state}  {quote['client']}{about}: {quote['quote'][:70]}")
