"""`/statistics/`: the public dashboard agrees with SQL counted directly on the tables, draws
every table as an accessible chart with its data, downloads it as CSV and is cached."""

import csv
import io
import re
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecosystem import statistics
from talentportal.choices import Degree
from talents.models import Talent
from tests.policies.factories import PolicyFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db


def sql(query: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def table(key: str) -> statistics.Table:
    return next(table for table in statistics.tables() if table.key == key)


def test_every_table_is_a_chart_a_data_table_and_a_csv(client):
    PolicyFactory.create_batch(3)
    TalentFactory.create_batch(2)

    page = client.get("/statistics/").content.decode()

    tables = statistics.tables()
    assert len(tables) == 10
    for each in tables:
        assert f'id="{each.key}-heading"' in page
        assert (f"/statistics/{each.key}.csv" in page) == bool(each.rows)
    assert any(not each.rows for each in tables)  # e.g. no roadshows: "No figures yet"
    charts = re.findall(r'<svg class="chart"[^>]*aria-labelledby="([^"]+)"', page)
    assert len(charts) == sum(1 for each in tables if each.rows)
    assert "<title" in page and "<desc" in page


def test_figures_on_the_page_are_the_counts(client):
    PolicyFactory.create_batch(4)
    TalentFactory.create_batch(5, highest_degree=4)
    TalentFactory(highest_degree=2)

    degrees = dict(table("talents-by-degree").rows)

    assert degrees[str(Degree.DOCTORATE.label)] == (5,)
    assert degrees[str(Degree.BACHELOR.label)] == ("<5",)  # one person: not published as 1
    assert degrees[str(Degree.MASTER.label)] == (0,)
    assert sum(values[0] for _label, values in table("policies-by-level").rows) == 4


def test_csv_download_has_every_row_and_headings_in_english(client):
    TalentFactory.create_batch(5, highest_degree=3)

    response = client.get("/en/statistics/talents-by-degree.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Degree", "Talents"]
    assert ["Master's degree", "5"] in rows
    assert len(rows) == 1 + 5


def test_an_average_over_fewer_than_five_applications_is_withheld():
    rows = statistics.tables(
        {
            **statistics.compute_figures(),
            "services": [(1, 3, 4.5), (2, 7, 2.0)],
            "sections": [],
        }
    )
    services = next(t for t in rows if t.key == "applications-by-service")
    assert [values for _label, values in services.rows] == [(2.0, 7), (None, "<5")]


def test_csv_cells_cannot_run_as_formulas(client):
    PolicyFactory(categories=[])
    assert table("policies-by-category").rows  # a "Not stated" row

    response = client.get("/statistics/policies-by-category.csv")

    for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))):
        assert not row[0].startswith(("=", "+", "-", "@"))


def test_unknown_table_is_404(client):
    assert client.get("/statistics/nothing-here.csv").status_code == 404


def test_figures_are_cached_so_a_page_view_does_not_count_talents(client):
    TalentFactory.create_batch(2)
    client.get("/statistics/")
    TalentFactory.create_batch(5)

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/statistics/").content.decode()

    assert not any(Talent._meta.db_table in query["sql"] for query in queries.captured_queries)
    # Still the cached figure: the new profiles count when the cache expires.
    assert re.search(r"<dd>2</dd>", page)
    cache.clear()
    assert ">7</dd>" in client.get("/statistics/").content.decode()


class UnreachableRedis:
    def __getattr__(self, name):
        def unreachable(*args, **kwargs):
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

        return unreachable


def test_figures_are_counted_while_the_cache_cannot_be_reached(client, monkeypatch):
    TalentFactory.create_batch(6)
    monkeypatch.setattr(statistics, "cache", UnreachableRedis())
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert ">6</dd>" in response.content.decode()


def test_both_languages(client):
    assert "统计" in client.get("/statistics/").content.decode()
    assert "Talent statistics" in client.get("/en/statistics/").content.decode()


def test_stale_figures_are_served_while_another_request_recomputes_them():
    TalentFactory.create_batch(2)
    stale = statistics.figures()
    stale["computed_at"] -= timedelta(seconds=statistics.FRESH_SECONDS + 1)
    cache.set(statistics.CACHE_KEY, stale)
    TalentFactory()
    cache.add(statistics.LOCK_KEY, True)

    assert statistics.figures()["talents"] == 2

    cache.delete(statistics.LOCK_KEY)
    assert statistics.figures()["talents"] == 3
    assert cache.get(statistics.LOCK_KEY) is None
