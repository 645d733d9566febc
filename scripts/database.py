#!/usr/bin/env python3
"""Find, or start, the PostgreSQL database TalentPortal runs on, and print its URL.

    scripts/database.py [ensure]   print a working DATABASE_URL (the Makefile uses this)
    scripts/database.py url        print the URL `ensure` would print, changing nothing
    scripts/database.py status     say which server is used and whether it answers
    scripts/database.py stop       stop the project-local server in .pgdata/, if running

Where the database comes from, first match wins:

1. DATABASE_URL, when set: `ensure` checks that it answers and creates the database if it is
   missing and the user may create databases.
2. The project-local server in .pgdata/, when it is already running.
3. A PostgreSQL server answering on the local socket (/var/run/postgresql, /tmp) or on
   127.0.0.1:5432, as user "postgres" or as the current user: the database "talentportal" there.
4. PostgreSQL's server programs (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin:
   a project-local server in .pgdata/ (git-ignored), on 127.0.0.1 and a free port (54329 if free),
   superuser "postgres", trust authentication. Run as root, it runs as the user "postgres" (or
   "nobody"), because PostgreSQL refuses to run as root.
5. Otherwise: one message saying how to install PostgreSQL, and exit status 1.

Only the URL goes to stdout; everything else goes to stderr. Standard library and psycopg only.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

try:
    import psycopg
    from psycopg import sql
except ImportError:  # run with a Python outside the project's virtualenv: use the virtualenv's
    if __name__ == "__main__" and VENV_PYTHON.exists() and Path(sys.prefix) != ROOT / ".venv":
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), __file__, *sys.argv[1:]])
    sys.exit("scripts/database.py needs psycopg: run `make venv` first")

PGDATA = ROOT / ".pgdata"  # the project-local cluster: data/, server.log, the socket
DATABASE = "talentportal"
SOCKET_DIRS = ["/var/run/postgresql", "/tmp"]
TCP_ADDRESSES = [("127.0.0.1", 5432)]
BIN_GLOBS = [
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # Red Hat, Fedora (PGDG)
    "/opt/homebrew/opt/postgresql@*/bin",  # Homebrew on Apple silicon
    "/usr/local/opt/postgresql@*/bin",  # Homebrew on Intel
]
LOCAL_PORT = 54329
SUPERUSER = "postgres"
CONNECT_TIMEOUT = 2  # seconds, for every connection attempt
START_TIMEOUT = 60  # seconds to wait for a started server to answer
SOCKET_PATH_MAX = 100  # bytes; unix socket paths longer than ~104 fail on macOS and Linux

INSTALL_HELP = (
    "no PostgreSQL server answers here (tried {tried}) and PostgreSQL is not installed.\n"
    "Install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql)"
    " and run this again, or point the portal at a server:\n"
    "  DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DBNAME"
)


class DatabaseError(Exception):
    """A problem the user has to fix; main() prints it and exits non-zero."""


# --------------------------------------------------------------------------- URLs


@dataclass(frozen=True)
class Server:
    """Where a PostgreSQL server listens: a TCP host or a socket directory, and a port."""

    host: str
    port: int = 5432
    user: str = SUPERUSER
    password: str = ""

    @property
    def is_socket(self) -> bool:
        return self.host.startswith("/")

    def params(self, dbname: str) -> dict:
        """Keyword arguments for psycopg.connect()."""
        params = {"host": self.host, "port": self.port, "user": self.user, "dbname": dbname}
        if self.password:
            params["password"] = self.password
        return params

    def url(self, dbname: str) -> str:
        """A URL that dj-database-url and libpq both understand.

        TCP: postgres://user@127.0.0.1:5432/dbname. A socket directory goes in the query
        (postgres://user@/dbname?host=/var/run/postgresql&port=5432): dj-database-url lower-cases
        the host part of a URL, which would break a socket path with capitals in it, but passes
        query parameters through to the driver unchanged.
        """
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        if self.is_socket:
            return (
                f"postgres://{auth}@/{quote(dbname, safe='')}"
                f"?host={quote(self.host, safe='/')}&port={self.port}"
            )
        return f"postgres://{auth}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def describe(self) -> str:
        return self.host if self.is_socket else f"{self.host}:{self.port}"


def connection_params(url: str) -> dict:
    """Turn a DATABASE_URL into psycopg.connect() arguments, reading it as dj-database-url does."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise DatabaseError(
            f"DATABASE_URL must be a postgres:// URL (TalentPortal runs on PostgreSQL only), "
            f"got scheme {parts.scheme!r}"
        )
    try:
        port = parts.port
    except ValueError:
        raise DatabaseError(f"DATABASE_URL has an invalid port: {url!r}") from None
    params = {
        "host": unquote(parts.hostname or ""),
        "port": port or "",
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": unquote(parts.path[1:]),
    }
    known = {d.keyword.decode() for d in psycopg.pq.Conninfo.get_defaults()}
    for key, values in parse_qs(parts.query).items():
        if key in known and not params.get(key):
            params[key] = values[-1]
    if not params["dbname"]:
        raise DatabaseError(f"DATABASE_URL names no database: {url!r}")
    return {key: value for key, value in params.items() if value != ""}


