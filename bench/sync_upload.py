"""Upload bandwidth of `sgoodie-sync` against plain parallel presigned POSTs of the same files, and
the web process's memory meanwhile (issue 27: at least 80 % of the plain POSTs' bandwidth; memory
flat, since files go straight to storage, never into the web process's memory).

    .venv/bin/python bench/sync_upload.py [--backend aws|local] [--photos 200] [--mb 5] [--rounds 3]
        [--jobs 4] [--uplink MBIT] [--pin SERVER_CPUS:CLIENT_CPUS]

One machine, gunicorn serving the site (production config, 2 workers), everything started here:
- `aws`: a moto server as S3 and DynamoDB, a private redis-server. The baseline posts every file to
  its own presigned POST (boto3's, straight at the bucket).
- `local`, the embedded default: SQLite and the instance folder's media, `SGOODIE_JOBS=sqlite` so
  the image jobs wait in the durable queue (no `sgoodie jobs` process runs). The presigned POST
  target is the site's own upload endpoint; the baseline's forms are the site's own: a project's
  photos registered and their `upload_target` taken beforehand, in this process, untimed (as
  boto3's signing is on `aws`: local work), so the baseline times only the POSTs, each of which
  still claims its photo's upload as the sync's do.
Each round, interleaved: the baseline posts the files with `--jobs` threads; the client syncs the
folder to a fresh project (`--wait 0`: the bench measures sending, not the image jobs; no Celery
worker or job process runs, so nothing renders meanwhile). Files are hashed once beforehand (a dry
run fills the client's cache), as on every run after the first. Medians of the rounds; the web
workers' resident memory is sampled every 50 ms during the client's rounds.

On loopback the bytes cost nothing and every API call costs the store's CPU (on `aws` the
emulator's DynamoDB, on this machine's cores), the opposite of a photographer's desk;
`--uplink 100` (aws) sends both sides' files through one shared 100 Mbit/s link (a proxy in front
of the bucket), as from a studio's fibre line. `--pin 0:1` runs the site's side (moto, redis,
gunicorn) on CPU 0 and the senders (this process, the client) on CPU 1 (`taskset`), so neither
side's work is charged to the other.
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import asyncio
import contextlib
import io
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

import boto3
import psutil
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sgoodie import content, create_app, tokens
from sgoodie.domain import Project
from sgoodie.photos import uploads
from sgoodie.services import services

CLIENT = Path(sys.executable).with_name("sgoodie-sync")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.2)


def _photos(folder: Path, count: int, megabytes: float) -> list[Path]:
    """`count` distinct JPEGs of about `megabytes` each: a few noise photos, each copy made unique
    by bytes after its end marker (which decoders ignore), so every file has its own hash."""
    target = int(megabytes * 1_000_000)
    bases = []
    for seed in range(4):
        image = Image.effect_noise((2600, 1734), 40 + seed * 5).convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=92)
        data = buffer.getvalue()
        bases.append(data[:target] if len(data) >= target else data + b"\x00" * (target - len(data)))
    paths = []
    for n in range(count):
        path = folder / f"IMG_{n + 1:04d}.jpg"
        path.write_bytes(bases[n % 4] + n.to_bytes(4, "big"))
        paths.append(path)
    return paths


class Uplink:
    """A TCP proxy in front of the bucket whose upstream direction is one link of `mbit` Mbit/s
    shared by every connection (the photographer's upload line); answers come back unthrottled."""

    def __init__(self, target_port: int, mbit: float):
        self.rate = mbit * 1e6 / 8
        self.port, self.target = _free_port(), target_port
        self._next_free = 0.0
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        started.wait()
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._connect, "127.0.0.1", self.port))
        started.set()
        self._loop.run_until_complete(server.serve_forever())

    async def _pipe(self, reader, writer, throttled: bool) -> None:
        try:
            while chunk := await reader.read(65536):
                if throttled:
                    now = self._loop.time()
                    self._next_free = max(now, self._next_free) + len(chunk) / self.rate
                    await asyncio.sleep(self._next_free - now - len(chunk) / self.rate)
                writer.write(chunk)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _connect(self, client_reader, client_writer) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.target)
        await asyncio.gather(
            self._pipe(client_reader, writer, True), self._pipe(reader, client_writer, False)
        )


