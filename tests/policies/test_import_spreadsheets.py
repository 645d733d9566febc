"""The spreadsheets staff really have, through the admin's import pages (issue 22): values as
people write them, every problem at once in Chinese, GBK CSV, Chinese headers, templates,
re-imports matched by document number, a preview and a result that say what happens."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    EnterpriseType,
    Interpretation,
    Period,
    Policy,
    PolicyStatus,
    TalentGroup,
)
from talentportal.choices import Degree
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import scoped_staff
from tests.policies.factories import BenefitFactory, PolicyFactory, region

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"

#: A policy sheet as a city office writes it: Chinese headers, labels, 、 and ，, no id column.
POLICY_HEADER = [
    "标题（中文）",
    "发文单位",
    "发文字号",
    "地区",
    "类别",
    "适用人才",
    "发文日期",
    "生效日期",
    "失效日期",
    "重大政策",
]


#: policy_row()'s keywords: the header each one fills.
POLICY_KEYS = dict(
    zip(
        ["title", "authority", "number", "region", "categories", "groups", "issued",
         "effective", "expires", "major"],
        POLICY_HEADER,
        strict=True,
    )
)  # fmt: skip


def policy_row(**values) -> list[str]:
    row = {
        "title": "杭州市高层次人才购房补贴实施办法",
        "authority": "中共杭州市委人才工作领导小组办公室",
        "number": "杭人才〔2025〕1号",
        "region": "330100",
        "categories": "住房保障，补贴与奖励",
        "groups": "博士毕业生、硕士毕业生",
        "issued": "2025年3月1日",
        "effective": "2025/4/1",
        "expires": "2030-03-31",
        "major": "是",
    }
    row.update(values)
    return [row[key] for key in POLICY_KEYS]


def csv_upload(header, rows, encoding="utf-8", name="政策.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(header, rows, name="政策.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def preview(client, upload, model="policy", format_=CSV_FORMAT):
    return client.post(
        reverse(f"admin:policies_{model}_import"),
        {"import_file": upload, "format": format_, "resource": "0"},
    )


def confirm(client, response, model="policy"):
    problems(response)
    form = response.context["confirm_form"]
    return client.post(
        reverse(f"admin:policies_{model}_process_import"),
        {name: form.initial[name] for name in form.initial},
        follow=True,
    )


def problems(response) -> list[tuple[int, str]]:
    """(sheet row, column) of every problem the preview lists."""
    result = response.context["result"]
    assert not result.has_errors(), [error.error for error in result.base_errors]
    return [
        (row.sheet_row, error["column"])
        for row in response.context["result"].invalid_rows
        for error in row.labelled_errors
    ]


@pytest.fixture
def office(client):
    """A provincial office's staff member (not a superuser), signed in to the admin."""
    region("330106")
    user = scoped_staff("330000")
    login_verified(client, user)
    return client


# 1. Values as people write them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no"),
    [("是", "否"), ("Y", "N"), ("yes", "no"), ("TRUE", "FALSE"), ("1", "0"), ("ｙｅｓ", "ｎ")],
)
def test_yes_and_no_as_staff_write_them(office, yes, no):
    upload = csv_upload(
        POLICY_HEADER,
        [policy_row(major=yes), policy_row(number="杭人才〔2025〕2号", major=no)],
    )
    response = preview(office, upload)
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response)
    assert Policy.objects.get(document_number="杭人才〔2025〕1号").is_major is True
    assert Policy.objects.get(document_number="杭人才〔2025〕2号").is_major is False


def test_a_policy_sheet_with_chinese_headers_labels_and_chinese_dates(office):
    upload = csv_upload(
        POLICY_HEADER,
        [
            policy_row(),
            policy_row(
                number="西人才[2025]3号",
                region="330106",
                categories="housing, Subsidies and awards",
                groups="doctoral；Master's graduates",
                issued="2025-06-01",
                effective="2025.6.1",
                expires="",
            ),
        ],
    )
    response = preview(office, upload)
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response)
    first = Policy.objects.get(document_number="杭人才〔2025〕1号")
    assert first.categories == [Category.HOUSING, Category.SUBSIDIES_AWARDS]
    assert first.talent_groups == [TalentGroup.DOCTORAL, TalentGroup.MASTERS]
    assert first.issued_on.isoformat() == "2025-03-01"
    assert first.effective_on.isoformat() == "2025-04-01"
    assert first.is_major and first.status == PolicyStatus.DRAFT
    # The brackets staff typed become the official 〔〕.
    second = Policy.objects.get(document_number="西人才〔2025〕3号")
    assert second.region_id == "330106"
    assert second.talent_groups == [TalentGroup.DOCTORAL, TalentGroup.MASTERS]
    assert second.effective_on.isoformat() == "2025-06-01"


