"""`make bench`: measure the portal's pages with production-size data.

    make bench [BENCH_ARGS="..."]
    python -m tests.perf.bench [--duration 15] [--connections 16] [--threads 2]
                               [--only NAME ...] [--queries-only] [--no-seed] [--no-write]
                               [--no-page-cache] [--commit REV]

--commit HEAD measures a clean export of that commit instead of the working tree: gunicorn
recycles its workers (max_requests), and a recycled worker would load whatever half-written
code the working tree holds at that moment.

DATABASE_URL names the server (the Makefile resolves it with scripts/database.py). The bench
uses two databases beside it, so that it neither bloats nor depends on the development data:

    <name>_bench        migrated and seeded with `seed_demo --scale large` (idempotent)
    <name>_bench_small  migrated and seeded with `seed_demo --scale small`

(BENCH_DATABASE_URL and BENCH_SMALL_DATABASE_URL override them.) Then:

1. Query counts and page weight. Every page of tests/perf/pages.toml is rendered in-process
   with django.test.Client under CaptureQueriesContext, against the small and the large data,
   with the page cache off (what building the page costs). A page whose number of SQL queries
   differs between the two grows with the rows it lists (an N+1): it is flagged and the bench
   fails. The size of each answer on the large data is reported; an HTML page over 100 KB is
   flagged.
2. Load. collectstatic, then three servers one after the other, each gunicorn as `make run`
   starts it (scripts/gunicorn.conf.py, DEBUG=0, SECURE_SSL_REDIRECT=0, a SECRET_KEY) on a free
   port of 127.0.0.1: the bare baseline (tests/perf/baseline_app.py: a Django view behind the
   session and CSRF middleware, no database), the portal, and the baseline again. Each page,
   and the baseline, gets a warm-up and then wrk at a fixed concurrency and duration. A Lua
   `done()` hook (percentiles.lua) reports req/s and the 50th/95th/99th latency percentiles.
   Every page's req/s is reported as a share of the baseline's (the mean of its two runs):
   absolute figures on a shared machine mean little, shares of the same run do. The portal's
   shared page cache is on (in a fresh directory) unless --no-page-cache. Each portal
   worker's memory (RSS) is read after the last page.
3. docs/benchmarks.md gets the table, with the date, the machine, the data-set size and the
   command (only the part between the bench markers is rewritten).

The exit status is non-zero when a page answers an unexpected status, wrk saw errors, a query
count grows with the data or an HTML page is over 100 KB. Logs and raw numbers of the last run:
tests/perf/results/.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT  # the code measured: the working tree, or an export of --commit
HERE = Path(__file__).resolve().parent
PAGES_FILE = HERE / "pages.toml"
LUA_REPORTER = HERE / "percentiles.lua"
RESULTS = HERE / "results"  # git-ignored: logs and raw numbers of the last run
REPORT = ROOT / "docs" / "benchmarks.md"
MARK_START = "<!-- bench:start (written by `make bench`; edit outside these markers) -->"
MARK_END = "<!-- bench:end -->"

HOST = "127.0.0.1"  # the only host the bench ever sends load to
WARMUP_SECONDS = 3
SETTLE_TIMEOUT = 90  # seconds to wait for a quiet machine before the load
SERVER_START_TIMEOUT = 60
SEED_TIMEOUT = 60 * 60
COMMAND_TIMEOUT = 15 * 60
BASELINE_APP = "tests.perf.baseline_wsgi"  # tests/perf/baseline_app.py
PORTAL_APP = "talentportal.wsgi"
HTML_LIMIT = 100 * 1024  # bytes: no page ships more HTML than a person can use
WORKER_MEMORY_LIMIT_MB = 300


@dataclass
class Page:
    name: str
    path: str
    status: int
    user: str = ""  # requested as this (demo) user, logged in; anonymously when empty

    @property
    def key(self) -> str:
        """The path, prefixed with "user@" for a page requested by a logged-in user."""
        return f"{self.user}@{self.path}" if self.user else self.path


@dataclass
class Result:
    page: Page
    queries: dict[str, int | None] = field(default_factory=dict)  # "small"/"large" -> count
    statuses: dict[str, int | None] = field(default_factory=dict)
    load: dict | None = None
    size: dict = field(default_factory=dict)  # "bytes" and "html" of the answer, large data
    problems: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def load_pages(only: list[str] | None = None) -> list[Page]:
    with PAGES_FILE.open("rb") as f:
        pages = [
            Page(p["name"], p["path"], int(p["status"]), p.get("user", ""))
            for p in tomllib.load(f)["page"]
        ]
    if only:
        pages = [p for p in pages if p.name in only or p.path in only]
        if not pages:
            sys.exit(f"bench: no page of {PAGES_FILE.name} matches {only}")
    return pages


# --- Databases -------------------------------------------------------------------------------


def with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def bench_databases() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("bench: DATABASE_URL is not set (run it as `make bench`)")
    name = database_name(base) or "talentportal"
    return {
        "large": os.environ.get("BENCH_DATABASE_URL") or with_database_name(base, f"{name}_bench"),
        "small": os.environ.get("BENCH_SMALL_DATABASE_URL")
        or with_database_name(base, f"{name}_bench_small"),
    }


def create_database_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = database_name(url)
    server = os.environ["DATABASE_URL"]  # exists: scripts/database.py ensured it
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or BENCH_SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
        # The bench asks every page hundreds of times from one address: measure the pages, not
        # the rate limits' 429.
        "RATELIMIT_ENABLE": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(extra)
    return env


BENCH_SECRET_KEY = "bench-" + secrets.token_urlsafe(40)


def manage(*args: str, database_url: str, timeout: int = COMMAND_TIMEOUT) -> None:
    command = [sys.executable, "manage.py", *args]
    log(" ".join(command) + f"  [{database_name(database_url)}]")
    subprocess.run(command, cwd=APP, env=django_env(database_url), check=True, timeout=timeout)


def has_seed_demo() -> bool:
    listing = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=APP,
        env=django_env(os.environ["DATABASE_URL"]),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return "seed_demo" in listing.stdout.split()


def prepare(databases: dict[str, str], *, seed: bool) -> dict[str, str]:
    """Migrate and seed both databases; return a note per scale on how its data came about."""
    seeding = seed and has_seed_demo()
    notes = {}
    for scale, url in databases.items():
        create_database_if_missing(url)
        manage("migrate", "--noinput", "-v", "0", database_url=url)
        if seeding:
            manage("seed_demo", "--scale", scale, database_url=url, timeout=SEED_TIMEOUT)
            notes[scale] = f"`seed_demo --scale {scale}`"
        else:
            notes[scale] = (
                "as an earlier `seed_demo` left it (--no-seed)"
                if not seed
                else "not seeded (no seed_demo command yet): migrations' data only"
            )
            log(f"{scale}: {notes[scale]}")
    return notes


def table_sizes(database_url: str) -> dict[str, int]:
    """Exact row counts of the tables that hold rows, largest first."""
    import psycopg
    from psycopg import sql

    sizes = {}
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        tables = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public'"
            " AND relname NOT LIKE 'django\\_%%' AND relname NOT LIKE 'auth\\_%%'"
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            count = conn.execute(query).fetchone()[0]
            if count:
                sizes[table] = count
    return dict(sorted(sizes.items(), key=lambda item: (-item[1], item[0])))


def server_version(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return conn.execute("SHOW server_version").fetchone()[0].split()[0]


# --- Query counts (in-process) ---------------------------------------------------------------


def count_queries_here(paths: list[str]) -> dict[str, dict]:
    """Runs inside a child process whose DATABASE_URL is the database to measure (and whose
    PAGE_CACHE=0: the queries of building each page, not of reading it from the cache)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.auth_helpers import login_verified

    counts = {}
    client = Client(HTTP_HOST=HOST)
    for key in paths:
        user, _at, path = key.rpartition("@") if not key.startswith("/") else ("", "", key)
        try:
            if user:
                login_verified(client, get_user_model().objects.get(username=user))
            else:
                client.logout()
            client.get(path)  # warm-up: caches, lazy imports, ContentType cache
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts[key] = {
                "status": response.status_code,
                "queries": len(captured),
                "bytes": len(response.content),
                "html": response.get("Content-Type", "").startswith("text/html"),
            }
        except Exception as error:  # report it and go on with the other pages
            counts[key] = {"status": None, "queries": None, "error": repr(error)}
    return counts


