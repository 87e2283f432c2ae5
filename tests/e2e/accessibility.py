"""axe-core (Deque's accessibility engine, from npm: tests/e2e/axe) run in the browser tests.

``axe_violations(page)`` runs axe on the page as it is, limited to WCAG 2.0 and 2.1 levels A
and AA, and returns its violations as readable lines (rule, impact, help, the first elements).
The page's context must be opened with ``bypass_csp=True``: axe is injected as a script, which
the site's Content-Security-Policy would (rightly) refuse. ``.ci/run`` installs axe-core with
``npm ci --prefix tests/e2e/axe``; without it the tests skip on a developer's machine and fail
in CI, like the browser itself.
"""

from pathlib import Path

from tests.e2e.conftest import unavailable

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 320)


def axe_violations(page):
    if not AXE.exists():
        unavailable("axe-core is not installed (npm ci --prefix tests/e2e/axe)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
            }));
        }""",
        WCAG_AA,
    )
    return [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in result]


def page_width(page):
    """How wide the document is drawn (wider than the viewport: the page scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth")