BENEFIT_HEADER = [
    "发文字号",
    "待遇类型",
    "标题（中文）",
    "最低金额（元）",
    "金额（元）",
    "发放方式",
    "期数",
    "学历",
    "年龄",
    "人才层次",
    "须在本地工作",
    "单位类型",
]


def test_a_benefit_sheet_with_amounts_degrees_and_labels_as_people_write_them(office):
    policy = PolicyFactory(document_number="杭人才〔2025〕1号", region=region("330100"))
    upload = csv_upload(
        BENEFIT_HEADER,
        [
            [
                "杭人才〔2025〕1号",
                "购房补贴",
                "博士购房补贴",
                "1,200",
                "30万",
                "一次性",
                "",
                "硕士",
                "35岁",
                "A，B、C",
                "Y",
                "民营企业，High-tech enterprise",
            ],
            [
                "杭人才〔2025〕1号",
                "rent_subsidy",
                "租房补贴",
                "",
                "￥1,500元",
                "每月",
                "36",
                "博士",
                "",
                "",
                "否",
                "",
            ],
            [
                "杭人才〔2025〕1号",
                "Living allowance",
                "生活补贴",
                "",
                "1.5万",
                "分 N 年累计发放",
                "3",
                "本科",
                "",
                "",
                "no",
                "",
            ],
        ],
        name="待遇.csv",
    )
    response = preview(office, upload, model="benefit")
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response, model="benefit")
    housing = Benefit.objects.get(policy=policy, title_zh="博士购房补贴")
    assert housing.kind == BenefitKind.HOUSING_SUBSIDY
    assert (housing.amount_min, housing.amount_max) == (1200, 300_000)
    assert housing.min_degree == Degree.MASTER and housing.max_age == 35
    assert housing.tiers == ["A", "B", "C"] and housing.must_work_in_region
    assert housing.enterprise_types == [EnterpriseType.PRIVATE, EnterpriseType.HIGH_TECH]
    rent = Benefit.objects.get(policy=policy, title_zh="租房补贴")
    assert (rent.amount_max, rent.period, rent.period_count) == (1500, Period.MONTHLY, 36)
    assert rent.min_degree == Degree.DOCTORATE and not rent.must_work_in_region
    living = Benefit.objects.get(policy=policy, title_zh="生活补贴")
    assert (living.amount_max, living.period, living.min_degree) == (
        15_000,
        Period.TOTAL,
        Degree.BACHELOR,
    )


# 2. Every problem of every row at once, in Chinese --------------------------------------------


