"""Security headers on real responses: HSTS, a strict Content-Security-Policy (nonces, no
'unsafe-inline', frame-ancestors 'none'), nosniff, referrer policy, COOP, X-Frame-Options.

The production check runs manage.py with the production environment (tests/test_project.py), so
the settings are exactly what a server gets. The page tour checks every main page's policy and
markup with Django's client; tests/e2e/test_csp.py loads the same pages in Chromium.
"""

import json
import re
from html.parser import HTMLParser

import pytest

from tests.auth_helpers import login_verified
from tests.csp_pages import main_pages
from tests.test_project import PRODUCTION, run_manage

PROBE = """
import json
from django.test import Client, override_settings
# Plain static storage: the manifest of collectstatic is not what is tested here.
storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": storage, "staticfiles": storage}):
    client = Client(HTTP_HOST="talent.zj.gov.cn")
    secure = client.get("/no-such-page/", secure=True)
    plain = client.get("/no-such-page/")
print("PROBE" + json.dumps({
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "body": secure.content.decode(),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


@pytest.fixture(scope="module")
def production_response():
    result = run_manage("shell", "--no-imports", "-c", PROBE, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line.removeprefix("PROBE"))


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_production_response_carries_the_security_headers(production_response):
    headers = production_response["headers"]
    assert production_response["status"] == 404
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_production_csp_is_strict_with_a_nonce(production_response):
    headers = production_response["headers"]
    assert "Content-Security-Policy-Report-Only" not in headers  # enforced, not just reported
    policy = directives(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # Scripts from this site only, and inline ones only with the nonce of the response (Django
    # names the nonce when a template used it).
    assert policy["script-src"][0] == "'self'"
    assert all(value.startswith("'nonce-") for value in policy["script-src"][1:])
    for values in policy.values():
        assert "'unsafe-inline'" not in values
        assert "'unsafe-eval'" not in values
        assert "*" not in values


def test_plain_http_is_redirected_to_https_in_production(production_response):
    assert production_response["plain_status"] == 301
    assert production_response["plain_location"].startswith("https://talent.zj.gov.cn/")


class InlineCodeFinder(HTMLParser):
    """What a strict CSP blocks in markup: style attributes, event-handler attributes,
    javascript: URLs, inline <script> without the page's nonce, <style> elements."""

    EXECUTED_SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}

    def __init__(self, nonce):
        super().__init__()
        self.nonce = nonce
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = self.get_starttag_text()[:120]
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            elif name.startswith("on"):
                self.problems.append(f"event handler attribute: {where}")
            elif name in ("href", "src", "action", "formaction") and re.match(
                r"\s*javascript:", value or "", re.IGNORECASE
            ):
                self.problems.append(f"javascript: URL: {where}")
        if tag == "style":
            self.problems.append(f"<style> element: {where}")
        if tag == "script":
            executed = (attributes.get("type") or "").lower() in self.EXECUTED_SCRIPT_TYPES
            # Scripts from this site would pass 'self' too; carrying the nonce keeps them
            # working under a policy that drops 'self' ('strict-dynamic').
            if executed and (self.nonce is None or attributes.get("nonce") != self.nonce):
                self.problems.append(f"script without the nonce: {where}")


def test_every_main_page_has_a_strict_policy_and_no_inline_code(client, db):
    failures = []
    for label, (url, user) in main_pages().items():
        client.logout()
        if user is not None:
            login_verified(client, user)
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{label} {url}: status {response.status_code}")
            continue
        policy = directives(response["Content-Security-Policy"])
        if any("'unsafe-inline'" in values for values in policy.values()):
            failures.append(f"{label} {url}: 'unsafe-inline' in the policy")
        if policy.get("frame-ancestors") != ["'none'"]:
            failures.append(f"{label} {url}: frame-ancestors is {policy.get('frame-ancestors')}")
        nonce = next(
            (
                value.removeprefix("'nonce-").removesuffix("'")
                for value in policy["script-src"]
                if value.startswith("'nonce-")
            ),
            None,
        )
        finder = InlineCodeFinder(nonce)
        finder.feed(response.content.decode())
        failures += [f"{label} {url}: {problem}" for problem in finder.problems]
    assert not failures, "\n".join(failures)


def test_the_finder_catches_what_the_policy_blocks():
    finder = InlineCodeFinder("abc")
    finder.feed(
        '<p style="color:red">x</p><button onclick="go()">go</button>'
        '<a href="javascript:void(0)">x</a><script>alert(1)</script>'
        '<script nonce="abc">ok()</script><script src="/static/x.js"></script>'
        '<script src="/static/y.js" nonce="abc"></script>'
        '<script type="application/json">{}</script><style>p{}</style>'
    )
    assert len(finder.problems) == 6, finder.problems
