"""The public-service pages: the catalogue (filters alone and combined, search, bad input, a
constant number of queries), the service page, applying with a resumable draft, submitting,
double submission and the concurrent-draft race, uploads, offline services, both languages."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from policies.models import PolicyStatus, ServiceApplication, ServiceMaterial
from policies.public_services.services import service_draft_get_or_create
from talentportal.catalogues import load_catalogues
from talentportal.models import ApplicationDocument, ApplicationEvent, ApplicationStatus, Region
from talentportal.workflow import application_create, application_withdraw
from tests.auth_helpers import login_verified
from tests.concurrency import race
from tests.policies.factories import PolicyFactory
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCHEMA = [
    {"name": "employer", "label_zh": "工作单位", "label_en": "Employer", "kind": "text",
     "required": True},
    {"name": "tier", "label_zh": "人才类别", "label_en": "Talent tier", "kind": "choice",
     "required": True, "choices": ["A类", "B类", "C类"]},
    {"name": "since", "label_zh": "认定时间", "label_en": "Recognised on", "kind": "date",
     "required": False},
]  # fmt: skip
ANSWERS = {"answer_employer": "浙江大学", "answer_tier": "B类", "answer_since": "2024-03-01"}


@pytest.fixture(autouse=True)
def _default_language():
    """Requests to /en/ leave English active in the test's thread; start each test in the
    default language so that reverse() gives unprefixed URLs."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def catalogues(transactional_db):
    """A transactional test may start after another one's flush emptied the catalogues."""
    load_catalogues()


def region(code):
    return Region.objects.get(code=code)


def online_service(**kwargs):
    service = ServiceItemFactory(form_schema=SCHEMA, **kwargs)
    ServiceMaterial.objects.create(
        service=service, name_zh="身份证", name_en="Identity card", position=1
    )
    ServiceMaterial.objects.create(
        service=service,
        name_zh="获奖证书",
        name_en="Award certificates",
        required=False,
        accepts_images=False,
        position=2,
    )
    return service


def material_field(service, position=0):
    return f"material_{list(service.materials.all())[position].pk}"


def pdf(name="id.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def apply_url(service):
    return reverse("policies:service_apply", args=[service.pk])


def fresh_form(client, service):
    """The hidden fields of the apply page as the browser received them."""
    body = client.get(apply_url(service)).content.decode()
    if 'name="reference"' in body:
        return {"reference": body.split('name="reference" value="', 1)[1].split('"', 1)[0]}
    return {"started": body.split('name="started" value="', 1)[1].split('"', 1)[0]}


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Catalogue ------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db):
    """Services in Zhejiang (province, Hangzhou, a Hangzhou district), Jiangsu and Tianjin."""
    return {
        "province": ServiceItemFactory(
            name_zh="高级职称电子证书查验打印",
            name_en="Verification of a senior professional-title certificate",
            department_zh="浙江省人力资源和社会保障厅",
            department_en="Zhejiang Department of Human Resources and Social Security",
            audience_zh="取得高级职称的专业技术人员",
            position=1,
        ),
        "hangzhou": ServiceItemFactory(
            name_zh="杭州市新引进应届高校毕业生生活补贴申领",
            name_en="Living allowance for new graduates in Hangzhou",
            description_zh="新引进到杭州工作的应届高校毕业生可申领生活补贴。",
            department_zh="杭州市人力资源和社会保障局",
            region=region("330100"),
            audience_zh="毕业3年内的高校毕业生",
            position=2,
        ),
        "district": ServiceItemFactory(
            name_zh="西湖区留学人员创业资助",
            name_en="",
            department_zh="西湖区人才办",
            region=region("330106"),
            audience_zh="留学回国人员",
            audience_en="Returned overseas students",
            position=3,
        ),
        "changzhou": ServiceItemFactory(
            name_zh="常州市高校毕业生购房补贴",
            department_zh="常州市人力资源和社会保障局",
            region=region("320400"),
            audience_zh="高校毕业生",
            position=4,
        ),
        "binhai": ServiceItemFactory(
            name_zh="海河英才落户",
            name_en="Haihe Talent household registration",
            department_zh="滨海新区行政审批局",
            region=region("120116"),
            audience_zh="本科及以上学历人才",
            is_online=False,
            position=5,
        ),
        "unpublished": ServiceItemFactory(
            name_zh="尚未发布的服务", department_zh="浙江省人力资源和社会保障厅", is_published=False
        ),
    }


