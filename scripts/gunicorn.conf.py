"""Gunicorn settings for `make run`, the benchmark and production (docs/deployment.md).

    BIND             the address to listen on, e.g. 0.0.0.0:8000 or unix:/run/talentportal.sock
    PORT             the port on 127.0.0.1 when BIND is not set (default 8000)
    WEB_CONCURRENCY  the number of worker processes (default 2 x CPUs + 1, at most 9)
    LOG_LEVEL        gunicorn's own log level, as for Django (default INFO)

Gunicorn itself reads FORWARDED_ALLOW_IPS: set it to the proxy's address when the proxy is on
another machine, so that X-Forwarded-Proto from it is trusted.
"""

import os


def cpu_count() -> int:
    """CPUs this process may use (a container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT') or '8000'}"

# Synchronous workers: 5 on 2 CPUs. Each keeps one database connection open (CONN_MAX_AGE), so
# the default stops at 9 to stay well inside PostgreSQL's 100 connections with a few servers.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * cpu_count() + 1, 9))

timeout = 30  # a worker silent this long is killed and replaced
graceful_timeout = 30  # on stop or reload, requests in flight get this long to finish
keepalive = 5  # seconds, for a proxy's keep-alive connections
max_requests = 2000  # recycle workers now and then; the wide jitter spreads the restarts
max_requests_jitter = 2000  # a narrow one restarts every worker at once: seconds-long stalls

accesslog = "-"  # stdout
errorlog = "-"  # stderr
loglevel = (os.environ.get("LOG_LEVEL") or "info").lower()
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

proc_name = "talentportal"
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files in memory, not on a possibly slow disk
