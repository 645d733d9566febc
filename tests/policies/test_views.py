"""The public policy pages: search, policy page, comparison, calculator, following."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.models import (
    BenefitKind,
    Category,
    InterpretationKind,
    Period,
    PolicyFollow,
    PolicyStatus,
    SavedProfile,
    TalentGroup,
)
from talentportal.choices import Degree
from tests.auth_helpers import login_verified
from tests.policies.factories import (
    BenefitFactory,
    InterpretationFactory,
    PolicyFactory,
    PolicyFollowFactory,
    SavedProfileFactory,
    region,
)
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/policies/"


def count_queries(client, url, **extra):
    """The page's queries (not the rate limit's counter: a shared store, Redis in production,
    which the tests' database stands in for)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    page = [q for q in queries.captured_queries if "talentportal_ratecounter" not in q["sql"]]
    return len(page), response


# Search page ------------------------------------------------------------------------------


def test_the_search_page_lists_published_policies_newest_first(client):
    old = PolicyFactory(title_zh="旧政策", issued_on=datetime.date(2020, 1, 1))
    new = PolicyFactory(title_zh="新政策", issued_on=datetime.date(2025, 1, 1))
    PolicyFactory(title_zh="草稿政策", status=PolicyStatus.DRAFT, issued_on=None)
    PolicyFactory(title_zh="废止政策", status=PolicyStatus.REPEALED)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [new, old]
    body = response.content.decode()
    assert "草稿政策" not in body and "废止政策" not in body
    assert response.context["result_count"] == 2


def test_search_finds_chinese_and_english_and_highlights_the_words(client):
    apartment = PolicyFactory(
        title_zh="关于人才公寓租赁的实施办法",
        title_en="Measures on renting talent apartments",
        summary_zh="为引进人才提供人才公寓。",
    )
    PolicyFactory(title_zh="创业资助办法", title_en="Start-up funding")
    response = client.get(INDEX, {"q": "人才公寓"})
    assert list(response.context["page_obj"].object_list) == [apartment]
    body = response.content.decode()
    assert "<mark>" in body and "人才" in body
    assert response.context["sort_key"] == "relevance"

    response = client.get("/en" + INDEX, {"q": "talent apartment"})
    assert list(response.context["page_obj"].object_list) == [apartment]
    assert "<mark>talent</mark>" in response.content.decode()


