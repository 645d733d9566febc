import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from policies.models import ServiceApplication
from talentportal.models import ApplicationEvent, ApplicationStatus, Notification, Region
from talentportal.workflow import (
    ALLOWED,
    TransitionError,
    add_working_days,
    application_create,
    application_get,
    application_transition,
    applications_of,
    document_attach,
    reference_next,
)
from tests.auth_helpers import login_verified
from tests.concurrency import race
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import (
    ServiceApplicationFactory,
    ServiceItemFactory,
    case_officer,
)

S = ApplicationStatus
STAFF_MOVES = {S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED, S.REJECTED}


def move(application, to, by, comment="a reason"):
    return application_transition(application=application, to=to, by=by, comment=comment)


ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "to"), ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_workflow_says(start, to):
    officer = case_officer()
    application = ServiceApplicationFactory(status=start)
    actor = application.applicant if to in {S.SUBMITTED, S.RESUBMITTED, S.WITHDRAWN} else officer
    if to in ALLOWED.get(start, set()):
        moved = move(application, to, actor)
        assert moved.status == to
        assert ApplicationEvent.objects.get(reference=application.reference, to_status=to)
    else:
        with pytest.raises(TransitionError):
            move(application, to, actor)
        application.refresh_from_db()
        assert application.status == start


@pytest.mark.django_db
@pytest.mark.parametrize("to", sorted(STAFF_MOVES))
def test_the_applicant_cannot_make_staff_decisions(to):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        move(application, to, application.applicant)


@pytest.mark.django_db
def test_staff_cannot_submit_or_withdraw_for_the_applicant():
    application = ServiceApplicationFactory(status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        move(application, S.SUBMITTED, case_officer())
    with pytest.raises(PermissionDenied):
        move(application, S.WITHDRAWN, case_officer())


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_decide():
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    plain_staff = UserFactory(kind="staff", is_staff=True)
    with pytest.raises(PermissionDenied):
        move(application, S.APPROVED, plain_staff)


@pytest.mark.django_db
def test_region_scoped_staff_decide_only_in_their_region():
    hangzhou_service = ServiceItemFactory(region=Region.objects.get(code="330100"))
    application = ServiceApplicationFactory(service=hangzhou_service, status=S.SUBMITTED)
    ningbo_officer = case_officer(staff_region=Region.objects.get(code="330200"))
    with pytest.raises(PermissionDenied):
        move(application, S.IN_REVIEW, ningbo_officer)
    hangzhou_officer = case_officer(staff_region=Region.objects.get(code="330100"))
    assert move(application, S.IN_REVIEW, hangzhou_officer).status == S.IN_REVIEW


@pytest.mark.django_db
@pytest.mark.parametrize("to", [S.REJECTED, S.NEEDS_INFO])
def test_rejection_and_requests_for_information_need_a_reason(to):
    application = ServiceApplicationFactory(status=S.IN_REVIEW)
    with pytest.raises(TransitionError):
        move(application, to, case_officer(), comment="   ")


@pytest.mark.django_db
def test_submission_sets_the_deadline_in_working_days_and_tells_applicant_and_staff(
    django_capture_on_commit_callbacks,
):
    officer = case_officer()
    application = application_create(
        model=ServiceApplication,
        applicant=UserFactory(),
        service=ServiceItemFactory(promised_days=5),
    )
    assert application.reference.startswith("SV-")
    with django_capture_on_commit_callbacks(execute=True):
        move(application, S.SUBMITTED, application.applicant, comment="")
    application.refresh_from_db()
    assert application.submitted_at is not None
    assert application.due_on == add_working_days(timezone.localdate(application.submitted_at), 5)
    assert Notification.objects.filter(recipient=application.applicant).count() == 1
    assert Notification.objects.filter(recipient=officer).count() == 1
    assert {tuple(message.to) for message in mail.outbox} == {
        (application.applicant.email,),
        (officer.email,),
    }


@pytest.mark.django_db
def test_a_decision_records_who_and_why_and_the_timeline_keeps_everything():
    officer = case_officer()
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    move(application, S.NEEDS_INFO, officer, comment="请补充职称证书")
    move(application, S.RESUBMITTED, application.applicant, comment="已补充")
    move(application, S.REJECTED, officer, comment="不符合条件")
    application.refresh_from_db()
    assert (application.decided_by, application.decision_reason) == (officer, "不符合条件")
    timeline = ApplicationEvent.objects.filter(reference=application.reference)
    assert [(e.to_status, e.comment) for e in timeline] == [
        (S.NEEDS_INFO, "请补充职称证书"),
        (S.RESUBMITTED, "已补充"),
        (S.REJECTED, "不符合条件"),
    ]


def test_working_days_skip_weekends():
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert add_working_days(friday, 5) == datetime.date(2026, 11, 27)


@pytest.mark.django_db
def test_reference_numbers_count_per_prefix_and_year():
    assert reference_next("SV", 2026) == "SV-2026-000001"
    assert reference_next("SV", 2026) == "SV-2026-000002"
    assert reference_next("PG", 2026) == "PG-2026-000001"
    assert reference_next("SV", 2027) == "SV-2027-000001"


@pytest.mark.django_db
def test_applications_are_found_by_reference_and_listed_newest_first():
    user = UserFactory()
    older = ServiceApplicationFactory(applicant=user)
    newer = ServiceApplicationFactory(applicant=user)
    ServiceApplicationFactory()
    assert application_get(older.reference) == older
    assert application_get("SV-1999-999999") is None
    assert application_get("nonsense") is None
    assert applications_of(user) == [newer, older]


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_cannot_both_win():
    application = ServiceApplicationFactory(status=S.IN_REVIEW)
    first, second = case_officer(), case_officer()
    results = race(
        lambda: move(ServiceApplication.objects.get(pk=application.pk), S.APPROVED, first),
        lambda: move(ServiceApplication.objects.get(pk=application.pk), S.REJECTED, second),
    )
    winners = [r for r in results if isinstance(r, ServiceApplication)]
    losers = [r for r in results if isinstance(r, TransitionError)]
    assert len(winners) == 1 and len(losers) == 1, results
    application.refresh_from_db()
    assert application.status == winners[0].status
    decisions = ApplicationEvent.objects.filter(
        reference=application.reference, to_status__in=[S.APPROVED, S.REJECTED]
    )
    assert decisions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_reference_numbers_are_unique():
    numbers = race(*[lambda: reference_next("RC", 2026) for _ in range(8)])
    assert sorted(numbers) == [f"RC-2026-{n:06d}" for n in range(1, 9)]


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, format="PNG")
    return output.getvalue()


