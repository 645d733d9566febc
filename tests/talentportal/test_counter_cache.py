"""The rate limits' counters without Redis (talentportal/counter_cache.py): shared through the
database and exact when workers count at the same instant (real connections)."""

import pytest
from django.core.cache import caches

from talentportal.counter_cache import DatabaseCounterCache
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_rate_limits_count_in_a_shared_store_by_default(settings):
    # The test settings are the defaults without REDIS_URL: never a worker's own memory.
    assert settings.RATELIMIT_USE_CACHE == "ratelimit"
    assert isinstance(caches["ratelimit"], DatabaseCounterCache)


def test_add_incr_get_and_expiry():
    counters = caches["ratelimit"]
    assert counters.add("k", 1, 60) is True
    assert counters.add("k", 1, 60) is False  # a live counter is kept
    assert counters.incr("k") == 2
    assert counters.get("k") == 2
    counters.set("gone", 5, -1)  # already expired
    assert counters.get("gone", "none") == "none"
    assert counters.add("gone", 1, 60) is True  # an expired counter starts again
    with pytest.raises(ValueError):
        counters.incr("missing")
    with pytest.raises(TypeError):
        counters.set("text", "not a number")


def test_counts_from_many_connections_at_once_add_up_exactly():
    """django-ratelimit's add-then-incr, from 12 connections at the same moment."""

    def hit():
        counters = caches["ratelimit"]
        if counters.add("rl:same-window", 1, 60):
            return 1
        return counters.incr("rl:same-window")

    outcomes = race(*[hit] * 12)

    assert sorted(outcomes) == list(range(1, 13)), outcomes
    assert caches["ratelimit"].get("rl:same-window") == 12
