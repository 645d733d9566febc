"""A visitor finds the portal, switches to English, signs up as a talent (and follows the link of
the confirmation mail), logs out and back in."""

import re

import pytest
from playwright.sync_api import expect

from talentportal.models import AccountKind, Region, User
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import confirm_sign_up, enter_second_factor, second_factor_code

pytestmark = pytest.mark.e2e

PASSWORD = "Plum-blossom-2024!"
LOGOUT_BUTTON = "form[action$='/accounts/logout/'] [type=submit]"


def sign_up_as_talent(page, *, username, email):
    page.check("#id_kind_0")
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    page.fill("#id_display_name", "Li Ming")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_accept_privacy")
    page.locator("form:has(#id_password1) [type=submit]").click()
    confirm_sign_up(page, email)


def log_in(page, *, login):
    code = second_factor_code(login)
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def test_visitor_signs_up_logs_out_and_logs_in_with_email(page, browser_errors):
    # The home page in the default language, Chinese.
    assert Region.objects.filter(code="330000").exists(), "catalogues missing after the flush"
    assert page.goto("/").status == 200
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^zh"))
    expect(page.locator("main").get_by_text("浙江省", exact=True).first).to_be_visible()
    assert_accessible(page)

    # The language switcher is a plain link to the English version of the page.
    page.locator("a[hreflang='en']").first.click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)

    # Sign up as a talent from a link on the page.
    page.locator("a[href='/en/accounts/signup/']").first.click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))
    expect(page.locator("#id_kind_0")).to_be_checked()  # talent is the default
    sign_up_as_talent(page, username="liming", email="li.ming@example.cn")

    # Signed in, on the account page, in English.
    expect(page).to_have_url(re.compile(r"/en/accounts/profile/$"))
    expect(page.locator("#id_email")).to_have_value("li.ming@example.cn")
    user = User.objects.get(username="liming")
    assert (user.kind, user.email, user.preferred_language) == (
        AccountKind.TALENT,
        "li.ming@example.cn",
        "en",
    )
    assert_accessible(page)

    # Log out with the header's POST button.
    page.locator(LOGOUT_BUTTON).first.click()
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/en/$"))

    # Log in again with the e-mail address instead of the username.
    page.locator("a[href^='/en/accounts/login/']").first.click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    log_in(page, login="Li.Ming@example.cn")
    expect(page).to_have_url(re.compile(r"/en/accounts/profile/$"))
    expect(page.locator("#id_email")).to_have_value("li.ming@example.cn")
    expect(page.locator(LOGOUT_BUTTON).first).to_be_attached()

    assert browser_errors == []


def test_the_journey_works_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    assert page.goto("/accounts/signup/").status == 200
    sign_up_as_talent(page, username="wangfang", email="wang.fang@example.cn")
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    page.locator(LOGOUT_BUTTON).first.click()
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    page.goto("/accounts/login/")
    log_in(page, login="wang.fang@example.cn")
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
    assert User.objects.get(username="wangfang").preferred_language == "zh-hans"
