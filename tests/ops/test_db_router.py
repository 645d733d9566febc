"""Reads to the replica when one is configured; writes and transactions on the primary; a
visitor's reads on the primary after their write; the primary when the replica is down."""

import socket

import pytest
from django.db import connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.http import HttpResponse

from policies.models import Policy
from talentportal import db_router
from talentportal.db_router import PRIMARY_COOKIE, PrimaryReplicaRouter, ReadYourWritesMiddleware

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    # As DATABASE_REPLICA_URL does (test_settings.py checks that): DATABASES gains "replica".
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "replica_available", lambda: True)


@pytest.fixture
def replica_down(monkeypatch):
    """A "replica" alias whose server refuses connections (a closed port), beside the primary."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    replica = DatabaseWrapper(
        {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": closed_port},
        alias="replica",
    )
    monkeypatch.setattr(
        db_router, "connections", {"default": connections["default"], "replica": replica}
    )
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
    yield replica
    replica.close()


def test_without_a_replica_everything_goes_to_the_primary():
    assert router.db_for_read(Policy) == "default"
    assert router.db_for_write(Policy) == "default"


def test_reads_go_to_the_replica_writes_to_the_primary(with_replica):
    assert router.db_for_read(Policy) == "replica"
    assert router.db_for_write(Policy) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert router.db_for_read(Policy) == "default"
    assert router.db_for_read(Policy) == "replica"


def test_only_the_primary_is_migrated(with_replica):
    assert router.allow_migrate("default", "policies")
    assert not router.allow_migrate("replica", "policies")


def reads_during(request) -> tuple[str, HttpResponse]:
    """Where the router sends a read made while the middleware serves `request`."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Policy))
        return HttpResponse()

    response = ReadYourWritesMiddleware(view)(request)
    return seen[0], response


def test_a_write_and_its_visitors_next_requests_read_the_primary(with_replica, rf):
    # The replica lags: the page after a submission must see it (read your writes).
    database, response = reads_during(rf.post("/services/1/apply/"))
    assert database == "default"
    cookie = response.cookies[PRIMARY_COOKIE]
    assert cookie["max-age"] == db_router.REPLICA_PIN_SECONDS
    assert cookie["httponly"]

    next_page = rf.get("/services/applied/X/")
    next_page.COOKIES[PRIMARY_COOKIE] = cookie.value
    assert reads_during(next_page)[0] == "default"
    # Others, and this visitor once the cookie has expired, read the replica.
    database, response = reads_during(rf.get("/"))
    assert database == "replica"
    assert PRIMARY_COOKIE not in response.cookies
    assert router.db_for_read(Policy) == "replica"  # outside a request


def test_reads_go_to_the_primary_while_the_replica_is_down(
    replica_down, monkeypatch, django_db_blocker
):
    # Outside a transaction, as a request's reads are; only the replica is connected to.
    monkeypatch.setattr(db_router, "primary_is_busy", lambda: False)
    with django_db_blocker.unblock():
        assert router.db_for_read(Policy) == "default"
        assert replica_down.connection is None
        # Not tried again at each read: only after REPLICA_RETRY_SECONDS.
        attempts = []
        monkeypatch.setattr(replica_down, "connect", lambda: attempts.append(1))
        assert router.db_for_read(Policy) == "default"
        assert attempts == []
        monkeypatch.setattr(db_router, "_replica_down_until", 0.0)
        assert router.db_for_read(Policy) == "replica"
        assert attempts == [1]


@pytest.mark.django_db
def test_ready_says_degraded_naming_the_replica_while_it_is_down(client, replica_down):
    response = client.get("/ready/")
    assert response.status_code == 200  # the primary serves the reads: stay in rotation
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ok", "replica": "unavailable"},
    }


@pytest.mark.django_db
def test_ready_says_ok_with_a_working_replica(client, with_replica):
    response = client.get("/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "replica": "ok"},
    }