@pytest.mark.django_db
def test_documents_are_stored_under_a_random_name_with_the_detected_type():
    application = ServiceApplicationFactory(status=S.DRAFT)
    upload = SimpleUploadedFile("我的 证书.pdf", PDF_BYTES, content_type="image/png")
    document = document_attach(application=application, by=application.applicant, upload=upload)
    assert document.content_type == "application/pdf"
    assert document.original_name == "我的 证书.pdf"
    assert "证书" not in document.file.name and document.file.name.endswith(".pdf")


@pytest.mark.django_db
def test_images_are_re_encoded_and_lose_anything_appended():
    application = ServiceApplicationFactory(status=S.DRAFT)
    payload = png_bytes() + b"<script>alert(1)</script>"
    upload = SimpleUploadedFile("photo.png", payload, content_type="image/png")
    document = document_attach(application=application, by=application.applicant, upload=upload)
    with document.file.open("rb") as stored_file:
        stored = stored_file.read()
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("renamed.pdf", b"MZ\x90\x00 an executable", "file_type"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "file_type"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"not really a png", "file_type"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(name, content, code):
    application = ServiceApplicationFactory(status=S.DRAFT)
    with pytest.raises(Exception) as error:
        document_attach(
            application=application,
            by=application.applicant,
            upload=SimpleUploadedFile(name, content),
        )
    assert error.value.code == code


@pytest.mark.django_db
def test_oversized_uploads_are_refused(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    application = ServiceApplicationFactory(status=S.DRAFT)
    with pytest.raises(Exception) as error:
        document_attach(
            application=application,
            by=application.applicant,
            upload=SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000),
        )
    assert error.value.code == "file_size"


@pytest.mark.django_db
def test_nobody_else_may_attach_documents():
    application = ServiceApplicationFactory(status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        document_attach(
            application=application,
            by=UserFactory(),
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
        )


@pytest.mark.django_db
def test_the_admin_queue_of_region_scoped_staff_shows_only_their_region(client):
    from django.urls import reverse

    hangzhou = ServiceApplicationFactory(
        service=ServiceItemFactory(region=Region.objects.get(code="330106")), status=S.SUBMITTED
    )
    ningbo = ServiceApplicationFactory(
        service=ServiceItemFactory(region=Region.objects.get(code="330200")), status=S.SUBMITTED
    )
    officer = case_officer(staff_region=Region.objects.get(code="330100"))
    officer.user_permissions.add(
        *officer.user_permissions.model.objects.filter(codename="view_serviceapplication")
    )
    login_verified(client, officer)
    response = client.get(reverse("admin:policies_serviceapplication_changelist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert hangzhou.reference in body and ningbo.reference not in body
    other = reverse("admin:policies_serviceapplication_change", args=[ningbo.pk])
    assert client.get(other).status_code in (302, 404)
