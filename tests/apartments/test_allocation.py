import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apartments import services
from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Offer,
    Unit,
)
from talentportal.models import ApplicationEvent, Notification
from tests.apartments.factories import (
    AFTER,
    CLOSES,
    DURING,
    HANGZHOU_DISTRICT,
    OPENS,
    SEED,
    CommunityFactory,
    RentRuleFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    apply,
    drawn_round,
    lease_for,
    open_round,
    region,
    resident_id,
    superuser,
    units,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


def _through_freeze(round, staff):
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)


def _draw(round, staff, seed=SEED):
    _through_freeze(round, staff)
    services.round_draw(round=round, by=staff, seed=seed if round.is_lottery else None)


# --- the round's lifecycle ---------------------------------------------------------------------


def test_open_stores_only_the_commitment_and_returns_the_seed_once():
    staff = superuser()
    round = RoundFactory()
    UnitFactory(community=round.community)
    services.round_units_add(round=round, units=round.community.units.all(), by=staff)
    seed = services.round_open(round=round, by=staff, now=OPENS)
    assert len(seed) == 64
    round.refresh_from_db()
    assert round.status == "open" and round.revealed_seed == ""
    assert round.seed_commitment == services.lottery.commitment(seed)
    assert seed not in str(AllocationRound.objects.filter(pk=round.pk).values().get())


def test_a_round_cannot_open_without_units_nor_twice():
    staff = superuser()
    round = RoundFactory()
    with pytest.raises(services.AllocationError):
        services.round_open(round=round, by=staff)
    services.round_units_add(round=round, units=[UnitFactory(community=round.community)], by=staff)
    services.round_open(round=round, by=staff)
    with pytest.raises(services.AllocationError):
        services.round_open(round=round, by=staff)


def test_units_of_another_community_cannot_be_offered():
    round = RoundFactory()
    with pytest.raises(services.AllocationError):
        services.round_units_add(round=round, units=[UnitFactory()], by=superuser())


def test_applications_only_in_the_window_and_closing_only_after_it():
    staff = superuser()
    round = open_round(units_=units(CommunityFactory(), 1))
    round = AllocationRound.objects.get(pk=round.pk)
    with pytest.raises(services.AllocationError):
        apply(round, now=OPENS - datetime.timedelta(minutes=1))
    with pytest.raises(services.AllocationError):
        apply(round, now=CLOSES)
    apply(round, now=DURING)
    with pytest.raises(services.AllocationError):
        services.round_close(round=round, by=staff, now=DURING)
    services.round_close(round=round, by=staff, now=CLOSES)
    with pytest.raises(services.AllocationError):
        apply(round, now=DURING)


def test_one_application_per_account_and_round():
    round = open_round(units_=units(CommunityFactory(), 1))
    user = UserFactory()
    apply(round, user)
    with pytest.raises(ValidationError) as error:
        apply(round, user, full_name="另一个名字")
    assert [e.code for e in error.value.error_dict["__all__"]] == ["one_per_round"]


def test_freeze_needs_every_application_decided():
    staff = superuser()
    round = open_round(units_=units(CommunityFactory(), 1))
    apply(round)
    services.round_close(round=round, by=staff, now=AFTER)
    with pytest.raises(services.AllocationError) as error:
        services.round_freeze(round=round, by=staff)
    assert error.value.code == "undecided"


def test_decide_approves_the_eligible_and_rejects_the_rest_with_reasons():
    staff = superuser()
    community = CommunityFactory(min_degree=3)
    round = open_round(units_=units(community, 1), community=community)
    good = apply(round, highest_degree=4)
    bad = apply(round, highest_degree=2, full_name="李四", phone="13611111111")
    services.round_close(round=round, by=staff, now=AFTER)
    assert services.applications_decide(round=round, by=staff) == {
        "approved": 1,
        "rejected": 1,
        "left": 0,
    }
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "approved" and bad.status == "rejected"
    assert "Master" in bad.decision_reason or "硕士" in bad.decision_reason


