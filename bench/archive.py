"""`sgoodie export` / `import` keep memory flat whatever the size of the site (issue 17).

    .venv/bin/python bench/archive.py [--photos 32] [--scale 8] [--mb 1] [--rounds 3]

Builds two sites on the embedded default, a small one (`--photos` photos with `--mb` MB
originals) and one `--scale` times larger, then exports each and imports it into an empty
instance, every step in its own process (pinned to one CPU with taskset when available), and
reports the peak resident memory of each. The baseline, measured in the same run, is a process
that only starts the app and lists the site. Rounds are interleaved (small, large, small, ...)
and the median is shown. Flat memory: the large site's peak stays near the small one's
(ratio ~1) while its archive is `--scale` times bigger.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from sgoodie import archive, create_app
from sgoodie.services import services
step, instance, path = sys.argv[2:5]
app = create_app({"INSTANCE_PATH": instance, "SECRET_KEY": "bench", "BACKGROUND_RUNNER": False})
started = time.perf_counter()
with app.app_context():
    services().store.init_schema()
    if step == "export":
        archive.export(path)
    elif step == "import":
        archive.import_archive(path)
    else:  # the baseline: the app and one listing of the site
        for category in services().categories:
            for project in services().store.projects_in_category(category):
                services().store.photos_for_project(project.id)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_site(instance: Path, photos: int, megabytes: float) -> None:
    """Projects of 8 photos, each with an original of random bytes (the export copies bytes; it
    never decodes them)."""
    sys.path.insert(0, str(ROOT))
    from sgoodie import content, create_app
    from sgoodie.domain import Photo, Project
    from sgoodie.services import services

    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "bench", "BACKGROUND_RUNNER": False})
    with app.test_request_context():
        services().store.init_schema()
        services().blobs.prepare()
        project = None
        for n in range(photos):
            if n % 8 == 0:
                project = content.projects.create(Project(title=f"Project {n // 8}", category="travel"))
            photo = Photo(project_id=project.id, status="ready", alt_text=f"Photo {n}", filename=f"{n}.jpg")
            photo.original_key = f"projects/{project.id}/original/{photo.id}.jpg"
            services().blobs.put(
                photo.original_key, os.urandom(int(megabytes * 1e6)), content_type="image/jpeg"
            )
            services().store.add_photo(photo)


def run_step(step: str, instance: Path, path: Path) -> dict:
    command = [sys.executable, "-c", STEP, str(ROOT), step, str(instance), str(path)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=32)
    parser.add_argument("--scale", type=int, default=8)
    parser.add_argument("--mb", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sgoodie-bench-archive-") as tmp:
        work = Path(tmp)
        sizes = {"small": args.photos, "large": args.photos * args.scale}
        for name, photos in sizes.items():
            build_site(work / name, photos, args.mb)
        results: dict[tuple[str, str], list[dict]] = {}
        archive_mb = {}
        for _ in range(args.rounds):
            for name in sizes:  # interleaved: small, large, small, large, ...
                path = work / f"{name}.tar"
                target = work / f"{name}-target"
                shutil.rmtree(target, ignore_errors=True)
                for step, instance in (
                    ("baseline", work / name),
                    ("export", work / name),
                    ("import", target),
                ):
                    results.setdefault((name, step), []).append(run_step(step, instance, path))
                archive_mb[name] = path.stat().st_size / 1e6

    def median(name: str, step: str, field: str) -> float:
        return statistics.median(r[field] for r in results[(name, step)])

    print(
        f"{'site':<7}{'photos':>8}{'archive MB':>12}{'step':>10}{'seconds':>10}{'peak MB':>10}{'vs baseline':>13}"
    )
    for name, photos in sizes.items():
        base = median(name, "baseline", "peak_mb")
        for step in ("baseline", "export", "import"):
            peak = median(name, step, "peak_mb")
            print(
                f"{name:<7}{photos:>8}{archive_mb[name]:>12.1f}{step:>10}"
                f"{median(name, step, 'seconds'):>10.2f}{peak:>10.1f}{peak / base:>13.2f}"
            )
    for step in ("export", "import"):
        ratio = median("large", step, "peak_mb") / median("small", step, "peak_mb")
        print(
            f"{step}: peak memory large/small = {ratio:.2f} for {archive_mb['large'] / archive_mb['small']:.1f}x the data"
        )


if __name__ == "__main__":
    main()
