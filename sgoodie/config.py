"""Configuration from environment variables.

`SETTINGS` is the one list of every variable sgoodie reads: the app factory loads it, the README's
configuration table is checked against it, and the compose/terraform tests compare their
environment blocks with it. Add a variable here and nowhere else.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("sgoodie.config")
BACKENDS = ("local", "aws")
# Each mail-sending plugin had its own pair (transport, sender) before the site had one mail
# setting. Still read, with a deprecation line, when SGOODIE_MAIL is unset; the first set wins.
LEGACY_MAIL = (
    ("SGOODIE_CONTACT_NOTIFY", "SGOODIE_CONTACT_FROM"),
    ("SGOODIE_PROOFING_NOTIFY", "SGOODIE_PROOFING_FROM"),
)

JOB_RUNNERS = ("thread", "sqlite", "celery")

# The work categories of a site that has never saved its own list (a new site, or one from before
# categories were content): URL slug -> display name, in navigation order. Once the photographer
# changes a category, the stored list (`content.categories`) is all that counts.
DEFAULT_CATEGORIES: dict[str, str] = {
    "interiors": "Interiors",
    "travel": "Travel",
    "brand-marketing": "Brand & Marketing",
}


def _bool(value: str) -> bool:
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {value!r}")


def _megabytes(value: str) -> int:
    megabytes = float(value)
    if megabytes <= 0:
        raise ValueError("must be positive")
    return int(megabytes * 1024 * 1024)


def _backend(value: str) -> str:
    if value not in BACKENDS:
        raise ValueError(f"must be one of {', '.join(BACKENDS)}")
    return value


def _job_runner(value: str) -> str:
    if value not in JOB_RUNNERS:
        raise ValueError(f"must be one of {', '.join(JOB_RUNNERS)}")
    return value


def _url(value: str) -> str:
    value = value.strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value


def _origin(value: str) -> str:
    """scheme://host[:port] and nothing else: every absolute link is this plus a path."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an origin such as https://sgoodie.com")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("must be an origin only (scheme and host, no path): e.g. https://sgoodie.com")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _hosts(value: str) -> tuple[str, ...]:
    hosts = tuple(host.strip().lower() for host in value.split(",") if host.strip())
    for host in hosts:
        if "/" in host or " " in host:
            raise ValueError(f"{host!r} is not a host name (give names like www.sgoodie.com, no scheme)")
    return hosts


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be 1 or more")
    return number


