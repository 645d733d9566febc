"""`make fault`: stop PostgreSQL under load for 10 seconds, start it again, and check that the
portal answered a friendly 503 meanwhile, recovered by itself, and lost or duplicated no
submitted application.

    python -m tests.perf.fault [--clients 16] [--before 30] [--outage 10] [--after 30]

The database is a private cluster in a temporary directory on its own port (never the shared
server: others use it), migrated and given a small data set: talents and one online service.
gunicorn runs as in production (scripts/gunicorn.conf.py). Client threads browse (home, policy
list, the service page) and apply (the form, then a submission with a fresh draft) without
pause; while they do, `pg_ctl stop -m fast` ends every connection and refuses new ones.

Checks (tests/ops/test_fault.py runs a shorter version in `make test`):
- while the database is down, every answer is 200 (a page served from the cache), 302 or the
  friendly 503 page, never a 500, and none takes longer than the connect timeout allows;
  /ready/ says 503 with the database named;
- after it is back, /ready/ turns 200 by itself and every request succeeds again;
- every application a client saw submitted (the redirect to its confirmation) is in the
  database, submitted, once; reference numbers are unique; the database holds no submission
  beyond those and the submissions whose answer was lost in the outage (ambiguous: the 503 or
  broken connection came after the commit).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.perf import loadkit

RESULTS = Path(__file__).resolve().parent / "results"
FRIENDLY_503 = ("服务暂时无法使用", "The service is briefly unavailable")
REQUEST_TIMEOUT = 40  # gunicorn's timeout is 30 s: a request hanging longer is a failure
SLOW_DURING_OUTAGE = 10  # seconds: connect_timeout (5 s) plus rendering, with room to spare
RECOVERY_GRACE = 5  # seconds after the restart within which every request must succeed again

PREPARE_SCRIPT = (
    """
import json, sys
import django
django.setup()
"""
    + loadkit.SESSIONS_CODE
    + """
from policies.models import ServiceApplication
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory

