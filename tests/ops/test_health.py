"""/health/ and /ready/: what a load balancer and monitoring see."""

import psycopg
import pytest
from django.core.cache import caches
from django.db import OperationalError, close_old_connections, connection

from talentportal import health


@pytest.mark.django_db
def test_health_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_reports_database_and_cache_reachable(client):
    response = client.get("/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }


@pytest.mark.django_db
def test_ready_is_degraded_naming_the_cache_when_it_is_down(client, settings):
    # A Redis server that is not there: the port is closed. Every server shares it, and the
    # portal works without it: taking every server out of the balancer would be an outage.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }


def test_health_urls_have_no_language_prefix(client):
    assert client.get("/en/health/").status_code == 404
    assert client.get("/en/ready/").status_code == 404


@pytest.mark.django_db
def test_ready_is_not_rate_limited(client):
    # Load balancers poll every few seconds from one address.
    statuses = {client.get("/ready/").status_code for _ in range(60)}
    assert statuses == {200}


def test_cache_check_says_unavailable_when_the_value_does_not_come_back(monkeypatch):
    monkeypatch.setattr(caches["default"], "get", lambda key: None)  # the instance
    assert health.cache_check() == "unavailable"


@pytest.mark.django_db(transaction=True)
def test_a_broken_persistent_connection_is_replaced_at_the_next_request(client, settings):
    """The database restarted: the worker's kept connection is dead. CONN_HEALTH_CHECKS (with
    CONN_MAX_AGE) drops it when the next request starts, instead of failing that request."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    # What the request_started signal does in production (the test client leaves it out).
    close_old_connections()
    assert client.get("/ready/").status_code == 200
    assert connection.connection.info.backend_pid != old_pid


@pytest.mark.django_db
def test_the_home_page_answers_while_the_cache_is_down(client, settings):
    # Redis restarting (make cluster-test): the counts are counted, not a 500.
    dead_redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": dead_redis, "pages": dead_redis}
    response = client.get("/en/")
    assert response.status_code == 200
    assert b"registered talents" in response.content
