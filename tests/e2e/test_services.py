"""Public services in a real browser: a talent applies with an upload, staff ask for more
information in the admin, the talent answers, staff approve, and the talent reads the whole
timeline. axe-core checks every public page of the section on the way."""

import re

import pytest
from playwright.sync_api import expect

from policies.models import ServiceApplication, ServiceMaterial
from talentportal.models import ApplicationStatus, Region
from tests.e2e.a11y import assert_accessible, assert_pages_accessible
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.talentportal.factories import PASSWORD, UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory, case_officer

pytestmark = pytest.mark.e2e

S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCHEMA = [
    {"name": "employer", "label_zh": "工作单位", "label_en": "Employer", "kind": "text",
     "required": True},
    {"name": "tier", "label_zh": "人才类别", "label_en": "Talent tier", "kind": "choice",
     "required": True, "choices": ["A类", "B类", "C类"]},
    {"name": "series", "label_zh": "职称系列", "label_en": "Title series", "kind": "choice",
     "required": False, "choices": ["工程", "卫生", "高校教师", "中小学教师", "经济", "会计"]},
    {"name": "recognised_on", "label_zh": "认定时间", "label_en": "Date of recognition",
     "kind": "date", "required": True},
    {"name": "years", "label_zh": "在杭工作年限", "label_en": "Years in Hangzhou",
     "kind": "number", "required": False},
    {"name": "spouse", "label_zh": "配偶是否在杭工作", "label_en": "Does your spouse work here?",
     "kind": "yes_no", "required": True},
]  # fmt: skip


def services():
    online = ServiceItemFactory(
        name_zh="在杭省部属单位高层次人才同城待遇确认",
        name_en="Confirmation of Hangzhou benefits for high-level talents",
        description_en="Confirms the benefits of high-level talents of provincial units.",
        audience_en="Recognised high-level talents.",
        form_schema=SCHEMA,
        promised_days=10,
    )
    ServiceMaterial.objects.create(
        service=online, name_zh="高层次人才认定证明", name_en="Proof of recognition", position=1
    )
    ServiceMaterial.objects.create(
        service=online, name_zh="获奖证书", name_en="Awards", required=False, position=2
    )
    offline = ServiceItemFactory(
        name_zh="人才人事档案转递",
        name_en="Transfer of a personnel file",
        region=Region.objects.get(code="330100"),
        is_online=False,
        form_schema=[],
    )
    ServiceMaterial.objects.create(service=offline, name_zh="身份证", name_en="ID card")
    return online, offline


def log_in(page, username, *, path="/accounts/login/"):
    code = second_factor_code(username)
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def test_public_service_pages_are_accessible(page, browser_errors):
    online, offline = services()
    assert_pages_accessible(
        page,
        [
            "/services/",
            "/en/services/",
            "/services/?region=330000&audience=high_level&q=待遇",
            "/en/services/?region=999999&q=nothing-matches",
            f"/services/{online.pk}/",
            f"/en/services/{online.pk}/",
            f"/services/{offline.pk}/",
        ],
    )
    talent = UserFactory()
    log_in(page, talent.username)
    assert_pages_accessible(
        page,
        [
            f"/services/{online.pk}/apply/",
            f"/en/services/{online.pk}/apply/",
            f"/services/{offline.pk}/apply/",
        ],
    )
    # The form with its errors, as a talent who submits too early sees it.
    page.goto(f"/en/services/{online.pk}/apply/")
    page.fill("#id_answer_employer", "Zhejiang University")
    page.locator("button[value=check]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_answer_employer")).to_have_value("Zhejiang University")
    assert_accessible(page)
    # The form with errors comes back as a 400, which the browser reports; nothing else.
    assert [e for e in browser_errors if "status of 400" not in e] == []


