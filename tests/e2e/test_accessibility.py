"""axe-core finds no WCAG 2.2 AA (or best-practice) violation on the pages people start from.

Each test checks several pages in one go: every browser test pays for a database flush.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_pages_accessible

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_account_pages_are_accessible(page, browser_errors):
    assert_pages_accessible(
        page,
        [
            "/accounts/login/",
            "/accounts/signup/",
            "/en/accounts/login/",
            "/en/accounts/signup/",
            "/en/accounts/signup/sent/",
            "/en/accounts/signup/confirm/resend/",
            "/accounts/signup/confirm/MQ/1-forged/",  # a link that no longer works
        ],
    )
    assert browser_errors == []


def test_signup_errors_are_accessible_and_keep_what_was_typed(page):
    page.goto("/en/accounts/signup/")
    page.fill("#id_username", "zhaolei")
    page.fill("#id_email", "zhao.lei@example.cn")
    page.fill("#id_password1", "Plum-blossom-2024!")
    page.fill("#id_password2", "Plum-blossom-2025!")
    page.check("#id_accept_privacy")
    page.locator("form:has(#id_password1) [type=submit]").click()
    expect(page.locator("#id_username")).to_have_value("zhaolei")
    expect(page.locator("#id_password2")).to_have_attribute("aria-invalid", "true")
    assert_pages_accessible(page, [])  # the page as it is now, with the errors


def test_home_page_at_phone_width(new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    def no_sideways_scrolling(page):
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 390px wide"

    assert_pages_accessible(page, ["/", "/en/"], also=no_sideways_scrolling)


def test_assert_accessible_fails_with_a_readable_list(page):
    page.set_content(
        "<!doctype html><html><head><title>Broken</title></head><body><main>"
        "<img src='data:,'><label>Name</label><input id='name'>"
        "<p style='color:#aaa;background:#fff'>Low contrast</p></main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_pages_accessible(page, [])
    report = str(failure.value)
    for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
        assert f"- {rule} [" in report
    assert "at img" in report