def test_every_problem_of_every_row_is_listed_at_once_in_chinese(office):
    PolicyFactory(document_number="杭人才〔2025〕1号", region=region("330100"))
    upload = csv_upload(
        BENEFIT_HEADER,
        [
            # amount, degree, yes/no and tier wrong in one row
            [
                "杭人才〔2025〕1号",
                "购房补贴",
                "甲",
                "",
                "三十万",
                "一次性",
                "",
                "高中",
                "",
                "Z",
                "也许",
                "",
            ],
            # an unknown policy, kind and period
            ["杭人才〔2099〕9号", "占星补贴", "乙", "", "100", "每周", "", "", "", "", "", ""],
            # database rules: a minimum above the amount; a total without years
            [
                "杭人才〔2025〕1号",
                "award",
                "丙",
                "5000",
                "100",
                "in total over N years",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
        name="待遇.csv",
    )
    response = preview(office, upload, model="benefit")
    body = response.content.decode()
    assert response.status_code == 200
    found = problems(response)
    assert {
        (2, "金额（元） (amount_max)"),
        (2, "最低学历 (min_degree)"),
        (2, "人才层次 (tiers)"),
        (2, "须在本地区工作 (must_work_in_region)"),
        (3, "政策 (policy)"),
        (3, "类型 (kind)"),
        (3, "发放方式 (period)"),
    } <= set(found), found
    assert {row for row, _ in found} == {2, 3, 4}
    # The value and what is expected, with the valid values.
    values = {
        error["column"]: error["value"]
        for row in response.context["result"].invalid_rows
        for error in row.labelled_errors
    }
    assert values["金额（元） (amount_max)"] == "三十万" and values["类型 (kind)"] == "占星补贴"
    assert "“三十万”不是金额" in body and "30万" in body
    assert "“高中”不是有效的值" in body and "硕士研究生" in body
    assert "“每周”不是有效的值" in body and "once（一次性）" in body
    assert "杭人才〔2099〕9号" in body
    # Database rules in words, not constraint names; no class names, no traceback.
    assert "最低金额不能高于" in body
    assert "需要在“发放期限”中填写年数" in body
    for leak in (
        "benefit_amount_range",
        "benefit_total_has_years",
        "ConversionSyntax",
        "Traceback",
        "class ",
    ):
        assert leak not in body
    assert "confirm_form" not in response.context
    assert not Benefit.objects.exists()


def test_dates_and_policy_rules_are_explained_in_chinese(office):
    upload = csv_upload(
        POLICY_HEADER,
        [
            policy_row(issued="2025-02-30"),
            policy_row(number="杭人才〔2025〕2号", effective="2025-06-01", expires="2025-01-01"),
            policy_row(number="杭人才〔2025〕3号", region="999999", categories="住房，占星"),
        ],
    )
    response = preview(office, upload)
    body = response.content.decode()
    assert "“2025-02-30”不是日期" in body and "2025年6月1日" in body
    assert "失效日期不能早于" in body and "policy_expires_after_effective" not in body
    assert "“占星”" in body and "housing（住房保障）" in body
    assert "999999" in body
    assert {row for row, _ in problems(response)} == {2, 3, 4}


def test_a_file_without_an_id_column_or_known_headers_gets_a_message_not_a_traceback(office):
    upload = csv_upload(["序号", "名称", "备注"], [["1", "某政策", ""]])
    response = preview(office, upload)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Traceback" not in body and "FieldError" not in body
    assert "标题（中文）" in body  # the missing title is named
    assert "序号" in body  # and the columns that are not imported


# 3. Encodings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_as_excel_saves_it(office, encoding):
    upload = csv_upload(POLICY_HEADER, [policy_row()], encoding=encoding)
    response = preview(office, upload)
    assert not response.context["form"].errors
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response)
    policy = Policy.objects.get()
    assert policy.title_zh == "杭州市高层次人才购房补贴实施办法"
    assert policy.categories == [Category.HOUSING, Category.SUBSIDIES_AWARDS]


def test_an_xlsx_with_chinese_headers_and_date_cells(office):
    import datetime

    row = policy_row()
    row[POLICY_HEADER.index("发文日期")] = datetime.datetime(2025, 3, 1)
    response = preview(office, xlsx_upload(POLICY_HEADER, [row]), format_=XLSX_FORMAT)
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response)
    assert Policy.objects.get().issued_on.isoformat() == "2025-03-01"


@pytest.mark.parametrize(
    ("content", "format_", "expected"),
    [
        (b"\xff\xfe\x00\xd8garbage\x81\x30", CSV_FORMAT, "既不是 UTF-8 也不是 GBK"),
        (b"title_zh\n\x80\x81\xff", CSV_FORMAT, "既不是 UTF-8 也不是 GBK"),
        (b"not a workbook", XLSX_FORMAT, "无法按下面选择的格式读取"),
    ],
)
def test_an_unreadable_file_gets_a_clear_message_in_chinese(office, content, format_, expected):
    upload = SimpleUploadedFile("政策.csv", content, content_type="text/csv")
    response = preview(office, upload, format_=format_)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["import_file"])
    assert expected in errors
    assert "UnicodeDecodeError" not in response.content.decode()


# 4. Templates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["policy", "benefit", "interpretation"])
def test_the_template_has_an_example_row_and_the_valid_values_and_imports_back(office, model):
    if model != "policy":
        PolicyFactory(document_number="杭人才〔2025〕1号", region=region("330100"))
    url = reverse(f"admin:policies_{model}_import_template_xlsx")
    response = office.get(url)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, guide = workbook.worksheets
    header = [cell.value for cell in data[1]]
    assert "标题（中文）" in header or "问题或标题（中文）" in header
    guide_text = " ".join(str(cell.value) for row in guide.iter_rows() for cell in row)
    assert "一次性" in guide_text or "住房保障" in guide_text or "问答" in guide_text
    # The template filled in as it comes imports without a problem.
    upload = SimpleUploadedFile(f"{model}.xlsx", response.content)
    imported = preview(office, upload, model=model, format_=XLSX_FORMAT)
    assert not imported.context["result"].has_validation_errors(), problems(imported)
    assert imported.context["result"].summary["new"] == 1