# --------------------------------------------------------------------------- talking to servers


def connect(params: dict) -> psycopg.Connection:
    return psycopg.connect(**params, connect_timeout=CONNECT_TIMEOUT, autocommit=True)


def answers(params: dict) -> bool:
    try:
        with connect(params):
            return True
    except psycopg.Error:
        return False


def find_server(
    socket_dirs: list[str] | None = None,
    tcp_addresses: list[tuple[str, int]] | None = None,
    users: list[str] | None = None,
) -> Server | None:
    """The first server that lets us log in on a local socket or TCP address, or None."""
    socket_dirs = SOCKET_DIRS if socket_dirs is None else socket_dirs
    tcp_addresses = TCP_ADDRESSES if tcp_addresses is None else tcp_addresses
    users = users or list(dict.fromkeys([SUPERUSER, getpass.getuser()]))
    candidates = [
        Server(directory, port) for directory in socket_dirs for port in socket_ports(directory)
    ] + [Server(host, port) for host, port in tcp_addresses]
    for candidate in candidates:
        for user in users:
            server = Server(candidate.host, candidate.port, user)
            if answers(server.params("postgres")) or answers(server.params("template1")):
                return server
    return None


def socket_ports(directory: str) -> list[int]:
    """Ports of the PostgreSQL sockets in a directory (.s.PGSQL.5432 -> 5432), 5432 first."""
    ports = []
    for path in glob.glob(os.path.join(glob.escape(directory), ".s.PGSQL.*")):
        suffix = path.rsplit(".", 1)[1]
        if suffix.isdigit():
            ports.append(int(suffix))
    return sorted(ports, key=lambda port: (port != 5432, port))


def ensure_database(params: dict) -> bool:
    """Connect to params["dbname"], creating it if it is missing. True if it was created."""
    try:
        with connect(params):
            return False
    except psycopg.OperationalError as error:
        first_error = error
    maintenance = open_maintenance_connection(params)
    if maintenance is None:
        raise DatabaseError(f"cannot connect to the database server: {one_line(first_error)}")
    dbname = params["dbname"]
    with maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
        ).fetchone()
        if exists:
            raise DatabaseError(f"cannot connect to database {dbname!r}: {one_line(first_error)}")
        try:
            maintenance.execute(create_database_sql(maintenance, dbname))
        except psycopg.errors.DuplicateDatabase:
            return False  # someone else created it meanwhile
        except psycopg.errors.InsufficientPrivilege:
            raise DatabaseError(
                f"database {dbname!r} does not exist and user {params.get('user', '')!r} may not "
                "create it: create it (createdb) or grant CREATEDB to that user"
            ) from None
    return True


def open_maintenance_connection(params: dict) -> psycopg.Connection | None:
    for dbname in ("postgres", "template1"):
        with contextlib.suppress(psycopg.Error):
            return connect({**params, "dbname": dbname})
    return None


def create_database_sql(connection: psycopg.Connection, dbname: str) -> sql.Composed:
    """CREATE DATABASE, in UTF-8 even where the server's default encoding is not."""
    (encoding,) = connection.execute(
        "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'"
    ).fetchone()
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
    if encoding != "UTF8":
        statement += sql.SQL(" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    return statement


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())


# --------------------------------------------------------------------------- the local cluster


