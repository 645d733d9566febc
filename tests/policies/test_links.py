"""`manage.py check_policy_links` against a local HTTP server on 127.0.0.1 only."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from policies.management.commands.check_policy_links import check_url, check_urls, urls_to_check
from policies.models import PolicyStatus
from tests.auth_helpers import login_verified
from tests.policies.factories import PolicyFactory

SLOW_SECONDS = 1.5


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, str, str, float]] = []  # method, path, agent, time
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.server_address[1]}{path}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output quiet
        pass

    def _answer(self, method: str):
        server = self.server
        with server.lock:
            server.requests.append(
                (method, self.path, self.headers.get("User-Agent", ""), time.monotonic())
            )
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            path = self.path.split("?")[0]
            if path.startswith("/slow"):
                time.sleep(SLOW_SECONDS)
                status = 200
            elif path.startswith("/ok"):
                status = 200
            elif path == "/head-refused":
                status = 405 if method == "HEAD" else 200
            elif path == "/gone":
                status = 404
            elif path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/ok")
                self.end_headers()
                return
            elif path == "/redirect-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            else:
                status = 500
            body = b"<html>policy</html>" * 100
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method == "GET":
                self.wfile.write(body)
        finally:
            with server.lock:
                server.in_flight -= 1

    def do_HEAD(self):
        self._answer("HEAD")

    def do_GET(self):
        self._answer("GET")


@pytest.fixture
def server():
    server = Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def check(server, path, **kwargs):
    kwargs.setdefault("timeout", 5)
    return check_url(server.url(path), allow_private=True, **kwargs)


def test_a_link_that_answers_head_is_checked_with_head_only(server):
    result = check(server, "/ok")
    assert result.ok and result.status == 200
    assert [(m, p) for m, p, _a, _t in server.requests] == [("HEAD", "/ok")]
    assert server.requests[0][2].startswith("TalentPortal-LinkChecker/")


def test_a_refused_head_falls_back_to_get(server):
    result = check(server, "/head-refused")
    assert result.ok
    assert [m for m, *_ in server.requests] == ["HEAD", "GET"]


def test_a_missing_page_is_dead(server):
    result = check(server, "/gone")
    assert not result.ok and result.status == 404


def test_redirects_are_followed_but_only_to_http(server):
    assert check(server, "/redirect").ok
    refused = check(server, "/redirect-file")
    assert not refused.ok and "refused" in refused.error


def test_a_slow_server_times_out(server):
    # The server answers after SLOW_SECONDS: a result that is not ok, saying 0.3 s, gave up first.
    result = check(server, "/slow", timeout=0.3)
    assert not result.ok and "0.3" in result.error


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "http://", "not a url"],
)
def test_only_http_urls_are_requested(url):
    result = check_url(url, timeout=1)
    assert not result.ok and result.error


def test_private_addresses_are_refused_unless_allowed(server):
    refused = check_url(server.url("/ok"), timeout=1)
    assert not refused.ok and "private" in refused.error
    assert server.requests == []


def test_each_url_is_requested_once_and_hosts_get_a_pause(server):
    urls = [server.url("/ok/1"), server.url("/ok/2"), server.url("/ok/1")]
    results = check_urls(urls, host_delay=0.2, concurrency=4, allow_private=True)
    assert set(results) == {server.url("/ok/1"), server.url("/ok/2")}
    times = sorted(t for *_rest, t in server.requests)
    assert len(times) == 2
    assert times[1] - times[0] >= 0.19  # one host: one request at a time, 0.2 s apart


def test_concurrency_is_bounded(server):
    urls = [
        server.url(f"/slow/{i}", host=host) for i in range(3) for host in ("127.0.0.1", "localhost")
    ]
    check_urls(urls, concurrency=2, host_delay=0, timeout=5, allow_private=True)
    assert server.max_in_flight <= 2


def test_the_run_stops_starting_requests_after_the_time_limit(server):
    urls = [server.url(f"/slow/{i}") for i in range(6)]
    started = time.monotonic()
    results = check_urls(
        urls, concurrency=1, host_delay=0, timeout=5, max_seconds=2, allow_private=True
    )
    elapsed = time.monotonic() - started
    assert 1 <= len(results) < 6
    assert elapsed < 6 * SLOW_SECONDS  # well short of all six, even on a busy machine


@pytest.mark.django_db
def test_the_command_records_the_results_on_the_policies(server):
    alive = PolicyFactory(source_url=server.url("/ok"))
    alive_too = PolicyFactory(source_url=server.url("/ok"))
    dead = PolicyFactory(source_url=server.url("/gone"))
    draft = PolicyFactory(source_url=server.url("/gone"), status=PolicyStatus.DRAFT, issued_on=None)
    without = PolicyFactory(source_url="")
    out = io.StringIO()
    call_command("check_policy_links", "--allow-private-addresses", "--host-delay", "0", stdout=out)
    for policy in (alive, alive_too, dead, draft, without):
        policy.refresh_from_db()
    assert alive.source_ok is True and alive_too.source_ok is True
    assert alive.source_checked_at is not None
    assert dead.source_ok is False
    assert without.source_ok is None
    assert [path for _m, path, *_ in server.requests].count("/ok") == 1  # once for both
    text = out.getvalue()
    assert "2 checked, 1 dead" in text and "/gone" in text


@pytest.mark.django_db
def test_dead_links_show_in_the_admin(server, client, staff):
    dead = PolicyFactory(source_url=server.url("/gone"))
    PolicyFactory(source_url=server.url("/ok"))
    call_command(
        "check_policy_links", "--allow-private-addresses", "--host-delay", "0", stdout=io.StringIO()
    )
    login_verified(client, staff)
    response = client.get(reverse("admin:policies_policy_changelist"), {"source": "dead"})
    assert [p.pk for p in response.context["cl"].result_list] == [dead.pk]


@pytest.mark.django_db
def test_links_never_checked_come_first_then_the_oldest():
    from django.utils import timezone

    PolicyFactory(source_url="https://a.example/", source_checked_at=timezone.now())
    PolicyFactory(source_url="https://b.example/")
    PolicyFactory(
        source_url="https://c.example/",
        source_checked_at=timezone.now() - timezone.timedelta(days=3),
    )
    assert urls_to_check() == ["https://b.example/", "https://c.example/", "https://a.example/"]
    assert urls_to_check(limit=1) == ["https://b.example/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args", [["--timeout", "0"], ["--concurrency", "0"], ["--max-seconds", "-1"], ["--limit", "0"]]
)
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError):
        call_command("check_policy_links", *args, stdout=io.StringIO())
