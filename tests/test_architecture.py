"""The architecture, checked: the import contracts cover every module, no module of sgoodie imports
itself back through others (function-level imports included), and a photo's status is changed in
one module only. (`lint-imports` itself runs in scripts/test, beside ruff.)"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sgoodie"
FEATURES = {"public", "admin", "media", "api", "plugins"}


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


def test_the_core_layers_place_every_core_module_once():
    layered = [
        name.strip().removeprefix("sgoodie.")
        for layer in _contracts()["core-layers"]["layers"]
        for name in layer.split("|")
    ]
    assert sorted(layered) == sorted(_top_level_modules() - FEATURES)


def test_plugins_may_import_nothing_of_sgoodie_but_the_plugin_api():
    forbidden = {name.removeprefix("sgoodie.") for name in _contracts()["plugins"]["forbidden_modules"]}
    assert forbidden == _top_level_modules() - {"plugins", "plugin_api"}


def test_every_built_in_plugin_is_independent_of_the_others():
    plugins = {path.parent.name for path in (PACKAGE / "plugins").glob("*/__init__.py")}
    plugins |= {path.stem for path in (PACKAGE / "plugins").glob("*.py") if path.stem != "__init__"}
    assert {
        name.removeprefix("sgoodie.plugins.") for name in _contracts()["plugins-independent"]["modules"]
    } == plugins


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of sgoodie by dotted name: (its file, whether it is a package's __init__)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _import_graph() -> dict[str, set[str]]:
    """Module -> the sgoodie modules it imports, anywhere in it (inside functions too)."""
    modules = _modules()

    def known(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, package) in modules.items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                graph[name] |= {known(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = name.split(".") if package else name.split(".")[:-1]
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    graph[name].add(known(f"{target}.{alias.name}") or known(target))
        graph[name] -= {"", name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back_through_others():
    graph = _import_graph()
    assert "sgoodie.content.projects" in graph["sgoodie.photos.edits"]  # the graph sees imports
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle_through_a_function_level_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


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
