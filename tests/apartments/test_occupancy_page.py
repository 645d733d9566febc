"""`/apartments/occupancy/`: figures per province, city and community, SVG charts that say
what they show, the same figures as tables, CSV downloads, and a fixed number of queries."""

import csv
import io
import re

import pytest
from django.urls import reverse

from apartments.models import UnitStatus
from talentportal.charts import Bar, bar_chart
from tests.apartments.factories import (
    CHANGZHOU_DISTRICT,
    HANGZHOU_DISTRICT,
    CommunityFactory,
    UnitFactory,
    lease_for,
    region,
)

pytestmark = pytest.mark.django_db
URL = reverse("apartments:occupancy")


@pytest.fixture
def estate():
    """Changzhou: 4 units, 2 let (3 residents); Hangzhou: 2 units, 1 in maintenance;
    an unpublished Changzhou community with 2 available units."""
    changzhou = CommunityFactory(name_zh="常州青年公寓", region=region(CHANGZHOU_DISTRICT))
    units = [UnitFactory(community=changzhou) for _ in range(4)]
    for unit, residents in zip(units[:2], (1, 2), strict=True):
        lease_for(unit, residents=residents)
        unit.status = UnitStatus.LET
        unit.save()
    hangzhou = CommunityFactory(name_zh="杭州未来公寓", region=region(HANGZHOU_DISTRICT))
    UnitFactory(community=hangzhou)
    UnitFactory(community=hangzhou, status=UnitStatus.MAINTENANCE)
    hidden = CommunityFactory(
        name_zh="未发布公寓", region=region(CHANGZHOU_DISTRICT), is_published=False
    )
    UnitFactory(community=hidden)
    UnitFactory(community=hidden)
    return {"changzhou": changzhou, "hangzhou": hangzhou, "hidden": hidden}


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_totals_and_rows_per_province_and_city(client, estate):
    response = client.get(URL)
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.units, totals.let, totals.maintenance, totals.residents) == (8, 2, 1, 3)
    assert totals.vacancy_rate == pytest.approx(5 / 7)
    provinces = {row.code: row for row in response.context["provinces"]}
    assert (provinces["320000"].units, provinces["320000"].let) == (6, 2)
    assert provinces["330000"].vacancy_rate == pytest.approx(1.0)
    cities = {row.code: row for row in response.context["cities"]}
    assert set(cities) == {"320400", "330100"}
    assert cities["320400"].name == region("320400").name


def test_charts_are_accessible_and_show_the_table_figures(client, estate):
    page = client.get(URL).content.decode()
    charts = re.findall(r"<svg [^>]*>.*?</svg>", page, flags=re.S)
    assert len(charts) == 4  # units and vacancy rate, for provinces and for cities
    for chart in charts:
        assert 'role="img"' in chart
        labelled = re.search(r'aria-labelledby="([^"]+)"', chart).group(1).split()
        for ident in labelled:
            assert f'id="{ident}"' in chart
        assert "<title " in chart and "<desc " in chart
        assert "style=" not in chart  # the CSP allows no inline styles
    # The figures drawn are the ones in the tables: "2 of 6 let" for Jiangsu.
    assert "2 of 6 let" in page or "2 / 6" in page or "6 套中已租 2 套" in page
    assert "<table" in page


def test_choosing_a_city_lists_its_published_communities(client, estate):
    response = client.get(URL, {"region": "320400"})
    assert response.context["region"].code == "320400"
    names = [row.name for row in response.context["communities"]]
    assert names == ["常州青年公寓"]
    totals = response.context["totals"]
    # The unpublished community counts in the figures but is not named.
    assert totals.units == 6
    assert "未发布公寓" not in response.content.decode()


def test_a_bad_region_shows_every_province(client, estate):
    for value in ("999999", "abc", "\x00", "3" * 300):
        response = client.get(URL, {"region": value})
        assert response.status_code == 200
        assert response.context["region"] is None


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("province", {"320000": "6", "330000": "2"}),
        ("city", {"320400": "6", "330100": "2"}),
    ],
)
def test_csv_by_region_level(client, estate, level, expected):
    response = client.get(URL, {"format": "csv", "level": level})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert len(rows[0]) == 9
    assert {row[0]: row[2] for row in rows[1:]} == expected


def test_csv_by_community_leaves_out_unpublished_ones(client, estate):
    rows = csv_rows(client.get(URL, {"format": "csv", "level": "community"}))
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == ["常州青年公寓", "杭州未来公寓"]
    changzhou = next(row for row in rows if row[1] == "常州青年公寓")
    assert changzhou[2:8] == ["4", "2", "0", "2", "0", "3"]
    assert changzhou[8] == "50.0%"


def test_csv_within_a_region(client, estate):
    rows = csv_rows(client.get(URL, {"format": "csv", "level": "community", "region": "330000"}))
    assert [row[1] for row in rows[1:]] == ["杭州未来公寓"]


def test_csv_cells_are_not_formulas(client):
    community = CommunityFactory(name_zh="=HYPERLINK(1)")
    UnitFactory(community=community)
    rows = csv_rows(client.get(URL, {"format": "csv", "level": "community"}))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_an_unknown_csv_level_is_a_400(client):
    assert client.get(URL, {"format": "csv", "level": "street"}).status_code == 400


def test_the_page_reads_the_summary_not_the_units(client, django_assert_max_num_queries, estate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"region": "320400"})
    few = len(captured)
    for code in (CHANGZHOU_DISTRICT, HANGZHOU_DISTRICT, "320106", "120101"):
        for _ in range(3):
            community = CommunityFactory(region=region(code))
            UnitFactory(community=community)
            UnitFactory(community=community, layout="studio", status=UnitStatus.LET)
    with django_assert_max_num_queries(few):
        client.get(URL, {"region": "320400"})
    assert few <= 10
    assert not any("apartments_unit" in q["sql"] for q in captured.captured_queries)


def test_empty_figures(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["totals"].units == 0


def test_bar_chart_escapes_labels_and_scales_to_the_maximum():
    svg = str(
        bar_chart(
            chart_id="t",
            title="<b>Title</b>",
            description="Desc",
            bars=[Bar("<script>", ((50, "rate"),), "50%"), Bar("B", ((100, "rate"),), "100%")],
            scale_max=100,
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;Title&lt;/b&gt;" in svg
    widths = [
        float(w)
        for w in re.findall(r'class="chart__bar chart__bar--rate"[^>]*width="([\d.]+)"', svg)
    ]
    assert widths[1] == pytest.approx(2 * widths[0])
