"""The Dockerfile and docker-compose.yml agree with the settings the code reads and with each
other: services, ports, environment, dependencies and health checks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import yaml

from sgoodie.config import SETTINGS, load

from .conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
AWS_CREDENTIALS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}  # read by boto3 itself


def _published(service: dict) -> dict[int, int]:
    """container port -> host port."""
    ports = {}
    for mapping in service.get("ports", []):
        host, container = str(mapping).split(":")[-2:]
        ports[int(container)] = int(host)
    return ports


def test_the_stack_has_every_part():
    services = COMPOSE["services"]
    assert set(services) == {"redis", "aws", "init", "web", "worker", "beat"}
    for name in ("web", "worker", "beat", "init"):
        assert services[name]["build"] == "." and services[name]["image"] == "sgoodie:local"
    assert services["init"]["command"] == ["sgoodie", "init"]
    assert services["web"]["command"] == ["gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "celery_worker", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "celery_worker", "beat"]


def test_environment_names_only_settings_the_code_reads_and_parses():
    environment = COMPOSE["services"]["web"]["environment"]
    known = {setting.env for setting in SETTINGS}
    assert set(environment) - AWS_CREDENTIALS <= known, set(environment) - AWS_CREDENTIALS - known
    resolved = {k: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(v)) for k, v in environment.items()}
    config = load(resolved)  # every value is one the app accepts
    assert config["BACKEND"] == "aws" and config["SECRET_KEY"]
    for name in ("worker", "beat", "init"):
        assert COMPOSE["services"][name]["environment"] == environment  # one anchor: they cannot drift


def test_addresses_point_at_the_right_services_and_ports():
    services = COMPOSE["services"]
    environment = services["web"]["environment"]
    redis = urlsplit(environment["REDIS_URL"])
    assert redis.hostname == "redis" and redis.port == 6379
    aws = urlsplit(environment["AWS_ENDPOINT_URL"])
    assert aws.hostname == "aws" and aws.port == int(services["aws"]["environment"]["MOTO_PORT"])
    upload = urlsplit(environment["SGOODIE_UPLOAD_ENDPOINT"])
    assert (
        upload.hostname == "localhost" and _published(services["aws"])[aws.port] == upload.port
    )  # browsers reach the emulator
    bind_port = int(load({})["BIND"].rsplit(":", 1)[1])
    assert _published(services["web"]) == {bind_port: bind_port}
    site = urlsplit(environment["SGOODIE_SITE_URL"])
    assert site.port == _published(services["web"])[bind_port]
    assert environment["SGOODIE_DEV"] == "true"  # plain http on localhost needs non-Secure cookies


def test_dependencies_wait_for_health_and_for_init():
    services = COMPOSE["services"]
    for name, service in services.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no health check to wait for"
            if rule["condition"] == "service_completed_successfully":
                assert services[dependency].get("restart") == "no"
    assert set(services["init"]["depends_on"]) == {"aws", "redis"}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {"init": {"condition": "service_completed_successfully"}}
        assert "healthcheck" in services[name]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_the_image_is_slim_non_root_and_has_avif_and_webp():
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?", DOCKERFILE, re.M)
    assert all(image.startswith("python:3.11-slim") for image, _ in stages)
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert re.search(r"^USER sgoodie$", final, re.M) and "useradd --system --uid 10001" in final
    assert "apt-get" not in final and "gcc" not in final and "build-essential" not in final
    assert "features.check('avif') and features.check('webp')" in final  # the build fails without them
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "sgoodie:create_app()"]' in final
    copied = re.findall(r"^COPY (?!--from)(.+) \./?$", DOCKERFILE, re.M)
    for line in copied:
        for path in line.split():
            assert (ROOT / path).exists(), f"Dockerfile copies a missing {path}"
    bind_port = load({})["BIND"].rsplit(":", 1)[1]
    assert f"EXPOSE {bind_port}" in final and f"SGOODIE_BIND=0.0.0.0:{bind_port}" in final
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", "instance"} <= set(ignored)