def session_cookie_here(username: str) -> str:
    """A logged-in session of `username` (runs in a child process, like the one above):
    the Cookie header value that makes wrk's requests those of that user."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user = get_user_model().objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Past the second factor, as after a real code step (demo-enterprise administers one).
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.auth_helpers import totp_device

    store[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def session_cookie(database_url: str, username: str) -> str:
    child = subprocess.run(
        [sys.executable, "-m", "tests.perf.bench", "--session", username],
        cwd=APP,
        env=django_env(database_url, LOG_LEVEL="ERROR"),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if child.returncode != 0:
        sys.exit(f"bench: logging in {username} failed:\n{child.stderr}")
    return child.stdout.strip().splitlines()[-1]


def count_queries(database_url: str, pages: list[Page]) -> dict[str, dict]:
    child = subprocess.run(
        [sys.executable, "-m", "tests.perf.bench", "--count-queries", *[p.key for p in pages]],
        cwd=APP,
        env=django_env(database_url, LOG_LEVEL="ERROR", PAGE_CACHE="0"),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if child.returncode != 0:
        sys.exit(f"bench: counting queries failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


# --- The server and the load -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def probe(url: str, cookie: str = "") -> tuple[int, dict[str, str]]:
    """The status and the headers (lower-case names) of one GET."""
    assert urlsplit(url).hostname == HOST, url
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def http_status(url: str, cookie: str = "") -> int:
    return probe(url, cookie)[0]


class Gunicorn:
    """gunicorn exactly as `make run` starts it, on a free loopback port: the portal, or
    (app=BASELINE_APP, ready_path="/") the bare baseline with the same settings."""

    def __init__(
        self,
        database_url: str,
        log_file: Path,
        *,
        app: str = PORTAL_APP,
        ready_path: str = "/healthz",
        **env: str,
    ):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.database_url = database_url
        self.log_file = log_file
        self.app = app
        self.ready_path = ready_path
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            self.app,
            "--config",
            "scripts/gunicorn.conf.py",
        ]
        env = django_env(
            self.database_url, BIND=f"{HOST}:{self.port}", PORT=str(self.port), **self.env
        )
        log(f"{' '.join(command)}  [BIND={HOST}:{self.port}]")
        self._log = self.log_file.open("w")
        self.process = subprocess.Popen(
            command, cwd=APP, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"gunicorn exited with status {self.process.returncode}")
            try:
                if http_status(self.base + self.ready_path) == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.fail(f"{self.ready_path} did not answer 200 within {SERVER_START_TIMEOUT}s")

    def fail(self, message: str):
        self.__exit__()
        tail = self.log_file.read_text(errors="replace")[-3000:]
        sys.exit(f"bench: {message}; gunicorn's log ({self.log_file}):\n{tail}")

    def log_position(self) -> int:
        self._log.flush()
        return self.log_file.stat().st_size

    def worker_restarts_since(self, position: int) -> int:
        """Workers gunicorn recycled (max_requests) since that point of its log."""
        with self.log_file.open("rb") as log_file:
            log_file.seek(position)
            return log_file.read().count(b"Autorestarting worker")

    def worker_pids(self) -> list[int]:
        """The worker processes of this gunicorn master."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def workers(self) -> int:
        return len(self.worker_pids())

    def worker_memory(self) -> list[float]:
        """Each worker's resident memory (RSS) in MB, largest first."""
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sorted(sizes, reverse=True)

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk with apt-get")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        quiet = {"env": env, "stdout": subprocess.DEVNULL, "timeout": 600}
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet).returncode:
            subprocess.run(["apt-get", "update", "-q"], check=True, **quiet)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, **quiet)
        if wrk := shutil.which("wrk"):
            return wrk
    sys.exit("bench: wrk is missing: install it (Debian/Ubuntu: apt-get install wrk)")