def test_search_results_escape_staff_text_and_keep_only_the_marks(client):
    PolicyFactory(
        title_zh="<script>alert(1)</script>人才公寓",
        summary_zh='<img src=x onerror="alert(2)">人才公寓办法',
    )
    body = client.get(INDEX, {"q": "人才公寓"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "<img src=x" not in body
    assert "&lt;" in body and "<mark>" in body


def test_search_ranks_title_matches_above_body_matches(client):
    in_body = PolicyFactory(
        title_zh="综合政策", body_zh="<p>提供人才公寓</p>", issued_on=datetime.date(2025, 1, 1)
    )
    in_title = PolicyFactory(title_zh="人才公寓管理办法", issued_on=datetime.date(2020, 1, 1))
    response = client.get(INDEX, {"q": "人才公寓"})
    assert list(response.context["page_obj"].object_list) == [in_title, in_body]
    response = client.get(INDEX, {"q": "人才公寓", "sort": "newest"})
    assert list(response.context["page_obj"].object_list) == [in_body, in_title]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "330000"}, {"zhejiang", "hangzhou", "xihu"}),
        # A region's list includes the policies of the regions above it, which apply there.
        ({"region": "330100"}, {"zhejiang", "hangzhou", "xihu"}),
        ({"region": "330106"}, {"zhejiang", "hangzhou", "xihu"}),
        ({"region": "330106", "level": "3"}, {"xihu"}),
        ({"level": "1"}, {"zhejiang", "jiangsu"}),
        ({"level": "3"}, {"xihu"}),
        ({"category": "housing"}, {"hangzhou", "xihu"}),
        ({"category": ["housing", "medical_care"]}, {"hangzhou", "xihu", "jiangsu"}),
        ({"group": "doctoral"}, {"zhejiang", "hangzhou", "xihu"}),
        ({"industry": "filter-test-ai"}, {"xihu"}),
        ({"status": "expired"}, {"expired"}),
        ({"status": ["published", "repealed"]}, {"zhejiang", "hangzhou", "xihu", "jiangsu"}),
        ({"issued_from": "2024-01-01"}, {"hangzhou", "xihu"}),
        ({"issued_to": "2023-12-31"}, {"zhejiang", "jiangsu"}),
        ({"issued_from": "2023-01-01", "issued_to": "2024-06-30"}, {"hangzhou", "jiangsu"}),
        # Combined.
        ({"region": "330000", "category": "housing", "level": "2"}, {"hangzhou"}),
        (
            {"region": "330000", "group": "doctoral", "issued_from": "2024-01-01"},
            {"hangzhou", "xihu"},
        ),
        ({"q": "公寓", "region": "330000"}, {"xihu"}),
    ],
)
def test_each_filter_alone_and_combined(client, params, expected):
    from tests.talentportal.factories import IndustryFactory

    ai = IndustryFactory(code="filter-test-ai")
    policies = {
        "zhejiang": PolicyFactory(
            region=region("330000"),
            categories=[Category.TALENT_INTRODUCTION],
            issued_on=datetime.date(2022, 5, 1),
        ),
        "hangzhou": PolicyFactory(
            region=region("330100"),
            categories=[Category.HOUSING],
            talent_groups=[TalentGroup.DOCTORAL],
            issued_on=datetime.date(2024, 3, 1),
        ),
        "xihu": PolicyFactory(
            region=region("330106"),
            title_zh="西湖区人才公寓",
            categories=[Category.HOUSING],
            issued_on=datetime.date(2025, 1, 1),
        ),
        "jiangsu": PolicyFactory(
            region=region("320000"),
            categories=[Category.MEDICAL_CARE],
            talent_groups=[TalentGroup.SKILLED],
            issued_on=datetime.date(2023, 6, 1),
        ),
        "expired": PolicyFactory(region=region("330100"), status=PolicyStatus.EXPIRED),
    }
    policies["xihu"].industries.add(ai)
    names = {policy.pk: name for name, policy in policies.items()}
    response = client.get(INDEX, params)
    assert response.status_code == 200
    assert not response.context["problems"]
    assert {names[p.pk] for p in response.context["page_obj"].object_list} == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?region=999999", "999999"),
        ("?region=abc", "abc"),
        ("?region=%00", None),
        ("?level=7", None),
        ("?category=nonsense", "nonsense"),
        ("?status=draft", "draft"),
        ("?issued_from=2024-13-45", None),
        ("?issued_from=yesterday&issued_to=2030-01-01", None),
        ("?issued_from=2025-01-01&issued_to=2024-01-01", None),
        ("?sort=title;DROP TABLE policies_policy", None),
        ("?industry=%ff%fe", None),
        ("?q=" + "人" * 10_000, None),
        ("?q=%00", None),
    ],
)
def test_malformed_query_strings_show_a_message_never_a_server_error(client, query, message):
    PolicyFactory()
    response = client.get(INDEX + query)
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems
    if message:
        assert any(message in problem for problem in problems)
    assert "policy-problems" in response.content.decode()
    # The rest of the page still works: the list is shown without the bad filter.
    assert response.context["result_count"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "?q=' OR 1=1 --",
        "?q=a:* | b & !c",
        "?q=<script>alert(1)</script>",
        "?q=)(*&^%25$#@!",
        "?q=%F0%9F%98%80",
        "?page=abc",
        "?page=99999",
        "?page=-1",
        "?region=330100&region=330200",
        "?unknown=1",
    ],
)
def test_injection_attempts_and_odd_values_are_harmless(client, query):
    PolicyFactory()
    response = client.get(INDEX + query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_url_is_shareable_and_pagination_keeps_the_filters(client):
    PolicyFactory.create_batch(25, region=region("330100"))
    response = client.get(INDEX, {"region": "330000", "sort": "oldest"})
    body = response.content.decode()
    assert response.context["result_count"] == 25
    assert "region=330000" in body and "sort=oldest" in body and "page=2" in body
    page2 = client.get(INDEX, {"region": "330000", "sort": "oldest", "page": "2"})
    assert len(page2.context["page_obj"].object_list) == 5
    # The form shows what was asked for.
    assert 'value="330000" selected' in body


def test_the_results_partial_is_served_alone(client):
    PolicyFactory(title_zh="人才公寓办法")
    response = client.get(INDEX, {"q": "人才公寓"}, headers={"X-Fragment": "results"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in body
    assert "<html" not in body and "policy-filters" not in body
    assert "X-Fragment" in response["Vary"]


def test_the_search_page_works_in_english(client):
    PolicyFactory(title_zh="中文标题", title_en="English title")
    body = client.get("/en" + INDEX).content.decode()
    assert "English title" in body and 'lang="en"' in body


def make_policies(n, **kwargs):
    for i in range(n):
        policy = PolicyFactory(
            region=region(["330100", "330106", "320400"][i % 3]),
            categories=[Category.HOUSING, Category.SUBSIDIES_AWARDS],
            talent_groups=[TalentGroup.DOCTORAL],
            title_zh=f"人才公寓政策{i}",
            **kwargs,
        )
        BenefitFactory(policy=policy)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "人才公寓"},
        {"region": "330000", "category": "housing", "group": "doctoral", "status": "published"},
        {"industry": "software", "issued_from": "2020-01-01", "sort": "oldest", "page": "2"},
    ],
    ids=["plain", "search", "filters", "more-filters"],
)
def test_the_search_page_runs_a_constant_number_of_queries(client, params):
    make_policies(3)
    few, _response = count_queries(client, INDEX + "?" + _qs(params))
    make_policies(45)
    many, _response = count_queries(client, INDEX + "?" + _qs(params))
    assert many <= few <= 6
    count_sql = [
        q["sql"] for q in _capture(client, INDEX + "?" + _qs(params)) if "COUNT(" in q["sql"]
    ]
    assert len(count_sql) == 1


