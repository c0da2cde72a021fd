"""Memory of the whole-gallery ZIP job (issue 16): a gallery of 200 photos × 10 MB must be zipped
in under 150 MB of peak memory (resident set of the process running the job), and the ZIP's
entries must be byte for byte the originals.

    .venv/bin/python bench/zip_memory.py [--photos 200] [--mb 10] [--rounds 2]

Embedded default (SQLite + local disk), a fresh instance in a temporary folder. The originals are
random bytes (incompressible, like photos), written once. Each measurement runs in a fresh child
process pinned to one core (`taskset`, when there is one) that builds the app, requests the ZIP
through the plugin (the job runs on the in-process worker thread, as on a site) and reports its
peak RSS (`ru_maxrss`, the whole life of the process: the number the target is about) and the
resident set sampled every 10 ms while the job ran, against the one just before it. Measured in the same run, interleaved, best of the rounds:
  idle      the child doing everything but the ZIP (the app's own footprint: the baseline)
  small     the same job for the first 10 photos (memory must not grow with the gallery)
  full      the job for every photo
Then the archive is read back and every entry's SHA-256 compared with its original's.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_MB = 150
SECRET = "bench-secret"


def _app(instance: str):
    from sgoodie import create_app

    return create_app({"INSTANCE_PATH": instance, "SECRET_KEY": SECRET, "PAGE_CACHE": False})


def prepare(instance: str, photos: int, megabytes: int) -> dict[str, str]:
    """A published client gallery of `photos` ready photos whose originals are `megabytes` each."""
    from sgoodie import content
    from sgoodie.accounts import hash_password
    from sgoodie.blobs import original_key, variant_key
    from sgoodie.domain import Photo, Project, Variant
    from sgoodie.services import services

    app = _app(instance)
    ids = {}
    with app.test_request_context():
        services().store.init_schema()
        for name, count in (("small", min(10, photos)), ("full", photos)):
            project = content.projects.create(
                Project(
                    title=f"Bench {name}",
                    category="interiors",
                    published=True,
                    visibility="client",
                    gallery_password_hash=hash_password("bench-password"),
                )
            )
            for index in range(count):
                photo = Photo(project_id=project.id, status="ready", filename=f"IMG_{index:04d}.jpg")
                photo.original_key = original_key(project.id, photo.id, "jpg")
                photo.variants = [
                    Variant(320, 213, "jpeg", variant_key(project.id, photo.id, 320, "jpeg", private=True))
                ]
                path = Path(instance) / "media" / photo.original_key
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("wb") as fh:  # written in 1 MB pieces: the parent stays small too
                    for _ in range(megabytes):
                        fh.write(os.urandom(1024 * 1024))
                photo.size = megabytes * 1024 * 1024
                services().store.add_photo(photo)
            ids[name] = project.id
    return ids


def child(instance: str, project_id: str, do_zip: bool) -> None:
    """Build the app, open the gallery's download, and (unless idle) build its ZIP."""
    import threading

    import psutil

    from sgoodie.plugins.proofing import records, zips
    from sgoodie.services import services

    app = _app(instance)
    result = {"zip": ""}
    me, sampled, running = psutil.Process(), [0], [True]

    def sample() -> None:  # the resident set every 10 ms while the job runs
        while running[0]:
            sampled[0] = max(sampled[0], me.memory_info().rss)
            time.sleep(0.01)

    with app.test_request_context():
        project = services().store.get_project(project_id)
        settings = records.GallerySettings(downloads="all", size="original")
        records.save_gallery_settings(project.id, settings)
        found = zips.gallery_files(project, settings)
        before = me.memory_info().rss
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        if do_zip:
            zip_id = zips.start(project, settings, {"name": "bench"})
            assert services().jobs.wait(3600)
            job = records.zip_jobs().get(f"{project.id}#{zip_id}")
            assert job["status"] == "ready", job
            result["zip"] = str(Path(instance) / "media" / zips.files.key(job["file"]))
        result["seconds"] = time.perf_counter() - started
        running[0] = False
        sampler.join()
        result["files"] = len(found)
        result["before_mb"] = before / 1048576
        result["during_mb"] = max(sampled[0], before) / 1048576
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(instance: str, project_id: str, do_zip: bool) -> dict:
    command = [sys.executable, __file__, "--child", instance, project_id, "zip" if do_zip else "idle"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def verify(archive_path: str, instance: str, project_id: str) -> tuple[int, int]:
    """Entries compared with the originals by SHA-256, both read in 1 MB pieces."""
    from sgoodie.services import services

    app = _app(instance)
    with app.app_context():
        originals = {p.filename: p.original_key for p in services().store.photos_for_project(project_id)}
    checked = 0
    with zipfile.ZipFile(archive_path) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(originals), "the archive does not hold every photo"
        for name in names:
            entry, original = hashlib.sha256(), hashlib.sha256()
            with archive.open(name) as fh:
                while chunk := fh.read(1 << 20):
                    entry.update(chunk)
            with (Path(instance) / "media" / originals[name]).open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    original.update(chunk)
            assert entry.digest() == original.digest(), f"{name} differs from its original"
            checked += 1
    return checked, os.path.getsize(archive_path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--mb", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=3, metavar=("INSTANCE", "PROJECT", "MODE"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2] == "zip")
        return

    with tempfile.TemporaryDirectory(prefix="sgoodie-zip-bench-") as instance:
        print(
            f"Writing {args.photos} originals of {args.mb} MB ({args.photos * args.mb / 1024:.1f} GB)…",
            flush=True,
        )
        ids = prepare(instance, args.photos, args.mb)
        runs: dict[str, list[dict]] = {"idle": [], "small": [], "full": []}
        for _ in range(args.rounds):  # interleaved, so a busy moment of the machine hits all three
            runs["idle"].append(measure(instance, ids["full"], do_zip=False))
            runs["small"].append(measure(instance, ids["small"], do_zip=True))
            runs["full"].append(measure(instance, ids["full"], do_zip=True))
        best = {name: min(results, key=lambda r: r["peak_mb"]) for name, results in runs.items()}
        worst_full = max(r["peak_mb"] for r in runs["full"])
        checked, size = verify(best["full"]["zip"], instance, ids["full"])

    idle, small, full = best["idle"]["peak_mb"], best["small"]["peak_mb"], best["full"]["peak_mb"]
    print(f"\nPeak RSS of the process (best of {args.rounds} rounds, pinned to one core):")
    print(f"  idle  (app, no ZIP)                {idle:7.1f} MB")
    print(
        f"  small ({best['small']['files']:3d} photos × {args.mb} MB)        {small:7.1f} MB   {small / idle:4.2f}× idle"
    )
    print(
        f"  full  ({best['full']['files']:3d} photos × {args.mb} MB)        {full:7.1f} MB   {full / idle:4.2f}× idle, {full / small:4.2f}× small  (worst round {worst_full:.1f} MB)"
    )
    print(
        f"  resident set while the job ran: small {best['small']['during_mb']:.1f} MB "
        f"(from {best['small']['before_mb']:.1f}), full {best['full']['during_mb']:.1f} MB "
        f"(from {best['full']['before_mb']:.1f}): the job adds "
        f"{best['full']['during_mb'] - best['full']['before_mb']:.1f} MB for {best['full']['files']} photos"
    )
    print(
        f"  full ZIP built in {best['full']['seconds']:.1f} s, {size / 1048576:.0f} MB, {checked} entries equal to their originals (SHA-256)"
    )
    verdict = "PASS" if worst_full < LIMIT_MB else "FAIL"
    print(
        f"\nTarget: peak under {LIMIT_MB} MB for {args.photos} × {args.mb} MB: {verdict} ({worst_full:.1f} MB)"
    )
    if verdict == "FAIL":
        sys.exit(1)


if __name__ == "__main__":
    main()
