"""The `sgoodie` command: a Flask CLI group, so `flask --app sgoodie <command>` works the same.

Core commands live here; plugins add theirs through `Plugin.add_command`.
"""

from __future__ import annotations

import secrets
import signal
import sys
import threading
import time
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from . import archive, create_app
from . import signals as app_signals
from .accounts import PasswordPolicyError, create_or_reset_admin
from .auth import sign_out_everyone
from .cache import ALL_TAG, cdn, page_cache, purge
from .demo import has_content, seed
from .jobs.sqlite import SQLiteJobs
from .jobs.thread import ThreadJobs
from .photos.lifecycle import reprocess
from .photos.pages import upgrade_stored_pages
from .services import services


def _create_app():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Run and manage an sgoodie site. Configuration comes from environment variables (see README)."""


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create the tables (or SQLite schema) and storage. Safe to run again."""
    services().store.init_schema()
    services().blobs.prepare()
    services().blobs.check()
    click.echo(
        f"Storage ready ({current_app.config['BACKEND']} backend, instance {current_app.instance_path})."
    )


@main.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """After an upgrade: bring stored projects and photos up to the current key layout, recount the
    projects of each category (the dashboard's and the admin's counts) and store the pages' photos
    in the current shape. Safe to run again."""
    categories = services().categories
    seen = services().store.reindex(categories)
    pages = upgrade_stored_pages()
    app_signals.reindexed.send(current_app._get_current_object())  # plugins upgrade their own data
    purge(current_app, {ALL_TAG})
    click.echo(
        f"Reindexed {seen} project{'s' if seen != 1 else ''} in {len(categories)} categories"
        + (
            f"; rewrote the photos of {pages} page{'s' if pages != 1 else ''} in the current shape."
            if pages
            else "."
        )
    )


@main.command("create-admin")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting."
)
@with_appcontext
def create_admin_command(email: str, password_stdin: bool) -> None:
    """Create an admin account, or reset its password if it exists (signing them out everywhere)."""

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        admin, created = create_or_reset_admin(email, password)
    except (PasswordPolicyError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Created admin {admin.email}."
        if created
        else f"Reset the password of admin {admin.email}; their sessions are signed out."
    )


@main.command("sign-out-everyone")
@with_appcontext
def sign_out_everyone_command() -> None:
    """End every admin session at once (a lost laptop, a leaked cookie, an admin leaving)."""
    admins, sessions = sign_out_everyone()
    click.echo(
        f"Signed out {sessions} session{'s' if sessions != 1 else ''} of {admins} admin{'s' if admins != 1 else ''}."
    )


def photo_counter(every: int = 10):
    """A `count` for `demo.seed`: "demo photos 12/60" rewritten in place on a terminal; in a log
    (not a terminal), a line every `every` photos and at the end."""
    terminal = sys.stdout.isatty()

    def count(done: int, total: int) -> None:
        if terminal:
            click.echo(f"\rdemo photos {done}/{total}", nl=done == total)
        elif done == total or (done and done % every == 0):
            click.echo(f"demo photos {done}/{total}")

    return count


