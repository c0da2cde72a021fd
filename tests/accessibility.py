"""axe-core (vendored under tests/vendor/axe-core, nothing downloads at test time) run in a
Playwright page, and the page's Content Security Policy violations as they happen."""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

# Recorded from the first script on: `window.__cspViolations` lists what the policy refused.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def watch_csp(context) -> None:
    """Record every Content Security Policy violation of the context's pages."""
    context.add_init_script(WATCH_CSP)


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def axe_violations(page, selector: str) -> list[str]:
    """What axe-core finds wrong in the element at `selector` (every rule but the experimental
    ones), as "rule: help (targets)" lines. Evaluated by the DevTools protocol, which the page's
    CSP does not govern, so the page keeps its real policy."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(
        """async (selector) => {
            const result = await axe.run(document.querySelector(selector), { resultTypes: ["violations"] });
            return result.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(" ")).join(", ")})`);
        }""",
        selector,
    )
    return found
