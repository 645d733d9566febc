import datetime

import pytest
from django.core.exceptions import PermissionDenied

from apartments import services
from apartments.models import Lease, Occupancy, Offer, Unit
from tests.apartments.factories import (
    AFTER,
    CommunityFactory,
    RoundFactory,
    UnitFactory,
    apartment_staff,
    drawn_round,
    lease_for,
    superuser,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return superuser()


@pytest.fixture
def offered(staff):
    """A drawn round of 3 applicants for 2 units, offers made; returns (round, ordered, offer)."""
    community = CommunityFactory(max_lease_months=24)
    round, ordered = drawn_round(applicants=3, unit_count=2, staff=staff, community=community)
    services.allocation_commit(round=round, by=staff, now=AFTER)
    return round, ordered, Offer.objects.get(application=ordered[0])


def test_accepting_creates_the_lease_and_lets_the_unit(offered):
    _round, ordered, offer = offered
    applicant = ordered[0].applicant
    lease = services.offer_accept(offer=offer, by=applicant, now=AFTER)
    assert lease.tenant == applicant and lease.unit == offer.unit
    assert lease.application == ordered[0] and lease.offer == offer
    assert lease.start == datetime.date(2026, 3, 16)
    assert lease.end == datetime.date(2028, 3, 16)  # the community's 24 months
    assert (lease.monthly_rent, lease.residents) == (offer.monthly_rent, ordered[0].household_size)
    assert Unit.objects.get(pk=offer.unit_id).status == "let"
    assert Offer.objects.get(pk=offer.pk).status == "accepted"
    # A double submit returns the same lease.
    assert services.offer_accept(offer=offer, by=applicant, now=AFTER) == lease
    assert Lease.objects.count() == 1


def test_lease_starts_on_the_rounds_move_in_day(staff):
    community = CommunityFactory()
    round, ordered = drawn_round(
        applicants=1,
        unit_count=1,
        staff=staff,
        community=community,
    )
    round.lease_starts_on = datetime.date(2026, 5, 1)
    round.save()
    (offer,) = services.allocation_commit(round=round, by=staff, now=AFTER)
    lease = services.offer_accept(offer=offer, by=ordered[0].applicant, now=AFTER)
    assert lease.start == datetime.date(2026, 5, 1)


def test_only_the_applicant_accepts_and_only_in_time(offered):
    _round, ordered, offer = offered
    with pytest.raises(PermissionDenied):
        services.offer_accept(offer=offer, by=ordered[1].applicant)
    with pytest.raises(services.AllocationError) as error:
        services.offer_accept(offer=offer, by=ordered[0].applicant, now=offer.expires_at)
    assert error.value.code == "offer_expired"


def test_a_declined_offer_cannot_be_accepted(offered):
    _round, ordered, offer = offered
    services.offer_decline(offer=offer, by=ordered[0].applicant, now=AFTER)
    with pytest.raises(services.AllocationError):
        services.offer_accept(offer=offer, by=ordered[0].applicant, now=AFTER)


def test_occupancy_follows_offers_and_leases(offered):
    round, ordered, offer = offered
    summary = Occupancy.objects.filter(community=round.community).totals()
    assert (summary["units"], summary["offered"], summary["let"]) == (2, 2, 0)
    lease = services.offer_accept(offer=offer, by=ordered[0].applicant, now=AFTER)
    summary = Occupancy.objects.filter(community=round.community).totals()
    assert (summary["offered"], summary["let"], summary["residents"]) == (1, 1, lease.residents)


def test_renewal_extends_the_lease(offered, staff):
    _round, ordered, offer = offered
    lease = services.offer_accept(offer=offer, by=ordered[0].applicant, now=AFTER)
    services.lease_renew(lease=lease, by=staff, months=12)
    lease.refresh_from_db()
    assert lease.end == datetime.date(2029, 3, 16) and lease.renewals == 1
    with pytest.raises(services.AllocationError):
        services.lease_renew(lease=lease, by=staff, months=25)  # above the community's maximum
    services.lease_renew(lease=lease, by=staff)  # default: the maximum term
    assert Lease.objects.get(pk=lease.pk).end == datetime.date(2031, 3, 16)


def test_renewal_cannot_overlap_the_next_tenants_lease(staff):
    unit = UnitFactory()
    current = lease_for(unit, start=datetime.date(2026, 1, 1), months=12)
    lease_for(unit, start=current.end, months=12)
    with pytest.raises(services.AllocationError) as error:
        services.lease_renew(lease=current, by=staff, months=6)
    assert error.value.code == "overlap"
    assert Lease.objects.get(pk=current.pk).end == datetime.date(2027, 1, 1)


def test_move_out_ends_the_lease_and_frees_the_unit(offered, staff):
    round, ordered, offer = offered
    lease = services.offer_accept(offer=offer, by=ordered[0].applicant, now=AFTER)
    with pytest.raises(services.AllocationError):
        services.lease_end(lease=lease, by=staff, on=lease.start)
    services.lease_end(lease=lease, by=staff, on=datetime.date(2027, 1, 10), reason="换工作")
    lease.refresh_from_db()
    assert (lease.status, lease.end, lease.end_reason) == (
        "ended",
        datetime.date(2027, 1, 10),
        "换工作",
    )
    assert Unit.objects.get(pk=lease.unit_id).status == "available"
    summary = Occupancy.objects.filter(community=round.community).totals()
    assert summary["let"] == 0 and summary["residents"] == 0
    with pytest.raises(services.AllocationError):
        services.lease_end(lease=lease, by=staff)
    with pytest.raises(services.AllocationError):
        services.lease_renew(lease=lease, by=staff)
    # The freed unit can be let again from the move-out day.
    lease_for(lease.unit, start=lease.end, months=12)


def test_leases_expire_at_the_end_of_their_term(staff):
    unit = UnitFactory(status="let")
    lease = lease_for(unit, start=datetime.date(2025, 1, 1), months=12)
    running = lease_for(UnitFactory(status="let"), start=datetime.date(2025, 6, 1), months=24)
    assert services.leases_expire(today=datetime.date(2025, 12, 31)) == 0
    assert services.leases_expire(today=datetime.date(2026, 1, 1)) == 1
    assert Lease.objects.get(pk=lease.pk).status == "ended"
    assert Unit.objects.get(pk=unit.pk).status == "available"
    assert Lease.objects.get(pk=running.pk).status == "active"


def test_region_scoped_staff_manage_only_their_leases():
    lease = lease_for(UnitFactory())  # in Changzhou
    with pytest.raises(PermissionDenied):
        services.lease_renew(lease=lease, by=apartment_staff(region_code="330100"))
    with pytest.raises(PermissionDenied):
        services.lease_end(lease=lease, by=UserFactory())
    services.lease_renew(lease=lease, by=apartment_staff(region_code="320400"), months=6)
    assert Lease.objects.in_region(RoundFactory().community.region).exists()


def test_maintenance_only_for_available_units(staff):
    unit = UnitFactory()
    services.unit_set_maintenance(unit=unit, by=staff, maintenance=True)
    assert Unit.objects.get(pk=unit.pk).status == "maintenance"
    with pytest.raises(services.AllocationError):
        services.unit_set_maintenance(unit=unit, by=staff, maintenance=True)
    services.unit_set_maintenance(unit=unit, by=staff, maintenance=False)
    let = UnitFactory(status="let")
    with pytest.raises(services.AllocationError):
        services.unit_set_maintenance(unit=let, by=staff, maintenance=True)


def test_the_daily_command_ends_leases_that_ran_out(staff):
    import io

    from django.core.management import call_command

    unit = UnitFactory(status="let")
    lease = lease_for(unit, start=datetime.date(2024, 1, 1), months=12)
    out = io.StringIO()
    call_command("apartments_daily", stdout=out)
    assert "0 offers expired, 1 leases ended." in out.getvalue()
    assert Lease.objects.get(pk=lease.pk).status == "ended"
    assert Unit.objects.get(pk=unit.pk).status == "available"