def wrk(
    wrk_path: str, url: str, *, threads: int, connections: int, seconds: int, cookie: str = ""
) -> dict:
    assert urlsplit(url).hostname == HOST, url
    command = [
        wrk_path,
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA_REPORTER),
        url,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    for line in run.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line.removeprefix("BENCH "))
    raise RuntimeError(f"wrk gave no result ({run.returncode}):\n{run.stdout}\n{run.stderr}")


# --- The report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kib = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
        memory = f"{kib / 1024 / 1024:.1f} GiB memory"
    except (OSError, StopIteration):
        memory = "memory unknown"
    return f"{os.cpu_count()} CPUs (nproc: {len(os.sched_getaffinity(0))}), {cpu}, {memory}"


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def share(rps: float | None, baseline: float | None) -> str:
    if rps is None or not baseline:
        return "–"
    percent = 100 * rps / baseline
    return f"{percent:.1f}%" if percent < 10 else f"{percent:.0f}%"


def page_size(r: Result) -> str:
    size = r.size.get("bytes")
    if size is None:
        return "–"
    text = f"{size / 1024:,.1f}"
    return f"**{text}**" if r.size.get("html") and size > HTML_LIMIT else text


def render(results, *, context: dict) -> str:
    baseline = context.get("baseline") or {}
    base_rps = baseline.get("rps")
    rows = [
        "| page | path | req/s | share of baseline | p50 ms | p95 ms | p99 ms "
        "| SQL queries/request | same with small data? | KB | page cache | workers recycled |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: |",
    ]
    for run in baseline.get("runs", []):
        rows.append(
            f"| **bare baseline, {run['when']}** | `/` | {fmt(run.get('rps'))} | "
            f"{share(run.get('rps'), base_rps)} | {fmt(run.get('p50'))} | {fmt(run.get('p95'))} | "
            f"{fmt(run.get('p99'))} | 0 | – | – | – | {run.get('restarts', '–')} |"
        )
    for r in results:
        load = r.load or {}
        large, small = r.queries.get("large"), r.queries.get("small")
        if large is None or small is None:
            same = "–"
        else:
            same = "yes" if large == small else f"**NO: {small} with small data**"
        cached = "–" if not load else ("public" if load.get("public") else "no")
        rows.append(
            f"| {r.page.name} | `{r.page.path}` | {fmt(load.get('rps'))} | "
            f"{share(load.get('rps'), base_rps)} | "
            f"{fmt(load.get('p50'), 1)} | {fmt(load.get('p95'), 1)} | {fmt(load.get('p99'), 1)} | "
            f"{'–' if large is None else large} | {same} | {page_size(r)} | {cached} | "
            f"{load.get('restarts', '–')} |"
        )
    problems = [f"- {r.page.name} (`{r.page.path}`): {p}" for r in results for p in r.problems]
    problems += [f"- {p}" for p in context.get("problems", [])]
    memory = context.get("worker_memory") or []
    if memory:
        memory_text = (
            f"{len(memory)} workers, {memory[-1]:,.0f}–{memory[0]:,.0f} MB "
            f"(each: {', '.join(f'{mb:,.0f}' for mb in memory)} MB; the limit is "
            f"{WORKER_MEMORY_LIMIT_MB} MB)"
        )
    else:
        memory_text = "not measured"

    def sizes(scale, limit):
        items = list(context["sizes"][scale].items())
        text = ", ".join(f"{table} {count:,}" for table, count in items[:limit])
        return (text + f" and {len(items) - limit} smaller tables") if len(items) > limit else text

    lines = [
        MARK_START,
        f"Measured {context['date']} with `{context['command']}`.",
        "",
        f"- **Code:** {context['code']}.",
        f"- **Machine:** {context['machine']}; {context['os']}. wrk and PostgreSQL run on the "
        "same machine as gunicorn and share its CPUs; load average (1, 5, 15 min) "
        f"{context['load_before']} before the load, {context['load_after']} at the end.",
        *(
            [
                f"- **The machine was busy** (load average above its {os.cpu_count()} CPUs "
                "before the load): other work competed for the CPUs, so these figures are "
                "pessimistic. Compare runs made on a quiet machine."
            ]
            if context.get("busy")
            else []
        ),
        f"- **Software:** Python {platform.python_version()}, Django {context['django']}, "
        f"PostgreSQL {context['postgres']}, gunicorn {context['gunicorn']} with "
        f"{context['workers']} sync workers as `make run` starts it (scripts/gunicorn.conf.py), "
        "DEBUG=0.",
        f"- **Data (large):** {context['seeded']['large']} in `{context['databases']['large']}`: "
        f"{sizes('large', 10) or 'no rows'}.",
        f"- **Data (small, for the query-count check):** {context['seeded']['small']}: "
        f"{sizes('small', 6) or 'no rows'}.",
        f"- **Load:** `wrk -t{context['threads']} -c{context['connections']} "
        f"-d{context['duration']}s` per page, one page at a time, after a {WARMUP_SECONDS} s "
        f"warm-up, anonymous GET on {HOST} (a page with a user: that user's session cookie). "
        "Percentiles from wrk's latency histogram (tests/perf/percentiles.lua).",
        "- **Baseline:** a bare Django view (tests/perf/baseline_app.py: the session and CSRF "
        "middleware, no database) on the same gunicorn settings, measured first and last in "
        "this run; "
        + (
            f"{fmt(baseline['runs'][0]['rps'])} and {fmt(baseline['runs'][-1]['rps'])} req/s, "
            f"mean {fmt(base_rps)}. **Share of baseline** is a page's req/s over that mean: "
            "what the portal keeps of the framework's ceiling on this machine."
            if base_rps
            else "not measured."
        ),
        "- **Page cache:** "
        + (
            "off (`--no-page-cache`): every request builds its page."
            if context.get("page_cache") == "off"
            else "on: anonymous requests for the pages the shared page cache keeps "
            "(talentportal/page_cache.py) are answered from it after the warm-up. "
            "Run with `--no-page-cache` to measure what building them costs."
        )
        + " The **page cache** column says whether the answer under gunicorn was marked "
        "`Cache-Control: public` (cached).",
        "- **SQL queries/request:** counted in-process (django.test.Client under "
        "CaptureQueriesContext, the second request, the page cache off) on the large data, and "
        "compared with the small data: a page whose count changes runs queries per row it lists.",
        f"- **KB:** the size of the answer on the large data; HTML over "
        f"{HTML_LIMIT // 1024} KB is in bold and listed as a problem.",
        f"- **Worker memory (RSS) after the load:** {memory_text}.",
        "- **Workers recycled:** workers gunicorn restarted during the measurement "
        "(`max_requests`). A page whose p95/p99 is in seconds while its p50 is in milliseconds "
        "usually waited for recycled workers to boot, not for its own code.",
        "",
        *rows,
        "",
        "**Problems:**"
        if problems
        else "No problems: every page answered its expected status, no query count grows with "
        + ("the data and wrk saw no errors." if context["loaded"] else "the data (no load run)."),
        *problems,
        MARK_END,
    ]
    return "\n".join(lines) + "\n"


