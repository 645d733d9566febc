"""scripts/database.py against real PostgreSQL servers.

No test here uses pytest-django's test database (none asks for `db`): they talk to PostgreSQL
with psycopg directly. The running server they use is the one DATABASE_URL names (`make test`
sets it with `scripts/database.py ensure`), else the settings' default, 127.0.0.1:5432. The
project-local cluster test runs initdb and pg_ctl for real, in a temporary directory.
"""

import os
import shutil
import socket
import stat
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from scripts import database

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/talentportal"


# --------------------------------------------------------------------------- helpers


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def django_connect(url: str) -> psycopg.Connection:
    """Connect the way Django does with DATABASES = {"default": dj_database_url.parse(url)}."""
    config = dj_database_url.parse(url)
    params = {"dbname": config["NAME"], **config.get("OPTIONS", {})}
    for setting, key in [("USER", "user"), ("PASSWORD", "password"), ("HOST", "host")]:
        if config[setting]:
            params[key] = config[setting]
    if config["PORT"]:
        params["port"] = config["PORT"]
    return psycopg.connect(**params, connect_timeout=2, autocommit=True)


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path="/" + name).geturl()


def database_exists(params: dict, name: str) -> bool:
    with psycopg.connect(**{**params, "dbname": "postgres"}, connect_timeout=2) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return row.fetchone() is not None


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = database.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


@pytest.fixture
def server_params(server_url, monkeypatch) -> dict:
    params = database.connection_params(server_url)
    if params.get("password"):  # so that probes, which send no password, may log in too
        monkeypatch.setenv("PGPASSWORD", params["password"])
    return params


@pytest.fixture
def scratch_database(server_params):
    """A database name that does not exist yet; dropped afterwards."""
    name = f"tp_scratch_{uuid.uuid4().hex[:12]}"
    assert not database_exists(server_params, name)
    yield name
    with psycopg.connect(
        **{**server_params, "dbname": "postgres"}, connect_timeout=2, autocommit=True
    ) as connection:
        statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(statement.format(sql.Identifier(name)))


@pytest.fixture
def nothing_here(monkeypatch, tmp_path):
    """No DATABASE_URL, no server on the probed socket or port, no programs, no cluster."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(database, "PGDATA", tmp_path / ".pgdata")
    monkeypatch.setattr(database, "SOCKET_DIRS", [str(empty)])
    monkeypatch.setattr(database, "TCP_ADDRESSES", [("127.0.0.1", closed_port())])
    monkeypatch.setattr(database, "BIN_GLOBS", [])
    monkeypatch.setenv("PATH", str(empty))
    return empty


@pytest.fixture
def cluster_dir():
    """A directory for a project-local cluster that the "postgres" user can reach when we are
    root (pytest's tmp_path is private to us); the cluster is stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="tp-cluster-"))
    root.chmod(0o755)
    pgdata = root / ".pgdata"
    yield pgdata
    real_path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/bin", "/bin"])
    bin_dir = database.find_bin_dir(path=real_path)
    if (pgdata / "data" / "postmaster.pid").exists() and bin_dir:
        database.stop_cluster(database.Cluster(pgdata), bin_dir)
    shutil.rmtree(root)


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres@127.0.0.1:5432/talentportal",
        "postgresql://app:s%40cr%3At@db.example.org:6543/portal?sslmode=require",
        "postgres://postgres@/talentportal?host=/var/run/postgresql&port=5432",
        "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/talentportal",
        "pgsql://u@localhost/d?application_name=portal&currentSchema=x",
    ],
)
def test_connection_params_read_a_url_as_dj_database_url_does(url):
    config = dj_database_url.parse(url)
    params = database.connection_params(url)
    options = config.get("OPTIONS", {})
    assert params["dbname"] == config["NAME"]
    assert params.get("user", "") == config["USER"]
    assert params.get("password", "") == config["PASSWORD"]
    assert params["host"] == (config["HOST"] or options.get("host"))
    assert str(params.get("port", "")) == str(config["PORT"] or options.get("port", ""))
    for key in ("sslmode", "application_name"):
        assert params.get(key) == options.get(key)
    assert "currentSchema" not in params  # not a libpq keyword: left to dj-database-url


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://u@h/d"])
def test_a_url_of_another_database_is_refused(url, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, err = run(capsys, "ensure")
    assert (code, out) == (1, "")
    assert "PostgreSQL only" in err


def test_printed_urls_parse_with_dj_database_url_unchanged():
    socket_server = database.Server("/Users/Me/Project Dir/.pgdata", 54329, "postgres")
    url = socket_server.url("talentportal")
    assert url == (
        "postgres://postgres@/talentportal?host=/Users/Me/Project%20Dir/.pgdata&port=54329"
    )
    config = dj_database_url.parse(url)
    assert config["OPTIONS"] == {"host": "/Users/Me/Project Dir/.pgdata", "port": 54329}
    assert (config["HOST"], config["NAME"], config["USER"]) == ("", "talentportal", "postgres")
    assert database.connection_params(url) == {
        **socket_server.params("talentportal"),
        "port": "54329",
    }

    tcp_server = database.Server("127.0.0.1", 54329, "postgres")
    config = dj_database_url.parse(tcp_server.url("talentportal"))
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 54329, "talentportal")


