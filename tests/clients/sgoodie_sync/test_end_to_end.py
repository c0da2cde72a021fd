"""End to end, as the photographer runs it: gunicorn serving a site (the embedded default; and AWS:
DynamoDB and S3 on a moto server, Redis and a Celery worker), `sgoodie-sync` in a subprocess
syncing a folder of real photos whose titles were written as IPTC (and XMP) by Exiv2.

The project shows them in file order with those titles as alt text; a file edited and one deleted,
synced again with --delete: the edited one replaced (same photo, same alt text), the other in the
trash; a sync killed half way and run again: nothing duplicated, everything there."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from sgoodie import content, tokens
from sgoodie.content import trash
from sgoodie.domain import Project
from sgoodie.services import services
from sgoodie_sync.folder import natural_key
from tests.test_middleware import _gunicorn

pytestmark = pytest.mark.slow

CLIENT = Path(sys.executable).with_name("sgoodie-sync")  # the console script pip installed


@dataclass
class Site:
    url: str
    token: str
    app: object
    project: Project

    def photos(self) -> list[dict]:
        """The project's photos as the API lists them, in display order (every page)."""
        found, after = [], None
        while True:
            answer = requests.get(
                f"{self.url}/api/v1/projects/{self.project.id}/photos",
                params={"limit": 100, **({"after": after} if after else {})},
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=30,
            )
            assert answer.status_code == 200, answer.text
            found += answer.json()["items"]
            after = answer.json()["next"]
            if not after:
                return found

    def sync(self, folder: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CLIENT), "sync", str(folder), "--site", self.url, "--project", self.project.slug, *args],
            env={**os.environ, "SGOODIE_TOKEN": self.token},
            capture_output=True,
            text=True,
            timeout=900,
        )


@pytest.fixture(params=["local", "aws"])
def site(request, tmp_path):
    """gunicorn (two workers) on the instance of the `app` fixture, or on `aws_app`'s tables and
    bucket with a Celery worker; a draft project and a publishing token made beforehand."""
    aws = request.param == "aws"
    app = request.getfixturevalue("aws_app" if aws else "app")
    with app.test_request_context():
        project = content.projects.create(Project(title="Harbour at dusk", category="travel"))
        _, token = tokens.create("Studio iMac", ["read", "publish"], 0)
    if aws:
        worker = request.getfixturevalue("worker")()
        assert worker.ready.wait(120), "".join(worker.lines)
    settings = {
        **(request.getfixturevalue("aws_env") if aws else {}),
        "WEB_CONCURRENCY": "2",
        "SGOODIE_THREADS": "4",
    }
    with _gunicorn(tmp_path, **settings) as get:
        yield Site(get.base, token, app, project)


def _export(folder: Path, write_photo, names: list[str], *, size=(900, 600), seed: int = 0) -> dict[str, str]:
    """Photos as Lightroom exports them, their titles in IPTC (the first also in XMP): path -> title."""
    titles = {}
    for number, name in enumerate(names):
        titles[name] = f"Harbour photo {Path(name).stem}"
        write_photo(folder / name, title=titles[name], xmp=number == 0, size=size, seed=seed + number)
    return titles


def _assert_mirrored(site: Site, folder: Path, titles: dict[str, str]) -> list[dict]:
    photos = site.photos()
    on_disk = sorted((p.relative_to(folder).as_posix() for p in folder.rglob("*.jpg")), key=natural_key)
    assert [p["external_id"] for p in photos] == on_disk  # file order, each once
    assert all(p["status"] == "ready" for p in photos), [
        (p["external_id"], p["status"], p["error"]) for p in photos
    ]
    assert {p["external_id"]: p["alt_text"] for p in photos} == {name: titles[name] for name in on_disk}
    assert all(p["alt_text_from_file"] for p in photos)
    return photos


