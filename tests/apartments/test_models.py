import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apartments import services
from apartments.models import (
    AllocationRound,
    Community,
    Lease,
    Occupancy,
    Offer,
    RentTerms,
    Unit,
    mask_id_number,
    vacancy_rate,
    validate_resident_id,
)
from tests.apartments.factories import (
    HANGZHOU_DISTRICT,
    ApplicationFactory,
    CommunityFactory,
    RentRuleFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    lease_for,
    region,
    resident_id,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_unit_number_is_unique_per_community_and_building():
    unit = UnitFactory(building="3", number="0601")
    UnitFactory(community=unit.community, building="4", number="0601")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(community=unit.community, building="3", number="0601")


def test_forged_overlapping_lease_is_rejected_by_the_database():
    unit = UnitFactory()
    lease_for(unit, start=datetime.date(2026, 4, 1), months=12)
    with pytest.raises(IntegrityError, match="lease_no_overlap"), transaction.atomic():
        lease_for(unit, start=datetime.date(2026, 9, 1), months=12)
    # Raw SQL is refused the same way.
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.filter(pk=lease_for(UnitFactory()).pk).update(unit=unit)


def test_leases_may_follow_each_other_and_ended_ones_do_not_block():
    unit = UnitFactory()
    first = lease_for(unit, start=datetime.date(2026, 4, 1), months=12)
    # The move-out day is free for the next tenant: [start, end).
    lease_for(unit, start=first.end, months=12)
    ended = lease_for(UnitFactory(), start=datetime.date(2026, 1, 1), months=24, status="ended")
    lease_for(ended.unit, start=datetime.date(2026, 6, 1), months=6)


def test_lease_model_validation_reports_the_overlap():
    unit = UnitFactory()
    lease_for(unit)
    forged = Lease(
        unit=unit,
        tenant=UserFactory(),
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 6, 1),
        monthly_rent=1,
    )
    with pytest.raises(ValidationError) as error:
        forged.full_clean()
    assert [e.code for e in error.value.error_dict["__all__"]] == ["overlap"]


def test_lease_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        lease_for(UnitFactory(), months=0)


