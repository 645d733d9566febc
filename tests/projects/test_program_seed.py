"""The programs' demo data: every status, a committed draw that recomputes, reviews; a second
run adds nothing."""

import io
import random

import pytest

from projects.demo.programs import seed_programs
from projects.models import Expert, ExpertDraw, ProgramApplication, Review, ReviewAssignment
from projects.programs.expert_draw import draw_verify
from talentportal.models import ApplicationStatus


@pytest.mark.django_db
def test_seed_is_complete_and_idempotent():
    seed_programs(scale="small", rng=random.Random(1), stdout=io.StringIO())
    counts = (
        ProgramApplication.objects.count(),
        ReviewAssignment.objects.count(),
        Review.objects.count(),
        Expert.objects.count(),
    )
    assert Expert.objects.count() >= 300
    statuses = set(ProgramApplication.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    assert all(draw_verify(draw) == [] for draw in ExpertDraw.objects.all())
    assert Review.objects.exists()
    seed_programs(scale="small", rng=random.Random(2), stdout=io.StringIO())
    assert counts == (
        ProgramApplication.objects.count(),
        ReviewAssignment.objects.count(),
        Review.objects.count(),
        Expert.objects.count(),
    )
