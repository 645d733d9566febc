"""Issue 19's journeys end to end in a real browser, in Chinese and in English (the selectors
are the forms' actions and fields, not their wording):

- an investor finds a project on their own page (ranked by fit), expresses interest, the team
  accepts and both see each other's contacts;
- staff commit the draw seed and draw with it (no preview), the public page recomputes the
  draw, two experts read every material of the application (each opening logged) and score,
  staff approve in the ranking."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from projects.models import Interest, ProgramApplication, ReviewAssignment
from projects.programs import services as program_services
from talentportal import workflow
from talentportal.models import ApplicationStatus, DocumentAccess
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    call_with,
)
from tests.projects.roadshow_factories import ProjectFactory, industry, investor_member
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.e2e

LANGUAGES = [pytest.param("", id="zh-hans"), pytest.param("/en", id="en")]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, username, prefix, *, path=None):
    code = second_factor_code(username)
    page.goto(path or f"{prefix}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_investor_interest_accepted_contacts(page, new_context, browser_errors, prefix):
    lead = UserFactory(display_name="Li Ming", phone="13800000000")
    project = ProjectFactory(lead=lead, title_zh="固态电解质项目", title_en="Solid electrolytes")
    ProjectFactory(
        title_zh="不相关项目",
        title_en="Unrelated",
        stage="b_plus",
        industry=industry("biomedicine"),
    )
    investor_user, investor = investor_member()

    # The investor's own page ranks the projects that fit; they open the best one.
    investor_page = page
    log_in(investor_page, investor_user.username, prefix)
    investor_page.goto(f"{prefix}/investors/mine/")
    assert_accessible(investor_page)
    best = investor_page.locator("#matches-title + p + ol li a").first
    expect(best).to_have_attribute("href", re.compile(rf"/projects/{project.pk}/$"))
    best.click()
    investor_page.fill("#id_message", "想与团队见面 / We would like to meet the team.")
    investor_page.locator(f"form[action$='/projects/{project.pk}/interest/'] [type=submit]").click()
    expect(investor_page.locator(".messages")).to_be_visible()
    assert Interest.objects.get().investor == investor
    # Before the answer: no contact of the lead.
    expect(investor_page.locator("main")).not_to_contain_text("13800000000")

    # The lead sees who is interested and accepts: both see each other's contacts.
    team = new_context().new_page()
    log_in(team, lead.username, prefix)
    team.goto(f"{prefix}/projects/{project.pk}/")
    name = investor.name_en if prefix == "/en" else investor.name
    expect(team.locator(".rs-interests")).to_contain_text(name)
    expect(team.locator(".rs-interests")).to_contain_text("We would like to meet the team.")
    assert_accessible(team)
    team.locator("form[action$='/accept/'] [type=submit]").click()
    expect(team.locator(".rs-interests")).to_contain_text(investor.contact_email)
    assert Interest.objects.get().status == "accepted"
    investor_page.reload()
    expect(investor_page.locator("main")).to_contain_text("13800000000")
    assert_accessible(investor_page)
    assert [e for e in browser_errors if "status of 400" not in e] == []


def _attach(application, label):
    upload = SimpleUploadedFile(f"{label}.pdf", PDF, content_type="application/pdf")
    return workflow.document_attach(
        application=application, by=application.applicant, upload=upload, label=label
    )


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_draw_review_with_materials_ranking(page, new_context, browser_errors, prefix):
    call = call_with(
        experts_per_application=2,
        blind=True,
        materials_zh="申报书\n学历学位证书",
        materials_en="Application form\nDegree certificates",
        criteria=((2, 0, 100), (1, 0, 10)),
    )
    first, second = ExpertFactory.create_batch(2, calls=[call])
    application = ProgramApplicationFactory(
        track=call.tracks.get(), status=ApplicationStatus.DRAFT, submitted_at=None
    )
    documents = [_attach(application, "申报书"), _attach(application, "学历学位证书")]
    program_services.program_application_submit(application=application, by=application.applicant)
    staff = StaffFactory(username=f"officer{prefix.strip('/')}")

    # Staff commit to a secret seed, then draw with it: no preview, a wrong seed is refused.
    office = page
    log_in(office, staff.username, prefix, path=f"{prefix}/admin/login/")
    office.goto(f"{prefix}/admin/projects/call/{call.pk}/draw/")
    expect(office.locator("input[name=preview]")).to_have_count(0)
    office.locator("input[name=commit_seed]").click()
    seed = re.search(r"[0-9a-f]{64}", office.locator(".messagelist").inner_text()).group(0)
    office.fill("#id_seed", "acceptance-1")
    office.locator("input[name=draw]").click()
    expect(office.locator(".messagelist .error")).to_be_visible()
    assert not ReviewAssignment.objects.exists()
    office.fill("#id_seed", seed)
    office.locator("input[name=draw]").click()
    expect(office.locator(".messagelist .success")).to_be_visible()
    assert ReviewAssignment.objects.filter(application=application).count() == 2

    # Anyone can check the draw: commitment, seed, every attempt, the picks recomputed.
    public = new_context().new_page()
    public.goto(f"{prefix}/programs/calls/{call.pk}/draw/")
    expect(public.locator("main")).to_contain_text(seed)
    expect(public.locator("main")).to_contain_text(application.reference)
    expect(public.locator("main article")).to_have_count(2)  # the refused attempt, the draw
    assert_accessible(public)

    # Two experts declare no conflict, open every material (logged) and score.
    for expert, (major, minor) in ((first, ("80", "5")), (second, ("60", "10"))):
        reviewer = new_context().new_page()
        log_in(reviewer, expert.user.username, prefix)
        reviewer.goto(f"{prefix}/reviews/")
        reviewer.get_by_role("link", name=application.reference).click()
        reviewer.locator("form[action$='/declare/'] [type=submit]").click()
        links = reviewer.locator("ul[aria-labelledby=materials-title] a")
        expect(links).to_have_count(2)
        assert_accessible(reviewer)
        for document in documents:
            href = links.and_(reviewer.locator(f"[href$='/{document.pk}/']")).get_attribute("href")
            response = reviewer.request.get(href)
            assert response.status == 200 and response.body().startswith(b"%PDF")
        assert DocumentAccess.objects.filter(viewer=expert.user).count() == 2
        fields = reviewer.locator("input[type=number]")
        fields.nth(0).fill(major)
        fields.nth(1).fill(minor)
        reviewer.fill("textarea[name=comment]", "Strong record.")
        reviewer.locator("form:has(textarea[name=comment]) [type=submit]").click()
        expect(reviewer.locator(".messages")).to_be_visible()
        reviewer.context.close()

    # Staff approve in the ranking.
    office.goto(f"{prefix}/admin/projects/call/{call.pk}/ranking/")
    expect(office.locator("#content")).to_contain_text("71.67")  # (70.00 + 73.33) / 2
    office.locator(f"#approve-{application.pk}").check()
    office.locator(f"form:has(#approve-{application.pk}) input[type=submit]").click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert ProgramApplication.objects.get().status == ApplicationStatus.APPROVED
    assert [e for e in browser_errors if "status of 400" not in e] == []