def find_bin_dir(path: str | None = None, bin_globs: list[str] | None = None) -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then the highest installed version."""
    path = os.environ.get("PATH", "") if path is None else path
    bin_globs = BIN_GLOBS if bin_globs is None else bin_globs
    on_path = shutil.which("pg_ctl", path=path)
    if on_path and shutil.which("initdb", path=path):
        return Path(on_path).parent
    installed = [
        Path(directory)
        for pattern in bin_globs
        for directory in glob.glob(pattern)
        if os.access(Path(directory) / "pg_ctl", os.X_OK)
        and os.access(Path(directory) / "initdb", os.X_OK)
    ]
    return max(installed, key=version_key, default=None)


def version_key(directory: Path) -> tuple[int, ...]:
    """(15,) for /usr/lib/postgresql/15/bin, (16, 2) for .../postgresql@16.2/bin."""
    match = re.search(r"(\d+(?:\.\d+)*)\D*$", str(directory.parent))
    return tuple(int(n) for n in match.group(1).split(".")) if match else ()


@dataclass(frozen=True)
class Cluster:
    """The project-local PostgreSQL cluster: .pgdata/data, its log, and its socket."""

    root: Path  # .pgdata

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def exists(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def running_port(self) -> int | None:
        """The port of the running server, from postmaster.pid, if it answers."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            port = int(lines[3])
        except (OSError, IndexError, ValueError):
            return None
        return port if answers(self.server(port).params("postgres")) else None

    def configured_port(self) -> int:
        try:
            text = (self.data / "talentportal.conf").read_text()
        except OSError:
            return LOCAL_PORT
        match = re.search(r"^port = (\d+)", text, re.MULTILINE)
        return int(match.group(1)) if match else LOCAL_PORT

    def server(self, port: int) -> Server:
        return Server("127.0.0.1", port, SUPERUSER)


