"""What each request costs as the portfolio grows (issue 18): synthetic sites of 100, 2,000 and 20,000
photos, built through the store API, measured with the page cache off.

For each backend (SQLite; DynamoDB on a moto server in its own process, so only the app's CPU is
counted here) and each size, it builds the site, then runs every request of the table below in the
same process and prints, per request:

  calls     store round trips (SQLite statements; DynamoDB API calls, Scans named if any)
  items     records read (SQLite rows; DynamoDB items read before any filter: ScannedCount,
            GetItem, BatchGetItem responses)
  store KB  bytes read from the store (SQLite row data; DynamoDB response bodies)
  page KB   the response body
  CPU ms    the app's CPU for the request (median of --rounds)
  peak MB   the Python heap's peak during the request (tracemalloc, its own round)

and the growth ratio of each figure against the previous size. A flat request keeps its ratios
near 1 while the site grows 10x and 20x.

    .venv/bin/python bench/scale.py [--sizes 100,2000,20000] [--backend sqlite|dynamodb|both]
                                    [--dynamodb-sizes 100,2000,20000] [--rounds 3] [--bulk-from 20000]

Projects, pages and activity go through the store API at every size, and so do photos, except on
DynamoDB from --bulk-from photos: there each project's photos are the store's own items
(`_photo_item`) written 25 per BatchWriteItem, since a moto server needs about an hour to take
20,000 photos one transaction at a time.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http` package; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import functools
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sgoodie import content, create_app
from sgoodie.accounts import create_or_reset_admin
from sgoodie.config import DEFAULT_CATEGORIES
from sgoodie.domain import Photo, Project, Variant
from sgoodie.services import services

PHOTOS_PER_PROJECT = 20
ADMIN_EMAIL, ADMIN_PASSWORD = "bench@example.com", "correct horse battery staple"
WIDTHS = (320, 640, 960, 1280, 1600, 2400)
FORMATS = (("avif", "avif"), ("webp", "webp"), ("jpeg", "jpg"))


# -- counting what the store does ---------------------------------------------------------------
@dataclass
class Counter:
    calls: int = 0
    items: int = 0
    bytes: int = 0
    scans: int = 0
    names: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.calls = self.items = self.bytes = self.scans = 0
        self.names.clear()


def count_sqlite(store, counter: Counter) -> None:
    """Every statement is a call; every row fetched an item, its values' lengths the bytes."""
    conn = store.connection()

    def row_factory(cursor, row):
        counter.items += 1
        counter.bytes += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
        return sqlite3.Row(cursor, row)

    def trace(sql: str) -> None:
        if not sql.startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            counter.calls += 1

    conn.row_factory = row_factory
    conn.set_trace_callback(trace)


def count_dynamodb(store, counter: Counter) -> None:
    events = store.client.meta.events

    def before(model, **kwargs):
        counter.calls += 1
        counter.names.append(model.name)
        if model.name == "Scan":
            counter.scans += 1

    def after(http_response, parsed, model, **kwargs):
        counter.bytes += len(http_response.content or b"")
        if model.name in ("Query", "Scan"):
            counter.items += int(parsed.get("ScannedCount", parsed.get("Count", 0)))
        elif model.name == "GetItem":
            counter.items += 1 if parsed.get("Item") else 0
        elif model.name == "BatchGetItem":
            counter.items += sum(len(items) for items in parsed.get("Responses", {}).values())

    events.register("before-call.dynamodb.*", before)
    events.register("after-call.dynamodb.*", after)


# -- building a site ----------------------------------------------------------------------------
def synthetic_photo(project: Project, index: int, *, status: str = "ready", alt: bool = True) -> Photo:
    photo = Photo(
        project_id=project.id,
        status=status,
        alt_text=f"{project.title}, view {index + 1}: light across the room" if alt else "",
        caption=f"Frame {index + 1}",
        width=2400,
        height=1600,
        dominant_color="#a08060",
        filename=f"IMG_{index + 1:04d}.jpg",
        content_type="image/jpeg",
        size=8_000_000,
        exif={"camera": "Synthetic 1", "lens": "35mm", "iso": 200, "aperture": "f/5.6"},
    )
    photo.original_key = f"projects/{project.id}/original/{photo.id}.jpg"
    if status == "ready":
        photo.variants = [
            Variant(
                width, width * 2 // 3, fmt, f"projects/{project.id}/variants/{photo.id}/{width}.{ext}", 90_000
            )
            for width in WIDTHS
            for fmt, ext in FORMATS
        ]
        photo.placeholder = "data:image/webp;base64," + "A" * 120
    elif status == "failed":
        photo.error = "This file is not an image sgoodie can read."
    return photo