def test_one_pending_offer_per_unit_and_one_live_offer_per_application():
    unit = UnitFactory()
    application = ApplicationFactory(round=RoundFactory(community=unit.community))
    now = timezone.now()
    fields = {"offered_at": now, "expires_at": now + datetime.timedelta(days=7)}
    fields |= {"monthly_rent": 100, "rent_terms": RentTerms.MARKET}
    Offer.objects.create(application=application, unit=unit, **fields)
    other = ApplicationFactory(round=application.round)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(application=other, unit=unit, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(application=application, unit=UnitFactory(), **fields)
    Offer.objects.filter(unit=unit).update(status="declined")
    Offer.objects.create(application=other, unit=unit, **fields)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "open", "seed_commitment": ""},  # a lottery commits before opening
        {"status": "frozen", "seed_commitment": "a" * 64, "frozen_list_hash": ""},
        {"status": "drawn", "seed_commitment": "a" * 64, "frozen_list_hash": "b" * 64},
        {"seed_commitment": "not-a-digest"},
    ],
)
def test_round_commitments_are_required_by_state(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(**fields)


def test_round_closes_after_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(closes_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def test_queue_round_needs_no_seed():
    RoundFactory(method="queue", status="drawn", frozen_list_hash="b" * 64)


def test_resident_id_validation_and_masking():
    number = resident_id(datetime.date(1990, 1, 1))
    validate_resident_id(number)
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_resident_id(broken)
    with pytest.raises(ValidationError):
        validate_resident_id("12345")
    assert mask_id_number(number) == number[:3] + "*" * 11 + number[-4:]
    application = ApplicationFactory.build(id_number=number, phone="13912345678")
    assert application.id_number_masked.count("*") == 11
    assert application.phone_masked == "139****5678"


def test_birth_date_must_match_the_id_number():
    application = ApplicationFactory(birth_date=datetime.date(1994, 5, 17))
    application.birth_date = datetime.date(1994, 5, 18)
    with pytest.raises(ValidationError) as error:
        application.full_clean()
    assert "birth_date" in error.value.error_dict


def test_application_reference_prefix_is_unique_in_the_project():
    from talentportal.workflow import application_models

    prefixes = [model.REFERENCE_PREFIX for model in application_models()]
    assert prefixes.count("AA") == 1


def test_rent_rules_by_tier():
    community = CommunityFactory()
    RentRuleFactory(community=community, tier="A", terms="free")
    RentRuleFactory(community=community, tier="C", terms="discount", discount_percent=30)
    RentRuleFactory(community=community, tier="", terms="market")
    unit = UnitFactory(community=community, monthly_rent=2345)
    assert community.rent_for(unit, "A") == (0, "free")
    # 70% of 2345 = 1641.5, rounded half up to whole yuan
    assert community.rent_for(unit, "C") == (1642, "discount")
    assert community.rent_for(unit, "") == (2345, "market")
    assert community.rent_for(unit, "E") == (2345, "market")
    with pytest.raises(IntegrityError), transaction.atomic():
        RentRuleFactory(community=community, tier="B", terms="discount", discount_percent=0)


def test_community_querysets_by_region_and_visibility():
    changzhou = CommunityFactory()
    hangzhou = CommunityFactory(region=region(HANGZHOU_DISTRICT))
    hidden = CommunityFactory(is_published=False)
    assert set(Community.objects.in_region(region("320400"))) == {changzhou, hidden}
    assert set(Community.objects.in_region(region("330000"))) == {hangzhou}
    anonymous = type("Anon", (), {"is_authenticated": False})()
    assert hidden not in Community.objects.visible_to(anonymous)
    city_staff = apartment_staff(region_code="320400")
    assert set(Community.objects.visible_to(city_staff)) == {changzhou, hidden}


def _summary(community):
    return {
        row.layout: (row.units, row.available, row.offered, row.let, row.maintenance, row.residents)
        for row in Occupancy.objects.filter(community=community)
    }


def test_occupancy_summary_follows_every_write_path():
    community = CommunityFactory()
    one, two, three = (UnitFactory(community=community) for _ in range(3))
    studio = UnitFactory(community=community, layout="studio")
    assert _summary(community) == {"one_bed": (3, 3, 0, 0, 0, 0), "studio": (1, 1, 0, 0, 0, 0)}

    Unit.objects.filter(pk=one.pk).update(status="let")
    Unit.objects.filter(pk=two.pk).update(status="maintenance")
    lease = lease_for(one, residents=3)
    assert _summary(community)["one_bed"] == (3, 1, 0, 1, 1, 3)

    Lease.objects.filter(pk=lease.pk).update(status="ended")
    assert _summary(community)["one_bed"] == (3, 1, 0, 1, 1, 0)
    Unit.objects.filter(pk=studio.pk).update(layout="two_bed")
    three.delete()
    assert _summary(community) == {
        "one_bed": (2, 0, 0, 1, 1, 0),
        "studio": (0, 0, 0, 0, 0, 0),
        "two_bed": (1, 1, 0, 0, 0, 0),
    }
    # A rebuild from scratch agrees with what the triggers kept (zero rows aside).
    kept = {k: v for k, v in _summary(community).items() if v[0]}
    services.occupancy_rebuild()
    assert _summary(community) == kept


def test_occupancy_querysets_by_community_city_and_province():
    changzhou = CommunityFactory()
    hangzhou = CommunityFactory(region=region(HANGZHOU_DISTRICT))
    UnitFactory.create_batch(4, community=changzhou)
    let = UnitFactory(community=hangzhou, status="let")
    UnitFactory(community=hangzhou)
    lease_for(let, residents=2)

    cities = {row["city"]: row for row in Occupancy.objects.by_city()}
    assert cities["3204"]["units"] == 4 and cities["3301"]["let"] == 1
    provinces = {row["province"]: row for row in Occupancy.objects.by_province()}
    assert provinces["33"]["residents"] == 2
    report = {row.code: row for row in services.occupancy_report(level="city")}
    assert report["330100"].name in ("杭州市", "Hangzhou")
    assert report["330100"].vacancy_rate == 0.5
    assert services.occupancy_totals().units == 6
    annotated = Community.objects.with_occupancy().get(pk=hangzhou.pk)
    assert (annotated.units_total, annotated.units_let, annotated.residents) == (2, 1, 2)
    assert set(Community.objects.with_vacancies()) == {changzhou, hangzhou}
    assert vacancy_rate({"units": 0, "maintenance": 0, "let": 0}) is None


def test_round_queryset_public_and_accepting():
    round = RoundFactory()
    assert round not in AllocationRound.objects.public()
    AllocationRound.objects.filter(pk=round.pk).update(status="open", seed_commitment="a" * 64)
    assert round in AllocationRound.objects.public()
    during = datetime.datetime(2026, 3, 5, tzinfo=datetime.UTC)
    assert round in AllocationRound.objects.accepting(during)
    assert round not in AllocationRound.objects.accepting(during + datetime.timedelta(days=30))
