"""Races over real database connections: threads, each with its own connection, committing.

The database allows about 100 connections, so 200 people are served by 40 worker threads that
start together (five people each, one after the other, all workers at once)."""

import datetime
from functools import partial

import pytest
from django.utils import timezone

from projects.models import Registration, Roadshow
from projects.roadshows import services
from talentportal.catalogues import load_catalogues
from tests.concurrency import errors_of, race, race_each
from tests.projects.roadshow_factories import RoadshowFactory
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 40


@pytest.fixture(autouse=True)
def _catalogues(transactional_db):
    """A transactional test may start after another one's flush emptied the regions."""
    load_catalogues()


def test_two_hundred_registrations_for_fifty_seats_then_concurrent_cancellations():
    roadshow = RoadshowFactory(capacity=50)
    people = UserFactory.create_batch(200)
    user_ids = [person.pk for person in people]

    def register(w):
        for user_id in user_ids[w::WORKERS]:
            user = type(people[0]).objects.get(pk=user_id)
            services.registration_create(roadshow=roadshow, user=user)
            # A second tab clicking at once must not take a second seat.
            services.registration_create(roadshow=roadshow, user=user)

    assert errors_of(race_each(WORKERS, register)) == []

    registrations = list(Registration.objects.filter(roadshow=roadshow).order_by("pk"))
    assert len(registrations) == 200
    assert len({r.user_id for r in registrations}) == 200
    confirmed = [r for r in registrations if r.status == "confirmed"]
    waitlisted = [r for r in registrations if r.status == "waitlisted"]
    assert (len(confirmed), len(waitlisted)) == (50, 150)
    # Arrival order: everyone who got a seat registered before everyone who did not.
    assert max(r.pk for r in confirmed) < min(r.pk for r in waitlisted)
    roadshow.refresh_from_db()
    assert (roadshow.registered_count, roadshow.waitlisted_count) == (50, 150)

    # 20 confirmed people cancel at once (each twice): the first 20 waiting are offered the seats.
    cancelling = confirmed[:20]

    def cancel(w):
        for registration in cancelling[w :: WORKERS // 2]:
            services.registration_cancel(registration=registration, by=registration.user)
            services.registration_cancel(registration=registration, by=registration.user)

    assert errors_of(race_each(WORKERS // 2, cancel)) == []
    statuses = dict(Registration.objects.filter(roadshow=roadshow).values_list("pk", "status"))
    assert all(statuses[r.pk] == "cancelled" for r in cancelling)
    assert all(statuses[r.pk] == "offered" for r in waitlisted[:20])
    assert all(statuses[r.pk] == "waitlisted" for r in waitlisted[20:])
    assert list(statuses.values()).count("confirmed") == 30
    roadshow = Roadshow.objects.get(pk=roadshow.pk)
    assert (roadshow.registered_count, roadshow.offered_count, roadshow.waitlisted_count) == (
        30,
        20,
        130,
    )


def _held(roadshow) -> int:
    return Registration.objects.filter(
        roadshow=roadshow, status__in=["confirmed", "offered"]
    ).count()


def test_one_offer_claimed_many_times_at_once_takes_one_seat():
    roadshow = RoadshowFactory(capacity=1)
    first, waiting = (
        services.registration_create(roadshow=roadshow, user=UserFactory()) for _ in range(2)
    )
    services.registration_cancel(registration=first, by=first.user)

    def claim(_w):
        registration = Registration.objects.select_related("user").get(pk=waiting.pk)
        return services.registration_claim(registration=registration, by=registration.user).pk

    outcomes = race_each(12, claim)
    assert errors_of(outcomes) == []
    assert set(outcomes) == {waiting.pk}
    roadshow = Roadshow.objects.get(pk=roadshow.pk)
    assert (roadshow.registered_count, roadshow.offered_count) == (1, 0)
    assert _held(roadshow) == 1


def test_claims_expiries_cancellations_registrations_and_more_seats_at_once_stay_in_capacity():
    """Two people claim their offers (each several times) while the offers expire, confirmed
    people cancel, newcomers register and staff add a seat: whatever the order, the seats
    confirmed and offered never exceed the capacity, and the counters match the rows."""
    roadshow = RoadshowFactory(capacity=3, claim_hours=48)
    people = UserFactory.create_batch(9)
    registrations = [
        services.registration_create(roadshow=roadshow, user=person) for person in people
    ]
    confirmed, waiting = registrations[:3], registrations[3:]
    for registration in confirmed[:2]:
        services.registration_cancel(registration=registration, by=registration.user)
    offered = waiting[:2]
    assert {r.pk for r in Registration.objects.filter(status="offered")} == {r.pk for r in offered}
    newcomers = UserFactory.create_batch(6)
    staff = StaffFactory()
    later = timezone.now() + datetime.timedelta(days=3)

    def claim(registration):
        fresh = Registration.objects.select_related("user").get(pk=registration.pk)
        return services.registration_claim(registration=fresh, by=fresh.user)

    calls = [partial(claim, registration) for registration in offered for _ in range(4)]
    calls += [
        lambda: services.roadshow_offers_expire(now=later),
        lambda: services.roadshow_offers_expire(now=later),
        lambda: services.registration_cancel(registration=confirmed[2], by=confirmed[2].user),
        lambda: services.roadshow_capacity_change(roadshow=roadshow, capacity=4, by=staff),
    ]
    calls += [
        partial(services.registration_create, roadshow=roadshow, user=person)
        for person in newcomers
    ]
    outcomes = race(*calls)
    # Only a claim that came after its offer expired is refused, and it says why.
    assert {getattr(error, "code", error) for error in errors_of(outcomes)} <= {"offer_expired"}

    roadshow = Roadshow.objects.get(pk=roadshow.pk)
    assert roadshow.capacity == 4
    held = _held(roadshow)
    assert held <= roadshow.capacity
    rows = Registration.objects.filter(roadshow=roadshow)
    assert roadshow.registered_count == rows.filter(status="confirmed").count()
    assert roadshow.offered_count == rows.filter(status="offered").count()
    assert roadshow.waitlisted_count == rows.filter(status="waitlisted").count()
    # Nobody waits while a seat is free.
    assert held == roadshow.capacity or roadshow.waitlisted_count == 0
    for registration in offered:
        assert Registration.objects.get(pk=registration.pk).status in {"confirmed", "expired"}