REPORT_HEAD = """# Benchmarks

How fast the portal's pages are with production-size data, measured by `make bench`
(tests/perf/bench.py; the pages are listed in tests/perf/pages.toml). The yardstick is a bare
Django view on the same gunicorn settings (tests/perf/baseline_app.py), measured first and last
in the same run: every page is reported as a share of it.
Run `make bench` again after changing a page and commit this file with the change.

"""


def write_report(text: str) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    current = REPORT.read_text() if REPORT.exists() else REPORT_HEAD
    if MARK_START in current and MARK_END in current:
        before = current.split(MARK_START, 1)[0]
        after = current.split(MARK_END, 1)[1].lstrip("\n")
        REPORT.write_text(before + text + ("\n" + after if after else ""))
    else:
        REPORT.write_text(current.rstrip("\n") + "\n\n" + text)


def export_commit(revision: str) -> Path:
    """A clean copy of the committed tree at `revision`, to measure without the working tree's
    uncommitted (or half-written) changes."""
    target = Path(tempfile.mkdtemp(prefix="talentportal-bench-"))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision], cwd=ROOT, capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def code_description(revision: str | None) -> str:
    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    if revision:
        return f"commit {git('rev-parse', '--short', revision)} (a clean export of `{revision}`)"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    head = git("rev-parse", "--short", "HEAD")
    return f"the working tree at {head}" + (" with uncommitted changes" if dirty else "")


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def settle(timeout: int = SETTLE_TIMEOUT) -> str:
    """Wait (a bounded time) for the 1-minute load average to drop below the number of CPUs,
    so that seeding and other work do not weigh on the measurements; returns the load then."""
    deadline = time.monotonic() + timeout
    while os.getloadavg()[0] > (os.cpu_count() or 1) and time.monotonic() < deadline:
        time.sleep(5)
    return load_average()


