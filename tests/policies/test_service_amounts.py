"""A benefit names the online service that grants it; the admin flags a service whose text
names amounts its basis policy does not (`/services/16/`: 50,000 for a PhD where the policy
says 100,000)."""

import pytest
from django.urls import reverse
from django.utils import translation

from policies.demo.services import service_definitions
from policies.services.amounts import amounts_in, service_amount_mismatches
from tests.auth_helpers import login_verified
from tests.policies.factories import BenefitFactory, PolicyFactory, region
from tests.talentportal.workflow_factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("本科1万元、硕士3万元、博士5万元。", {10_000, 30_000, 50_000}),
        ("资助金额5万至20万元。", {50_000, 200_000}),
        ("补贴1.5万元，另给予50,000元奖励和3000元。", {15_000, 50_000, 3_000}),
        ("10,000 yuan with a bachelor's degree", {10_000}),
        ("年薪（万元）、月租金（元）", set()),
        ("", set()),
    ],
)
def test_amounts_in_a_text(text, amounts):
    assert amounts_in(text) == amounts


@pytest.fixture
def graduates_policy():
    policy = PolicyFactory(region=region("330100"))
    for amount in (100_000, 50_000, 30_000):
        BenefitFactory(policy=policy, amount_max=amount)
    return policy


def test_a_service_that_disagrees_with_its_policy_is_flagged(graduates_policy):
    service = ServiceItemFactory(
        region=region("330100"),
        policy=graduates_policy,
        description_zh="可一次性申领生活补贴：本科1万元、硕士3万元、博士5万元。",
    )
    assert service_amount_mismatches(service) == [10_000]
    service.description_zh = "可一次性申领生活补贴：本科3万元、硕士5万元、博士10万元。"
    assert service_amount_mismatches(service) == []
    service.policy = None
    assert service_amount_mismatches(service) == []


def test_the_admin_warns_on_the_service_and_marks_the_list(client, staff, graduates_policy):
    login_verified(client, staff)
    wrong = ServiceItemFactory(
        region=region("330100"),
        policy=graduates_policy,
        description_zh="本科1万元、硕士3万元、博士5万元。",
    )
    right = ServiceItemFactory(
        region=region("330100"), policy=graduates_policy, description_zh="博士10万元。"
    )
    response = client.get(reverse("admin:policies_serviceitem_change", args=[wrong.pk]))
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"]]
    assert any("10,000" in w for w in warnings), warnings
    response = client.get(reverse("admin:policies_serviceitem_change", args=[right.pk]))
    assert not [str(m) for m in response.context["messages"]]
    response = client.get(reverse("admin:policies_serviceitem_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('alt="False"') >= 1 and body.count('alt="True"') >= 1


def test_staff_link_a_benefit_to_its_service_in_the_admin(client, staff):
    login_verified(client, staff)
    benefit = BenefitFactory(policy__region=region("330100"))
    url = reverse("admin:policies_benefit_change", args=[benefit.pk])
    body = client.get(url).content.decode()
    assert 'name="service"' in body and 'name="talent_categories"' in body
    assert 'name="competitive"' in body


def test_the_service_page_shows_what_it_grants_at_its_policys_amounts(client, graduates_policy):
    service = ServiceItemFactory(region=region("330100"), policy=graduates_policy)
    phd, master, _bachelor = graduates_policy.benefits.order_by("-amount_max")
    phd.service = master.service = service
    phd.save()
    master.save()
    draft = BenefitFactory(
        policy=PolicyFactory(region=region("330100"), status="draft"),
        amount_max=777_000,
        service=service,
    )
    for language, title in (("zh-hans", "title_zh"), ("en", "title_en")):
        with translation.override(language):
            url = reverse("policies:service_detail", args=[service.pk])
        body = client.get(url).content.decode()
        assert getattr(phd, title) in body and getattr(master, title) in body
        assert "100,000" in body and "50,000" in body
        assert "30,000" not in body  # a benefit of the policy that another service grants
        assert draft.title not in body and "777,000" not in body


def test_no_demo_service_restates_an_amount_its_policy_sets():
    """The demo services' texts name no amounts: the service page shows the policy's own
    (a figure written twice went stale: `/services/16/` said 50,000 where its policy said
    100,000)."""
    for definition in service_definitions():
        texts = [*definition["description"], *definition["audience"]]
        assert not set().union(*map(amounts_in, texts)), definition["name"][0]
