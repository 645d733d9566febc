"""The ecosystem back office: every list and form opens, the feedback queue routes and answers
through the services, department members see only their department's feedback, region-scoped
staff only their region, institution staff only their products' applications."""

import datetime

import pytest
from django.urls import reverse

from ecosystem import services
from ecosystem.models import Feedback, FinancialInstitution
from talentportal.models import ApplicationStatus
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import (
    AllianceActivityFactory,
    DepartmentFactory,
    DesignationFactory,
    InstitutionFactory,
    KeyEnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointEventFactory,
    department_member,
    feedback_at,
    router,
    staff_with,
)
from tests.policies.factories import region
from tests.talentportal.factories import StaffFactory
from tests.talents.factories import TalentFactory

S = ApplicationStatus
pytestmark = pytest.mark.django_db

MODELS = [
    "servicepoint",
    "alliance",
    "alliancemembership",
    "financialinstitution",
    "financialproduct",
    "financialapplication",
    "keyenterpriselist",
    "department",
    "feedback",
]


def url(model, view="changelist", *args):
    return reverse(f"admin:ecosystem_{model}_{view}", args=args)


@pytest.fixture
def superuser_client(client):
    login_verified(client, StaffFactory())
    return client


def test_every_page_opens(superuser_client, django_assert_max_num_queries):
    point = DesignationFactory().service_point
    ServicePointEventFactory(service_point=point)
    membership = MembershipFactory()
    AllianceActivityFactory(alliance=membership.alliance)
    key = KeyEnterpriseFactory()
    product = ProductFactory()
    feedback = feedback_at("answered")
    application = services.financial_application_save(
        product=product,
        applicant=TalentFactory().user,
        amount=100,
        purpose="x",
        submit=True,
    )
    objects = {
        "servicepoint": point,
        "alliance": membership.alliance,
        "alliancemembership": membership,
        "financialinstitution": product.institution,
        "financialproduct": product,
        "financialapplication": application,
        "keyenterpriselist": key.list,
        "department": feedback.department,
        "feedback": feedback,
    }
    for model in MODELS:
        with django_assert_max_num_queries(25):
            assert superuser_client.get(url(model)).status_code == 200, model
        assert superuser_client.get(url(model, "change", objects[model].pk)).status_code == 200
    for model in ["servicepoint", "alliance", "financialproduct", "department"]:
        assert superuser_client.get(url(model, "add")).status_code == 200


def test_changelists_keep_their_query_count(superuser_client, django_assert_max_num_queries):
    for _ in range(3):
        feedback_at("routed")
        MembershipFactory()
    for model in ["feedback", "alliance", "department", "alliancemembership"]:
        with django_assert_max_num_queries(12):
            superuser_client.get(url(model))
    for _ in range(5):
        feedback_at("routed")
        MembershipFactory()
    for model in ["feedback", "alliance", "department", "alliancemembership"]:
        with django_assert_max_num_queries(12):
            superuser_client.get(url(model))


def test_router_routes_from_the_admin(client):
    staff = router()
    login_verified(client, staff)
    feedback = feedback_at("submitted")
    department = DepartmentFactory()
    department_member(department)
    DepartmentFactory(region=region("330200"))  # Ningbo's: not offered for Hangzhou feedback
    page = client.get(url("feedback", "change", feedback.pk))
    assert url("feedback", "route", feedback.pk) in page.content.decode()
    assert feedback.applicant.display_name in page.content.decode()  # routers see who

    form = client.get(url("feedback", "route", feedback.pk))
    assert list(form.context["form"].fields["department"].queryset) == [department]
    response = client.post(url("feedback", "route", feedback.pk), {"department": department.pk})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == S.IN_REVIEW and feedback.department == department
    # Routed already: the page says so instead of routing twice.
    again = client.post(url("feedback", "route", feedback.pk), {"department": department.pk})
    assert again.status_code == 200 and again.context["form"].errors


