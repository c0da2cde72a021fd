"""Memory of a gunicorn worker fed oversized and deeply nested request bodies (issue 1).

One anonymous POST of a 24 MB JSON array to /api/media/s3-events once grew a worker from 54 MB to
693 MB. This serves the app the production way (gunicorn.conf.py, one worker so every request
hits the process measured), then sends, over raw sockets so nothing is buffered on this side:

  issue      the original request: a 24 MB JSON array to /api/media/s3-events, three times
  anonymous  to every route that takes a body (POST/PUT/PATCH in the URL map): 60 MB bodies, more
             than any route accepts, in six shapes (JSON array, one form field, many form fields,
             one multipart field, many multipart fields, a multipart file), each with a
             Content-Length and again chunked (no length)
  signed in  the same as an admin with a CSRF header (the upload target with a live upload grant)
  nested     JSON nested 60 KB deep (under the default limit) and 300 KB (under the S3 event
             route's), arrays and objects, to every route
  largest    what the anonymous JSON route (S3 events) accepts at its largest, 318 KB: an array of
             `{}`, an object of many short strings, one long string; ten times each

and prints the worker's resident memory (RSS) before and after each phase, its peak (VmHWM), and
the answers it gave. `--baseline REF` first runs the same against the code of a git revision (a
copy made with `git archive`), so the figures come with the ones from before the change.

    .venv/bin/python bench/request_bodies.py [--baseline d0634fc] [--size-mb 60]
"""

from __future__ import annotations

import sys

# bench/http.py is named like the standard library's `http`; keep this folder off the path.
sys.path[:] = [p for p in sys.path if p not in ("", __file__.rsplit("/", 1)[0])]

import argparse
import collections
import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN, PASSWORD = "bench@example.com", "bench password 123"
CHUNK = 64 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- bodies, made as they are sent ---------------------------------------------------------------
def pattern(head: bytes, unit: bytes, size: int) -> Iterator[bytes]:
    """`head`, then `unit` repeated: `size` bytes in chunks, never all in memory."""
    block = unit * max(1, CHUNK // len(unit))
    yield head
    sent = len(head)
    while sent < size:
        chunk = block[: size - sent]
        sent += len(chunk)
        yield chunk


def multipart(boundary: str, fields: dict[str, str]) -> bytes:
    return b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )


def shapes(size: int, grant: dict[str, str]) -> list[tuple[str, str, Iterator[bytes]]]:
    boundary = "b0undary"
    head = multipart(boundary, grant)
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="f"\r\n\r\n{"x" * 4000}\r\n'.encode()
    file = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n'.encode()
    field = f'--{boundary}\r\nContent-Disposition: form-data; name="message"\r\n\r\n'.encode()
    form, mixed = "application/x-www-form-urlencoded", f"multipart/form-data; boundary={boundary}"
    return [
        ("json array", "application/json", pattern(b"[", b"0,", size)),
        ("form field", form, pattern(b"message=", b"x", size)),
        ("form fields", form, pattern(b"", b"message=xxxxxxxxxxxxxxxxxxxxxxxx&", size)),
        ("multipart field", mixed, pattern(head + field, b"x", size)),
        ("multipart fields", mixed, pattern(head, part, size)),
        ("multipart file", mixed, pattern(head + file, b"\xff", size)),
    ]


# -- one request over a raw socket -----------------------------------------------------------------
def post(
    port: int,
    path: str,
    content_type: str,
    body: Iterator[bytes],
    *,
    size: int | None,
    cookie: str = "",
    csrf: str = "",
) -> int:
    """Send the headers, then the body while the server is not answering yet (a server that
    refuses early is not fed the rest); return the status, 0 when the connection broke first."""
    headers = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: {content_type}",
        "Connection: close",
    ]
    headers.append(f"Content-Length: {size}" if size is not None else "Transfer-Encoding: chunked")
    if cookie:
        headers.append(f"Cookie: {cookie}")
    if csrf:
        headers.append(f"X-CSRFToken: {csrf}")
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    try:
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        for chunk in body:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is there: stop sending
            data = chunk if size is not None else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            try:
                sock.sendall(data)
            except OSError:
                break
        else:
            if size is None:
                with contextlib.suppress(OSError):
                    sock.sendall(b"0\r\n\r\n")
        answer = b""
        try:
            while b"\r\n" not in answer:
                data = sock.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
        match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
        return int(match.group(1)) if match else 0
    finally:
        sock.close()


