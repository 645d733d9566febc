"""Rate limits hold across gunicorn workers (issue 17 point 1): without REDIS_URL the counters
live in the database (talentportal/counter_cache.py), never in one worker's memory, so a client
gets exactly its limit whichever worker answers. A real gunicorn with several workers."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.perf import loadkit

pytestmark = [
    pytest.mark.xdist_group("staticfiles"),  # collectstatic into the checkout (test_make_run.py)
    pytest.mark.django_db(transaction=True),  # the migrated test database, nothing held open
]

LIMIT = 12
WORKERS = 4


@pytest.fixture
def database_url(django_db_blocker):
    with django_db_blocker.unblock():
        db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_the_search_limit_holds_across_several_gunicorn_workers(tmp_path, database_url):
    loadkit.collectstatic(database_url)
    log_file = tmp_path / "gunicorn.log"
    # A day's window: the test cannot straddle the end of one. No REDIS_URL (loadkit drops it).
    env = {"RATELIMIT_ENABLE": "1", "RATELIMIT_SEARCH": f"{LIMIT}/d", "PAGE_CACHE": "0"}
    with loadkit.Gunicorn(database_url, log_file, workers=WORKERS, HOME=str(tmp_path), **env) as s:
        # Requests at the same time, so that several workers answer (and count at once).
        urls = [f"{s.base}/en/policies/?q=talent{n}" for n in range(30)]
        with ThreadPoolExecutor(WORKERS) as pool:
            statuses = [status for status, _body in pool.map(loadkit.http_get, urls)]

    assert sorted(statuses) == [200] * LIMIT + [429] * (30 - LIMIT)
    records = [json.loads(line) for line in log_file.read_text().splitlines() if line[:1] == "{"]
    searches = [
        r for r in records if r["name"] == "gunicorn.access" and r["path"] == "/en/policies/"
    ]
    assert len(searches) == 30
    assert len({r["pid"] for r in searches}) >= 2, "one worker answered everything"
