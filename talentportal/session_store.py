"""Sessions in the database with the cache in front (SESSION_ENGINE when REDIS_URL is set).

Django's `cached_db` store, except that an unreachable cache is read past: while Redis restarts,
sessions are read from and written to the database alone, so nobody is signed out or shown a
500 (Django's store already does this when saving, not when loading or deleting).
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

from talentportal.caching import CACHE_UNAVAILABLE

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except CACHE_UNAVAILABLE:
            logger.warning("session read from the database: cache unavailable", exc_info=True)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except CACHE_UNAVAILABLE:
            logger.warning("session not cached: cache unavailable", exc_info=True)
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_UNAVAILABLE:
            logger.warning("session looked up in the database: cache unavailable", exc_info=True)
        return DatabaseStore.exists(self, session_key)

    def delete(self, session_key=None):
        # The database row goes first: a session whose cached copy could not be deleted then
        # outlives it only in a cache that, once back, serves it until its expiry at most.
        DatabaseStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CACHE_UNAVAILABLE:
            logger.error("session %s… not deleted from the cache", session_key[:6], exc_info=True)
