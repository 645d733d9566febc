"""Talent programs in a real browser: a talent applies to a track that needs an endorsement,
the enterprise endorses, the talent submits; staff commit the draw seed and draw in the admin; two
experts declare no conflict and score; staff approve in the ranking; the talent sees the
outcome. axe-core checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import ProgramApplication, ReviewAssignment
from talentportal.models import ApplicationStatus
from tests.e2e.a11y import assert_accessible, assert_pages_accessible
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.projects.program_factories import ExpertFactory, TrackFactory, call_with
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory
from tests.talents.factories import EnterpriseFactory, recruiter

pytestmark = pytest.mark.e2e

S = ApplicationStatus


def log_in(page, username, *, path="/en/accounts/login/"):
    code = second_factor_code(username)
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def test_program_journey(page, new_context, browser_errors):
    call = call_with(
        experts_per_application=2,
        blind=True,
        scores_visible=True,
        criteria=((2, 0, 100), (1, 0, 10)),
    )
    track = TrackFactory(call=call, name_en="Leading talents", needs_endorsement=True)
    first, second = ExpertFactory.create_batch(2, calls=[call])
    enterprise = EnterpriseFactory(name_en="Haihe Biotech")
    member = recruiter(enterprise)
    talent = UserFactory(display_name="Zhang Wei", preferred_language="en")
    staff = StaffFactory(username="officer")

    assert_pages_accessible(
        page,
        [
            "/programs/",
            "/en/programs/?level=provincial&q=Test",
            f"/en/programs/{call.program.pk}/",
            f"/en/programs/calls/{call.pk}/",
        ],
    )

    # The talent applies, naming the endorsing enterprise by its credit code.
    log_in(page, talent.username)
    page.goto(f"/en/programs/calls/{call.pk}/")
    page.get_by_role("link", name="Apply online").click()
    assert_accessible(page)
    page.select_option("#id_track", str(track.pk))
    page.fill("#id_full_name", "Zhang Wei")
    page.fill("#id_employer", "Nankai University")
    page.select_option("#id_highest_degree", "4")
    page.fill("#id_birth_year", "1986")
    page.select_option("#id_discipline", "0812")
    page.fill("#id_project_title", "Synthetic biology platform")
    page.fill("#id_summary", "Ten years of work on enzymes.")
    page.fill("#id_endorser_code", enterprise.credit_code)
    page.get_by_role("button", name="Save the draft").click()
    application = ProgramApplication.objects.get()
    expect(page).to_have_url(re.compile(rf"/programs/applications/{application.reference}/$"))
    expect(page.locator("main")).to_contain_text("has not confirmed yet")
    assert_accessible(page)

    # The enterprise endorses.
    endorser = new_context().new_page()
    log_in(endorser, member.username)
    endorser.goto("/en/programs/endorsements/")
    assert_accessible(endorser)
    endorser.get_by_role("button", name="Endorse Zhang Wei").click()
    expect(endorser.locator(".messages")).to_contain_text("sent to the applicant")

    # The talent submits.
    page.reload()
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.locator("h1")).to_have_text("Check your answers before submitting")
    expect(page.locator(".check-answers")).to_contain_text("Zhang Wei")
    page.get_by_role("button", name="Accept and submit").click()
    expect(page.locator(".messages")).to_contain_text("is submitted")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED

    # Staff commit to a secret seed, then draw with it in the admin.
    office = new_context().new_page()
    log_in(office, staff.username, path="/admin/login/")
    office.goto(f"/admin/projects/call/{call.pk}/draw/")
    office.locator("input[name=commit_seed]").click()
    seed = re.search(r"[0-9a-f]{64}", office.locator(".messagelist").inner_text()).group(0)
    office.fill("#id_seed", seed)
    office.locator("input[name=draw]").click()
    expect(office.locator(".messagelist .success")).to_be_visible()
    assert ReviewAssignment.objects.filter(application=application).count() == 2

    # Two experts declare no conflict and score; the blind review hides the applicant.
    for expert, (major, minor) in ((first, ("80", "5")), (second, ("60", "10"))):
        reviewer = new_context().new_page()
        log_in(reviewer, expert.user.username)
        reviewer.goto("/en/reviews/")
        assert_accessible(reviewer)
        reviewer.get_by_role("link", name=application.reference).click()
        assert_accessible(reviewer)
        reviewer.get_by_role("button", name="I have no conflict of interest").click()
        expect(reviewer.locator("main")).to_contain_text("Synthetic biology platform")
        expect(reviewer.locator("main")).not_to_contain_text("Zhang Wei")
        expect(reviewer.locator("main")).not_to_contain_text("Nankai University")
        assert_accessible(reviewer)
        fields = reviewer.locator("input[type=number]")
        fields.nth(0).fill(major)
        fields.nth(1).fill(minor)
        reviewer.fill("textarea[name=comment]", "Strong record.")
        reviewer.get_by_role("button", name="Submit the review").click()
        expect(reviewer.locator(".messages")).to_contain_text("review is submitted")
        assert_accessible(reviewer)
        reviewer.context.close()

    # Staff approve within the quota in the ranking.
    office.goto(f"/admin/projects/call/{call.pk}/ranking/")
    expect(office.locator("#content")).to_contain_text("71.67")  # (70.00 + 73.33) / 2
    office.locator(f"#approve-{application.pk}").check()
    office.locator(f"form:has(#approve-{application.pk}) input[type=submit]").click()
    application.refresh_from_db()
    assert application.status == S.APPROVED

    # The talent sees the outcome and the anonymised scores.
    page.goto(f"/en/programs/applications/{application.reference}/")
    expect(page.locator("main")).to_contain_text("Approved")
    expect(page.locator("main")).to_contain_text("73.33")
    assert_accessible(page)
    assert [e for e in browser_errors if "status of 400" not in e] == []