def listed(client, query="", language=""):
    response = client.get(f"{language}{reverse('policies:services')}{query}")
    assert response.status_code == 200
    return [service.pk for service in response.context["page_obj"].object_list]


def ids(catalogue, *keys):
    return [catalogue[key].pk for key in keys]


def test_the_catalogue_lists_published_services_in_order(client, catalogue):
    everything = ids(catalogue, "province", "hangzhou", "district", "changzhou", "binhai")
    assert listed(client) == everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?region=330000", ["province", "hangzhou", "district"]),  # a province and below
        ("?region=330100", ["hangzhou", "district"]),
        ("?region=330106", ["district"]),
        ("?region=320000", ["changzhou"]),
        ("?region=120000", ["binhai"]),
        ("?region=330300", []),  # a real region without services
        ("?department=杭州市人力资源和社会保障局", ["hangzhou"]),
        ("?department=浙江省人力资源和社会保障厅", ["province"]),
        ("?audience=graduates", ["hangzhou", "changzhou"]),
        ("?audience=overseas_returnees", ["district"]),
        ("?audience=researchers", ["province"]),
        ("?region=330000&audience=graduates", ["hangzhou"]),
        ("?region=320000&audience=graduates", ["changzhou"]),
        ("?region=330000&department=杭州市人力资源和社会保障局&audience=graduates", ["hangzhou"]),
        ("?region=330000&department=常州市人力资源和社会保障局", []),
    ],
)
def test_each_filter_alone_and_combined(client, catalogue, query, expected):
    assert listed(client, query) == ids(catalogue, *expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("职称证书", ["province"]),  # segmented: 职称 + 证书, both in the name
        ("高校毕业生 补贴", ["hangzhou", "changzhou"]),
        ("应届", ["hangzhou"]),  # in the description
        ("人才办", ["district"]),  # in the department
        ("Professional-Title certificate", ["province"]),  # English, any case
        ("Haihe", ["binhai"]),
        ("公寓", []),
        ("!!!", ["province", "hangzhou", "district", "changzhou", "binhai"]),  # nothing to search
    ],
)
def test_search_in_names_descriptions_and_departments_in_both_languages(
    client, catalogue, query, expected
):
    assert listed(client, f"?q={query}") == ids(catalogue, *expected)


def test_search_and_filters_combine(client, catalogue):
    assert listed(client, "?q=补贴&region=330000") == ids(catalogue, "hangzhou")


@pytest.mark.parametrize(
    "query",
    [
        "?region=xx",
        "?region=999999",
        "?region=%00",
        "?region=33010",
        "?region=330100&region=320400",
        "?department=nope",
        "?department=%00",
        "?audience=zz",
        "?q=%00",
        "?q=" + "长" * 300,
        "?page=abc",
        "?page=999",
        "?page=-1",
        "?page=1e9",
        "?region[]=1&audience=",
    ],
)
def test_malformed_query_strings_are_told_not_fatal(client, catalogue, query):
    response = client.get(reverse("policies:services") + query)
    assert response.status_code == 200


def test_a_rejected_value_is_reported_and_left_out(client, catalogue):
    response = client.get("/en/services/?region=999999&audience=graduates")
    assert response.context["problems"]
    assert "999999" in response.content.decode()
    assert [s.pk for s in response.context["page_obj"].object_list] == ids(
        catalogue, "hangzhou", "changzhou"
    )


