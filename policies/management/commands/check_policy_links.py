"""`manage.py check_policy_links`: does each policy's source link still answer?

Politely, and bounded in time:

- each distinct URL is requested once, however many policies cite it, the links checked
  longest ago (or never) first;
- HEAD first, and a GET (reading at most a few kilobytes) only when HEAD is refused or
  fails, since some government sites answer HEAD wrongly;
- a User-Agent that names the portal and where it runs;
- at most `--concurrency` requests at once, one at a time per host with `--host-delay`
  seconds between them, each with a `--timeout`;
- no new request starts after `--max-seconds`: the links not reached keep their previous
  result and come first next time;
- only http and https, also after redirects, and not to private, loopback or link-local
  addresses (a source link is typed by staff; `--allow-private-addresses` for tests).

The result goes on the policies that cite the URL (`source_ok`, `source_checked_at`); the
admin lists the ones that failed under "Source link: dead". Run it nightly from cron.
"""

import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urlsplit

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, Max
from django.utils import timezone

READ_LIMIT = 8 * 1024
MAX_REDIRECTS = 5
#: HEAD answers after which a GET is worth trying: the method refused or misreported.
RETRY_WITH_GET = {400, 403, 404, 405, 406, 429, 500, 501, 502, 503}


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None = None
    error: str = ""


class LinkRefused(Exception):
    """A URL the checker will not request."""


