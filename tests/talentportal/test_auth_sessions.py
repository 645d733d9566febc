"""Sessions: staff sessions end after 30 idle minutes; a password change or deactivation ends
every other session of the user, with the database and the cache session engines."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from talentportal.sessions import LAST_SEEN_SESSION_KEY
from tests.auth_helpers import login_verified
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
ENGINES = [
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cache",
    "talentportal.session_store",
]


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_are_logged_out_after_30_idle_minutes_with_a_message(client):
    login_verified(client, StaffFactory())
    assert client.get("/admin/").status_code == 200

    idle_for(client, 31 * 60)
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    login_page = client.get(response["Location"])
    assert "30" in login_page.text
    assert "_auth_user_id" not in client.session


def test_the_expiry_message_is_translated(client):
    login_verified(client, StaffFactory())
    client.get("/en/admin/")
    idle_for(client, 31 * 60)
    response = client.get("/en/admin/", follow=True)
    assert "logged out after 30 minutes without activity" in response.text


def test_staff_active_within_30_minutes_stay_logged_in(client):
    login_verified(client, StaffFactory())
    client.get("/admin/")
    idle_for(client, 29 * 60)
    assert client.get("/admin/").status_code == 200
    # That request counted as activity.
    assert time.time() - client.session[LAST_SEEN_SESSION_KEY] < 60


def test_other_users_keep_the_normal_session_age(client):
    login_verified(client, UserFactory())
    client.get(PROFILE)
    idle_for(client, 3 * 3600)
    assert client.get(PROFILE).status_code == 200


@pytest.mark.parametrize("engine", ENGINES)
def test_a_password_change_ends_the_other_sessions(settings, engine):
    settings.SESSION_ENGINE = engine
    user = UserFactory()
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        assert (
            browser.post(
                "/accounts/login/", {"username": user.username, "password": PASSWORD}
            ).status_code
            == 302
        )
        assert browser.get(PROFILE).status_code == 200

    new = "Another-long-passphrase-2026"
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert here.get(PROFILE).status_code == 200
    assert elsewhere.get(PROFILE).status_code == 302


@pytest.mark.parametrize("engine", ENGINES)
def test_deactivation_ends_every_session(settings, engine):
    settings.SESSION_ENGINE = engine
    user = UserFactory()
    browser = Client()
    browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert browser.get(PROFILE).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    response = browser.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def unreachable_session_cache(settings):
    """Sessions in the database behind a Redis that refuses connections (a port nothing
    listens on), as while Redis restarts."""
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_ENGINE = "talentportal.session_store"


def test_people_sign_in_and_out_while_the_session_cache_is_down(unreachable_session_cache):
    user = UserFactory()
    browser = Client()
    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get(PROFILE).status_code == 200

    assert browser.post(reverse("accounts:logout")).status_code == 302
    assert browser.get(PROFILE).status_code == 302
