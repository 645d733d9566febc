"""The apartments back office: every page opens, each round step goes through the services,
region-scoped staff see and change only their region, units import from a spreadsheet."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apartments import lottery, services
from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Lease,
    LeaseStatus,
    Offer,
    RoundStatus,
    RoundUnit,
    Unit,
    UnitStatus,
)
from talentportal.models import ApplicationStatus
from tests.apartments.factories import (
    HANGZHOU_DISTRICT,
    SEED,
    CommunityFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    apply,
    drawn_round,
    region,
    superuser,
)
from tests.apartments.web import accepting_round, offered_round
from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


BEACON_SOURCE = "中国福利彩票双色球 截止日后第一期开奖号码"


def step(name, round):
    return reverse(f"admin:apartments_allocationround_{name}", args=[round.pk])


def change(round):
    return reverse("admin:apartments_allocationround_change", args=[round.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff(client):
    user = apartment_staff()
    login_verified(client, user)
    return user


# Every page opens ----------------------------------------------------------------------------


def test_every_changelist_and_change_page_opens(client, staff):
    round, ordered, offers = offered_round(applicants=2, unit_count=1)
    lease = services.offer_accept(offer=offers[0], by=offers[0].application.applicant)
    for model, obj in [
        ("community", round.community),
        ("unit", lease.unit),
        ("allocationround", round),
        ("apartmentapplication", ordered[0]),
        ("offer", offers[0]),
        ("lease", lease),
    ]:
        assert client.get(reverse(f"admin:apartments_{model}_changelist")).status_code == 200
        url = reverse(f"admin:apartments_{model}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, model
    assert client.get(reverse("admin:apartments_community_add")).status_code == 200
    assert client.get(reverse("admin:apartments_allocationround_add")).status_code == 200


def test_application_queue_masks_id_numbers(client, staff):
    _round, ordered = drawn_round(applicants=1, unit_count=1)
    application = ordered[0]
    for url in (
        reverse("admin:apartments_apartmentapplication_changelist"),
        reverse("admin:apartments_apartmentapplication_change", args=[application.pk]),
    ):
        page = client.get(url).content.decode()
        assert application.id_number not in page
        assert application.id_number_masked in page


def test_community_page_links_to_its_units_instead_of_an_inline(client, staff):
    community = CommunityFactory()
    UnitFactory(community=community)
    page = client.get(reverse("admin:apartments_community_change", args=[community.pk]))
    html = page.content.decode()
    assert f"community__id__exact={community.pk}" in html
    listed = client.get(
        reverse("admin:apartments_unit_changelist"), {"community__id__exact": community.pk}
    )
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 1


def test_unit_changelist_filters_and_search(client, staff):
    community = CommunityFactory()
    UnitFactory(community=community, layout="studio", number="0808")
    UnitFactory(community=community, layout="two_bed", status=UnitStatus.LET)
    url = reverse("admin:apartments_unit_changelist")
    assert client.get(url, {"layout": "studio"}).context["cl"].result_count == 1
    assert client.get(url, {"status__exact": "let"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "0808"}).context["cl"].result_count == 1
    assert client.get(url, {"layout": "bogus"}).status_code == 200


# A round, step by step -----------------------------------------------------------------------


def test_round_steps_from_draft_to_offers_call_the_services(client, staff):
    community = CommunityFactory()
    for _ in range(3):
        UnitFactory(community=community)
    now = timezone.now()
    round = RoundFactory(
        community=community,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=5),
    )
    page = client.get(change(round)).content.decode()
    assert step("open", round) in page and step("units", round) in page

    # Add units, then open: the seed is shown once and only its hash is stored.
    response = client.post(step("units", round), {"limit": "2", "layout": ""}, follow=True)
    assert RoundUnit.objects.filter(round=round).count() == 2
    # A lottery also announces its public random value, drawn after the freeze.
    response = client.post(step("open", round), {"seed": SEED})
    assert response.context["form"].errors["beacon_source"]
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.DRAFT
    response = client.post(step("open", round), {"seed": SEED, "beacon_source": BEACON_SOURCE})
    assert response.status_code == 200
    assert SEED in response.content.decode()
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN
    assert round.seed_commitment == lottery.commitment(SEED)
    assert round.beacon_source == BEACON_SOURCE
    assert SEED not in client.get(change(round)).content.decode()

    for i in range(3):
        apply(round, full_name=f"申请人{i}", phone=f"1370000000{i}", now=timezone.now())

    # Closing before the window ends is refused with a message.
    response = client.post(step("close", round), follow=True)
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.OPEN
    assert messages_of(response)
    AllocationRound.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.post(step("close", round))
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.CLOSED

    client.post(step("decide", round))
    assert round.applications.filter(status=ApplicationStatus.APPROVED).count() == 3
    client.post(step("freeze", round))
    round.refresh_from_db()
    assert round.status == RoundStatus.FROZEN and round.frozen_list_hash

    # A wrong seed is refused next to the field; the right one draws.
    response = client.post(step("draw", round), {"seed": "0" * 64})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.FROZEN
    response = client.post(step("draw", round), {"seed": SEED})  # without the public value
    assert response.context["form"].errors["beacon"]
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.FROZEN
    client.post(step("draw", round), {"seed": SEED, "beacon": "07 12 19 23 30 33 05"})
    round.refresh_from_db()
    assert round.status == RoundStatus.DRAWN and round.revealed_seed == SEED
    assert round.beacon_value == "07 12 19 23 30 33 05"
    assert lottery.verify(round).ok

    # Allocation: the preview writes nothing; committing makes the offers.
    preview = client.get(step("allocation", round))
    assert len(preview.context["plan"]) == 2
    assert not Offer.objects.exists()
    client.post(step("allocation", round))
    assert Offer.objects.filter(application__round=round, status="pending").count() == 2

    # Finishing waits for the replies.
    response = client.post(step("finish", round), follow=True)
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.DRAWN
    assert messages_of(response)


def test_a_queue_round_opens_without_a_seed_and_draws_by_score(client, staff):
    community = CommunityFactory()
    UnitFactory(community=community)
    round = RoundFactory(community=community, method="queue")
    RoundUnit.objects.create(round=round, unit=community.units.get())
    response = client.post(step("open", round), {}, follow=True)
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN and round.seed_commitment == ""
    assert response.redirect_chain


def test_form_less_steps_are_post_only(client, staff):
    round = accepting_round()
    for name in ("close", "decide", "freeze", "finish"):
        assert client.get(step(name, round)).status_code == 405


def test_staff_without_the_permission_cannot_run_steps(client):
    round = accepting_round()
    login_verified(client, UserFactory(kind="staff", is_staff=True))
    assert client.post(step("close", round)).status_code in (403, 404)
    assert AllocationRound.objects.get(pk=round.pk).status == RoundStatus.OPEN


# Region-scoped staff -------------------------------------------------------------------------


def test_region_scoped_staff_see_only_their_region(client):
    changzhou = accepting_round()  # the factories' default community is in Changzhou
    hangzhou = accepting_round(community=CommunityFactory(region=region(HANGZHOU_DISTRICT)))
    apply(changzhou, now=timezone.now())
    apply(hangzhou, now=timezone.now())
    login_verified(client, apartment_staff(region_code="330100"))

    for model, expected in [
        ("community", hangzhou.community),
        ("allocationround", hangzhou),
        ("apartmentapplication", hangzhou.applications.get()),
    ]:
        listed = client.get(reverse(f"admin:apartments_{model}_changelist"))
        assert [obj.pk for obj in listed.context["cl"].result_list] == [expected.pk], model
    units = client.get(reverse("admin:apartments_unit_changelist")).context["cl"].result_list
    assert {unit.community_id for unit in units} == {hangzhou.community_id}

    # Another region's objects are not found (the admin sends staff back to its index),
    # their steps are a 404.
    assert client.get(change(changzhou)).status_code in (302, 404)
    assert client.post(step("close", changzhou)).status_code == 404
    other = changzhou.applications.get()
    url = reverse("admin:apartments_apartmentapplication_change", args=[other.pk])
    assert client.get(url).status_code in (302, 404)


def test_region_scoped_staff_choose_only_their_regions_and_communities(client):
    CommunityFactory()  # Changzhou
    login_verified(client, apartment_staff(region_code="330100"))
    form = client.get(reverse("admin:apartments_allocationround_add")).context["adminform"].form
    assert {c.region_id[:4] for c in form.fields["community"].queryset} <= {"3301"}


def test_vacancy_report_is_scoped_and_downloads(client):
    hangzhou = CommunityFactory(name_zh="杭州公寓", region=region(HANGZHOU_DISTRICT))
    UnitFactory(community=hangzhou)
    changzhou = CommunityFactory(name_zh="常州公寓")
    UnitFactory(community=changzhou, status=UnitStatus.LET)
    UnitFactory(community=changzhou)
    url = reverse("admin:apartments_community_vacancy")

    login_verified(client, apartment_staff())
    response = client.get(url)
    assert [c.name_zh for c in response.context["communities"]] == ["杭州公寓", "常州公寓"]
    rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert rows[1][7] == "100.0%" and rows[2][7] == "50.0%"

    login_verified(client, apartment_staff(region_code="330100"))
    assert [c.name_zh for c in client.get(url).context["communities"]] == ["杭州公寓"]


# Applications, duplicates, decisions ---------------------------------------------------------


def closed_round_with_duplicates():
    round = accepting_round()
    original = apply(round, now=timezone.now())
    duplicate = apply(
        round,
        id_number=original.id_number,
        birth_date=original.birth_date,
        now=timezone.now(),
    )
    AllocationRound.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    round.refresh_from_db()
    services.round_close(round=round, by=superuser())
    return round, original, ApartmentApplication.objects.get(pk=duplicate.pk)


def test_duplicates_are_flagged_in_the_queue_and_resolved_by_an_action(client, staff):
    _round, original, duplicate = closed_round_with_duplicates()
    url = reverse("admin:apartments_apartmentapplication_changelist")
    flagged = client.get(url, {"duplicates": "open"}).context["cl"].result_list
    assert [a.pk for a in flagged] == [duplicate.pk]

    client.post(url, {"action": "mark_duplicate", "_selected_action": [duplicate.pk, original.pk]})
    duplicate.refresh_from_db()
    assert duplicate.status == ApplicationStatus.REJECTED
    assert duplicate.flag_resolved_by == staff
    original.refresh_from_db()
    assert original.status == ApplicationStatus.SUBMITTED  # not flagged: left alone


def test_a_flag_can_be_cleared(client, staff):
    _round, _original, duplicate = closed_round_with_duplicates()
    client.post(
        reverse("admin:apartments_apartmentapplication_changelist"),
        {"action": "mark_not_duplicate", "_selected_action": [duplicate.pk]},
    )
    duplicate.refresh_from_db()
    assert duplicate.flag_resolved_at is not None and duplicate.duplicate_of is None
    assert duplicate.status == ApplicationStatus.SUBMITTED


def test_one_decision_with_a_message(client, staff):
    round = accepting_round()
    application = apply(round, now=timezone.now())
    url = reverse("admin:apartments_apartmentapplication_decide", args=[application.pk, "rejected"])
    assert client.post(url, {"comment": ""}).status_code == 200  # a reason is required
    client.post(url, {"comment": "材料不全"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason == "材料不全"
    bad = reverse("admin:apartments_apartmentapplication_decide", args=[application.pk, "draft"])
    assert client.get(bad).status_code == 302


# Offers and leases ---------------------------------------------------------------------------


def test_lease_renew_and_end_through_the_services(client, staff):
    _round, _ordered, offers = offered_round(applicants=1, unit_count=1)
    lease = services.offer_accept(offer=offers[0], by=offers[0].application.applicant)
    end = lease.end

    client.post(reverse("admin:apartments_lease_renew", args=[lease.pk]), {"months": "12"})
    lease.refresh_from_db()
    assert lease.renewals == 1 and lease.end == services.add_months(end, 12)

    response = client.post(
        reverse("admin:apartments_lease_renew", args=[lease.pk]), {"months": "999"}
    )
    assert response.status_code == 200 and response.context["form"].errors

    move_out = lease.start + datetime.timedelta(days=30)
    client.post(
        reverse("admin:apartments_lease_end", args=[lease.pk]),
        {"on": move_out.isoformat(), "reason": "调动"},
    )
    lease.refresh_from_db()
    assert (lease.status, lease.end, lease.end_reason) == (LeaseStatus.ENDED, move_out, "调动")
    assert Unit.objects.get(pk=lease.unit_id).status == UnitStatus.AVAILABLE


def test_lease_actions_renew_in_bulk(client, staff):
    _round, _ordered, offers = offered_round(applicants=2, unit_count=2)
    leases = [services.offer_accept(offer=o, by=o.application.applicant) for o in offers]
    client.post(
        reverse("admin:apartments_lease_changelist"),
        {"action": "renew", "_selected_action": [lease.pk for lease in leases]},
    )
    assert set(Lease.objects.values_list("renewals", flat=True)) == {1}


def test_expire_due_offers_action(client, staff):
    _round, ordered, offers = offered_round(applicants=2, unit_count=1)
    Offer.objects.filter(pk=offers[0].pk).update(
        offered_at=timezone.now() - datetime.timedelta(days=10),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.post(
        reverse("admin:apartments_offer_changelist"),
        {"action": "expire_due", "_selected_action": [offers[0].pk]},
    )
    assert Offer.objects.get(pk=offers[0].pk).status == "expired"
    assert Offer.objects.filter(application=ordered[1], status="pending").exists()


def test_unit_maintenance_actions(client, staff):
    unit = UnitFactory()
    url = reverse("admin:apartments_unit_changelist")
    client.post(url, {"action": "to_maintenance", "_selected_action": [unit.pk]})
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.MAINTENANCE
    client.post(url, {"action": "from_maintenance", "_selected_action": [unit.pk]})
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.AVAILABLE


# Unit import ---------------------------------------------------------------------------------

IMPORT = reverse("admin:apartments_unit_import")
PROCESS = reverse("admin:apartments_unit_process_import")
HEADER = "community,building,floor,number,layout,area_m2,monthly_rent,furnished,accessible,status"


def units_csv(*rows) -> SimpleUploadedFile:
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("units.csv", text.encode(), content_type="text/csv")


def import_units(client, upload):
    preview = client.post(IMPORT, {"import_file": upload, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    form = preview.context.get("confirm_form")
    if form is None:
        return preview, None
    return preview, client.post(
        PROCESS, {name: form.initial[name] for name in form.initial}, follow=True
    )


def test_units_import_from_csv_adds_and_updates(client, staff):
    community = CommunityFactory()
    UnitFactory(community=community, building="1", number="0101", monthly_rent=1000)
    _preview, done = import_units(
        client,
        units_csv(
            f"{community.pk},1,1,0101,studio,30.5,1500,1,0,available",
            f"{community.pk},1,2,0201,two_bed,88,3200,1,1,available",
        ),
    )
    assert done is not None and done.status_code == 200
    assert Unit.objects.get(community=community, number="0101").monthly_rent == 1500
    assert Unit.objects.get(community=community, number="0201").layout == "two_bed"


def test_units_import_reports_bad_rows_and_imports_nothing(client, staff):
    community = CommunityFactory()
    _preview, done = import_units(
        client,
        units_csv(
            f"{community.pk},1,1,0101,studio,30,1500,1,0,available",
            "999999,1,1,0102,studio,30,1500,1,0,available",
            f"{community.pk},1,1,0103,penthouse,30,abc,1,0,available",
        ),
    )
    assert done is None
    assert not Unit.objects.filter(community=community).exists()


def test_region_scoped_staff_import_only_into_their_region(client):
    changzhou = CommunityFactory()
    login_verified(client, apartment_staff(region_code="330100"))
    _preview, done = import_units(
        client, units_csv(f"{changzhou.pk},1,1,0101,studio,30,1500,1,0,available")
    )
    assert done is None
    assert not Unit.objects.exists()


def test_units_export(client, staff):
    UnitFactory(number="0909")
    response = client.post(
        reverse("admin:apartments_unit_export"),
        {"format": "0", "resource": "0", **{f"unitresource_{f}": "on" for f in HEADER.split(",")}},
    )
    assert response.status_code == 200
    assert b"0909" in response.content