# -- the server ------------------------------------------------------------------------------------
class Server:
    """gunicorn with gunicorn.conf.py and one worker, on a fresh instance, with an admin and a project."""

    def __init__(self, source: Path, workdir: Path):
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SGOODIE_", "AWS_", "REDIS_"))}
        self.env.update(
            SECRET_KEY="bench-secret",
            PYTHONPATH=str(source),
            PYTHONDONTWRITEBYTECODE="1",
            SGOODIE_INSTANCE_PATH=str(workdir / "instance"),
            SGOODIE_DEV="true",  # plain http on loopback: session cookies without Secure
        )
        run = {"env": self.env, "cwd": workdir, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([PYTHON, "-m", "sgoodie", "init"], **run)
        subprocess.run(
            [PYTHON, "-m", "sgoodie", "create-admin", ADMIN, "--password-stdin"],
            input=PASSWORD.encode(),
            **run,
        )
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                str(source / "gunicorn.conf.py"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--access-logfile",
                "/dev/null",
                "sgoodie:create_app()",
            ],
            cwd=workdir,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    break
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def worker(self) -> psutil.Process:
        [worker] = psutil.Process(self.process.pid).children()
        return worker

    def memory(self) -> tuple[float, float]:
        """(RSS, peak RSS) of the worker, in MB."""
        worker = self.worker()
        status = Path(f"/proc/{worker.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        return worker.memory_info().rss / 1048576, peak

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def routes(source: Path, env: dict[str, str]) -> list[str]:
    """The URL of every route taking a body, from the app's own URL map (in a child process, so
    the code measured is the code listed)."""
    script = (
        "from sgoodie import create_app\n"
        "app = create_app()\n"
        "adapter = app.url_map.bind('localhost')\n"
        "for rule in app.url_map.iter_rules():\n"
        "    if rule.methods & {'POST', 'PUT', 'PATCH'}:\n"
        "        values = {n: 'about' if n == 'page_id' else 'nothing-has-this-id' for n in rule.arguments}\n"
        "        print(adapter.build(rule.endpoint, values, method='POST'))\n"
    )
    output = subprocess.run(
        [PYTHON, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    found = sorted(set(output.split()))
    return sorted(found, key=lambda url: url.endswith("/logout"))  # signing out last


def sign_in(server: Server) -> tuple[requests.Session, str, str]:
    session = requests.Session()
    login = session.get(server.url + "/admin/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    session.post(
        server.url + "/admin/login", data={"csrf_token": token, "email": ADMIN, "password": PASSWORD}
    )
    page = session.get(server.url + "/admin/projects/new").text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    session.post(
        server.url + "/admin/projects/new",
        data={"csrf_token": csrf, "title": "Bench", "slug": "", "category": "interiors", "description": ""},
    )
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return session, csrf, cookie


def project_id(server: Server, session: requests.Session) -> str:
    listing = session.get(server.url + "/admin/projects/?category=interiors").text
    return re.search(r"/admin/projects/([0-9a-f-]{36})", listing).group(1)


# -- the run ---------------------------------------------------------------------------------------
def measure(source: Path, label: str, size: int) -> list[tuple[str, int, tuple, tuple, collections.Counter]]:
    phases = []
    with tempfile.TemporaryDirectory(prefix="sgoodie-bench-bodies-") as tmp:
        server = Server(source, Path(tmp))
        try:
            urls = routes(source, server.env)
            session, csrf, cookie = sign_in(server)
            project = project_id(server, session)
            for _ in range(20):  # warm up: imports, templates, the store
                for path in ("/", "/contact", "/admin/login"):
                    session.get(server.url + path)
                requests.post(server.url + "/api/media/s3-events", data="{}")

            def phase(name: str, requests_: list) -> None:
                before = server.memory()
                statuses: collections.Counter = collections.Counter()
                for send in requests_:
                    statuses[send()] += 1
                time.sleep(0.5)
                phases.append((name, sum(statuses.values()), before, server.memory(), statuses))
                print(f"  [{label}] {name}: done", file=sys.stderr)

            def grant() -> dict[str, str]:
                response = session.post(
                    server.url + "/api/media/uploads",
                    headers={"X-CSRFToken": csrf},
                    json={
                        "project_id": project,
                        "filename": "a.jpg",
                        "content_type": "image/jpeg",
                        "size": 1000,
                    },
                )
                return response.json()["upload"]["fields"] if response.status_code == 201 else {}

            issue = 24 * 1024 * 1024
            phase(
                "issue: 24 MB JSON array to /api/media/s3-events",
                [
                    lambda: post(
                        server.port,
                        "/api/media/s3-events",
                        "application/json",
                        pattern(b"[", b"0,", issue),
                        size=issue,
                    )
                    for _ in range(3)
                ],
            )
            anonymous = []
            for url in urls:
                for declared in (True, False):
                    for _name, kind, body in shapes(size, {}):
                        anonymous.append(
                            lambda url=url, kind=kind, body=body, declared=declared: post(
                                server.port, url, kind, body, size=size if declared else None
                            )
                        )
            phase(f"anonymous: {size >> 20} MB bodies to {len(urls)} routes", anonymous)

            # As the admin: the upload target gets bodies that start with a live grant.
            signed = []
            for url in urls:
                for declared in (True, False):
                    for index in range(6):

                        def send(url=url, declared=declared, index=index):
                            fields = grant() if url == "/api/media/upload" else {}
                            _name, kind, body = shapes(size, fields)[index]
                            return post(
                                server.port,
                                url,
                                kind,
                                body,
                                size=size if declared else None,
                                cookie=cookie,
                                csrf=csrf,
                            )

                        signed.append(send)
            phase(f"signed in: {size >> 20} MB bodies to {len(urls)} routes", signed)

            nested = []
            for url in urls:
                for unit in (b"[", b'{"a":'):
                    for depth in (60_000, 300_000):  # under the default limit, and under the SNS one
                        depth -= depth % len(unit)
                        nested.append(
                            lambda url=url, unit=unit, depth=depth: post(
                                server.port,
                                url,
                                "application/json",
                                pattern(b"", unit, depth),
                                size=depth,
                                cookie=cookie,
                                csrf=csrf,
                            )
                        )
            phase(f"nested: JSON 60 KB and 300 KB deep to {len(urls)} routes", nested)

            # The anonymous route that parses JSON, fed the most it accepts, ten times each.
            size_ = 318 * 1024
            largest = [
                b"[" + b"{}," * (size_ // 3) + b"{}]",
                b"{" + b",".join(b'"k%d":""' % i for i in range(size_ // 12)) + b"}",
                b'{"Message":"' + b"x" * size_ + b'"}',
            ]
            phase(
                'largest: 318 KB of [{},…], of {"k1":"",…}, one string, to /api/media/s3-events x10',
                [
                    lambda body=body: post(
                        server.port, "/api/media/s3-events", "text/plain", iter([body]), size=len(body)
                    )
                    for body in largest
                    for _ in range(10)
                ],
            )
        finally:
            server.stop()
    return phases


def report(label: str, phases) -> None:
    print(f"\n== {label} ==")
    print(
        f"{'phase':58}{'requests':>9}{'RSS before':>12}{'RSS after':>11}{'peak before':>13}{'peak after':>12}  answers"
    )
    for name, count, before, after, statuses in phases:
        answers = ", ".join(f"{status or 'reset'}×{n}" for status, n in sorted(statuses.items()))
        print(
            f"{name:58}{count:>9}{before[0]:>10.1f}MB{after[0]:>9.1f}MB{before[1]:>11.1f}MB{after[1]:>10.1f}MB  {answers}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--baseline", metavar="REF", help="also measure this git revision first (e.g. d0634fc)"
    )
    parser.add_argument("--size-mb", type=int, default=60, help="size of the large bodies (default 60)")
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024

    if args.baseline:
        with tempfile.TemporaryDirectory(prefix="sgoodie-baseline-") as tree:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.baseline], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
            report(
                f"baseline {args.baseline}: one gunicorn worker (gunicorn.conf.py)",
                measure(Path(tree), "baseline", size),
            )
    report("this checkout: one gunicorn worker (gunicorn.conf.py)", measure(ROOT, "now", size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