def add_photos(store, photos: list[Photo], bulk: bool) -> list[Photo]:
    """Through `add_photo`; or, with `bulk` (DynamoDB only: a moto server takes an hour for
    20,000 one by one), the store's own items for them in BatchWriteItem calls of 25."""
    if not bulk:
        return [store.add_photo(photo) for photo in photos]
    stored = [replace(p, order=(n + 1) * 1024, version=1) for n, p in enumerate(photos)]
    items = [{"PutRequest": {"Item": store._photo_item(p)}} for p in stored]
    for start in range(0, len(items), 25):
        request = {store.names["photos"]: items[start : start + 25]}
        while request:
            request = store.client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    return stored


def build_site(app, photos: int, log: Callable[[str], None], *, bulk: bool = False) -> dict:
    """A portfolio of `photos` photos: 20 per project, projects spread over the default categories,
    one in ten a draft, some photos waiting for alt text, some failed or queued, two activity lines
    per project, a featured home page and a branding gallery."""
    started = time.monotonic()
    store = services().store
    content.categories.seed(DEFAULT_CATEGORIES)
    categories = list(DEFAULT_CATEGORIES)
    projects: list[Project] = []
    count = max(1, photos // PHOTOS_PER_PROJECT)
    for index in range(count):
        project = store.create_project(
            Project(
                title=f"Project {index:04d} in {categories[index % len(categories)]}",
                category=categories[index % len(categories)],
                description="A synthetic project. " * 20,
                location="Lisbon",
                client="Client & Co",
                published=index % 10 != 9,
                featured=index < 6,
                published_at="2026-01-01T00:00:00.000Z",
            )
        )
        batch = []
        for number in range(PHOTOS_PER_PROJECT):
            status = "failed" if (number == 19 and index % 50 == 3) else "ready"
            status = "queued" if (number == 18 and index % 100 == 5) else status
            batch.append(synthetic_photo(project, number, status=status, alt=number < 18 or index % 7))
        first = add_photos(store, batch, bulk)[0]
        projects.append(store.update_project(replace(project, cover_photo_id=first.id)))
        for what in ("Created", "Published"):
            store.records.put(
                content.activity.COLLECTION,
                f"2026-01-{1 + index % 28:02d}T10:{index % 60:02d}:00.000Z#{index:04d}{what[0]}",
                {"what": f"{what} project “{project.title}”", "who": ADMIN_EMAIL, "project_id": project.id},
            )
        if index % 100 == 99:
            log(f"    {index + 1} projects, {time.monotonic() - started:.0f} s")
    home = store.get_pages(["home"])["home"]
    featured = [p.id for p in projects if p.featured]
    store.save_page(replace(home, content={**home.content, "featured_order": featured, "headline": "Hello"}))
    sample = projects[0]
    gallery = [
        {"id": f"g{i}", "status": "ready", "alt": f"Portrait {i}", **photo.image().to_dict()}
        for i, photo in enumerate(store.photos_for_project(sample.id)[:12])
        if photo.image()
    ]
    branding = store.get_pages(["personal-branding"])["personal-branding"]
    store.save_page(replace(branding, content={"heading": "Branding"}, images={"gallery": gallery}))
    create_or_reset_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    log(
        f"    built {count} projects, {count * PHOTOS_PER_PROJECT} photos in {time.monotonic() - started:.0f} s"
    )
    return {"projects": projects, "categories": categories}


# -- the requests -------------------------------------------------------------------------------
def sign_in(client) -> None:
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"|name="csrf_token"[^>]*value="([^"]+)"', html
    )
    value = next(g for g in token.groups() if g)
    response = client.post(
        "/admin/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": value}
    )
    assert response.status_code == 302, response.status_code


def get(client, path: str) -> Callable[[], int]:
    def run() -> int:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.get_data())

    return run


