"""The database stops under load and starts again (a short `make fault`, tests/perf/fault.py):
friendly 503 pages meanwhile, recovery by itself, no application lost or duplicated.

Runs a private PostgreSQL cluster in a temporary directory on its own port, a copy of the
migrated test database: the shared server is never stopped. About a minute.
"""

import time

import pytest
from django.db import connection

from scripts import database
from tests.perf import fault, loadkit

pytestmark = [
    pytest.mark.fault,
    pytest.mark.xdist_group("staticfiles"),  # collectstatic into the checkout (test_make_run.py)
    pytest.mark.django_db,  # the test database is set up: it is what the cluster copies
    pytest.mark.skipif(database.find_bin_dir() is None, reason="initdb is not installed"),
]


@pytest.fixture
def private_cluster(django_db_setup, django_db_blocker):
    """A private cluster holding a copy of the test database (schema and catalogues)."""
    with django_db_blocker.unblock():
        source = connection.settings_dict
    source_url = (
        f"postgres://{source['USER']}@{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        f"/{source['NAME']}"
    )
    started = time.monotonic()
    with loadkit.PrivateCluster() as cluster:
        cluster.create_database("talentportal_fault")
        url = cluster.url("talentportal_fault")
        loadkit.copy_database(source_url, url)
        loadkit.log(f"private cluster with a copy in {time.monotonic() - started:.0f}s")
        loadkit.collectstatic(url)
        loadkit.log(f"collectstatic done ({time.monotonic() - started:.0f}s)")
        yield cluster, url


def test_a_database_outage_under_load_is_survived(private_cluster, tmp_path):
    cluster, url = private_cluster
    outcome = fault.run(
        cluster,
        url,
        clients=4,
        before=6,
        outage=10,
        after=12,
        workers=2,
        log_file=tmp_path / "gunicorn.log",
    )
    report = fault.summary(outcome)
    assert fault.problems(outcome) == [], (report, (tmp_path / "gunicorn.log").read_text()[-4000:])
    assert report["while_down_503_friendly"] > 0
    assert report["submissions_confirmed"] > 0
    assert report["ready_while_down"] == [503]
