"""Program pages: the public list and filters, calls, applying (and after the deadline), the
applicant's own application, endorsements, the expert's queue and review (isolation, blind
review, double submit), malformed input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.models import EndorsementStatus, ProgramApplication, Review, ReviewAssignment
from talentportal.choices import Degree
from talentportal.models import AccountKind, ApplicationDocument, ApplicationStatus
from tests.auth_helpers import login_verified
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
    TrackFactory,
    call_with,
    discipline,
)
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory, recruiter

pytestmark = pytest.mark.django_db


def form_data(call, **overrides):
    return {
        "track": call.tracks.first().pk,
        "full_name": "李四",
        "employer": "天津大学",
        "highest_degree": Degree.DOCTORATE,
        "birth_year": 1987,
        "discipline": discipline().pk,
        "industry": "",
        "project_title": "合成生物",
        "summary": "成果",
        "endorser_code": "",
        **overrides,
    }


# -- public pages ------------------------------------------------------------------------------


def test_program_list_filters_and_tolerates_bad_input(client):
    open_program = ProgramFactory(name_zh="海河英才", level="municipal")
    call_with(program=open_program)
    closed = ProgramFactory(name_zh="鲲鹏计划", level="district")
    call_with(
        program=closed,
        closes_at=timezone.now() - datetime.timedelta(days=1),
        opens_at=timezone.now() - datetime.timedelta(days=9),
    )
    url = reverse("projects:programs")
    page = client.get(url)
    assert page.status_code == 200
    assert "海河英才" in page.text and "鲲鹏计划" in page.text
    assert "鲲鹏计划" not in client.get(url, {"open": "true"}).text
    assert "海河英才" not in client.get(url, {"level": "district"}).text
    assert "海河英才" not in client.get(url, {"q": "鲲鹏"}).text
    for bad in (
        {"level": "x"},
        {"page": "abc"},
        {"page": "999"},
        {"q": "a" * 500},
        {"sort": "evil"},
        {"q": "\x00"},
        {"open": "maybe"},
    ):
        assert client.get(url, bad).status_code == 200


def test_program_and_call_pages(client):
    call = call_with()
    assert client.get(call.program.get_absolute_url()).status_code == 200
    page = client.get(call.get_absolute_url())
    assert page.status_code == 200
    assert call.tracks.first().name in page.text
    assert call.criteria.first().name in page.text
    assert client.get(reverse("projects:call", args=[999999])).status_code == 404
    assert client.get("/programs/calls/abc/").status_code == 404


# -- applying ---------------------------------------------------------------------------------


def test_apply_needs_login_then_draft_then_submit(client):
    call = call_with()
    url = reverse("projects:call_apply", args=[call.pk])
    assert client.get(url).status_code == 302
    talent = UserFactory(kind=AccountKind.TALENT)
    login_verified(client, talent)
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(call))
    application = ProgramApplication.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    # A double submit continues with the same draft.
    assert client.post(url, form_data(call)).status_code == 302
    assert ProgramApplication.objects.count() == 1
    page = client.get(application.get_absolute_url())
    assert page.status_code == 200
    client.post(reverse("projects:application_submit", args=[application.reference]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.post(reverse("projects:application_submit", args=[application.reference]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_apply_after_the_deadline_shows_a_message_and_creates_nothing(client):
    call = call_with(
        opens_at=timezone.now() - datetime.timedelta(days=10),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    login_verified(client, UserFactory())
    url = reverse("projects:call_apply", args=[call.pk])
    page = client.get(url)
    assert page.status_code == 200 and '<form class="form' not in page.text
    assert client.post(url, form_data(call)).status_code == 409
    assert not ProgramApplication.objects.exists()


def test_apply_form_errors_stay_next_to_fields(client):
    call = call_with()
    TrackFactory(call=call, needs_endorsement=True)
    login_verified(client, UserFactory())
    url = reverse("projects:call_apply", args=[call.pk])
    response = client.post(url, form_data(call, birth_year="abc", track="999999"))
    assert response.status_code == 200 and "field--error" in response.text
    endorsed = call.tracks.get(needs_endorsement=True)
    response = client.post(url, form_data(call, track=endorsed.pk, endorser_code="123"))
    assert "field--error" in response.text
    assert not ProgramApplication.objects.exists()


def test_someone_elses_application_is_a_404(client):
    application = ProgramApplicationFactory()
    login_verified(client, UserFactory())
    assert client.get(application.get_absolute_url()).status_code == 404
    submit = reverse("projects:application_submit", args=[application.reference])
    assert client.post(submit).status_code == 404
    assert client.get("/programs/applications/%00/").status_code == 404
    assert client.get("/programs/applications/PG-2026-999999/").status_code == 404


def test_endorsement_pages(client):
    call = call_with()
    track = TrackFactory(call=call, needs_endorsement=True)
    enterprise = EnterpriseFactory()
    member = recruiter(enterprise)
    applicant = UserFactory()
    login_verified(client, applicant)
    client.post(
        reverse("projects:call_apply", args=[call.pk]),
        form_data(call, track=track.pk, endorser_code=enterprise.credit_code),
    )
    application = ProgramApplication.objects.get()
    assert application.endorsement_status == EndorsementStatus.REQUESTED
    login_verified(client, recruiter())  # another enterprise
    answer = reverse("projects:endorsement_answer", args=[application.reference, "confirm"])
    assert client.post(answer).status_code == 404
    login_verified(client, member)
    assert application.full_name in client.get(reverse("projects:endorsements")).text
    bad = reverse("projects:endorsement_answer", args=[application.reference, "maybe"])
    assert client.post(bad).status_code == 404
    assert client.post(answer).status_code == 302
    application.refresh_from_db()
    assert application.endorsement_status == EndorsementStatus.CONFIRMED


# -- experts -----------------------------------------------------------------------------------


def assignment_in(call=None, **application_fields):
    call = call or call_with()
    application = ProgramApplicationFactory(
        track=call.tracks.first(), status=ApplicationStatus.IN_REVIEW, **application_fields
    )
    return ReviewAssignmentFactory(application=application)


def test_an_expert_sees_only_their_assignments(client):
    mine = assignment_in()
    other = assignment_in()
    login_verified(client, mine.expert.user)
    queue = client.get(reverse("projects:reviews"))
    assert mine.application.reference in queue.text
    assert other.application.reference not in queue.text
    assert client.get(mine.get_absolute_url()).status_code == 200
    for name in ("projects:review",):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    for name in ("projects:review", "projects:review_declare", "projects:review_decline"):
        assert client.post(reverse(name, args=[other.pk])).status_code == 404
    login_verified(client, UserFactory())
    assert client.get(mine.get_absolute_url()).status_code == 404


def test_content_only_after_the_declaration_and_blind_hides_identity(client):
    call = call_with(blind=True)
    assignment = assignment_in(call, full_name="王五", employer="南开大学", summary="秘密成果")
    login_verified(client, assignment.expert.user)
    page = client.get(assignment.get_absolute_url()).text
    assert "秘密成果" not in page and "王五" not in page and "南开大学" not in page
    client.post(reverse("projects:review_declare", args=[assignment.pk]))
    page = client.get(assignment.get_absolute_url()).text
    assert "秘密成果" in page and "王五" not in page and "南开大学" not in page
    assert assignment.application.applicant.display_name not in page


def test_an_open_review_shows_the_applicant(client):
    assignment = assignment_in(call_with(blind=False), full_name="王五", employer="南开大学")
    login_verified(client, assignment.expert.user)
    page = client.get(assignment.get_absolute_url()).text
    assert "王五" in page and "南开大学" in page


def test_scoring_ranges_and_double_submit(client):
    call = call_with(criteria=((2, 0, 100), (1, 0, 10)))
    assignment = assignment_in(call)
    first, second = call.criteria.all()
    login_verified(client, assignment.expert.user)
    client.post(reverse("projects:review_declare", args=[assignment.pk]))
    url = assignment.get_absolute_url()
    data = {f"criterion_{first.pk}": "80", f"criterion_{second.pk}": "11", "comment": "好"}
    response = client.post(url, data)
    assert response.status_code == 400 and "field--error" in response.text
    for bad in ({**data, f"criterion_{second.pk}": "x"}, {"comment": "\x00"}, {}):
        assert client.post(url, bad).status_code == 400
    data[f"criterion_{second.pk}"] = "5"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    review = Review.objects.get()
    assert str(review.total) == "70.00"
    page = client.get(url).text
    assert "70.00" in page


def test_decline_from_the_page(client):
    call = call_with(experts_per_application=1)
    assignment = assignment_in(call)
    ExpertFactory(calls=[call])
    login_verified(client, assignment.expert.user)
    url = reverse("projects:review_decline", args=[assignment.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "出差"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "declined"
    assert ReviewAssignment.objects.active().count() == 1


def test_reviewers_see_other_reviews_only_after_their_own_and_never_names(client):
    call = call_with(criteria=((1, 0, 10),))
    mine = assignment_in(call)
    other = ReviewAssignmentFactory(application=mine.application, status="submitted")
    Review.objects.create(assignment=other, comment="另一位专家的意见", total=50)
    login_verified(client, mine.expert.user)
    client.post(reverse("projects:review_declare", args=[mine.pk]))
    assert "另一位专家的意见" not in client.get(mine.get_absolute_url()).text
    criterion = call.criteria.get()
    client.post(mine.get_absolute_url(), {f"criterion_{criterion.pk}": "7", "comment": "好"})
    page = client.get(mine.get_absolute_url()).text
    assert "另一位专家的意见" in page
    assert other.expert.name not in page and other.expert.user.display_name not in page


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_documents_attach_to_a_draft_checked_by_content(client):
    call = call_with(materials_zh="申报书\n学历学位证书")
    login_verified(client, UserFactory())
    client.post(reverse("projects:call_apply", args=[call.pk]), form_data(call))
    application = ProgramApplication.objects.get()
    url = reverse("projects:application_document", args=[application.reference])
    pdf = SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")
    assert client.post(url, {"label": "申报书", "document": pdf}).status_code == 302
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    client.post(url, {"label": "申报书", "document": fake})
    client.post(url, {"label": "not a material", "document": PDF})
    assert list(ApplicationDocument.objects.values_list("label", flat=True)) == ["申报书"]
    assert "form.pdf" in client.get(application.get_absolute_url()).text
    login_verified(client, UserFactory())
    assert client.post(url, {"label": "申报书"}).status_code == 404
    call.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=1)
    call.save()
    login_verified(client, application.applicant)
    pdf = SimpleUploadedFile("late.pdf", PDF, content_type="application/pdf")
    client.post(url, {"label": "申报书", "document": pdf})
    assert ApplicationDocument.objects.count() == 1


# -- the expert reads every material (issue 19, point 3) -----------------------------------------


def _attach(application, label, name="material.pdf"):
    from talentportal import workflow

    upload = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    return workflow.document_attach(
        application=application, by=application.applicant, upload=upload, label=label
    )


@pytest.mark.parametrize("blind", [True, False])
def test_the_expert_sees_every_material_through_the_logged_download(client, blind):
    from talentportal.models import DocumentAccess

    assignment = assignment_in(call_with(blind=blind, materials_zh="申报书\n学历学位证书"))
    application = assignment.application
    application.status = ApplicationStatus.DRAFT  # documents are attached while a draft
    form, degree = (
        _attach(application, "申报书", "王五-申报书.pdf"),
        _attach(application, "学历学位证书"),
    )
    login_verified(client, assignment.expert.user)
    # Before the declaration: neither links nor the files themselves.
    assert form.get_absolute_url() not in client.get(assignment.get_absolute_url()).text
    assert client.get(form.get_absolute_url()).status_code == 404
    client.post(reverse("projects:review_declare", args=[assignment.pk]))
    page = client.get(assignment.get_absolute_url()).text
    assert form.get_absolute_url() in page and degree.get_absolute_url() in page
    assert "申报书" in page and "学历学位证书" in page
    assert ("王五-申报书.pdf" in page) is not blind
    assert DocumentAccess.objects.count() == 0
    response = client.get(form.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    access = DocumentAccess.objects.get()
    assert (access.viewer, access.reference, access.label) == (
        assignment.expert.user,
        application.reference,
        "申报书",
    )
    # Another expert of the same call (not assigned to it) still gets a 404, and no entry.
    login_verified(client, assignment_in(application.call).expert.user)
    assert client.get(form.get_absolute_url()).status_code == 404
    assert DocumentAccess.objects.count() == 1
    # The applicant reading their own file is not an access by someone else.
    login_verified(client, application.applicant)
    own = client.get(form.get_absolute_url())
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF  # read to the end: the file is closed
    assert DocumentAccess.objects.count() == 1
