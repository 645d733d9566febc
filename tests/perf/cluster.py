"""`make cluster-test`: mixed traffic over the scaled-out portal (scripts/cluster.py: PostgreSQL
primary and streaming replica, Redis, two gunicorn servers, HAProxy) while its pieces fail.

    python -m tests.perf.cluster [--clients 6] [--phase 15] [--replica-delay 2] [--bench 15]

Signed-in talents (each signs in through the login form) browse, search and apply through the
load balancer without pause; after each submission they open the confirmation and "My
applications" at once. The replica applies every change --replica-delay seconds late, so that
read-your-writes is really put to the test. Phases, each --phase seconds of traffic:

1. normal: reads counted on the replica, writes on the primary (pg_stat_user_tables scans,
   pg_stat_database rows written, on each server);
2. one app server killed (SIGKILL to its master and workers, as a crashed machine): how long
   until HAProxy takes it out, 5xx in that window and after it, signed-in users still signed in;
   then started again and back in rotation;
3. the replica stopped (pg_ctl stop -m fast): reads on the primary, `/ready/` 200 "degraded"
   with the replica named, no 5xx after the window; started again: reads return to it;
4. Redis restarted (without persistence): no 5xx, nobody signed out (sessions are kept in the
   database, Redis only caches them), and a search rate limit still holds (a 429 within 2 x its
   count);
5. the end: every application a talent saw confirmed is submitted in the primary exactly once,
   none beyond those whose answer was lost; then the throughput of one server against two
   (HAProxy's `disable server`), --bench seconds each, with the load average.

Prints a JSON report; exit status 1 when a check failed. docs/operations.md has the results.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from scripts import cluster as portal_cluster
from tests.perf import fault, loadkit

RESULTS = Path(__file__).resolve().parent / "results"
REQUEST_TIMEOUT = 40
SUBMISSIONS_PER_TALENT = 25  # under the "submit" rate limit of 30 an hour per account
SEARCH = "/policies/?q=%E4%BA%BA%E6%89%8D"  # 人才
WINDOW_MARGIN = 1.0  # seconds added to each failover window (a request in flight at its end)

PREPARE_SCRIPT = """
import json, sys
import django
django.setup()
from tests.policies.factories import PolicyFactory
from tests.talentportal.factories import PASSWORD, UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory

count = int(sys.argv[1])
service = ServiceItemFactory(
    name_zh="扩容演练服务",
    name_en="Scale-out drill service",
    form_schema=[{"name": "employer", "label_zh": "工作单位", "label_en": "Employer",
                  "kind": "text", "required": True}],
)
for n in range(12):
    PolicyFactory(title_zh=f"高层次人才安居政策第{n}号", title_en=f"Talent housing policy {n}")
users = [UserFactory(kind="talent", username=f"cluster-talent-{i}") for i in range(count + 2)]
print(json.dumps({"service": service.pk, "password": PASSWORD,
                  "usernames": [u.username for u in users]}))
