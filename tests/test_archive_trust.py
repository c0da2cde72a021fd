"""`sgoodie import` of an archive made by someone else, on both backends: nothing is written until
the whole archive is checked (every line, every member's name, kind and size), each refusal is
one line naming the member, only what `export` carries is applied, variants are made again from
the originals, and a 1 GiB sparse member costs no memory."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
import tracemalloc
from pathlib import Path

import pytest

from sgoodie import archive, create_app
from sgoodie.auth import KNOWN_ADDRESSES, SESSIONS
from sgoodie.blobs import original_key, variant_key
from sgoodie.cli import main
from sgoodie.content import activity
from sgoodie.domain import AdminUser, Page, Photo, Project, Variant, to_record
from sgoodie.services import services
from tests.conftest import HeldJobs
from tests.images.conftest import encode, photo

EVIL = "evil@example.com"


@pytest.fixture(params=["sqlite", "aws"])
def site(request):
    """An empty site on the embedded default, or on DynamoDB and S3 (moto); its jobs held."""
    app = request.getfixturevalue("app" if request.param == "sqlite" else "mock_aws_app")
    HeldJobs(app)
    return app


def _line(data) -> bytes:
    return json.dumps(data).encode() + b"\n"


def _members(content: dict[str, bytes], files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    members = [(f"{archive.ROOT}content/{kind}.jsonl", content.get(kind, b"")) for kind in archive.CONTENT]
    return members + [(archive.FILES + key, data) for key, data in files.items()]


def _manifest(members: list[tuple[str, bytes]], **changes) -> dict:
    files = [data for name, data in members if name.startswith(archive.FILES)]
    manifest = {
        "format": archive.FORMAT,
        "version": archive.VERSION,
        "archive_id": "crafted",
        "counts": {"files": len(files), "bytes": sum(map(len, files))},
        "members": len(members) + 2,
    }
    return manifest | changes


def craft(path: Path, content=None, files=None, *, manifest=None, named=(), extra=()) -> Path:
    """An archive as an attacker writes it: with checksums that match, so only the checks of
    names, kinds, sizes and lines stand in the way. `named`: (name, data) members added as they
    are, with their checksums; `extra`: TarInfo members without data."""
    members = _members(content or {}, files or {}) + list(named)
    manifest = _manifest(members) if manifest is None else manifest
    members.insert(0, (archive.MANIFEST, json.dumps(manifest).encode()))
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in members)
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)
        checksums = tarfile.TarInfo(archive.CHECKSUMS)
        checksums.size = len(sums.encode())
        tar.addfile(checksums, io.BytesIO(sums.encode()))
    return path


def _import(app, path: Path):
    return app.test_cli_runner().invoke(main, ["import", str(path)])


def _refused_in_one_line(result, name: str) -> None:
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert name in line and "Traceback" not in result.output


def _nothing_written(app) -> None:
    with app.app_context():
        store = services().store
        assert store.list_admins() == []
        assert store.records.get(archive.IMPORTS, "crafted") is None
        for prefix in ("projects/", "pages/", "private/", "trash/"):
            assert list(services().blobs.list_keys(prefix)) == []


def test_a_bad_line_after_good_ones_refuses_the_archive_before_anything_is_written(site, tmp_path):
    admins = _line(to_record(AdminUser(email=EVIL, password_hash="x")))
    records = _line({"collection": activity.COLLECTION, "key": "a", "data": {}, "expires_at": None})
    path = craft(tmp_path / "a.tar", {"admins": admins, "records": records + b"{not json\n"})
    result = _import(site, path)
    _refused_in_one_line(result, "content/records.jsonl line 2")
    _nothing_written(site)
    with site.app_context():
        assert services().store.admin_by_email(EVIL) is None


def _link(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return info


@pytest.mark.parametrize(
    "name",
    [
        "sgoodie-archive/files/../../outside.jpg",
        "/tmp/absolute.jpg",
        "sgoodie-archive/files/projects/p/original/../../../../escape.jpg",
        "sgoodie-archive/files//etc/passwd",
        "sgoodie-archive/content/other.jsonl",
    ],
)
def test_a_member_named_outside_the_archive_is_refused_in_one_line(site, tmp_path, name):
    admins = _line(to_record(AdminUser(email=EVIL)))
    path = craft(tmp_path / "a.tar", {"admins": admins}, named=[(name, b"x")])
    result = _import(site, path)
    _refused_in_one_line(result, name.lstrip("/"))
    _nothing_written(site)


def test_a_link_member_is_refused_in_one_line(site, tmp_path):
    path = craft(tmp_path / "a.tar", extra=[_link("sgoodie-archive/files/projects/p/original/x.jpg")])
    _refused_in_one_line(_import(site, path), "projects/p/original/x.jpg")
    _nothing_written(site)


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ([], "not a JSON object"),
        ({"format": archive.FORMAT, "version": archive.VERSION, "archive_id": "crafted"}, "members"),
        (
            {"format": archive.FORMAT, "version": archive.VERSION, "archive_id": "crafted", "members": "6"},
            "members",
        ),
    ],
)
def test_a_manifest_that_is_not_one_is_refused_in_one_line(site, tmp_path, manifest, says):
    result = _import(site, craft(tmp_path / "a.tar", manifest=manifest))
    _refused_in_one_line(result, says)
    _nothing_written(site)


def test_files_larger_than_the_manifest_says_are_refused_before_writing(site, tmp_path):
    key = original_key("p1", "ph1", "jpg")
    manifest = _manifest(_members({}, {key: b"\xff" * 1000}))
    manifest["counts"]["bytes"] = 10
    path = craft(tmp_path / "a.tar", files={key: b"\xff" * 1000}, manifest=manifest)
    _refused_in_one_line(_import(site, path), key)
    _nothing_written(site)


def test_sessions_and_sign_in_throttling_are_not_imported(site, tmp_path):
    def record(collection: str, key: str) -> bytes:
        return _line({"collection": collection, "key": key, "data": {"email": EVIL}, "expires_at": None})

    records = record(SESSIONS, "stolen") + record(KNOWN_ADDRESSES, EVIL) + record(activity.COLLECTION, "k")
    result = _import(site, craft(tmp_path / "a.tar", {"records": records}))
    assert result.exit_code == 0, result.output
    with site.app_context():
        store = services().store
        assert store.records.get(SESSIONS, "stolen") is None
        assert store.records.get(KNOWN_ADDRESSES, EVIL) is None
        assert store.records.get(activity.COLLECTION, "k") == {"email": EVIL}


def _photo_with_variant(project: Project) -> tuple[Photo, bytes]:
    original = encode(photo((640, 400)))
    item = Photo(project_id=project.id, status="ready", filename="a.jpg", alt_text="a")
    item.original_key = original_key(project.id, item.id, "jpg")
    item.variants = [Variant(320, 200, "jpeg", variant_key(project.id, item.id, 320, "jpeg"), 10)]
    return item, original


def test_variants_in_an_archive_are_not_trusted_but_made_again_from_the_original(site, tmp_path):
    project = Project(title="Trip", category="travel")
    item, original = _photo_with_variant(project)
    portfolio = _line({"project": to_record(project)}) + _line({"photo": to_record(item)})
    planted = b"<script>alert(1)</script>"
    files = {item.original_key: original, item.variants[0].key: planted}
    result = _import(site, craft(tmp_path / "a.tar", {"portfolio": portfolio}, files))
    assert result.exit_code == 0, result.output
    assert "Rebuilding the variants of 1 photos" in result.output
    with site.app_context():
        blobs = services().blobs
        assert blobs.get(item.original_key) == original
        assert blobs.head(item.variants[0].key) is None  # never stored: the job renders new files
        assert services().store.get_photo(item.id).status == "queued"


def test_a_1_gib_sparse_member_is_refused_within_a_small_memory_bound(site, tmp_path):
    """The attack: 20 KB of archive that unpacks to 1 GiB under a variant's key."""
    root = tmp_path / "src"
    key = variant_key("p1", "ph1", 320, "jpeg")
    members = _members({}, {})
    big = root / archive.FILES / key
    big.parent.mkdir(parents=True)
    with big.open("wb") as fh:
        fh.truncate(1 << 30)  # a sparse file: no disk
    digest = hashlib.sha256()
    with big.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    manifest = _manifest(members) | {"members": len(members) + 3}
    manifest["counts"]["bytes"] = 1 << 30
    members.insert(0, (archive.MANIFEST, json.dumps(manifest).encode()))
    for name, data in members:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in members)
    (root / archive.CHECKSUMS).write_text(sums + f"{digest.hexdigest()}  {archive.FILES + key}\n")
    names = [name for name, _ in members] + [archive.FILES + key, archive.CHECKSUMS]
    path = tmp_path / "sparse.tar"
    subprocess.run(["tar", "--format=gnu", "--sparse", "-cf", str(path), "-C", str(root), *names], check=True)
    assert path.stat().st_size < 100_000

    tracemalloc.start()
    try:
        result = _import(site, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    _refused_in_one_line(result, key)
    _nothing_written(site)


CLIENT_NAME, CLIENT_EMAIL, CLIENT_ADDRESS = "Ana Client", "ana@client.example", "203.0.113.9"


def _site_with_secrets(app) -> tuple[Project, list[str]]:
    """An admin, a client gallery with a password and a guest password, a proofing PIN, a client
    and a download: returns the gallery and every secret value an archive could hold."""
    from sgoodie.accounts import create_or_reset_admin, hash_password
    from sgoodie.plugins.proofing import records

    with app.test_request_context():
        create_or_reset_admin("owner@example.com", "a long password here")
        gallery = Project(
            title="Wedding",
            category="travel",
            visibility="client",
            gallery_password_hash=hash_password("client words"),
            gallery_guest_password_hash=hash_password("guest words"),
        )
        services().store.create_project(gallery)
        records.save_gallery_settings(gallery.id, records.GallerySettings(pin_hash=hash_password("1234")))
        client = records.new_client(gallery.id, CLIENT_NAME, CLIENT_EMAIL)
        records.log_download(gallery.id, records.get_client(gallery.id, client), "all", CLIENT_ADDRESS)
        hashes = [
            services().store.admin_by_email("owner@example.com").password_hash,
            gallery.gallery_password_hash,
            gallery.gallery_guest_password_hash,
            records.gallery_settings(gallery.id).pin_hash,
        ]
    return gallery, [*hashes, CLIENT_NAME, CLIENT_EMAIL, CLIENT_ADDRESS]


def _content(path: Path) -> bytes:
    with tarfile.open(path) as tar:
        return b"".join(tar.extractfile(m).read() for m in tar.getmembers() if "/content/" in m.name)


def test_an_archive_without_secrets_holds_none_and_imports_with_galleries_locked(site, tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "source"), "SECRET_KEY": "s"})
    with app.app_context():
        services().store.init_schema()
    gallery, secrets = _site_with_secrets(app)
    full, handed = tmp_path / "full.tar", tmp_path / "handed.tar"
    assert app.test_cli_runner().invoke(main, ["export", str(full)]).exit_code == 0
    result = app.test_cli_runner().invoke(main, ["export", str(handed), "--without-secrets"])
    assert result.exit_code == 0, result.output
    assert all(secret.encode() in _content(full) for secret in secrets)  # what a backup needs
    assert [secret for secret in secrets if secret.encode() in _content(handed)] == []

    result = _import(site, handed)
    assert result.exit_code == 0, result.output
    assert "made without secrets" in result.output and "sgoodie create-admin" in result.output
    with site.test_request_context():
        from sgoodie.gallery_access import check_password
        from sgoodie.plugins.proofing import records

        assert services().store.list_admins() == []
        imported = services().store.get_project(gallery.id)
        assert imported.is_private and check_password(imported, "client words") == ""
        assert check_password(imported, "guest words") == ""
        (client,) = records.gallery_clients(gallery.id)
        assert client["name"] == client["email"] == ""


