"""The suite's race helper (tests/concurrency.py): outcomes in order, every connection it opened
gone from the server when it returns, a hung call a loud failure rather than a deadlock later;
and the claim that keeps another test run out of this run's test database."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from tests import concurrency
from tests.concurrency import (
    claim_test_database,
    errors_of,
    race,
    race_each,
    wait_for_other_transactions,
)

pytestmark = pytest.mark.django_db(transaction=True)


def other_backends(*, in_a_transaction: bool = False) -> int:
    """Connections to this database other than the test's own (only those inside a
    transaction, if asked)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND (xact_start IS NOT NULL OR NOT %s)",
            [in_a_transaction],
        )
        return cursor.fetchone()[0]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_outcomes_come_back_in_order_with_the_exceptions():
    def fail():
        raise ValueError("no")

    outcomes = race(lambda: 1, fail, lambda: 3)

    assert outcomes[0] == 1 and outcomes[2] == 3
    assert [str(error) for error in errors_of(outcomes)] == ["no"]


def test_each_call_has_its_own_connection_and_none_is_left_on_the_server():
    pids = race_each(4, lambda _index: backend_pid())

    assert len(set(pids)) == 4 and backend_pid() not in pids
    assert other_backends() == 0


def test_the_calls_overlap():
    inside = threading.Semaphore(0)

    def meet(_index):
        inside.release()
        # Each call waits for the other: only calls that run at once get past this.
        assert inside.acquire(timeout=10)
        return "met"

    assert race_each(2, meet) == ["met", "met"]


def test_a_hung_call_fails_the_test_and_its_backend_is_ended():
    # Had the race waited for the call, the call would have ended and nothing be "still
    # running"; no wall-clock bound here, as the race may first wait for another's slot.
    with pytest.raises(pytest.fail.Exception, match="still running"):
        race(lambda: connection.cursor().execute("SELECT pg_sleep(60)"), timeout=2)

    assert other_backends() == 0


def test_races_take_turns_on_the_server():
    """A race started while another holds the server (here: this test) waits for it to end."""
    ran = threading.Event()
    outcomes = []

    def second_race():
        try:
            outcomes.append(race(ran.set))
        finally:
            connections.close_all()

    with concurrency.server_race_slot():
        thread = threading.Thread(target=second_race)
        thread.start()
        waiting_for_the_slot(timeout=30)
        assert not ran.is_set()
    # Another race (the other xdist worker's, another run's) may take the slot first.
    thread.join(timeout=2 * concurrency.TIMEOUT)

    assert ran.is_set() and outcomes == [[None]]


def waiting_for_the_slot(timeout: float) -> None:
    """Return once a connection on this server waits for an advisory lock (the race slot)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the second race never asked for the slot"
            time.sleep(0.05)


def test_the_flush_guard_waits_for_a_transaction_on_another_connection():
    opened = threading.Event()

    def hold_a_transaction():
        try:
            with transaction.atomic():
                connection.cursor().execute("SELECT 1")
                opened.set()
                time.sleep(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_a_transaction)
    thread.start()
    assert opened.wait(timeout=30)

    wait_for_other_transactions()

    assert other_backends(in_a_transaction=True) == 0
    thread.join(timeout=30)


def test_another_run_cannot_claim_this_run_s_test_database():
    (claim,) = concurrency._claims
    lock_database = {**settings.DATABASES["default"], "NAME": claim.info.dbname}
    test_database = settings.DATABASES["default"]["NAME"]

    assert not claim_test_database(lock_database, test_database)
    assert claim_test_database(lock_database, test_database + "_unused")
    concurrency._claims.pop().close()
