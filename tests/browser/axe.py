"""axe-core in the browser tests: WCAG 2.1 A and AA rules run against the page as Chromium
shows it (tests/browser/vendor/axe-core/, vendored from the npm registry; never served to
citizens).

The script is added to the browser context with `add_init_script(path=...)`: it is evaluated
by the browser itself before the page's own scripts, so the page keeps its real
Content-Security-Policy (script-src 'self' would refuse `add_script_tag`'s inline script)."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """tags => axe.run(document, {
  runOnly: {type: 'tag', values: tags},
  resultTypes: ['violations'],
}).then(result => result.violations.map(v => ({
  id: v.id,
  impact: v.impact,
  help: v.help,
  nodes: v.nodes.map(
    n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
})))"""


def axe_install(context) -> None:
    """Make axe available on every page the context opens from now on."""
    context.add_init_script(path=str(AXE_JS))


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe finds on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        raise AssertionError("axe is not loaded on this page: call axe_install(context) first")
    return page.evaluate(_RUN, WCAG_TAGS)


def axe_report(violations: list[dict]) -> str:
    """One line per violation and failing element, for the assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"][:10])
    return "\n".join(lines)
