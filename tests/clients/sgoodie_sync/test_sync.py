"""What a dry run prints: every change by file, then the plan in one line; the calls a run makes
against a real site over HTTP: photos created and completed in batches, one by one on a site
without batches. (Whole runs as the photographer makes them are in test_end_to_end.py.)"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from flask import request

from sgoodie import content, tokens
from sgoodie.domain import Project
from sgoodie.http_errors import json_error
from sgoodie.services import services
from sgoodie_sync.api import Api
from sgoodie_sync.folder import LocalPhoto
from sgoodie_sync.metadata import FileText
from sgoodie_sync.plan import make_plan
from sgoodie_sync.sync import SyncOptions, print_plan, run_sync


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


# -- the run's calls: batches, and one by one on a site without them ------------------------------------
def _serve(app, live_server_factory, *, batches: bool):
    """The site over real HTTP, counting the API calls by route; `batches=False`: a site from
    before the batch endpoints (they answer 404, as an unknown address does)."""
    calls: Counter = Counter()

    @app.before_request
    def count_and_maybe_refuse():
        rule = request.url_rule.rule if request.url_rule else request.path
        calls[f"{request.method} {rule}"] += 1
        if not batches and rule in BATCH_ROUTES:
            return json_error("not_found", "No such address.", 404)
        return None

    return live_server_factory(app), calls


BATCH_ROUTES = ("/api/v1/projects/<project_id>/photos/batch", "/api/v1/photos/complete")


def _folder_of(tmp_path: Path, write_photo, count: int) -> Path:
    folder = tmp_path / "export"
    for n in range(count):
        write_photo(folder / f"IMG_{n:03d}.jpg", seed=n % 40)
    return folder


def _synced(app, live_server_factory, folder: Path, *, batches: bool) -> Counter:
    """Sync `folder` to a new project over HTTP; checks every photo arrived (none still waiting
    for its file) and answers the API calls the run made, by route."""
    server, calls = _serve(app, live_server_factory, batches=batches)
    try:
        with app.app_context():
            _, token = tokens.create("Sync test", ["read", "publish"], 0)
            project = content.projects.create(Project(title="Batches", category="travel"))
        out, err = io.StringIO(), io.StringIO()
        options = SyncOptions(folder, project.slug, jobs=4, wait=0)
        status = run_sync(Api(server.url, token), options, out, err)
    finally:
        server.stop()
    assert status == 0, out.getvalue() + err.getvalue()
    with app.app_context():
        photos = services().store.photos_for_project(project.id)
    assert len(photos) == len(list(folder.glob("*.jpg")))
    assert not [p.external_id for p in photos if p.status == "uploading"]
    return calls


def test_a_sync_creates_and_completes_its_photos_in_batches(app, live_server_factory, write_photo, tmp_path):
    calls = _synced(app, live_server_factory, _folder_of(tmp_path, write_photo, 60), batches=True)
    assert calls["POST /api/v1/projects/<project_id>/photos/batch"] == 2  # 50, then 10
    assert 1 <= calls["POST /api/v1/photos/complete"] <= 60
    assert calls["POST /api/v1/projects/<project_id>/photos"] == 0
    assert calls["POST /api/v1/photos/<photo_id>/complete"] == 0


def test_a_site_without_batches_gets_one_call_per_photo(app, live_server_factory, write_photo, tmp_path):
    calls = _synced(app, live_server_factory, _folder_of(tmp_path, write_photo, 5), batches=False)
    assert calls["POST /api/v1/projects/<project_id>/photos/batch"] == 1  # asked once, then never again
    assert calls["POST /api/v1/photos/complete"] == 0  # the site has none: not asked
    assert calls["POST /api/v1/projects/<project_id>/photos"] == 5
    assert calls["POST /api/v1/photos/<photo_id>/complete"] == 5
