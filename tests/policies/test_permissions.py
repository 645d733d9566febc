"""Who may see and change what: public visitors, talents, province-wide staff and the staff of
one city (User.staff_region), on the public pages and in the admin."""

import pytest
from django.urls import reverse

from policies import permissions
from policies.models import Benefit, Policy, PolicyStatus
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import policy_form_data, scoped_staff
from tests.policies.factories import BenefitFactory, PolicyFactory, region
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(db):
    """A policy of Zhejiang, Hangzhou, Xihu (in Hangzhou), Ningbo and Changzhou."""
    return {
        "zhejiang": PolicyFactory(region=region("330000")),
        "hangzhou": PolicyFactory(region=region("330100")),
        "xihu": PolicyFactory(region=region("330106")),
        "ningbo": PolicyFactory(region=region("330200")),
        "changzhou": PolicyFactory(region=region("320400")),
    }


@pytest.fixture
def hangzhou_staff(db):
    return scoped_staff("330100")


def names(policies, pks) -> set[str]:
    by_pk = {policy.pk: name for name, policy in policies.items()}
    return {by_pk[pk] for pk in pks}


def test_the_rule_itself():
    staff = scoped_staff("330100")
    assert permissions.region_scope(staff).code == "330100"
    assert permissions.may_edit_region(staff, region("330106"))
    assert permissions.may_edit_region(staff, region("330100"))
    assert not permissions.may_edit_region(staff, region("330000"))
    assert not permissions.may_edit_region(staff, region("330200"))
    assert permissions.region_scope(StaffFactory()) is None
    assert permissions.may_edit_region(StaffFactory(), region("320400"))
    assert set(permissions.regions_editable_by(staff).values_list("code", flat=True)) >= {
        "330100",
        "330106",
    }
    assert not permissions.regions_editable_by(staff).filter(code="330200").exists()


def test_scoped_staff_list_only_their_region_and_below(client, policies, hangzhou_staff):
    login_verified(client, hangzhou_staff)
    response = client.get(reverse("admin:policies_policy_changelist"))
    assert response.status_code == 200
    shown = {p.pk for p in response.context["cl"].result_list}
    assert names(policies, shown) == {"hangzhou", "xihu"}


def test_province_wide_staff_list_everything(client, policies):
    user = scoped_staff("330000")
    user.staff_region = None
    user.save()
    login_verified(client, user)
    response = client.get(reverse("admin:policies_policy_changelist"))
    assert names(policies, {p.pk for p in response.context["cl"].result_list}) == set(policies)


@pytest.mark.parametrize("name", ["zhejiang", "ningbo", "changzhou"])
def test_scoped_staff_cannot_open_or_change_a_policy_outside(
    client, policies, hangzhou_staff, name
):
    login_verified(client, hangzhou_staff)
    policy = policies[name]
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin's "does not exist" redirect
    data = policy_form_data(policy, title_zh="改")
    client.post(url, data)
    policy.refresh_from_db()
    assert policy.title_zh != "改"
    history = reverse("admin:policies_policy_history", args=[policy.pk])
    assert client.get(history).status_code in (302, 404)


def test_scoped_staff_cannot_add_a_policy_outside(client, hangzhou_staff):
    login_verified(client, hangzhou_staff)
    region("330200")
    response = client.post(
        reverse("admin:policies_policy_add"), policy_form_data(region="330200", title_zh="越权")
    )
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not Policy.objects.filter(title_zh="越权").exists()


def test_scoped_staff_cannot_move_their_policy_out_of_their_region(
    client, policies, hangzhou_staff
):
    login_verified(client, hangzhou_staff)
    policy = policies["xihu"]
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    response = client.post(url, policy_form_data(policy, region="330000"))
    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.region_id == "330106"


def test_scoped_staff_may_add_and_change_inside(client, policies, hangzhou_staff):
    login_verified(client, hangzhou_staff)
    response = client.post(
        reverse("admin:policies_policy_add"), policy_form_data(region="330106", title_zh="西湖新政")
    )
    assert response.status_code == 302
    assert Policy.objects.get(title_zh="西湖新政").region_id == "330106"
    url = reverse("admin:policies_policy_change", args=[policies["hangzhou"].pk])
    form = client.get(url).context["adminform"].form
    codes = set(form.fields["region"].queryset.values_list("code", flat=True))
    assert "330106" in codes and "330100" in codes
    assert "330000" not in codes and "330200" not in codes


def test_the_region_field_is_a_plain_select_for_scoped_staff(client, hangzhou_staff, staff):
    login_verified(client, hangzhou_staff)
    body = client.get(reverse("admin:policies_policy_add")).content.decode()
    assert 'id="id_region" class="admin-autocomplete"' not in body  # no list of every region
    login_verified(client, staff)
    body = client.get(reverse("admin:policies_policy_add")).content.decode()
    assert 'id="id_region" class="admin-autocomplete"' in body


def test_actions_cannot_reach_policies_outside(client, policies, hangzhou_staff):
    login_verified(client, hangzhou_staff)
    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "expire", "_selected_action": [policies["ningbo"].pk, policies["xihu"].pk]},
    )
    policies["ningbo"].refresh_from_db()
    policies["xihu"].refresh_from_db()
    assert policies["ningbo"].status == PolicyStatus.PUBLISHED
    assert policies["xihu"].status == PolicyStatus.EXPIRED


def test_scoped_staff_benefits_are_limited_too(client, policies, hangzhou_staff):
    inside = BenefitFactory(policy=policies["xihu"])
    outside = BenefitFactory(policy=policies["ningbo"])
    login_verified(client, hangzhou_staff)
    response = client.get(reverse("admin:policies_benefit_changelist"))
    assert {b.pk for b in response.context["cl"].result_list} == {inside.pk}
    url = reverse("admin:policies_benefit_change", args=[outside.pk])
    assert client.get(url).status_code == 302
    assert Benefit.objects.get(pk=outside.pk).version == 1


def test_the_replaced_by_autocomplete_is_limited_to_their_policies(
    client, policies, hangzhou_staff
):
    login_verified(client, hangzhou_staff)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "policies",
            "model_name": "policy",
            "field_name": "replaced_by",
            "term": "测试",
        },
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids <= {policies["hangzhou"].pk, policies["xihu"].pk}


@pytest.mark.parametrize("role", ["anonymous", "talent"])
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:policies_policy_changelist",
        "admin:policies_policy_add",
        "admin:policies_policy_import",
        "admin:policies_policy_export",
        "admin:policies_benefit_changelist",
        "admin:policies_benefit_import",
    ],
)
def test_the_back_office_is_closed_to_the_public(client, role, url_name):
    if role == "talent":
        login_verified(client, UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_drafts_on_the_public_site_only_for_staff_who_may_edit_them(client, hangzhou_staff):
    inside = PolicyFactory(region=region("330106"), status=PolicyStatus.DRAFT, issued_on=None)
    outside = PolicyFactory(region=region("330200"), status=PolicyStatus.DRAFT, issued_on=None)
    login_verified(client, hangzhou_staff)
    assert client.get(inside.get_absolute_url()).status_code == 200
    assert client.get(outside.get_absolute_url()).status_code == 404
    # The public list never shows drafts, not even to staff.
    response = client.get("/policies/")
    assert inside not in response.context["page_obj"].object_list
