"""The Content-Security-Policy in a real browser: the main pages (tests/csp_pages.py), for
visitors, signed-in talents, enterprises and staff, load in Chromium without a single CSP
violation — neither a `securitypolicyviolation` event nor a console report."""

import pytest

from tests.csp_pages import main_pages
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# Registered before any of the page's own code runs (Playwright's init scripts are not subject
# to the page's policy).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watched_context(new_context, live_server, user=None):
    """A browser context that records CSP violations, signed in as `user` when given."""
    context = new_context()
    context.add_init_script(LISTEN)
    if user is not None:
        sign_in(context, live_server.url, user)
    return context


def violations_on(page, url) -> list[str]:
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")  # scripts that fetch (the round verify page) finish
    return page.evaluate("window.__csp") + console


def test_main_pages_have_no_csp_violation(new_context, live_server):
    pages = main_pages()
    contexts = {}
    failures = []
    for label, (url, user) in pages.items():
        key = user.pk if user is not None else None
        if key not in contexts:
            contexts[key] = watched_context(new_context, live_server, user)
        page = contexts[key].new_page()
        failures += [f"{label} {url}: {v}" for v in violations_on(page, url)]
        page.close()
    assert not failures, "\n".join(failures)


def test_a_violation_would_be_caught(new_context, live_server):
    """The listener works: code that the policy blocks is reported."""
    page = watched_context(new_context, live_server).new_page()
    page.goto("/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.append(script);
          document.body.setAttribute("style", "color: red");
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
