"""Terraform, Dockerfile and compose files, parsed (there is no terraform binary here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = ROOT / "terraform"


def unquote(value: Any) -> Any:
    """python-hcl2 keeps string literals quoted ("\\"S\\""); expressions stay as ${...}."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if not k.startswith("__")}
    return value


class Terraform:
    def __init__(self, root: Path):
        self.files = {path: hcl2.load(path.open()) for path in sorted(root.rglob("*.tf"))}

    def blocks(self, kind: str, directory: Path | None = None) -> Iterator[tuple[Path, dict]]:
        for path, parsed in self.files.items():
            if directory is None or path.parent == directory:
                for block in parsed.get(kind, []):
                    yield path, unquote(block)

    def resources(self, type_: str) -> dict[str, dict]:
        """{module_dir/name: body} of every resource of this type."""
        return self._named("resource", type_)

    def data(self, type_: str) -> dict[str, dict]:
        """{module_dir/name: body} of every data source of this type."""
        return self._named("data", type_)

    def _named(self, kind: str, type_: str) -> dict[str, dict]:
        found = {}
        for path, block in self.blocks(kind):
            for block_type, named in block.items():
                if block_type == type_:
                    for name, body in named.items():
                        found[f"{path.parent.name}/{name}"] = body
        return found


@pytest.fixture(scope="session")
def terraform() -> Terraform:
    return Terraform(TERRAFORM)
