"""Reads to a replica, writes to the primary (settings: DATABASE_REPLICA_URL).

Active only when DATABASE_REPLICA_URL is set. A read inside a transaction stays on the
primary: the services read, lock (SELECT ... FOR UPDATE) and write in one atomic block, and must
see the primary's rows. A replica that lags shows a just-submitted application on the next page
a moment late; docs/operations.md says how much lag to alert on.
"""

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured() or primary_is_busy():
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
