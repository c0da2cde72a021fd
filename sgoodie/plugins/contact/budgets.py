"""The budget options of the inquiry form, labelled in the site's currency (a site setting)."""

from __future__ import annotations

from ...plugin_api import current_settings

#: Option value → (from, to) in the site's currency; None is open-ended. "unsure" has no range.
RANGES: dict[str, tuple[int | None, int | None] | None] = {
    "under-1k": (None, 1000),
    "1k-3k": (1000, 3000),
    "3k-7k": (3000, 7500),
    "over-7k": (7500, None),
    "unsure": None,
}


def labels() -> dict[str, str]:
    """Each option's label: "Under $1,000", "$1,000 – $3,000", "Over $7,500", "Not sure yet"."""
    money = current_settings().money
    result = {}
    for key, span in RANGES.items():
        if span is None:
            result[key] = "Not sure yet"
        elif span[0] is None:
            result[key] = f"Under {money(span[1])}"
        elif span[1] is None:
            result[key] = f"Over {money(span[0])}"
        else:
            result[key] = f"{money(span[0])} – {money(span[1])}"
    return result
