"""Prints redis://127.0.0.1:6379/0 when a Redis answers there, else nothing: `make run` then
keeps the rate limits, the cache and the sessions in it, as in production (docs/deployment.md).
An explicit REDIS_URL wins; without a local Redis, the database and files serve instead."""

import sys

URL = "redis://127.0.0.1:6379/0"


def main() -> int:
    try:
        import redis

        redis.Redis.from_url(URL, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except Exception:  # not installed, not running, refused, timed out: no Redis
        return 0
    print(URL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
