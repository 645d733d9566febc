"""A city office imports the policies of its spreadsheet in the Chinese admin (issue 22): a GBK
CSV saved by Excel, with Chinese headers and labels → the preview says what will happen →
confirm → the result says they are drafts and links to them → publish."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from policies.models import Policy, PolicyStatus
from tests.e2e.conftest import enter_second_factor, second_factor_code
from tests.policies.admin_helpers import scoped_staff
from tests.talentportal.factories import PASSWORD

pytestmark = pytest.mark.e2e

HEADER = ["标题（中文）", "发文单位", "发文字号", "地区", "类别", "发文日期", "重大政策"]
ROWS = [
    ["杭州市高层次人才购房补贴实施办法", "杭州市人才办", "杭人才〔2025〕1号", "330100",
     "住房保障，补贴与奖励", "2025年3月1日", "是"],
    ["杭州市青年人才生活补贴办法", "杭州市人才办", "杭人才〔2025〕2号", "330100",
     "补贴与奖励", "2025/4/1", "否"],
]  # fmt: skip


def gbk_csv(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(ROWS)
    path = tmp_path / "政策.csv"
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def test_import_preview_confirm_and_publish_in_chinese(page, browser_errors, tmp_path):
    staff = scoped_staff("330100")
    code = second_factor_code(staff.username)
    page.goto("/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) [type=submit]").click()
    enter_second_factor(page, code)

    page.goto("/admin/policies/policy/import/")
    expect(page.get_by_role("link", name="XLSX")).to_be_visible()  # the template
    page.set_input_files("#id_import_file", gbk_csv(tmp_path))
    page.select_option("#id_format", "0")
    page.locator("input[type=submit][value='提交']").click()

    # The preview: what will happen, with nothing saved yet.
    expect(page.locator(".import-summary")).to_contain_text("将新增 2 条")
    expect(page.locator("table.import-preview")).to_contain_text("杭人才〔2025〕1号")
    assert not Policy.objects.exists()
    page.locator("input[name=confirm]").click()

    # The result: the counts, the new records, and that they are drafts to publish.
    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("导入完成：新增 2 条")
    expect(messages).to_contain_text("草稿")
    assert set(Policy.objects.values_list("status", flat=True)) == {PolicyStatus.DRAFT}
    page.get_by_role("link", name=re.compile("核对草稿并发布")).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("已发布 2 项政策")
    assert set(Policy.objects.values_list("status", flat=True)) == {PolicyStatus.PUBLISHED}
    assert not browser_errors