def _check_address(host: str, allow_private: bool) -> None:
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise LinkRefused(f"cannot resolve {host}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise LinkRefused(f"{host} is a private address ({address})")


def _check_url(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LinkRefused("not an http(s) URL")
    _check_address(parts.hostname, allow_private)


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool):
        super().__init__()
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            _check_url(newurl, self.allow_private)
        except LinkRefused as error:
            raise urllib.error.URLError(f"redirect refused: {error}") from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def user_agent() -> str:
    site = getattr(settings, "SITE_URL", "")
    return f"TalentPortal-LinkChecker/1.0 (+{site}; checks the source links of policies)"


def _request(url: str, method: str, *, timeout: float, agent: str, allow_private: bool) -> int:
    opener = urllib.request.build_opener(_SafeRedirects(allow_private))
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": agent, "Accept": "*/*"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(READ_LIMIT)
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def check_url(
    url: str, *, timeout: float, agent: str | None = None, allow_private: bool = False
) -> LinkResult:
    """HEAD, then GET if HEAD was refused; never raises."""
    agent = agent or user_agent()
    try:
        _check_url(url, allow_private)
    except LinkRefused as error:
        return LinkResult(url, ok=False, error=str(error))
    status, error = None, ""
    for method in ("HEAD", "GET"):
        try:
            status = _request(
                url, method, timeout=timeout, agent=agent, allow_private=allow_private
            )
            error = ""
        except TimeoutError:
            return LinkResult(url, ok=False, error=f"no answer within {timeout:g}s")
        except (urllib.error.URLError, HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                return LinkResult(url, ok=False, error=f"no answer within {timeout:g}s")
            status, error = None, (str(reason) or exc.__class__.__name__)[:200]
        if status is not None and 200 <= status < 300:
            return LinkResult(url, ok=True, status=status)
        if status is not None and 300 <= status < 400:
            # urllib follows redirects; one left is refused (another scheme) or a loop.
            return LinkResult(url, ok=False, status=status, error="redirect refused or looping")
        if method == "HEAD" and status is not None and status not in RETRY_WITH_GET:
            break
    return LinkResult(url, ok=False, status=status, error=error)


def check_urls(
    urls,
    *,
    timeout: float = 10.0,
    concurrency: int = 4,
    host_delay: float = 1.0,
    max_seconds: float = 300.0,
    agent: str | None = None,
    allow_private: bool = False,
    clock=time.monotonic,
) -> dict[str, LinkResult]:
    """Check distinct URLs, politely; the results of those reached before the deadline."""
    agent = agent or user_agent()
    deadline = clock() + max_seconds
    host_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
    last_request: dict[str, float] = {}
    registry = threading.Lock()
    results: dict[str, LinkResult] = {}

    def work(url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        with registry:
            lock = host_locks[host]
        with lock:  # one request at a time per host, host_delay apart
            if host in last_request:
                wait = last_request[host] + host_delay - clock()
                if wait > 0:
                    time.sleep(min(wait, max(0.0, deadline - clock())))
            remaining = deadline - clock()
            if remaining <= 0:
                return
            try:
                result = check_url(
                    url,
                    timeout=min(timeout, remaining),
                    agent=agent,
                    allow_private=allow_private,
                )
            finally:
                last_request[host] = clock()
        with registry:
            results[url] = result

    distinct = list(dict.fromkeys(url for url in urls if url))
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for future in [pool.submit(work, url) for url in distinct]:
            future.result()
    return results


def urls_to_check(limit: int | None = None) -> list[str]:
    """Distinct source URLs of non-draft policies, never checked first, then oldest check."""
    from policies.models import Policy, PolicyStatus

    queryset = (
        Policy.objects.exclude(source_url="")
        .exclude(status=PolicyStatus.DRAFT)
        .values("source_url")
        .annotate(checked=Max("source_checked_at"))
        .order_by(F("checked").asc(nulls_first=True), "source_url")
        .values_list("source_url", flat=True)
    )
    return list(queryset[:limit] if limit else queryset)


def record(results) -> int:
    """Store the results on the policies citing each URL; returns how many were updated."""
    from policies.models import Policy

    now = timezone.now()
    ok = [result.url for result in results if result.ok]
    dead = [result.url for result in results if not result.ok]
    updated = 0
    if ok:
        updated += Policy.objects.filter(source_url__in=ok).update(
            source_ok=True, source_checked_at=now
        )
    if dead:
        updated += Policy.objects.filter(source_url__in=dead).update(
            source_ok=False, source_checked_at=now
        )
    return updated


class Command(BaseCommand):
    help = "Check that the policies' source links answer, politely and bounded in time."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
        parser.add_argument("--concurrency", type=int, default=4, help="requests at once")
        parser.add_argument(
            "--host-delay", type=float, default=1.0, help="seconds between requests to a host"
        )
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=600.0,
            help="start no request after this many seconds",
        )
        parser.add_argument("--limit", type=int, help="check at most this many distinct links")
        parser.add_argument(
            "--allow-private-addresses",
            action="store_true",
            help="also check links to private and loopback addresses (tests, intranets)",
        )

    def handle(self, *args, **options):
        timeout, concurrency = options["timeout"], options["concurrency"]
        host_delay, max_seconds = options["host_delay"], options["max_seconds"]
        if timeout <= 0 or max_seconds <= 0 or host_delay < 0 or concurrency < 1:
            raise CommandError(
                "--timeout and --max-seconds must be positive, --host-delay not negative, "
                "--concurrency at least 1"
            )
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        urls = urls_to_check(options["limit"])
        self.stdout.write(f"Checking {len(urls)} link(s)…")
        results = check_urls(
            urls,
            timeout=timeout,
            concurrency=concurrency,
            host_delay=host_delay,
            max_seconds=max_seconds,
            allow_private=options["allow_private_addresses"],
        )
        with pghistory.context(command="check_policy_links"):
            updated = record(results.values())
        failing = [result for result in results.values() if not result.ok]
        for result in failing:
            detail = result.error or f"HTTP {result.status}"
            self.stdout.write(f"  dead: {result.url} — {detail}")
        skipped = len(urls) - len(results)
        summary = f"{len(results)} checked, {len(failing)} dead, {updated} policies updated"
        if skipped:
            summary += f"; {skipped} left for the next run (time limit)"
        self.stdout.write(self.style.SUCCESS(summary) if not failing else summary)