# --- Main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    global APP
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="pages (names or paths)")
    parser.add_argument("--queries-only", action="store_true", help="only the query counts")
    parser.add_argument("--no-seed", action="store_true", help="skip seed_demo")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md alone")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="the portal with its shared page cache off: what building each page costs",
    )
    parser.add_argument(
        "--commit", metavar="REV", help="measure a clean export of REV (e.g. HEAD), not the tree"
    )
    parser.add_argument("--count-queries", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--session", metavar="USERNAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.count_queries:  # the child process of count_queries()
        print(json.dumps(count_queries_here(args.count_queries)))
        return 0
    if args.session:  # the child process of session_cookie()
        print(session_cookie_here(args.session))
        return 0

    started = time.monotonic()
    pages = load_pages(args.only)
    databases = bench_databases()
    wrk_path = None if args.queries_only else ensure_wrk()
    RESULTS.mkdir(exist_ok=True)
    if args.commit:
        APP = export_commit(args.commit)
        log(f"measuring {args.commit} exported to {APP}")
    try:
        results, context = measure(args, pages, databases, wrk_path)
    except subprocess.CalledProcessError as error:
        sys.exit(f"bench: `{shlex.join(map(str, error.cmd))}` failed ({error.returncode})")
    finally:
        if APP != ROOT:
            shutil.rmtree(APP, ignore_errors=True)
    context["command"] = "make bench"
    if argv:
        context["command"] += f" BENCH_ARGS={shlex.quote(shlex.join(argv))}"

    (RESULTS / "last.json").write_text(
        json.dumps(
            {
                "context": context,
                "results": [r.__dict__ | {"page": r.page.__dict__} for r in results],
            },
            indent=2,
            default=str,
        )
    )
    report = render(results, context=context)
    print(report)
    if not (args.no_write or args.queries_only):
        write_report(report)
        log(f"wrote {REPORT.relative_to(ROOT)}")
    log(f"done in {time.monotonic() - started:.0f}s")
    failed = [r for r in results if r.problems]
    for r in failed:
        for problem in r.problems:
            log(f"PROBLEM {r.page.name} ({r.page.path}): {problem}")
    for problem in context.get("problems", []):
        log(f"PROBLEM {problem}")
    return 1 if failed or context.get("problems") else 0


def measure(args, pages, databases, wrk_path):
    context = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "code": code_description(args.commit),
        "load_before": load_average(),
        "machine": machine(),
        "os": f"{platform.system()} {platform.release()}",
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "databases": {scale: database_name(url) for scale, url in databases.items()},
        "threads": args.threads,
        "connections": args.connections,
        "duration": args.duration,
        "workers": "–",
        "loaded": not args.queries_only,
        "page_cache": "off" if args.no_page_cache else "on",
        "problems": [],
    }
    context["seeded"] = prepare(databases, seed=not args.no_seed)
    context["postgres"] = server_version(databases["large"])
    context["sizes"] = {scale: table_sizes(url) for scale, url in databases.items()}
    # DEBUG=0 renders through the manifest storage, in-process and under gunicorn alike.
    manage("collectstatic", "--noinput", "-v", "0", database_url=databases["large"])
    results = [Result(page) for page in pages]

    for scale, url in databases.items():
        log(f"counting SQL queries per page on the {scale} data")
        counts = count_queries(url, pages)
        for r in results:
            measured = counts[r.page.key]
            r.queries[scale], r.statuses[scale] = measured["queries"], measured["status"]
            if scale == "large" and measured.get("bytes") is not None:
                r.size = {"bytes": measured["bytes"], "html": measured["html"]}
                if measured["html"] and measured["bytes"] > HTML_LIMIT:
                    r.problems.append(
                        f"HTML of {measured['bytes'] / 1024:,.0f} KB (over {HTML_LIMIT // 1024} KB)"
                    )
            if "error" in measured:
                r.problems.append(f"{scale} data: {measured['error']}")
            elif measured["status"] != r.page.status:
                r.problems.append(f"{scale} data: status {measured['status']}")
    for r in results:
        small, large = r.queries.get("small"), r.queries.get("large")
        if None not in (small, large) and small != large:
            r.problems.append(f"SQL queries grow with the data: {small} small, {large} large")

    if not args.queries_only:
        context["load_before"] = settle()
        runs = [measure_baseline(args, wrk_path, databases["large"], "first")]
        page_cache_dir = Path(tempfile.mkdtemp(prefix="talentportal-bench-pages-"))
        portal_env = {"PAGE_CACHE_DIR": str(page_cache_dir)}
        if args.no_page_cache:
            portal_env["PAGE_CACHE"] = "0"
        try:
            with Gunicorn(databases["large"], RESULTS / "gunicorn.log", **portal_env) as server:
                context["workers"] = server.workers()
                load_each_page(args, server, results, databases["large"], wrk_path)
                context["worker_memory"] = server.worker_memory()
        finally:
            shutil.rmtree(page_cache_dir, ignore_errors=True)
        runs.append(measure_baseline(args, wrk_path, databases["large"], "last"))
        rates = [run["rps"] for run in runs if run.get("rps")]
        context["baseline"] = {
            "runs": runs,
            "rps": sum(rates) / len(rates) if len(rates) == len(runs) else None,
        }
        for run in runs:
            if run.get("problem"):
                context["problems"].append(f"bare baseline ({run['when']}): {run['problem']}")
        heavy = [mb for mb in context["worker_memory"] if mb > WORKER_MEMORY_LIMIT_MB]
        if heavy:
            context["problems"].append(
                f"{len(heavy)} gunicorn worker(s) over {WORKER_MEMORY_LIMIT_MB} MB after the load"
            )
    context["load_after"] = load_average()
    context["busy"] = float(context["load_before"].split()[0]) > (os.cpu_count() or 1)
    return results, context