def test_a_photo_record_naming_a_file_outside_storage_is_refused(site, tmp_path):
    project = Project(title="Trip", category="travel")
    item, _ = _photo_with_variant(project)
    item.original_key = "../../instance/sgoodie.sqlite3"
    portfolio = _line({"project": to_record(project)}) + _line({"photo": to_record(item)})
    result = _import(site, craft(tmp_path / "a.tar", {"portfolio": portfolio}))
    _refused_in_one_line(result, "content/portfolio.jsonl line 2")
    with site.app_context():
        assert services().store.get_project(project.id) is None


def _with_checksums(path: Path, change) -> Path:
    """The same archive with its checksum list passed through `change` (text -> text)."""
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            data = change(data.decode()).encode() if info.name == archive.CHECKSUMS else data
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda sums: sums.replace(sums[:8], "0" * 8, 1), f"{archive.MANIFEST} is damaged"),
        (lambda sums: sums + f"{'0' * 64}  {archive.FILES}projects/p/original/x.jpg\n", "do not match"),
        (lambda sums: sums.split("\n", 1)[1], "is damaged"),
    ],
)
def test_a_checksum_list_that_does_not_match_is_refused(site, tmp_path, change, says):
    path = _with_checksums(
        craft(tmp_path / "a.tar", {"admins": _line(to_record(AdminUser(email=EVIL)))}), change
    )
    _refused_in_one_line(_import(site, path), says)
    _nothing_written(site)