class Stack:
    """gunicorn serving the site (production config, 2 workers) with `settings` on top of the
    shared ones, the bench's own app on the same store (to make projects, a token, forms)."""

    label = ""

    def __init__(self, workdir: Path, server_cpus: str, settings: dict[str, str]):
        self.processes: list[subprocess.Popen] = self.__dict__.get("processes", [])  # a subclass's, kept
        self.server_cpus = server_cpus
        web_port = _free_port()
        self.url = f"http://127.0.0.1:{web_port}"
        self.env = {
            **os.environ,
            "SECRET_KEY": "bench",
            "SGOODIE_INSTANCE_PATH": str(workdir / "instance"),
            "SGOODIE_BIND": f"127.0.0.1:{web_port}",
            "WEB_CONCURRENCY": "2",
            "SGOODIE_THREADS": "4",
            "SGOODIE_ACCESS_LOG": "",
            "SGOODIE_LOG_LEVEL": "warning",
            # The API's per-token limit (1,200 a minute) is not what this measures; a sync of 200
            # photos counts about 600 (a batch counts as its photos: create, complete, alt text each),
            # in well under a minute here.
            "SGOODIE_API_RATE": "100000",
            **settings,
        }
        os.environ.update({k: v for k, v in self.env.items() if k.startswith(("SGOODIE_", "AWS_", "REDIS"))})
        os.environ["SECRET_KEY"] = "bench"
        self.app = create_app({"TESTING": True})
        with self.app.app_context():
            services().store.init_schema()
            services().blobs.prepare()
        self.web = self._start(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"], env=self.env
        )
        _wait_until(lambda: requests.get(self.url + "/healthz", timeout=2).ok, 60, "gunicorn")
        with self.app.test_request_context():
            _, self.token = tokens.create("Bench", ["read", "publish"], 0)

    def _start(self, command: list[str], env: dict | None = None) -> subprocess.Popen:
        if self.server_cpus:
            command = ["taskset", "-c", self.server_cpus, *command]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or os.environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def project(self) -> Project:
        with self.app.test_request_context():
            return content.projects.create(Project(title=f"Bench {uuid.uuid4().hex[:6]}", category="travel"))

    def web_workers(self) -> list[psutil.Process]:
        return psutil.Process(self.web.pid).children()  # taskset execs gunicorn: the same process

    def upload_forms(self, paths: list[Path]) -> list[dict]:
        """The baseline's presigned POSTs ({url, fields}), one per file."""
        raise NotImplementedError

    def clear_files(self) -> None:
        """Drop the round's uploaded files."""
        raise NotImplementedError

    def stop(self) -> None:
        for process in reversed(self.processes):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class AwsStack(Stack):
    """moto server (S3, DynamoDB), redis-server, gunicorn on the AWS backend (uploads through
    `uplink`)."""

    label = "AWS backend on a moto server"

    def __init__(self, workdir: Path, server_cpus: str = "", uplink_mbit: float = 0):
        self.processes, self.server_cpus = [], server_cpus
        moto_port, redis_port = _free_port(), _free_port()
        self.moto = f"http://127.0.0.1:{moto_port}"
        self._start([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)])
        _wait_until(lambda: requests.get(self.moto + "/moto-api/", timeout=2).ok, 60, "moto server")
        self.uplink = Uplink(moto_port, uplink_mbit) if uplink_mbit else None
        self._start(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"])
        super().__init__(
            workdir,
            server_cpus,
            {
                "SGOODIE_BACKEND": "aws",
                "AWS_ENDPOINT_URL": self.moto,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_REGION": "us-east-1",
                "SGOODIE_STAGE": "b" + uuid.uuid4().hex[:8],
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                **({"SGOODIE_UPLOAD_ENDPOINT": self.uplink.url} if self.uplink else {}),
            },
        )
        with self.app.app_context():
            self.bucket = services().blobs.bucket
        self.s3 = boto3.client("s3", endpoint_url=self.moto, region_name="us-east-1")

    def upload_forms(self, paths: list[Path]) -> list[dict]:
        """boto3's presigned POSTs straight at the bucket, as a script would make them."""
        prefix = f"baseline/{uuid.uuid4().hex[:8]}/"
        forms = [
            self.s3.generate_presigned_post(
                self.bucket,
                prefix + path.name,
                Fields={"Content-Type": "image/jpeg"},
                Conditions=[{"Content-Type": "image/jpeg"}, ["content-length-range", 1, 60_000_000]],
            )
            for path in paths
        ]
        if self.uplink:  # the same link the site's upload forms point at
            for form in forms:
                form["url"] = form["url"].replace(self.moto, self.uplink.url)
        return forms

    def clear_files(self) -> None:
        """Empty the bucket: moto keeps the objects in memory."""
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})


class LocalStack(Stack):
    """The embedded default: SQLite and the instance folder's media. The image jobs wait in the
    durable SQLite queue: no `sgoodie jobs` process runs, so nothing renders during the rounds."""

    label = "embedded backend (SQLite + local files, jobs queued, not run)"

    def __init__(self, workdir: Path, server_cpus: str = ""):
        super().__init__(workdir, server_cpus, {"SGOODIE_BACKEND": "local", "SGOODIE_JOBS": "sqlite"})
        self.media = workdir / "instance" / "media"

    def upload_forms(self, paths: list[Path]) -> list[dict]:
        """The site's own presigned POSTs (its upload endpoint): each file registered as a photo
        of a fresh project, as the media API does, and that photo's `upload_target`."""
        project = self.project()
        forms = []
        with self.app.test_request_context(base_url=self.url):
            for path in paths:
                photo = uploads.register_upload(
                    project.id, path.name, "image/jpeg", "jpg", path.stat().st_size
                )
                target = uploads.upload_target(photo)
                forms.append({"url": urljoin(self.url + "/", target["url"]), "fields": target["fields"]})
        return forms

    def clear_files(self) -> None:
        """Delete the round's originals (1 GB a side a round): nothing reads them, no job runs."""
        shutil.rmtree(self.media / "projects", ignore_errors=True)