def _qs(params):
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


def _capture(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return queries.captured_queries


# Policy page ------------------------------------------------------------------------------


def test_the_policy_page_shows_benefits_interpretations_and_freshness(client):
    policy = PolicyFactory(
        title_zh="杭州市高层次人才安居办法",
        body_zh="<p>第一条 <strong>目的</strong></p>",
        last_reviewed_on=datetime.date(2025, 2, 3),
        source_url="https://www.hangzhou.gov.cn/policy/1",
    )
    BenefitFactory(
        policy=policy,
        kind=BenefitKind.RENT_SUBSIDY,
        title_zh="租房补贴",
        amount_max=2_000,
        period=Period.MONTHLY,
        period_count=36,
        min_degree=Degree.DOCTORATE,
        max_age=35,
    )
    InterpretationFactory(
        policy=policy, kind=InterpretationKind.QA, question_zh="谁可以申请？", answer_zh="博士。"
    )
    response = client.get(policy.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "杭州市高层次人才安居办法" in body
    assert "租房补贴" in body and "72,000" in body  # 2,000 a month × 36
    assert "35" in body
    assert "谁可以申请？" in body
    assert "<strong>目的</strong>" in body  # the sanitised body is the one thing shown as HTML
    assert "2025-02-03" in body
    assert 'href="https://www.hangzhou.gov.cn/policy/1"' in body


def test_a_repealed_policy_points_to_its_replacement(client):
    new = PolicyFactory(title_zh="新办法")
    old = PolicyFactory(title_zh="旧办法", status=PolicyStatus.REPEALED, replaced_by=new)
    body = client.get(old.get_absolute_url()).content.decode()
    assert "已废止" in body or "repealed" in body
    assert new.get_absolute_url() in body
    body = client.get(new.get_absolute_url()).content.decode()
    assert old.get_absolute_url() in body  # "this policy replaces"


def test_an_unpublished_policy_is_a_404_for_the_public(client):
    draft = PolicyFactory(status=PolicyStatus.DRAFT, issued_on=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    login_verified(client, UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404
    login_verified(client, StaffFactory())
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get("/policies/999999999/").status_code == 404
    assert client.get("/policies/99999999999999999999999/").status_code == 404


def test_the_policy_page_staff_text_is_escaped(client):
    policy = PolicyFactory(title_zh="<b>粗体</b>", summary_zh="<script>x()</script>")
    InterpretationFactory(policy=policy, question_zh="<i>问</i>", answer_zh="<img src=x>")
    body = client.get(policy.get_absolute_url()).content.decode()
    assert "<b>粗体</b>" not in body and "&lt;b&gt;粗体&lt;/b&gt;" in body
    assert "<script>x()" not in body and "<img src=x>" not in body


def test_the_policy_page_lists_related_policies(client):
    policy = PolicyFactory(region=region("330100"), categories=[Category.HOUSING])
    related = PolicyFactory(region=region("330000"), categories=[Category.HOUSING])
    below = PolicyFactory(region=region("330106"), categories=[Category.HOUSING])
    PolicyFactory(region=region("320000"), categories=[Category.HOUSING])  # elsewhere
    PolicyFactory(region=region("330100"), categories=[Category.MEDICAL_CARE])  # other topic
    response = client.get(policy.get_absolute_url())
    assert set(response.context["related"]) == {related, below}


def test_the_policy_page_runs_a_constant_number_of_queries(client):
    def build(n):
        policy = PolicyFactory(region=region("330100"))
        for _ in range(n):
            BenefitFactory(policy=policy)
            InterpretationFactory(policy=policy)
            PolicyFactory(region=region("330100"))
        return policy

    few, _ = count_queries(client, build(1).get_absolute_url())
    many, _ = count_queries(client, build(12).get_absolute_url())
    assert many == few <= 9


def test_a_repealed_policy_page_runs_a_constant_number_of_queries(client):
    def build(n):
        new = PolicyFactory()
        old = PolicyFactory(status=PolicyStatus.REPEALED, replaced_by=new)
        for _ in range(n):
            PolicyFactory(status=PolicyStatus.REPEALED, replaced_by=old)
        return old

    few, _ = count_queries(client, build(1).get_absolute_url())
    many, _ = count_queries(client, build(8).get_absolute_url())
    assert many == few <= 9


# Comparison -------------------------------------------------------------------------------


@pytest.fixture
def comparison_data(db):
    zhejiang = PolicyFactory(region=region("330000"), title_zh="浙江省人才新政")
    hangzhou = PolicyFactory(region=region("330100"), title_zh="杭州市人才新政")
    ningbo = PolicyFactory(region=region("330200"), title_zh="宁波市人才新政")
    changzhou = PolicyFactory(region=region("320400"), title_zh="常州市人才新政")
    BenefitFactory(
        policy=hangzhou,
        kind=BenefitKind.HOUSING_SUBSIDY,
        title_zh="杭州购房补贴",
        amount_max=800_000,
    )
    BenefitFactory(
        policy=ningbo, kind=BenefitKind.HOUSING_SUBSIDY, title_zh="宁波购房补贴", amount_max=500_000
    )
    BenefitFactory(
        policy=changzhou,
        kind=BenefitKind.RENT_SUBSIDY,
        title_zh="常州租房补贴",
        amount_max=3_000,
        period=Period.MONTHLY,
    )
    BenefitFactory(
        policy=zhejiang,
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh='=HYPERLINK("http://evil")',
        amount_max=10_000,
        period=Period.YEARLY,
    )


def test_compare_three_regions_marks_the_best_cell(client, comparison_data):
    response = client.get("/policies/compare/", {"regions": "330100,330200,320400"})
    assert response.status_code == 200
    table = response.context["table"]
    assert [r.code for r in table.regions] == ["330100", "330200", "320400"]
    housing = next(row for row in table.rows if row.kind == BenefitKind.HOUSING_SUBSIDY)
    assert [cell.best for cell in housing.cells] == [True, False, False]
    body = response.content.decode()
    assert "★" in body and ("(best)" in body or "（最优）" in body or "最" in body)
    assert "policy-compare__cell--best" in body
    # The province's policy applies in both Zhejiang cities, not in Changzhou.
    living = next(row for row in table.rows if row.kind == BenefitKind.LIVING_ALLOWANCE)
    assert [bool(cell.offers) for cell in living.cells] == [True, True, False]


def test_compare_accepts_repeated_parameters_from_the_form(client, comparison_data):
    response = client.get(
        "/policies/compare/?regions=330100&regions=330200&regions=&regions=&group=doctoral"
    )
    assert [r.code for r in response.context["table"].regions] == ["330100", "330200"]


@pytest.mark.parametrize(
    "query",
    [
        "?regions=330100&group=",
        "?regions=330100,999999",
        "?regions=330100,330200,320400,330000,120000",
        "?regions=330100,330200&group=astronauts",
        "?regions=%00,330100",
        "?regions=" + ",".join(str(330100 + i) for i in range(500)),
        "?regions=" + "x" * 5000,
    ],
)
def test_compare_with_bad_parameters_shows_the_form_with_a_message(client, query):
    response = client.get("/policies/compare/" + query)
    assert response.status_code == 200
    assert response.context["table"] is None
    assert response.context["form"].errors
    assert "error-summary" in response.content.decode()
    csv_response = client.get("/policies/compare/" + query + "&format=csv")
    assert csv_response.status_code == 400


def test_compare_downloads_the_same_table_as_csv(client, comparison_data):
    response = client.get(
        "/policies/compare/", {"regions": "330100,330200,320400", "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    table = client.get("/policies/compare/", {"regions": "330100,330200,320400"}).context["table"]
    assert len(rows) == 1 + len(table.rows) + 1  # the header, the kinds, the totals
    # The figure is a number; the best is marked in its own column.
    assert rows[1][2:4] == ["800000", "1"]
    assert rows[-1][0] == "合计"
    # A title that looks like a formula is neutralised for spreadsheets.
    assert "'=HYPERLINK" in text


def test_links_from_a_policy_page_preselect_the_region_without_an_error(client):
    region("330100")
    response = client.get("/policies/compare/?regions=330100")
    assert not response.context["form"].errors
    assert response.context["form"].region_slots()[0] == "330100"
    response = client.get("/policies/calculator/?regions=330100")
    assert not response.context["form"].errors and response.context["result"] is None
    assert response.context["form"].region_slots()[0] == "330100"
    assert 'value="330100" selected' in response.content.decode()


def test_the_policy_body_is_sanitised_again_when_shown(client):
    policy = PolicyFactory()
    # Text written past save(), which sanitises: a queryset update.
    from policies.models import Policy

    Policy.objects.filter(pk=policy.pk).update(body_zh="<p>正文</p><script>alert(1)</script>")
    body = client.get(policy.get_absolute_url()).content.decode()
    assert "<p>正文</p>" in body and "<script>alert(1)" not in body


def test_the_compare_page_without_parameters_shows_the_form(client):
    response = client.get("/policies/compare/")
    assert response.status_code == 200
    assert response.context["table"] is None
    assert not response.context["form"].errors
    assert response.content.decode().count('name="regions"') == 4


def test_the_compare_page_runs_a_constant_number_of_queries(client):
    url = "/policies/compare/?regions=330100,330200,320400&group=doctoral"
    region("320400")
    make_policies(3)
    few, _ = count_queries(client, url)
    make_policies(30)
    many, _ = count_queries(client, url)
    assert many == few <= 4


# Calculator -------------------------------------------------------------------------------


@pytest.fixture
def calculator_data(db):
    hangzhou = PolicyFactory(region=region("330100"), title_zh="杭州市人才新政")
    BenefitFactory(
        policy=hangzhou,
        kind=BenefitKind.HOUSING_SUBSIDY,
        title_zh="博士购房补贴",
        amount_max=400_000,
        min_degree=Degree.DOCTORATE,
    )
    BenefitFactory(
        policy=hangzhou,
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="硕士生活补贴",
        amount_max=50_000,
        min_degree=Degree.MASTER,
        max_age=35,
    )
    return hangzhou


def test_the_calculator_lists_eligible_benefits_with_reasons_and_near_misses(
    client, calculator_data
):
    response = client.get(
        "/policies/calculator/",
        {"degree": Degree.MASTER, "age": "30", "regions": "330106", "will_work_in_region": "on"},
    )
    assert response.status_code == 200
    result = response.context["result"]
    (xihu,) = result.regions
    assert [r.benefit.title_zh for r in xihu.eligible] == ["硕士生活补贴"]
    assert [r.benefit.title_zh for r in xihu.near_misses] == ["博士购房补贴"]
    assert xihu.total == 50_000
    body = response.content.decode()
    assert "50,000" in body
    assert "博士购房补贴" in body
    en = client.get(
        "/en/policies/calculator/",
        {"degree": Degree.MASTER, "age": "30", "regions": "330106", "will_work_in_region": "on"},
    ).content.decode()
    assert "Xihu District: 1 benefit<" in en


def test_the_calculator_form_without_input_shows_no_result(client):
    response = client.get("/policies/calculator/")
    assert response.status_code == 200
    assert response.context["result"] is None
    assert not response.context["form"].errors


@pytest.mark.parametrize(
    "query",
    [
        "?regions=",
        "?regions=999999",
        "?regions=330100&age=abc",
        "?regions=330100&age=500",
        "?regions=330100&degree=9",
        "?regions=330100&tier=Z",
        "?regions=330100&industry=%00",
        "?regions=330100,330200,320400,330000,120000,320000,330106",
    ],
)
def test_the_calculator_with_bad_input_shows_errors(client, query):
    region("330100")
    response = client.get("/policies/calculator/" + query)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors


def test_a_logged_in_talent_saves_the_profile_and_sees_it_next_time(client, calculator_data):
    talent = UserFactory()
    login_verified(client, talent)
    data = {
        "degree": str(Degree.DOCTORATE),
        "age": "32",
        "regions": ["330100", "330106"],
        "will_work_in_region": "on",
    }
    response = client.get("/policies/calculator/", data)
    assert ("regions", "330106") in response.context["save_fields"]
    response = client.post("/policies/calculator/", data)
    assert response.status_code == 302
    saved = SavedProfile.objects.get(user=talent)
    assert saved.degree == Degree.DOCTORATE and saved.age == 32
    assert {r.code for r in saved.regions.all()} == {"330100", "330106"}
    assert saved.result  # the snapshot later changes are compared with
    response = client.get("/policies/calculator/")
    assert response.context["showing_saved"]
    assert response.context["result"].regions[0].eligible


def test_saving_a_profile_needs_a_login(client, calculator_data):
    response = client.post("/policies/calculator/", {"regions": "330100"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not SavedProfile.objects.exists()


def test_the_calculator_runs_a_constant_number_of_queries(client):
    url = "/policies/calculator/?degree=3&age=30&regions=330100&regions=320400"
    region("320400")
    make_policies(3)
    few, _ = count_queries(client, url)
    make_policies(30)
    many, _ = count_queries(client, url)
    assert many == few <= 5


def test_the_calculator_with_a_saved_profile_runs_a_constant_number_of_queries(client):
    talent = UserFactory()
    SavedProfileFactory(user=talent, degree=Degree.MASTER, regions=[region("330100")])
    login_verified(client, talent)
    make_policies(3)
    few, _ = count_queries(client, "/policies/calculator/")
    make_policies(30)
    many, _ = count_queries(client, "/policies/calculator/")
    assert many == few


# Following --------------------------------------------------------------------------------


def test_follow_a_region_from_the_search_page_and_unfollow_it(client):
    talent = UserFactory()
    login_verified(client, talent)
    page = client.get(INDEX, {"region": "330100"}).content.decode()
    assert 'name="region" value="330100"' in page
    response = client.post(
        "/policies/following/", {"region": "330100", "next": "/policies/?region=330100"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/policies/?region=330100"
    follow = PolicyFollow.objects.get(user=talent)
    assert follow.region_id == "330100" and follow.category == ""
    # Following again is harmless.
    client.post("/policies/following/", {"region": "330100"})
    assert PolicyFollow.objects.filter(user=talent).count() == 1
    page = client.get(INDEX, {"region": "330100"})
    assert page.context["follows_region"]

    listing = client.get("/policies/following/").content.decode()
    assert "杭州" in listing
    response = client.post(f"/policies/following/{follow.pk}/delete/")
    assert response.status_code == 302
    assert not PolicyFollow.objects.exists()


def test_follow_a_category_from_the_policy_page(client):
    talent = UserFactory()
    login_verified(client, talent)
    policy = PolicyFactory(categories=[Category.HOUSING])
    page = client.get(policy.get_absolute_url()).content.decode()
    assert 'name="category" value="housing"' in page
    client.post("/policies/following/", {"category": "housing", "next": policy.get_absolute_url()})
    assert PolicyFollow.objects.get(user=talent).category == Category.HOUSING


@pytest.mark.parametrize(
    "data",
    [{}, {"region": "999999"}, {"category": "nonsense"}, {"region": "\x00"}],
)
def test_following_nothing_or_something_unknown_is_refused_with_a_message(client, data):
    login_verified(client, UserFactory())
    response = client.post("/policies/following/", data, follow=True)
    assert response.status_code == 200
    assert not PolicyFollow.objects.exists()
    assert list(response.context["messages"])


def test_following_needs_a_login_and_csrf(client):
    region("330100")
    response = client.post("/policies/following/", {"region": "330100"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/policies/following/").status_code == 200  # explains following
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    login_verified(strict, UserFactory())
    assert strict.post("/policies/following/", {"region": "330100"}).status_code == 403


def test_one_cannot_unfollow_for_someone_else(client):
    follow = PolicyFollowFactory(region=region("330100"))
    login_verified(client, UserFactory())
    assert client.post(f"/policies/following/{follow.pk}/delete/").status_code == 404
    assert client.get(f"/policies/following/{follow.pk}/delete/").status_code == 405
    assert PolicyFollow.objects.filter(pk=follow.pk).exists()


def test_the_next_url_after_following_stays_on_this_site(client):
    login_verified(client, UserFactory())
    region("330100")
    response = client.post(
        "/policies/following/", {"region": "330100", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("policies:following")