"""


@dataclass
class Sample:
    started: float
    ended: float
    operation: str
    status: int  # 0: no HTTP answer
    server: str  # X-Served-By: the app server HAProxy sent it to ("" from HAProxy itself)


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    ambiguous: int = 0
    # (time, reference, confirmation status, listed in "My applications" or None: not shown)
    read_your_writes: list[tuple[float, str, int, bool | None]] = field(default_factory=list)
    # The same list read at once without the read-your-writes cookie: is the lag real?
    lag_probes: list[bool] = field(default_factory=list)
    signed_out: list[float] = field(default_factory=list)  # a signed-in page sent to login
    sign_ins: int = 0
    events: dict[str, float] = field(default_factory=dict)
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)
    stats: dict[str, dict] = field(default_factory=dict)
    checks: dict = field(default_factory=dict)


def prepare(database_url: str, talents: int) -> dict:
    return loadkit.run_script(
        PREPARE_SCRIPT, str(talents), database_url=database_url, what="preparing the data"
    )


class Talent(threading.Thread):
    """One signed-in talent: browses, searches and applies until told to stop."""

    def __init__(self, base, username, password, service, outcome, lock, stop, applies=True):
        super().__init__(daemon=True)
        self.applies = applies
        self.base, self.username, self.password, self.service = base, username, password, service
        self.outcome, self.lock, self.stop = outcome, lock, stop
        self.http = requests.Session()
        self.submissions = 0
        self.searches: collections.deque[float] = collections.deque()

    def request(self, operation, method, path, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        response, status, server = None, 0, ""
        try:
            response = self.http.request(
                method, self.base + path, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kwargs
            )
            status, server = response.status_code, response.headers.get("X-Served-By", "")
        except requests.RequestException:
            # No answer (refused, reset, timed out): recorded as status 0, which the report
            # counts with the 5xx of its window.
            status = 0
        with self.lock:
            sample = Sample(started, time.monotonic(), operation, status, server)
            self.outcome.samples.append(sample)
        return response

    def may_search(self) -> bool:
        """Under the "search" limit (60 a minute per account, two requests a round), as a
        person is; the limit itself is checked after the Redis restart."""
        now = time.monotonic()
        while self.searches and self.searches[0] < now - 60:
            self.searches.popleft()
        if len(self.searches) >= 48:
            return False
        self.searches.extend([now, now])
        return True

    def sign_in(self) -> bool:
        form = self.request("sign-in", "GET", "/accounts/login/")
        if form is None or form.status_code != 200:
            return False
        response = self.request(
            "sign-in",
            "POST",
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": fault.hidden(form.text, "csrfmiddlewaretoken"),
                "username": self.username,
                "password": self.password,
            },
        )
        signed_in = response is not None and response.status_code == 302
        if signed_in:
            with self.lock:
                self.outcome.sign_ins += 1
        return signed_in

    def signed_in_page(self, path: str) -> requests.Response | None:
        """A page only a signed-in user sees; a redirect to the login page is a lost session."""
        response = self.request("mine", "GET", path)
        if response is not None and "/accounts/login/" in response.headers.get("Location", ""):
            with self.lock:
                self.outcome.signed_out.append(time.monotonic())
            self.sign_in()
            return None
        return response

    def run(self) -> None:
        while not self.stop.is_set() and not self.sign_in():
            time.sleep(0.5)
        rounds = 0
        while not self.stop.is_set():
            rounds += 1
            self.request("browse", "GET", "/")
            if self.may_search():  # the policy list and search: under their rate limit
                self.request("browse", "GET", "/policies/")
                self.request("search", "GET", SEARCH)
            self.request("browse", "GET", f"/services/{self.service}/")
            self.signed_in_page("/me/applications/")
            if self.applies and rounds % 2 == 0 and self.submissions < SUBMISSIONS_PER_TALENT:
                self.apply()

    def apply(self) -> None:
        path = f"/services/{self.service}/apply/"
        form = self.request("form", "GET", path)
        if form is None or form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": fault.hidden(form.text, "csrfmiddlewaretoken"),
            "answer_employer": "浙江大学",
            "action": "submit",
        }
        for name in ("reference", "started"):
            if (value := fault.hidden(form.text, name)) is not None:
                data[name] = value
        response = self.request("submit", "POST", path, data=data)
        location = response.headers.get("Location", "") if response is not None else ""
        applied = re.search(r"/services/applied/([^/]+)/", location)
        if response is None or response.status_code >= 500:
            with self.lock:
                self.outcome.ambiguous += 1
            return
        if response.status_code != 302 or not applied:
            return
        self.submissions += 1
        reference = applied.group(1)
        at = time.monotonic()
        # Read your writes: the next pages show it, however far behind the replica is.
        confirmation = self.request("confirmation", "GET", location)
        listed = self.signed_in_page("/me/applications/")
        # The same list without the cookie that pins this visitor's reads to the primary.
        unpinned = dict(self.http.cookies)
        unpinned.pop("tp_primary", None)
        probe = None
        with contextlib.suppress(requests.RequestException):
            probe = requests.get(
                self.base + "/me/applications/",
                cookies=unpinned,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
            )
        with self.lock:
            self.outcome.submitted.append(reference)
            self.outcome.read_your_writes.append(
                (
                    at,
                    reference,
                    confirmation.status_code if confirmation is not None else 0,
                    # None: the list was not shown (the session was lost with Redis)
                    None
                    if listed is None or listed.status_code != 200
                    else reference in listed.text,
                )
            )
            if probe is not None and probe.status_code == 200:
                self.outcome.lag_probes.append(reference in probe.text)


def database_stats(url: str) -> dict:
    """Statements one server executed (pg_stat_statements): reads (SELECT) and writes (INSERT,
    UPDATE, DELETE), the portal's only (not these queries of statistics)."""
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        reads, writes = connection.execute(
            "SELECT coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(SELECT|WITH)'), 0), "
            "coalesce(sum(calls) FILTER (WHERE query ~* '^\\s*(INSERT|UPDATE|DELETE)'), 0) "
            "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = current_database() AND query !~* 'pg_stat' "
            "AND query !~ '^SELECT \\$1$'"  # connection health checks, not the pages' reads
        ).fetchone()
    return {"reads": int(reads), "writes": int(writes)}


