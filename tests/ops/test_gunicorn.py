"""scripts/gunicorn.conf.py: the production settings, and the JSON logs of a real gunicorn."""

import json
import runpy
from pathlib import Path

from tests.perf import loadkit

CONFIG = Path(__file__).resolve().parents[2] / "scripts" / "gunicorn.conf.py"
PHONE = "13812345678"
TOKEN = "0123456789abcdef0123456789abcdef"


def config(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_CONTROL_SOCKET", "FORWARDED_ALLOW_IPS", "DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_production_defaults(monkeypatch):
    settings = config(monkeypatch)
    assert settings["workers"] == min(2 * settings["cpu_count"]() + 1, 9)
    assert settings["timeout"] == 30 and settings["graceful_timeout"] == 30
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] >= 1000
    assert settings["forwarded_allow_ips"] == "127.0.0.1"
    # One control socket per user by default: a second instance would take it over.
    assert settings["control_socket_disable"] is True
    assert settings["logger_class"] is settings["JsonLogger"]
    assert "%(q)s" not in settings["access_log_format"]


def test_a_control_socket_only_at_a_given_path_and_text_logs_when_debugging(monkeypatch):
    settings = config(
        monkeypatch, GUNICORN_CONTROL_SOCKET="/run/tp/a.ctl", DEBUG="1", WEB_CONCURRENCY="3"
    )
    assert settings["control_socket"] == "/run/tp/a.ctl"
    assert "control_socket_disable" not in settings
    assert "logger_class" not in settings
    assert settings["workers"] == 3


def test_access_lines_are_json_with_the_request_id_and_no_query_string(tmp_path):
    log_file = tmp_path / "gunicorn.log"
    url = "postgres://postgres@127.0.0.1:5432/unused"  # /health/ needs no database
    with loadkit.Gunicorn(url, log_file, workers=1, HOME=str(tmp_path)) as server:
        request = loadkit.urllib.request.Request(
            f"{server.base}/health/?q={PHONE}", headers={"X-Request-ID": "lb-0123456789"}
        )
        with loadkit.urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["X-Request-ID"] == "lb-0123456789"
        reset = f"{server.base}/accounts/password/reset/MQ/cz7kq3-{TOKEN}/"
        loadkit.http_get(reset)
    text = log_file.read_text()
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [r for r in records if r["name"] == "gunicorn.access"]
    health = next(r for r in access if r["request_id"] == "lb-0123456789")
    assert health["path"] == "/health/" and health["status"] == 200
    assert access[-1]["path"] == "/accounts/password/reset/MQ/[redacted]/"
    assert any(r["name"] == "talentportal.access" for r in records)
    assert PHONE not in text
    assert TOKEN not in text
    assert not (tmp_path / ".gunicorn").exists()  # no shared control socket
