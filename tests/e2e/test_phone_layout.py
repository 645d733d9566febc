"""Phones (issue 18): no page is wider than a 390 px screen, and a list's results come before
its filters, which wait behind a disclosure.

Every site URL of the resolver, with the crawl's world for its arguments (tests/crawl/urls.py
and world.py), is opened in Chromium at 390 × 844 px as the visitor, in Chinese and in
English; a talent, an enterprise member, an investor and an expert open the pages only a
signed-in person sees (the ones that differ by who asks). The document must not scroll
sideways.
"""

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import Error, expect

from talentportal import roles
from tests.auth_helpers import login_verified
from tests.crawl import urls, world
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
#: The innermost elements that reach beyond the screen, to say what to fix.
WIDEST = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.children.length)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + [...e.classList].join(".")).join(", ")"""
SKIPPED = {"accounts:logout", "accounts:two_factor_remove", "download"}


def phone_page(new_context, base_url, user):
    context = new_context(viewport=PHONE)
    if user is not None:
        sign_in(context, base_url, user)
    return context.new_page()


#: The visitor opens every page; the others open the pages only a signed-in person sees.
PHONE_ROLES = (
    world.VISITOR,
    world.TALENT,
    world.ENTERPRISE_MEMBER,
    world.INVESTOR,
    world.EXPERT,
)


def answers_with_html(client, url: str) -> bool:
    response = client.get(url)
    response.close()  # a download's file
    return response.status_code == 200 and "text/html" in response.get("Content-Type", "")


# One test per role and language, so that the test workers share them.
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", PHONE_ROLES)
def test_no_page_is_wider_than_a_phone(new_context, base_url, settings, tmp_path, role, language):
    settings.MEDIA_ROOT = tmp_path
    roles.sync_roles()
    built = world.build()
    with translation.override(language):
        pairs = [(p, url) for p, url in urls.site_urls(built) if p.name not in SKIPPED]
    if role != world.VISITOR:
        pairs = [(p, url) for p, url in pairs if p.name in urls.SIGNED_IN_PAGES]
    # Only the pages that answer with HTML are opened in the browser: asked in-process first,
    # most signed-in pages of other roles redirect to the log-in page or refuse, and the
    # browser would load a page for each (a talent's 139 URLs hold 20 pages).
    client = Client()
    if built.users[role] is not None:
        login_verified(client, built.users[role])
    pages = [url for _pattern, url in pairs if answers_with_html(client, url)]
    page = phone_page(new_context, base_url, built.users[role])
    too_wide, opened = [], 0
    for url in pages:
        try:
            response = page.goto(url)
        except Error:  # a file download, not a page
            continue
        if response is None or response.status != 200:
            continue
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        opened += 1
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width} px ({page.evaluate(WIDEST)})")
    assert opened > (50 if role == world.VISITOR else 5)
    assert not too_wide, f"pages wider than a 390 px phone for the {role}:\n" + "\n".join(too_wide)


@pytest.mark.parametrize(
    "path", ["/policies/", "/apartments/", "/services/", "/demands/", "/service-points/"]
)
def test_on_a_phone_the_results_come_before_the_filters(new_context, path):
    from tests.apartments.factories import CommunityFactory
    from tests.policies.factories import PolicyFactory

    PolicyFactory()
    CommunityFactory()
    page = new_context(viewport=PHONE).new_page()
    page.goto(path)
    disclosure = page.locator("details.filters-disclosure")
    expect(disclosure).not_to_have_attribute("open", "")
    # The closed disclosure is one line: the results follow it at once (they started
    # 1,956 px down, below the whole filter panel).
    results = page.locator(
        ".policy-results, .apt-results, .service-results, .library-results, .eco-results__count"
    ).first
    closed = disclosure.bounding_box()
    assert closed["height"] < 80
    assert results.bounding_box()["y"] - (closed["y"] + closed["height"]) < 120
    disclosure.locator("summary.filters-disclosure__summary").click()
    expect(disclosure.locator("button[type=submit]")).to_be_visible()
    # On a wide screen the filters are shown beside the results, without a click.
    wide = new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(path)
    expect(wide.locator("details.filters-disclosure button[type=submit]")).to_be_visible()
