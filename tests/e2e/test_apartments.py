"""Talent apartments in a real browser: a talent checks whether they qualify, applies in a
lottery round, staff run the round in the back office (close, decide, freeze, draw with the
seed, allocate), the talent checks the draw, accepts the offer and sees the lease. axe-core
checks every public page on the way; the public pages are also checked without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apartments import services
from apartments.models import AllocationRound, ApartmentApplication, Lease, RoundStatus, RoundUnit
from talentportal.models import ApplicationStatus
from tests.apartments.factories import (
    SEED,
    CommunityFactory,
    RentRuleFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    drawn_round,
    resident_id,
)
from tests.e2e.a11y import assert_accessible, assert_pages_accessible
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.talentportal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_in(page, username, *, path="/accounts/login/"):
    code = second_factor_code(username)
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def estate():
    """A published community in Changzhou with units, and a lottery round open now."""
    community = CommunityFactory(
        name_zh="东方青年人才社区",
        name_en="Oriental Youth Talent Community",
        description_en="Close to the metro, with a canteen and a gym.",
        facilities=["coworking", "canteen", "gym"],
    )
    RentRuleFactory(community=community, tier="", terms="discount", discount_percent=30)
    units = [UnitFactory(community=community, layout="one_bed") for _ in range(2)]
    UnitFactory(community=community, layout="studio", monthly_rent=1500)
    now = timezone.now()
    round = RoundFactory(
        community=community,
        title_zh="2026年第一批人才公寓配租",
        title_en="First allocation round of 2026",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
    )
    for unit in units:
        RoundUnit.objects.create(round=round, unit=unit)
    services.round_open(round=round, by=apartment_staff(), seed=SEED)
    return community, round


def test_public_apartment_pages_are_accessible(page, browser_errors):
    community, round = estate()
    paths = [
        "/apartments/",
        "/apartments/?layout=one_bed&vacant=1&rent_max=3000&facility=gym",
        "/apartments/?rent_min=abc&region=999999",  # problems reported on the page
        f"/apartments/{community.pk}/",
        f"/apartments/{community.pk}/?check=1&degree=2&employed=yes&owns_home=no&household=1",
        f"/apartments/rounds/{round.pk}/",
        f"/apartments/rounds/{round.pk}/verify/",
        "/apartments/occupancy/",
        "/apartments/occupancy/?region=320400",
    ]
    assert_pages_accessible(page, paths + ["/en" + path for path in paths])
    assert browser_errors == []


def test_the_pages_work_without_javascript(new_context):
    estate()
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/en/apartments/")
    page.get_by_label("Only communities with a unit available now").check()
    page.locator("#community-search .apt-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"vacant=on"))
    page.get_by_role("link", name="Oriental Youth Talent Community").click()
    page.get_by_label("Yes").first.check()
    page.locator("#qualify button[type=submit]").click()
    expect(page.locator("#qualify .apt-checks")).to_contain_text("You work in")


def test_a_talent_applies_staff_draw_and_the_talent_accepts_the_offer(
    page, new_context, browser_errors
):
    community, round = estate()
    talent = UserFactory(display_name="Li Ming", preferred_language="en")
    rivals = [UserFactory() for _ in range(2)]
    staff_user = apartment_staff(username="officer")

    # The talent finds the community and checks whether they qualify.
    log_in(page, talent.username, path="/en/accounts/login/")
    page.goto("/en/apartments/")
    page.get_by_role("link", name="Oriental Youth Talent Community").click()
    expect(page).to_have_url(re.compile(rf"/en/apartments/{community.pk}/$"))
    qualify = page.locator("#qualify")
    qualify.get_by_label("Your highest degree").select_option("2")
    qualify.locator("fieldset:has-text('work for an employer')").get_by_label("Yes").check()
    qualify.locator("fieldset:has-text('own a home')").get_by_label("No").check()
    qualify.get_by_label("Household size, including you").fill("1")
    qualify.locator("button[type=submit]").click()
    expect(page.locator("#qualify .apt-verdict--yes")).to_be_visible()
    assert_accessible(page)

    # The round: units, the published commitment, and applying.
    page.get_by_role("link", name="First allocation round of 2026").click()
    expect(page.locator("main")).to_contain_text(round.seed_commitment)
    page.get_by_role("link", name="Apply in this round").click()
    expect(page).to_have_url(re.compile(rf"/en/apartments/rounds/{round.pk}/apply/$"))
    assert_accessible(page)
    page.fill("#id_full_name", "李明")
    page.fill("#id_id_number", resident_id(datetime.date(1994, 5, 17)))
    page.fill("#id_birth_date", "1994-05-17")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_household_size", "1")
    page.select_option("#id_layout_1", "one_bed")
    page.fill("#id_employer", "Changzhou Institute of Technology")
    page.check("#id_employed_in_region_0")  # yes
    page.fill("#id_years_in_region", "4")
    page.check("#id_owns_home_in_city_1")  # no
    page.select_option("#id_highest_degree", "3")
    page.set_input_files(
        "#id_document",
        files=[{"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.check("#id_declaration")
    page.locator("button[value=check]").click()
    page.locator("form[action$='/check/'] button[type=submit]").click()
    application = ApartmentApplication.objects.get(applicant=talent)
    expect(page).to_have_url(re.compile(rf"/en/apartments/applications/{application.reference}/$"))
    expect(page.locator("main")).to_contain_text("You meet every rule.")
    assert application.status == ApplicationStatus.SUBMITTED
    assert_accessible(page)

    # Two other talents apply; then the window closes.
    for i, rival in enumerate(rivals):
        services.application_submit(
            application=services.application_start(
                round=round,
                applicant=rival,
                full_name=f"申请人{i}",
                id_number=resident_id(),
                birth_date=datetime.date(1994, 5, 17),
                phone=f"1380000000{i}",
                employer="常州某公司",
                employed_in_region=True,
                owns_home_in_city=False,
                highest_degree=2,
            ),
            by=rival,
        )
    AllocationRound.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    # Staff run the round in the back office, step by step.
    staff = new_context().new_page()
    log_in(staff, staff_user.username, path="/en/admin/login/")
    staff.goto(f"/en/admin/apartments/allocationround/{round.pk}/change/")
    for label in ("Close the round", "Decide the applications by eligibility", "Freeze the list"):
        staff.locator(f"input[type=submit][value='{label}']").click()
        expect(staff.locator(".messagelist .success")).to_be_visible()
    staff.get_by_role("link", name="Draw the order").click()
    staff.fill("#id_seed", SEED)
    staff.locator("input[type=submit]").click()
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAWN
    staff.get_by_role("link", name="Allocation: preview, then make the offers").click()
    expect(staff.locator("table.apt-plan tbody tr")).to_have_count(2)
    staff.locator("input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text("2 offers made")

    # The talent checks the draw: recomputed here, it matches the published result.
    application.refresh_from_db()
    page.goto(f"/en/apartments/rounds/{round.pk}/verify/")
    expect(page.locator("#verdict")).to_contain_text("Matches the published result")
    expect(page.locator("#browser-check [data-output]")).to_contain_text(
        "Recomputed in your browser too"
    )
    page.fill("#id_reference", application.reference)
    page.locator("form.apt-find button[type=submit]").click()
    expect(page.locator("#my-line")).to_contain_text(application.reference)
    assert_accessible(page)

    # Their rank and the totals, and the offer (if the draw gave them one of the two units).
    page.goto(f"/en/apartments/applications/{application.reference}/")
    expect(page.locator("main")).to_contain_text(f"Rank {application.general_rank} of 3")
    assert_accessible(page)
    offer = application.offers.filter(status="pending").first()
    if offer is None:
        # Third in the draw: the first offer is declined and passes to them.
        first = ApartmentApplication.objects.get(round=round, general_rank=1)
        services.offer_decline(offer=first.offers.get(), by=first.applicant)
        offer = application.offers.get(status="pending")
    page.goto("/en/apartments/mine/")
    page.get_by_role("link", name=re.compile(r"Building 1, unit")).first.click()
    expect(page).to_have_url(re.compile(rf"/en/apartments/offers/{offer.pk}/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Accept the offer").click()

    # The lease.
    lease = Lease.objects.get(tenant=talent)
    expect(page).to_have_url(re.compile(rf"/en/apartments/leases/{lease.pk}/$"))
    expect(page.locator("main")).to_contain_text("Welcome home")
    expect(page.locator("main")).to_contain_text(lease.end.strftime("%Y-%m-%d"))
    assert_accessible(page)
    assert browser_errors == []


def test_the_browser_recomputes_the_draw_and_notices_a_changed_result(page, browser_errors):
    round, ordered = drawn_round(applicants=5, unit_count=2)
    page.goto(f"/en/apartments/rounds/{round.pk}/verify/")
    check = page.locator("#browser-check [data-output]")
    expect(check).to_contain_text("Recomputed in your browser too")
    assert_accessible(page)

    # The office's published ranks are swapped afterwards: both checks notice.
    first, second = ordered[0], ordered[1]
    ApartmentApplication.objects.filter(pk=first.pk).update(rank=2, general_rank=2)
    ApartmentApplication.objects.filter(pk=second.pk).update(rank=1, general_rank=1)
    page.reload()
    expect(page.locator("#verdict")).to_contain_text("Does not match the published result")
    expect(check).to_contain_text("does NOT match")
    assert browser_errors == []
