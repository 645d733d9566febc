"""Where a page spends its time: render it in-process and profile it.

    DATABASE_URL=... python -m tests.perf.profile_pages [--repeat 20] [--top 25]
                                                        [--user demo-enterprise] PATH ...

Each PATH is rendered `--repeat` times with django.test.Client (page cache off, DEBUG off),
after one warm-up request, against the database of DATABASE_URL (seed it first:
`manage.py seed_demo`). Printed per page: the mean wall time, the SQL time and query count of
one request, the HTML size, and the `--top` functions by cumulative time under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--user", help="log in as this user (e.g. a demo recruiter)")
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentportal.settings")
    os.environ.setdefault("SECRET_KEY", "profile-pages")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.PAGE_CACHE_ENABLED = False
    settings.ALLOWED_HOSTS = ["*"]
    settings.RATELIMIT_ENABLE = False
    # No collectstatic needed: the plain storage (the manifest's lookup is not what we measure).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    if args.user:
        from talentportal.models import User
        from tests.auth_helpers import login_verified

        login_verified(client, User.objects.get(username=args.user))

    for path in args.paths:
        response = client.get(path)  # warm-up
        if response.status_code != 200:
            print(f"{path}: status {response.status_code}", file=sys.stderr)
            continue
        captures = [CaptureQueriesContext(connections[alias]) for alias in connections]
        for capture in captures:
            capture.__enter__()
        client.get(path)
        for capture in captures:
            capture.__exit__(None, None, None)
        queries = [query for capture in captures for query in capture.captured_queries]
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        profiler = None if args.no_profile else cProfile.Profile()
        started = time.perf_counter()
        for _ in range(args.repeat):
            if profiler:
                profiler.enable()
            client.get(path)
            if profiler:
                profiler.disable()
        mean_ms = (time.perf_counter() - started) / args.repeat * 1000
        print(
            f"\n== {path}: {mean_ms:.1f} ms per request ({'profiled' if profiler else 'plain'}), "
            f"{len(queries)} queries, {sql_ms:.1f} ms SQL, "
            f"{len(response.content) / 1024:.1f} KB"
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
