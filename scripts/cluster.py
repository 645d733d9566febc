#!/usr/bin/env python3
"""`make cluster`: the portal scaled out on one machine, from the real pieces, on loopback only.

    scripts/cluster.py start [--workers 2] [--replica-delay 0]   (Ctrl-C stops everything)
    scripts/cluster.py stop                                      (`make cluster-stop`)

In temporary directories and on free 127.0.0.1 ports:

- a PostgreSQL primary (PostgreSQL's own programs, as scripts/database.py finds them), migrated;
- a streaming replica of it (`pg_basebackup -R`, hot standby); --replica-delay N holds each
  change back N seconds on the replica (recovery_min_apply_delay), to see replica lag at work;
- a private Redis (redis-server from Debian) for sessions, the caches and the rate limits;
- two gunicorn servers of the portal configured as production would be (scripts/gunicorn.conf.py;
  DEBUG=0, DATABASE_URL, DATABASE_REPLICA_URL, REDIS_URL, one shared MEDIA_ROOT,
  TRUSTED_PROXY_COUNT=1 and the rate limits on);
- HAProxy from Debian in front, health-checking `/ready/` on each server every second.

scripts/ensure-cluster-packages installs HAProxy and redis-server when missing. What was started
is written down in a state file (STATE_FILE) as it starts, so that `scripts/cluster.py stop` ends
it from another shell, also when the process that started it was killed. The scenario over this
cluster is tests/perf/cluster.py (`make cluster-test`); docs/operations.md has what it measured.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

try:
    import psycopg
except ImportError:  # run with a Python outside the project's virtualenv: use the virtualenv's
    if VENV_PYTHON.exists() and Path(sys.prefix) != ROOT / ".venv":
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit("scripts/cluster.py needs the project's virtualenv: run `make venv` first")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from scripts import database  # noqa: E402
from tests.perf import loadkit  # noqa: E402 (gunicorn and PostgreSQL as the fault test starts them)

HOST = loadkit.HOST
DATABASE = "talentportal"
# One cluster per checkout: where `stop` finds what `start` started.
STATE_FILE = (
    Path(tempfile.gettempdir())
    / f"talentportal-cluster-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}.json"
)
SECRET_KEY = "cluster-" + "k" * 50  # the same on every server: sessions and forms are signed
HEALTH_CHECK = "inter 1s fastinter 500ms downinter 1s fall 2 rise 2"


def say(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def find_program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if found is None:
        raise RuntimeError(f"{name} is not installed: run scripts/ensure-cluster-packages")
    return found


def wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (status {process.returncode})")
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {HOST}:{port}")


def end_process_group(pid: int, grace: float = 40) -> None:
    """SIGTERM to a process group we started (its leader's pid), SIGKILL after `grace` s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            os.killpg(pid, 0)  # ProcessLookupError once every member is gone
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.2)
        os.killpg(pid, signal.SIGKILL)


def server_program(bin_dir: Path, name: str) -> str:
    """A PostgreSQL program of the server's own version: beside pg_ctl, or beside what pg_ctl
    links to (PATH may hold links to only some of them), else any on PATH."""
    for directory in (bin_dir, (bin_dir / "pg_ctl").resolve().parent):
        if (directory / name).exists():
            return str(directory / name)
    return loadkit.pg_tool(name)


# Both servers count their statements (make cluster-test: SELECTs on the replica, writes on
# the primary), as a production database would for its monitoring.
STATEMENT_STATISTICS = "shared_preload_libraries = 'pg_stat_statements'\n"


def add_settings(cluster: database.Cluster, text: str) -> None:
    """Lines for postgresql.conf, in the file scripts/database.py includes from it."""
    with open(cluster.data / "talentportal.conf", "a") as conf:
        conf.write(text)


class Primary(loadkit.PrivateCluster):
    """The primary: a private cluster as the fault test's, counting its statements."""

    def create(self) -> Primary:
        database.prepare_root(self.cluster, self.owner)
        database.init_cluster(self.cluster, self.bin_dir, self.owner)
        database.write_local_settings(self.cluster, self.port, self.owner)
        add_settings(self.cluster, STATEMENT_STATISTICS)
        self.start()
        return self