def test_a_talent_applies_answers_a_question_and_follows_the_decision(
    page, new_context, browser_errors
):
    online, _offline = services()
    talent = UserFactory(display_name="Li Ming", preferred_language="en")
    officer = case_officer(username="officer")

    # The talent finds the service in the catalogue and opens it.
    log_in(page, talent.username, path="/en/accounts/login/")
    page.goto("/en/services/")
    page.fill("input[name=q]", "high-level benefits")
    page.locator("#service-search button[type=submit]").first.click()
    page.get_by_role("link", name=online.name_en).click()
    expect(page).to_have_url(re.compile(rf"/en/services/{online.pk}/$"))
    page.get_by_role("link", name="Apply", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/en/services/{online.pk}/apply/$"))

    # Part of the form, one document, and a saved draft.
    page.fill("#id_answer_employer", "Zhejiang University")
    page.get_by_label("B类").check()
    page.set_input_files(
        "input[type=file] >> nth=0",
        files=[{"name": "recognition.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("button[value=save]").click()
    expect(page.locator(".messages")).to_contain_text("draft is saved")
    expect(page.locator(".service-material__attached")).to_contain_text("recognition.pdf")
    draft = ServiceApplication.objects.get()
    assert draft.status == S.DRAFT

    # Later: the draft is still there; complete it and submit.
    page.goto(f"/en/services/{online.pk}/apply/")
    expect(page.locator("#id_answer_employer")).to_have_value("Zhejiang University")
    page.fill("#id_answer_recognised_on", "2024-03-01")
    page.get_by_label("No", exact=True).check()
    page.locator("button[value=check]").click()
    page.locator("form[action$='/check/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/en/services/applied/{draft.reference}/$"))
    expect(page.locator(".service-confirmation")).to_contain_text(draft.reference)
    assert_accessible(page)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED

    # Staff ask for more information in the admin.
    staff = new_context().new_page()
    log_in(staff, officer.username, path="/admin/login/")
    staff.goto(f"/admin/policies/serviceapplication/{draft.pk}/change/")
    expect(staff.locator("body")).to_contain_text("recognition.pdf")
    staff.locator(f"a[href$='/{draft.pk}/decide/needs_info/']").click()
    staff.fill("textarea[name=comment]", "请补充上传单位盖章的推荐意见。")
    staff.locator("input[type=submit]").click()
    draft.refresh_from_db()
    assert draft.status == S.NEEDS_INFO

    # The talent answers on the application's page.
    page.get_by_role("link", name="View my application").click()
    expect(page).to_have_url(re.compile(rf"/en/me/applications/{draft.reference}/$"))
    expect(page.locator(".timeline")).to_contain_text("请补充上传单位盖章的推荐意见。")
    page.fill("textarea[name=message]", "The stamped recommendation is attached.")
    page.set_input_files(
        "input[name=document]",
        files=[{"name": "recommendation.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("form[action$='/respond/'] [type=submit]").click()
    draft.refresh_from_db()
    assert draft.status == S.RESUBMITTED

    # Staff approve.
    staff.goto(f"/admin/policies/serviceapplication/{draft.pk}/change/")
    expect(staff.locator("body")).to_contain_text("recommendation.pdf")
    staff.locator(f"a[href$='/{draft.pk}/decide/approved/']").click()
    staff.fill("textarea[name=comment]", "审核通过。")
    staff.locator("input[type=submit]").click()
    draft.refresh_from_db()
    assert draft.status == S.APPROVED and draft.decided_by == officer

    # The talent sees the whole story.
    page.goto(f"/en/me/applications/{draft.reference}/")
    timeline = page.locator(".timeline__item")
    expect(timeline).to_have_count(5)
    for index, text in enumerate(
        [
            "Application created",
            "Submitted",
            "Needs more information",
            "Resubmitted",
            "Approved",
        ]
    ):
        expect(timeline.nth(index)).to_contain_text(text)
    expect(page.locator(".timeline")).to_contain_text("The stamped recommendation is attached.")
    expect(page.locator("main")).to_contain_text("recognition.pdf")
    expect(page.locator("main")).to_contain_text("recommendation.pdf")
    assert_accessible(page)
    assert ServiceApplication.objects.count() == 1
    assert browser_errors == []


def test_applying_works_without_javascript(new_context):
    online, _offline = services()
    talent = UserFactory()
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, talent.username)
    page.goto(f"/services/{online.pk}/apply/")
    page.fill("#id_answer_employer", "浙江大学")
    page.check("input[name=answer_tier][value='A类']")
    page.fill("#id_answer_recognised_on", "2023-09-01")
    page.check("input[name=answer_spouse][value=yes]")
    page.set_input_files(
        "input[type=file] >> nth=0",
        files=[{"name": "proof.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("button[value=check]").click()
    page.locator("form[action$='/check/'] button[type=submit]").click()
    application = ServiceApplication.objects.get()
    expect(page).to_have_url(re.compile(rf"/services/applied/{application.reference}/$"))
    assert application.status == S.SUBMITTED
    assert application.answers == {
        "employer": "浙江大学",
        "tier": "A类",
        "recognised_on": "2023-09-01",
        "spouse": True,
    }
