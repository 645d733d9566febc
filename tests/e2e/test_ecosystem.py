"""Feedback that gets answered, in a real browser: an enterprise files a problem, staff route
it in the admin, the department answers there, the enterprise rates the answer and agrees to
publish it, staff publish it, and it appears on the public board without names. axe-core
checks every public page on the way; the public lists of the section are checked too."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ecosystem.models import Feedback
from talentportal.models import ApplicationStatus
from tests.e2e.a11y import assert_accessible, assert_pages_accessible
from tests.ecosystem.factories import (
    AllianceFactory,
    DepartmentFactory,
    KeyEnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointFactory,
    department_member,
    router,
)
from tests.talentportal.factories import PASSWORD
from tests.talents.factories import recruiter

pytestmark = pytest.mark.e2e

S = ApplicationStatus


def log_in(page, user, *, path="/accounts/login/"):
    """The log-in form, then the authenticator code when the account needs a second factor
    (staff do): a confirmed TOTP device is made for the user beforehand."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and user.is_staff:
        device = TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)
    page.goto(path)
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url and device is not None:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        code = f"{totp.token():0{device.digits}d}"
        form = page.locator("form[action*='two-factor/verify']")
        form.locator("input:not([type=hidden])").first.fill(code)
        form.locator("[type=submit]").click()
        page.wait_for_load_state()


def test_ecosystem_lists_and_pages_are_accessible(page, browser_errors):
    point = ServicePointFactory()
    alliance = MembershipFactory(alliance=AllianceFactory()).alliance
    product = ProductFactory(eligible_tiers=["A", "B"])
    KeyEnterpriseFactory()
    assert_pages_accessible(
        page,
        [
            "/service-points/",
            "/en/service-points/?region=330100&kind=homeland",
            "/service-points/?region=999999",  # the problems notice
            f"/service-points/{point.pk}/",
            "/alliances/",
            f"/en/alliances/{alliance.pk}/",
            "/finance/",
            "/en/finance/?tier=A",
            f"/finance/{product.pk}/",
            "/finance/key-enterprises/",
            "/en/feedback/",
        ],
    )
    assert browser_errors == []


def test_an_enterprise_problem_is_routed_answered_rated_and_published(
    page, new_context, browser_errors
):
    department = DepartmentFactory(name_zh="杭州市住房保障局", name_en="Hangzhou Housing Bureau")
    answerer = department_member(department)
    staff_router = router()
    member = recruiter()

    # The enterprise files a problem from the public board.
    log_in(page, member)
    page.goto("/feedback/")
    assert_accessible(page)
    page.locator("a[href='/feedback/new/']").first.click()
    expect(page).to_have_url(re.compile(r"/feedback/new/$"))
    assert_accessible(page)
    page.select_option("#id_category", "housing")
    page.select_option("#id_region", "330100")
    page.fill("#id_title", "人才公寓配租进度")
    page.fill("#id_description", "企业引进的博士申请人才公寓已三个月，尚无配租结果。")
    page.locator("main form [type=submit]").click()
    feedback = Feedback.objects.get()
    expect(page).to_have_url(re.compile(rf"/feedback/{feedback.reference}/$"))
    expect(page.locator("main")).to_contain_text("尚未转交")
    assert_accessible(page)
    assert feedback.status == S.SUBMITTED

    # Staff route it to the department, in the admin.
    staff = new_context().new_page()
    log_in(staff, staff_router, path="/admin/login/")
    staff.goto(f"/admin/ecosystem/feedback/{feedback.pk}/change/")
    staff.locator(f"a[href$='/{feedback.pk}/route/']").click()
    assert_accessible(staff)
    staff.select_option("select[name=department]", str(department.pk))
    staff.locator("input[type=submit]").click()
    feedback.refresh_from_db()
    assert feedback.status == S.IN_REVIEW and feedback.department == department
    assert feedback.due_on is not None

    # The department member answers, in the admin.
    answering = new_context().new_page()
    log_in(answering, answerer, path="/admin/login/")
    answering.goto(f"/admin/ecosystem/feedback/{feedback.pk}/change/")
    answering.locator(f"a[href$='/{feedback.pk}/answer/']").click()
    assert_accessible(answering)
    answering.fill("textarea[name=answer]", "已督促配租，将于本月底前完成。")
    answering.locator("input[type=submit]").click()
    feedback.refresh_from_db()
    assert feedback.status == S.APPROVED and feedback.answered_by == answerer

    # The enterprise reads the answer, rates it and agrees to publish.
    page.goto(f"/feedback/{feedback.reference}/")
    expect(page.locator("main")).to_contain_text("已督促配租")
    expect(page.locator("main")).to_contain_text("杭州市住房保障局")
    assert_accessible(page)
    page.locator("input[name=rating][value='5']").check()
    page.fill("textarea[name=comment]", "答复及时。")
    page.locator("input[name=publish]").check()
    page.locator(f"form[action$='/{feedback.reference}/rate/'] [type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)
    feedback.refresh_from_db()
    assert feedback.rating == 5 and feedback.publish_consent and not feedback.is_published

    # Not on the board before staff publish it.
    page.goto("/feedback/")
    expect(page.locator("main")).not_to_contain_text("人才公寓配租进度")

    # Staff publish it with the bulk action.
    staff.goto("/admin/ecosystem/feedback/")
    staff.locator(f"input[name=_selected_action][value='{feedback.pk}']").check()
    staff.select_option("select[name=action]", "publish_answers")
    staff.locator("button[name=index], input[name=index], .actions [type=submit]").first.click()
    feedback.refresh_from_db()
    assert feedback.is_published

    # On the public board, without names, in both languages.
    page.goto("/feedback/")
    board = page.locator("main")
    expect(board).to_contain_text("人才公寓配租进度")
    expect(board).to_contain_text("已督促配租")
    expect(board).not_to_contain_text(member.display_name)
    expect(board).not_to_contain_text(feedback.reference)
    assert_accessible(page)
    page.goto("/en/feedback/?category=housing")
    expect(page.locator("main")).to_contain_text("Hangzhou Housing Bureau")
    assert_accessible(page)
    assert browser_errors == []