def test_draft_applications_are_not_in_the_frozen_list():
    staff = superuser()
    round = open_round(units_=units(CommunityFactory(), 1))
    draft = apply(round, submit=False)
    submitted = apply(round, full_name="王五", phone="13622222222")
    _through_freeze(round, staff)
    assert submitted.reference in round.frozen_list
    assert draft.reference not in round.frozen_list


def test_finish_needs_no_pending_offers():
    staff = superuser()
    round, _ordered = drawn_round(applicants=2, unit_count=1, staff=staff)
    services.allocation_commit(round=round, by=staff)
    with pytest.raises(services.AllocationError):
        services.round_finish(round=round, by=staff)
    offer = Offer.objects.get(application__round=round)
    services.offer_accept(offer=offer, by=offer.application.applicant)
    services.round_finish(round=round, by=staff)
    assert AllocationRound.objects.get(pk=round.pk).status == "finished"


# --- duplicates --------------------------------------------------------------------------------


def test_same_id_number_under_two_accounts_is_flagged():
    round = open_round(units_=units(CommunityFactory(), 1))
    number = resident_id()
    first = apply(round, id_number=number)
    second = apply(round, id_number=number, full_name="张卫", phone="13800000001")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.flagged and second.duplicate_of == first
    assert first.reference in second.flag_reason
    assert not first.flagged


def test_same_name_birth_date_and_phone_under_two_accounts_is_flagged():
    round = open_round(units_=units(CommunityFactory(), 1))
    first = apply(round, full_name="陈 思远", phone="139-1234-5678")
    second = apply(round, full_name="陈思远", phone="13912345678")
    second.refresh_from_db()
    assert second.flagged and second.duplicate_of_id == first.pk
    # A different birth date is a different person.
    other = apply(
        round, full_name="陈思远", phone="13912345678", birth_date=datetime.date(1990, 2, 2)
    )
    other.refresh_from_db()
    assert not other.flagged


def test_freeze_waits_for_duplicates_and_staff_resolve_them():
    staff = superuser()
    round = open_round(units_=units(CommunityFactory(), 2))
    number = resident_id()
    original = apply(round, id_number=number)
    copy = apply(round, id_number=number, phone="13000000000")
    twin = apply(round, full_name="张伟", phone="13900000000")  # same name, birth and phone
    services.round_close(round=round, by=staff, now=AFTER)
    assert services.applications_decide(round=round, by=staff)["left"] == 2
    with pytest.raises(services.AllocationError) as error:
        services.round_freeze(round=round, by=staff)
    assert error.value.code == "duplicates"

    services.duplicate_resolve(application=copy, by=staff, duplicate=True)
    copy.refresh_from_db()
    assert copy.status == "rejected" and original.reference in copy.decision_reason
    services.duplicate_resolve(
        application=twin, by=staff, duplicate=False, comment="Twins: checked the ID cards."
    )
    twin.refresh_from_db()
    assert twin.duplicate_of is None and twin.flag_resolved_by == staff
    # Re-running detection leaves resolved applications alone.
    assert services.duplicates_detect(round=round) == 0
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    assert original.reference in round.frozen_list and twin.reference in round.frozen_list
    assert copy.reference not in round.frozen_list


# --- allocation --------------------------------------------------------------------------------


def test_plan_then_commit_offers_units_to_the_best_ranked():
    staff = superuser()
    round, ordered = drawn_round(applicants=10, unit_count=4, staff=staff)
    plan = services.allocation_plan(round=round)
    assert [item.application for item in plan] == ordered[:4]
    assert not Offer.objects.exists()  # a preview writes nothing

    offers = services.allocation_commit(round=round, by=staff, now=AFTER)
    assert [offer.application for offer in offers] == ordered[:4]
    assert {offer.unit.status for offer in offers} == {"offered"}
    assert Unit.objects.filter(community=round.community, status="offered").count() == 4
    first = offers[0]
    assert first.expires_at == AFTER + datetime.timedelta(days=round.offer_days)
    assert Notification.objects.filter(recipient=first.application.applicant).exists()
    assert ApplicationEvent.objects.filter(
        reference=first.application.reference,
        comment__contains=f"{first.unit.building}-{first.unit.number}",
    ).exists()
    # Nothing left to offer: committing again makes no offers.
    assert services.allocation_commit(round=round, by=staff) == []


