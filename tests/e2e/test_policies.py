"""A talent searches the policy library, filters it, opens a policy, compares three regions and
runs the calculator; every page passes the axe check and the browser reports no error."""

import re

import pytest
from playwright.sync_api import expect

from policies.models import BenefitKind, Category, Period, TalentGroup
from talentportal.choices import Degree
from tests.e2e.a11y import assert_accessible
from tests.policies.factories import BenefitFactory, InterpretationFactory, PolicyFactory, region

pytestmark = pytest.mark.e2e


@pytest.fixture
def library():
    hangzhou = PolicyFactory(
        region=region("330100"),
        title_zh="杭州市高层次人才安居与人才公寓保障办法",
        title_en="Hangzhou measures on housing and talent apartments for high-level talent",
        summary_zh="为博士、硕士提供人才公寓、购房补贴和租房补贴。",
        categories=[Category.HOUSING],
        talent_groups=[TalentGroup.DOCTORAL, TalentGroup.MASTERS],
        body_zh="<p>第一条 为吸引人才，制定本办法。</p>",
    )
    BenefitFactory(
        policy=hangzhou,
        kind=BenefitKind.HOUSING_SUBSIDY,
        title_zh="博士购房补贴",
        amount_max=400_000,
        min_degree=Degree.DOCTORATE,
        max_age=40,
    )
    BenefitFactory(
        policy=hangzhou,
        kind=BenefitKind.RENT_SUBSIDY,
        title_zh="租房补贴",
        amount_max=2_500,
        period=Period.MONTHLY,
        period_count=36,
        min_degree=Degree.MASTER,
    )
    InterpretationFactory(policy=hangzhou, question_zh="谁可以申请人才公寓？", answer_zh="博士。")
    ningbo = PolicyFactory(
        region=region("330200"),
        title_zh="宁波市人才公寓管理办法",
        categories=[Category.HOUSING],
    )
    BenefitFactory(
        policy=ningbo, kind=BenefitKind.HOUSING_SUBSIDY, title_zh="宁波购房补贴", amount_max=300_000
    )
    changzhou = PolicyFactory(
        region=region("320400"), title_zh="常州市人才公寓租住办法", categories=[Category.HOUSING]
    )
    BenefitFactory(
        policy=changzhou,
        kind=BenefitKind.RENT_SUBSIDY,
        title_zh="常州租房补贴",
        amount_max=3_000,
        period=Period.MONTHLY,
        period_count=24,
    )
    PolicyFactory(region=region("320400"), title_zh="常州市创业资助办法")
    return hangzhou


def test_search_filter_open_compare_and_calculate(page, browser_errors, library):
    # Search.
    page.goto("/policies/")
    expect(page.locator("h1")).to_have_text(re.compile("人才政策|Talent policies"))
    assert_accessible(page)
    page.fill("#id_q", "人才公寓")
    page.locator("#policy-search [type=submit]").click()
    expect(page).to_have_url(re.compile(r"q=%E4%BA%BA"))
    results = page.locator(".policy-item")
    expect(results).to_have_count(3)
    expect(page.locator(".policy-item mark").first).to_be_visible()
    assert_accessible(page)

    # Filter by region: Hangzhou (its counties included). The region list offers the
    # provinces; choosing Zhejiang loads the page again with its cities.
    page.select_option("#id_region", "330000")
    expect(page).to_have_url(re.compile(r"region=330000"))
    expect(page.locator("#id_region option[value='330100']")).to_have_count(1)
    page.select_option("#id_region", "330100")
    page.locator("button[form=policy-search]").click()
    expect(page).to_have_url(re.compile(r"region=330100"))
    expect(results).to_have_count(1)
    assert_accessible(page)

    # Open the policy.
    results.first.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/policies/{library.pk}/$"))
    expect(page.locator("table.policy-benefits")).to_contain_text("博士购房补贴")
    expect(page.locator(".policy-qa")).to_contain_text("谁可以申请人才公寓？")
    assert_accessible(page)

    # Compare Hangzhou (already chosen from the policy page) with Ningbo and Changzhou.
    page.locator("a[href*='/policies/compare/?regions=330100']").click()
    expect(page.locator("#id_regions")).to_have_value("330100")
    page.select_option("#id_regions_2", "330200")
    page.select_option("#id_regions_3", "320400")
    page.select_option("#id_group", TalentGroup.DOCTORAL.value)
    page.locator(".policy-compare-form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"regions=330100&regions=330200&regions=320400"))
    table = page.locator("table.policy-compare__table")
    expect(table.locator("thead th")).to_have_count(4)
    expect(table.locator(".policy-compare__cell--best").first).to_contain_text("★")
    expect(page.locator("a[href*='format=csv']")).to_be_visible()
    assert_accessible(page)

    # The calculator, from the policy library.
    page.goto("/policies/calculator/")
    assert_accessible(page)
    page.select_option("#id_degree", str(Degree.DOCTORATE.value))
    page.fill("#id_age", "32")
    page.select_option("#id_regions", "330106")  # a district of Hangzhou
    page.locator(".policy-calculator__form [type=submit]").click()
    expect(page.locator(".policy-calculator__list > li")).to_have_count(2)
    expect(page.locator(".policy-calculator__totals")).to_contain_text("490,000")
    assert_accessible(page)

    assert browser_errors == []


def test_the_pages_work_in_english(page, browser_errors, library):
    page.goto("/en/policies/?q=talent+apartments")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The English title matches first; the thesaurus (talent apartment = 人才公寓) also finds
    # the two policies that have only a Chinese title.
    expect(page.locator(".policy-item")).to_have_count(3)
    expect(page.locator(".policy-item").first).to_contain_text("Hangzhou measures")
    page.goto(f"/en/policies/{library.pk}/")
    expect(page.locator("h1")).to_contain_text("Hangzhou measures")
    assert_accessible(page)
    assert browser_errors == []


def test_the_filters_refresh_the_results_with_javascript(page, browser_errors, library):
    page.goto("/policies/")
    expect(page.locator(".policy-item")).to_have_count(4)
    page.select_option("#id_region", "320000")  # Jiangsu: Changzhou's two policies
    expect(page.locator(".policy-item")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"region=320000"))
    assert browser_errors == []
