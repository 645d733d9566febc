"""Races over real database connections: threads, each with its own connection, committing.

The database allows about 100 connections, so 200 people are served by 40 worker threads that
start together (five people each, one after the other, all workers at once)."""

import pytest

from projects import roadshow_services as services
from projects.models import Registration, Roadshow
from talentportal.catalogues import load_catalogues
from tests.concurrency import errors_of, race_each
from tests.projects.roadshow_factories import RoadshowFactory
from tests.talentportal.factories import UserFactory

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

    # 20 confirmed people cancel at once (each twice): the first 20 waiting get the seats.
    cancelling = confirmed[:20]

    def cancel(w):
        for registration in cancelling[w :: WORKERS // 2]:
            services.registration_cancel(registration=registration, by=registration.user)
            services.registration_cancel(registration=registration, by=registration.user)

    assert errors_of(race_each(WORKERS // 2, cancel)) == []
    statuses = dict(Registration.objects.filter(roadshow=roadshow).values_list("pk", "status"))
    assert all(statuses[r.pk] == "cancelled" for r in cancelling)
    assert all(statuses[r.pk] == "confirmed" for r in waitlisted[:20])
    assert all(statuses[r.pk] == "waitlisted" for r in waitlisted[20:])
    assert list(statuses.values()).count("confirmed") == 50
    roadshow = Roadshow.objects.get(pk=roadshow.pk)
    assert (roadshow.registered_count, roadshow.waitlisted_count) == (50, 130)