def test_unknown_command_prints_usage(capsys):
    code, out, err = run(capsys, "frobnicate")
    assert (code, out) == (2, "")
    assert "ensure" in err


# --------------------------------------------------------------------------- DATABASE_URL


def test_database_url_is_printed_as_given(server_url, server_params, capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", server_url)
    monkeypatch.setattr(database, "TCP_ADDRESSES", [])  # it must not go probing
    monkeypatch.setattr(database, "SOCKET_DIRS", [])
    assert run(capsys, "url") == (0, server_url + "\n", "")
    assert run(capsys, "ensure") == (0, server_url + "\n", "")


def test_database_url_database_is_created_when_missing(
    server_url, server_params, scratch_database, capsys, monkeypatch
):
    url = with_database(server_url, scratch_database)
    monkeypatch.setenv("DATABASE_URL", url)

    code, out, err = run(capsys, "ensure")

    assert (code, out) == (0, url + "\n")
    assert f"Created database '{scratch_database}'" in err
    with django_connect(url) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (scratch_database,)
    assert run(capsys, "ensure") == (0, url + "\n", "")  # the second time there is nothing to do


def test_database_url_that_does_not_answer_fails_fast_and_clearly(capsys, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"postgres://postgres@127.0.0.1:{closed_port()}/x")
    started = time.monotonic()
    code, out, err = run(capsys, "ensure")
    assert (code, out) == (1, "")
    assert err.startswith("scripts/database.py: cannot connect to the database server")
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- a running server


def test_the_running_server_is_detected(server_params):
    host, port, user = server_params["host"], int(server_params.get("port", 5432)), "postgres"
    if "user" in server_params:
        user = server_params["user"]
    if host.startswith("/"):
        found = database.find_server(socket_dirs=[host], tcp_addresses=[], users=[user])
    else:
        found = database.find_server(socket_dirs=[], tcp_addresses=[(host, port)], users=[user])
    assert found == database.Server(host, port, user)


def test_no_server_is_detected_where_none_answers(tmp_path):
    closed = [("127.0.0.1", closed_port())]
    assert database.find_server(socket_dirs=[str(tmp_path)], tcp_addresses=closed) is None


def test_ensure_creates_the_database_on_the_detected_server(
    server_params, scratch_database, nothing_here, capsys, monkeypatch
):
    host, port = server_params["host"], int(server_params.get("port", 5432))
    if host.startswith("/"):
        monkeypatch.setattr(database, "SOCKET_DIRS", [host])
    else:
        monkeypatch.setattr(database, "TCP_ADDRESSES", [(host, port)])
    monkeypatch.setattr(database, "DATABASE", scratch_database)

    code, out, err = run(capsys, "ensure")

    assert code == 0, err
    url = out.strip()
    assert out == url + "\n"
    assert url.startswith("postgres://")
    assert f"Created database '{scratch_database}'" in err
    with django_connect(url) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == (scratch_database,)
    assert run(capsys, "url") == (0, out, "")


# --------------------------------------------------------------------------- nothing installed


def test_nothing_installed_gives_one_clear_message(nothing_here, capsys):
    started = time.monotonic()
    code, out, err = run(capsys, "ensure")

    assert (code, out) == (1, "")
    assert err.count("scripts/database.py:") == 1
    assert "PostgreSQL is not installed" in err
    assert "apt-get install postgresql" in err
    assert "brew install postgresql" in err
    assert "DATABASE_URL=postgres://" in err
    assert time.monotonic() - started < 5
    assert not database.PGDATA.exists()  # nothing was left behind
    assert run(capsys, "url")[:2] == (1, "")


def test_server_programs_are_found_highest_version_first(tmp_path):
    for version in ("9.6", "15", "13"):
        bin_dir = tmp_path / "postgresql" / version / "bin"
        bin_dir.mkdir(parents=True)
        for program in ("initdb", "pg_ctl"):
            (bin_dir / program).write_text("#!/bin/sh\n")
            (bin_dir / program).chmod(stat.S_IRWXU)
    pattern = str(tmp_path / "postgresql" / "*" / "bin")
    empty = tmp_path / "empty"
    empty.mkdir()

    found = database.find_bin_dir(path=str(empty), bin_globs=[pattern])

    assert found == tmp_path / "postgresql" / "15" / "bin"
    assert database.find_bin_dir(path=str(empty), bin_globs=[]) is None
    on_path = tmp_path / "postgresql" / "9.6" / "bin"
    assert database.find_bin_dir(path=str(on_path), bin_globs=[pattern]) == on_path


# --------------------------------------------------------------------------- the local cluster


def test_project_local_cluster_is_created_started_reused_and_stopped(
    nothing_here, cluster_dir, server_params, capsys, monkeypatch
):
    """The whole path for a machine where no server runs but PostgreSQL is installed."""
    monkeypatch.setattr(database, "BIN_GLOBS", ["/usr/lib/postgresql/*/bin"])
    monkeypatch.setenv("PATH", os.pathsep.join([os.environ["PATH"], "/usr/local/bin", "/usr/bin"]))
    assert database.find_bin_dir() is not None, "PostgreSQL's server programs are not installed"
    monkeypatch.setattr(database, "PGDATA", cluster_dir)
    port = closed_port()
    monkeypatch.setattr(database, "LOCAL_PORT", port)

    started = time.monotonic()
    code, out, err = run(capsys, "ensure")
    first_run = time.monotonic() - started

    assert code == 0, err
    assert out == f"postgres://postgres@127.0.0.1:{port}/talentportal\n"
    assert "Creating a project-local PostgreSQL cluster" in err
    with django_connect(out.strip()) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("talentportal",)
        data_directory = connection.execute("SHOW data_directory").fetchone()[0]
        assert Path(data_directory).resolve() == (cluster_dir / "data").resolve()
        assert connection.execute("SHOW server_encoding").fetchone() == ("UTF8",)
    socket_file = cluster_dir / f".s.PGSQL.{port}"
    assert socket_file.is_socket()

    # A running project-local cluster is used again, even once another server answers.
    host, server_port = server_params["host"], int(server_params.get("port", 5432))
    monkeypatch.setattr(database, "TCP_ADDRESSES", [(host, server_port)])
    started = time.monotonic()
    assert run(capsys, "ensure") == (0, out, "")
    second_run = time.monotonic() - started
    monkeypatch.setattr(database, "TCP_ADDRESSES", [("127.0.0.1", closed_port())])

    code, status, _ = run(capsys, "status")
    assert code == 0
    assert f"running on 127.0.0.1:{port}" in status

    started = time.monotonic()
    code, _, err = run(capsys, "stop")
    stop_run = time.monotonic() - started
    assert (code, err) == (0, "Stopped the project-local PostgreSQL.\n")
    assert not database.answers(database.connection_params(out.strip()))
    code, status, _ = run(capsys, "status")
    assert code == 1
    assert "stopped" in status

    # Started again: the same data, the same port, no initdb.
    started = time.monotonic()
    code, again, err = run(capsys, "ensure")
    restart_run = time.monotonic() - started
    assert (code, again) == (0, out), err
    assert "Creating" not in err
    assert database.stop_cluster(database.Cluster(cluster_dir), database.find_bin_dir())

    print(
        f"\nlocal cluster: initdb+start+createdb {first_run:.2f}s, reuse {second_run:.2f}s, "
        f"stop {stop_run:.2f}s, restart {restart_run:.2f}s"
    )
