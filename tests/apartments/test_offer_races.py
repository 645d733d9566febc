"""Offers under races (issue 17 point 11), on real connections (tests/concurrency.py): the last
unit ends let once whoever reaches it at the same moment, and a person offered units in two
rounds who accepts both at once ends with one lease."""

import datetime

import pytest

from apartments import services
from apartments.models import Lease, LeaseStatus, Offer, OfferStatus, Unit, UnitStatus
from tests.apartments.factories import AFTER, CommunityFactory, drawn_round, superuser
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def outcome_kinds(outcomes) -> list[str]:
    return sorted(type(o).__name__ for o in outcomes)


def test_the_last_unit_is_let_once_when_its_offer_is_accepted_as_it_passes_on():
    """The first in line accepts at the last moment while the offer expires and passes the
    unit to the second, who accepts at once: one lease, whoever won."""
    staff = superuser()
    round, ordered = drawn_round(applicants=2, unit_count=1, staff=staff)
    services.allocation_commit(round=round, by=staff, now=AFTER)
    first = Offer.objects.get(application=ordered[0])
    late = first.expires_at - datetime.timedelta(seconds=1)
    past = first.expires_at + datetime.timedelta(seconds=1)

    def first_accepts():
        return services.offer_accept(offer=first, by=ordered[0].applicant, now=late)

    def expire_then_second_accepts():
        services.offers_expire(now=past)
        second = Offer.objects.filter(application=ordered[1], status=OfferStatus.PENDING).first()
        if second is None:
            return None
        return services.offer_accept(offer=second, by=ordered[1].applicant, now=past)

    outcomes = race(first_accepts, expire_then_second_accepts)

    assert not any(
        isinstance(o, Exception) and not isinstance(o, services.AllocationError) for o in outcomes
    ), outcomes
    leases = list(Lease.objects.filter(unit=first.unit_id, status=LeaseStatus.ACTIVE))
    assert len(leases) == 1
    assert leases[0].tenant_id in {ordered[0].applicant_id, ordered[1].applicant_id}
    assert Unit.objects.get(pk=first.unit_id).status == UnitStatus.LET
    assert not Offer.objects.filter(unit=first.unit_id, status=OfferStatus.PENDING).exists()


def test_one_person_accepting_offers_of_two_rounds_at_once_gets_one_lease():
    staff = superuser()
    first_round, first = drawn_round(applicants=1, unit_count=1, staff=staff)
    second_round, second = drawn_round(applicants=1, unit_count=1, staff=staff)
    # The same person applied to both rounds (the second round's application moved to them).
    person = first[0].applicant
    type(second[0]).objects.filter(pk=second[0].pk).update(applicant=person)
    for round in (first_round, second_round):
        services.allocation_commit(round=round, by=staff, now=AFTER)
    offers = list(Offer.objects.filter(application__applicant=person, status=OfferStatus.PENDING))
    assert len(offers) == 2

    outcomes = race(
        *[lambda o=o: services.offer_accept(offer=o, by=person, now=AFTER) for o in offers]
    )

    assert outcome_kinds(outcomes) == ["AllocationError", "Lease"], outcomes
    assert Lease.objects.filter(tenant=person, status=LeaseStatus.ACTIVE).count() == 1
    assert Unit.objects.filter(status=UnitStatus.LET).count() == 1


def test_one_person_accepting_one_offer_twice_at_once_gets_one_lease():
    staff = superuser()
    round, ordered = drawn_round(
        applicants=1, unit_count=1, staff=staff, community=CommunityFactory()
    )
    services.allocation_commit(round=round, by=staff, now=AFTER)
    offer = Offer.objects.get(application=ordered[0])
    person = ordered[0].applicant

    outcomes = race(*[lambda: services.offer_accept(offer=offer, by=person, now=AFTER)] * 4)

    assert all(isinstance(o, Lease) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert Lease.objects.filter(tenant=person).count() == 1
