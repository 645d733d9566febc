"""Every page renders in both languages; errors render in the site layout."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from talentportal.models import Region
from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "home",
    "accounts:login",
    "accounts:signup",
    "accounts:signup_sent",
    "accounts:signup_resend",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
]
LOGIN_REQUIRED_PAGES = [
    "accounts:profile",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "me:applications",
    "me:notifications",
    # The talent library: the talent's own pages, and the pages of enterprise members.
    "talents:me_profile",
    "talents:me_privacy",
    "talents:me_viewers",
    "talents:me_requests",
    "talents:me_data",
    "talents:me_export",
    "talents:me_delete",
    "talents:me_resume_download",
    "talents:search",
    "talents:enterprise_dashboard",
    "talents:enterprise_register",
    "talents:shortlist",
    "talents:sent_requests",
    "talents:postings",
    "talents:applications",
    "talents:evaluations",
]
POST_ONLY = {
    "accounts:logout",
    "accounts:two_factor_backup_codes",
    "accounts:two_factor_remove",
    "me:notifications_read",
    "talents:me_resume",
    "talents:consent_give",
}
#: Pages of another kind of account: what the signed-in talent of the test gets instead.
OTHER_ROLES = {
    "talents:me_resume_download": 404,  # no résumé uploaded
    "talents:search": 404,
    "talents:enterprise_dashboard": 404,
    "talents:enterprise_register": 403,
    "talents:shortlist": 404,
    "talents:sent_requests": 404,
    "talents:postings": 404,
    "talents:applications": 404,
    "talents:evaluations": 404,
}


def site_url_names(resolver=None, namespace=""):
    """Names of every URL of the site (not the admin) that takes no arguments."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from site_url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
            yield namespace + entry.name


def test_the_page_lists_cover_the_pinned_pages():
    names = set(site_url_names())
    assert set(PUBLIC_PAGES) | set(LOGIN_REQUIRED_PAGES) <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_without_arguments_renders_for_anonymous_and_signed_in(client, language):
    """Each page either renders or asks an anonymous visitor to log in; a signed-in talent
    never meets a server error. The pinned lists say which answer each known page gives."""
    signed_in = Client()
    login_verified(signed_in, UserFactory())
    for name in site_url_names():
        if name in POST_ONLY:
            continue
        with translation.override(language):
            url = reverse(name)
        anonymous = client.get(url)
        if anonymous.status_code == 302:
            assert "/accounts/login/" in anonymous["Location"], name
            assert name not in PUBLIC_PAGES, name
        else:
            assert anonymous.status_code == 200, (name, anonymous.status_code)
            assert name not in LOGIN_REQUIRED_PAGES, name
        assert signed_in.get(url, follow=True).status_code < 500, name


@pytest.mark.parametrize(
    ("prefix", "lang", "text"), [("", "zh-hans", "人才"), ("/en", "en", "Talent")]
)
def test_home_page_is_in_the_requested_language(client, prefix, lang, text):
    response = client.get(prefix + "/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{lang}"' in body
    assert text in body
    assert 'hreflang="en"' in body and 'hreflang="zh-hans"' in body


def test_home_page_counters_come_from_the_database(client):
    before = {str(label): number for number, label in client.get("/en/").context["counters"]}
    TalentFactory.create_batch(3)
    UserFactory(kind="talent")  # an account without a profile is not a registered talent
    assert client.get("/en/").context["counters"][-1][0] == before["registered talents"]  # cached
    cache.clear()
    after = {str(label): number for number, label in client.get("/en/").context["counters"]}
    assert after["registered talents"] == before["registered talents"] + 3
    assert before["cities"] == Region.objects.filter(level=2).count()


@pytest.mark.parametrize("path", ["/no-such-page/", "/en/no-such-page/", "/accounts/%00/"])
def test_unknown_pages_get_a_404_in_the_site_layout(client, settings, path):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    assert 'id="main"' in response.content.decode()


def test_server_errors_render_the_500_page_in_the_site_layout(rf):
    from talentportal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert 'id="main"' in response.content.decode()


def test_healthz_reports_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "query", ["?page=abc", "?kind=%ff%fe", "?q=" + "长" * 3000, "?next=javascript:alert(1)"]
)
def test_malformed_query_strings_never_cause_a_server_error(client, query):
    for name in PUBLIC_PAGES:
        assert client.get(reverse(name) + query).status_code < 500