def test_queue_allocation_goes_by_score_then_submission_time():
    staff = superuser()
    community = CommunityFactory()
    round = open_round(units_=units(community, 2), community=community, method="queue")
    early_low = apply(round, years_in_region=1, now=DURING)
    high = apply(
        round,
        years_in_region=9,
        full_name="高分",
        phone="13500000001",
        now=DURING + datetime.timedelta(hours=2),
    )
    late_low = apply(
        round,
        years_in_region=1,
        full_name="晚到",
        phone="13500000002",
        now=DURING + datetime.timedelta(hours=3),
    )
    _draw(round, staff)
    offered = [item.application for item in services.allocation_plan(round=round)]
    assert offered == [high, early_low]
    late_low.refresh_from_db()
    assert late_low.general_rank == 3


def test_offers_respect_layout_preferences_household_and_accessibility():
    staff = superuser()
    community = CommunityFactory()
    studio = UnitFactory(community=community, layout="studio", building="1", number="101")
    two_bed = UnitFactory(community=community, layout="two_bed", building="2", number="201")
    accessible = UnitFactory(community=community, layout="one_bed", accessible=True, number="102")
    round = open_round(units_=[studio, two_bed, accessible], community=community)
    family = apply(round, household_size=3, full_name="家庭", phone="13300000001")
    needs = apply(round, needs_accessible=True, full_name="无障碍", phone="13300000002")
    picky = apply(round, preferred_layouts=["studio"], full_name="单间", phone="13300000003")
    _draw(round, staff)
    plan = {item.application.pk: item.unit for item in services.allocation_plan(round=round)}
    assert plan[family.pk] == two_bed
    assert plan[needs.pk] == accessible
    assert plan[picky.pk] == studio


def test_rent_on_the_offer_follows_the_tier_rule():
    staff = superuser()
    community = CommunityFactory()
    RentRuleFactory(community=community, tier="A", terms="free")
    RentRuleFactory(community=community, tier="", terms="discount", discount_percent=20)
    round = open_round(units_=units(community, 2, monthly_rent=3000), community=community)
    top = apply(round, tier="A")
    other = apply(round, full_name="普通", phone="13400000001")
    _draw(round, staff)
    plan = {item.application.pk: item for item in services.allocation_plan(round=round)}
    assert (plan[top.pk].monthly_rent, plan[top.pk].rent_terms) == (0, "free")
    assert (plan[other.pk].monthly_rent, plan[other.pk].rent_terms) == (2400, "discount")


def test_preference_group_units_go_to_members_first_then_leftovers_to_everyone():
    staff = superuser()
    community = CommunityFactory()
    group_units = units(community, 2, layout="two_bed", building="F")
    general_units = units(community, 1, layout="two_bed", building="G")
    round = open_round(
        units_=general_units,
        community=community,
        groups=[({"code": "top", "kind": "high_tier"}, group_units)],
    )
    top = apply(round, tier="A", full_name="顶尖", phone="13200000001")
    singles = [apply(round, full_name=f"普{i}", phone=f"1320000010{i}") for i in range(5)]
    _draw(round, staff)
    top.refresh_from_db()
    assert top.preference_group.code == "top" and top.rank == 1
    plan = services.allocation_plan(round=round)
    by_app = {item.application.pk: item for item in plan}
    assert by_app[top.pk].unit in group_units and by_app[top.pk].pool == "top"
    # The group's second unit went to the general order, with the general unit.
    general = [item for item in plan if item.pool == "general"]
    assert len(general) == 2
    ranked = sorted(singles, key=lambda a: ApartmentApplication.objects.get(pk=a.pk).general_rank)
    assert [item.application.pk for item in general] == [a.pk for a in ranked[:2]]


