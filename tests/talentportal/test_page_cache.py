"""The shared page cache for anonymous visitors and the Cache-Control of every response
(talentportal/page_cache.py): what is cached, for whom, in which language, when it changes,
and that nothing a signed-in person sees is ever cached or sent without no-store."""

import re

import pytest
import redis
from django.test import Client
from django.urls import reverse
from django.utils import translation

from policies.models import PolicyStatus
from policies.services.library import policy_expire
from talentportal import page_cache as page_cache_module
from talentportal.page_cache import PUBLIC_PAGES
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import policy_form_data
from tests.policies.factories import PolicyFactory, region
from tests.projects.program_factories import CallFactory
from tests.projects.roadshow_factories import ProjectFactory, RoadshowFactory
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.test_views import POST_ONLY, site_url_names

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-([^']+)'")


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


def is_public(response) -> bool:
    return {"public", "max-age=60", "s-maxage=60"} <= cache_control(response)


def is_no_store(response) -> bool:
    return {"no-store", "private"} <= cache_control(response)


@pytest.fixture
def policy(db):
    return PolicyFactory(region=region("330100"), title_zh="杭州市人才住房补贴", title_en="Housing")


@pytest.fixture
def staff_client(db):
    client = Client()
    login_verified(client, StaffFactory())
    return client


def test_a_cached_page_costs_no_query_and_may_be_kept_by_a_cdn(
    client, page_cache, policy, django_assert_num_queries
):
    url = policy.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    for response in (first, second):
        assert is_public(response), response["Cache-Control"]
        # A proxy keeps one copy for visitors without cookies; the language is in the URL.
        assert vary(response) == {"cookie"}
        assert not response.cookies
        assert b"csrfmiddlewaretoken" not in response.content
        assert response["Content-Language"] == "zh-hans"


def test_a_page_changes_once_staff_edit_it_in_the_admin(client, page_cache, policy, staff_client):
    url = policy.get_absolute_url()
    assert "杭州市人才住房补贴" in client.get(url).content.decode()
    assert "杭州市人才住房补贴" in client.get(url).content.decode()  # from the cache

    data = policy_form_data(policy, title_zh="杭州市人才住房补贴（修订）")
    change = reverse("admin:policies_policy_change", args=[policy.pk])
    assert staff_client.post(change, data).status_code == 302

    assert "杭州市人才住房补贴（修订）" in client.get(url).content.decode()


def test_a_list_shows_a_policy_once_staff_publish_it_with_the_admin_action(
    client, page_cache, policy, staff_client
):
    draft = PolicyFactory(title_zh="宁波市博士后补贴", status=PolicyStatus.DRAFT, issued_on=None)
    assert "宁波市博士后补贴" not in client.get("/policies/").content.decode()
    assert "宁波市博士后补贴" not in client.get("/en/policies/").content.decode()

    changelist = reverse("admin:policies_policy_changelist")
    staff_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})

    assert "宁波市博士后补贴" in client.get("/policies/").content.decode()


def test_a_page_changes_once_staff_expire_the_policy_with_the_service(
    client, page_cache, policy, django_assert_num_queries
):
    url = policy.get_absolute_url()
    before = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == before

    policy_expire(policy=policy, by=StaffFactory())

    after = client.get(url)
    assert after.content != before
    with django_assert_num_queries(0):
        assert client.get(url).content == after.content


def test_chinese_and_english_are_cached_apart(client, page_cache, policy):
    chinese, english = client.get("/"), client.get("/en/")
    assert chinese.content != english.content
    again_chinese, again_english = client.get("/"), client.get("/en/")
    assert again_chinese.content == chinese.content
    assert again_english.content == english.content
    assert '<html lang="zh-hans">' in again_chinese.content.decode()
    assert '<html lang="en">' in again_english.content.decode()
    assert again_chinese["Content-Language"] == "zh-hans"
    assert again_english["Content-Language"] == "en"