def plain_posts(forms: list[dict], paths: list[Path], jobs: int) -> float:
    """Every file to its own presigned POST, `jobs` at a time, as a script would send them."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=jobs))

    def send(job) -> None:
        form, path = job
        with open(path, "rb") as stream:
            answer = session.post(
                form["url"],
                data=form["fields"],
                files={"file": (path.name, stream, "image/jpeg")},
                timeout=120,
            )
        answer.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(send, zip(forms, paths, strict=True)))
    return time.perf_counter() - started


def client_sync(stack: Stack, folder: Path, jobs: int, *extra: str) -> tuple[float, Project]:
    project = stack.project()
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(CLIENT),
            "sync",
            str(folder),
            "--site",
            stack.url,
            "--project",
            project.slug,
            "--jobs",
            str(jobs),
            "--wait",
            "0",
            *extra,
        ],
        env={**os.environ, "SGOODIE_TOKEN": stack.token},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sgoodie-sync failed:\n{done.stdout}\n{done.stderr}")
    return seconds, project


class MemoryWatch:
    """Peak resident memory of the web workers, sampled while the client runs."""

    def __init__(self, stack: Stack):
        self.stack, self.peak, self._stop = stack, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return max((w.memory_info().rss for w in self.stack.web_workers()), default=0)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):  # a worker recycled between two samples
                self.peak = max(self.peak, self.rss())
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("aws", "local"), default="aws")
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--mb", type=float, default=5.0, help="size of each photo")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=4, help="uploads at once, both sides")
    parser.add_argument(
        "--uplink", type=float, default=0, metavar="MBIT", help="one shared upload link of this speed"
    )
    parser.add_argument(
        "--pin",
        default="",
        metavar="SERVER:CLIENT",
        help="CPU lists (taskset) for the site's processes and for the senders, e.g. 0:1",
    )
    args = parser.parse_args()
    if args.uplink and args.backend != "aws":
        parser.error("--uplink throttles the bucket's link: the aws backend only")
    server_cpus, _, client_cpus = args.pin.partition(":")
    if client_cpus:  # this process, its threads and the client it starts
        os.sched_setaffinity(0, {int(cpu) for cpu in client_cpus.split(",")})
    if not CLIENT.exists():
        raise SystemExit("sgoodie-sync is not installed in this venv: run scripts/setup test")

    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    stack = None
    try:
        folder = workdir / "export"
        folder.mkdir()
        paths = _photos(folder, args.photos, args.mb)
        total = sum(p.stat().st_size for p in paths)
        stack = (
            AwsStack(workdir, server_cpus, args.uplink)
            if args.backend == "aws"
            else LocalStack(workdir, server_cpus)
        )
        hashing_started = time.perf_counter()
        client_sync(stack, folder, args.jobs, "--dry-run")  # hashes once; later runs use the cache
        hashing = time.perf_counter() - hashing_started
        rss_before = MemoryWatch(stack).rss()
        baseline, synced, peaks = [], [], []
        for round_number in range(args.rounds):
            baseline.append(plain_posts(stack.upload_forms(paths), paths, args.jobs))
            stack.clear_files()
            with MemoryWatch(stack) as watch:
                seconds, _ = client_sync(stack, folder, args.jobs)
            synced.append(seconds)
            peaks.append(watch.peak)
            stack.clear_files()
            print(
                f"  round {round_number + 1}: plain POSTs {total / baseline[-1] / 1e6:6.1f} MB/s, "
                f"sgoodie-sync {total / synced[-1] / 1e6:6.1f} MB/s, web worker peak {watch.peak / 1e6:.0f} MB",
                flush=True,
            )
        plain, client = statistics.median(baseline), statistics.median(synced)
        print(
            f"{args.photos} photos of {args.mb:g} MB ({total / 1e9:.2f} GB), {args.jobs} at a time, "
            f"{stack.label}, "
            + (f"through a {args.uplink:g} Mbit/s uplink, " if args.uplink else "on loopback, ")
            + f"{args.rounds} interleaved rounds"
            + (f", site on CPU {server_cpus}, senders on CPU {client_cpus}" if args.pin else "")
            + ", medians:"
        )
        print(f"  plain presigned POSTs  {plain:6.1f} s  {total / plain / 1e6:6.1f} MB/s")
        print(
            f"  sgoodie-sync           {client:6.1f} s  {total / client / 1e6:6.1f} MB/s  (+ {hashing:.1f} s hashing once)"
        )
        print(f"  ratio {plain / client:.2f} of the plain POSTs' bandwidth (target >= 0.80)")
        print(
            f"  web worker resident memory: {rss_before / 1e6:.0f} MB before, peak {max(peaks) / 1e6:.0f} MB "
            f"while {args.rounds * total / 1e9:.1f} GB went through the client"
        )
    finally:
        if stack:
            stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
