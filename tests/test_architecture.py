"""The architecture, checked: the import contracts cover every module, and a photo's status is
changed in one module only. (`lint-imports` itself runs in scripts/test, beside ruff.)"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sgoodie"
FEATURES = {"public", "admin", "media", "plugins"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _top_level_modules() -> set[str]:
    names = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    names |= {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    return names


def test_the_core_contract_names_every_module_outside_the_features():
    core = {name.removeprefix("sgoodie.") for name in _contracts()["core"]["source_modules"]}
    assert core == _top_level_modules() - FEATURES


def test_plugins_may_import_nothing_of_sgoodie_but_the_plugin_api():
    forbidden = {name.removeprefix("sgoodie.") for name in _contracts()["plugins"]["forbidden_modules"]}
    assert forbidden == _top_level_modules() - {"plugins", "plugin_api"}


def test_every_built_in_plugin_is_independent_of_the_others():
    plugins = {path.parent.name for path in (PACKAGE / "plugins").glob("*/__init__.py")}
    plugins |= {path.stem for path in (PACKAGE / "plugins").glob("*.py") if path.stem != "__init__"}
    assert {
        name.removeprefix("sgoodie.plugins.") for name in _contracts()["plugins-independent"]["modules"]
    } == plugins


def _status_writes(path: Path) -> list[int]:
    """Lines that assign another object's `.status` or call `setattr(..., "status", ...)` (an
    exception setting its own HTTP `self.status` is no photo)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AugAssign, ast.AnnAssign))
            else []
        )
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and part.attr == "status"
                    and getattr(part.value, "id", "") != "self"
                ):
                    lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            lines.append(node.lineno)
    return lines


def test_a_photos_status_is_changed_in_exactly_one_module():
    writers = {
        str(path.relative_to(ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := _status_writes(path))
    }
    assert set(writers) == {"sgoodie/photos/lifecycle.py"}, writers
