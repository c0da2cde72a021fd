"""What a dry run prints: every change by file, then the plan in one line. (The runs themselves,
against a real site, are in test_end_to_end.py.)"""

from __future__ import annotations

import io
from pathlib import Path

from sgoodie_sync.folder import LocalPhoto
from sgoodie_sync.metadata import FileText
from sgoodie_sync.plan import make_plan
from sgoodie_sync.sync import SyncOptions, print_plan


def _local(key: str, sha: str = "", title: str = "") -> LocalPhoto:
    return LocalPhoto(key, Path(key), 2_500_000, 1, sha or key, FileText(title=title))


def _remote(key: str, order: int, sha: str = "", **fields) -> dict:
    return {
        "id": key,
        "external_id": key,
        "order": order,
        "status": "ready",
        "source_sha256": sha or key,
        **fields,
    }


def test_a_dry_run_lists_new_replaced_text_order_and_trash():
    plan = make_plan(
        [_local("IMG_1.jpg", title="Quay"), _local("IMG_2.jpg", sha="edited"), _local("IMG_10.jpg")],
        [
            _remote("IMG_2.jpg", 0, alt_text="Typed in the admin"),
            _remote("IMG_10.jpg", 1, alt_text="x"),
            _remote("IMG_4.jpg", 2),
            _remote("IMG_5.jpg", 3),
        ],
        delete=True,
    )
    out = io.StringIO()
    print_plan(plan, SyncOptions(folder=Path("."), project="harbour", dry_run=True), out)
    assert out.getvalue().splitlines() == [
        "  new      IMG_1.jpg (2.5 MB)",
        "  replace  IMG_2.jpg (the file changed)",
        "  text     IMG_1.jpg: alt text from the file",
        "  trash    IMG_4.jpg",
        "  trash    IMG_5.jpg",
        "  order    IMG_1.jpg IMG_2.jpg IMG_10.jpg",
        "Plan: 1 new, 1 to replace, alt text from the file's title: 1 photo, caption from the file's "
        "description: 0 photos, order by file names: changes, 2 to the trash, 1 unchanged",
    ]


def test_without_delete_the_dry_run_says_what_stays_and_how_to_remove_it():
    plan = make_plan([_local("IMG_1.jpg")], [_remote("IMG_1.jpg", 0), _remote("IMG_9.jpg", 1)])
    out = io.StringIO()
    print_plan(plan, SyncOptions(folder=Path("."), project="harbour", dry_run=True), out)
    assert (
        "  keep     IMG_9.jpg is no longer in the folder (--delete moves it to the trash)" in out.getvalue()
    )
    assert (
        out.getvalue()
        .splitlines()[-1]
        .endswith(
            "order by file names: unchanged, 0 to the trash, 1 unchanged, 1 no longer in the folder, kept (--delete)"
        )
    )
