"""Races with real connections: two submissions of the same review, two staff filling the
last place of a track's quota. One wins, the other gets a clear error, nothing is doubled."""

import pytest
from django.core.exceptions import ValidationError

from projects.models import Review
from projects.programs import services
from talentportal.models import ApplicationStatus
from tests.concurrency import errors_of, race
from tests.projects.program_factories import (
    ProgramApplicationFactory,
    ReviewAssignmentFactory,
    call_with,
)
from tests.talentportal.factories import StaffFactory


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

    errors = errors_of(race(submit, submit))
    assert [type(error) for error in errors] == [ValidationError], errors
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

    errors = errors_of(race(approve(first), approve(second)))
    assert [type(error) for error in errors] == [ValidationError], errors
    assert track.applications.filter(status=ApplicationStatus.APPROVED).count() == 1