def both_stats(cluster: portal_cluster.PortalCluster, replica_up: bool = True) -> dict:
    time.sleep(1.5)  # backends report their counts at most once a second
    stats = {"primary": database_stats(cluster.primary_url)}
    if replica_up:
        stats["replica"] = database_stats(cluster.replica_url)
    return stats


def difference(after: dict, before: dict) -> dict:
    return {
        server: {key: after[server][key] - before[server][key] for key in after[server]}
        for server in after
        if server in before
    }


def ready_of(server: loadkit.Gunicorn) -> tuple[int, dict]:
    status, body = loadkit.http_get(server.base + "/ready/")
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def wait_for(condition, seconds: float, step: float = 0.1) -> float | None:
    started = time.monotonic()
    while time.monotonic() < started + seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


def rate_limit_holds(base: str, username: str, password: str) -> int | None:
    """The number of the first search answered 429 for one signed-in account, or None."""
    talent = Talent(base, username, password, 0, Outcome(), threading.Lock(), threading.Event())
    if not talent.sign_in():
        return None
    limit = int(loadkit_limit("search"))
    for number in range(1, 2 * limit + 2):  # fixed windows: a boundary may reset the count once
        response = talent.request("search", "GET", SEARCH)
        if response is not None and response.status_code == 429:
            return number
    return None


def loadkit_limit(group: str) -> str:
    """The count of a rate limit in settings.RATELIMITS (read from the source, no Django)."""
    settings = (loadkit.ROOT / "talentportal" / "settings.py").read_text()
    match = re.search(rf'"{group}": "(\d+)/', settings)
    return match.group(1)


