"""The policy library's back office: list, search and filters, the change form with its inlines,
actions through the domain services, freshness flags, the audit trail view."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    Policy,
    PolicyStatus,
)
from talentportal.models import Notification
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import benefit_inline_data, inline_management, policy_form_data
from tests.policies.factories import (
    BenefitFactory,
    PolicyFactory,
    PolicyFollowFactory,
    SavedProfileFactory,
    region,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:policies_policy_changelist")
ADD = reverse("admin:policies_policy_add")


def change_url(policy):
    return reverse("admin:policies_policy_change", args=[policy.pk])


def listed(response) -> set[int]:
    return {policy.pk for policy in response.context["cl"].result_list}


@pytest.fixture
def admin_client(client, staff):
    login_verified(client, staff)
    return client


def test_the_changelist_lists_with_region_and_freshness_columns(admin_client):
    PolicyFactory(title_zh="杭州人才新政", source_url="https://example.org/a", source_ok=False)
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "杭州人才新政" in body
    assert "dead" in body or "失效" in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status__exact": "draft"}, {"draft"}),
        ({"region__level__exact": "1"}, {"province"}),
        ({"region": "330100"}, {"city", "county", "draft", "stale", "dead"}),
        ({"category": "medical_care"}, {"province"}),
        ({"is_major__exact": "1"}, {"province"}),
        ({"review": "stale"}, {"stale", "city", "county", "dead"}),
        ({"review": "recent"}, {"province", "draft"}),
        ({"source": "dead"}, {"dead"}),
        ({"source": "unchecked"}, {"county"}),
        ({"region": "330000", "review": "stale", "source": "dead"}, {"dead"}),
    ],
)
def test_each_list_filter(admin_client, params, expected):
    today = timezone.localdate()
    policies = {
        "province": PolicyFactory(
            region=region("330000"),
            categories=[Category.MEDICAL_CARE],
            is_major=True,
            last_reviewed_on=today,
        ),
        "city": PolicyFactory(region=region("330100")),
        "county": PolicyFactory(region=region("330106"), source_url="https://example.org/c"),
        "draft": PolicyFactory(
            region=region("330100"), status=PolicyStatus.DRAFT, last_reviewed_on=today
        ),
        "stale": PolicyFactory(
            region=region("330100"), last_reviewed_on=today - datetime.timedelta(days=400)
        ),
        "dead": PolicyFactory(
            region=region("330100"), source_url="https://example.org/d", source_ok=False
        ),
    }
    # "stale": published and reviewed over a year ago or never; "recent": within a year.
    names = {policy.pk: name for name, policy in policies.items()}
    response = admin_client.get(CHANGELIST, params)
    assert response.status_code == 200
    assert {names[pk] for pk in listed(response)} == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("人才公寓", {"apartment"}),
        ("apartment", {"apartment"}),
        ("浙人才〔2023〕3号", {"numbered"}),
    ],
)
def test_search_uses_full_text_document_numbers_and_ids(admin_client, term, expected):
    policies = {
        "apartment": PolicyFactory(title_zh="人才公寓管理办法", title_en="Talent apartments"),
        "numbered": PolicyFactory(title_zh="引才办法", document_number="浙人才〔2023〕3号"),
        "other": PolicyFactory(title_zh="创业资助"),
    }
    names = {policy.pk: name for name, policy in policies.items()}
    response = admin_client.get(CHANGELIST, {"q": term})
    assert {names[pk] for pk in listed(response)} == expected
    by_id = admin_client.get(CHANGELIST, {"q": str(policies["other"].pk)})
    assert listed(by_id) == {policies["other"].pk}


def test_the_changelist_query_count_does_not_grow_with_rows(admin_client):
    PolicyFactory.create_batch(3)
    admin_client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    PolicyFactory.create_batch(60, region=region("330106"))
    with CaptureQueriesContext(connection) as many:
        admin_client.get(CHANGELIST)
    assert len(many) <= len(few)


def test_the_change_form_has_the_inlines_and_autocomplete(admin_client):
    policy = PolicyFactory()
    BenefitFactory(policy=policy)
    response = admin_client.get(change_url(policy))
    assert response.status_code == 200
    body = response.content.decode()
    assert "benefits-TOTAL_FORMS" in body
    assert "interpretations-TOTAL_FORMS" in body
    assert "attachments-TOTAL_FORMS" in body
    assert "admin-autocomplete" in body
    assert admin_client.get(ADD).status_code == 200


def test_adding_a_policy_with_a_benefit(admin_client):
    data = policy_form_data()
    data.update(inline_management("benefits", total=1))
    data.update(benefit_inline_data(0, amount_max="300000"))
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    policy = Policy.objects.get(title_zh="测试人才政策")
    assert policy.status == PolicyStatus.DRAFT
    assert policy.categories == [Category.HOUSING]
    assert policy.benefits.get().amount_max == 300_000


def test_changing_a_benefit_in_the_inline_versions_it_and_tells_talents(admin_client, staff):
    from policies.services import saved_profile_save

    policy = PolicyFactory(region=region("330100"))
    benefit = BenefitFactory(policy=policy, amount_max=100_000)
    talent = SavedProfileFactory().user
    saved_profile_save(user=talent, regions=[region("330100")])
    data = policy_form_data(policy)
    data.update(inline_management("benefits", total=1, initial=1))
    data.update(benefit_inline_data(0, benefit, amount_max="150000"))
    response = admin_client.post(change_url(policy), data)
    assert response.status_code == 302
    benefit.refresh_from_db()
    assert benefit.amount_max == 150_000
    assert benefit.version == 2
    assert Notification.objects.filter(recipient=talent).exists()


def test_deleting_a_benefit_in_the_inline(admin_client):
    policy = PolicyFactory()
    benefit = BenefitFactory(policy=policy)
    data = policy_form_data(policy)
    data.update(inline_management("benefits", total=1, initial=1))
    data.update(benefit_inline_data(0, benefit, DELETE="on"))
    assert admin_client.post(change_url(policy), data).status_code == 302
    assert not Benefit.objects.filter(pk=benefit.pk).exists()


def test_the_body_is_sanitised_when_saved_in_the_admin(admin_client):
    policy = PolicyFactory()
    data = policy_form_data(
        policy, body_zh='<p>正文</p><script>alert(1)</script><a href="javascript:x">x</a>'
    )
    assert admin_client.post(change_url(policy), data).status_code == 302
    policy.refresh_from_db()
    assert "<script>" not in policy.body_zh and "javascript:" not in policy.body_zh


def run_action(client, action, policies, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [p.pk for p in policies], **extra},
        follow=True,
    )


def test_publish_action_calls_the_service_and_tells_followers(admin_client):
    follower = PolicyFollowFactory(region=region("330100")).user
    draft = PolicyFactory(region=region("330106"), status=PolicyStatus.DRAFT, issued_on=None)
    published = PolicyFactory()
    response = run_action(admin_client, "publish", [draft, published])
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == PolicyStatus.PUBLISHED and draft.issued_on is not None
    assert Notification.objects.filter(recipient=follower).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert any("1" in m for m in messages)
    assert any(published.title_zh in m for m in messages)  # could not be published again


def test_expire_action(admin_client):
    policy = PolicyFactory()
    run_action(admin_client, "expire", [policy])
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.EXPIRED


def test_mark_reviewed_action_takes_policies_off_the_stale_list(admin_client):
    stale = PolicyFactory(
        issued_on=datetime.date(2023, 6, 1), last_reviewed_on=datetime.date(2024, 1, 2)
    )
    never = PolicyFactory(last_reviewed_on=None)
    listed = admin_client.get(CHANGELIST, {"review": "stale"}).content.decode()
    assert stale.title_zh in listed and never.title_zh in listed
    response = run_action(admin_client, "mark_reviewed", [stale, never])
    assert any("2" in str(m) for m in response.context["messages"])
    for policy in (stale, never):
        policy.refresh_from_db()
        assert policy.last_reviewed_on == timezone.localdate()
    listed = admin_client.get(CHANGELIST, {"review": "stale"}).content.decode()
    assert stale.title_zh not in listed and never.title_zh not in listed


def test_repeal_action_asks_for_the_replacing_policy(admin_client):
    old, new = PolicyFactory(), PolicyFactory()
    page = run_action(admin_client, "repeal", [old])
    assert "replaced_by" in page.content.decode()
    old.refresh_from_db()
    assert old.status == PolicyStatus.PUBLISHED  # nothing happens before confirming
    bad = run_action(admin_client, "repeal", [old], confirm="1", replaced_by="999999")
    assert "errorlist" in bad.content.decode()
    run_action(admin_client, "repeal", [old], confirm="1", replaced_by=str(new.pk))
    old.refresh_from_db()
    assert old.status == PolicyStatus.REPEALED and old.replaced_by == new


def test_status_cannot_be_edited_in_the_form(admin_client):
    policy = PolicyFactory(status=PolicyStatus.DRAFT, issued_on=None)
    data = policy_form_data(policy, status="published")
    assert admin_client.post(change_url(policy), data).status_code == 302
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DRAFT


def test_the_benefit_list_and_form(admin_client):
    benefit = BenefitFactory(kind=BenefitKind.RENT_SUBSIDY)
    assert admin_client.get(reverse("admin:policies_benefit_changelist")).status_code == 200
    url = reverse("admin:policies_benefit_change", args=[benefit.pk])
    assert admin_client.get(url).status_code == 200


def test_the_history_view_shows_the_audit_trail(admin_client, staff):
    policy = PolicyFactory(title_zh="旧标题")
    data = policy_form_data(policy, title_zh="新标题")
    admin_client.post(change_url(policy), data)
    response = admin_client.get(reverse("admin:policies_policy_history", args=[policy.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "旧标题" in body and "新标题" in body
    assert staff.username in body