def _proxy_entries(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def proxy_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
    """SGOODIE_TRUSTED_PROXIES as networks (addresses and CIDR ranges); None for `*` (everyone:
    only inside a private network whose one way in is the front door)."""
    entries = _proxy_entries(value)
    if "*" in entries:
        return None
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _proxies(value: str) -> str:
    """Checked as networks, kept as the comma list gunicorn reads too."""
    proxy_networks(value)
    return ",".join(_proxy_entries(value))


def _sns_topic_arn(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}", value):
        raise ValueError("must be an SNS topic ARN: arn:aws:sns:<region>:<account id>:<topic name>")
    return value


def _log_format(value: str) -> str:
    if value not in ("json", "text"):
        raise ValueError("must be json or text")
    return value


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: Any
    doc: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SGOODIE_BACKEND",
        "BACKEND",
        "local",
        "`local` (SQLite + disk + in-process jobs) or `aws` (DynamoDB + S3 + Redis/Celery).",
        _backend,
    ),
    Setting(
        "SECRET_KEY",
        "SECRET_KEY",
        None,
        "Signs sessions, CSRF tokens and upload URLs. Generated and kept in the instance folder when unset (local backend only; required for `aws`).",
    ),
    Setting(
        "SGOODIE_INSTANCE_PATH",
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite database, local photos and the generated secret key. Default: `./instance`.",
    ),
    Setting(
        "SGOODIE_STAGE",
        "STAGE",
        "dev",
        "Deployment stage; table and bucket names default to `sgoodie-<name>-<stage>`.",
    ),
    Setting(
        "SGOODIE_SITE_URL",
        "SITE_URL",
        "",
        "Public origin of the site (e.g. `https://sgoodie.com`): every absolute link (canonical, Open Graph, sitemap, JSON-LD, robots.txt, e-mails) and the page cache's key use it. **Production must set it**: without it the request's Host header, which the client chooses, is used (fine for local development).",
        _origin,
    ),
    Setting(
        "SGOODIE_ALLOWED_HOSTS",
        "ALLOWED_HOSTS",
        (),
        "Host names the site answers on (comma list, e.g. `sgoodie.com,www.sgoodie.com`; `SGOODIE_SITE_URL`'s host is always allowed). When set, other hosts get 400, except `/healthz` and `/readyz` (the load balancer calls them by address). Default: any host.",
        _hosts,
    ),
    Setting(
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL",
        "",
        "boto3's endpoint override: point the AWS backend at LocalStack or a moto server.",
        _url,
    ),
    Setting("AWS_REGION", "AWS_REGION", "us-east-1", "AWS region of the tables, bucket and queues."),
    Setting(
        "SGOODIE_UPLOAD_ENDPOINT",
        "UPLOAD_ENDPOINT",
        "",
        "Where browsers send uploads when that is not `AWS_ENDPOINT_URL` (docker compose: `http://localhost:5000`, the emulator as the host sees it).",
        _url,
    ),
    Setting("SGOODIE_BUCKET", "BUCKET", "", "S3 bucket for photos. Default: `sgoodie-photos-<stage>`."),
    Setting(
        "REDIS_URL",
        "REDIS_URL",
        "",
        "Redis for the page cache, Celery broker/results and sign-in throttling (e.g. `redis://localhost:6379/0`).",
    ),
    Setting(
        "MEDIA_BASE_URL",
        "MEDIA_BASE_URL",
        "",
        "Public origin serving photo variants (the CloudFront domain). Default: the app serves them itself.",
        _url,
    ),
    Setting(
        "CLOUDFRONT_DISTRIBUTION_ID",
        "CLOUDFRONT_DISTRIBUTION_ID",
        "",
        "When set, cache purges also invalidate the affected paths on this distribution.",
    ),
    Setting(
        "SGOODIE_SNS_TOPIC_ARN",
        "SNS_TOPIC_ARN",
        "",
        "The SNS topic announcing new photo originals (Terraform sets it): `/api/media/s3-events` accepts signed messages from this topic only. Unset: it accepts none.",
        _sns_topic_arn,
    ),
    Setting(
        "SGOODIE_MAIL",
        "MAIL",
        "",
        "Where the site's e-mails go out (the contact plugin's inquiry notifications, the proofing plugin's selections and reminders, any plugin's `send_mail`): empty (no e-mail), `ses`, or an SMTP URL (`smtp://host:port`, `smtp+starttls://user:pass@host:587`, `smtps://…`). Replaces `SGOODIE_CONTACT_NOTIFY` and `SGOODIE_PROOFING_NOTIFY`, still read when this is unset (with a deprecation line in the log).",
    ),
    Setting(
        "SGOODIE_MAIL_FROM",
        "MAIL_FROM",
        "",
        "Sender address of the site's e-mails (required with `SGOODIE_MAIL`; for `ses`, a verified identity). Replaces `SGOODIE_CONTACT_FROM` and `SGOODIE_PROOFING_FROM`.",
    ),
    Setting(
        "SGOODIE_PLUGINS",
        "PLUGINS",
        "",
        "Which plugins run: empty for all discovered, or a comma list; `-name` disables one (e.g. `-contact`).",
    ),
    Setting(
        "SGOODIE_MAX_UPLOAD_MB",
        "MAX_UPLOAD_BYTES",
        50 * 1024 * 1024,
        "Largest photo an admin may upload, in megabytes.",
        _megabytes,
    ),
    Setting(
        "SGOODIE_CACHE",
        "PAGE_CACHE",
        True,
        "Cache rendered public pages (`false` to render every request).",
        _bool,
    ),
    Setting(
        "SGOODIE_CACHE_MAX_MB",
        "CACHE_MAX_BYTES",
        100 * 1024 * 1024,
        "Local page cache (no `REDIS_URL`): the most its stored pages may take, in megabytes; the oldest pages go first. (Redis is bounded by its own `maxmemory`; keep the `volatile-lru` policy, ElastiCache's default, so the purge counters are never evicted.)",
        _megabytes,
    ),
    Setting(
        "SGOODIE_API_RATE",
        "API_RATE",
        1200,
        "Requests per minute each access token may make to `/api/v1/` (a batch counts as its items; a sync of 400 photos counts about 1,200); past it the API answers 429 with `Retry-After`.",
        _positive,
    ),
    Setting(
        "SGOODIE_TRASH_DAYS",
        "TRASH_DAYS",
        30,
        "How many days deleted projects and photos stay in the trash (restorable) before the sweeper deletes them and their files.",
        _positive,
    ),
    Setting(
        "SGOODIE_REVISIONS_KEEP",
        "REVISIONS_KEEP",
        25,
        "How many revisions to keep per project, page and the site settings (the oldest go first).",
        _positive,
    ),
    Setting(
        "SGOODIE_SCHEDULE_TICK",
        "SCHEDULE_TICK",
        20,
        "Seconds between checks for scheduled publishing (the in-process runner, or Celery beat on AWS); a scheduled change goes live at most this long after its time.",
        _positive,
    ),
    Setting(
        "SGOODIE_BACKGROUND",
        "BACKGROUND_RUNNER",
        True,
        "Embedded default: start the in-process runner (image jobs, scheduled publishing, trash and lost-job sweeps) with the app. Tests turn it off unless they need it.",
        _bool,
    ),
    Setting(
        "SGOODIE_JOBS",
        "JOBS",
        "",
        "Who runs background jobs: `thread` (a worker thread in each app process; the zero-setup default of the local backend), `sqlite` (a durable queue in the instance folder, run by one separate `sgoodie jobs` process: the single server's choice) or `celery` (Redis; the default on `aws` with `REDIS_URL`).",
        _job_runner,
    ),
    Setting(
        "SGOODIE_PROXY_HOPS",
        "PROXY_HOPS",
        0,
        "How many proxies in front append to X-Forwarded-For (or, without it, to RFC 7239 `Forwarded`): CloudFront + load balancer `2`, CloudFront + API Gateway (solo) `2`, a load balancer alone `1`. They count only on requests whose direct peer is in `SGOODIE_TRUSTED_PROXIES`.",
        _count,
    ),
    Setting(
        "SGOODIE_LOG_FORMAT",
        "LOG_FORMAT",
        "",
        "`json` (one object per line, with the request id) or `text`. Default: `json` on the aws backend, `text` locally.",
        _log_format,
    ),
    Setting(
        "SENTRY_DSN", "SENTRY_DSN", "", "Report errors to Sentry (needs `pip install 'sgoodie[sentry]'`)."
    ),
    Setting("SGOODIE_BIND", "BIND", "0.0.0.0:8000", "gunicorn: address to listen on."),
    Setting(
        "WEB_CONCURRENCY", "WEB_CONCURRENCY", 0, "gunicorn: worker processes. Default: 2 × CPUs + 1.", _count
    ),
    Setting("SGOODIE_THREADS", "THREADS", 1, "gunicorn: threads per worker process.", _count),
    Setting(
        "SGOODIE_TRUSTED_PROXIES",
        "TRUSTED_PROXIES",
        "127.0.0.1",
        "Addresses or CIDR ranges of the proxy that connects to the app (comma list; `*` inside a private network whose only way in is the load balancer). gunicorn and the app both read it: only a request from one of them has its forwarded headers believed.",
        _proxies,
    ),
    Setting("SGOODIE_ACCESS_LOG", "ACCESS_LOG", "-", "gunicorn: access log file (`-` for stdout)."),
    Setting("SGOODIE_LOG_LEVEL", "LOG_LEVEL", "info", "gunicorn: log level."),
    Setting(
        "SGOODIE_DEV",
        "DEV_MODE",
        False,
        "Local development: session cookies without the Secure flag (plain http://localhost).",
        _bool,
    ),
)