def test_the_csv_template_opens_in_excel_as_utf8(office):
    response = office.get(reverse("admin:policies_policy_import_template_csv"))
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "发文字号" in rows[0] and "杭人才〔2025〕1号" in rows[1]


def test_the_import_page_links_the_templates_and_explains_the_columns(office):
    body = office.get(reverse("admin:policies_benefit_import")).content.decode()
    assert reverse("admin:policies_benefit_import_template_xlsx") in body
    assert "once（一次性）" in body and "30万" in body


# 5. Re-imports by document number --------------------------------------------------------------


def test_a_reimport_changes_the_policies_instead_of_adding_them_again(office):
    upload = lambda rows: csv_upload(POLICY_HEADER, rows)  # noqa: E731
    rows = [policy_row(), policy_row(number="杭人才〔2025〕2号", title="第二个政策")]
    confirm(office, preview(office, upload(rows)))
    assert Policy.objects.count() == 2

    again = preview(office, upload(rows))
    assert again.context["result"].summary == {
        "new": 0,
        "update": 0,
        "unchanged": 2,
        "blank": 0,
        "invalid": 0,
    }

    rows[1] = policy_row(number="杭人才［2025］2号", title="第二个政策（修订）")
    changed = preview(office, upload(rows))
    summary = changed.context["result"].summary
    assert (summary["new"], summary["update"], summary["unchanged"]) == (0, 1, 1)
    body = changed.content.decode()
    assert "<ins>" in body and "修订" in body  # the preview shows what changes
    assert 'style="' not in body.split('class="import-preview"')[1]  # the CSP blocks those
    confirm(office, changed)
    assert Policy.objects.count() == 2
    assert Policy.objects.get(document_number="杭人才〔2025〕2号").title_zh == "第二个政策（修订）"


def test_a_document_number_twice_in_a_file_is_a_problem(office):
    upload = csv_upload(POLICY_HEADER, [policy_row(), policy_row(title="另一个")])
    response = preview(office, upload)
    assert {column for _, column in problems(response)} == {"发文字号 (document_number)"}
    assert "多次出现" in response.content.decode()


def test_a_policy_of_another_region_is_not_changed_by_document_number(client):
    PolicyFactory(document_number="甬人才〔2025〕1号", region=region("330200"))
    login_verified(client, scoped_staff("330100"))
    upload = csv_upload(POLICY_HEADER, [policy_row(number="甬人才〔2025〕1号")])
    response = preview(client, upload)
    assert "发文字号 (document_number)" in {column for _, column in problems(response)}


def test_benefits_and_interpretations_name_their_policy_by_document_number(office):
    policy = PolicyFactory(document_number="杭人才〔2025〕1号", region=region("330100"))
    benefit_upload = lambda amount: csv_upload(  # noqa: E731
        ["政策发文字号", "类型", "标题（中文）", "金额"],
        [["杭人才【2025】1号", "award", "人才奖励", amount]],
    )
    confirm(office, preview(office, benefit_upload("10万"), model="benefit"), model="benefit")
    assert Benefit.objects.get().policy == policy
    # The same sheet again with a new amount changes the benefit (and versions it).
    response = preview(office, benefit_upload("20万"), model="benefit")
    assert response.context["result"].summary["update"] == 1
    confirm(office, response, model="benefit")
    benefit = Benefit.objects.get()
    assert benefit.amount_max == 200_000 and benefit.version == 2

    interpretations = csv_upload(
        ["发文字号", "类型", "问题", "回答"],
        [["杭人才〔2025〕1号", "问答", "什么时候申请？", "落户后即可申请。"]],
        name="解读.csv",
    )
    response = preview(office, interpretations, model="interpretation")
    assert not response.context["result"].has_validation_errors(), problems(response)
    confirm(office, response, model="interpretation")
    assert Interpretation.objects.get().policy == policy


