"""`/statistics/`: the public dashboard agrees with SQL counted directly on the tables, draws
every table as an accessible chart with its data, downloads it as CSV and is cached."""

import csv
import io
import re
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apartments.models import Community, Unit
from ecosystem import statistics
from policies.models import Policy, ServiceApplication
from projects.models import Registration, Roadshow
from talentportal.choices import Degree
from talentportal.models import Region
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


def test_figures_agree_with_sql_on_the_seeded_data():
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    talents, region = Talent._meta.db_table, Region._meta.db_table
    industries = Talent.industries.through._meta.db_table
    policies = Policy._meta.db_table
    cache.clear()

    figures = statistics.compute_figures()

    assert (
        figures["talents"] == sql(f"SELECT count(*) FROM {talents} WHERE deleted_at IS NULL")[0][0]
    )
    assert figures["talents"] > 0
    assert sorted(figures["talents_by_city"], key=str) == sorted(
        sql(
            f"SELECT left(current_region_id, 4), count(*) FROM {talents} "
            "WHERE deleted_at IS NULL GROUP BY 1"
        ),
        key=str,
    )
    assert sorted(figures["talents_by_degree"], key=str) == sorted(
        sql(f"SELECT highest_degree, count(*) FROM {talents} WHERE deleted_at IS NULL GROUP BY 1"),
        key=str,
    )
    assert sorted(figures["talents_by_discipline"], key=str) == sorted(
        sql(
            f"SELECT left(main_discipline_id, 2), count(*) FROM {talents} "
            "WHERE deleted_at IS NULL GROUP BY 1"
        ),
        key=str,
    )
    assert sorted(figures["talents_by_industry"]) == sorted(
        sql(
            f"SELECT i.industry_id, count(*) FROM {industries} i JOIN {talents} t "
            "ON t.id = i.talent_id WHERE t.deleted_at IS NULL GROUP BY 1"
        )
    )
    assert sorted(figures["policies_by_level"]) == sorted(
        sql(
            f"SELECT r.level, count(*) FROM {policies} p JOIN {region} r ON r.code = p.region_id "
            "WHERE p.status = 'published' GROUP BY 1"
        )
    )
    assert sorted(figures["policies_by_category"]) == sorted(
        sql(
            f"SELECT coalesce(c, ''), count(*) FROM {policies} "
            "LEFT JOIN LATERAL unnest(categories) c ON true WHERE status = 'published' GROUP BY 1"
        )
    )

    decided = sql(
        "SELECT service_id, count(*), "
        "round((avg(extract(epoch FROM decided_at - submitted_at)) / 86400)::numeric, 1) "
        f"FROM {ServiceApplication._meta.db_table} WHERE status IN ('approved', 'rejected') "
        "AND submitted_at IS NOT NULL AND decided_at IS NOT NULL GROUP BY 1"
    )
    assert decided, "the demo data has decided service applications"
    assert sorted(figures["services"]) == sorted((pk, n, float(days)) for pk, n, days in decided)

    roadshows, registrations = Roadshow._meta.db_table, Registration._meta.db_table
    year = "extract(year FROM starts_at AT TIME ZONE 'Asia/Shanghai')::int"
    assert sorted(figures["roadshows_by_year"]) == sorted(
        sql(f"SELECT {year}, count(*) FROM {roadshows} WHERE is_published GROUP BY 1")
    )
    assert sorted(figures["participants_by_year"]) == sorted(
        sql(
            f"SELECT {year}, count(*) FROM {registrations} g JOIN {roadshows} r "
            "ON r.id = g.roadshow_id WHERE r.is_published AND g.status = 'confirmed' GROUP BY 1"
        )
    )
    assert sum(n for _year, n in figures["participants_by_year"]) > 0

    # Apartments: counted on the units themselves, not on the trigger-kept summary.
    units = sql(
        "SELECT left(c.region_id, 2), count(*), count(*) FILTER (WHERE u.status = 'let'), "
        "count(*) FILTER (WHERE u.status = 'maintenance') "
        f"FROM {Unit._meta.db_table} u JOIN {Community._meta.db_table} c "
        "ON c.id = u.community_id GROUP BY 1"
    )
    assert sorted(figures["apartments_by_province"]) == sorted(units)
    assert sum(row[2] for row in units) > 0


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


PEOPLE_TABLES = [
    "talents-by-region",
    "talents-by-degree",
    "talents-by-discipline",
    "talents-by-industry",
    "applications-by-service",
    "applications-by-section",
    "roadshows-by-year",
]


def test_no_public_aggregate_of_people_shows_a_count_under_five(client):
    """Issue 17 point 10: the probe found 38 cells of 1-2 people in talents-by-region.csv."""
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    TalentFactory(current_region=Region.objects.get(code="330100"))  # one more somewhere
    cache.clear()
    headings = {"Talents", "Participants", "Applications decided"}
    small = []
    for key in PEOPLE_TABLES:
        response = client.get(f"/en/statistics/{key}.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        columns = [i for i, heading in enumerate(rows[0]) if heading in headings]
        assert columns, key
        small += [(key, row) for row in rows[1:] for i in columns if row[i] in {"1", "2", "3", "4"}]
    assert not small, small
    assert "&lt;5" in client.get("/en/statistics/").text


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
