"""Staff add a synonym to the search thesaurus in the admin, and the next public search, in
Chinese and in English, finds the policy through it (issue #15)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from talentportal.models import SearchSynonym
from talentportal.roles import CONTENT_EDITOR, sync_roles
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.policies.factories import PolicyFactory
from tests.talentportal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username, *, path="/accounts/login/"):
    code = second_factor_code(username)
    page.goto(path)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)


def test_a_synonym_staff_add_in_the_admin_is_used_by_the_next_search(page):
    policy = PolicyFactory(
        title_zh="高层次人才网上办理服务指南", title_en="Guide to online services for talents"
    )
    sync_roles()
    editor = UserFactory(kind="staff", is_staff=True, is_superuser=False)
    editor.groups.set([Group.objects.get(name=CONTENT_EDITOR)])

    page.goto("/policies/?q=码上办")
    expect(page.locator("#results-title")).to_contain_text("0")
    expect(page.locator(".policy-suggestions")).to_be_visible()

    log_in(page, editor.username, path="/admin/login/")
    page.goto("/admin/talentportal/searchsynonym/add/")
    page.fill("#id_term", "码上办")
    page.fill("#id_alternatives", "网上办理，掌上办理\nonline services")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/talentportal/searchsynonym/$"))
    assert SearchSynonym.objects.filter(term="码上办").exists()

    page.goto("/policies/?q=码上办")
    expect(page.locator(".policy-item__title")).to_have_count(1)
    expect(page.locator(f"#policy-{policy.pk}")).to_contain_text("网上办理")
    expect(page.locator(f"#policy-{policy.pk} mark").first).to_be_visible()

    page.goto("/en/policies/?q=码上办")
    expect(page.locator(f"#policy-{policy.pk}")).to_contain_text("online services")