# 6. The preview and the result say what happens ------------------------------------------------


def test_the_preview_shows_no_numbers_for_new_rows_and_the_result_the_real_ones(office):
    existing = PolicyFactory(region=region("330100"))
    upload = csv_upload(
        [*POLICY_HEADER, "状态"],
        [[*policy_row(), "published"], [""] * (len(POLICY_HEADER) + 1)],
    )
    response = preview(office, upload)
    result = response.context["result"]
    assert result.summary["new"] == 1 and result.summary["blank"] == 1
    new_row = next(row for row in result.rows if row.import_type == "new")
    id_column = result.diff_headers.index("id")
    assert new_row.diff[id_column] == ""  # the dry run's number is not the real one
    assert len(new_row.diff) == len(result.diff_headers)  # no status, no replaced_by
    assert "draft" not in new_row.diff
    body = response.content.decode()
    assert "新增 1 条" in body and "跳过 1 个空行" in body
    assert "这些列不会导入" in body and "状态" in body

    done = confirm(office, response)
    policy = Policy.objects.exclude(pk=existing.pk).get()
    assert policy.status == PolicyStatus.DRAFT
    text = done.content.decode()
    assert f"id__in={policy.pk}" in text and f"编号 {policy.pk}" in text
    assert "草稿" in text and "?status__exact=draft" in text


def test_the_import_page_does_not_list_status_and_replaced_by(office):
    response = office.get(reverse("admin:policies_policy_import"))
    [(_, columns)] = response.context["fields_list"]
    assert "发文字号" in columns
    assert not {"status", "replaced_by", "状态", "被替代"} & set(columns)


def test_export_columns_are_labelled_in_chinese(office):
    body = office.get(reverse("admin:policies_policy_export")).content.decode()
    assert "标题（中文） (title_zh)" in body and "发文字号 (document_number)" in body
    assert "Title Zh" not in body
    assert "全选" in body


def test_an_exported_benefit_names_its_policy_by_document_number(office):
    policy = PolicyFactory(document_number="杭人才〔2025〕7号", region=region("330100"))
    BenefitFactory(policy=policy)
    response = office.post(
        reverse("admin:policies_benefit_export"),
        {
            "format": CSV_FORMAT,
            "resource": "0",
            **{f"benefitresource_{name}": "on" for name in ("id", "policy", "title_zh")},
        },
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["policy"] == "杭人才〔2025〕7号"


def test_a_blank_id_column_still_finds_the_policy_by_document_number(office):
    policy = PolicyFactory(document_number="杭人才〔2025〕1号", region=region("330100"))
    upload = csv_upload(["id", *POLICY_HEADER], [["", *policy_row(title="新标题")]])
    response = preview(office, upload)
    assert response.context["result"].summary["update"] == 1, problems(response)
    confirm(office, response)
    assert Policy.objects.get().pk == policy.pk
    policy.refresh_from_db()
    assert policy.title_zh == "新标题"


def test_the_template_needs_the_import_permission(client):
    staff = scoped_staff("330100")
    staff.user_permissions.remove(*staff.user_permissions.filter(codename="add_policy"))
    login_verified(client, staff)
    response = client.get(reverse("admin:policies_policy_import_template_xlsx"))
    assert response.status_code == 403


def test_a_confirmation_that_meets_a_new_problem_imports_nothing(office):
    upload = csv_upload(POLICY_HEADER, [policy_row(), policy_row(number="杭人才〔2025〕2号")])
    response = preview(office, upload)
    # Between the preview and the confirmation, someone adds a policy with the second number
    # in a region this office may not change.
    PolicyFactory(document_number="杭人才〔2025〕2号", region=region("120000"))
    done = confirm(office, response)
    assert Policy.objects.count() == 1  # only the other office's policy
    assert "未导入任何内容" in done.content.decode()


def test_the_interpretations_list_has_its_import_and_export(office):
    from tests.policies.factories import InterpretationFactory

    InterpretationFactory(policy=PolicyFactory(region=region("330100")), question_zh="怎么申请？")
    changelist = office.get(reverse("admin:policies_interpretation_changelist"))
    assert changelist.status_code == 200 and "怎么申请？" in changelist.content.decode()
    body = changelist.content.decode()
    assert reverse("admin:policies_interpretation_import") in body
    assert reverse("admin:policies_interpretation_export") in body
