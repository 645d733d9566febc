"""Nothing staff or users type reaches a page as markup: the one rich-text field (a policy's
body) is sanitised with nh3 on save and again on render; every other text is escaped."""

import pytest
from django.urls import reverse

from policies.models import Policy
from tests.apartments.factories import CommunityFactory
from tests.policies.factories import PolicyFactory, region
from tests.talentportal.workflow_factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<p>第一条</p><script>alert("x")</script><img src=x onerror="alert(1)">'


def assert_inert(html: str):
    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")  # escaped text is harmless
    assert "<img src=x" not in html and '<img src="x"' not in html


def test_a_policy_body_saved_by_staff_is_sanitised_on_save(client):
    policy = PolicyFactory(region=region("330100"), body_zh=PAYLOAD)
    policy.refresh_from_db()
    assert policy.body_zh == "<p>第一条</p>"
    page = client.get(policy.get_absolute_url())
    assert "<p>第一条</p>" in page.text  # the allowed markup stays markup
    assert_inert(page.text)


def test_a_policy_body_written_past_save_is_sanitised_on_render(client):
    policy = PolicyFactory(region=region("330100"))
    Policy.objects.filter(pk=policy.pk).update(body_zh=PAYLOAD)  # a bulk update, raw data
    page = client.get(policy.get_absolute_url())
    assert page.status_code == 200
    assert "<p>第一条</p>" in page.text
    assert_inert(page.text)


def test_staff_entered_plain_text_is_escaped(client):
    community = CommunityFactory(name_zh="青年公寓", description_zh=PAYLOAD)
    page = client.get(community.get_absolute_url())
    assert "&lt;script&gt;" in page.text
    assert_inert(page.text)

    service = ServiceItemFactory(description_zh=PAYLOAD)
    page = client.get(reverse("policies:service_detail", args=[service.pk]))
    assert page.status_code == 200
    assert_inert(page.text)
