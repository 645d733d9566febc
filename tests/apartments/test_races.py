"""Races over real database connections: threads, each with its own connection, committing.

The database allows 100 connections in all, so the 100 applicants are served by a pool of
worker threads; every applicant is served by two workers at once (two browser tabs clicking
"accept" together), and workers keep trying to accept other people's offers (forged requests).
"""

import contextlib
import datetime
import random
import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError

from apartments import services
from apartments.models import ApartmentApplication, Lease, Occupancy, Offer, Unit
from talentportal.catalogues import load_catalogues
from talentportal.models import User
from tests.apartments.factories import (
    AFTER,
    DURING,
    CommunityFactory,
    declared,
    drawn_round,
    open_round,
    superuser,
    units,
)
from tests.concurrency import errors_of, race_each
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 25
TABS = 2


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """A transactional test may start after another one's flush emptied the regions."""
    load_catalogues()


def test_hundred_applicants_race_for_twenty_units():
    staff = superuser()
    round, ordered = drawn_round(applicants=100, unit_count=20, staff=staff)
    services.allocation_commit(round=round, by=staff, now=AFTER)
    assert Offer.objects.filter(status="pending").count() == 20

    applicants = [(a.pk, a.applicant_id, a.general_rank % 4 == 1) for a in ordered]
    # Each worker serves 8 applicants; each applicant is served by two workers.
    slots = [applicants[i % 100] for i in range(100 * TABS)]
    random.Random(7).shuffle(slots)
    per_worker = [slots[w::WORKERS] for w in range(WORKERS)]
    forged_successes = []
    outcomes = Counter()
    lock = threading.Lock()

    def settled():
        return not Offer.objects.filter(status="pending").exists() and not services.allocation_plan(
            round=round
        )

    def worker(w):
        mine = per_worker[w]
        users = {user_id: User.objects.get(pk=user_id) for _, user_id, _ in mine}
        own_applications = {application_id for application_id, _, _ in mine}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for application_id, user_id, declines in mine:
                offer = Offer.objects.filter(
                    application_id=application_id, status="pending"
                ).first()
                if offer is None:
                    continue
                try:
                    if declines:
                        services.offer_decline(offer=offer, by=users[user_id], now=AFTER)
                        outcome = "declined"
                    else:
                        services.offer_accept(offer=offer, by=users[user_id], now=AFTER)
                        outcome = "accepted"
                except services.AllocationError as error:
                    outcome = f"refused:{error.code}"
                with lock:
                    outcomes[outcome] += 1
            # A forged request: accept somebody else's offer.
            other = (
                Offer.objects.filter(status="pending")
                .exclude(application_id__in=own_applications)
                .order_by("?")
                .first()
            )
            if other is not None:
                intruder = next(iter(users.values()))
                try:
                    services.offer_accept(offer=other, by=intruder, now=AFTER)
                    forged_successes.append(other.pk)
                except (PermissionDenied, services.AllocationError):
                    pass
            if settled():
                return
            time.sleep(0.005)

    errors = errors_of(race_each(WORKERS, worker))
    assert errors == []
    assert forged_successes == []

    leases = list(Lease.objects.select_related("offer", "application"))
    accepted = list(Offer.objects.filter(status="accepted"))
    # No unit let twice; every accepted offer has its lease, and every lease an accepted offer.
    assert len(leases) == len({lease.unit_id for lease in leases}) == 20
    assert {offer.pk for offer in accepted} == {lease.offer_id for lease in leases}
    for lease in leases:
        assert lease.offer.unit_id == lease.unit_id
        assert lease.tenant_id == lease.application.applicant_id
    assert len({lease.tenant_id for lease in leases}) == 20
    assert set(Unit.objects.filter(community=round.community).values_list("status", flat=True)) == {
        "let"
    }
    # Both tabs clicked; the second click of an accepted offer found its lease.
    assert outcomes["accepted"] >= 20
    assert not Offer.objects.filter(status="pending").exists()
    decliners = {a for a, _u, declines in applicants if declines}
    declined = set(Offer.objects.filter(status="declined").values_list("application_id", flat=True))
    assert declined <= decliners
    # The units went down the order: nobody was skipped for someone ranked lower.
    offered_ranks = sorted(
        ApartmentApplication.objects.filter(offers__isnull=False).values_list(
            "general_rank", flat=True
        )
    )
    assert offered_ranks == list(range(1, len(offered_ranks) + 1))
    # The trigger-kept summary agrees with a recount.
    kept = Occupancy.objects.filter(community=round.community).totals()
    services.occupancy_rebuild()
    assert Occupancy.objects.filter(community=round.community).totals() == kept
    assert kept["let"] == 20 and kept["residents"] == sum(lease.residents for lease in leases)


