"""The README's configuration table: the core settings and those the built-in plugins declare
(tests/test_readme.py keeps the README equal to it; scripts/readme-config rewrites it).

Not in `config`: the whole core imports that module, and the table needs the plugins loaded.
"""

from __future__ import annotations

from .config import SETTINGS
from .plugin_loader import builtin_plugin_settings


def markdown_table() -> str:
    """The core settings, then those the built-in plugins declare."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for setting in SETTINGS + builtin_plugin_settings():
        default = setting.default
        if isinstance(default, bool):
            shown = "`true`" if default else "`false`"
        elif setting.key in ("MAX_UPLOAD_BYTES", "CACHE_MAX_BYTES"):
            shown = f"`{default // (1024 * 1024)}`"
        elif default in (None, "", ()):
            shown = "—"
        else:
            shown = f"`{default}`"
        rows.append(f"| `{setting.env}` | {shown} | {setting.doc} |")
    return "\n".join(rows)
