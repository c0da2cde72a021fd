"""Lighthouse on the demo site's home and a project page (issue 28): measured for the notes, never
asserted (no test or CI runs it).

Lighthouse's mobile run (its own phone emulation: 412 x 823 at 1.75x, simulated slow 4G and a 4x
slower CPU) three times per page; the medians of the performance, accessibility, best-practices
and SEO scores and of the bytes transferred (`total-byte-weight`), with LCP, TBT and CLS. Then the
bytes a 390 x 844 phone at 3x transfers loading each page (Debian's Chromium through Playwright,
until the network is idle), the figure the 400 KB budget is about.

    .venv/bin/python bench/lighthouse.py [--url http://127.0.0.1:5000] [--runs 3]

Without --url it serves `./instance` with `sgoodie demo` on a free port (seeding the demo first
when the instance is empty, as scripts/demo does) and stops it at the end. Lighthouse comes from
the npm registry through bench/lighthouse/package-lock.json (`npm ci` into
bench/lighthouse/node_modules, git-ignored, when it is missing or older than the lock); it drives
CHROME_PATH=/usr/bin/chromium and downloads nothing else.
"""

from __future__ import annotations

import sys

# bench/http.py, beside this file, would shadow the standard library's `http` (urllib needs it).
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "bench" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {  # audit id -> (label, unit scale, unit)
    "total-byte-weight": ("bytes", 1 / 1024, "KB"),
    "largest-contentful-paint": ("LCP", 1 / 1000, "s"),
    "total-blocking-time": ("TBT", 1, "ms"),
    "cumulative-layout-shift": ("CLS", 1, ""),
}
PHONE_3X = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def install_lighthouse() -> Path:
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    installed = TOOL / "node_modules" / ".package-lock.json"
    lock = TOOL / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        print("npm ci (Lighthouse, into bench/lighthouse/node_modules)...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True)
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, timeout: float) -> None:
    """Until `url` answers 200; the demo may seed first (minutes), so the server is watched too."""
    deadline = time.monotonic() + timeout
    while not _answers(url):
        if server.poll() is not None:
            raise RuntimeError(f"the demo server stopped (exit {server.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")
        time.sleep(1)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def a_project_page(base: str) -> str:
    """The first featured project linked from home."""
    with urllib.request.urlopen(base + "/", timeout=30) as response:
        html = response.read().decode()
    found = re.search(r'href="(/projects/[^"#?]+)"', html)
    if not found:
        raise RuntimeError("home links to no project")
    return base + found.group(1)


def lighthouse(binary: Path, url: str, folder: Path, run: int) -> dict:
    report = folder / f"{re.sub(r'[^a-z0-9]+', '-', url.lower())}-{run}.json"
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    subprocess.run(
        [
            str(binary),
            url,
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={flags}",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=300,
    )
    result = json.loads(report.read_text())
    figures = {name: result["categories"][name]["score"] for name in CATEGORIES}
    figures.update({audit: result["audits"][audit]["numericValue"] for audit in METRICS})
    return figures


def phone_bytes(url: str) -> int:
    """Bytes a 390 x 844 phone at 3x transfers loading `url` (until the network is idle, then 1 s)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(**PHONE_3X)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.loadingFinished",
            lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]),
        )
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(1000)
        browser.close()
    return sum(sizes.values())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running site (default: serve ./instance with `sgoodie demo`)")
    parser.add_argument(
        "--runs", type=int, default=3, help="Lighthouse runs per page (the median is printed)"
    )
    options = parser.parse_args()
    binary = install_lighthouse()
    server = None
    base = (options.url or "").rstrip("/")
    if not base:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        print(
            f"Serving ./instance with `sgoodie demo` on {base} (seeding it first if it is empty)...",
            flush=True,
        )
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "sgoodie"), "demo", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    try:
        if server:
            wait_for(base + "/", server, timeout=900)
        pages = {"home": base + "/", "project": a_project_page(base)}
        with tempfile.TemporaryDirectory() as folder:
            rows = []
            for name, url in pages.items():
                runs = []
                for run in range(options.runs):
                    runs.append(lighthouse(binary, url, Path(folder), run))
                    print(
                        f"  {name} run {run + 1}: " + ", ".join(f"{k} {v}" for k, v in runs[-1].items()),
                        flush=True,
                    )
                median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                rows.append((name, url, median, phone_bytes(url)))
        print(
            f"\nLighthouse {version(binary)}, mobile (default emulation and throttling), median of {options.runs}:"
        )
        head = [
            "page",
            *CATEGORIES,
            *(f"{label} ({unit})" if unit else label for label, _, unit in METRICS.values()),
        ]
        print("| " + " | ".join([*head, "bytes at 390x844 3x (KB)"]) + " |")
        print("|" + " --- |" * (len(head) + 1))
        for name, url, median, at_3x in rows:
            cells = [f"{median[c]:.2f}" for c in CATEGORIES]
            cells += [_figure(median[audit] * scale) for audit, (_, scale, _) in METRICS.items()]
            print(
                f"| {name} ({url.removeprefix(base)}) | " + " | ".join([*cells, f"{at_3x / 1024:.0f}"]) + " |"
            )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)


def version(binary: Path) -> str:
    return subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def _figure(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.2f}".rstrip("0").rstrip(".") or "0"


if __name__ == "__main__":
    sys.exit(main())
