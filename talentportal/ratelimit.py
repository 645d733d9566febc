"""Rate limits on the expensive or abusable requests: search, exports, sign-up, submissions.

The rates live in one place, `settings.RATELIMITS` ({group: "count/period"}); counting is
django-ratelimit's, in fixed windows in the "ratelimit" cache that every worker and server
shares: Redis when REDIS_URL is set, else the database (talentportal/counter_cache.py), never
a worker's own memory. A request over its group's limit gets `429.html` with `Retry-After`.
The key is the account when logged in, else the client's address (`client_ip`, which trusts
X-Forwarded-For only as far as `settings.TRUSTED_PROXY_COUNT` says; docs/deployment.md).

    @rate_limit("submit", methods=["POST"])          # a function view
    class SearchView(RateLimitMixin, FilterView):     # a class-based view
        rate_limit_group = "search"
    if limited := rate_limited(request, "export"):    # only some requests of a view
        return limited
"""

import ipaddress
import logging
import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from talentportal.caching import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies (TRUSTED_PROXY_COUNT)
    the address the outermost of them saw, N-th from the right of X-Forwarded-For. Entries to
    the left of it are whatever the client sent and are never trusted."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote  # not through the expected chain of proxies
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_key(group, request) -> str:
    """The account when logged in; otherwise the address (an IPv6 client's whole /64, which
    one machine usually holds)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    address = ipaddress.ip_address(client_ip(request))
    if address.version == 6:
        return "net:" + str(ipaddress.ip_network(f"{address}/64", strict=False))
    return f"ip:{address}"


def rate_limited(request, group: str, *, methods=ALL):
    """Count this request against `group`; the 429 response when it is over the limit, else
    None. A cache that cannot be reached lets the request through (logged): a rate limit must
    not take the site down with it."""
    rate = settings.RATELIMITS[group]  # a misspelt group fails loudly, not silently unlimited
    try:
        usage = get_usage(
            request,
            group=f"talentportal.{group}",
            key=client_key,
            rate=rate,
            method=methods,
            increment=True,
        )
    except CACHE_UNAVAILABLE:
        logger.warning("rate limit %s not checked: cache unavailable", group, exc_info=True)
        return None
    if not usage or not usage["should_limit"]:
        return None
    logger.info("rate limit %s reached by %s", group, client_key(group, request))
    # django-ratelimit's window still holds at its last second ("time_left" 0): it ends a
    # second later.
    return too_many_requests(request, usage["time_left"] + 1)


def too_many_requests(request, retry_after: int):
    minutes = math.ceil(retry_after / 60)
    response = render(
        request,
        "429.html",
        {"retry_after": retry_after, "retry_minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def rate_limit(group: str, *, methods=ALL):
    """Decorator for a function view (or, with method_decorator, a class's dispatch)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if limited := rate_limited(request, group, methods=methods):
                return limited
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RateLimitMixin:
    """For class-based views: put it first, so that it counts before anything else runs."""

    rate_limit_group: str = ""
    rate_limit_methods = ALL

    def dispatch(self, request, *args, **kwargs):
        limited = rate_limited(request, self.rate_limit_group, methods=self.rate_limit_methods)
        if limited:
            return limited
        return super().dispatch(request, *args, **kwargs)


class RateLimitedExportMixin:
    """For admins with django-import-export's export: put it before ImportExportMixin; each
    export (the export form posted) counts against "export"."""

    def export_action(self, request):
        if request.method == "POST" and (limited := rate_limited(request, "export")):
            return limited
        return super().export_action(request)