count = int(sys.argv[1])
service = ServiceItemFactory(
    name_zh="故障演练服务",
    name_en="Fault drill service",
    form_schema=[{"name": "employer", "label_zh": "工作单位", "label_en": "Employer",
                  "kind": "text", "required": True}],
)
users = [UserFactory(kind="talent", username=f"fault-talent-{i}") for i in range(count)]
print(json.dumps({"service": service.pk, **make_sessions([u.username for u in users])}))
"""
)


@dataclass
class Sample:
    started: float
    ended: float
    operation: str
    status: int  # 0: no HTTP answer (connection refused, reset or timed out)
    friendly: bool = False

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)  # references the clients saw submitted
    ambiguous: int = 0  # submissions answered by a 503 or no answer at all
    ready_down: list[int] = field(default_factory=list)  # /ready/ statuses while down
    down_at: float = 0
    up_at: float = 0
    ready_again_after: float | None = None  # seconds from the restart to /ready/ 200
    database: dict[str, str] = field(default_factory=dict)  # reference -> status


def prepare(database_url: str, talents: int) -> dict:
    return loadkit.run_script(
        PREPARE_SCRIPT, str(talents), database_url=database_url, what="preparing the data"
    )


def hidden(body: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', body)
    return html.unescape(match.group(1)) if match else None


class Client(threading.Thread):
    """One talent: browses, then applies, again and again until told to stop."""

    def __init__(self, base, cookie_name, session_key, service, outcome, lock, stop):
        super().__init__(daemon=True)
        self.base, self.service = base, service
        self.outcome, self.lock, self.stop = outcome, lock, stop
        self.http = requests.Session()
        self.http.cookies.set(cookie_name, session_key)

    def request(self, operation: str, method: str, path: str, **kwargs) -> requests.Response:
        started = time.monotonic()
        response, status, friendly = None, 0, False
        try:
            response = self.http.request(
                method, self.base + path, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kwargs
            )
            status = response.status_code
            friendly = status == 503 and any(text in response.text for text in FRIENDLY_503)
        except requests.RequestException:
            pass
        with self.lock:
            self.outcome.samples.append(
                Sample(started, time.monotonic(), operation, status, friendly)
            )
        return response

    def run(self) -> None:
        browse = ["/", "/policies/", f"/services/{self.service}/"]
        while not self.stop.is_set():
            for path in browse:
                self.request("browse", "GET", path)
            self.apply()

    def apply(self) -> None:
        path = f"/services/{self.service}/apply/"
        form = self.request("form", "GET", path)
        if form is None or form.status_code != 200:
            return
        data = {
            "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
            "answer_employer": "浙江大学",
            "action": "submit",
        }
        for name in ("reference", "started"):
            if (value := hidden(form.text, name)) is not None:
                data[name] = value
        response = self.request("submit", "POST", path, data=data)
        location = response.headers.get("Location", "") if response is not None else ""
        applied = re.search(r"/services/applied/([^/]+)/", location)
        with self.lock:
            if response is not None and response.status_code == 302 and applied:
                self.outcome.submitted.append(applied.group(1))
            elif response is None or response.status_code >= 500:
                self.outcome.ambiguous += 1


def applications_in(database_url: str, service: int) -> dict[str, str]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT reference, status FROM policies_serviceapplication WHERE service_id = %s",
            [service],
        ).fetchall()
    return dict(rows)


def run(
    cluster: loadkit.PrivateCluster,
    database_url: str,
    *,
    clients: int,
    before: float,
    outage: float,
    after: float,
    log_file: Path,
    workers: int | None = None,
) -> Outcome:
    started = time.monotonic()
    data = made = prepare(database_url, clients)
    loadkit.log(f"{clients} talents and their sessions made in {time.monotonic() - started:.0f}s")
    outcome, lock, stop = Outcome(), threading.Lock(), threading.Event()
    with loadkit.Gunicorn(database_url, log_file, workers=workers) as server:
        loadkit.log(f"gunicorn answers at {server.base} ({time.monotonic() - started:.0f}s)")
        threads = [
            Client(server.base, made["cookie_name"], key, data["service"], outcome, lock, stop)
            for key in made["sessions"].values()
        ]
        for thread in threads:
            thread.start()
        time.sleep(before)
        loadkit.log("stopping PostgreSQL (pg_ctl stop -m fast)")
        cluster.stop()
        outcome.down_at = time.monotonic()
        while time.monotonic() < outcome.down_at + outage:
            outcome.ready_down.append(loadkit.http_get(server.base + "/ready/")[0])
            time.sleep(1)
        loadkit.log("starting PostgreSQL again")
        cluster.start()
        outcome.up_at = time.monotonic()
        while time.monotonic() < outcome.up_at + after:
            ready = outcome.ready_again_after is not None
            if not ready and loadkit.http_get(server.base + "/ready/")[0] == 200:
                outcome.ready_again_after = time.monotonic() - outcome.up_at
            time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(REQUEST_TIMEOUT + 5)
        loadkit.log(f"load stopped ({time.monotonic() - started:.0f}s)")
    outcome.database = applications_in(database_url, data["service"])
    return outcome


def problems(outcome: Outcome) -> list[str]:
    """What went wrong; empty when the portal behaved."""
    found = []
    samples = outcome.samples
    down = [s for s in samples if s.started >= outcome.down_at and s.ended <= outcome.up_at]
    recovered = [s for s in samples if s.started >= outcome.up_at + RECOVERY_GRACE]
    if any(s.status == 500 for s in samples):
        found.append(f"{sum(s.status == 500 for s in samples)} answers were 500")
    if not [s for s in down if s.status == 503]:
        found.append("no 503 while the database was down")
    unfriendly = [s for s in down if s.status not in (200, 302) and not s.friendly]
    if unfriendly:
        found.append(f"{len(unfriendly)} answers while down were not 200/302/friendly 503")
    slow = [s for s in down if s.seconds > SLOW_DURING_OUTAGE]
    if slow:
        found.append(f"{len(slow)} requests took over {SLOW_DURING_OUTAGE}s while down")
    if not outcome.ready_down or any(status != 503 for status in outcome.ready_down):
        found.append(f"/ready/ while down: {sorted(set(outcome.ready_down))}, expected 503")
    if outcome.ready_again_after is None:
        found.append("/ready/ never answered 200 again")
    failed_after = [s for s in recovered if s.status not in (200, 302)]
    if not recovered:
        found.append("no request after the recovery")
    elif failed_after:
        found.append(f"{len(failed_after)} requests failed after the recovery")
    if len(set(outcome.submitted)) != len(outcome.submitted):
        found.append("a reference was confirmed to two submissions")
    lost = [r for r in outcome.submitted if outcome.database.get(r, "draft") == "draft"]
    if lost:
        found.append(f"{len(lost)} confirmed applications are not submitted in the database")
    in_database = [r for r, status in outcome.database.items() if status != "draft"]
    unconfirmed = len(in_database) - len(set(outcome.submitted))
    if unconfirmed > outcome.ambiguous:
        found.append(
            f"{unconfirmed} submissions in the database that no client saw, more than the "
            f"{outcome.ambiguous} whose answer was lost"
        )
    if not outcome.submitted:
        found.append("no application was submitted")
    return found


def summary(outcome: Outcome) -> dict:
    samples = outcome.samples
    down = [s for s in samples if s.started >= outcome.down_at and s.ended <= outcome.up_at]
    in_database = [r for r, status in outcome.database.items() if status != "draft"]
    return {
        "requests": len(samples),
        "while_down": len(down),
        "while_down_503_friendly": sum(s.friendly for s in down),
        "while_down_200_or_302": sum(s.status in (200, 302) for s in down),
        "while_down_slowest_s": round(max((s.seconds for s in down), default=0), 2),
        "status_500": sum(s.status == 500 for s in samples),
        "no_answer": sum(s.status == 0 for s in samples),
        "ready_while_down": sorted(set(outcome.ready_down)),
        "ready_again_after_s": (
            round(outcome.ready_again_after, 1) if outcome.ready_again_after is not None else None
        ),
        "submissions_confirmed": len(outcome.submitted),
        "submissions_in_database": len(in_database),
        "submissions_ambiguous": outcome.ambiguous,
        "references_unique": len(set(outcome.submitted)) == len(outcome.submitted),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--before", type=float, default=30)
    parser.add_argument("--outage", type=float, default=10)
    parser.add_argument("--after", type=float, default=30)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    with loadkit.PrivateCluster() as cluster:
        url = cluster.url("talentportal_fault")
        cluster.create_database("talentportal_fault")
        loadkit.log(f"private PostgreSQL on 127.0.0.1:{cluster.port}; migrating")
        loadkit.manage("migrate", "--noinput", database_url=url)
        loadkit.collectstatic(url)
        with contextlib.suppress(FileNotFoundError):
            (RESULTS / "fault-gunicorn.log").unlink()
        outcome = run(
            cluster,
            url,
            clients=args.clients,
            before=args.before,
            outage=args.outage,
            after=args.after,
            log_file=RESULTS / "fault-gunicorn.log",
        )
    report = summary(outcome)
    found = problems(outcome)
    print(json.dumps({**report, "problems": found}, indent=2, ensure_ascii=False))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
