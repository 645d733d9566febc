"""`make load`: two minutes of mixed traffic (tests/perf/locustfile.py) against gunicorn on the
seeded data, at the benchmark's concurrency; p50/p95 and req/s per kind of request, and the
number of 5xx answers, which must be zero.

    python -m tests.perf.load [--users 16] [--duration 120] [--scale small]

DATABASE_URL names the server (the Makefile resolves it); the load uses `<name>_load` beside
it (LOAD_DATABASE_URL overrides), migrated and seeded with `seed_demo` (idempotent), plus
load-test talents and one online service to apply to. Rate limits are off (every virtual
user comes from 127.0.0.1). Results: tests/perf/results/load_*.csv and load-gunicorn.log;
the summary is printed as a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.perf import loadkit

RESULTS = Path(__file__).resolve().parent / "results"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
TALENTS = 32

PREPARE_SCRIPT = (
    """
import json, sys
import django
django.setup()
"""
    + loadkit.SESSIONS_CODE
    + """
from policies.models import Policy, ServiceItem
from talentportal.models import AccountKind, Region, User

service, _ = ServiceItem.objects.update_or_create(
    name_en="Load test service",
    defaults=dict(
        name_zh="压力测试服务", department_zh="省委人才办",
        department_en="Provincial Talent Office",
        region=Region.objects.get(code="330000"), description_zh="压力测试用。",
        audience_zh="人才。", promised_days=5, is_published=True,
        form_schema=[{"name": "employer", "label_zh": "工作单位", "label_en": "Employer",
                      "kind": "text", "required": True}],
    ),
)
talents = []
for i in range(int(sys.argv[1])):
    user, _ = User.objects.get_or_create(
        username=f"load-talent-{i}", defaults={"kind": AccountKind.TALENT, "is_active": True}
    )
    talents.append(user.username)
made = make_sessions([*talents, "demo-enterprise"])
policies = list(Policy.objects.published().order_by("pk").values_list("pk", flat=True)[:200])
print(json.dumps({
    "cookie_name": made["cookie_name"],
    "talents": [made["sessions"][name] for name in talents],
    "enterprise": made["sessions"]["demo-enterprise"],
    "service": service.pk,
    "policies": policies,
}))
"""
)


def load_database_url(url: str) -> str:
    if os.environ.get("LOAD_DATABASE_URL"):
        return os.environ["LOAD_DATABASE_URL"]
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_load"))


def prepare(database_url: str, scale: str) -> Path:
    params = loadkit.database.connection_params(database_url)
    loadkit.database.ensure_database(params)
    loadkit.log("migrating and seeding (idempotent)")
    loadkit.manage("migrate", "--noinput", database_url=database_url)
    loadkit.manage("seed_demo", "--scale", scale, database_url=database_url)
    loadkit.collectstatic(database_url)
    result = subprocess.run(
        [loadkit.PYTHON, "-c", PREPARE_SCRIPT, str(TALENTS)],
        cwd=loadkit.ROOT,
        env=loadkit.django_env(database_url, LOG_LEVEL="ERROR"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"load: preparing the data failed:\n{result.stderr[-3000:]}")
    path = RESULTS / "load-data.json"
    path.write_text(result.stdout.strip().splitlines()[-1])
    return path


def submitted_count(database_url: str, service: int) -> int:
    with psycopg.connect(database_url) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM policies_serviceapplication "
            "WHERE service_id = %s AND status <> 'draft'",
            [service],
        ).fetchone()
    return count


def statuses(log_file: Path) -> Counter:
    """Answers by status, from gunicorn's JSON access log."""
    counts = Counter()
    for line in log_file.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if record.get("name") == "gunicorn.access":
                counts[record["status"]] += 1
    return counts


def table(stats_csv: Path) -> tuple[str, dict]:
    rows = list(csv.DictReader(stats_csv.open()))
    lines = [
        "| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = {}
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
        if row["Name"] == "Aggregated":
            total = row
    return "\n".join(lines), total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16, help="as `make bench` (wrk -c16)")
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--scale", default="small", choices=["small", "large"])
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("load: DATABASE_URL is not set (make load resolves it)")
    database_url = load_database_url(os.environ["DATABASE_URL"])
    RESULTS.mkdir(exist_ok=True)
    data_file = prepare(database_url, args.scale)
    service = json.loads(data_file.read_text())["service"]
    before = submitted_count(database_url, service)
    log_file = RESULTS / "load-gunicorn.log"
    log_file.unlink(missing_ok=True)
    with loadkit.Gunicorn(database_url, log_file) as server:
        loadkit.log(f"locust: {args.users} users for {args.duration}s against {server.base}")
        command = [str(Path(loadkit.PYTHON).parent / "locust"), "-f", str(LOCUSTFILE)]
        command += ["--headless", "--host", server.base, "--only-summary"]
        command += ["-u", str(args.users), "-r", str(args.users), "-t", f"{args.duration}s"]
        command += ["--csv", str(RESULTS / "load"), "--stop-timeout", "30"]
        locust = subprocess.run(
            command,
            cwd=loadkit.ROOT,
            env={**os.environ, "LOAD_DATA": str(data_file)},
            capture_output=True,
            text=True,
            timeout=args.duration + 300,
            check=False,
        )
        (RESULTS / "load-locust.log").write_text(locust.stdout + locust.stderr)
    answered = statuses(log_file)
    server_errors = sum(n for status, n in answered.items() if status >= 500)
    submitted = submitted_count(database_url, service) - before
    markdown, total = table(RESULTS / "load_stats.csv")
    print(markdown)
    print(
        f"\nstatuses: {dict(sorted(answered.items()))}; 5xx: {server_errors}; "
        f"applications submitted: {submitted}; aggregate p50 {total.get('50%')} ms, "
        f"p95 {total.get('95%')} ms, {float(total.get('Requests/s', 0)):.1f} req/s"
    )
    if server_errors:
        print(f"load: {server_errors} answers were 5xx", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