def test_an_archive_written_before_page_photos_were_records_still_imports(site, tmp_path):
    """Pages of an older sgoodie held plain image dicts (alt text as `alt`, no status when
    ready): such an archive imports, its hero reads as a record, and its files are made again."""
    original = encode(photo((900, 600)))
    hero_key = "pages/home/original/hero-1.jpg"
    legacy_hero = {
        "id": "hero-1",
        "original_key": hero_key,
        "alt": "Sunlit living room",
        "width": 900,
        "height": 600,
        "variants": [
            {"width": 320, "height": 213, "format": "jpeg", "key": "pages/home/variants/hero-1/320.jpg"}
        ],
    }
    home = to_record(Page(id="home", content={"headline": "Hello"})) | {
        "images": {"hero": legacy_hero},
        "version": 3,
    }
    result = _import(site, craft(tmp_path / "old.tar", {"pages": _line(home)}, {hero_key: original}))
    assert result.exit_code == 0, result.output
    with site.app_context():
        hero = services().store.get_pages(["home"])["home"].photo("hero")
        assert (hero.id, hero.page_id, hero.alt_text) == ("hero-1", "home", "Sunlit living room")
        assert hero.status == "queued"  # its variants are made again from the original it brought
        assert services().blobs.get(hero_key) == original