def throughput(base: str, cookies: list[dict], seconds: float) -> dict:
    """Signed-in pages (never from the page cache) as fast as `len(cookies)` clients go."""
    durations, failures, stop = [], [0], threading.Event()
    lock = threading.Lock()
    paths = ["/services/", "/me/applications/", "/"]  # none rate limited

    def client(jar):
        http = requests.Session()
        http.cookies.update(jar)
        n = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                ok = http.get(base + paths[n % 3], timeout=REQUEST_TIMEOUT).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                durations.append(time.monotonic() - started)
                failures[0] += not ok
            n += 1

    threads = [threading.Thread(target=client, args=(jar,), daemon=True) for jar in cookies]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT)
    elapsed = time.monotonic() - started
    ordered = sorted(durations)
    return {
        "requests_per_s": round(len(durations) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000) if ordered else None,
        "failed": failures[0],
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def run(
    cluster: portal_cluster.PortalCluster,
    *,
    clients: int,
    phase: float,
    bench: float,
) -> Outcome:
    outcome, lock, stop = Outcome(), threading.Lock(), threading.Event()
    data = prepare(cluster.primary_url, clients)
    usernames = data["usernames"]
    loadkit.log(f"{len(usernames)} talents made; traffic from {clients} of them")
    talents = [
        # Half of them apply every other round, the others only browse and search.
        Talent(
            cluster.haproxy.base,
            name,
            data["password"],
            data["service"],
            outcome,
            lock,
            stop,
            applies=number % 2 == 0,
        )
        for number, name in enumerate(usernames[:clients])
    ]
    events = outcome.events
    events["start"] = time.monotonic()
    for talent in talents:
        talent.start()
    # The sign-ins were writes: each talent reads the primary for REPLICA_PIN_SECONDS after.
    time.sleep(portal_cluster_pin() + 2)
    before = both_stats(cluster)
    time.sleep(phase)
    outcome.stats["normal"] = difference(both_stats(cluster), before)

    # 2. An app server dies.
    loadkit.log("killing app2 (SIGKILL to its master and workers)")
    events["kill"] = time.monotonic()
    cluster.kill_server("app2")
    detected = wait_for(lambda: cluster.haproxy.status().get("app2") == "DOWN", 30)
    events["app2_down"] = time.monotonic()
    outcome.checks["app2_out_of_rotation_after_s"] = round(detected, 2) if detected else None
    outcome.windows["app_server_killed"] = (events["kill"], events["app2_down"] + WINDOW_MARGIN)
    time.sleep(phase)
    loadkit.log("starting app2 again")
    events["app2_restart"] = time.monotonic()
    cluster.start_server("app2")
    back = cluster.wait_until_in_rotation({"app2"})
    events["app2_up"] = time.monotonic()
    rejoined = events["app2_up"] - events["app2_restart"]
    outcome.checks["app2_back_in_rotation_after_s"] = round(rejoined, 1)
    outcome.checks["app2_rise_after_started_s"] = round(back, 1)

    # 3. The replica stops, and comes back.
    before = both_stats(cluster)
    loadkit.log("stopping the replica (pg_ctl stop -m fast)")
    events["replica_stop"] = time.monotonic()
    cluster.replica.stop()
    events["replica_stopped"] = time.monotonic()
    outcome.windows["replica_stopped"] = (
        events["replica_stop"],
        events["replica_stopped"] + WINDOW_MARGIN,
    )
    ready = [ready_of(server) for server in cluster.servers.values()]
    outcome.checks["ready_while_replica_down"] = [{"http": code, **body} for code, body in ready]
    time.sleep(phase)
    outcome.stats["replica_down"] = difference(both_stats(cluster, replica_up=False), before)
    loadkit.log("starting the replica again")
    cluster.replica.start()
    events["replica_started"] = time.monotonic()
    before = both_stats(cluster)
    time.sleep(max(phase, portal_cluster_retry() + 2))
    outcome.stats["replica_back"] = difference(both_stats(cluster), before)
    outcome.checks["ready_after_replica_back"] = [
        {"http": status, **body}
        for status, body in (ready_of(server) for server in cluster.servers.values())
    ]

    # 4. Redis restarts.
    loadkit.log("restarting Redis")
    events["redis_stop"] = time.monotonic()
    cluster.restart_redis()
    events["redis_started"] = time.monotonic()
    outcome.windows["redis_restarted"] = (events["redis_stop"], events["redis_started"] + 1)
    time.sleep(phase)
    outcome.checks["search_429_at_request"] = rate_limit_holds(
        cluster.haproxy.base, usernames[-1], data["password"]
    )
    stop.set()
    for talent in talents:
        talent.join(REQUEST_TIMEOUT + 5)
    events["end"] = time.monotonic()
    loadkit.log(f"traffic stopped after {events['end'] - events['start']:.0f}s")

    # 5. Exactly once, then the throughput of one server against two.
    with psycopg.connect(cluster.primary_url) as connection:
        outcome.checks["database"] = dict(
            connection.execute(
                "SELECT reference, status FROM policies_serviceapplication WHERE service_id = %s",
                [data["service"]],
            ).fetchall()
        )
    if bench:
        # The sessions without the read-your-writes cookie (a copy would not expire).
        jars = [dict(talent.http.cookies) for talent in talents]
        jars = [{k: v for k, v in jar.items() if k != "tp_primary"} for jar in jars] * 2
        cluster.haproxy.command("disable server app/app2")
        wait_for(lambda: cluster.haproxy.status().get("app2") == "MAINT", 10)
        throughput(cluster.haproxy.base, jars, 3)  # warm-up
        # One server, two, one again: the machine's other load changes meanwhile.
        outcome.checks["throughput_one_server"] = throughput(cluster.haproxy.base, jars, bench)
        cluster.haproxy.command("enable server app/app2")
        cluster.wait_until_in_rotation({"app1", "app2"})
        outcome.checks["throughput_two_servers"] = throughput(cluster.haproxy.base, jars, bench)
        cluster.haproxy.command("disable server app/app2")
        wait_for(lambda: cluster.haproxy.status().get("app2") == "MAINT", 10)
        outcome.checks["throughput_one_server_again"] = throughput(
            cluster.haproxy.base, jars, bench
        )
        outcome.checks["bench_clients"] = len(jars)
    return outcome


def portal_cluster_pin() -> float:
    from talentportal.db_router import REPLICA_PIN_SECONDS

    return REPLICA_PIN_SECONDS


def portal_cluster_retry() -> float:
    from talentportal.db_router import REPLICA_RETRY_SECONDS

    return REPLICA_RETRY_SECONDS


def in_window(outcome: Outcome, sample: Sample) -> str | None:
    for name, (start, end) in outcome.windows.items():
        if sample.started <= end and sample.ended >= start:
            return name
    return None


def summary(outcome: Outcome) -> dict:
    samples, events = outcome.samples, outcome.events
    server_errors = [s for s in samples if s.status >= 500 or s.status == 0]
    by_window: dict[str, int] = {}
    for sample in server_errors:
        name = in_window(outcome, sample) or "outside any window"
        by_window[name] = by_window.get(name, 0) + 1
    after_kill = [
        s for s in samples if events["app2_down"] < s.started < events.get("app2_restart", 0)
    ]
    database = outcome.checks.get("database", {})
    in_database = [r for r, status in database.items() if status != "draft"]
    rww_outside = [
        r
        for r in outcome.read_your_writes
        if not any(start <= r[0] <= end for start, end in outcome.windows.values())
    ]
    checks = {k: v for k, v in outcome.checks.items() if k != "database"}
    return {
        "requests": len(samples),
        "duration_s": round(events["end"] - events["start"], 1),
        "by_operation": {
            op: sum(s.operation == op for s in samples)
            for op in sorted({s.operation for s in samples})
        },
        "by_status": {
            str(status): sum(s.status == status for s in samples)
            for status in sorted({s.status for s in samples})
        },
        "by_server": {
            name or "(haproxy)": sum(s.server == name for s in samples)
            for name in sorted({s.server for s in samples})
        },
        "windows_s": {
            name: round(end - start, 2) for name, (start, end) in outcome.windows.items()
        },
        "5xx_or_no_answer": by_window,
        "status_500": sum(s.status == 500 for s in samples),
        "sent_to_app2_while_down": sum(s.server == "app2" for s in after_kill),
        "signed_out_before_redis_restart": sum(
            t < events["redis_stop"] for t in outcome.signed_out
        ),
        "signed_out_after_redis_restart": sum(
            t >= events["redis_stop"] for t in outcome.signed_out
        ),
        "sign_ins": outcome.sign_ins,
        "reads_and_writes": outcome.stats,
        "replica_share_of_reads": {
            phase: round(replica_share(counted), 2)
            for phase, counted in outcome.stats.items()
            if "replica" in counted
        },
        "submissions_confirmed": len(outcome.submitted),
        "submissions_in_database": len(in_database),
        "submissions_ambiguous": outcome.ambiguous,
        "confirmed_missing_in_database": sum(
            database.get(r, "draft") == "draft" for r in outcome.submitted
        ),
        "duplicated": len(outcome.submitted) - len(set(outcome.submitted)),
        "read_your_writes": {
            "checked": len(outcome.read_your_writes),
            "confirmation_not_200": sum(r[2] != 200 for r in rww_outside),
            "not_listed_at_once": sum(r[3] is False for r in rww_outside),
            "list_not_shown": sum(r[3] is None for r in outcome.read_your_writes),
            "unpinned_probe_saw_it": sum(outcome.lag_probes),
            "unpinned_probes": len(outcome.lag_probes),
        },
        **checks,
    }


def replica_share(counted: dict) -> float:
    replica, primary = counted["replica"]["reads"], counted["primary"]["reads"]
    return replica / (replica + primary) if replica + primary else 0.0


def problems(report: dict) -> list[str]:
    found = []
    errors = report["5xx_or_no_answer"]
    if errors.get("outside any window"):
        found.append(f"{errors['outside any window']} 5xx or unanswered outside the windows")
    if report["status_500"]:
        found.append(f"{report['status_500']} answers were 500")
    out_after = report["app2_out_of_rotation_after_s"]
    if out_after is None or out_after > 10:
        found.append("HAProxy did not take the killed server out within 10 s")
    if report["sent_to_app2_while_down"]:
        found.append("requests were answered by app2 after it was down")
    if report["signed_out_before_redis_restart"]:
        found.append("signed-in talents were signed out before Redis restarted")
    if report["signed_out_after_redis_restart"]:
        found.append("the Redis restart signed talents out (sessions are in the database)")
    # The appliers read the primary for 10 s after each write (read your writes): a quarter of
    # the reads on the replica is the least expected of this mix.
    for phase in ("normal", "replica_back"):
        counted = report["reads_and_writes"][phase]
        if replica_share(counted) < 0.25:
            found.append(f"{phase}: reads did not go to the replica: {counted}")
        if counted["replica"]["writes"]:
            found.append(f"{phase}: the replica was written to: {counted}")
    # The talents submit their applications early on: by the time the replica is back they
    # may all be in (the phase then writes nothing, on either server).
    if not report["reads_and_writes"]["normal"]["primary"]["writes"]:
        found.append("normal: no writes reached the primary")
    if report["reads_and_writes"]["replica_down"]["primary"]["reads"] == 0:
        found.append("no reads on the primary while the replica was down")
    ready = report["ready_while_replica_down"]
    if any(r["http"] != 200 or r.get("checks", {}).get("replica") != "unavailable" for r in ready):
        found.append(f"/ready/ while the replica was down: {ready}")
    if any(r.get("checks", {}).get("replica") != "ok" for r in report["ready_after_replica_back"]):
        found.append("/ready/ did not say the replica was back")
    rww = report["read_your_writes"]
    if rww["confirmation_not_200"] or rww["not_listed_at_once"]:
        found.append(f"read-your-writes failed: {rww}")
    if report["search_429_at_request"] is None:
        found.append("the search rate limit did not hold after the Redis restart")
    if report["confirmed_missing_in_database"] or report["duplicated"]:
        found.append("a confirmed application is missing or duplicated")
    unconfirmed = report["submissions_in_database"] - report["submissions_confirmed"]
    if unconfirmed > report["submissions_ambiguous"]:
        found.append(f"{unconfirmed} submissions in the database that no talent saw confirmed")
    if not report["submissions_confirmed"]:
        found.append("no application was submitted")
    if report["left_running"] or report["left_on_disk"]:
        found.append("the cluster was not stopped entirely")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--phase", type=float, default=15, help="seconds of traffic per phase")
    parser.add_argument("--replica-delay", type=float, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--bench", type=float, default=15, help="0: no throughput comparison")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    log_dir = RESULTS / "cluster"
    for old in log_dir.glob("*.log"):
        old.unlink()
    portal_cluster.stop_on_sigterm()
    with portal_cluster.PortalCluster(
        workers=args.workers, replica_delay=args.replica_delay, log_dir=log_dir
    ) as cluster:
        loadkit.log(f"cluster at {cluster.url}; logs in {log_dir}")
        try:
            outcome = run(cluster, clients=args.clients, phase=args.phase, bench=args.bench)
        finally:
            started = cluster.processes()
            directories = [cluster.root, cluster.primary.root, cluster.replica.root]
    report = summary(outcome)
    # Every process the cluster started is gone, and its temporary directories with it.
    report["left_running"] = portal_cluster.still_running(started)
    report["left_on_disk"] = [str(d) for d in directories if d.exists()]
    found = problems(report)
    print(json.dumps({**report, "problems": found}, indent=2, ensure_ascii=False))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
