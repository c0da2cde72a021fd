"""`sgoodie export` / `sgoodie import`: the demo site moved from the embedded default to the AWS
backend (DynamoDB and S3 on a moto server, Redis) through one archive, with every public page
and every original compared; then what an import must survive (interruption, repetition,
damage, a site that is not empty) and variants rebuilt by the jobs."""

from __future__ import annotations

import hashlib
import re
import tarfile
import time
from pathlib import Path

import pytest

from sgoodie import archive, content, create_app
from sgoodie.blobs import in_trash
from sgoodie.cli import main
from sgoodie.domain import PAGE_IDS
from sgoodie.photos import homes, processing
from sgoodie.services import services

pytestmark = pytest.mark.slow

FIGURES: dict[str, str] = {}


@pytest.fixture(scope="module")
def demo(seeded_demo, tmp_path_factory):
    """The demo portfolio (seeded as `sgoodie seed-demo` does), an admin, an inquiry, a
    revision and a project in the trash: everything an archive carries."""
    app = seeded_demo.copy(tmp_path_factory.mktemp("demo"))
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            main, ["create-admin", "owner@example.com", "--password-stdin"], input="a long password here\n"
        ).exit_code
        == 0
    )
    with app.test_request_context():
        from sgoodie.plugins.contact.views import inquiries

        inquiries().put(
            "2026-11-01T10:00:00.000Z#abc", {"id": "abc", "name": "Ana", "message": "A shoot in May?"}
        )
        store = services().store
        travel = store.projects_in_category("travel")
        content.projects.delete(travel[-1])  # in the trash: it travels with the archive
        about = store.get_pages(["about"])["about"]
        content.pages.save(
            type(about)(**{**about.__dict__, "content": {**about.content, "bio": "Edited once."}})
        )
        # The trash moves the project's files in a job: settled before any export reads them.
        assert services().jobs.wait(timeout=600)
    return app


def _public_paths(client) -> list[str]:
    """Every address the sitemap index and its parts list (the parts too), and the fixed pages."""
    paths, parts = set(), ["/sitemap.xml"]
    while parts:
        sitemap = client.get(parts.pop()).get_data(as_text=True)
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
            path = re.sub(r"^https?://[^/]+", "", loc)
            if path not in paths and path.endswith(".xml"):
                parts.append(path)
            paths.add(path)
    return sorted(paths | {"/", "/about", "/personal-branding", "/contact", "/robots.txt", "/sitemap.xml"})


def _normalised(text: str) -> str:
    """A page as two sites must agree on it: hosts aside, and the per-render form tokens."""
    text = re.sub(r"https?://[a-z0-9.\-]+(:\d+)?", "ORIGIN", text)
    return re.sub(r'(name="(?:csrf_token|started)"[^>]*value=")[^"]*"', r'\1"', text)


def _unversioned(text: str) -> str:
    """Variants rebuilt by the jobs: the same pipeline on the same originals makes the same pages,
    the files under a new generation's names (`<width>-<generation>.<ext>`, so no cache holds a
    stale file under a current name); a page whose photo was rebuilt was saved again then."""
    text = re.sub(r'"dateModified": "[^"]*"', '"dateModified": ""', _normalised(text))
    return re.sub(r"/(\d+)(?:-[0-9a-f]{8})?\.(avif|webp|jpg)\b", r"/\1.\2", text)


def _originals(app) -> dict[str, str]:
    """Every original (project photos, page photos, and trashed ones under `trash/`): key -> SHA-256
    of its bytes."""
    with app.app_context():
        blobs = services().blobs
        prefixes = ("projects/", "pages/", in_trash(""))
        keys = [k for prefix in prefixes for k in blobs.list_keys(prefix) if "/original/" in k]
        return {key: hashlib.sha256(blobs.get(key)).hexdigest() for key in keys}


def test_the_demo_site_moves_to_aws_with_every_page_and_original_identical(
    demo, tmp_path, aws_env, monkeypatch
):
    path = tmp_path / "site.tar"
    started = time.perf_counter()
    result = demo.test_cli_runner().invoke(main, ["export", str(path), "--variants"])
    FIGURES["export"] = f"{time.perf_counter() - started:.1f} s"
    assert result.exit_code == 0, result.output
    assert "Exported 9 projects" in result.output  # the tenth is in the trash
    FIGURES["archive"] = f"{path.stat().st_size / 1e6:.1f} MB"

    for name, value in aws_env.items():  # a new site on AWS: `sgoodie init`, then the import
        monkeypatch.setenv(name, value)
    aws = create_app({"TESTING": True})
    runner = aws.test_cli_runner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    started = time.perf_counter()
    result = runner.invoke(main, ["import", str(path)])
    FIGURES["import"] = f"{time.perf_counter() - started:.1f} s"
    assert result.exit_code == 0, result.output
    print("\narchive", FIGURES)
    with aws.test_request_context():  # variants are never taken from an archive: made again here
        for queued in homes.photos_in(["queued"]):
            processing.process(queued.id, queued.page_id)

    source, target = demo.test_client(), aws.test_client()
    paths = _public_paths(source)
    assert len(paths) > 15 and _public_paths(target) == paths
    for page in paths:
        mine, theirs = source.get(page), target.get(page)
        assert (mine.status_code, mine.content_type) == (theirs.status_code, theirs.content_type), page
        assert _unversioned(theirs.get_data(as_text=True)) == _unversioned(mine.get_data(as_text=True)), page
    originals = _originals(demo)
    assert len(originals) >= 61 and _originals(aws) == originals  # every original, byte for byte

    with aws.app_context():
        store = services().store
        assert store.admin_by_email("owner@example.com") is not None
        from sgoodie.content import trash

        (entry,) = trash.entries()
        assert entry.photo_count == 6
        assert store.records.query("plugin:contact:inquiries")[0][1]["message"] == "A shoot in May?"
        assert content.revisions.store().history("page", "about")[0].fields["bio"] == "Edited once."
    with aws.test_request_context():
        trash.restore(entry.key)  # the trashed project and its files came too
    assert target.get(f"/projects/{entry.project.slug}").status_code == 200


