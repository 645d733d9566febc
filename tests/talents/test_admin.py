"""The talent library's back office: talents without contact details or full counts, the
enterprise verification queue scoped to the staff member's region, postings, evaluations and
the read-only access log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from talentportal import roles
from talentportal.models import AccountKind, ApplicationStatus, Notification
from talentportal.workflow import application_submit
from talents.admin import LargeTablePaginator, estimated_count
from talents.models import (
    AccessKind,
    Enterprise,
    Evaluation,
    ProfileAccess,
    Talent,
    TalentCard,
    VerificationStatus,
)
from talents.services import (
    enterprise_join_answer,
    enterprise_join_request,
    evaluation_nominate,
)
from tests.auth_helpers import login_verified
from tests.policies.factories import region
from tests.talentportal.factories import UserFactory, staff_member
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    EnterpriseMemberFactory,
    TalentFactory,
    recruiter,
    staff_with,
)

pytestmark = pytest.mark.django_db

TALENTS = "/admin/talents/talent/"
ENTERPRISES = "/admin/talents/enterprise/"


def action(client, url, name, objects, **extra):
    return client.post(
        url, {"action": name, "_selected_action": [o.pk for o in objects], **extra}, follow=True
    )


# Talents ---------------------------------------------------------------------------------------


def test_the_talent_list_has_no_names_or_contact_details(admin_client):
    talent = TalentFactory(name="张三丰", phone="13812345678", email="zsf@example.cn")
    response = admin_client.get(TALENTS)
    assert response.status_code == 200
    text = response.content.decode()
    assert talent.user.username in text and "张**" in text
    for secret in ("张三丰", "13812345678", "zsf@example.cn", talent.user.email):
        assert secret not in text


def test_talents_are_searched_by_exact_username_only(admin_client):
    wanted = TalentFactory(name="王五")
    TalentFactory(name="王五六")
    response = admin_client.get(TALENTS, {"q": wanted.user.username.upper()})
    assert list(response.context["cl"].result_list) == [wanted]
    assert list(admin_client.get(TALENTS, {"q": "王五"}).context["cl"].result_list) == []
    assert list(admin_client.get(TALENTS, {"q": "user"}).context["cl"].result_list) == []


def test_the_talent_changelist_never_counts_the_whole_table(admin_client):
    TalentFactory.create_batch(3)
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(TALENTS)
    assert response.context["cl"].show_full_result_count is False
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    talent_counts = [sql for sql in counts if "talents_talent" in sql]
    assert talent_counts, counts
    assert all("LIMIT" in sql for sql in talent_counts), talent_counts


def test_the_talent_filters_read_no_distinct_values(admin_client):
    findable = TalentFactory()
    hidden = TalentFactory(visibility="hidden")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(TALENTS)
    assert not [q for q in captured.captured_queries if "DISTINCT" in q["sql"]]
    assert list(admin_client.get(TALENTS, {"listed": "1"}).context["cl"].result_list) == [findable]
    assert list(admin_client.get(TALENTS, {"listed": "0"}).context["cl"].result_list) == [hidden]
    assert response.status_code == 200


def test_the_large_table_paginator_counts_up_to_a_cap_then_estimates(monkeypatch):
    TalentFactory.create_batch(5)
    monkeypatch.setattr(LargeTablePaginator, "cap", 3)
    paginator = LargeTablePaginator(Talent.objects.order_by("pk"), 2)
    assert paginator.count >= 4  # the planner's estimate, never below the cap
    assert paginator.num_pages == 2  # pages stop at the cap
    first = Talent.objects.order_by("pk").first()
    small = LargeTablePaginator(Talent.objects.filter(pk=first.pk).order_by("pk"), 2)
    assert small.count == 1 and small.num_pages == 1
    assert estimated_count(Talent.objects.all()) >= 0


def test_the_talent_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries
):
    TalentFactory.create_batch(2)
    admin_client.get(TALENTS)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(TALENTS)
    TalentFactory.create_batch(20)
    with django_assert_max_num_queries(len(few)):
        admin_client.get(TALENTS)


def test_a_talent_page_in_the_admin_is_read_only_and_logged(admin_client, admin_user):
    talent = TalentFactory(name="赵六", phone="13700000000")
    response = admin_client.get(f"{TALENTS}{talent.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "13700000000" not in text and "赵六" not in text
    access = ProfileAccess.objects.get(talent=talent)
    assert (access.viewer, access.enterprise, access.what) == (admin_user, None, AccessKind.PROFILE)
    assert admin_client.post(f"{TALENTS}{talent.pk}/change/", {}).status_code == 403
    assert admin_client.get(f"{TALENTS}add/").status_code == 403
    assert admin_client.get(f"{TALENTS}{talent.pk}/delete/").status_code == 403


def test_region_scoped_staff_see_their_region_s_talents_only():
    staff = staff_with("view_talent", staff_region=region("330100"))
    client = Client()
    login_verified(client, staff)
    hangzhou = TalentFactory(current_region=region("330106"))
    TalentFactory(current_region=region("320400"))
    response = client.get(TALENTS)
    assert list(response.context["cl"].result_list) == [hangzhou]


# Enterprises -----------------------------------------------------------------------------------


def test_region_scoped_staff_verify_only_their_region():

    staff = staff_with("view_enterprise", "change_enterprise", staff_region=region("330100"))
    client = Client()
    login_verified(client, staff)
    hangzhou = EnterpriseFactory(pending=True, region=region("330106"))
    EnterpriseMemberFactory(enterprise=hangzhou)
    changzhou = EnterpriseFactory(pending=True, region=region("320400"))
    response = client.get(ENTERPRISES)
    assert list(response.context["cl"].result_list) == [hangzhou]
    assert client.get(f"{ENTERPRISES}{changzhou.pk}/change/").status_code == 302  # not found

    action(client, ENTERPRISES, "verify", [hangzhou, changzhou])
    hangzhou.refresh_from_db()
    changzhou.refresh_from_db()
    assert hangzhou.status == VerificationStatus.VERIFIED and hangzhou.verified_by == staff
    assert changzhou.status == VerificationStatus.PENDING  # outside the region: untouched
    member = hangzhou.members.get().user
    assert Notification.objects.filter(recipient=member).exists()


def test_rejection_asks_for_a_reason(admin_client):
    enterprise = EnterpriseFactory(pending=True)
    page = action(admin_client, ENTERPRISES, "reject", [enterprise])
    assert b"Reason" in page.content or "reason" in page.content.decode().lower()
    enterprise.refresh_from_db()
    assert enterprise.status == VerificationStatus.PENDING
    action(admin_client, ENTERPRISES, "reject", [enterprise], confirm="1", reason="执照模糊")
    enterprise.refresh_from_db()
    assert enterprise.status == VerificationStatus.REJECTED
    assert enterprise.rejection_reason == "执照模糊"


def test_the_evidence_is_downloaded_by_staff_of_the_region_only(admin_client):

    enterprise = EnterpriseFactory(pending=True, region=region("330106"))
    enterprise.evidence.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"))
    response = admin_client.get(f"{ENTERPRISES}{enterprise.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    other = staff_with("view_enterprise", staff_region=region("320400"))
    client = Client()
    login_verified(client, other)
    assert client.get(f"{ENTERPRISES}{enterprise.pk}/evidence/").status_code == 404
    change = admin_client.get(f"{ENTERPRISES}{enterprise.pk}/change/")
    assert f"{ENTERPRISES}{enterprise.pk}/evidence/" in change.content.decode()


def test_pending_enterprises_come_first(admin_client):
    verified = EnterpriseFactory()
    pending = EnterpriseFactory(pending=True)
    rows = list(admin_client.get(ENTERPRISES).context["cl"].result_list)
    assert rows.index(pending) < rows.index(verified)


# Postings, evaluations, cards, the access log ---------------------------------------------------


def test_postings_are_moderated_by_unpublishing(admin_client):
    demand = DemandFactory()
    assert admin_client.get("/admin/talents/demand/").status_code == 200
    assert admin_client.get("/admin/talents/internship/").status_code == 200
    action(admin_client, "/admin/talents/demand/", "unpublish", [demand])
    demand.refresh_from_db()
    assert not demand.is_published


def test_confirming_an_evaluation_issues_a_card(admin_client):
    member = recruiter(evaluator=True)
    enterprise = Enterprise.objects.of_member(member).get()
    talent = TalentFactory()
    evaluation = evaluation_nominate(
        enterprise=enterprise, talent=talent, by=member, proposed_tier="C", evidence="证据"
    )
    application_submit(application=evaluation, by=member)
    url = "/admin/talents/evaluation/"
    response = admin_client.get(url)
    assert list(response.context["cl"].result_list) == [evaluation]
    action(admin_client, url, "confirm", [evaluation])
    evaluation.refresh_from_db()
    assert evaluation.status == ApplicationStatus.APPROVED and evaluation.confirmed_tier == "C"
    card = TalentCard.objects.get(talent=talent)
    assert admin_client.get("/admin/talents/talentcard/").status_code == 200
    action(admin_client, "/admin/talents/talentcard/", "revoke", [card], confirm="1", reason="错误")
    card.refresh_from_db()
    assert card.revoked_at is not None


def test_rejecting_an_evaluation_needs_a_reason(admin_client):
    member = recruiter(evaluator=True)
    enterprise = Enterprise.objects.of_member(member).get()
    evaluation = evaluation_nominate(
        enterprise=enterprise, talent=TalentFactory(), by=member, proposed_tier="E", evidence="x"
    )
    application_submit(application=evaluation, by=member)
    action(
        admin_client, "/admin/talents/evaluation/", "reject", [evaluation], confirm="1", reason=""
    )
    evaluation.refresh_from_db()
    assert evaluation.status == ApplicationStatus.SUBMITTED
    action(
        admin_client,
        "/admin/talents/evaluation/",
        "reject",
        [evaluation],
        confirm="1",
        reason="不足",
    )
    evaluation.refresh_from_db()
    assert evaluation.status == ApplicationStatus.REJECTED
    assert not Evaluation.objects.filter(status=ApplicationStatus.DRAFT).exists()


def test_the_access_log_is_read_only(admin_client, admin_user):
    talent = TalentFactory()
    access = ProfileAccess.objects.create(
        viewer=admin_user, talent=talent, what=AccessKind.CONTACT, why="测试"
    )
    url = "/admin/talents/profileaccess/"
    response = admin_client.get(url)
    assert response.status_code == 200 and list(response.context["cl"].result_list) == [access]
    assert admin_client.get(f"{url}add/").status_code == 403
    assert admin_client.get(f"{url}{access.pk}/delete/").status_code == 403
    assert admin_client.post(f"{url}{access.pk}/change/", {"why": "changed"}).status_code == 403
    access.refresh_from_db()
    assert access.why == "测试"
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


# Requests to join an enterprise (issue 19, point 12) --------------------------------------------

JOINS = "/admin/talents/enterprisejoinrequest/"


def _join_request(region_code="330106"):
    enterprise = EnterpriseFactory(region=region(region_code))
    EnterpriseMemberFactory(enterprise=enterprise, role="admin")
    colleague = UserFactory(kind=AccountKind.ENTERPRISE, display_name="林晓")
    return enterprise_join_request(
        user=colleague, credit_code=enterprise.credit_code, message="我是研发部的"
    )


def test_the_join_request_queue_lists_filters_and_searches():
    hangzhou, changzhou = _join_request("330106"), _join_request("320400")
    staff = staff_member(role=roles.CASE_OFFICER, staff_region=region("330100"))
    client = Client()
    login_verified(client, staff)
    response = client.get(JOINS)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [hangzhou]  # the officer's region only
    assert client.get(f"{JOINS}{changzhou.pk}/change/").status_code == 302  # not found
    assert list(client.get(JOINS, {"status__exact": "pending"}).context["cl"].result_list) == [
        hangzhou
    ]
    assert list(client.get(JOINS, {"status__exact": "approved"}).context["cl"].result_list) == []
    for term in (hangzhou.enterprise.name, hangzhou.enterprise.credit_code, "林晓"):
        assert list(client.get(JOINS, {"q": term}).context["cl"].result_list) == [hangzhou]
    assert client.get(f"{JOINS}add/").status_code == 403  # the person asks, on the site


@pytest.mark.parametrize(("name", "status"), [("approve", "approved"), ("decline", "declined")])
def test_staff_answer_join_requests_through_the_service(name, status):
    join, elsewhere = _join_request("330106"), _join_request("320400")
    staff = staff_member(role=roles.CASE_OFFICER, staff_region=region("330100"))
    client = Client()
    login_verified(client, staff)
    action(client, JOINS, name, [join, elsewhere])
    join.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (join.status, join.decided_by) == (status, staff)
    assert elsewhere.status == "pending"  # outside the officer's region: untouched
    assert join.enterprise.has_member(join.user) == (status == "approved")
    assert Notification.objects.filter(recipient=join.user).exists()
    # Answering again is refused, and says so.
    response = action(client, JOINS, name, [join])
    assert "该请求已答复。" in response.text


def test_a_content_editor_cannot_answer_join_requests():
    join = _join_request()
    editor = staff_member(role=roles.CONTENT_EDITOR)
    client = Client()
    login_verified(client, editor)
    assert client.get(JOINS).status_code == 403
    with pytest.raises(PermissionDenied):
        enterprise_join_answer(join=join, by=editor, approve=True)
    join.refresh_from_db()
    assert join.status == "pending"
