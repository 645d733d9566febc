"""Bulk import and export of policies and benefits: dry-run preview, row-level errors, region
scope, permissions, CSV and XLSX."""

import csv
import io
import itertools

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.audit import PolicyEvent
from policies.models import Benefit, Category, Policy, PolicyStatus
from policies.resources import BenefitResource, PolicyResource
from talentportal.models import Notification
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import scoped_staff
from tests.policies.factories import BenefitFactory, PolicyFactory, SavedProfileFactory, region
from tests.talentportal.factories import IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:policies_policy_import")
PROCESS = reverse("admin:policies_policy_process_import")
HEADER = [
    "id",
    "title_zh",
    "title_en",
    "summary_zh",
    "authority_zh",
    "document_number",
    "region",
    "categories",
    "talent_groups",
    "industries",
    "issued_on",
    "is_major",
    "source_url",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"
#: One document number per row: a number twice in a file is an error (one row per policy).
DOCUMENT_NUMBERS = (f"杭人才〔2025〕{n}号" for n in itertools.count(1))


def csv_file(rows, header=HEADER, name="policies.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def row(**values) -> list[str]:
    defaults = {
        "id": "",
        "title_zh": "杭州市人才安居办法",
        "title_en": "Hangzhou talent housing measures",
        "summary_zh": "购房补贴。",
        "authority_zh": "杭州市人才办",
        "document_number": next(DOCUMENT_NUMBERS),
        "region": "330100",
        "categories": "housing, subsidies_awards",
        "talent_groups": "doctoral",
        "industries": "",
        "issued_on": "2025-03-01",
        "is_major": "1",
        "source_url": "https://www.hangzhou.gov.cn/a",
    }
    defaults.update(values)
    return [str(defaults[name]) for name in HEADER]


def preview(client, upload, format_=CSV_FORMAT):
    return client.post(IMPORT, {"import_file": upload, "format": format_, "resource": "0"})


def confirm(client, response):
    form = response.context["confirm_form"]
    return client.post(PROCESS, {name: form.initial[name] for name in form.initial}, follow=True)


@pytest.fixture
def admin_client(client, staff):
    login_verified(client, staff)
    return client


def test_the_import_page_explains_the_columns(admin_client):
    response = admin_client.get(IMPORT)
    assert response.status_code == 200
    body = response.content.decode()
    assert "region" in body and "categories" in body


def test_a_valid_file_is_previewed_first_and_imported_on_confirmation(admin_client, staff):
    region("330106")
    IndustryFactory(code="import-ai")
    upload = csv_file(
        [row(), row(title_zh="西湖区人才新政", region="330106", industries="import-ai")]
    )
    response = preview(admin_client, upload)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    assert not Policy.objects.filter(title_zh="杭州市人才安居办法").exists()  # a dry run

    done = confirm(admin_client, response)
    assert done.status_code == 200
    policy = Policy.objects.get(title_zh="杭州市人才安居办法")
    assert policy.status == PolicyStatus.DRAFT  # published only through the action
    assert policy.categories == [Category.HOUSING, Category.SUBSIDIES_AWARDS]
    assert policy.is_major and policy.region_id == "330100"
    assert list(
        Policy.objects.get(title_zh="西湖区人才新政").industries.values_list("code", flat=True)
    ) == ["import-ai"]
    # The import is in the audit trail, with who did it.
    event = PolicyEvent.objects.get(pgh_obj_id=policy.pk)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == staff.pk


def test_row_level_errors_are_shown_and_nothing_is_imported(admin_client):
    upload = csv_file(
        [
            row(),
            row(region="999999"),
            row(issued_on="2025-02-30"),
            row(categories="housing,astrology"),
            row(industries="no-such-industry"),
            row(title_zh=""),
            row(id="not-a-number"),
            row(id="987654321"),
        ]
    )
    response = preview(admin_client, upload)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = {r.number: r for r in result.invalid_rows}
    assert set(invalid) == {2, 3, 4, 5, 6, 7, 8}
    assert "region" in invalid[2].error_dict
    assert "issued_on" in invalid[3].error_dict
    assert "categories" in invalid[4].error_dict
    assert "industries" in invalid[5].error_dict
    assert "title_zh" in invalid[6].error_dict
    assert "id" in invalid[7].error_dict and "id" in invalid[8].error_dict
    assert "confirm_form" not in response.context
    body = response.content.decode()
    assert "999999" in body and "no-such-industry" in body
    assert not Policy.objects.exists()


def test_an_unreadable_file_is_a_form_error(admin_client):
    upload = SimpleUploadedFile("x.xlsx", b"not a spreadsheet", content_type="application/zip")
    response = preview(admin_client, upload, XLSX_FORMAT)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Policy.objects.exists()


def test_an_id_updates_the_policy_and_the_status_column_is_ignored(admin_client):
    policy = PolicyFactory(title_zh="旧标题", status=PolicyStatus.DRAFT, issued_on=None)
    upload = csv_file(
        [[*row(id=policy.pk, title_zh="新标题"), "published"]], header=[*HEADER, "status"]
    )
    response = preview(admin_client, upload)
    assert response.context["result"].totals["update"] == 1
    confirm(admin_client, response)
    policy.refresh_from_db()
    assert policy.title_zh == "新标题"
    assert policy.status == PolicyStatus.DRAFT


def test_an_xlsx_file_imports_too(admin_client):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(title_zh="表格导入的政策"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(
        "policies.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = preview(admin_client, upload, XLSX_FORMAT)
    assert not response.context["result"].has_validation_errors()
    confirm(admin_client, response)
    assert Policy.objects.filter(title_zh="表格导入的政策").exists()


def test_scoped_staff_import_only_inside_their_region(client):
    outside = PolicyFactory(region=region("330200"))
    region("330106")
    login_verified(client, scoped_staff("330100"))
    upload = csv_file(
        [
            row(region="330106", title_zh="区里的"),
            row(region="330200", title_zh="宁波的"),
            row(id=outside.pk, region="330106"),
        ]
    )
    result = preview(client, upload).context["result"]
    invalid = {r.number: r for r in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "region" in invalid[2].error_dict
    assert "id" in invalid[3].error_dict


def test_import_needs_the_add_and_change_permissions(client):
    staff = scoped_staff("330100")
    staff.user_permissions.remove(*staff.user_permissions.filter(codename="add_policy"))
    login_verified(client, staff)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"import_file": csv_file([row()]), "format": "0"}).status_code == 403


def test_export_has_the_import_columns_and_the_status(admin_client):
    PolicyFactory(title_zh="导出的政策", region=region("330100"), categories=[Category.HOUSING])
    response = admin_client.post(
        reverse("admin:policies_policy_export"),
        {
            "format": CSV_FORMAT,
            "resource": "0",
            **{
                f"policyresource_{name}": "on"
                for name in ("id", "title_zh", "region", "categories", "status")
            },
        },
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["title_zh"] == "导出的政策"
    assert rows[0]["region"] == "330100"
    assert rows[0]["categories"] == "housing"
    assert rows[0]["status"] == "published"


def test_an_exported_file_imports_back_unchanged():
    policy = PolicyFactory(region=region("330100"), categories=[Category.HOUSING])
    staff = UserFactory(is_staff=True, is_superuser=True)
    dataset = PolicyResource(user=staff).export()
    result = PolicyResource(user=staff).import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1
    assert Policy.objects.get().pk == policy.pk


def test_a_benefit_change_by_import_is_versioned_and_tells_talents():
    from policies.services import saved_profile_save

    benefit = BenefitFactory(policy=PolicyFactory(region=region("330100")), amount_max=100_000)
    talent = SavedProfileFactory().user
    saved_profile_save(user=talent, regions=[region("330100")])
    staff = UserFactory(is_staff=True, is_superuser=True)
    dataset = tablib.Dataset(headers=["id", "policy", "kind", "title_zh", "amount_max", "period"])
    dataset.append([benefit.pk, benefit.policy_id, benefit.kind, benefit.title_zh, 200_000, "once"])
    dataset.append(["", benefit.policy_id, "rent_subsidy", "新的租房补贴", 2000, "monthly"])
    result = BenefitResource(user=staff).import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    benefit.refresh_from_db()
    assert benefit.amount_max == 200_000 and benefit.version == 2
    assert Notification.objects.filter(recipient=talent).exists()
    assert Benefit.objects.filter(title_zh="新的租房补贴").exists()


def test_benefit_rows_of_other_regions_are_errors_for_scoped_staff():
    outside = BenefitFactory(policy=PolicyFactory(region=region("330200")))
    staff = scoped_staff("330100")
    dataset = tablib.Dataset(headers=["id", "policy", "kind", "title_zh", "amount_max", "period"])
    dataset.append([outside.pk, outside.policy_id, outside.kind, "改", 1, "once"])
    dataset.append(["", outside.policy_id, "award", "新", 1, "once"])
    result = BenefitResource(user=staff).import_data(dataset, dry_run=True)
    invalid = {r.number: r for r in result.invalid_rows}
    assert "id" in invalid[1].error_dict
    assert "policy" in invalid[2].error_dict
    outside.refresh_from_db()
    assert outside.title_zh != "改"
