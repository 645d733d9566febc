"""What the load test (`make load`, tests/perf/load.py) and the fault test (`make fault`,
tests/perf/fault.py, tests/ops/test_fault.py) share: a gunicorn started as in production, a
private PostgreSQL cluster that may be stopped without disturbing anyone, and logged-in
sessions made without the login form (no lockout, no second-factor step per virtual user).

Load only ever goes to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts import database

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"{Path(sys.argv[0]).stem}: {message}", file=sys.stderr, flush=True)


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process (DEBUG off) on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "talentportal.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-key-" + "x" * 40,
        # All virtual users share one address: the per-address limits would answer 429 to
        # most of them; what is measured is the site, not the limiter.
        "RATELIMIT_ENABLE": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def manage(*args: str, database_url: str, timeout: int = 3600, **extra: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(database_url, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


class Gunicorn:
    """gunicorn as `make run` starts it (scripts/gunicorn.conf.py), on a free loopback port."""

    def __init__(self, database_url: str, log_file: Path, *, workers: int | None = None, **env):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log_file = log_file
        extra = {"PORT": str(self.port), "LOG_LEVEL": "INFO", **env}
        if workers:
            extra["WEB_CONCURRENCY"] = str(workers)
        self.env = django_env(database_url, **extra)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:  # the child keeps its own descriptor
            self.process = self.spawn(out)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_file}")
            if http_get(self.base + "/health/", timeout=2)[0] == 200:
                return self
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer /health/; see {self.log_file}")

    def spawn(self, out) -> subprocess.Popen:
        return subprocess.Popen(
            [GUNICORN, "talentportal.wsgi", "-c", "scripts/gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


SESSIONS_CODE = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from talentportal.models import User
from talentportal.otp import two_factor_required

def make_sessions(usernames):
  cookies = {}
  for username in usernames:
    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if two_factor_required(user):
        # As after a real code step: a confirmed authenticator this session has passed.
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="load", confirmed=True)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()
    cookies[username] = store.session_key
  return {"cookie_name": settings.SESSION_COOKIE_NAME, "sessions": cookies}
"""
SESSIONS_SCRIPT = (
    "import json, sys\nimport django\ndjango.setup()\n"
    + SESSIONS_CODE
    + "print(json.dumps(make_sessions(sys.argv[1:])))\n"
)


def run_script(script: str, *args: str, database_url: str, what: str):
    """Run `script` (Python that sets Django up and prints JSON as its last line) against
    `database_url`; what it printed, decoded. `what` names the step in the error."""
    result = subprocess.run(
        [PYTHON, "-c", script, *args],
        cwd=ROOT,
        env=django_env(database_url, LOG_LEVEL="ERROR"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def sessions(database_url: str, usernames: list[str]) -> dict:
    """{"cookie_name": ..., "sessions": {username: session key}}: logged-in sessions."""
    return run_script(
        SESSIONS_SCRIPT, *usernames, database_url=database_url, what="making sessions"
    )


def collectstatic(database_url: str) -> None:
    """collectstatic, unless the manifest is newer than every file it is made from (it
    compresses every file: half a minute on a busy machine)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [p for d in ROOT.glob("*/static") for p in d.rglob("*") if ".venv" not in p.parts]
    sources += list((ROOT / "static").rglob("*"))
    newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0)
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    manage("collectstatic", "--noinput", "-v", "0", database_url=database_url)


class PrivateCluster:
    """A throw-away PostgreSQL cluster in a temporary directory, on its own loopback port:
    the one the fault test stops and starts (never the shared server on 5432)."""

    def __init__(self):
        self.bin_dir = database.find_bin_dir()
        if self.bin_dir is None:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.root = Path(tempfile.mkdtemp(prefix="tp-cluster-"))
        self.cluster = database.Cluster(self.root)
        self.owner = database.cluster_owner()
        self.port = free_port()
        self.server = self.cluster.server(self.port)

    def url(self, dbname: str) -> str:
        return self.server.url(dbname)

    def pg_ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "--pgdata", str(self.cluster.data)]
        database.run_as_owner(self.cluster, [*command, *args], self.owner)

    def create(self) -> PrivateCluster:
        database.prepare_root(self.cluster, self.owner)
        database.init_cluster(self.cluster, self.bin_dir, self.owner)
        database.write_local_settings(self.cluster, self.port, self.owner)
        self.start()
        return self

    def start(self) -> None:
        self.pg_ctl("--log", str(self.cluster.log), "--wait", "--timeout", "60", "start")
        database.wait_until_answers(self.server, self.cluster)

    def stop(self) -> None:
        """As an outage does: `pg_ctl stop -m fast` ends every connection at once."""
        self.pg_ctl("--mode", "fast", "--wait", "stop")

    def create_database(self, dbname: str) -> None:
        database.ensure_database(self.server.params(dbname))

    def destroy(self) -> None:
        if (self.cluster.data / "postmaster.pid").exists():
            self.pg_ctl("--mode", "immediate", "--wait", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivateCluster:
        try:
            return self.create()
        except BaseException:
            self.destroy()
            raise

    def __exit__(self, *exc_info) -> None:
        self.destroy()


def pg_tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore): beside the server's, or on PATH."""
    bin_dir = database.find_bin_dir()
    if bin_dir is not None and (bin_dir / name).exists():
        return str(bin_dir / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed")
    return found


def copy_database(source_url: str, target_url: str) -> None:
    """Schema and rows of one database into another (pg_dump | pg_restore)."""
    dump = subprocess.Popen(
        [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--dbname", source_url],
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(
        [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--dbname", target_url],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    dump.stdout.close()
    if dump.wait() != 0 or restore.returncode != 0:
        raise RuntimeError(f"copying the database failed:\n{restore.stderr[-3000:]}")