def test_a_folder_is_mirrored_replaced_trashed_and_resumed_without_duplicates(site, tmp_path, write_photo):
    folder = tmp_path / "export"
    titles = _export(folder, write_photo, ["IMG_10.jpg", "IMG_2.jpg", "IMG_1.jpg", "IMG_3.jpg"])

    first = site.sync(folder, "--jobs", "3")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "alt text from the file's title: 4 photos" in first.stdout
    photos = _assert_mirrored(site, folder, titles)
    assert [p["external_id"] for p in photos] == ["IMG_1.jpg", "IMG_2.jpg", "IMG_3.jpg", "IMG_10.jpg"]
    before = {p["external_id"]: p for p in photos}

    # Nothing changed: the plan says so, and a second run sends nothing.
    dry = site.sync(folder, "--dry-run")
    assert dry.returncode == 0 and "0 new, 0 to replace" in dry.stdout and "4 unchanged" in dry.stdout

    # IMG_2 edited again in Lightroom (same title), IMG_3 dropped from the selection.
    write_photo(folder / "IMG_2.jpg", title=titles["IMG_2.jpg"], size=(900, 600), seed=40)
    (folder / "IMG_3.jpg").unlink()
    del titles["IMG_3.jpg"]
    plan = site.sync(folder, "--dry-run", "--delete")
    assert "  replace  IMG_2.jpg (the file changed)" in plan.stdout and "  trash    IMG_3.jpg" in plan.stdout
    assert [p["id"] for p in site.photos()] == [p["id"] for p in photos]  # a dry run changes nothing

    second = site.sync(folder, "--delete")
    assert second.returncode == 0, second.stdout + second.stderr
    after = {p["external_id"]: p for p in _assert_mirrored(site, folder, titles)}
    replaced = after["IMG_2.jpg"]
    assert replaced["id"] == before["IMG_2.jpg"]["id"]
    assert replaced["alt_text"] == before["IMG_2.jpg"]["alt_text"]
    assert replaced["sha256"] != before["IMG_2.jpg"]["sha256"]
    with site.app.app_context():
        trashed = [entry.photo.id for entry in trash.entries() if entry.kind == "photo"]
    assert trashed == [before["IMG_3.jpg"]["id"]]

    # A bigger export, sent one file at a time, killed after two uploads; then run again.
    titles |= _export(
        folder / "day 2", write_photo, [f"DSC_{n}.jpg" for n in range(1, 9)], size=(2400, 1600), seed=7
    )
    titles = {(f"day 2/{k}" if k.startswith("DSC") else k): v for k, v in titles.items()}
    process = subprocess.Popen(
        [str(CLIENT), "sync", str(folder), "--site", site.url, "--project", site.project.slug, "--jobs", "1"],
        env={**os.environ, "SGOODIE_TOKEN": site.token},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    uploaded = 0
    for line in process.stderr:
        uploaded += " uploaded " in line
        if uploaded == 2:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert uploaded == 2 and process.returncode == -signal.SIGKILL
    assert len(site.photos()) < len(titles)  # it really stopped half way

    resumed = site.sync(folder, "--jobs", "2")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    photos = _assert_mirrored(site, folder, titles)
    assert len({p["id"] for p in photos}) == len(photos) == 11
    sent_again = int(re.search(r"Done in \d+ s: (\d+) uploaded", resumed.stdout).group(1))
    assert 1 <= sent_again <= 6  # the rest of the batch, not what the first run had sent


def test_a_clients_picks_come_back_for_lightroom_and_as_csv(site, tmp_path):
    """The proofing plugin's selections through the API, as `sgoodie-sync picks` writes them."""
    from dataclasses import replace

    from sgoodie.accounts import hash_password
    from sgoodie.domain import Photo
    from sgoodie.plugins.proofing import records

    with site.app.test_request_context():
        store = services().store
        gallery = content.projects.create(Project(title="Smith wedding", category="interiors"))
        photos = [
            store.add_photo(
                Photo(
                    project_id=gallery.id,
                    status="ready",
                    filename=name,
                    external_id=f"ceremony/{name}",
                    alt_text="",
                )
            )
            for name in ("DSC_0007.jpg", "DSC_0012.jpg", "DSC_0031.jpg")
        ]
        current = store.get_project(gallery.id)
        gallery = content.projects.save(
            replace(
                current, published=True, visibility="client", gallery_password_hash=hash_password("bouquet")
            ),
            current,
        )
        settings = records.gallery_settings(gallery.id)
        records.save_gallery_settings(gallery.id, replace(settings, lists=["Favourites", "Print"]))
        ana = records.new_client(gallery.id, "Ana", "ana@example.com")
        records.set_mark(gallery.id, ana, photos[0].id, photos[0].filename, lists=["Favourites"], note="")
        records.set_mark(
            gallery.id, ana, photos[2].id, photos[2].filename, lists=["Favourites", "Print"], note="A3"
        )
        _, token = tokens.create("Picks", ["galleries"], 0)

    def picks(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(CLIENT), "picks", gallery.slug, "--site", site.url, *args],
            env={**os.environ, "SGOODIE_TOKEN": token},
            capture_output=True,
            text=True,
            timeout=120,
        )

    lightroom = picks()
    assert lightroom.returncode == 0, lightroom.stderr
    assert lightroom.stdout == "DSC_0007, DSC_0031\n"
    assert "3 picks in 2 lists (Favourites, Print)" in lightroom.stderr
    printed = picks("--list", "print", "--format", "csv", "-o", str(tmp_path / "print.csv"))
    assert printed.returncode == 0, printed.stderr
    assert (tmp_path / "print.csv").read_text().splitlines() == [
        "file_name,external_id,list,note",
        "DSC_0031.jpg,ceremony/DSC_0031.jpg,Print,Ana: A3",
    ]
    unknown = picks("--list", "Website")
    assert unknown.returncode == 1 and 'no list "Website"' in unknown.stderr


def test_a_file_the_site_cannot_use_fails_the_run_with_the_sites_reason(site, tmp_path, write_photo):
    folder = tmp_path / "export"
    write_photo(folder / "IMG_1.jpg", title="Quay")
    (folder / "IMG_2.jpg").write_bytes(b"not a photo, whatever its name says" * 100)
    run = site.sync(folder)
    assert run.returncode == 1, run.stdout + run.stderr
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED ")]
    assert failed == [
        "FAILED IMG_2.jpg: IMG_2.jpg is not an image we can read (JPEG, PNG, WebP, AVIF, HEIC, TIFF or GIF)."
    ]
    assert run.stdout.rstrip().endswith("1 photo failed.")
    ready = {p["external_id"]: p["status"] for p in site.photos()}
    assert ready["IMG_1.jpg"] == "ready"