def measure_baseline(args, wrk_path, database_url: str, when: str) -> dict:
    """wrk against the bare baseline app (tests/perf/baseline_app.py) on the same gunicorn
    settings as the portal."""
    log_file = RESULTS / f"gunicorn-baseline-{when}.log"
    with Gunicorn(database_url, log_file, app=BASELINE_APP, ready_path="/") as server:
        log(f"bare baseline ({when}): /")
        load = {"threads": args.threads, "connections": args.connections}
        wrk(wrk_path, server.base + "/", seconds=WARMUP_SECONDS, **load)
        position = server.log_position()
        run = wrk(wrk_path, server.base + "/", seconds=args.duration, **load)
        run["restarts"] = server.worker_restarts_since(position)
    run["when"] = when
    errors = {k: v for k, v in run["errors"].items() if v}
    if errors:
        run["problem"] = f"wrk errors {errors}"
    return run


def load_each_page(args, server: Gunicorn, results: list[Result], database_url: str, wrk_path):
    """Warm-up and wrk for each page, one after the other, against the portal's gunicorn."""
    cookies = {
        user: session_cookie(database_url, user)
        for user in {r.page.user for r in results if r.page.user}
    }
    for r in results:
        url = server.base + r.page.path
        cookie = cookies.get(r.page.user, "")
        if server.process.poll() is not None:
            r.problems.append(
                f"gunicorn had stopped (status {server.process.returncode}; "
                f"see {server.log_file}), not measured"
            )
            continue
        try:
            status, _headers = probe(url, cookie)
        except OSError as error:
            r.problems.append(f"no answer ({error}), not measured")
            continue
        if status != r.page.status:
            r.problems.append(f"answered {status} under gunicorn, not measured")
            continue
        log(f"{r.page.name}: {r.page.path}")
        load = {"threads": args.threads, "connections": args.connections, "cookie": cookie}
        wrk(wrk_path, url, seconds=WARMUP_SECONDS, **load)
        position = server.log_position()
        r.load = wrk(wrk_path, url, seconds=args.duration, **load)
        r.load["restarts"] = server.worker_restarts_since(position)
        # After the warm-up: a page the cache keeps says so now.
        _status, headers = probe(url, cookie)
        r.load["public"] = "public" in headers.get("cache-control", "")
        errors = {k: v for k, v in r.load["errors"].items() if v}
        if errors:
            r.problems.append(f"wrk errors {errors} (status = non-2xx/3xx answers)")


if __name__ == "__main__":
    sys.exit(main())
