"""Rate limits (talentportal/ratelimit.py): the N+1-th request of a group gets the 429 page with
Retry-After, other clients are unaffected, the window ends, and every limited view is wired."""

import time

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from talentportal.models import AccountKind
from talentportal.ratelimit import client_ip
from tests.apartments.web import accepting_round
from tests.ecosystem.factories import ProductFactory
from tests.projects.program_factories import CallFactory, ProgramApplicationFactory, TrackFactory
from tests.projects.roadshow_factories import RoadshowFactory
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import DemandFactory, TalentFactory, recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock, stopped: a window cannot end between two requests of a test."""
    now = {"time": time.time()}
    monkeypatch.setattr("django_ratelimit.core.time.time", lambda: now["time"])
    return now


@pytest.fixture
def limits(settings, clock):
    """Small limits, so that a test reaches them in a few requests."""

    def set_limit(group, rate):
        settings.RATELIMITS = {**settings.RATELIMITS, group: rate}

    return set_limit


def assert_limited(response):
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60 * 60
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    assert "请求过于频繁" in page  # the page, in the default language


def test_policy_search_n_plus_first_request_gets_the_429_page(client, limits):
    limits("search", "3/m")
    url = reverse("policies:index")
    for query in ("人才", "住房", "补贴"):
        assert client.get(url, {"q": query}).status_code == 200
    assert_limited(client.get(url, {"q": "博士"}))


def test_the_429_page_is_translated(client, limits):
    limits("search", "0/m")
    response = client.get("/en/policies/", {"q": "housing"})
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_other_clients_are_not_affected(client, limits):
    limits("search", "1/m")
    url = reverse("policies:index")
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429
    # Another address, and a logged-in account behind the first address, count on their own.
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200
    client.force_login(UserFactory())
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 429


def test_the_limit_resets_when_its_window_ends(client, limits, clock):
    limits("search", "1/m")
    url = reverse("policies:index")
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    clock["time"] += int(response["Retry-After"]) - 1
    assert client.get(url).status_code == 429  # not a second early
    clock["time"] += 1
    assert client.get(url).status_code == 200


def test_limits_can_be_turned_off(client, limits, settings):
    limits("search", "0/m")
    settings.RATELIMIT_ENABLE = False
    assert client.get(reverse("policies:index")).status_code == 200


def test_a_cache_that_cannot_count_lets_requests_through(client, limits, monkeypatch):
    limits("search", "0/m")

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["ratelimit"], "add", unreachable)  # the instance, not the proxy
    assert client.get(reverse("policies:index")).status_code == 200


def test_candidate_search_is_limited(client, limits):
    limits("search", "1/m")
    client.force_login(recruiter())
    url = reverse("talents:search")
    assert client.get(url, {"q": "材料"}).status_code == 200
    assert_limited(client.get(url, {"q": "材料"}))


def test_sign_up_is_limited_per_address_and_only_when_posting(client, limits):
    limits("signup", "2/h")
    url = reverse("accounts:signup")
    for n in range(2):
        data = {"username": f"newcomer{n}", "kind": AccountKind.TALENT}
        assert client.post(url, data).status_code == 200  # form errors: still counted
    assert_limited(client.post(url, {"username": "newcomer9"}))
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_comparison_csv_export_is_limited_but_not_the_page(client, limits):
    limits("export", "1/h")
    url = reverse("policies:compare")
    query = {"regions": "330100,330200", "format": "csv"}
    assert client.get(url, query).status_code == 200
    assert_limited(client.get(url, query))
    assert client.get(url, {"regions": "330100,330200"}).status_code == 200


def test_statistics_csv_is_limited(client, limits):
    limits("export", "1/h")
    url = "/statistics/talents-by-degree.csv"
    assert client.get(url).status_code == 200
    assert_limited(client.get(url))


def test_personal_data_export_is_limited(client, limits):
    limits("export", "1/h")
    client.force_login(UserFactory(kind=AccountKind.TALENT))
    url = reverse("talents:me_export")
    assert client.get(url).status_code == 200
    assert_limited(client.get(url))


def service_apply():
    return reverse("policies:service_apply", args=[ServiceItemFactory().pk])


def call_apply():
    call = CallFactory()
    TrackFactory(call=call)
    return reverse("projects:call_apply", args=[call.pk])


def program_submit(user):
    application = ProgramApplicationFactory(applicant=user)
    return reverse("projects:application_submit", args=[application.reference])


def roadshow_register():
    return reverse("projects:roadshow_register", args=[RoadshowFactory().pk])


def round_apply():
    return reverse("apartments:round_apply", args=[accepting_round().pk])


def demand_apply():
    return reverse("talents:demand_apply", args=[DemandFactory().pk])


def product_apply():
    return reverse("ecosystem:product_apply", args=[ProductFactory().pk])


SUBMIT_VIEWS = {
    "service": lambda user: service_apply(),
    "program call": lambda user: call_apply(),
    "program submit": program_submit,
    "roadshow": lambda user: roadshow_register(),
    "apartment round": lambda user: round_apply(),
    "demand": lambda user: demand_apply(),
    "financial product": lambda user: product_apply(),
    "feedback": lambda user: reverse("ecosystem:feedback_new"),
}


@pytest.mark.parametrize("make_url", SUBMIT_VIEWS.values(), ids=SUBMIT_VIEWS.keys())
def test_every_submission_view_is_limited(client, limits, make_url):
    user = UserFactory(kind=AccountKind.TALENT)
    client.force_login(user)
    url = make_url(user)
    limits("submit", "1/h")
    assert client.post(url, {}).status_code != 429
    assert_limited(client.post(url, {}))


def test_evaluation_nominations_are_limited(client, limits):
    client.force_login(recruiter(evaluator=True))
    url = reverse("talents:nominate", args=[TalentFactory().pk])
    assert client.get(url).status_code == 200
    limits("submit", "1/h")
    assert client.post(url, {}).status_code != 429
    assert_limited(client.post(url, {}))


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("198.51.100.1", "203.0.113.5")) == "198.51.100.1"


def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4"; the proxy appended the address it connected from.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 2  # a load balancer, then nginx
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.9")) == "203.0.113.5"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", " , "])
def test_a_missing_or_malformed_forwarded_for_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", forwarded)) == "10.0.0.2"


def test_admin_spreadsheet_exports_are_limited(admin_client, limits):
    limits("export", "1/h")
    url = reverse("admin:policies_policy_export")
    data = {"format": "0", "resource": "0", "policyresource_title_zh": "on"}
    assert admin_client.get(url).status_code == 200  # the export form is not counted
    assert admin_client.post(url, data).status_code == 200
    assert_limited(admin_client.post(url, data))


def test_health_checks_are_never_limited(client, settings):
    settings.RATELIMITS = dict.fromkeys(settings.RATELIMITS, "0/m")
    for _ in range(3):
        assert client.get("/health/").status_code == 200
        assert client.get("/ready/").status_code == 200
