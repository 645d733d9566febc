"""Gunicorn settings for `make run`, the benchmark, the load and fault tests, and production
(docs/operations.md).

    BIND                     the address to listen on, e.g. 0.0.0.0:8000 or unix:/run/tp.sock
    PORT                     the port on 127.0.0.1 when BIND is not set (default 8000)
    WEB_CONCURRENCY          worker processes (default 2 x CPUs + 1, at most 9)
    GUNICORN_TIMEOUT         seconds a worker may be silent before it is replaced (default 30)
    FORWARDED_ALLOW_IPS      the load balancers whose X-Forwarded-* headers are trusted
                             (comma-separated addresses; default 127.0.0.1)
    GUNICORN_CONTROL_SOCKET  a path for gunicorn's control socket (`gunicornc`); none by default
    LOG_FORMAT               json (default unless DEBUG) or text, as for Django
    LOG_LEVEL                gunicorn's own log level, as for Django (default INFO)
    RUN_BANNER               1 (`make run`): once listening, print the address and where mail goes

Graceful reload: `kill -HUP <master pid>` starts new workers with the new code and lets the old
ones finish their requests (graceful_timeout); `kill -TERM` stops the same way.
"""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from talentportal.logging import (  # noqa: E402 (after the path)
    JsonLogFormatter,
    RequestContextFilter,
    redact,
)


def cpu_count() -> int:
    """CPUs this process may use (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def env_flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"

# Synchronous workers: 5 on 2 CPUs. Each keeps one database connection open (CONN_MAX_AGE), so
# the default stops at 9 to stay well inside PostgreSQL's 100 connections with a few servers.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * cpu_count() + 1, 9))

timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)  # a silent worker is replaced
graceful_timeout = 30  # on stop or reload (HUP), requests in flight get this long to finish
keepalive = 5  # seconds, for a proxy's keep-alive connections
max_requests = 2000  # recycle workers now and then; the wide jitter spreads the restarts
max_requests_jitter = 2000  # a narrow one restarts every worker at once: seconds-long stalls

# Only these peers may say, in X-Forwarded-Proto/-For, that a request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"

# Gunicorn 25+ opens a control socket, by default at one path per user ($HOME/.gunicorn/
# gunicorn.ctl): a second instance on the machine (the benchmark beside `make run`, tests)
# would take it over. Off unless a per-instance path is given.
control_socket_path = os.environ.get("GUNICORN_CONTROL_SOCKET")
if control_socket_path:
    control_socket = control_socket_path
else:
    control_socket_disable = True

proc_name = "talentportal"
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files in memory, not on a possibly slow disk

LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if env_flag("DEBUG") else "json")
accesslog = "-"  # stdout
errorlog = "-"  # stderr
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
# Text format: the path without the query string (%(U)s), which holds what people searched for.
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
)


class JsonLogger(Logger):
    """Gunicorn's access and error logs as one JSON object per line, like Django's
    (talentportal/logging.py). The access line takes the request id from the response header
    the Django middleware set, and never holds the query string."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLogFormatter())
            handler.addFilter(RequestContextFilter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        path = redact(environ.get("PATH_INFO", ""))
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "name": "gunicorn.access",
            "message": f"{environ['REQUEST_METHOD']} {path} {status}",
            "request_id": headers.get("x-request-id", "-"),
            "remote": environ.get("REMOTE_ADDR", "-"),
            "method": environ["REQUEST_METHOD"],
            "path": path,
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


if LOG_FORMAT == "json":
    logger_class = JsonLogger


def when_ready(server):
    """`make run` ends its start-up output with where the portal is (RUN_BANNER=1)."""
    if not env_flag("RUN_BANNER"):
        return
    lines = []
    for address in server.cfg.address:
        if isinstance(address, tuple):
            host, port = address[0], address[1]
            host = f"[{host}]" if ":" in host else host
            url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '[::]') else host}:{port}/"
            lines.append(f"TalentPortal is running at {url} (English: {url}en/).")
    mail = os.environ.get("EMAIL_FILE_PATH")
    if mail:
        shown = os.path.relpath(mail, ROOT) if Path(mail).is_relative_to(ROOT) else mail
        lines.append(f"The mail it sends is written to {shown}/ (a file per message).")
    lines.append("Ctrl-C stops it.")
    print("\n".join(lines), flush=True)
