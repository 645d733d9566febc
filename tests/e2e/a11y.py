"""Accessibility checks with axe-core (shipped inside axe-playwright-python).

`assert_accessible(page)` runs every axe rule that is on by default (WCAG 2.0/2.1/2.2 A and AA,
plus axe's best practices) against the page as it is now, and fails on any violation with one
readable line per failing element: rule id, impact, CSS target, what the rule asks for.
"""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def axe_violations(page, *, context=None, disable=()):
    """The axe violations of the page, as axe reports them (a list of dicts)."""
    options = {"resultTypes": ["violations"]}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    results = _AXE.run(page, context=context, options=options)
    return results.response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'n/a'}] {violation['help']}"
            f" ({violation['helpUrl'].split('?')[0]})"
        )
        for node in violation["nodes"]:
            target = " >> ".join(
                " ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, *, context=None, disable=()):
    """Fail with the list of axe violations if the page has any.

    `context` narrows the check to part of the page (axe's include/exclude syntax); `disable`
    switches named rules off — give the reason next to the call when you use it.
    """
    violations = axe_violations(page, context=context, disable=disable)
    if violations:
        count = sum(len(v["nodes"]) for v in violations)
        raise AssertionError(
            f"{page.url}: {len(violations)} accessibility rule(s) violated "
            f"on {count} element(s):\n{format_violations(violations)}"
        )


def assert_pages_accessible(page, paths, *, status=200, also=None):
    """Open each path and check it; fail once, at the end, with every page's problems.

    With no paths, checks the page as it is. `also(page)` may add checks of its own.
    """
    failures = []
    for path in paths or [None]:
        if path is not None:
            response = page.goto(path)
            if response.status != status:
                failures.append(f"{path}: status {response.status}, not {status}")
                continue
        try:
            assert_accessible(page)
            if also:
                also(page)
        except AssertionError as error:
            failures.append(f"{path or page.url}: {error}")
    if failures:
        raise AssertionError("\n\n".join(failures))
