"""Request ids and the access log; the friendly 503 page when the database is out of reach."""

import logging
import re
import time
import uuid

import psycopg
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.signals import request_finished
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template import loader
from django.utils.cache import add_never_cache_headers

from talentportal.logging import redact, request_id_var

access_log = logging.getLogger("talentportal.access")
logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# A load balancer's id is taken as it is only when it cannot smuggle anything into a log line
# or a header: a short token of letters, digits and a little punctuation.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:=+-]{8,128}")

# What a lost or refused database connection raises. Django wraps psycopg's errors, but code
# that talks to psycopg directly raises them unwrapped. Statement and lock timeouts are
# OperationalErrors too: also temporary, so "try again shortly" is the right answer to them.
DATABASE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
RETRY_AFTER_SECONDS = 30


def request_id_from(request) -> str:
    """The load balancer's X-Request-ID when it is a sane token, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if SANE_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Tags the request, every log record written while serving it and the response with one
    id, and writes one access-log line per request.

    The access line holds the path but never the query string: search pages carry what people
    searched for (names, ID numbers) there. Only the parameter names are logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request_id_from(request)
        # Reset when the response is closed (request_finished), not here: Django logs a 4xx
        # or 5xx answer (django.request) after the middleware has returned.
        request_id_var.set(request.id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.id
        self.log_access(request, response.status_code, started)
        return response

    @staticmethod
    def log_access(request, status: int, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # Only a user the request has already loaded: the log must not cost a query (or fail
        # when the database is down).
        user = getattr(request, "_cached_user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        path = redact(request.path)  # a password-reset link carries its token in the path
        access_log.info(
            "%s %s %s %sms",
            request.method,
            path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "query_keys": sorted(request.GET.keys()),
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
            },
        )


@receiver(request_finished)
def forget_request_id(**kwargs) -> None:
    request_id_var.set("-")


def is_database_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_ERRORS)


def service_unavailable(request) -> HttpResponse:
    """The 503 page. Rendered without context processors, so it runs no query: `user`,
    messages and notifications all need the database."""
    template = loader.get_template("503.html")
    response = HttpResponse(template.render({"request": request}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 with a friendly page instead of a 500 when a view loses the database.

    Errors raised in other middleware reach handler500, which does the same
    (talentportal.views.server_error). The next request after the database is back opens a new
    connection: CONN_HEALTH_CHECKS drops the broken persistent one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.warning(
            "Database unavailable, answered 503: %s", type(exception).__name__, exc_info=False
        )
        return service_unavailable(request)


class NulInUrlMiddleware:
    """A NUL character in a URL's own segments (a reference, a card number) is a 404 before
    the view runs: no page has one, and PostgreSQL cannot compare text holding one (psycopg
    raises DataError, a 500 in every view that looks a segment up). Query strings and forms
    of the site are validated by their own forms and FilterSets, which say what was wrong.

    The admin's changelists pass their query string (list filters, search) to the database
    unvalidated: one with a NUL gets the admin's own answer to a lookup it cannot use, the
    changelist with `?e=1` ("invalid lookup")."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any("\x00" in str(value) for value in (*view_args, *view_kwargs.values())):
            raise Http404
        if request.resolver_match.namespace == "admin" and _has_nul(request.GET):
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )
