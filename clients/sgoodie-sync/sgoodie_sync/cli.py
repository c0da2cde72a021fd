"""The `sgoodie-sync` command: sync, picks, login, logout."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from . import __version__
from .api import Api, ApiError
from .credentials import NoToken, forget_token, site_key, store_token, token_for
from .picks import FORMATS, UnknownList, ambiguous_names, client_selection, pick_rows, render
from .plan import ORDER_BY_CAPTURE_TIME, ORDER_BY_NAME
from .sync import Refused, SyncOptions, run_sync

SITE_VARIABLE = "SGOODIE_SITE"


def _site(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise argparse.ArgumentTypeError("the site's address starts with https:// (e.g. https://example.com)")
    return value.rstrip("/")


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="sgoodie-sync",
        description="Publish a folder of exported photos to an sgoodie site; bring a client's picks back.",
    )
    main.add_argument("--version", action="version", version=f"sgoodie-sync {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_site(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--site",
            type=_site,
            default=os.environ.get(SITE_VARIABLE),
            required=not os.environ.get(SITE_VARIABLE),
            help=f"the site's address, https://… (or {SITE_VARIABLE})",
        )

    sync = commands.add_parser(
        "sync",
        help="mirror a folder to a project",
        description="Upload new photos, replace changed ones, set alt text and captions from the "
        "files' titles and descriptions, put the photos in order; --delete moves the photos whose "
        "file left the folder to the trash.",
    )
    sync.add_argument("folder", type=Path, metavar="FOLDER")
    with_site(sync)
    sync.add_argument(
        "--project", required=True, metavar="SLUG", help="the project's address (/projects/SLUG)"
    )
    sync.add_argument("--jobs", type=int, default=4, help="uploads at once (default 4)")
    sync.add_argument(
        "--delete", action="store_true", help="move photos whose file left the folder to the trash"
    )
    sync.add_argument(
        "--order",
        choices=(ORDER_BY_NAME, ORDER_BY_CAPTURE_TIME),
        default=ORDER_BY_NAME,
        help="file names in natural order (default) or the time each photo was taken (EXIF)",
    )
    sync.add_argument(
        "--no-alt-from-files",
        dest="alt_from_files",
        action="store_false",
        help="do not take alt text and captions from the files' titles and descriptions",
    )
    sync.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    sync.add_argument(
        "--wait",
        type=float,
        default=600,
        metavar="SECONDS",
        help="how long to wait for the site to prepare the photos (default 600; 0: do not wait)",
    )
    sync.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        help="hash every file again (ignore .sgoodie-sync.json)",
    )

    picks = commands.add_parser(
        "picks",
        help="a client gallery's picks as a file-name list or CSV",
        description="The client's picks as file names for Lightroom Classic's or Capture One's filter, or as CSV.",
    )
    picks.add_argument("gallery", metavar="GALLERY", help="the gallery's address (/projects/GALLERY)")
    with_site(picks)
    picks.add_argument("--list", dest="list_name", metavar="NAME", help="only this list (e.g. Favourites)")
    picks.add_argument(
        "--client",
        metavar="EMAIL",
        help="only this client's picks (by e-mail or name; default: every client's)",
    )
    picks.add_argument("--format", choices=FORMATS, default="lightroom")
    picks.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of the screen")

    login = commands.add_parser("login", help="keep a token for a site in the system keyring")
    with_site(login)
    logout = commands.add_parser("logout", help="forget the site's token")
    with_site(logout)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "login":
            return _login(args.site)
        if args.command == "logout":
            found = forget_token(args.site)
            print(f"Token for {site_key(args.site)} " + ("forgotten." if found else "was not stored."))
            return 0
        api = Api(args.site, token_for(args.site))
        if args.command == "sync":
            if args.jobs < 1:
                raise Refused("--jobs must be at least 1.")
            options = SyncOptions(
                folder=args.folder,
                project=args.project,
                jobs=args.jobs,
                delete=args.delete,
                order_by=args.order,
                alt_from_files=args.alt_from_files,
                dry_run=args.dry_run,
                wait=args.wait,
                use_cache=args.use_cache,
            )
            return run_sync(api, options)
        return _picks(api, args)
    except (ApiError, NoToken, Refused, UnknownList) as error:
        print(f"sgoodie-sync: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted: run the same command again to carry on where it stopped.", file=sys.stderr)
        return 130


def _login(site: str) -> int:
    token = getpass.getpass(f"Token for {site_key(site)} (made in the admin, Account → Tokens): ").strip()
    if not token:
        print("No token given.", file=sys.stderr)
        return 1
    Api(site, token).request("GET", "/api/v1/projects", params={"limit": 1})  # refused: ApiError
    store_token(site, token)
    print(f"Token for {site_key(site)} kept in the system keyring.")
    return 0


def _picks(api: Api, args: argparse.Namespace) -> int:
    gallery = api.gallery_by_slug(args.gallery)
    selections = api.selections(gallery.get("project_id") or gallery["id"])
    rows = pick_rows(client_selection(selections, args.client) if args.client else selections, args.list_name)
    text = render(rows, args.format)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    else:
        sys.stdout.write(text)
    lists = sorted({row["list"] for row in rows})
    print(f"{len(rows)} picks in {len(lists)} lists ({', '.join(lists) or 'none yet'})", file=sys.stderr)
    if args.format != "csv":
        for name in ambiguous_names(rows):
            print(
                f"note: {name!r} has a space or comma, which the filter reads as two names", file=sys.stderr
            )
    return 0