def test_department_member_sees_and_answers_only_their_feedback(client):
    department = DepartmentFactory()
    member = department_member(department)
    mine = feedback_at("routed", department=department)
    other = feedback_at("routed")
    unrouted = feedback_at("submitted")
    login_verified(client, member)

    listed = client.get(url("feedback"))
    assert list(listed.context["cl"].result_list) == [mine]
    for hidden in (other, unrouted):
        assert client.get(url("feedback", "change", hidden.pk)).status_code == 302
        assert client.get(url("feedback", "answer", hidden.pk)).status_code == 404
    page = client.get(url("feedback", "change", mine.pk)).content.decode()
    assert url("feedback", "answer", mine.pk) in page
    assert url("feedback", "route", mine.pk) not in page
    # The department answers the question, not the person: no submitter's name.
    assert mine.title in page
    assert mine.applicant.display_name not in page
    assert mine.applicant.username not in page

    response = client.post(url("feedback", "answer", mine.pk), {"answer": "已协调解决。"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.APPROVED and mine.answered_by == member


def test_router_cannot_answer_from_the_admin(client):
    staff = router()
    login_verified(client, staff)
    feedback = feedback_at("routed")
    response = client.post(url("feedback", "answer", feedback.pk), {"answer": "我来答"})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == S.IN_REVIEW and feedback.answer == ""


def test_region_scoped_staff_see_only_their_region(client):
    ningbo_staff = router(staff_region=region("330200"))
    login_verified(client, ningbo_staff)
    hangzhou = feedback_at("submitted")
    ningbo = feedback_at("submitted", region=region("330212"))
    listed = client.get(url("feedback"))
    assert list(listed.context["cl"].result_list) == [ningbo]
    assert client.get(url("feedback", "route", hangzhou.pk)).status_code == 404


def test_bulk_publish_needs_consent(client):
    login_verified(client, router())
    consented = feedback_at("rated")
    without = feedback_at("answered")
    services.feedback_rate(feedback=without, rating=2, publish=False, by=without.applicant)
    client.post(
        url("feedback"),
        {"action": "publish_answers", "_selected_action": [consented.pk, without.pk]},
    )
    assert list(Feedback.objects.public_board()) == [consented]


def test_generic_approval_is_not_offered_for_feedback(superuser_client):
    feedback = feedback_at("routed")
    response = superuser_client.get(url("feedback", "decide", feedback.pk, "approved"))
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == S.IN_REVIEW


def test_institution_staff_see_only_their_products_applications(client):
    product, other = ProductFactory(), ProductFactory()
    officer = staff_with("view_financialapplication", "change_financialapplication")
    product.institution.staff.add(officer)
    for each in (product, other):
        services.financial_application_save(
            product=each, applicant=TalentFactory().user, amount=10, purpose="x", submit=True
        )
    login_verified(client, officer)
    listed = client.get(url("financialapplication"))
    assert [a.product for a in listed.context["cl"].result_list] == [product]


def test_verify_institution_action(superuser_client):
    institution = InstitutionFactory(is_verified=False, verified_at=None)
    superuser_client.post(
        url("financialinstitution"),
        {"action": "verify", "_selected_action": [institution.pk]},
    )
    institution = FinancialInstitution.objects.get(pk=institution.pk)
    assert institution.is_verified and institution.verified_at and institution.verified_by


def test_departments_list_their_overdue_feedback(superuser_client):
    department = DepartmentFactory()
    late = feedback_at("routed", department=department)
    feedback_at("routed", department=department)
    Feedback.objects.filter(pk=late.pk).update(due_on=datetime.date(2020, 1, 6))
    page = superuser_client.get(url("department"))
    row = next(d for d in page.context["cl"].result_list if d.pk == department.pk)
    assert (row.open_count, row.late_count) == (2, 1)
    queue = superuser_client.get(url("feedback"), {"department": department.pk, "overdue": "yes"})
    assert list(queue.context["cl"].result_list) == [late]
