"""What the cache backends raise when their store cannot be reached.

A page, a save or a rate limit must not fail because the cache is down (Redis restarting, a
full disk under the file cache): the callers catch `CACHE_UNAVAILABLE`, log it and go on
without the cache. Anything else (a bug, a database error behind a cached computation) is
left to surface.
"""

from redis.exceptions import RedisError

#: Redis (refused, timed out, reset) and the file-based cache (OSError).
CACHE_UNAVAILABLE = (RedisError, OSError)
