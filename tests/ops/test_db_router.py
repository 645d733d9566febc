"""Reads to the replica when one is configured; writes and transactions on the primary."""

import pytest
from django.db import transaction

from policies.models import Policy
from talentportal import db_router
from talentportal.db_router import PrimaryReplicaRouter

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    # As DATABASE_REPLICA_URL does (test_settings.py checks that): DATABASES gains "replica".
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


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