def run_as_owner(cluster: Cluster, command: list[str], owner: pwd.struct_passwd | None) -> None:
    """Run a PostgreSQL program, as `owner` when we are root; raise DatabaseError on failure."""
    drop = {}
    if owner is not None:
        drop = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    result = subprocess.run(
        command,
        cwd=cluster.root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        **drop,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise DatabaseError(f"{Path(command[0]).name} failed:\n{output}")


def cluster_owner() -> pwd.struct_passwd | None:
    """Who runs the cluster: None (ourselves) unless we are root; then postgres or nobody."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise DatabaseError("running as root, and neither a 'postgres' nor a 'nobody' user exists")


def prepare_root(cluster: Cluster, owner: pwd.struct_passwd | None) -> None:
    """Create .pgdata and hand it to the cluster's owner, who must be able to reach it."""
    cluster.root.mkdir(mode=0o700, exist_ok=True)
    if owner is None:
        return
    for path in [cluster.root, *cluster.root.iterdir()]:  # data/ is the owner's already
        if path.lstat().st_uid != owner.pw_uid:
            os.chown(path, owner.pw_uid, owner.pw_gid, follow_symlinks=False)
    reachable = subprocess.run(
        ["test", "-w", str(cluster.root), "-a", "-x", str(cluster.root)],
        user=owner.pw_uid,
        group=owner.pw_gid,
        extra_groups=[],
        check=False,
    )
    if reachable.returncode != 0:
        raise DatabaseError(
            f"PostgreSQL refuses to run as root, and the user {owner.pw_name!r} cannot reach "
            f"{cluster.root} (a parent directory is closed to it): run this as a normal user, "
            "make the project's parent directories readable (chmod o+x), or set DATABASE_URL"
        )


@contextlib.contextmanager
def locked(cluster: Cluster):
    """One `ensure` at a time may create or start the cluster."""
    cluster.root.mkdir(mode=0o700, exist_ok=True)
    with open(cluster.root / "ensure.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def init_cluster(cluster: Cluster, bin_dir: Path, owner: pwd.struct_passwd | None) -> None:
    command = [
        str(bin_dir / "initdb"),
        "--pgdata",
        str(cluster.data),
        "--username",
        SUPERUSER,
        "--auth",
        "trust",
        "--encoding",
        "UTF8",
        "--no-locale",
        "--no-instructions",
    ]
    run_as_owner(cluster, command, owner)
    with open(cluster.data / "postgresql.conf", "a") as conf:
        conf.write("\n# Written by scripts/database.py at every start.\n")
        conf.write("include_if_exists = 'talentportal.conf'\n")


def write_local_settings(cluster: Cluster, port: int, owner: pwd.struct_passwd | None) -> None:
    """Listen on 127.0.0.1:port and on a socket in .pgdata (where the path is short enough)."""
    socket_dir = str(cluster.root.resolve())
    if len(f"{socket_dir}/.s.PGSQL.{port}".encode()) > SOCKET_PATH_MAX:
        socket_dir = ""  # TCP only
    quoted_socket_dir = socket_dir.replace("'", "''")
    path = cluster.data / "talentportal.conf"
    path.write_text(
        "# The project-local server of TalentPortal (scripts/database.py).\n"
        f"port = {port}\n"
        "listen_addresses = '127.0.0.1'\n"
        f"unix_socket_directories = '{quoted_socket_dir}'\n"
    )
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens on 127.0.0.1 there, else a port the system picks."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            # Like PostgreSQL itself: a port whose last connections are in TIME_WAIT is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise DatabaseError("no free TCP port on 127.0.0.1")


def start_cluster(cluster: Cluster, bin_dir: Path) -> Server:
    """Create (first time) and start the project-local cluster; return its server."""
    owner = cluster_owner()
    with locked(cluster):
        port = cluster.running_port()
        if port:
            return cluster.server(port)
        prepare_root(cluster, owner)
        if not cluster.exists:
            say(f"Creating a project-local PostgreSQL cluster in {cluster.root} ...")
            init_cluster(cluster, bin_dir, owner)
        port = free_port(cluster.configured_port())
        write_local_settings(cluster, port, owner)
        pg_ctl = str(bin_dir / "pg_ctl")
        command = [pg_ctl, "--pgdata", str(cluster.data), "--log", str(cluster.log)]
        run_as_owner(cluster, [*command, "--wait", "--timeout", str(START_TIMEOUT), "start"], owner)
        server = cluster.server(port)
        wait_until_answers(server, cluster)
        say(
            f"Started PostgreSQL in {cluster.root} on 127.0.0.1:{port} "
            f"(stop it with: scripts/database.py stop)"
        )
        return server


def wait_until_answers(server: Server, cluster: Cluster) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(server.params("postgres")):
        if time.monotonic() > deadline:
            raise DatabaseError(f"PostgreSQL in {cluster.root} did not answer; see {cluster.log}")
        time.sleep(0.2)


def stop_cluster(cluster: Cluster, bin_dir: Path | None) -> bool:
    """Stop the project-local cluster. True if it was running."""
    if not (cluster.data / "postmaster.pid").exists():
        return False
    if bin_dir is None:
        raise DatabaseError("cannot stop the project-local cluster: pg_ctl not found")
    command = [str(bin_dir / "pg_ctl"), "--pgdata", str(cluster.data), "--mode", "fast"]
    run_as_owner(cluster, [*command, "--wait", "stop"], cluster_owner())
    return True


# --------------------------------------------------------------------------- the commands


def say(message: str) -> None:
    print(message, file=sys.stderr)


def database_url_from_env() -> str | None:
    return os.environ.get("DATABASE_URL") or None


def resolve(start: bool) -> str:
    """The URL to use; with start=True also start the local cluster and create the database."""
    url = database_url_from_env()
    if url:
        if start:
            params = connection_params(url)
            if ensure_database(params):
                say(f"Created database {params['dbname']!r}.")
        return url

    cluster = Cluster(PGDATA)
    port = cluster.running_port()
    server = cluster.server(port) if port else find_server()
    if server is None:
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise DatabaseError(INSTALL_HELP.format(tried=tried_addresses()))
        if not start:
            return cluster.server(cluster.configured_port()).url(DATABASE)
        server = start_cluster(cluster, bin_dir)
    if start and ensure_database(server.params(DATABASE)):
        say(f"Created database {DATABASE!r} on {server.describe()}.")
    return server.url(DATABASE)


def tried_addresses() -> str:
    tcp = [f"{host}:{port}" for host, port in TCP_ADDRESSES]
    return ", ".join([*SOCKET_DIRS, *tcp])


def status() -> int:
    url = database_url_from_env()
    print(f"DATABASE_URL: {url or '(not set)'}")
    cluster = Cluster(PGDATA)
    port = cluster.running_port()
    if port:
        state = f"running on 127.0.0.1:{port}"
    else:
        state = "stopped" if cluster.exists else "not created"
    print(f"project-local cluster ({cluster.root}): {state}")
    bin_dir = find_bin_dir()
    print(f"PostgreSQL programs: {bin_dir or 'not found'}")
    try:
        url = resolve(start=False)
    except DatabaseError as error:
        print(f"database: none ({one_line(error)})")
        return 1
    ok = answers(connection_params(url))
    print(f"database: {url} ({'answers' if ok else 'does not answer'})")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "ensure"
    try:
        if command == "ensure":
            print(resolve(start=True))
        elif command == "url":
            print(resolve(start=False))
        elif command == "status":
            return status()
        elif command == "stop":
            stopped = stop_cluster(Cluster(PGDATA), find_bin_dir())
            say("Stopped the project-local PostgreSQL." if stopped else "It was not running.")
        else:
            say(__doc__)
            return 2
    except DatabaseError as error:
        say(f"scripts/database.py: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