def test_decline_passes_the_unit_to_the_next_in_order():
    staff = superuser()
    round, ordered = drawn_round(applicants=5, unit_count=2, staff=staff)
    services.allocation_commit(round=round, by=staff, now=AFTER)
    offer = Offer.objects.get(application=ordered[0])
    with pytest.raises(PermissionDenied):
        services.offer_decline(offer=offer, by=ordered[1].applicant)
    services.offer_decline(offer=offer, by=ordered[0].applicant, now=AFTER)
    offer.refresh_from_db()
    assert offer.status == "declined"
    passed = Offer.objects.get(unit=offer.unit, status="pending")
    assert passed.application == ordered[2]
    # The one who declined is not offered again.
    assert services.allocation_plan(round=round) == []


def test_offer_expiry_passes_the_unit_to_the_next_in_order():
    staff = superuser()
    round, ordered = drawn_round(applicants=4, unit_count=1, staff=staff)
    (offer,) = services.allocation_commit(round=round, by=staff, now=AFTER)
    assert services.offers_expire(now=offer.expires_at - datetime.timedelta(seconds=1)) == 0
    later = offer.expires_at + datetime.timedelta(minutes=1)
    assert services.offers_expire(now=later) == 1
    offer.refresh_from_db()
    assert offer.status == "expired"
    following = Offer.objects.get(status="pending")
    assert following.application == ordered[1] and following.unit == offer.unit
    assert following.expires_at == later + datetime.timedelta(days=round.offer_days)
    with pytest.raises(services.AllocationError):
        services.offer_accept(offer=offer, by=ordered[0].applicant, now=later)
    # And again, down the order.
    services.offers_expire(now=following.expires_at)
    assert Offer.objects.get(status="pending").application == ordered[2]


def test_an_applicant_who_became_a_tenant_elsewhere_is_skipped():
    staff = superuser()
    round, ordered = drawn_round(applicants=3, unit_count=1, staff=staff)
    lease_for(UnitFactory(), tenant=ordered[0].applicant)
    plan = services.allocation_plan(round=round)
    assert [item.application for item in plan] == [ordered[1]]


# --- region-scoped staff -----------------------------------------------------------------------


def test_region_scoped_staff_manage_only_their_region():
    changzhou_staff = apartment_staff(region_code="320400")
    hangzhou_staff = apartment_staff(region_code="330100")
    province_staff = apartment_staff()
    plain_staff = UserFactory(is_staff=True)  # no apartments permission
    round = RoundFactory()  # in Changzhou
    services.round_units_add(
        round=round, units=[UnitFactory(community=round.community)], by=changzhou_staff
    )
    for outsider in (hangzhou_staff, plain_staff, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.round_open(round=round, by=outsider)
    services.round_open(round=round, by=changzhou_staff, now=OPENS)
    application = apply(round)
    assert application.can_process(changzhou_staff)
    assert application.can_process(province_staff)
    assert not application.can_process(hangzhou_staff)
    assert not application.can_process(plain_staff)
    assert list(ApartmentApplication.objects.processable_by(hangzhou_staff)) == []
    assert list(ApartmentApplication.objects.processable_by(changzhou_staff)) == [application]
    assert list(services.applications_visible_to(hangzhou_staff)) == []
    assert list(services.applications_visible_to(application.applicant)) == [application]
    with pytest.raises(PermissionDenied):
        services.round_close(round=round, by=hangzhou_staff, now=AFTER)
    services.round_close(round=round, by=changzhou_staff, now=AFTER)
    with pytest.raises(PermissionDenied):
        services.applications_decide(round=round, by=hangzhou_staff)


def test_hangzhou_staff_run_hangzhou_rounds():
    hangzhou_staff = apartment_staff(region_code="330100")
    community = CommunityFactory(region=region(HANGZHOU_DISTRICT))
    round, ordered = drawn_round(
        applicants=3, unit_count=1, staff=hangzhou_staff, community=community
    )
    offers = services.allocation_commit(round=round, by=hangzhou_staff)
    assert [offer.application for offer in offers] == ordered[:1]