def test_each_cached_page_gets_a_fresh_csp_nonce(client, page_cache, policy):
    """The policy list's script carries the nonce: the cached page is served with a new one
    each time, the same as its header names."""
    nonces = []
    for _ in range(3):
        response = client.get("/policies/")
        assert is_public(response)
        nonce = NONCE.search(response["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_what_a_request_can_change_is_not_served_from_the_cache(client, page_cache, policy):
    client.get("/policies/")
    # A query string (search, filters, pages) builds the page.
    searched = client.get("/policies/?q=%E4%BD%8F%E6%88%BF")
    assert not is_public(searched)
    # The results alone, as the list's script asks for them, are not the cached page.
    fragment = client.get("/policies/", headers={"X-Fragment": "results"})
    assert fragment.content != client.get("/policies/").content
    assert b"<html" not in fragment.content
    # A page that is not in the list (a form with a CSRF token) is never cached.
    login = client.get(reverse("accounts:login"))
    assert not is_public(login)
    assert is_no_store(login)  # it sets the CSRF cookie


def test_a_signed_in_user_never_gets_a_cached_page(client, page_cache, policy):
    pages = public_pages_for(policy)
    for url in pages:
        assert is_public(client.get(url)), url
        assert is_public(client.get(url)), url  # now cached

    user = UserFactory(kind="talent", first_name="Ming", last_name="Li")
    signed_in = Client()
    login_verified(signed_in, user)
    for url in pages:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert is_no_store(response), (url, response.get("Cache-Control"))
        assert not {"public", "s-maxage=60"} & cache_control(response), url
        assert reverse("accounts:logout") in response.content.decode(), url  # their own page


def test_a_visitor_with_a_session_is_not_served_from_the_cache(client, page_cache, policy):
    client.get("/")
    visitor = Client()
    session = visitor.session
    session["anything"] = "of this visitor"
    session.save()
    response = visitor.get("/")
    assert is_no_store(response)
    assert not is_public(response)


def test_a_visitor_with_a_pending_message_is_not_served_from_the_cache(client, page_cache, policy):
    client.get("/")
    visitor = Client()
    visitor.cookies["messages"] = "a message for this visitor"
    assert not is_public(visitor.get("/"))


def test_a_listed_page_that_takes_a_csrf_token_is_never_stored(client, page_cache, monkeypatch):
    """The safety net: were a listed page to render a form with a CSRF token for a visitor, it
    would be built for each visitor and never shared."""
    monkeypatch.setattr(page_cache_module, "PUBLIC_PAGES", PUBLIC_PAGES | {"accounts:signup"})
    url = reverse("accounts:signup")
    first, second = client.get(url), Client().get(url)
    assert csrf_token(first) != csrf_token(second)
    for response in (first, second):
        assert not is_public(response)
        assert is_no_store(response)  # it sets the CSRF cookie


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_signed_in_page_says_no_store(page_cache, language):
    """Every page without arguments, as a talent and as staff: none may reach a shared cache."""
    talent, staff = Client(), Client()
    login_verified(talent, UserFactory(kind="talent"))
    login_verified(staff, StaffFactory())
    problems = []
    for name in site_url_names():
        if name in POST_ONLY:
            continue
        with translation.override(language):
            url = reverse(name)
        for who, client in (("talent", talent), ("staff", staff)):
            response = client.get(url)
            if not is_no_store(response) or "public" in cache_control(response):
                problems.append(f"{who} {url}: {response.get('Cache-Control')}")
    assert not problems, "\n".join(problems)


def test_the_listed_pages_exist():
    names = set(site_url_names()) | {
        "policies:detail",
        "policies:service_detail",
        "projects:project",
        "projects:roadshow",
        "projects:program",
        "projects:call",
        "apartments:community",
    }
    assert names >= PUBLIC_PAGES


def public_pages_for(policy) -> list[str]:
    project, roadshow, call = ProjectFactory(), RoadshowFactory(), CallFactory()
    return [
        "/",
        "/en/",
        "/policies/",
        policy.get_absolute_url(),
        "/services/",
        "/projects/",
        project.get_absolute_url(),
        "/roadshows/",
        reverse("projects:roadshow", args=[roadshow.pk]),
        "/programs/",
        call.program.get_absolute_url(),
        call.get_absolute_url(),
        "/apartments/",
    ]


class UnavailableCache:
    def __getattr__(self, name):
        def unavailable(*args, **kwargs):
            raise redis.exceptions.ConnectionError("cache down")

        return unavailable


def test_pages_and_saves_work_while_the_cache_is_unavailable(
    client, page_cache, policy, monkeypatch
):
    monkeypatch.setattr(page_cache_module, "page_cache", UnavailableCache)
    for _ in range(2):
        response = client.get(policy.get_absolute_url())
        assert response.status_code == 200
        assert not is_public(response)
    policy_expire(policy=policy, by=StaffFactory())  # the content version cannot be replaced
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.EXPIRED
