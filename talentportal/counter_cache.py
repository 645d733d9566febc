"""A cache of integer counters in PostgreSQL, for the rate limits when REDIS_URL is not set
(settings.CACHES["ratelimit"]; talentportal/ratelimit.py).

django-ratelimit counts with `add` then `incr`. Each is here one SQL statement on
`RateCounter`'s table, so that counts from every gunicorn worker and every server of the
database add up exactly, also at the same instant (Django's own database cache reads and writes
back on `incr`, losing concurrent counts, and counts the whole table on every write). Only
integers are stored: it is not a general cache.
"""

import random
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connections, router
from django.utils import timezone

from talentportal.models import RateCounter

NEVER = datetime(9999, 1, 1, tzinfo=UTC)
# One new counter in this many also deletes the expired ones (an indexed range delete).
PURGE_ONE_IN = 50


class DatabaseCounterCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)
        self.table = RateCounter._meta.db_table

    def _cursor(self):
        return connections[router.db_for_write(RateCounter)].cursor()

    def _expires(self, timeout):
        moment = self.get_backend_timeout(timeout)  # seconds since the epoch, None: never
        if moment is None:
            return NEVER
        return datetime.fromtimestamp(moment, tz=UTC)

    @staticmethod
    def _integer(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("DatabaseCounterCache stores integers only")
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Set the counter unless a live one exists: True when set."""
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {self.table} AS c (key, value, expires) VALUES (%s, %s, %s)
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires
                WHERE c.expires <= %s RETURNING 1""",
                [key, self._integer(value), self._expires(timeout), timezone.now()],
            )
            added = cursor.fetchone() is not None
            # Only when a window begins: every other request of a window costs the same
            # queries (a page's query count must not change at random).
            if added and random.randrange(PURGE_ONE_IN) == 0:
                cursor.execute(f"DELETE FROM {self.table} WHERE expires <= %s", [timezone.now()])
            return added

    def incr(self, key, delta=1, version=None):
        """Add `delta` in one statement (row-locked by PostgreSQL); ValueError when missing."""
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(
                f"""UPDATE {self.table} SET value = value + %s WHERE key = %s AND expires > %s
                RETURNING value""",
                [self._integer(delta), key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(
                f"SELECT value FROM {self.table} WHERE key = %s AND expires > %s",
                [key, timezone.now()],
            )
            row = cursor.fetchone()
        return default if row is None else row[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {self.table} (key, value, expires) VALUES (%s, %s, %s)
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value,
                expires = EXCLUDED.expires""",
                [key, self._integer(value), self._expires(timeout)],
            )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET expires = %s WHERE key = %s AND expires > %s",
                [self._expires(timeout), key, timezone.now()],
            )
            return cursor.rowcount > 0

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE key = %s", [key])
            return cursor.rowcount > 0

    def clear(self):
        with self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
