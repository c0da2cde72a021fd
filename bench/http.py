"""HTTP throughput of the page cache (issues 5 and 18): gunicorn with the production config.

For each backend (the embedded default, and the AWS backend with Redis against a moto server) it
serves a demo site and measures, from a second process on loopback with a fixed number of
connections for a fixed time:
  cached    a category page served from the page cache
  uncached  the same page with SGOODIE_CACHE=false (every request renders)
  bare      a bare Flask route returning a constant body of the same size, same server settings
and prints requests/s, p50/p99 latency and errors, with the ratios the targets are about:
cached ≥ 0.95× bare, cached ≥ 10× uncached, p99 < 20 ms at 32 connections, zero errors.

With --pin (what the cached/bare target is measured with): one gunicorn worker pinned with taskset
to CPU 0 and the load generator to CPU 1, the cached and bare servers up side by side and loaded
in turn for --rounds interleaved rounds; the figures are the medians, and each round's ratio is
printed so the noise of a shared machine shows.

    .venv/bin/python bench/http.py [--seconds 10] [--connections 32] [--backend local|aws|both]
                                   [--pin] [--rounds 5]

Uses `wrk` when installed (`apt-get install wrk`; the figures in the docs were taken with it), else a
small threaded Python client.
"""

from __future__ import annotations

import sys

# This file is named like the standard library's `http` package; keep its folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE = "/work/interiors"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


BARE_APP = """
import os
from flask import Flask
app = Flask(__name__)
BODY = open(os.environ["BENCH_BODY_FILE"], "rb").read()
@app.get("/bare")
def bare():
    return BODY, 200, {"Content-Type": "text/html; charset=utf-8"}
"""


SERVER_CPU, LOAD_CPU = "0", "1"
PINNED = {"on": False}  # set from --pin


def gunicorn(app_spec: str, env: dict[str, str], port: int, workdir: Path) -> subprocess.Popen:
    """The production gunicorn config (gunicorn.conf.py) on loopback: 2 workers, or with --pin
    one worker on CPU 0."""
    command = [
        *(["taskset", "-c", SERVER_CPU] if PINNED["on"] else []),
        PYTHON,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "1" if PINNED["on"] else "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        app_spec,
    ]
    return subprocess.Popen(
        command,
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def load(url: str, seconds: int, connections: int) -> dict:
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections)
    return _python_load(url, seconds, connections)