def test_forged_overlapping_leases_written_concurrently_only_one_per_unit():
    community = CommunityFactory()
    targets = [unit.pk for unit in units(community, 20)]
    tenants = [UserFactory().pk for _ in range(40)]
    created = Counter()
    lock = threading.Lock()

    def forge(i):
        order = targets[:]
        random.Random(i).shuffle(order)
        for unit_id in order:
            try:
                Lease.objects.create(
                    unit_id=unit_id,
                    tenant_id=tenants[i],
                    start=datetime.date(2026, 4, 1) + datetime.timedelta(days=i),
                    end=datetime.date(2027, 4, 1),
                    monthly_rent=1,
                )
            except IntegrityError as error:
                assert "lease_no_overlap" in str(error)
            except OperationalError as error:
                # Two conflicting rows inserted at the same instant wait for each other while
                # checking the exclusion constraint; PostgreSQL aborts one as a deadlock. It is
                # refused all the same (the services avoid this by locking the unit first).
                assert "deadlock detected" in str(error)
            else:
                with lock:
                    created[unit_id] += 1

    assert errors_of(race_each(40, forge)) == []
    assert sorted(created.values()) == [1] * 20
    assert Lease.objects.count() == 20


def test_accept_racing_expiry_ends_one_way_or_the_other():
    staff = superuser()
    round, ordered = drawn_round(applicants=20, unit_count=10, staff=staff)
    offers = services.allocation_commit(round=round, by=staff, now=AFTER)
    expiry = offers[0].expires_at
    users = {a.pk: a.applicant for a in ordered}

    def act(i):
        if i == 0:
            for _ in range(20):
                services.offers_expire(now=expiry + datetime.timedelta(seconds=1))
            return
        offer = offers[(i - 1) % 10]
        with contextlib.suppress(services.AllocationError):
            services.offer_accept(
                offer=offer,
                by=users[offer.application_id],
                now=expiry - datetime.timedelta(seconds=1),
            )

    assert errors_of(race_each(21, act)) == []
    for offer in offers:
        offer.refresh_from_db()
        leases = Lease.objects.filter(unit=offer.unit)
        if offer.status == "accepted":
            assert [lease.offer_id for lease in leases] == [offer.pk]
        else:
            assert offer.status == "expired"
            # The unit passed to the next applicant, who has not replied yet.
            assert not leases.exists()
            assert Offer.objects.filter(unit=offer.unit, status="pending").count() == 1
    assert Lease.objects.values("unit").distinct().count() == Lease.objects.count()


def test_double_submitted_application_makes_one():
    round = open_round(units_=units(CommunityFactory(), 1))
    user = UserFactory()
    fields = declared()

    def start(i):
        try:
            services.application_start(round=round, applicant=user, now=DURING, **fields)
        except services.AllocationError as error:
            assert error.code == "one_per_round"
        except ValidationError as error:
            # full_clean saw the other's row first: the same refusal, from validation.
            assert [e.code for e in error.error_dict["__all__"]] == ["one_per_round"]

    assert errors_of(race_each(10, start)) == []
    assert ApartmentApplication.objects.filter(round=round, applicant=user).count() == 1
