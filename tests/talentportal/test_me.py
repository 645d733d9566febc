import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talentportal.models import ApplicationStatus, Notification
from talentportal.workflow import application_transition, document_attach
from tests.auth_helpers import login_verified
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory, case_officer

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PDF = b"%PDF-1.4\n%%EOF\n"


def test_my_applications_lists_only_mine_newest_first_with_next_step(client):
    me = UserFactory()
    older = ServiceApplicationFactory(applicant=me, status=S.NEEDS_INFO)
    newer = ServiceApplicationFactory(applicant=me, status=S.SUBMITTED)
    someone_elses = ServiceApplicationFactory()
    login_verified(client, me)
    response = client.get(reverse("me:applications"))
    body = response.content.decode()
    assert body.index(newer.reference) < body.index(older.reference)
    assert someone_elses.reference not in body
    assert (
        "Add the information the office asked for."
        in client.get("/en/me/applications/").content.decode()
    )


def test_my_applications_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries):
    me = UserFactory()
    login_verified(client, me)
    ServiceApplicationFactory.create_batch(2, applicant=me)
    # One query per kind of application, plus the session, the user and the header.
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("me:applications"))
    ServiceApplicationFactory.create_batch(25, applicant=me)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("me:applications"))


def test_another_users_application_is_a_404(client):
    application = ServiceApplicationFactory()
    login_verified(client, UserFactory())
    assert client.get(application.get_absolute_url()).status_code == 404
    respond = reverse("me:application_respond", args=[application.reference])
    assert client.post(respond, {"message": "hi"}).status_code == 404
    assert client.get(reverse("me:application", args=["SV-2026-999999"])).status_code == 404
    assert client.get("/me/applications/..%2F..%2Fetc/").status_code == 404


def test_the_applicant_answers_a_request_for_information_with_a_document(client):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    application_transition(
        application=application, to=S.NEEDS_INFO, by=case_officer(), comment="请上传职称证书"
    )
    login_verified(client, application.applicant)
    page = client.get(application.get_absolute_url())
    assert "请上传职称证书" in page.content.decode()
    response = client.post(
        reverse("me:application_respond", args=[application.reference]),
        {"message": "已上传", "document": SimpleUploadedFile("证书.pdf", PDF)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.RESUBMITTED
    body = client.get(application.get_absolute_url()).content.decode()
    assert "已上传" in body and "证书.pdf" in body
    # A second click of the same button does not resubmit twice.
    again = client.post(
        reverse("me:application_respond", args=[application.reference]), {"message": "已上传"}
    )
    assert again.status_code == 302
    assert application.__class__.objects.get(pk=application.pk).status == S.RESUBMITTED


def test_a_wrong_file_type_is_refused_next_to_the_form_and_nothing_changes(client):
    application = ServiceApplicationFactory(status=S.NEEDS_INFO)
    login_verified(client, application.applicant)
    response = client.post(
        reverse("me:application_respond", args=[application.reference]),
        {"message": "见附件", "document": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    application.refresh_from_db()
    assert application.status == S.NEEDS_INFO


def test_withdrawing_closes_the_application(client):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    login_verified(client, application.applicant)
    client.post(
        reverse("me:application_withdraw", args=[application.reference]), {"confirm": "yes"}
    )
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    # Withdrawing again is a message, not an error page.
    response = client.post(
        reverse("me:application_withdraw", args=[application.reference]),
        {"confirm": "yes"},
        follow=True,
    )
    assert response.status_code == 200


def test_documents_are_served_to_the_applicant_and_staff_only(client):
    application = ServiceApplicationFactory(status=S.DRAFT)
    document = document_attach(
        application=application,
        by=application.applicant,
        upload=SimpleUploadedFile("学位证书.pdf", PDF),
    )
    url = reverse("me:document", args=[document.pk])
    login_verified(client, UserFactory())
    assert client.get(url).status_code == 404
    login_verified(client, application.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Reading the whole stream also closes the file.
    assert b"".join(response.streaming_content) == PDF
    login_verified(client, StaffFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302


def test_notifications_page_and_mark_all_read(client):
    me = UserFactory()
    Notification.objects.create(recipient=me, subject="您的申请已受理", body="…")
    Notification.objects.create(recipient=UserFactory(), subject="别人的通知", body="…")
    login_verified(client, me)
    body = client.get(reverse("me:notifications")).content.decode()
    assert "您的申请已受理" in body and "别人的通知" not in body
    client.post(reverse("me:notifications_read"))
    assert not Notification.objects.for_user(me).unread().exists()


def test_a_section_can_add_its_own_part_to_the_application_page(client, monkeypatch):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    monkeypatch.setattr(
        type(application), "DETAIL_TEMPLATE", "talentportal/notifications/welcome_subject.txt"
    )
    login_verified(client, application.applicant)
    body = client.get(application.get_absolute_url()).content.decode()
    assert "欢迎使用人才服务平台" in body