class Replica(loadkit.PrivateCluster):
    """A hot standby of `primary` in its own temporary directory, on its own port."""

    def __init__(self, primary: loadkit.PrivateCluster, apply_delay: float = 0):
        super().__init__()
        self.primary, self.apply_delay = primary, apply_delay

    def create(self) -> Replica:
        database.prepare_root(self.cluster, self.owner)
        command = [
            server_program(self.bin_dir, "pg_basebackup"),
            *("--host", HOST, "--port", str(self.primary.port), "--username", "postgres"),
            *("--pgdata", str(self.cluster.data), "--wal-method=stream", "--checkpoint=fast"),
            "--write-recovery-conf",  # -R: standby.signal and primary_conninfo
        ]
        database.run_as_owner(self.cluster, command, self.owner)
        # The copy holds the primary's port and socket: this server gets its own.
        database.write_local_settings(self.cluster, self.port, self.owner)
        add_settings(self.cluster, STATEMENT_STATISTICS)
        if self.apply_delay:
            add_settings(
                self.cluster, f"recovery_min_apply_delay = '{int(self.apply_delay * 1000)}ms'\n"
            )
        self.start()
        return self


class Redis:
    """A private redis-server on its own loopback port, without persistence: a restart loses
    what it held, as docs/operations.md says a Redis outage does."""

    def __init__(self, root: Path):
        self.port = loadkit.free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.root = root
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "redis.log", "ab") as out:
            self.process = subprocess.Popen(
                [
                    find_program("redis-server"),
                    *("--bind", HOST, "--port", str(self.port), "--dir", str(self.root)),
                    *("--save", "", "--appendonly", "no", "--protected-mode", "yes"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            end_process_group(self.process.pid, grace=10)
            self.process.wait()


class HAProxy:
    """HAProxy in front of the app servers: round robin, /ready/ checked every second, a
    request that could not reach a server sent to another (a connection refused is never
    a request the server saw), `X-Served-By` names the server on every answer."""

    def __init__(self, root: Path, servers: dict[str, int]):
        self.port = loadkit.free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.root, self.servers = root, servers
        self.socket = root / "haproxy.sock"
        self.process: subprocess.Popen | None = None

    def config(self) -> str:
        servers = "\n".join(
            f"    server {name} {HOST}:{port} check" for name, port in self.servers.items()
        )
        return f"""global
    maxconn 256
    stats socket {self.socket} mode 600 level admin
    log stdout format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 60s
    timeout server 40s
    timeout check 5s
    retries 3
    option redispatch 1

frontend portal
    bind {HOST}:{self.port}
    option forwardfor
    unique-id-format %{{+X}}o%ci:%cp-%fp-%Ts-%rt:%pid
    http-request set-header X-Request-ID %[unique-id]
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /ready/ ver HTTP/1.1 hdr Host {HOST}
    http-check expect status 200
    retry-on conn-failure
    http-response set-header X-Served-By %s
    default-server {HEALTH_CHECK}
{servers}
"""

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "haproxy.cfg"
        path.write_text(self.config())
        haproxy = find_program("haproxy")
        subprocess.run([haproxy, "-c", "-q", "-f", str(path)], check=True)
        with open(self.root / "haproxy.log", "ab") as out:
            self.process = subprocess.Popen(
                [haproxy, "-db", "-f", str(path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(self.port, self.process, "haproxy")

    def command(self, line: str) -> str:
        """A command on HAProxy's admin socket (`show stat`, `disable server app/app2`)."""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(5)
            connection.connect(str(self.socket))
            connection.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def status(self) -> dict[str, str]:
        """{server name: "UP" | "DOWN" | "MAINT" | ...} of the app backend."""
        lines = self.command("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {
            row["svname"]: row["status"].split(" ")[0]
            for row in rows
            if row.get("pxname") == "app" and row["svname"] in self.servers
        }

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            end_process_group(self.process.pid, grace=10)
            self.process.wait()


class PortalCluster:
    """Everything `make cluster` starts; a context manager that stops all of it on the way
    out, whatever happened. `state` is written to STATE_FILE as each piece starts."""

    def __init__(self, *, workers: int = 2, replica_delay: float = 0, log_dir: Path | None = None):
        self.workers, self.replica_delay = workers, replica_delay
        self.root = Path(tempfile.mkdtemp(prefix="tp-portal-cluster-"))
        self.log_dir = log_dir or self.root / "logs"
        self.media = self.root / "media"
        self.primary: Primary | None = None
        self.replica: Replica | None = None
        self.redis: Redis | None = None
        self.servers: dict[str, loadkit.Gunicorn] = {}
        self.haproxy: HAProxy | None = None
        self.state: dict = {"pid": os.getpid(), "root": str(self.root), "groups": {}}

    # ------------------------------------------------------------------ URLs

    @property
    def url(self) -> str:
        return self.haproxy.base + "/"

    @property
    def primary_url(self) -> str:
        return self.primary.url(DATABASE)

    @property
    def replica_url(self) -> str:
        return self.replica.url(DATABASE)

    def server_env(self) -> dict[str, str]:
        return {
            "DATABASE_REPLICA_URL": self.replica_url,
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.media),
            "SECRET_KEY": SECRET_KEY,
            "RATELIMIT_ENABLE": "1",
            "TRUSTED_PROXY_COUNT": "1",  # HAProxy appends the client's address
            "FORWARDED_ALLOW_IPS": HOST,
            "LOG_LEVEL": "WARNING",
        }

    # ------------------------------------------------------------------ start and stop

    def save_state(self) -> None:
        STATE_FILE.write_text(json.dumps(self.state, indent=2))

    def start(self) -> PortalCluster:
        started = time.monotonic()
        STATE_FILE.unlink(missing_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.media.mkdir()
        self.save_state()
        self.primary = Primary()
        self.state["primary"] = str(self.primary.root)
        self.save_state()
        self.primary.create()
        self.primary.create_database(DATABASE)
        with psycopg.connect(self.primary_url, autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        say(f"PostgreSQL primary on {HOST}:{self.primary.port}; migrating")
        loadkit.manage("migrate", "--noinput", "-v", "0", database_url=self.primary_url)
        self.replica = Replica(self.primary, self.replica_delay)
        self.state["replica"] = str(self.replica.root)
        self.save_state()
        self.replica.create()
        delay = f", changes applied {self.replica_delay:g}s late" if self.replica_delay else ""
        say(f"streaming replica on {HOST}:{self.replica.port}{delay}")
        self.redis = Redis(self.root / "redis")
        self.redis.start()
        self.state["groups"]["redis"] = self.redis.process.pid
        self.save_state()
        say(f"Redis on {HOST}:{self.redis.port}")
        loadkit.collectstatic(self.primary_url)
        for name in ("app1", "app2"):
            self.start_server(name)
        self.haproxy = HAProxy(self.root / "haproxy", {n: s.port for n, s in self.servers.items()})
        self.haproxy.start()
        self.state["groups"]["haproxy"] = self.haproxy.process.pid
        self.state["url"] = self.url
        self.save_state()
        self.wait_until_in_rotation(set(self.servers))
        say(f"ready in {time.monotonic() - started:.0f}s")
        return self

    def start_server(self, name: str) -> loadkit.Gunicorn:
        server = loadkit.Gunicorn(
            self.primary_url,
            self.log_dir / f"{name}.log",
            workers=self.workers,
            **self.server_env(),
        )
        # The same port again when a server is restarted: HAProxy knows it by its address.
        if name in self.servers:
            server.port, server.base = self.servers[name].port, self.servers[name].base
            server.env["PORT"] = str(server.port)
        self.servers[name] = server
        server.__enter__()
        self.state["groups"][name] = server.process.pid
        self.save_state()
        say(f"gunicorn {name} on {server.base} ({self.workers} workers)")
        return server

    def restart_redis(self) -> None:
        self.redis.stop()
        self.redis.start()
        self.state["groups"]["redis"] = self.redis.process.pid
        self.save_state()

    def kill_server(self, name: str) -> None:
        """As a crashed machine: SIGKILL to the master and its workers at once."""
        server = self.servers[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        self.state["groups"].pop(name, None)
        self.save_state()

    def wait_until_in_rotation(self, names: set[str], seconds: float = 60) -> float:
        """Seconds until HAProxy has every one of `names` UP."""
        started = time.monotonic()
        while time.monotonic() < started + seconds:
            status = self.haproxy.status()
            if all(status.get(name) == "UP" for name in names):
                return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(f"HAProxy never had {sorted(names)} up: {self.haproxy.status()}")

    def processes(self) -> dict[str, int]:
        """The process (group leader) of each running piece: what stop() must end."""
        found = dict(self.state["groups"])
        for name, server in (("primary", self.primary), ("replica", self.replica)):
            with contextlib.suppress(AttributeError, OSError, ValueError, IndexError):
                pid_file = server.cluster.data / "postmaster.pid"
                found[name] = int(pid_file.read_text().splitlines()[0])
        return found

    def stop(self) -> None:
        """Everything, in the reverse order, each piece whatever happened to the others."""
        steps = [
            ("haproxy", self.haproxy and self.haproxy.stop),
            *[(name, server.__exit__) for name, server in self.servers.items()],
            ("redis", self.redis and self.redis.stop),
            ("replica", self.replica and self.replica.destroy),
            ("primary", self.primary and self.primary.destroy),
        ]
        for name, step in steps:
            if not step:
                continue
            try:
                step()
            except Exception as error:  # the others must still be stopped
                say(f"stopping {name} failed: {error}")
        shutil.rmtree(self.root, ignore_errors=True)
        STATE_FILE.unlink(missing_ok=True)

    def __enter__(self) -> PortalCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info) -> None:
        self.stop()


def still_running(processes: dict[str, int], grace: float = 5) -> list[str]:
    """Those of `processes` (name: pid) still alive after `grace` seconds (pg_ctl's --wait ends
    when the pid file is gone, a moment before the process)."""
    deadline = time.monotonic() + grace
    while True:
        alive = [name for name, pid in processes.items() if running(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False  # a child of ours that had exited, collected now
    with contextlib.suppress(OSError, IndexError):
        # A zombie has ended: only its parent (pg_ctl, gone) has not collected it.
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def stop_from_state() -> int:
    """`make cluster-stop`: ask the process that started the cluster to stop it; whatever is
    still running afterwards (that process was killed) is stopped here."""
    try:
        state = json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        say("no cluster is running (no state file)")
        return 0
    with contextlib.suppress(ProcessLookupError):
        os.kill(state["pid"], signal.SIGTERM)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and STATE_FILE.exists():
            time.sleep(0.3)
        if not STATE_FILE.exists():
            say("stopped")
            return 0
    for name, pid in state.get("groups", {}).items():
        end_process_group(pid)
        say(f"{name} stopped")
    bin_dir = database.find_bin_dir()
    for name in ("replica", "primary"):
        root = state.get(name)
        if root and (Path(root) / "data" / "postmaster.pid").exists() and bin_dir:
            command = [str(bin_dir / "pg_ctl"), "--pgdata", f"{root}/data", "-m", "immediate"]
            database.run_as_owner(
                database.Cluster(Path(root)), [*command, "stop"], database.cluster_owner()
            )
            say(f"PostgreSQL {name} stopped")
        if root:
            shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(state.get("root", ""), ignore_errors=True)
    STATE_FILE.unlink(missing_ok=True)
    return 0


def stop_on_sigterm() -> None:
    """SIGTERM (`make cluster-stop`, `timeout`) and Ctrl-C raise KeyboardInterrupt once, so that
    the cluster's context manager stops everything; a second one does not interrupt that."""
    stopping = []

    def interrupt(*_):
        if not stopping:
            stopping.append(True)
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)


def serve(workers: int, replica_delay: float) -> int:
    stop_on_sigterm()
    if STATE_FILE.exists():
        with contextlib.suppress(OSError, ValueError, KeyError):
            os.kill(json.loads(STATE_FILE.read_text())["pid"], 0)
            say(f"a cluster of this checkout is running ({STATE_FILE}): `make cluster-stop`")
            return 1
        say("stopping what a cluster of this checkout left running")
        stop_from_state()
    with PortalCluster(workers=workers, replica_delay=replica_delay) as cluster:
        print(
            f"TalentPortal cluster is running at {cluster.url} (English: {cluster.url}en/).\n"
            f"  load balancer  HAProxy {cluster.haproxy.base}, "
            f"admin socket {cluster.haproxy.socket}\n"
            + "".join(
                f"  {name:<13}  gunicorn {server.base} (log {server.log_file})\n"
                for name, server in cluster.servers.items()
            )
            + f"  primary        {cluster.primary_url}\n"
            f"  replica        {cluster.replica_url}\n"
            f"  redis          {cluster.redis.url}\n"
            "Ctrl-C or `make cluster-stop` stops all of it.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
        say("stopping")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument(
        "--replica-delay", type=float, default=0, help="seconds the replica applies changes late"
    )
    args = parser.parse_args(argv)
    if args.command == "stop":
        return stop_from_state()
    return serve(args.workers, args.replica_delay)


if __name__ == "__main__":
    sys.exit(main())
