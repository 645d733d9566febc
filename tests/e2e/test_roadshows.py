"""Projects and roadshows in a real browser: a talent submits a project, staff publish it and
put it on a roadshow's agenda, a visitor registers for the roadshow and sees the check-in code
(text and QR), an investor expresses interest and the team accepts; axe-core checks every
public page of the section on the way."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Interest, Project, Registration
from projects.roadshows import services
from talentportal.models import Industry
from tests.e2e.a11y import assert_accessible, assert_pages_accessible
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.projects.roadshow_factories import (
    InvestorFactory,
    ProjectFactory,
    RoadshowFactory,
    SlotFactory,
    investor_member,
)
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.e2e


def log_in(page, username, *, path="/en/accounts/login/"):
    code = second_factor_code(username)
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def test_public_project_and_roadshow_pages_are_accessible(page, browser_errors):
    project = ProjectFactory(title_zh="高精度激光雷达研发及产业化项目", title_en="Lidar")
    roadshow = RoadshowFactory(title_zh="长三角全球科创项目露天路演")
    SlotFactory(roadshow=roadshow, project=project)
    RoadshowFactory(title_zh="第三届淮安人才日", kind="talent_day", past=True)
    assert_pages_accessible(
        page,
        [
            "/projects/",
            "/en/projects/",
            "/projects/?region=330000&stage=seed&need=capital&q=激光雷达",
            "/en/projects/?funding_min=9&funding_max=1&region=999999",
            f"/projects/{project.pk}/",
            f"/en/projects/{project.pk}/",
            "/roadshows/",
            "/en/roadshows/?when=past",
            f"/roadshows/{roadshow.pk}/",
            f"/en/roadshows/{roadshow.pk}/",
            "/investors/",
        ],
    )
    staff = StaffFactory()
    InvestorFactory.create_batch(3)
    log_in(page, staff.username)
    assert_pages_accessible(
        page,
        [
            "/en/investors/",
            "/en/investors/?kind=vc&stage=seed",
            f"/en/roadshows/{roadshow.pk}/checkin/",
        ],
    )
    assert browser_errors == []


def test_project_to_roadshow_to_interest(page, new_context, browser_errors):
    talent = UserFactory(display_name="Li Ming", preferred_language="en", phone="13800000000")
    staff = StaffFactory()
    investor_user, investor = investor_member()
    roadshow = RoadshowFactory(title_zh="科创项目路演", title_en="Sci-tech roadshow", capacity=2)

    # A talent submits a project.
    log_in(page, talent.username)
    page.goto("/en/projects/new/")
    page.fill("#id_title_zh", "固态锂电池电解质产业化项目")
    page.fill("#id_title_en", "Solid-state electrolytes")
    page.fill("#id_summary_zh", "固态锂电池电解质的研发与产业化。")
    page.select_option("#id_industry", str(Industry.objects.get(code="artificial-intelligence").pk))
    page.select_option("#id_region", "330100")
    page.select_option("#id_stage", "seed")
    page.fill("#id_funding_sought", "5000000")
    page.get_by_label("Capital").check()
    assert_accessible(page)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("draft")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messages")).to_contain_text("submitted for review")
    project = Project.objects.get(title_en="Solid-state electrolytes")
    assert project.status == "submitted"

    # Staff publish it and put it on the agenda (the services the admin actions call).
    services.project_publish(project=project, by=staff)
    services.slot_add(roadshow=roadshow, project=project, by=staff)

    # A visitor registers for the roadshow and sees the check-in code.
    visitor = UserFactory(preferred_language="en")
    other = new_context().new_page()
    log_in(other, visitor.username)
    other.goto(f"/en/roadshows/{roadshow.pk}/")
    expect(other.get_by_role("link", name="Solid-state electrolytes")).to_be_visible()
    other.get_by_role("button", name="Register").click()
    expect(other.locator(".messages")).to_contain_text("You are registered")
    code = Registration.objects.get(user=visitor).code
    expect(other.locator(".rs-code")).to_have_text(code)
    expect(other.locator("img.rs-qr")).to_be_visible()
    assert_accessible(other)

    # An investor registers too, and expresses interest in the project.
    investor_page = new_context().new_page()
    log_in(investor_page, investor_user.username)
    investor_page.goto(f"/en/roadshows/{roadshow.pk}/")
    investor_page.get_by_role("button", name="Register").click()
    assert Registration.objects.get(user=investor_user).investor == investor
    investor_page.goto(f"/en/projects/{project.pk}/")
    investor_page.fill("#id_message", "We would like to meet the team.")
    investor_page.get_by_role("button", name=re.compile("Express interest")).click()
    expect(investor_page.locator(".messages")).to_contain_text("told of your interest")
    assert_accessible(investor_page)

    # The team accepts: both see each other's contact.
    page.goto(f"/en/projects/{project.pk}/")
    expect(page.get_by_text("We would like to meet the team.")).to_be_visible()
    page.get_by_role("button", name="Accept and exchange contacts").click()
    expect(page.locator(".rs-interests")).to_contain_text(investor.contact_email)
    assert Interest.objects.get().status == "accepted"
    investor_page.reload()
    expect(investor_page.locator("body")).to_contain_text("13800000000")
    assert browser_errors == []
