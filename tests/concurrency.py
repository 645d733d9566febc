"""The suite's one way to race real database connections, and the claim that keeps two test
runs out of each other's test database (`claim_test_database`, used by tests/conftest.py).

`race(*calls)` runs each call in its own thread, so each gets its own PostgreSQL connection, and
lets them all start at once. Whatever happens inside, it returns only when every thread has
finished, every connection a thread opened is closed, and the server has ended those backends:
a transactional test's flush (TRUNCATE) that follows must never meet a lock still held by one of
them. A thread that is still running after the time-out fails the test loudly, and its
connections are terminated on the server, so that the flush cannot deadlock on them either.

Races take turns on the whole server (`server_race_slot`): a race opens up to 40 connections,
and two at once (the two xdist workers of one run, or two runs sharing the server, say
`make test` beside `make stress-test`) could pass PostgreSQL's `max_connections` (100 by
default) and fail with "too many clients already", a failure of the machine, not of the code.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import psycopg
import pytest
from django.db import connection, connections

# Generous: a busy CI machine (load 8+) slows a race tenfold, and a time-out is a failure.
TIMEOUT = 300


def race(*calls: Callable[[], object], timeout: float = TIMEOUT) -> list:
    """Run the calls at once, each on its own connection; each call's return value or the
    exception it raised, in the order given."""
    if not calls:
        return []
    with server_race_slot():
        return _race(calls, timeout)


@contextmanager
def server_race_slot(timeout: float = 2 * TIMEOUT) -> Iterator[None]:
    """Wait (up to `timeout`) until no other race runs on this PostgreSQL server, and keep it so
    until the block ends. The advisory lock is taken in the server's `postgres` database, as
    advisory locks belong to a database and every test process uses a database of its own."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as slot:
        slot.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        try:
            slot.execute("SELECT pg_advisory_lock(hashtext('talentportal race'))")
        except psycopg.errors.LockNotAvailable:
            pytest.fail(f"race: another race held the server for {timeout} s", pytrace=False)
        yield


def _race(calls: tuple[Callable[[], object], ...], timeout: float) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)
    backends: set[int] = set()
    backends_lock = threading.Lock()

    def note_backends():
        pids = {
            alias_connection.connection.info.backend_pid
            for alias_connection in connections.all(initialized_only=True)
            if alias_connection.connection is not None
        }
        with backends_lock:
            backends.update(pids)

    def run(index, call):
        try:
            connection.ensure_connection()
            note_backends()
            barrier.wait(timeout=timeout)
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test checks
            outcomes[index] = error
        finally:
            note_backends()
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call), name=f"race-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in threads if thread.is_alive()]
    if alive:
        _terminate(backends)
        pytest.fail(f"race: {', '.join(alive)} still running after {timeout} s", pytrace=False)
    _wait_until_ended(backends)
    return outcomes


def race_each(count: int, target: Callable[[int], object], timeout: float = TIMEOUT) -> list:
    """`race` of target(0) … target(count - 1)."""
    return race(*(partial(target, index) for index in range(count)), timeout=timeout)


def errors_of(outcomes: list) -> list[Exception]:
    """The exceptions among a race's outcomes."""
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]


def _terminate(pids: set[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(pids)]
        )
    _wait_until_ended(pids)


def _wait_until_ended(pids: set[int], timeout: float = 60) -> None:
    """A closed client socket ends its server backend a moment later, not at once."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT array_agg(pid) FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)]
            )
            lingering = cursor.fetchone()[0]
            if not lingering:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"race: backends {lingering} did not end", pytrace=False)
            time.sleep(0.05)


def wait_for_other_transactions(timeout: float = 120) -> None:
    """Wait until no other connection to this database is inside a transaction; past the
    time-out, end them and fail."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT array_agg(pid), string_agg(left(query, 200), ' | ') FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend' AND xact_start IS NOT NULL"
            )
            pids, queries = cursor.fetchone()
            if not pids:
                return
            if time.monotonic() > deadline:
                _terminate(set(pids))
                pytest.fail(f"connections still in a transaction at teardown: {queries}")
            time.sleep(0.05)


_claims: list[psycopg.Connection] = []  # open for the life of the process: the locks with them


def claim_test_database(database: dict, name: str) -> bool:
    """Claim the test database `name` for this process (tests/conftest.py); False when another
    process holds it. The advisory lock is taken in the development database, which every run
    against this server shares, and is released when this process's connection closes."""
    claim = psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        autocommit=True,
    )
    (claimed,) = claim.execute(
        "SELECT pg_try_advisory_lock(hashtext('talentportal test database'), hashtext(%s))", [name]
    ).fetchone()
    if claimed:
        _claims.append(claim)
    else:
        claim.close()
    return claimed