@main.command("seed-demo")
@click.option("--force", is_flag=True, help="Add the demo content even if projects already exist.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Fill the site with a demo portfolio (generated photos, real variant pipeline)."""

    services().store.init_schema()
    services().blobs.prepare()
    started = time.perf_counter()
    summary = seed(force=force, progress=click.echo, count=photo_counter())
    click.echo(f"Demo content ready in {time.perf_counter() - started:.0f} s: {summary}.")


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--email", default="admin@example.com", show_default=True, help="Demo admin account.")
def demo_command(host: str, port: int, email: str) -> None:
    """Set everything up with demo content and serve the site: init + seed-demo + admin + run."""

    # Plain http on this machine: session cookies must not demand https.
    flask_app = create_app({"DEV_MODE": True})
    with flask_app.app_context():
        services().store.init_schema()
        services().blobs.prepare()
        if not has_content():
            click.echo("Creating the demo portfolio (generated photos through the real image pipeline)...")
            started = time.perf_counter()
            summary = seed(progress=click.echo, count=photo_counter())
            click.echo(f"Demo content ready in {time.perf_counter() - started:.0f} s: {summary}.")
        password = secrets.token_urlsafe(12)
        create_or_reset_admin(email, password)
    url = f"http://{host}:{port}"
    click.echo("")
    click.secho(f"  sgoodie is running at {url}", bold=True)
    click.echo(f"  Admin: {url}/admin/  email {email}  password {password}")
    click.echo("  Press Ctrl+C to stop.\n")
    # Not flask_app.run(): inside a Flask CLI command that call is deliberately ignored.
    run_simple(host, port, flask_app, threaded=True, use_reloader=False)


@main.command("purge")
@click.option(
    "--tag",
    "tags",
    multiple=True,
    help="A cache tag, e.g. `category:travel`, `project:<id>`, `site`. Repeatable.",
)
@click.option("--all", "purge_all", is_flag=True, help="Drop every cached page.")
@with_appcontext
def purge_command(tags: tuple[str, ...], purge_all: bool) -> None:
    """Drop cached public pages by tag (and invalidate them on CloudFront when configured)."""

    if not tags and not purge_all:
        raise click.UsageError("Give --tag TAG (repeatable) or --all.")
    chosen = {ALL_TAG} if purge_all else set(tags)
    purge(current_app, chosen)
    target = cdn.invalidator(current_app)
    if target is not None:
        target.wait()
    if not page_cache().hit_ratio()["available"]:
        raise click.ClickException(
            "The page cache is unreachable; the purge was parked and will apply when it is back."
        )
    click.echo(f"Purged {', '.join(sorted(chosen))}.")


@main.command("reprocess")
@click.option("--failed", is_flag=True, help="Also retry photos that failed.")
@click.option(
    "--all", "everything", is_flag=True, help="Re-render every photo (after changing the variant settings)."
)
@click.option("--wait/--no-wait", default=True, help="Embedded default: wait for the jobs to finish.")
@with_appcontext
def reprocess_command(failed: bool, everything: bool, wait: bool) -> None:
    """Queue photos for processing again: stuck ones always, failed ones with --failed, all with --all."""
    count = reprocess(failed=failed, everything=everything)
    click.echo(f"Queued {count} photo{'s' if count != 1 else ''}.")
    queue = services().jobs
    if wait and isinstance(queue, ThreadJobs) and count:
        queue.wait(timeout=3600)
        click.echo("Done.")


@main.command("jobs")
@with_appcontext
def jobs_command() -> None:
    """Run the background jobs queued by the web process (SGOODIE_JOBS=sqlite), the scheduled
    publishing and the sweeps, until stopped (SIGTERM or Ctrl+C finish the running job first)."""
    queue = services().jobs
    if not isinstance(queue, SQLiteJobs):
        raise click.ClickException(
            f"SGOODIE_JOBS is {current_app.config['JOBS']!r}: `sgoodie jobs` runs the sqlite queue only "
            "(the thread runner lives in the app's processes, Celery in `celery -A celery_worker`)."
        )
    services().store.init_schema()  # the sweeps read tables a new site may not have yet
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Running jobs from {queue.path}; SIGTERM stops after the running job.")
    queue.run(stop)


@contextmanager
def _progress(label: str):
    """A progress bar for (done, total) callbacks, made when the total is first known."""
    bars: list = []

    def update(done: int, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label=label, show_pos=True).__enter__())
        bars[0].update(done - bars[0].pos)

    try:
        yield update
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


@main.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--variants/--no-variants",
    default=False,
    show_default=True,
    help="Also carry every photo's variants, for tools reading the archive (larger; an import "
    "never takes them: it renders them again from the originals).",
)
@click.option(
    "--without-secrets",
    is_flag=True,
    help="For an archive handed to someone: no admins, no password or PIN hashes, no clients' "
    "names, e-mails or addresses (client galleries stay locked until given new passwords).",
)
@click.option(
    "--files/--no-files",
    default=True,
    show_default=True,
    help="Carry the photos' files; --no-files writes the content only, for a site whose photo folder "
    "is backed up on its own (restore that folder first, then import).",
)
@with_appcontext
def export_command(path: str, variants: bool, without_secrets: bool, files: bool) -> None:
    """Write the whole site into one archive: content, settings, admins, inquiries and plugin data,
    revisions, the trash, originals (and variants), with a manifest and checksums."""
    started = time.perf_counter()
    click.echo("Reading the site...")
    with _progress("Writing the archive") as progress:
        manifest = archive.export(
            path, variants=variants, secrets=not without_secrets, files=files, progress=progress
        )
    counts = manifest["counts"]
    click.echo(
        f"Exported {counts['projects']} projects, {counts['photos']} photos, {counts['pages']} pages, "
        f"{counts['admins']} admins, {counts['records']} records and {counts['files']} files "
        f"({counts['bytes'] / 1e6:.1f} MB) to {path} in {time.perf_counter() - started:.1f} s."
    )


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--wait/--no-wait", default=True, help="Embedded default: wait for variants to be rebuilt.")
@with_appcontext
def import_command(path: str, wait: bool) -> None:
    """Restore an archive made by `sgoodie export` into this empty site (either backend). Checks
    the whole archive first (checksums, names, sizes, every line: nothing is written from a bad
    one); safe to run again after an interruption."""
    started = time.perf_counter()
    try:
        with _progress("Checking the archive") as progress:
            manifest = archive.verify(path, progress=progress)
        if not manifest.get("files", True):
            click.echo(
                "This archive carries no photo files (exported with --no-files): they come from the "
                "photo folder's own backup, restored before this import."
            )
        with _progress("Importing") as progress:
            added = archive.import_archive(path, progress=progress, verified=True)
    except archive.ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Imported {added['projects']} projects, {added['photos']} photos, {added['pages']} pages, "
        f"{added['admins']} admins, {added['records']} records and {added['files']} files "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if added["without_secrets"]:
        click.echo(
            "This archive was made without secrets: create an admin (`sgoodie create-admin`), then "
            "give each client gallery a new password (its guests' too); until then they stay locked."
        )
    queue = services().jobs
    if added["rebuilding"]:
        click.echo(f"Rebuilding the variants of {added['rebuilding']} photos in the background.")
        if isinstance(queue, ThreadJobs):
            if wait:
                queue.wait(timeout=24 * 3600)
                click.echo("Variants rebuilt.")
            else:
                click.echo("They are made when the site runs (its runner picks up the queued photos).")