LUA = """
done = function(summary, latency, requests)
  io.write(string.format("JSON{\\"requests\\":%d,\\"seconds\\":%f,\\"p50\\":%f,\\"p99\\":%f,\\"errors\\":%d,\\"non2xx\\":%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


def _wrk(url: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    threads = 1  # one load thread: the machine under test has only a couple of cores to share
    output = subprocess.run(
        [
            *(["taskset", "-c", LOAD_CPU] if PINNED["on"] else []),
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    data = json.loads(re.search(r"JSON(\{.*\})", output).group(1))
    data["rps"] = data["requests"] / data["seconds"]
    data["errors"] += data.pop("non2xx")
    return data


def _python_load(url: str, seconds: int, connections: int) -> dict:
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port)
        mine = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", parts.path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except Exception:
                errors[0] += 1
                conn = http.client.HTTPConnection(parts.hostname, parts.port)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "errors": errors[0],
    }


def prepare_site(env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "-m", "sgoodie", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PYTHON, "-m", "sgoodie", "seed-demo"], env=env, check=True, stdout=subprocess.DEVNULL)


def run_backend(name: str, env: dict[str, str], args, workdir: Path) -> dict:
    port = free_port()
    uncached = gunicorn("sgoodie:create_app()", dict(env, SGOODIE_CACHE="false"), port, workdir)
    try:
        url = f"http://127.0.0.1:{port}{PAGE}"
        wait_for(url)
        for _ in range(20):  # warm: import everything
            urllib.request.urlopen(url).read()
        results = {"uncached": load(url, args.seconds, args.connections)}
    finally:
        stop(uncached)

    # The cached site and a bare Flask app serving the same bytes, up side by side, loaded in turn.
    cached_port, bare_port = free_port(), free_port()
    cached = gunicorn("sgoodie:create_app()", dict(env, SGOODIE_CACHE="true"), cached_port, workdir)
    bare = None
    try:
        cached_url = f"http://127.0.0.1:{cached_port}{PAGE}"
        wait_for(cached_url)
        for _ in range(20):  # warm: fill the cache in every worker, import everything
            urllib.request.urlopen(cached_url).read()
        (workdir / "body.html").write_bytes(urllib.request.urlopen(cached_url).read())
        (workdir / "bare_app.py").write_text(BARE_APP)
        bare = gunicorn(
            "bare_app:app",
            dict(env, BENCH_BODY_FILE=str(workdir / "body.html"), PYTHONPATH=str(workdir)),
            bare_port,
            workdir,
        )
        bare_url = f"http://127.0.0.1:{bare_port}/bare"
        wait_for(bare_url)
        rounds: dict[str, list[dict]] = {"cached": [], "bare": []}
        for number in range(args.rounds):
            order = (("cached", cached_url), ("bare", bare_url))
            for label, url in order if number % 2 == 0 else order[::-1]:
                rounds[label].append(load(url, args.seconds, args.connections))
        for label, runs in rounds.items():
            results[label] = dict(sorted(runs, key=lambda r: r["rps"])[len(runs) // 2])
        results["ratios"] = [
            c["rps"] / b["rps"] for c, b in zip(rounds["cached"], rounds["bare"], strict=True)
        ]
    finally:
        stop(cached)
        if bare is not None:
            stop(bare)
    return results


def report(name: str, results: dict, connections: int) -> None:
    workers = "1 worker pinned to CPU 0, load on CPU 1" if PINNED["on"] else "2 workers"
    print(f"\n== {name} backend, {connections} connections, page {PAGE}, {workers} ==")
    print(f"{'':10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for label in ("cached", "uncached", "bare"):
        r = results[label]
        print(f"{label:10}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{r['errors']:>8}")
    cached, bare, uncached = results["cached"], results["bare"], results["uncached"]
    print(f"cached / bare     = {cached['rps'] / bare['rps']:.2f}  (medians; target ≥ 0.95)")
    print("   per round      = " + ", ".join(f"{r:.2f}" for r in results["ratios"]))
    print(f"cached / uncached = {cached['rps'] / uncached['rps']:.1f}  (target ≥ 10)")
    print(f"cached p99        = {cached['p99']:.2f} ms  (target < 20 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--backend", choices=("local", "aws", "both"), default="both")
    parser.add_argument("--pin", action="store_true", help="one worker on CPU 0, the load on CPU 1")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved cached/bare rounds")
    args = parser.parse_args()
    PINNED["on"] = args.pin

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SGOODIE_", "AWS_", "REDIS_"))}
    base_env.update(SECRET_KEY="bench-secret", PYTHONPATH=str(ROOT))

    if args.backend in ("local", "both"):
        with tempfile.TemporaryDirectory(prefix="sgoodie-bench-") as tmp:
            env = dict(base_env, SGOODIE_INSTANCE_PATH=str(Path(tmp) / "instance"))
            prepare_site(env)
            report(
                "local (SQLite + disk, SQLite page cache)",
                run_backend("local", env, args, Path(tmp)),
                args.connections,
            )

    if args.backend in ("aws", "both"):
        with tempfile.TemporaryDirectory(prefix="sgoodie-bench-aws-") as tmp:
            redis_port, moto_port = free_port(), free_port()
            redis = subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                stdout=subprocess.DEVNULL,
            )
            moto = subprocess.Popen(
                [PYTHON, "-m", "moto.server", "-p", str(moto_port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(f"http://127.0.0.1:{moto_port}/moto-api/")
                env = dict(
                    base_env,
                    SGOODIE_BACKEND="aws",
                    AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port}",
                    AWS_ACCESS_KEY_ID="bench",
                    AWS_SECRET_ACCESS_KEY="bench",
                    AWS_REGION="us-east-1",
                    REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                    SGOODIE_INSTANCE_PATH=str(Path(tmp) / "instance"),
                )
                prepare_site(env)
                report(
                    "aws (DynamoDB + S3 on moto, Redis page cache)",
                    run_backend("aws", env, args, Path(tmp)),
                    args.connections,
                )
            finally:
                redis.terminate()
                moto.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