def requests(app, client, site: dict) -> dict[str, Callable[[], int]]:
    """name -> a function making the request and returning the page's size. Writes run through
    `content`, as the admin's views do, inside a request context."""
    projects, categories = site["projects"], site["categories"]
    category = categories[0]
    middle = next(p for p in projects[len(projects) // 2 :] if p.category == category and p.published)
    runs = {
        "/ (home)": get(client, "/"),
        "/projects/<slug>": get(client, f"/projects/{middle.slug}"),
        "/work/<category>": get(client, f"/work/{category}"),
        "/sitemap.xml": get(client, "/sitemap.xml"),
    }
    runs.update(sitemap_parts(client, middle))
    runs.update(
        {
            "/admin/ (dashboard)": get(client, "/admin/"),
            "/admin/projects/?category=": get(client, f"/admin/projects/?category={category}"),
            "/admin/pages/home": get(client, "/admin/pages/home"),
            "/admin/pages/personal-branding": get(client, "/admin/pages/personal-branding"),
        }
    )
    created: list[Project] = []

    def create() -> int:
        with app.test_request_context():
            created.append(content.projects.create(Project(title=f"New {len(created)}", category=category)))
        return 0

    def move() -> int:
        with app.test_request_context():
            content.projects.move(services().store.get_project(middle.id), -1)
            content.projects.move(services().store.get_project(middle.id), 1)
        return 0

    def delete() -> int:
        with app.test_request_context():
            content.projects.delete(created.pop() if created else services().store.get_project(middle.id))
        return 0

    runs.update(
        {"write: create project": create, "write: move ↑ then ↓": move, "write: delete project": delete}
    )
    return runs


def sitemap_parts(client, edited: Project) -> dict[str, Callable[[], int]]:
    """The sitemap's parts, when it is an index of them: the biggest part, and the part holding
    `edited` (what one project edit re-renders)."""
    index = client.get("/sitemap.xml").get_data(as_text=True)
    if "<sitemapindex" not in index:
        return {}
    parts = re.findall(r"<loc>[^<]*?(/sitemap[^<]*\.xml)</loc>", index)
    sizes = {part: len(client.get(part).get_data()) for part in parts}
    runs = {"sitemap: biggest part": get(client, max(sizes, key=sizes.get))}
    for part in parts:
        if f"/projects/{edited.slug}<" in client.get(part).get_data(as_text=True):
            runs["sitemap: edited project's part"] = get(client, part)
    return runs


@dataclass
class Figures:
    calls: int
    items: int
    store_kb: float
    page_kb: float
    cpu_ms: float
    peak_mb: float


def measure(run: Callable[[], int], counter: Counter, rounds: int) -> Figures:
    """Every request (and write: create makes a new project each time, delete removes one of
    those, move goes up and back down) runs once to warm up, `rounds` times counted and timed,
    then once under tracemalloc."""
    cpu, page = [], 0
    counts = None
    run()  # templates compiled, connections open: what every later request finds
    for _ in range(rounds):
        counter.reset()
        before = time.process_time()
        page = run()
        cpu.append((time.process_time() - before) * 1000)
        counts = counts or (counter.calls, counter.items, counter.bytes)
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    calls, items, store_bytes = counts
    return Figures(calls, items, store_bytes / 1024, page / 1024, statistics.median(cpu), peak / 2**20)


# -- running ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return process, url
        except Exception:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto server did not start")


def patient_client(store, url: str) -> None:
    """A client that waits for a moto server busy with 20,000 items (on a shared machine it can
    take longer than the app's 10 s read timeout), instead of retrying a write moto already made:
    moto ignores the transactions' idempotency token, which DynamoDB honours. Counting is
    registered on this client afterwards."""
    store.client = boto3.client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url=url,
        config=Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=600),
    )


