"""Health checks for load balancers and monitoring (docs/operations.md).

    /health/   liveness: the process answers. No database, no cache: a database outage must
               not make an orchestrator restart every web server.
    /ready/    readiness: the database answers. 503 naming it while it is down, so the load
               balancer sends traffic elsewhere. The cache and, with DATABASE_REPLICA_URL, the
               replica are checked too: the portal works without either (sessions are in the
               database; the primary serves the replica's reads), so while one is down the
               answer stays 200, with "status": "degraded" and the check named: every server
               shares them, and taking all servers out would turn a slower site into none.

Both are outside the language prefixes, never cached and never rate limited.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from talentportal import db_router
from talentportal.caching import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

CACHE_PROBE_KEY = "ready:probe"


@never_cache
def health(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    checks = {"database": database_check(), "cache": cache_check()}
    if db_router.replica_configured():
        checks["replica"] = "ok" if db_router.replica_available() else "unavailable"
    if checks["database"] != "ok":
        status = "unavailable"
    elif all(result == "ok" for result in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Readiness: database unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok"


def cache_check() -> str:
    try:
        cache.set(CACHE_PROBE_KEY, "1", timeout=10)
        reachable = cache.get(CACHE_PROBE_KEY) == "1"
    except CACHE_UNAVAILABLE as error:
        logger.warning("Readiness: cache unavailable: %s", type(error).__name__)
        return "unavailable"
    return "ok" if reachable else "unavailable"
