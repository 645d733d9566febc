"""The GOV.UK patterns every application follows (issue 18, "Applications"): "check your
answers" before submitting, the submitted answers and documents on the application's page and
in the data export, a confirmation before withdrawing, drafts resumable from My applications,
and missing-field messages that say what to do."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from policies.models import ServiceApplication
from talentportal.models import ApplicationStatus
from tests.auth_helpers import login_verified
from tests.policies.test_service_pages import ANSWERS, material_field, online_service, pdf
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


@pytest.fixture(autouse=True)
def _default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


def checked_draft(client, service, **extra):
    """Fill the whole form and press the main button ("continue"): a saved draft."""
    response = client.post(
        reverse("policies:service_apply", args=[service.pk]),
        {**ANSWERS, material_field(service): pdf("身份证.pdf"), "action": "check", **extra},
    )
    application = ServiceApplication.objects.get(service=service)
    return response, application


def test_the_main_button_leads_to_check_your_answers_and_only_that_page_submits(client):
    service = online_service()
    talent = UserFactory()
    login_verified(client, talent)
    response, application = checked_draft(client, service)
    check_url = reverse("me:application_check", args=[application.reference])
    assert response.status_code == 302 and response["Location"] == check_url
    assert application.status == S.DRAFT

    page = client.get(check_url).content.decode()
    for shown in ("工作单位", "浙江大学", "人才类别", "B类", "2024-03-01", "身份证.pdf"):
        assert shown in page
    # "Change" goes back to the form, which resumes the draft.
    assert reverse("policies:service_apply", args=[service.pk]) in page

    submitted = client.post(check_url)
    assert submitted.status_code == 302
    assert submitted["Location"] == reverse(
        "policies:service_applied", args=[application.reference]
    )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    # Once submitted, the check page only leads to the application.
    assert client.get(check_url)["Location"] == application.get_absolute_url()


def test_check_your_answers_refuses_a_draft_without_a_required_document(client):
    service = online_service()
    talent = UserFactory()
    login_verified(client, talent)
    draft = ServiceApplicationFactory(
        applicant=talent, service=service, answers={"employer": "浙江大学", "tier": "A类"}
    )
    response = client.post(reverse("me:application_check", args=[draft.reference]))
    assert response.status_code == 400
    assert "上传“身份证”" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_application_page_and_the_export_show_the_submitted_answers_and_documents(client):
    service = online_service()
    talent = UserFactory(kind="talent")
    login_verified(client, talent)
    _response, application = checked_draft(client, service)
    client.post(reverse("me:application_check", args=[application.reference]))

    page = client.get(application.get_absolute_url()).content.decode()
    assert "浙江大学" in page and "B类" in page and "身份证.pdf" in page
    exported = json.loads(client.get(reverse("talents:me_export")).content)
    (entry,) = exported["applications"]
    assert {"question": "工作单位", "answer": "浙江大学"} in entry["answers"]
    assert [d["file_name"] for d in entry["documents"]] == ["身份证.pdf"]

    english = client.get(f"/en{application.get_absolute_url()}").content.decode()
    assert "Employer" in english and "Talent tier" in english


def test_withdrawing_asks_for_confirmation_first(client):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    login_verified(client, application.applicant)
    url = reverse("me:application_withdraw", args=[application.reference])
    detail = client.get(application.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail  # a link to the question, not a one-click button
    question = client.get(url)
    assert question.status_code == 200
    assert 'name="confirm" value="yes"' in question.content.decode()
    # A POST without the confirmation (an old page, a stray click) only asks.
    assert client.post(url).status_code == 400
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    client.post(url, {"confirm": "yes"})
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_a_draft_in_my_applications_links_back_to_its_form(client):
    service = online_service()
    draft = ServiceApplicationFactory(service=service)
    submitted = ServiceApplicationFactory(applicant=draft.applicant, status=S.SUBMITTED)
    login_verified(client, draft.applicant)
    page = client.get(reverse("me:applications")).content.decode()
    assert reverse("policies:service_apply", args=[service.pk]) in page
    assert reverse("policies:service_apply", args=[submitted.service_id]) not in page
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("policies:service_apply", args=[service.pk]) in detail


def test_a_missing_field_says_what_to_do(client):
    service = online_service()
    login_verified(client, UserFactory())
    url = reverse("policies:service_apply", args=[service.pk])
    body = client.post(url, {"action": "check"}).content.decode()
    assert "这个字段是必填项" not in body
    assert "请填写工作单位" in body and "请选择人才类别" in body and "请上传身份证" in body
    english = client.post(f"/en{url}", {"action": "check"}).content.decode()
    assert "This field is required" not in english
    assert "Enter employer." in english and "Select talent tier." in english
    assert "Upload identity card." in english


def test_the_next_step_of_my_applications_is_in_chinese_on_the_chinese_site(client):
    application = ServiceApplicationFactory(status=S.SUBMITTED)
    login_verified(client, application.applicant)
    page = client.get(reverse("me:applications")).content.decode()
    assert "经办部门将开始审核。" in page
    assert "The office will start the review." not in page
