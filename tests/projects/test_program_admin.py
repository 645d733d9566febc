"""The program admin: changelists, the draw (preview, commit, shortage), load, ranking with
decisions within quota, CSV export, replacement of one expert, read-only reviews."""

import re

import pytest
from django.urls import reverse

from projects.models import ExpertDraw, Review, ReviewAssignment
from talentportal.models import ApplicationStatus
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    call_with,
)

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "program",
    "call",
    "programapplication",
    "expert",
    "conflict",
    "expertdraw",
    "reviewassignment",
    "review",
]


def shown_seed(response) -> str:
    """The seed the commit's message shows once (at its end, in either language)."""
    message = next(str(m) for m in response.context["messages"])
    return re.search(r"[0-9a-f]{64}$", message).group()


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_render(admin_client, model):
    ProgramApplicationFactory()
    response = admin_client.get(reverse(f"admin:projects_{model}_changelist"), {"q": "x\x00"})
    assert response.status_code in (200, 302)
    assert admin_client.get(reverse(f"admin:projects_{model}_changelist")).status_code == 200


def test_draw_commit_then_draw_and_redraw(admin_client):
    call = call_with(experts_per_application=2)
    ExpertFactory.create_batch(3, calls=[call])
    application = ProgramApplicationFactory(track=call.tracks.get())
    url = reverse("admin:projects_call_draw", args=[call.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="preview"' not in page.text
    response = admin_client.post(url, {"commit_seed": "1"}, follow=True)
    call.refresh_from_db()
    seed = shown_seed(response)
    assert len(call.draw_commitment) == 64 and len(seed) == 64
    assert admin_client.post(url, {"seed": "abc", "draw": "1"}).status_code == 302
    assert not ReviewAssignment.objects.exists()
    assert admin_client.post(url, {"seed": seed, "draw": "1"}).status_code == 302
    assert ReviewAssignment.objects.filter(application=application).count() == 2
    draw = ExpertDraw.objects.get(outcome="drawn")
    page = admin_client.get(reverse("admin:projects_expertdraw_change", args=[draw.pk]))
    assert page.status_code == 200 and seed in page.text
    assert ExpertDraw.objects.filter(outcome="refused").count() == 1
    assignment = ReviewAssignment.objects.first()
    redraw = reverse("admin:projects_reviewassignment_redraw", args=[assignment.pk])
    assert admin_client.get(redraw).status_code == 200
    assert admin_client.post(redraw, {"reason": "回避"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "replaced"
    assert ReviewAssignment.objects.active().count() == 2


def test_draw_shortage_names_the_application(admin_client):
    call = call_with(experts_per_application=3)
    application = ProgramApplicationFactory(track=call.tracks.get())
    url = reverse("admin:projects_call_draw", args=[call.pk])
    response = admin_client.post(url, {"commit_seed": "1"}, follow=True)
    seed = shown_seed(response)
    response = admin_client.post(url, {"seed": seed, "draw": "1"}, follow=True)
    assert application.reference in response.text
    assert not ReviewAssignment.objects.exists()


def test_ranking_approves_within_quota_and_exports(admin_client):
    call = call_with()
    track = call.tracks.get()
    track.quota = 1
    track.save()
    first, second = ProgramApplicationFactory.create_batch(2, track=track)
    url = reverse("admin:projects_call_ranking", args=[call.pk])
    assert admin_client.get(url).status_code == 200
    prefix = f"track{track.pk}"
    data = {"track": track.pk, f"{prefix}-applications": [first.pk, second.pk]}
    response = admin_client.post(url, data, follow=True)
    assert "quota" in response.text.lower() or "名额" in response.text
    first.refresh_from_db()
    assert first.status == ApplicationStatus.SUBMITTED
    admin_client.post(url, {"track": track.pk, f"{prefix}-applications": [first.pk]})
    first.refresh_from_db()
    assert first.status == ApplicationStatus.APPROVED
    csv = admin_client.get(reverse("admin:projects_call_ranking_csv", args=[call.pk]))
    assert csv.status_code == 200 and first.reference in csv.content.decode()


def test_bulk_approve_action_respects_the_quota(admin_client):
    call = call_with()
    track = call.tracks.get()
    track.quota = 1
    track.save()
    applications = ProgramApplicationFactory.create_batch(2, track=track)
    admin_client.post(
        reverse("admin:projects_programapplication_changelist"),
        {"action": "approve", "_selected_action": [a.pk for a in applications]},
    )
    assert not track.applications.filter(status=ApplicationStatus.APPROVED).exists()


def test_change_pages_render(admin_client):
    call = call_with(experts_per_application=1)
    ExpertFactory(calls=[call])
    application = ProgramApplicationFactory(track=call.tracks.get())
    url = reverse("admin:projects_call_draw", args=[call.pk])
    response = admin_client.post(url, {"commit_seed": "1"}, follow=True)
    seed = shown_seed(response)
    admin_client.post(url, {"seed": seed, "draw": "1"})
    assignment = ReviewAssignment.objects.get()
    review = Review.objects.create(assignment=assignment, comment="好", total=80)
    for model, pk in [
        ("programapplication", application.pk),
        ("call", call.pk),
        ("program", call.program.pk),
        ("expert", assignment.expert.pk),
        ("reviewassignment", assignment.pk),
        ("review", review.pk),
    ]:
        response = admin_client.get(reverse(f"admin:projects_{model}_change", args=[pk]))
        assert response.status_code == 200, model
    page = admin_client.get(
        reverse("admin:projects_programapplication_change", args=[application.pk])
    )
    assert assignment.expert.name in page.text
