"""Finding one's way (issue 18) and figures that agree (issue 19.11): the home page's quick
links go to the pages they name, the account page leads to the talent profile, "my data" and
account deletion, and every figure of the home page is the one its list or dashboard shows."""

import re

import pytest
from django.urls import reverse

from ecosystem.statistics import compute_figures
from policies.models import PolicyStatus
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import AllianceFactory, MembershipFactory
from tests.policies.factories import BenefitFactory, InterpretationFactory, PolicyFactory
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db


def quick_links(body: str) -> dict[str, str]:
    nav = body.split('class="hero__aside quick-links"', 1)[1].split("</nav>", 1)[0]
    return {text: href for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)}


def test_the_quick_links_go_to_the_pages_they_name(client):
    links = quick_links(client.get("/en/").content.decode())
    assert links["Compare the policies of regions"] == "/en/policies/compare/"
    assert links["Internships for college students"] == "/en/internships/"
    assert links["Upcoming roadshows"] == "/en/roadshows/"
    assert links["Apply for a public service"] == "/en/services/"
    for href in links.values():
        response = client.get(href)
        # Raising a problem needs an account: the link leads to the log-in, then the form.
        assert response.status_code == 200 or "/accounts/login/" in response["Location"], href


def test_the_account_page_leads_to_the_profile_my_data_and_deletion(client):
    login_verified(client, UserFactory(kind="talent"))
    body = client.get(reverse("accounts:profile")).content.decode()
    for name in ("talents:me_profile", "talents:me_data", "talents:me_delete", "me:applications"):
        assert f'href="{reverse(name)}"' in body, name


def card_meta(body: str, section_url: str) -> str:
    card = body.split(f'<h3 class="card__title"><a href="{section_url}">', 1)[1]
    return re.sub(r"\s+", " ", card.split('class="card__meta">', 1)[1].split("</p>", 1)[0])


def test_every_figure_of_the_home_page_is_the_one_the_lists_show(client):
    for status in (PolicyStatus.PUBLISHED, PolicyStatus.PUBLISHED, PolicyStatus.DRAFT):
        InterpretationFactory(policy=PolicyFactory(status=status))
    declared = AllianceFactory(declared_members=40)
    listed = AllianceFactory()
    MembershipFactory.create_batch(2, alliance=listed)
    AllianceFactory(is_published=False, declared_members=500)
    TalentFactory.create_batch(2)
    UserFactory(kind="talent")  # signed up, no profile yet

    home = client.get("/en/").content.decode()
    library = client.get("/en/policies/").context["paginator"].count
    assert card_meta(home, "/en/policies/").startswith(f"{library} policies · 2 items")

    alliances = client.get("/en/alliances/").context["paginator"].count
    assert alliances == 2
    assert card_meta(home, "/en/alliances/") == "2 industry talent alliances with 42 members"
    assert declared.pk and listed.pk

    counters = {str(label): number for number, label in client.get("/en/").context["counters"]}
    assert counters["registered talents"] == compute_figures()["talents"] == 2
    assert "360 major" not in home and "2,198" not in home and "446,300" not in home


def test_policy_questions_on_english_pages_say_when_they_are_in_chinese_only(client):
    policy = PolicyFactory(status=PolicyStatus.PUBLISHED)
    InterpretationFactory(policy=policy, question_zh="博士如何申领？", answer_zh="线上申报。")
    InterpretationFactory(
        policy=policy,
        question_zh="硕士呢？",
        answer_zh="同上。",
        question_en="And a master's?",
        answer_en="The same.",
    )
    chinese = client.get(policy.get_absolute_url()).content.decode()
    assert '<span lang="zh-Hans">' not in chinese and "本解答仅有中文版本" not in chinese
    english = client.get(f"/en{policy.get_absolute_url()}").content.decode()
    assert '<span lang="zh-Hans">博士如何申领？</span>' in english
    assert english.count("This answer is published in Chinese only.") == 1
    assert "And a master&#x27;s?" in english and "硕士呢" not in english


def test_policies_and_services_in_chinese_only_are_marked_on_english_pages(client):
    chinese_only = PolicyFactory(
        status=PolicyStatus.PUBLISHED, title_zh="仅中文的政策", title_en="", summary_en=""
    )
    BenefitFactory(policy=chinese_only, title_zh="仅中文的补贴", title_en="")
    bilingual = PolicyFactory(status=PolicyStatus.PUBLISHED, title_en="A policy in English")
    service = ServiceItemFactory(name_zh="仅中文的服务", name_en="", description_en="")
    # Paths in Chinese (no language prefix), taken before a request leaves English active.
    chinese_url, bilingual_url, service_url = (
        chinese_only.get_absolute_url(),
        bilingual.get_absolute_url(),
        reverse("policies:service_detail", args=[service.pk]),
    )

    english = client.get(f"/en{chinese_url}").content.decode()
    assert '<h1 id="policy-title" lang="zh-Hans">仅中文的政策</h1>' in english
    assert '<span lang="zh-Hans">仅中文的补贴</span>' in english
    assert "This policy is published in Chinese only." in english
    english = client.get(f"/en{bilingual_url}").content.decode()
    assert "A policy in English" in english and "in Chinese only" not in english
    chinese = client.get(chinese_url).content.decode()
    assert 'lang="zh-Hans"' not in chinese and "仅有中文" not in chinese

    listing = client.get("/en/policies/").content.decode()
    assert re.search(r'<a href="[^"]+" lang="zh-Hans">\s*仅中文的政策', listing)
    assert not re.search(r'lang="zh-Hans">\s*A policy in English', listing)

    english = client.get(f"/en{service_url}")
    body = english.content.decode()
    assert '<h1 lang="zh-Hans">仅中文的服务</h1>' in body
    assert "This service is described in Chinese only." in body
