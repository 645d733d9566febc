"""Races with real connections: two submissions of the same review, two staff filling the
last place of a track's quota. One wins, the other gets a clear error, nothing is doubled."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from projects import program_services as services
from projects.models import Review
from talentportal.models import ApplicationStatus
from tests.projects.program_factories import (
    ProgramApplicationFactory,
    ReviewAssignmentFactory,
    call_with,
)
from tests.talentportal.factories import StaffFactory


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_review_make_one_review():
    call = call_with(criteria=((1, 0, 10),))
    application = ProgramApplicationFactory(
        track=call.tracks.get(), status=ApplicationStatus.IN_REVIEW
    )
    assignment = ReviewAssignmentFactory(application=application, status="accepted")
    criterion = call.criteria.get()

    def submit():
        services.review_submit(
            assignment=assignment,
            by=assignment.expert.user,
            scores={criterion.pk: 7},
            comment="好",
        )

    outcomes = race(submit, submit)
    assert outcomes.count("ok") == 1 and len(outcomes) == 2
    assert Review.objects.filter(assignment=assignment).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_cannot_both_fill_the_last_place():
    call = call_with()
    track = call.tracks.get()
    track.quota = 1
    track.save()
    first, second = ProgramApplicationFactory.create_batch(2, track=track)
    staff = StaffFactory()

    def approve(application):
        return lambda: services.ranking_approve(track=track, applications=[application], by=staff)

    outcomes = race(approve(first), approve(second))
    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    assert track.applications.filter(status=ApplicationStatus.APPROVED).count() == 1