def test_the_catalogue_is_paginated(client, catalogue):
    ServiceItemFactory.create_batch(15, position=9)
    first = client.get(reverse("policies:services"))
    assert len(first.context["page_obj"].object_list) == 12
    last = client.get(reverse("policies:services") + "?page=2")
    assert len(last.context["page_obj"].object_list) == 8
    assert client.get(reverse("policies:services") + "?page=99").context["page_obj"].number == 2


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_catalogue_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, catalogue, logged_in
):
    if logged_in:
        # A talent: no second factor (a verified session costs a query to load its device).
        client.force_login(UserFactory())
    url = reverse("policies:services") + "?region=330000&audience=graduates&q=补贴"
    with django_assert_max_num_queries(14) as few:  # two pages
        client.get(url)
        client.get(reverse("policies:services"))
    for index in range(30):
        ServiceItemFactory(
            name_zh=f"补贴服务{index}",
            department_zh=f"部门{index}",
            region=region("330100" if index % 2 else "330106"),
            audience_zh="高校毕业生",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
        client.get(reverse("policies:services"))


def test_the_catalogue_in_english_falls_back_to_chinese(client, catalogue):
    body = client.get("/en/services/").content.decode()
    assert "Verification of a senior professional-title certificate" in body
    assert "西湖区留学人员创业资助" in body  # no English name
    assert "Zhejiang Department of Human Resources and Social Security" in body
    chinese = client.get("/services/").content.decode()
    assert "高级职称电子证书查验打印" in chinese
    assert "Verification of a senior" not in chinese


def test_the_catalogue_works_without_javascript(client, catalogue):
    """A plain GET form: every filter is a named control of the one search form."""
    body = client.get(reverse("policies:services")).content.decode()
    form = body.split('id="service-search"', 1)[1].split("</form>", 1)[0]
    for name in ('name="q"', 'name="region"', 'name="department"', 'name="audience"'):
        assert name in form
    assert "<script" not in body


# Service page ---------------------------------------------------------------------------------


def test_the_service_page_says_what_who_what_to_prepare_how_long_and_the_policy(client):
    policy = PolicyFactory(title_zh="杭州市高层次人才分类认定办法", region=region("330100"))
    service = online_service(
        policy=policy, promised_days=7, fees_zh="免费", audience_zh="经认定的高层次人才"
    )
    response = client.get(reverse("policies:service_detail", args=[service.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        service.name_zh,
        service.description_zh,
        "经认定的高层次人才",
        "身份证",
        "获奖证书",
    ):
        assert text in body
    assert "PDF, JPG, PNG" in body and "<td>PDF</td>" in body
    assert "7" in body and "免费" in body
    assert f'href="{reverse("policies:detail", args=[policy.pk])}"' in body
    assert f'href="{apply_url(service)}"' in body


def test_the_service_page_in_english(client):
    service = online_service(description_en="Confirms benefits.", audience_en="Certified talents")
    body = client.get(f"/en/services/{service.pk}/").content.decode()
    assert service.name_en in body and "Confirms benefits." in body
    assert "Certified talents" in body and "Identity card" in body
    assert "working days" in body


def test_a_draft_policy_is_not_revealed(client):
    policy = PolicyFactory(title_zh="未公开的政策草案", status=PolicyStatus.DRAFT, issued_on=None)
    service = online_service(policy=policy)
    body = client.get(reverse("policies:service_detail", args=[service.pk])).content.decode()
    assert "未公开的政策草案" not in body


def test_unknown_and_unpublished_services_are_404(client, catalogue):
    unpublished = catalogue["unpublished"]
    for url in (
        reverse("policies:service_detail", args=[999_999]),
        reverse("policies:service_detail", args=[unpublished.pk]),
        "/services/abc/",
        "/services/-1/",
    ):
        assert client.get(url).status_code == 404
    login_verified(client, UserFactory())
    assert client.get(apply_url(unpublished)).status_code == 404
    assert client.get(reverse("policies:service_apply", args=[999_999])).status_code == 404
    login_verified(client, StaffFactory())  # staff check a service before publishing it
    assert client.get(reverse("policies:service_detail", args=[unpublished.pk])).status_code == 200


def test_the_service_page_shows_my_open_applications(client, talent):
    service = online_service()
    draft = ServiceApplicationFactory(service=service, applicant=talent)
    submitted = ServiceApplicationFactory(service=service, applicant=talent, status=S.SUBMITTED)
    someone_elses = ServiceApplicationFactory(service=service, status=S.SUBMITTED)
    login_verified(client, talent)
    body = client.get(reverse("policies:service_detail", args=[service.pk])).content.decode()
    assert draft.reference in body and submitted.reference in body
    assert someone_elses.reference not in body


# Applying -------------------------------------------------------------------------------------


def test_applying_needs_an_account(client):
    service = online_service()
    response = client.get(apply_url(service))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = client.post(apply_url(service), {**ANSWERS, "action": "submit"})
    assert response.status_code == 302
    assert not ServiceApplication.objects.exists()


def test_the_form_is_generated_from_the_schema_in_both_languages(client, talent):
    service = online_service()
    login_verified(client, talent)
    chinese = client.get(apply_url(service)).content.decode()
    assert "工作单位" in chinese and "人才类别" in chinese and "A类" in chinese
    assert 'type="date"' in chinese and 'type="file"' in chinese
    assert 'name="answer_employer"' in chinese and f'name="{material_field(service)}"' in chinese
    assert "no-store" in client.get(apply_url(service))["Cache-Control"]
    english = client.get(f"/en{apply_url(service)}").content.decode()
    assert "Employer" in english and "Talent tier" in english and "Identity card" in english


def test_a_draft_is_saved_and_resumed_on_a_later_visit(client, talent):
    service = online_service()
    login_verified(client, talent)
    response = client.post(
        apply_url(service),
        {**fresh_form(client, service), "answer_employer": "之江实验室", "action": "save"},
    )
    assert response.status_code == 302 and response["Location"] == apply_url(service)
    draft = ServiceApplication.objects.get()
    assert (draft.status, draft.answers, draft.applicant) == (
        S.DRAFT,
        {"employer": "之江实验室"},
        talent,
    )
    assert ApplicationEvent.objects.filter(reference=draft.reference, to_status=S.DRAFT).exists()

    # A new browser, the same account: the draft comes back.
    other_browser = Client()
    login_verified(other_browser, talent)
    page = other_browser.get(apply_url(service))
    body = page.content.decode()
    assert 'value="之江实验室"' in body and draft.reference in body
    assert f'name="reference" value="{draft.reference}"' in body

    # Saving again updates the same draft.
    other_browser.post(
        apply_url(service),
        {"reference": draft.reference, **ANSWERS, "action": "save"},
    )
    assert ServiceApplication.objects.count() == 1
    draft.refresh_from_db()
    assert draft.answers == {"employer": "浙江大学", "tier": "B类", "since": "2024-03-01"}


def test_submitting_validates_and_confirms_with_the_reference(client, talent):
    service = online_service(promised_days=5)
    login_verified(client, talent)
    response = client.post(
        apply_url(service),
        {
            **fresh_form(client, service),
            **ANSWERS,
            material_field(service): pdf(),
            "action": "submit",
        },
    )
    application = ServiceApplication.objects.get()
    assert application.status == S.SUBMITTED and application.due_on is not None
    assert application.answers["tier"] == "B类"
    confirmation = reverse("policies:service_applied", args=[application.reference])
    assert response.status_code == 302 and response["Location"] == confirmation
    [document] = ApplicationDocument.objects.filter(reference=application.reference)
    assert (document.label, document.original_name) == ("身份证", "id.pdf")
    page = client.get(confirmation)
    assert application.reference in page.content.decode()
    assert reverse("me:application", args=[application.reference]) in page.content.decode()
    # The confirmation belongs to the applicant only.
    login_verified(client, UserFactory())
    assert client.get(confirmation).status_code == 404
    assert client.get(reverse("policies:service_applied", args=["SV-1999-0"])).status_code == 404


def test_errors_sit_next_to_their_field_and_nothing_typed_or_uploaded_is_lost(client, talent):
    service = online_service()
    login_verified(client, talent)
    response = client.post(
        apply_url(service),
        {
            **fresh_form(client, service),
            "answer_employer": "西湖大学",
            "answer_since": "2024-02-30",
            material_field(service): pdf(),
            "action": "submit",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"answer_tier", "answer_since"}
    body = response.content.decode()
    assert 'id="id_answer_tier_error"' in body and 'id="id_answer_since_error"' in body
    assert 'value="西湖大学"' in body and 'value="2024-02-30"' in body
    draft = ServiceApplication.objects.get()
    assert draft.status == S.DRAFT and draft.answers == {"employer": "西湖大学"}
    assert "id.pdf" in body  # the upload was attached to the draft and is listed
    assert f'name="reference" value="{draft.reference}"' in body

    # Completing the form submits the same draft; the file attached earlier counts.
    response = client.post(
        apply_url(service), {"reference": draft.reference, **ANSWERS, "action": "submit"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and ServiceApplication.objects.count() == 1


def test_a_new_file_for_a_material_replaces_the_draft_s_earlier_one(client, talent):
    service = online_service()
    login_verified(client, talent)
    client.post(
        apply_url(service),
        {**fresh_form(client, service), material_field(service): pdf("old.pdf"), "action": "save"},
    )
    draft = ServiceApplication.objects.get()
    client.post(
        apply_url(service),
        {"reference": draft.reference, material_field(service): pdf("new.pdf"), "action": "save"},
    )
    names = ApplicationDocument.objects.filter(reference=draft.reference)
    assert [d.original_name for d in names] == ["new.pdf"]


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("cv.pdf", b"MZ\x90\x00\x03 a Windows program"), "file_type"),
        (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "file_type"),
        (SimpleUploadedFile("big.pdf", PDF + b" " * 2_000), "file_size"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_else_is_lost(
    client, talent, settings, upload, code
):
    settings.MAX_UPLOAD_BYTES = 1_000
    service = online_service()
    login_verified(client, talent)
    response = client.post(
        apply_url(service),
        {
            **fresh_form(client, service),
            **ANSWERS,
            material_field(service): pdf(),
            material_field(service, 1): upload,  # PDF only
            "action": "submit",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()
    assert list(errors) == [material_field(service, 1)]
    assert errors[material_field(service, 1)][0].code == code
    draft = ServiceApplication.objects.get()
    assert draft.status == S.DRAFT and draft.answers["employer"] == "浙江大学"
    assert [d.original_name for d in ApplicationDocument.objects.all()] == ["id.pdf"]


def test_a_damaged_image_is_refused_when_the_workflow_re_encodes_it(client, talent):
    service = online_service()
    login_verified(client, talent)
    broken = SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"not really an image")
    response = client.post(
        apply_url(service),
        {**fresh_form(client, service), material_field(service): broken, "action": "save"},
    )
    assert response.status_code == 400
    assert material_field(service) in response.context["form"].errors
    assert not ApplicationDocument.objects.exists()


def test_tampered_choices_are_field_errors(client, talent):
    service = online_service()
    login_verified(client, talent)
    response = client.post(
        apply_url(service),
        {**fresh_form(client, service), **ANSWERS, "answer_tier": "Z类", "action": "save"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["answer_tier"]
    assert "tier" not in ServiceApplication.objects.get().answers


def test_another_users_documents_and_drafts_are_404(client, talent):
    service = online_service()
    login_verified(client, talent)
    client.post(
        apply_url(service),
        {**fresh_form(client, service), material_field(service): pdf(), "action": "save"},
    )
    draft = ServiceApplication.objects.get()
    document = ApplicationDocument.objects.get()
    intruder = Client()
    login_verified(intruder, UserFactory())
    assert intruder.get(document.get_absolute_url()).status_code == 404
    response = intruder.post(
        apply_url(service), {"reference": draft.reference, **ANSWERS, "action": "submit"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.answers == {}
    own = client.get(document.get_absolute_url())
    own.close()
    assert own.status_code == 200


def test_tampered_hidden_fields_do_not_break_anything(client, talent):
    service = online_service()
    login_verified(client, talent)
    for extra in ({"started": "forged"}, {"started": ""}, {"reference": "SV-2026-999999"}):
        response = client.post(apply_url(service), {**extra, **ANSWERS, "action": "nonsense"})
        assert response.status_code in (302, 404)
    assert ServiceApplication.objects.count() == 1  # "nonsense" saved a draft, once


# Double submission ----------------------------------------------------------------------------


def test_submitting_twice_gives_one_application_and_a_message(client, talent):
    service = online_service()
    login_verified(client, talent)
    form = {
        **fresh_form(client, service),
        **ANSWERS,
        material_field(service): pdf(),
        "action": "submit",
    }
    client.post(apply_url(service), form)
    # The back button, then "Submit" again: the same form, posted again.
    again = client.post(apply_url(service), {**form, material_field(service): pdf()})
    application = ServiceApplication.objects.get()
    assert application.status == S.SUBMITTED
    assert again.status_code == 302
    assert again["Location"] == reverse("policies:service_applied", args=[application.reference])
    assert any(application.reference in message for message in messages_of(again))
    assert ApplicationDocument.objects.count() == 1
    submissions = ApplicationEvent.objects.filter(to_status=S.SUBMITTED)
    assert submissions.count() == 1


def test_an_empty_form_submitted_starts_no_draft(client, talent):
    """After a submission, the back button may re-open the page as a fresh, empty form;
    submitting that shows what is missing and creates nothing."""
    service = online_service()
    login_verified(client, talent)
    response = client.post(apply_url(service), {**fresh_form(client, service), "action": "submit"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"answer_employer", "answer_tier"}
    assert not ServiceApplication.objects.exists()
    # Saving an empty draft is a choice, and is kept.
    client.post(apply_url(service), {**fresh_form(client, service), "action": "save"})
    assert ServiceApplication.objects.get().status == S.DRAFT


def test_a_draft_form_posted_after_its_submission_changes_nothing(client, talent):
    service = online_service()
    login_verified(client, talent)
    client.post(apply_url(service), {**fresh_form(client, service), "action": "save"})
    draft_form = fresh_form(client, service)  # a second tab with the draft
    client.post(apply_url(service), {**draft_form, **ANSWERS, material_field(service): pdf(),
                                     "action": "submit"})  # fmt: skip
    late = client.post(
        apply_url(service), {**draft_form, "answer_employer": "changed", "action": "save"}
    )
    application = ServiceApplication.objects.get()
    assert late.status_code == 302
    assert application.status == S.SUBMITTED and application.answers["employer"] == "浙江大学"


def test_a_withdrawn_draft_is_not_revived(client, talent):
    service = online_service()
    login_verified(client, talent)
    client.post(apply_url(service), {**fresh_form(client, service), "action": "save"})
    draft = ServiceApplication.objects.get()
    application_withdraw(application=draft, by=talent)
    response = client.post(
        apply_url(service), {"reference": draft.reference, **ANSWERS, "action": "submit"}
    )
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN


def test_after_a_submission_the_apply_page_starts_a_new_application(client, talent):
    service = online_service()
    earlier = ServiceApplicationFactory(service=service, applicant=talent, status=S.SUBMITTED)
    login_verified(client, talent)
    page = client.get(apply_url(service))
    body = page.content.decode()
    assert earlier.reference in body and 'name="started"' in body
    client.post(apply_url(service), {**fresh_form(client, service), "action": "save"})
    assert ServiceApplication.objects.filter(applicant=talent).count() == 2


def test_the_database_allows_one_draft_per_applicant_and_service(talent):
    service = online_service()
    ServiceApplicationFactory(service=service, applicant=talent)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceApplicationFactory(service=service, applicant=talent)
    ServiceApplicationFactory(service=service, applicant=talent, status=S.SUBMITTED)
    ServiceApplicationFactory(service=online_service(), applicant=talent)
    assert ServiceApplication.objects.filter(applicant=talent).count() == 3


def test_the_workflow_refuses_a_second_draft_with_a_clear_error(talent):
    from django.core.exceptions import ValidationError

    service = online_service()
    application_create(model=ServiceApplication, applicant=talent, service=service)
    with pytest.raises(ValidationError) as error:
        application_create(model=ServiceApplication, applicant=talent, service=service)
    assert error.value.error_dict["__all__"][0].code == "one_draft"
    assert service_draft_get_or_create(service=service, applicant=talent).service == service


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogues")
def test_two_requests_starting_a_draft_at_once_share_one():
    talent = UserFactory()
    service = online_service()
    results = race(*[lambda: service_draft_get_or_create(service=service, applicant=talent)] * 4)
    assert all(isinstance(r, ServiceApplication) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert ServiceApplication.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogues")
@pytest.mark.parametrize("action", ["submit", "save"])
def test_a_double_click_on_a_fresh_form_makes_one_application(action):
    """Two tabs (or a double click) post the same new form at the same moment, each on its
    own connection: one application, submitted at most once."""
    talent = UserFactory()
    service = online_service()
    browser = Client()
    login_verified(browser, talent)
    hidden = fresh_form(browser, service)

    def post():
        tab = Client()
        login_verified(tab, talent)
        response = tab.post(
            apply_url(service),
            {**hidden, **ANSWERS, material_field(service): pdf(), "action": action},
        )
        return response.status_code

    results = race(post, post, post)
    assert results == [302, 302, 302], results
    application = ServiceApplication.objects.get()
    expected = S.SUBMITTED if action == "submit" else S.DRAFT
    assert application.status == expected
    assert ApplicationEvent.objects.filter(to_status=S.SUBMITTED).count() == (
        1 if action == "submit" else 0
    )


# Offline services ---------------------------------------------------------------------------


def test_an_offline_service_shows_how_to_apply_in_person(client, talent):
    service = online_service(is_online=False)
    detail = client.get(reverse("policies:service_detail", args=[service.pk])).content.decode()
    assert f'href="{apply_url(service)}"' in detail
    login_verified(client, talent)
    page = client.get(f"/en{apply_url(service)}")
    body = page.content.decode()
    assert page.status_code == 200
    assert "In person" in body or "in person" in body
    assert "Identity card" in body
    assert 'type="file"' not in body and 'name="action"' not in body
    response = client.post(apply_url(service), {**ANSWERS, "action": "submit"})
    assert response.status_code == 400
    assert not ServiceApplication.objects.exists()
