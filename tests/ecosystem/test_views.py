"""The ecosystem's public pages: both languages, filters, permissions, bad input, the apply
and feedback flows — through the pages, against PostgreSQL."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from ecosystem.models import Feedback, FeedbackCategory, FinancialApplication
from talentportal.choices import TalentTier
from talentportal.models import AccountKind, ApplicationDocument, ApplicationStatus
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import (
    AllianceActivityFactory,
    AllianceFactory,
    DesignationFactory,
    InstitutionFactory,
    KeyEnterpriseFactory,
    KeyEnterpriseListFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointEventFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import region
from tests.projects.roadshow_factories import RoadshowFactory
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import EnterpriseFactory, TalentFactory, recruiter

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def url(name, *args, language="zh-hans", query=""):
    with translation.override(language):
        return reverse(f"ecosystem:{name}", args=args) + (f"?{query}" if query else "")


def page(client, name, *args, language="zh-hans", query="", status=200):
    response = client.get(url(name, *args, language=language, query=query))
    assert response.status_code == status, response.content[:2000]
    return response.content.decode()


# Service points ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "人才服务站点"), ("en", "Talent service points")]
)
def test_service_point_list_in_both_languages(client, language, heading):
    ServicePointFactory(name_zh="浙大人才之家", name_en="ZJU Talent Homeland")
    html = page(client, "service_points", language=language)
    assert heading in html
    assert ("ZJU Talent Homeland" if language == "en" else "浙大人才之家") in html


def test_service_point_filters(client):
    xihu = ServicePointFactory(name_zh="西湖人才之家", region=region("330106"))
    ningbo = ServicePointFactory(
        name_zh="宁波人才飞地", kind="enclave", region=region("330212"), host_zh="宁波市人才办"
    )
    unpublished = ServicePointFactory(name_zh="未发布的站点", is_published=False)
    item = ServiceItemFactory()
    xihu.services.add(item)

    html = page(client, "service_points")
    assert xihu.name_zh in html and ningbo.name_zh in html
    assert unpublished.name_zh not in html

    html = page(client, "service_points", query="region=330200")  # a city includes its counties
    assert ningbo.name_zh in html and xihu.name_zh not in html
    html = page(client, "service_points", query="kind=enclave")
    assert ningbo.name_zh in html and xihu.name_zh not in html
    html = page(client, "service_points", query="q=宁波市人才办")  # the host
    assert ningbo.name_zh in html and xihu.name_zh not in html
    html = page(client, "service_points", query="kind=enclave&region=330100")
    assert ningbo.name_zh not in html and xihu.name_zh not in html
    html = page(client, "service_points", query=f"service={item.pk}")
    assert xihu.name_zh in html and ningbo.name_zh not in html


def test_service_point_bad_filters_are_reported_not_fatal(client):
    point = ServicePointFactory()
    html = page(client, "service_points", query="region=999999&kind=castle&service=x&page=abc")
    assert point.name_zh in html  # the bad filters are left out
    assert 'role="alert"' in html


def test_service_point_detail(client):
    point = ServicePointFactory(address_zh="余杭塘路866号", phone="0571-88888888")
    DesignationFactory(service_point=point)
    salon = ServicePointEventFactory(service_point=point)
    roadshow = RoadshowFactory()
    point.roadshows.add(roadshow)
    html = page(client, "service_point", point.pk)
    for text in ("余杭塘路866号", "0571-88888888", "第一批重点建设单位", salon.title_zh):
        assert text in html
    assert reverse("projects:roadshow", args=[roadshow.pk]) in html
    html = page(client, "service_point", point.pk, language="en")
    assert "First batch of key construction units" in html


def test_unpublished_or_unknown_service_point_is_404(client):
    point = ServicePointFactory(is_published=False)
    page(client, "service_point", point.pk, status=404)
    page(client, "service_point", 987654, status=404)


# Alliances --------------------------------------------------------------------------------


def test_alliance_list_filters(client):
    industry_alliance = AllianceFactory(name_zh="新能源产业人才联盟", region=region("330100"))
    consortium = AllianceFactory(
        name_zh="集成电路产教融合共同体", kind="consortium", region=region("320800")
    )
    html = page(client, "alliances")
    assert industry_alliance.name_zh in html and consortium.name_zh in html
    html = page(client, "alliances", query="kind=consortium")
    assert consortium.name_zh in html and industry_alliance.name_zh not in html
    html = page(client, "alliances", query="region=320000")
    assert consortium.name_zh in html and industry_alliance.name_zh not in html
    html = page(client, "alliances", query="industry=no-such-industry")
    assert 'role="alert"' in html


def test_alliance_detail_links_verified_member_enterprises(client):
    alliance = AllianceFactory(talents_cultivated=18000)
    verified = MembershipFactory(alliance=alliance, enterprise=EnterpriseFactory(name="已认证公司"))
    pending = MembershipFactory(
        alliance=alliance, enterprise=EnterpriseFactory(name="待认证公司", pending=True)
    )
    MembershipFactory(alliance=alliance, enterprise=None, institution_name="浙江工业大学")
    activity = AllianceActivityFactory(alliance=alliance)
    html = page(client, "alliance", alliance.pk)
    assert verified.enterprise.get_absolute_url() in html
    assert "待认证公司" in html and pending.enterprise.get_absolute_url() not in html
    assert "浙江工业大学" in html and activity.title_zh in html
    assert "2023-03-01" in html  # join date
    assert "18,000" in page(client, "alliance", alliance.pk, language="en")


def test_my_memberships(client):
    member = recruiter()
    enterprise = member.enterprise_memberships.get().enterprise
    mine = MembershipFactory(enterprise=enterprise)
    other = MembershipFactory()
    login_verified(client, member)
    html = page(client, "my_memberships")
    assert mine.alliance.name_zh in html and other.alliance.name_zh not in html


def test_my_memberships_needs_a_login(client):
    response = client.get(url("my_memberships"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Finance ----------------------------------------------------------------------------------


def test_product_list_filters(client):
    loan = ProductFactory(name_zh="人才贷A", eligible_tiers=["A", "B"])
    insurance = ProductFactory(
        name_zh="人才保险", kind="insurance", eligible_enterprise_types=["high_tech"]
    )
    open_product = ProductFactory(name_zh="人才卡权益", kind="card_benefit")
    unverified = ProductFactory(
        name_zh="未认证机构的产品",
        institution=InstitutionFactory(is_verified=False, verified_at=None),
    )
    html = page(client, "products")
    assert all(p.name_zh in html for p in (loan, insurance, open_product))
    assert unverified.name_zh not in html
    html = page(client, "products", query="tier=A")  # listed, or open to everyone
    assert loan.name_zh in html and open_product.name_zh in html
    assert insurance.name_zh not in html
    html = page(client, "products", query="enterprise_type=high_tech&kind=insurance")
    assert insurance.name_zh in html and loan.name_zh not in html
    html = page(client, "products", query=f"institution={loan.institution_id}")
    assert loan.name_zh in html and insurance.name_zh not in html
    html = page(client, "products", query="q=人才贷A")
    assert loan.name_zh in html and insurance.name_zh not in html
    html = page(client, "products", query="tier=Z&institution=abc")
    assert 'role="alert"' in html


def test_product_detail_explains_eligibility(client):
    product = ProductFactory(eligible_tiers=["A", "B"])
    html = page(client, "product", product.pk)
    assert "登录" in html  # anonymous: log in to see
    talent = TalentFactory(tier=TalentTier.C).user
    login_verified(client, talent)
    html = page(client, "product", product.pk)
    assert "C" in html and 'name="amount"' not in html  # not eligible: no form
    login_verified(client, TalentFactory(tier=TalentTier.A).user)
    html = page(client, "product", product.pk, language="en")
    assert "Your talent tier A is eligible." in html and 'name="amount"' in html


def test_apply_flow_draft_submit_and_double_submit(client):
    product = ProductFactory(eligible_tiers=["A"], max_amount=1_000_000)
    talent = TalentFactory(tier=TalentTier.A).user
    login_verified(client, talent)
    apply_url = url("product_apply", product.pk)

    response = client.post(apply_url, {"amount": "500000", "purpose": "研发", "action": "save"})
    assert response.status_code == 302
    draft = FinancialApplication.objects.get(applicant=talent)
    assert draft.status == ApplicationStatus.DRAFT and draft.amount == 500_000
    assert 'value="500000"' in page(client, "product", product.pk)  # the draft comes back

    data = {"amount": "600000", "purpose": "研发设备", "action": "submit"}
    response = client.post(apply_url, data)
    draft.refresh_from_db()
    check_url = reverse("me:application_check", args=[draft.reference])
    assert response.status_code == 302 and response["Location"] == check_url
    assert draft.status == ApplicationStatus.DRAFT and draft.amount == 600_000
    response = client.post(check_url)  # "check your answers" submits
    draft.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert draft.status == ApplicationStatus.SUBMITTED and draft.amount == 600_000

    again = client.post(apply_url, data)  # a double click
    assert again.status_code == 400
    assert draft.reference in again.content.decode()
    assert FinancialApplication.objects.filter(applicant=talent).count() == 1
    assert draft.reference in client.get(reverse("me:applications")).content.decode()


def test_apply_bad_input(client):
    product = ProductFactory(max_amount=100_000)
    login_verified(client, TalentFactory().user)
    apply_url = url("product_apply", product.pk)
    for data in (
        {"amount": "200000", "purpose": "x", "action": "submit"},
        {"amount": "abc", "purpose": "x", "action": "submit"},
        {"amount": "-5", "purpose": "x", "action": "submit"},
        {"amount": "1000", "purpose": "", "action": "submit"},
        {"amount": "1000\x00", "purpose": "x", "action": "submit"},
    ):
        assert client.post(apply_url, data).status_code == 400
    assert not FinancialApplication.objects.exists()
    assert client.post(url("product_apply", 987654), {}).status_code == 404
    assert client.get(apply_url).status_code == 405


def test_apply_not_eligible_is_refused(client):
    product = ProductFactory(eligible_tiers=["A"])
    login_verified(client, TalentFactory(tier="").user)
    response = client.post(
        url("product_apply", product.pk), {"amount": "1000", "purpose": "x", "action": "submit"}
    )
    assert response.status_code == 400
    assert not FinancialApplication.objects.exists()


def test_apply_needs_a_login(client):
    product = ProductFactory()
    response = client.post(url("product_apply", product.pk), {"amount": "1", "purpose": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_enterprise_declares_its_type(client):
    product = ProductFactory(eligible_enterprise_types=["high_tech", "private"])
    member = recruiter()
    login_verified(client, member)
    html = page(client, "product", product.pk)
    assert 'name="enterprise_type"' in html
    response = client.post(
        url("product_apply", product.pk),
        {"amount": "1000", "purpose": "x", "enterprise_type": "state_owned", "action": "submit"},
    )
    assert response.status_code == 400  # not one of the product's types
    client.post(
        url("product_apply", product.pk),
        {"amount": "1000", "purpose": "x", "enterprise_type": "high_tech", "action": "submit"},
    )
    application = FinancialApplication.objects.get(applicant=member)
    assert application.enterprise_type == "high_tech" and application.enterprise is not None
    client.post(reverse("me:application_check", args=[application.reference]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_another_users_application_is_404(client):
    product = ProductFactory()
    owner = TalentFactory().user
    login_verified(client, owner)
    client.post(
        url("product_apply", product.pk), {"amount": "1000", "purpose": "x", "action": "submit"}
    )
    reference = FinancialApplication.objects.get().reference
    login_verified(client, TalentFactory().user)
    assert client.get(reverse("me:application", args=[reference])).status_code == 404
    check_url = reverse("me:application_check", args=[reference])
    assert client.get(check_url).status_code == 404
    assert client.post(check_url).status_code == 404
    assert FinancialApplication.objects.get().status == ApplicationStatus.DRAFT


def test_key_enterprises_by_year(client):
    entry = KeyEnterpriseFactory(enterprise=EnterpriseFactory(name="上市培育公司"))
    older = KeyEnterpriseFactory(
        list=KeyEnterpriseListFactory(year=2025, title_zh="2025年度名单"),
        enterprise=EnterpriseFactory(name="去年的公司"),
    )
    html = page(client, "key_enterprises")  # the latest year
    assert "上市培育公司" in html and "去年的公司" not in html
    assert entry.list.criteria_zh in html and "Shareholding reform" in page(
        client, "key_enterprises", language="en"
    )
    html = page(client, "key_enterprises", query="year=2025")
    assert "去年的公司" in html and older.list.title_zh in html
    page(client, "key_enterprises", query="year=1999", status=404)
    page(client, "key_enterprises", query="year=abc", status=404)


def test_key_enterprises_empty(client):
    page(client, "key_enterprises")


# Feedback ---------------------------------------------------------------------------------


def feedback_form(**overrides):
    """The form as the page sends it: each blank form carries a new submission key."""
    return {
        "category": FeedbackCategory.HOUSING,
        "region": "330100",
        "title": "人才公寓排队太久",
        "description": "申请人才公寓已半年。",
        "submission_key": str(uuid.uuid4()),
        **overrides,
    }


@pytest.mark.parametrize("kind", [AccountKind.TALENT, AccountKind.ENTERPRISE])
def test_file_feedback_and_track_it(client, kind):
    user = recruiter() if kind == AccountKind.ENTERPRISE else TalentFactory().user
    login_verified(client, user)
    assert 'name="description"' in page(client, "feedback_new")
    data = feedback_form(attachment=SimpleUploadedFile("photo.png", png(), "image/png"))
    response = client.post(url("feedback_new"), data)
    feedback = Feedback.objects.get(applicant=user)
    assert response["Location"] == url("feedback", feedback.reference)
    assert ApplicationDocument.objects.filter(reference=feedback.reference).count() == 1
    assert feedback.status == ApplicationStatus.SUBMITTED
    html = page(client, "feedback", feedback.reference)
    assert "人才公寓排队太久" in html
    assert "Not routed yet" in page(client, "feedback", feedback.reference, language="en")
    assert feedback.reference in client.get(reverse("me:applications")).content.decode()
    # The "My applications" page of the feedback links to its tracking page.
    mine = client.get(reverse("me:application", args=[feedback.reference])).content.decode()
    assert url("feedback", feedback.reference) in mine


def test_feedback_bad_input(client):
    login_verified(client, TalentFactory().user)
    bad = [
        feedback_form(category="nonsense"),
        feedback_form(region="999999"),
        feedback_form(region="330106"),  # a county: choose the city
        feedback_form(title=""),
        feedback_form(description="x" * 5000),
        feedback_form(attachment=SimpleUploadedFile("a.png", b"MZ\x90\x00 not an image")),
        feedback_form(attachment=SimpleUploadedFile("empty.pdf", b"")),
    ]
    for data in bad:
        response = client.post(url("feedback_new"), data)
        assert response.status_code == 400, data
    assert not Feedback.objects.exists()


def test_feedback_submit_permissions(client):
    response = client.get(url("feedback_new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    login_verified(client, UserFactory(kind=AccountKind.INVESTOR))
    assert client.get(url("feedback_new")).status_code == 403
    assert client.post(url("feedback_new"), feedback_form()).status_code == 403


def test_another_users_feedback_is_404(client):
    feedback = feedback_at("answered")
    login_verified(client, TalentFactory().user)
    page(client, "feedback", feedback.reference, status=404)
    response = client.post(url("feedback_rate", feedback.reference), {"rating": "5"})
    assert response.status_code == 404
    client.logout()
    response = client.get(url("feedback", feedback.reference))
    assert response.status_code == 302


def test_rate_and_consent_once_answered(client):
    feedback = feedback_at("routed")
    login_verified(client, feedback.applicant)
    html = page(client, "feedback", feedback.reference)
    assert 'name="rating"' not in html  # not answered yet
    assert client.post(url("feedback_rate", feedback.reference), {"rating": "4"}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.rating is None

    feedback = feedback_at("answered")
    login_verified(client, feedback.applicant)
    html = page(client, "feedback", feedback.reference)
    assert "已协调住建部门" in html and 'name="rating"' in html
    response = client.post(url("feedback_rate", feedback.reference), {"rating": "9"})
    assert response.status_code == 400
    response = client.post(
        url("feedback_rate", feedback.reference), {"rating": "4", "publish": "on", "comment": "好"}
    )
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.rating == 4 and feedback.publish_consent
    html = page(client, "feedback", feedback.reference)
    assert 'name="rating"' not in html


def test_public_board_shows_published_answers_without_names(client):
    published = feedback_at("published", title="子女入学咨询", category=FeedbackCategory.EDUCATION)
    consented = feedback_at("rated", title="尚未发布的问题")
    html = page(client, "feedback_board")
    assert "子女入学咨询" in html and "已协调住建部门" in html
    assert "尚未发布的问题" not in html
    assert published.applicant.display_name not in html
    assert published.applicant.username not in html
    assert published.reference not in html
    assert "子女入学咨询" in page(client, "feedback_board", query="category=education")
    assert "子女入学咨询" not in page(client, "feedback_board", query="category=housing")
    assert "子女入学咨询" in page(client, "feedback_board", query="region=330000")
    html = page(client, "feedback_board", query="region=320000")  # no answer there: no choice
    assert 'role="alert"' in html
    html = page(client, "feedback_board", query="category=bogus")
    assert 'role="alert"' in html and "子女入学咨询" in html
    assert consented.title not in page(client, "feedback_board", language="en")


def test_the_submitter_takes_it_off_the_board(client):
    feedback = feedback_at("published", title="子女入学咨询")
    assert "子女入学咨询" in page(client, "feedback_board")
    other = TalentFactory().user
    login_verified(client, other)
    assert client.post(url("feedback_unpublish", feedback.reference)).status_code == 404
    login_verified(client, feedback.applicant)
    assert client.get(url("feedback_unpublish", feedback.reference)).status_code == 405
    response = client.post(url("feedback_unpublish", feedback.reference))
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert not feedback.is_published and not feedback.publish_consent
    assert "子女入学咨询" not in page(client, "feedback_board")


def test_feedback_double_submit_files_it_once(client):
    login_verified(client, TalentFactory().user)
    form = feedback_form()
    first = client.post(url("feedback_new"), form)
    second = client.post(url("feedback_new"), form)
    feedback = Feedback.objects.get()
    assert first["Location"] == second["Location"] == url("feedback", feedback.reference)
    # The same words from a new blank form are a new feedback.
    client.post(url("feedback_new"), feedback_form())
    assert Feedback.objects.count() == 2


def test_the_feedback_form_carries_a_new_submission_key_each_time(client):
    login_verified(client, TalentFactory().user)
    keys = {
        re.search(r'name="submission_key" value="([0-9a-f-]+)"', page(client, "feedback_new"))[1]
        for _ in range(2)
    }
    assert len(keys) == 2