class ConfigError(ValueError):
    """A setting has a value sgoodie cannot use; the message names the variable."""


def load(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from `environ` (default: the process environment) into config keys."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None or raw == "":
            config[setting.key] = setting.default
            continue
        try:
            config[setting.key] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env}={raw!r}: {exc}") from None
    _read_legacy_mail(environ, config)
    return config


def _read_legacy_mail(environ: Mapping[str, str], config: dict[str, Any]) -> None:
    """Fill the mail setting from a plugin's old pair of variables, saying each is deprecated."""
    used = "SGOODIE_MAIL" if config["MAIL"] else ""
    for notify, sender in LEGACY_MAIL:
        if not environ.get(notify):
            continue
        if used:
            log.warning("%s and %s are deprecated and ignored: %s is used", notify, sender, used)
            continue
        log.warning(
            "%s and %s are deprecated: set SGOODIE_MAIL and SGOODIE_MAIL_FROM instead, the one mail "
            "setting every plugin sends with (read from them for now)",
            notify,
            sender,
        )
        config["MAIL"], config["MAIL_FROM"] = environ[notify], config["MAIL_FROM"] or environ.get(sender, "")
        used = notify


def finalize(config: dict[str, Any]) -> None:
    """Fill in the defaults that depend on other settings, and check the combination."""
    instance = Path(config.get("INSTANCE_PATH") or Path.cwd() / "instance").resolve()
    config["INSTANCE_PATH"] = str(instance)
    stage = config["STAGE"]
    config.setdefault("TABLE_PREFIX", "sgoodie")
    config["BUCKET"] = config.get("BUCKET") or f"sgoodie-photos-{stage}"

    if config["BACKEND"] == "aws" and "UPLOAD_ORIGINS" not in config:
        # Browsers post uploads straight to the bucket; the page's CSP must let them connect there.
        region, bucket = config["AWS_REGION"], config["BUCKET"]
        endpoint = config.get("UPLOAD_ENDPOINT") or config.get("AWS_ENDPOINT_URL")
        config["UPLOAD_ORIGINS"] = (
            endpoint or f"https://{bucket}.s3.{region}.amazonaws.com",
            f"https://{bucket}.s3.amazonaws.com",
        )

    if not config.get("JOBS"):
        config["JOBS"] = "celery" if config["BACKEND"] == "aws" and config.get("REDIS_URL") else "thread"
    if config["JOBS"] == "celery" and not config.get("REDIS_URL"):
        raise ConfigError("SGOODIE_JOBS=celery needs REDIS_URL (the Celery broker).")

    if not config.get("SECRET_KEY"):
        if config["BACKEND"] != "local":
            raise ConfigError("SECRET_KEY must be set for the aws backend (keep it in Secrets Manager).")
        config["SECRET_KEY"] = _instance_secret(instance)


def table_name(config: Mapping[str, Any], name: str) -> str:
    """`sgoodie-<name>-<stage>`: every table and the bucket are named this way."""
    return f"{config['TABLE_PREFIX']}-{name}-{config['STAGE']}"


def _instance_secret(instance: Path) -> str:
    """A random key generated once and kept beside the database, so sessions survive restarts."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    # Write aside, then link into place: link fails if another worker process won the race,
    # and nobody ever reads a half-written key.
    draft = instance / f".secret_key.{os.getpid()}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()