def run_size(
    backend: str, photos: int, rounds: int, tmp: Path, log, *, bulk: bool = False
) -> dict[str, Figures]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(tmp / f"{backend}-{photos}"),
        "PAGE_CACHE": False,
    }
    moto = None
    if backend == "dynamodb":
        moto, url = start_moto()
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
        )
        config.update(BACKEND="aws", AWS_ENDPOINT_URL=url, STAGE="bench", AWS_REGION="us-east-1")
    try:
        app = create_app(config)
        counter = Counter()
        with app.app_context():
            if backend == "dynamodb":
                patient_client(services().store, url)
            services().store.init_schema()
            if backend == "dynamodb":
                services().blobs.prepare()
            log(f"  {backend}, {photos} photos: building")
            with app.test_request_context():
                site = build_site(app, photos, log, bulk=bulk and backend == "dynamodb")
            store = services().store
            (count_dynamodb if backend == "dynamodb" else count_sqlite)(store, counter)
            client = app.test_client()
            sign_in(client)
            results = {}
            for name, run in requests(app, client, site).items():
                results[name] = measure(run, counter, rounds)
                if counter.scans:
                    log(f"    {name}: {counter.scans} Scan calls!")
        return results
    finally:
        if moto is not None:
            moto.terminate()
            try:
                moto.wait(timeout=10)
            except subprocess.TimeoutExpired:
                moto.kill()


def ratio(new: float, old: float) -> str:
    if old == 0:
        return "  -  " if new == 0 else "  new"
    return f"{new / old:5.2f}"


def print_table(backend: str, by_size: dict[int, dict[str, Figures]], file=None) -> None:
    out = functools.partial(print, file=file or sys.stdout)
    sizes = sorted(by_size)
    out(f"\n## {backend}\n")
    header = "| request | photos | calls | items | store KB | page KB | CPU ms | peak MB | growth (calls/items/CPU/peak) |"
    out(header)
    out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    names = list(dict.fromkeys(name for size in sizes for name in by_size[size]))
    for name in names:
        previous = None
        for size in sizes:
            f = by_size[size].get(name)
            if f is None:
                continue
            growth = (
                "/".join(
                    ratio(a, b).strip()
                    for a, b in (
                        (f.calls, previous.calls),
                        (f.items, previous.items),
                        (f.cpu_ms, previous.cpu_ms),
                        (f.peak_mb, previous.peak_mb),
                    )
                )
                if previous
                else ""
            )
            out(
                f"| {name} | {size:,} | {f.calls:,} | {f.items:,} | {f.store_kb:,.0f} | {f.page_kb:,.0f} "
                f"| {f.cpu_ms:,.1f} | {f.peak_mb:,.1f} | {growth} |"
            )
            previous = f


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,2000,20000", help="photos per site, SQLite")
    parser.add_argument("--dynamodb-sizes", default="100,2000,20000", help="photos per site, DynamoDB")
    parser.add_argument("--backend", choices=("sqlite", "dynamodb", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--bulk-from",
        type=int,
        default=20_000,
        help="DynamoDB sites of this many photos or more get their photos in BatchWriteItem calls",
    )
    args = parser.parse_args()

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    backends = {"sqlite": args.sizes, "dynamodb": args.dynamodb_sizes}
    with tempfile.TemporaryDirectory(prefix="sgoodie-scale-") as tmp:
        for backend, sizes in backends.items():
            if args.backend not in (backend, "both"):
                continue
            by_size = {}
            for size in (int(s) for s in sizes.split(",") if s):
                started = time.monotonic()
                bulk = size >= args.bulk_from
                try:
                    by_size[size] = run_size(backend, size, args.rounds, Path(tmp), log, bulk=bulk)
                except Exception as exc:  # keep what the other sizes measured
                    log(
                        f"  {backend}, {size} photos: failed after {time.monotonic() - started:.0f} s: {exc!r}"
                    )
                    continue
                log(f"  {backend}, {size} photos: measured in {time.monotonic() - started:.0f} s")
                print_table(backend, by_size, file=sys.stderr)  # so far, in case a bigger size fails
            print_table(backend, by_size)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
