"""Health checks for load balancers and monitoring (docs/operations.md).

    /health/   liveness: the process answers. No database, no cache: a database outage must
               not make an orchestrator restart every web server.
    /ready/    readiness: the database and the cache answer. 503 with the failing check named
               while either is down, so the load balancer sends traffic elsewhere. With a
               replica (DATABASE_REPLICA_URL) it is checked too: while it is down the primary
               serves its reads, so the answer stays 200, with "status": "degraded".

Both are outside the language prefixes, never cached and never rate limited.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from talentportal import db_router

logger = logging.getLogger(__name__)

CACHE_PROBE_KEY = "ready:probe"


@never_cache
def health(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    checks = {"database": database_check(), "cache": cache_check()}
    healthy = all(result == "ok" for result in checks.values())
    status = "ok" if healthy else "unavailable"
    if db_router.replica_configured():
        checks["replica"] = "ok" if db_router.replica_available() else "unavailable"
        if healthy and checks["replica"] != "ok":
            status = "degraded"  # reads go to the primary meanwhile
    return JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Readiness: database unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok"


def cache_check() -> str:
    # Any exception: each cache backend raises its own (redis.ConnectionError, OSError...).
    try:
        cache.set(CACHE_PROBE_KEY, "1", timeout=10)
        reachable = cache.get(CACHE_PROBE_KEY) == "1"
    except Exception as error:
        logger.warning("Readiness: cache unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok" if reachable else "unavailable"