def test_an_interrupted_import_runs_again_to_the_end_and_a_third_run_changes_nothing(
    demo, tmp_path, monkeypatch
):
    path = tmp_path / "site.tar"
    with demo.app_context():
        archive.export(path)
    target = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "target"), "SECRET_KEY": "y"})
    with target.app_context():
        services().store.init_schema()
    real_file = archive._Importer.file
    written = []

    def fail_after_ten(self, key, stream, size):
        if len(written) == 10:
            raise OSError("disk unplugged")
        written.append(key)
        return real_file(self, key, stream, size)

    monkeypatch.setattr(archive._Importer, "file", fail_after_ten)
    with target.app_context(), pytest.raises(OSError):
        archive.import_archive(path)
    monkeypatch.setattr(archive._Importer, "file", real_file)
    result = target.test_cli_runner().invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Rebuilding the variants of" in result.output and "Variants rebuilt." in result.output
    with target.app_context():
        again = archive.import_archive(path)
    assert {k: v for k, v in again.items()} == dict.fromkeys(again, 0)  # nothing added, nothing rebuilt
    assert _originals(target) == _originals(demo)
    with target.app_context():
        store = services().store
        assert not store.photos_with_status("queued") and not store.photos_with_status("failed")
        ready = [
            photo
            for category in services().categories
            for project in store.projects_in_category(category)
            for photo in store.photos_for_project(project.id)
        ]
        assert ready and all(services().blobs.head(p.variants[0].key) for p in ready)

    for page in ("/", "/work/travel", "/about"):
        assert _unversioned(target.test_client().get(page).get_data(as_text=True)) == _unversioned(
            demo.test_client().get(page).get_data(as_text=True)
        ), page


def test_a_damaged_archive_is_refused_before_anything_is_written(demo, tmp_path):
    path = tmp_path / "site.tar"
    with demo.app_context():
        manifest = archive.export(path)
    data = bytearray(path.read_bytes())
    with tarfile.open(path) as tar:
        member = next(m for m in tar.getmembers() if "/original/" in m.name)
    data[member.offset_data + 100] ^= 0xFF
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    target = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "target"), "SECRET_KEY": "y"})
    with target.app_context():
        services().store.init_schema()
    result = target.test_cli_runner().invoke(main, ["import", str(damaged)])
    assert result.exit_code != 0 and f"{member.name} is damaged" in result.output
    cut = tmp_path / "cut.tar"
    cut.write_bytes(bytes(data[: len(data) // 2]))
    result = target.test_cli_runner().invoke(main, ["import", str(cut)])
    assert result.exit_code != 0 and "Error:" in result.output
    with target.app_context():
        assert services().store.list_admins() == []
        assert services().store.get_pages(PAGE_IDS)["about"].version == 0
    assert manifest["counts"]["files"] == len(_originals(demo))  # without --variants: originals only


def test_an_archive_goes_into_an_empty_site_only(demo, tmp_path):
    path = tmp_path / "site.tar"
    with demo.app_context():
        archive.export(path)
    result = demo.test_cli_runner().invoke(main, ["import", str(path)])
    assert result.exit_code != 0 and "This site is not empty" in result.output
    result = demo.test_cli_runner().invoke(main, ["import", str(Path(__file__))])
    assert result.exit_code != 0 and "cannot be read as an sgoodie archive" in result.output


def test_a_photos_external_id_travels_with_the_archive_and_keeps_its_uniqueness(app, tmp_path, jpeg):
    """A publishing client finds its photos again on the moved site (the key is part of the photo's
    record, and the target store claims it as it adds the photo)."""
    from sgoodie.domain import Project
    from sgoodie.photos import uploads
    from sgoodie.stores import ConflictError

    data = jpeg()
    with app.test_request_context():
        project = content.projects.create(Project(title="Synced", category="travel"))
        photo, _ = uploads.find_or_register(
            project.id, "2026/IMG_0001.jpg", "IMG_0001.jpg", "image/jpeg", "jpg", len(data)
        )
        services().blobs.put(photo.original_key, data, content_type="image/jpeg")
        services().jobs.enqueue = lambda kind, **arguments: None
        uploads.mark_uploaded(photo)
        processing.process(photo.id)
        archive.export(tmp_path / "site.tar")
    target = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "target"), "SECRET_KEY": "y"})
    with target.test_request_context():
        services().store.init_schema()
        services().jobs.enqueue = lambda kind, **arguments: None
        archive.import_archive(tmp_path / "site.tar")
        moved = services().store.photo_by_external_id(project.id, "2026/IMG_0001.jpg")
        assert moved is not None and moved.id == photo.id
        with pytest.raises(ConflictError):
            uploads.register_upload(
                project.id, "b.jpg", "image/jpeg", "jpg", 10, external_id="2026/IMG_0001.jpg"
            )
