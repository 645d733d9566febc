"""Reads to a replica, writes to the primary (settings: DATABASE_REPLICA_URL).

Active only when DATABASE_REPLICA_URL is set. Reads stay on the primary:

- inside a transaction: the services read, lock (SELECT ... FOR UPDATE) and write in one atomic
  block, and must see the primary's rows;
- for a while after a visitor's write (read your writes): a replica applies the primary's
  changes a moment late, so the page after a submission, read from it, would not show the
  application yet. Any request with an unsafe method (POST...) reads from the primary and sets
  a short-lived cookie (PRIMARY_COOKIE, REPLICA_PIN_SECONDS) under which this visitor's next
  requests do too (`ReadYourWritesMiddleware`);
- while the replica cannot be reached: the first failed connection sends reads to the primary
  for REPLICA_RETRY_SECONDS, then the replica is tried again (`/ready/` says "degraded").

docs/operations.md says how much lag to alert on.
"""

import contextvars
import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_COOKIE = "tp_primary"
REPLICA_PIN_SECONDS = 10  # well above the lag of a healthy replica (alert at 30 s)
REPLICA_RETRY_SECONDS = 5

# True while serving a request whose reads must see the primary (set by the middleware).
reads_on_primary = contextvars.ContextVar("reads_on_primary", default=False)
_replica_down_until = 0.0  # per process: time.monotonic() until which the replica is skipped


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            not replica_configured()
            or primary_is_busy()
            or reads_on_primary.get()
            or not replica_available()
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema by replication.
        return db == PRIMARY


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def primary_is_busy() -> bool:
    """True inside a transaction on the primary (atomic() or ATOMIC_REQUESTS)."""
    return connections[PRIMARY].in_atomic_block


def replica_available() -> bool:
    """The replica's connection works (opened, or checked once per request as Django's
    CONN_HEALTH_CHECKS does); after a failure, False for REPLICA_RETRY_SECONDS."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError as error:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning("Replica unavailable, reading from the primary: %s", type(error).__name__)
        return False
    return True


class ReadYourWritesMiddleware:
    """Reads of a request with an unsafe method, and of the same visitor's requests for
    REPLICA_PIN_SECONDS after it, go to the primary (module docstring). Installed by settings
    only with a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        token = reads_on_primary.set(writes or PRIMARY_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            reads_on_primary.reset(token)
        if writes:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
