"""Issue 18 as people meet it: seven journeys in Chromium, each in Chinese (no prefix) and
English (/en/), on a 1280 px screen and a 390 px phone.

1. A visitor runs the calculator as a 32-year-old PhD in Hangzhou: selections are "you may
   apply" and stay out of the total, a benefit with an online service leads to it, no near
   miss is about age, and no result title hides a zero-width space.
2. A visitor compares two regions: a total per region, a yearly payment counted for all its
   years (so the ★ goes to the right region), the normalisation stated on the page, only the
   chosen group's benefits, and a CSV whose amount columns hold numbers only.
3. A talent applies for a public service: specific messages for missing answers, "check your
   answers", "change" back to the form, submit, the answers and documents on the
   application's page, My applications, a draft that leads back to its form, and withdrawing
   that asks first.
4. A visitor finds their way: the home page's quick links lead to the pages they name, and
   the policy list on a phone shows the results first, its filters behind a closed
   disclosure, and search results whose titles copy clean.
5. An enterprise member applies for a loan on behalf of the enterprise: specific messages,
   a draft saved and resumed from My applications, "check your answers" with the
   enterprise's questions, submit, the answers on the application's page, withdrawing that
   asks first.
6. Staff keep the public pages true in the admin: they mark a stale policy as reviewed
   (the public flag goes), correct a service whose text names an amount its policy does not
   (the admin's warning goes), and link a benefit to its service (the policy page then
   offers "apply online", which leads to the service).
7. A talent keeps track: follows one policy from its page and saves a calculator profile,
   and finds both on the follow page; adds a preferred work region with the picker
   (Zhejiang, then one of the places it lists); downloads their data, which holds the
   answers they submitted; and sees the photos of the apartment list load.

On every page of a journey the document must not scroll sideways (scrollWidth no wider than
the screen). Steps wait on locators and `expect` only, never on a fixed time.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from ecosystem.models import FinancialApplication
from policies.models import (
    INVISIBLE,
    BenefitKind,
    EnterpriseType,
    Period,
    ServiceApplication,
    ServiceMaterial,
    TalentGroup,
)
from talentportal.choices import Degree
from talentportal.models import ApplicationStatus
from talentportal.roles import CONTENT_EDITOR, sync_roles
from tests.e2e.conftest import sign_in
from tests.ecosystem.factories import ProductFactory
from tests.policies.factories import BenefitFactory, PolicyFactory, region
from tests.talentportal.factories import UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory, ServiceItemFactory
from tests.talents.factories import recruiter

pytestmark = pytest.mark.e2e

LANGUAGES = [pytest.param("", id="zh-hans"), pytest.param("/en", id="en")]
SCREENS = [
    pytest.param({"width": 1280, "height": 900}, id="1280px"),
    pytest.param({"width": 390, "height": 844}, id="390px"),
]
PHONE_WIDTH = 390
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Person:
    """A browser tab of one person, in one language, on one screen."""

    page: Page
    prefix: str  # "" for Chinese, "/en" for English
    width: int

    @property
    def english(self) -> bool:
        return self.prefix == "/en"

    def say(self, zh: str, en: str) -> str:
        """What the page says in this person's language."""
        return en if self.english else zh

    def url(self, path: str) -> str:
        return f"{self.prefix}{path}"

    def open(self, path: str) -> None:
        self.page.goto(self.url(path))
        self.check_page()

    def arrived(self, path: str) -> None:
        """After a click: the page is `path` (in this language) and fits the screen."""
        expect(self.page).to_have_url(
            re.compile(rf"^https?://[^/]+{re.escape(self.url(path))}(\?[^#]*)?(#.*)?$")
        )
        self.check_page()

    def check_page(self) -> None:
        """The page is in this person's language and does not scroll sideways."""
        self.page.wait_for_load_state("load")
        expect(self.page.locator("html")).to_have_attribute(
            "lang", "en" if self.english else "zh-hans"
        )
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, (
            f"{self.page.url} is {width} px wide on a {self.width} px screen"
        )


def person(new_context, base_url, prefix, screen, user=None) -> Person:
    """A new browser context at this screen size, signed in as `user` (through the session
    cookie of a verified log-in) when one is given."""
    context = new_context(viewport=screen)
    if user is not None:
        sign_in(context, base_url, user)
    return Person(context.new_page(), prefix, screen["width"])


def submitted_application_shows(applicant: Person, *answers: str) -> str:
    """The application's page, just submitted, shows the answers; returns its URL."""
    expect(applicant.page).to_have_url(re.compile(r"/me/applications/[^/]+/$"))
    applicant.check_page()
    main = applicant.page.locator("main")
    expect(main.locator(".status--submitted")).to_be_visible()
    for answer in answers:
        expect(main).to_contain_text(answer)
    return applicant.page.url


def visible_text(locator) -> str:
    return "\n".join(locator.all_inner_texts())


# 1. The calculator ----------------------------------------------------------------------


def calculator_library():
    """Hangzhou's benefits as the issue describes them: what a PhD gets (one with an online
    service), a competitive selection, one limited to the young, one for skilled workers."""
    service = ServiceItemFactory(
        region=region("330000"), name_zh="博士购房补贴申领", name_en="Claim the PhD housing subsidy"
    )
    policy = PolicyFactory(
        region=region("330100"),
        title_zh="杭州市高层次人才安居办法",
        title_en="Hangzhou housing measures for high-level talent",
        talent_groups=[TalentGroup.DOCTORAL],
    )
    housing = BenefitFactory(
        policy=policy,
        kind=BenefitKind.HOUSING_SUBSIDY,
        title_zh="博士购房补贴",
        title_en="PhD housing subsidy",
        amount_max=400_000,
        min_degree=Degree.DOCTORATE,
        service=service,
    )
    BenefitFactory(
        policy=policy,
        kind=BenefitKind.RENT_SUBSIDY,
        # Pasted with zero-width spaces; the page must not show them.
        title_zh="人才\u200b租房\u200b补贴",
        title_en="Talent\u200b rent subsidy",
        amount_max=2_500,
        period=Period.MONTHLY,
        period_count=36,
        min_degree=Degree.MASTER,
    )
    selection = BenefitFactory(
        policy=policy,
        kind=BenefitKind.RESEARCH_FUNDING,
        title_zh="青年拔尖人才资助",
        title_en="Funding for young top talent",
        amount_max=300_000,
        min_degree=Degree.DOCTORATE,
        competitive=True,
    )
    young = BenefitFactory(
        policy=policy,
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="青年博士生活补贴",
        title_en="Living allowance for young PhDs",
        amount_max=200_000,
        min_degree=Degree.DOCTORATE,
        max_age=30,
    )
    skilled = BenefitFactory(
        policy=policy,
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="高技能人才生活津贴",
        title_en="Allowance for high-skilled workers",
        amount_max=150_000,
        talent_categories=["skilled_worker"],
    )
    return service, housing, selection, young, skilled


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_phd_reads_a_calculator_result_he_can_trust(new_context, base_url, prefix, screen):
    service, housing, selection, young, skilled = calculator_library()
    visitor = person(new_context, base_url, prefix, screen)
    page = visitor.page

    visitor.open("/policies/calculator/")
    page.select_option("#id_degree", str(Degree.DOCTORATE.value))
    page.fill("#id_age", "32")
    page.select_option("#id_regions", "330100")
    page.locator(".policy-calculator__form [type=submit]").click()
    visitor.arrived("/policies/calculator/")

    # The total: 400,000 once and 2,500 a month for 36 months; not the 300,000 selection,
    # not the allowance for those 30 or younger, not the skilled workers' one.
    totals = page.locator(".policy-calculator__totals")
    expect(totals).to_contain_text("490,000")
    expect(totals).to_contain_text(visitor.say("2 项", "2 benefits"))
    counted = page.locator(
        ".policy-calculator__list"
        ":not(.policy-calculator__list--may):not(.policy-calculator__list--near)"
    )
    expect(counted).to_have_count(2)  # one list per kind: housing, rent
    expect(counted.nth(0)).to_contain_text(visitor.say(housing.title_zh, housing.title_en))
    expect(counted.nth(1)).to_contain_text(visitor.say("人才租房补贴", "Talent rent subsidy"))

    # The selection is "you may apply", apart from what is counted.
    selection_title = visitor.say(selection.title_zh, selection.title_en)
    expect(page.locator(".policy-calculator__list--may")).to_contain_text(selection_title)
    expect(page.locator("h4", has_text=visitor.say("可以申报", "You may apply"))).to_be_visible()
    for listed in counted.all():
        expect(listed).not_to_contain_text(selection_title)

    # Near misses: the skilled workers' allowance (a category one can prove), never age.
    near = page.locator(".policy-calculator__list--near")
    expect(near).to_contain_text(visitor.say(skilled.title_zh, skilled.title_en))
    results = page.locator(".policy-calculator__results")
    expect(results).not_to_contain_text(visitor.say(young.title_zh, young.title_en))
    expect(results).not_to_contain_text(visitor.say("周岁及以下", "or younger"))

    # No invisible characters in what a person reads or copies (the rent subsidy's title
    # was pasted with zero-width spaces; `expect` ignores them, so the text is read here).
    shown = visible_text(results)
    assert not INVISIBLE.search(shown), repr(INVISIBLE.findall(shown))

    # "Apply online" beside the housing subsidy leads to the service that grants it.
    apply_online = page.get_by_role(
        "link", name=re.compile(visitor.say("在线申请", "Apply online"))
    )
    expect(apply_online).to_have_count(1)  # only the housing subsidy has a service
    expect(counted.nth(0).locator("li").filter(has=apply_online)).to_contain_text(
        visitor.say(housing.title_zh, housing.title_en)
    )
    apply_online.click()
    visitor.arrived(f"/services/{service.pk}/")
    expect(page.locator("h1")).to_have_text(visitor.say(service.name_zh, service.name_en))


# 2. The comparison ----------------------------------------------------------------------


def comparison_library():
    """The issue's case: Hangzhou pays a PhD 80,000 a year for 5 years (400,000), Ningbo
    350,000 once and a 900,000 award by selection; a master's allowance stays out."""
    BenefitFactory(
        policy__region=region("330100"),
        policy__talent_groups=[TalentGroup.DOCTORAL],
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="杭州博士生活补贴",
        title_en="Hangzhou PhD living allowance",
        amount_max=80_000,
        period=Period.YEARLY,
        period_count=5,
        min_degree=Degree.DOCTORATE,
    )
    BenefitFactory(
        policy__region=region("330200"),
        policy__talent_groups=[TalentGroup.DOCTORAL],
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="宁波博士生活补贴",
        title_en="Ningbo PhD living allowance",
        amount_max=350_000,
        min_degree=Degree.DOCTORATE,
    )
    BenefitFactory(
        policy__region=region("330200"),
        kind=BenefitKind.AWARD,
        title_zh="宁波顶尖人才奖",
        title_en="Ningbo top talent award",
        amount_max=900_000,
        competitive=True,
    )
    BenefitFactory(
        policy__region=region("330100"),
        policy__talent_groups=[TalentGroup.MASTERS],
        kind=BenefitKind.LIVING_ALLOWANCE,
        title_zh="杭州硕士生活补贴",
        title_en="Hangzhou master's living allowance",
        amount_max=50_000,
        min_degree=Degree.MASTER,
    )


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_visitor_compares_two_regions_and_downloads_the_table(
    new_context, base_url, prefix, screen
):
    comparison_library()
    visitor = person(new_context, base_url, prefix, screen)
    page = visitor.page

    visitor.open("/policies/compare/")
    page.select_option("#id_regions", "330100")
    page.select_option("#id_regions_2", "330200")
    page.select_option("#id_group", TalentGroup.DOCTORAL.value)
    page.locator(".policy-compare-form [type=submit]").click()
    visitor.arrived("/policies/compare/")

    table = page.locator("table.policy-compare__table")
    expect(table.locator("thead th")).to_have_count(3)
    # 80,000 × 5 years is 400,000 and beats Ningbo's 350,000 (not a 3-year 240,000).
    living = table.locator("tbody tr", has=page.locator("td", has_text="350,000")).first
    expect(living.locator("td").nth(0)).to_contain_text("400,000")
    expect(living.locator("td").nth(0)).to_have_class(re.compile("policy-compare__cell--best"))
    expect(living.locator("td").nth(1)).not_to_have_class(re.compile("--best"))
    # A total per region; the award is shown as a selection and not counted.
    total = table.locator("tr.policy-compare__total")
    expect(total.locator("th")).to_have_text(visitor.say("合计", "Total"))
    expect(total.locator("td").nth(0)).to_contain_text("400,000")
    expect(total.locator("td").nth(0)).to_have_class(re.compile("policy-compare__cell--best"))
    expect(total.locator("td").nth(1)).to_contain_text("350,000")
    expect(total.locator("td").nth(1)).not_to_contain_text("1,250,000")
    expect(table).to_contain_text(visitor.say("宁波顶尖人才奖", "Ningbo top talent award"))
    expect(table).to_contain_text(visitor.say("择优评选，不计入", "by selection, not counted"))
    # Only the PhD's benefits.
    expect(table).not_to_contain_text(visitor.say("杭州硕士生活补贴", "master's living allowance"))
    # The normalisation, stated.
    expect(page.locator(".policy-compare")).to_contain_text(
        visitor.say("未写明期限的按三年计", "a payment with no stated end counts for three years")
    )

    # The CSV: in the amount columns, numbers only; the best marked in its own column.
    link = page.locator("a[href*='format=csv']")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    header, *lines = rows
    assert len(header) == 1 + 3 * 2
    amounts = [2, 5]  # per region: benefits, yuan, best
    assert all(re.fullmatch(r"\d*", line[i]) for line in lines for i in amounts), lines
    totals = lines[-1]
    assert (totals[2], totals[3], totals[5], totals[6]) == ("400000", "1", "350000", "")


# 3. A public service application --------------------------------------------------------

SCHEMA = [
    {"name": "employer", "label_zh": "工作单位", "label_en": "Employer", "kind": "text",
     "required": True},
    {"name": "tier", "label_zh": "人才类别", "label_en": "Talent tier", "kind": "choice",
     "required": True, "choices": ["A类", "B类", "C类"]},
]  # fmt: skip


def online_service(**kwargs):
    service = ServiceItemFactory(form_schema=SCHEMA, **kwargs)
    ServiceMaterial.objects.create(
        service=service, name_zh="身份证", name_en="Identity card", position=1
    )
    return service


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_talent_checks_submits_follows_and_withdraws_an_application(
    new_context, base_url, prefix, screen
):
    service = online_service(name_zh="高层次人才待遇确认", name_en="Confirmation of benefits")
    other = online_service(name_zh="人才落户服务", name_en="Household registration for talent")
    talent = UserFactory()
    draft = ServiceApplicationFactory(applicant=talent, service=other)
    applicant = person(new_context, base_url, prefix, screen, user=talent)
    page = applicant.page
    apply_path = f"/services/{service.pk}/apply/"

    # Submitting too early: messages that say what to do, not Django's generic one.
    applicant.open(apply_path)
    page.locator("button[value=check]").click()
    form = page.locator("form.service-form")
    expect(form).to_contain_text(applicant.say("请填写工作单位", "Enter employer."))
    expect(form).to_contain_text(applicant.say("请选择人才类别", "Select talent tier."))
    expect(form).to_contain_text(applicant.say("请上传身份证", "Upload identity card."))
    expect(page.locator("main")).not_to_contain_text(
        applicant.say("这个字段是必填项", "This field is required")
    )
    applicant.check_page()

    # The whole form: "continue" leads to "check your answers", which shows them.
    page.fill("#id_answer_employer", "浙江大学")
    page.check("input[name=answer_tier][value='B类']")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "id-card.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.locator("button[value=check]").click()
    expect(page).to_have_url(re.compile(r"/me/applications/[^/]+/check/$"))
    applicant.check_page()
    answers = page.locator("dl.check-answers")
    expect(answers).to_contain_text(applicant.say("工作单位", "Employer"))
    expect(answers).to_contain_text("浙江大学")
    expect(answers).to_contain_text("B类")
    expect(page.locator("main")).to_contain_text("id-card.pdf")

    # "Change" goes back to the form, which kept the answers.
    answers.get_by_role("link", name=re.compile(applicant.say("修改", "Change"))).first.click()
    applicant.arrived(apply_path)
    expect(page.locator("#id_answer_employer")).to_have_value("浙江大学")
    page.fill("#id_answer_employer", "浙江大学医学院")
    page.locator("button[value=check]").click()
    expect(answers).to_contain_text("浙江大学医学院")
    page.get_by_role("button", name=applicant.say("确认并提交", "Accept and submit")).click()
    expect(page.locator("h1")).to_have_text(applicant.say("申请已提交", "Application submitted"))
    applicant.check_page()

    # The application's page shows what was submitted.
    page.get_by_role("link", name=applicant.say("查看我的申请", "View my application")).click()
    detail_url = submitted_application_shows(applicant, "浙江大学医学院", "B类", "id-card.pdf")
    main = page.locator("main")

    # My applications: the submitted one, and the draft that leads back to its form.
    applicant.open("/me/applications/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    draft_row = rows.filter(has_text=draft.reference)
    expect(draft_row.locator(".status--draft")).to_be_visible()
    draft_row.get_by_role(
        "link", name=re.compile(applicant.say("继续填写申请", "Continue the application"))
    ).click()
    applicant.arrived(f"/services/{other.pk}/apply/")
    expect(page.locator("input[name=reference]")).to_have_value(draft.reference)

    # Withdrawing asks first; "No, keep it" keeps it.
    page.goto(detail_url)
    withdraw = page.get_by_role(
        "link", name=applicant.say("撤回此申请", "Withdraw this application")
    )
    withdraw.click()
    expect(page).to_have_url(re.compile(r"/me/applications/[^/]+/withdraw/$"))
    applicant.check_page()
    yes = page.get_by_role("button", name=re.compile(applicant.say("确定撤回", "Yes, withdraw")))
    no = page.get_by_role("link", name=applicant.say("不撤回", "No, keep it"))
    expect(yes).to_be_visible()
    no.click()
    expect(page).to_have_url(detail_url)
    expect(main.locator(".status--submitted")).to_be_visible()
    withdraw.click()
    yes.click()
    expect(page).to_have_url(detail_url)
    expect(main.locator(".status--withdrawn")).to_have_text(applicant.say("已撤回", "Withdrawn"))
    expect(withdraw).to_have_count(0)
    applicant.check_page()
    assert ServiceApplication.objects.get(service=service).status == ApplicationStatus.WITHDRAWN


# 4. Finding one's way -------------------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_visitor_finds_the_pages_the_home_page_names(new_context, base_url, prefix, screen):
    PolicyFactory(title_zh="杭州市人才安居办法", title_en="Hangzhou talent housing measures")
    PolicyFactory(title_zh="宁波市人才安居实施细则", title_en="Ningbo talent housing rules")
    visitor = person(new_context, base_url, prefix, screen)
    page = visitor.page
    quick_links = page.locator("nav.quick-links")

    # The quick links lead to the pages they name.
    for name, path, heading in (
        (visitor.say("跨地区政策对比", "Compare the policies of regions"), "/policies/compare/",
         visitor.say("跨地区政策对比", "Compare regions side by side")),
        (visitor.say("大学生实习岗位", "Internships for college students"), "/internships/",
         visitor.say("大学生实习岗位", "Internships for college students")),
    ):  # fmt: skip
        visitor.open("/")
        quick_links.get_by_role("link", name=name, exact=True).click()
        visitor.arrived(path)
        expect(page.locator("h1")).to_have_text(heading)

    # The policy list: on a phone the results come first and the filters wait behind a
    # closed disclosure; on a wide screen they stand beside the results.
    visitor.open("/policies/")
    disclosure = page.locator("details.filters-disclosure")
    apply_filters = disclosure.locator("button[type=submit]")
    results = page.locator("#policy-results")
    expect(results.locator(".policy-item")).to_have_count(2)
    if visitor.width <= PHONE_WIDTH:
        summary = disclosure.locator("summary.filters-disclosure__summary")
        expect(summary).to_have_text(visitor.say("筛选", "Filters"))
        expect(disclosure).not_to_have_attribute("open", "")
        expect(apply_filters).to_be_hidden()
        # The closed disclosure is one line, and the results follow it at once.
        closed = disclosure.bounding_box()
        assert closed["height"] < 80
        assert results.bounding_box()["y"] - (closed["y"] + closed["height"]) < 120
        summary.click()
        expect(apply_filters).to_be_visible()
    else:
        expect(apply_filters).to_be_visible()

    # A search: the highlighted titles read (and copy) without invisible characters (search
    # headlines put zero-width spaces between Chinese words; `expect` ignores them, so the
    # text is read here).
    page.fill("#id_q", "人才安居")
    page.locator("#policy-search [type=submit]").click()
    visitor.arrived("/policies/")
    expect(results.locator(".policy-item mark").first).to_be_visible()
    expect(results.locator(".policy-item__title").first).to_contain_text(
        visitor.say("杭州市人才安居办法", "Hangzhou talent housing measures")
    )
    shown = visible_text(results.locator(".policy-item"))
    assert not INVISIBLE.search(shown), repr(INVISIBLE.findall(shown))


# 5. An enterprise applies for a loan ------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_an_enterprise_applies_for_a_loan_resumes_checks_and_withdraws(
    new_context, base_url, prefix, screen
):
    product = ProductFactory(
        name_zh="科技型中小企业信用贷",
        name_en="Credit loan for technology SMEs",
        max_amount=1_000_000,
        eligible_enterprise_types=[EnterpriseType.HIGH_TECH, EnterpriseType.PRIVATE],
    )
    member = recruiter(name="杭州云栖智能科技有限公司")
    applicant = person(new_context, base_url, prefix, screen, user=member)
    page = applicant.page
    product_path = f"/finance/{product.pk}/"
    form = page.locator("#apply form")

    applicant.open(product_path)
    expect(page.locator("#apply .eco-tag--yes")).to_be_visible()
    # Too early: what to do about each empty answer, not Django's generic message.
    form.locator("button[value=submit]").click()
    applicant.arrived(f"{product_path}apply/")
    expect(form).to_contain_text(applicant.say("请填写申请金额（元）", "Enter amount requested"))
    expect(form).to_contain_text(applicant.say("请填写资金用途", "Enter what the money is for"))
    expect(form).to_contain_text(applicant.say("请选择贵企业的类型", "Select type of your"))
    expect(page.locator("main")).not_to_contain_text(
        applicant.say("这个字段是必填项", "This field is required")
    )

    # A draft, saved and resumed from My applications.
    page.fill("#id_amount", "300000")
    page.fill("#id_purpose", "购置中试设备")
    page.check(f"input[name=enterprise_type][value={EnterpriseType.HIGH_TECH}]")
    form.locator("button[value=save]").click()
    applicant.arrived(product_path)
    applicant.open("/me/applications/")
    draft_row = page.locator("main table tbody tr").filter(
        has_text=applicant.say(product.name_zh, product.name_en)
    )
    draft_row.get_by_role(
        "link", name=re.compile(applicant.say("继续填写申请", "Continue the application"))
    ).click()
    applicant.arrived(product_path)
    expect(page.locator("#id_amount")).to_have_value("300000")
    expect(page.locator("#id_purpose")).to_have_value("购置中试设备")

    # "Check your answers": the enterprise's questions too; then submit.
    form.locator("button[value=submit]").click()
    expect(page).to_have_url(re.compile(r"/me/applications/[^/]+/check/$"))
    applicant.check_page()
    answers = page.locator("dl.check-answers")
    expect(answers).to_contain_text("300000")
    expect(answers).to_contain_text("购置中试设备")
    expect(answers).to_contain_text(applicant.say("代表企业", "on behalf of the enterprise"))
    expect(answers).to_contain_text("杭州云栖智能科技有限公司")
    expect(answers).to_contain_text(applicant.say("高新技术企业", "High-tech enterprise"))
    page.get_by_role("button", name=applicant.say("确认并提交", "Accept and submit")).click()
    detail_url = submitted_application_shows(applicant, "购置中试设备", "杭州云栖智能科技有限公司")
    main = page.locator("main")

    # Withdrawing asks first.
    main.get_by_role("link", name=applicant.say("撤回此申请", "Withdraw this application")).click()
    expect(page).to_have_url(re.compile(r"/me/applications/[^/]+/withdraw/$"))
    applicant.check_page()
    page.get_by_role("button", name=re.compile(applicant.say("确定撤回", "Yes, withdraw"))).click()
    expect(page).to_have_url(detail_url)
    expect(main.locator(".status--withdrawn")).to_be_visible()
    application = FinancialApplication.objects.get(product=product)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.enterprise.name == "杭州云栖智能科技有限公司"


# 6. Staff keep the public pages true ------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_staff_keep_a_policy_current_and_its_service_in_step(new_context, base_url, prefix, screen):
    policy = PolicyFactory(
        region=region("330100"),
        title_zh="杭州市高校毕业生生活补贴实施办法",
        title_en="Hangzhou living allowance for graduates",
        issued_on=datetime.date(2023, 6, 1),
        last_reviewed_on=datetime.date(2024, 1, 2),
    )
    phd = BenefitFactory(
        policy=policy, amount_max=100_000, title_zh="博士生活补贴", title_en="PhD allowance"
    )
    BenefitFactory(
        policy=policy, amount_max=50_000, title_zh="硕士生活补贴", title_en="Master's allowance"
    )
    service = ServiceItemFactory(
        region=region("330100"),
        policy=policy,
        name_zh="高校毕业生生活补贴申领",
        name_en="Claim the graduates' living allowance",
        description_zh="可一次性申领生活补贴：博士5万元、硕士3万元。",
    )
    sync_roles()
    editor = UserFactory(kind="staff", is_staff=True, is_superuser=False)
    editor.groups.set([Group.objects.get(name=CONTENT_EDITOR)])
    staff = person(new_context, base_url, prefix, screen, user=editor)
    page = staff.page
    stale = page.locator(".policy-badge--stale")
    policy_path = f"/policies/{policy.pk}/"

    # A policy nobody checked for a year says so in public, until staff mark it reviewed.
    staff.open(policy_path)
    expect(stale).to_be_visible()
    staff.open("/admin/policies/policy/?review=stale")
    page.check(f"input[name=_selected_action][value='{policy.pk}']")
    page.select_option("select[name=action]", "mark_reviewed")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        staff.say("已将 1 项政策标记为今日已复核", "1 policy marked as reviewed today")
    )
    expect(page.locator("#result_list")).to_have_count(0)  # no stale policy is left
    staff.open(policy_path)
    expect(stale).to_have_count(0)
    expect(page.locator("main")).to_contain_text(timezone.localdate().isoformat())

    # The service's text names 50,000 where the policy gives a PhD 100,000: the admin warns
    # until the text stops restating amounts.
    service_admin = f"/admin/policies/serviceitem/{service.pk}/change/"
    staff.open(service_admin)
    expect(page.locator(".messagelist .warning")).to_contain_text("30,000")
    page.fill("#id_description_zh", "可一次性申领生活补贴，金额以政策规定为准。")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".messagelist .warning")).to_have_count(0)
    staff.check_page()

    # The PhD benefit names the service that grants it; the policy page offers to apply.
    staff.open(f"/admin/policies/benefit/{phd.pk}/change/")
    page.locator(".field-service .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("生活补贴申领")
    page.locator(
        ".select2-results__option", has_text=staff.say(service.name_zh, service.name_en)
    ).click()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    staff.open(policy_path)
    apply_online = page.get_by_role("link", name=re.compile(staff.say("在线申请", "Apply online")))
    expect(apply_online).to_have_count(1)
    apply_online.click()
    staff.arrived(f"/services/{service.pk}/")
    expect(page.locator("h1")).to_have_text(staff.say(service.name_zh, service.name_en))


# 7. A talent keeps track ------------------------------------------------------------------

# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_talent_follows_saves_picks_regions_and_takes_their_data(
    new_context, base_url, prefix, screen, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from apartments.models import CommunityPhoto
    from tests.apartments.factories import CommunityFactory
    from tests.talents.factories import TalentFactory

    settings.MEDIA_ROOT = tmp_path
    policy = PolicyFactory(
        region=region("330100"),
        title_zh="杭州市人才安居办法",
        title_en="Hangzhou talent housing measures",
    )
    BenefitFactory(policy=policy, amount_max=100_000, min_degree=Degree.DOCTORATE)
    talent = TalentFactory(highest_degree=Degree.DOCTORATE).user
    application = ServiceApplicationFactory(
        applicant=talent,
        service=online_service(),
        status=ApplicationStatus.SUBMITTED,
        answers={"employer": "浙江大学", "tier": "B类"},
    )
    community = CommunityFactory()
    photo = CommunityPhoto(community=community, caption_zh="外景", position=1)
    photo.image.save("front.png", ContentFile(PNG), save=True)
    person_ = person(new_context, base_url, prefix, screen, user=talent)
    page = person_.page

    # Follow this one policy, and save a calculator profile.
    person_.open(f"/policies/{policy.pk}/")
    page.get_by_role("button", name=person_.say("关注本政策", "Follow this policy")).click()
    expect(page.locator(".policy__aside")).to_contain_text(
        person_.say("您已关注本政策", "You follow this policy")
    )
    person_.open("/policies/calculator/")
    page.select_option("#id_degree", str(Degree.DOCTORATE.value))
    page.select_option("#id_regions", "330100")
    page.locator(".policy-calculator__form [type=submit]").click()
    page.get_by_role("button", name=person_.say("保存测算条件", "Save this profile")).click()
    # Both on the follow page.
    person_.open("/policies/following/")
    main = page.locator("main")
    expect(main.locator(".policy-follows")).to_contain_text(
        person_.say(policy.title_zh, policy.title_en)
    )
    saved = main.locator("section[aria-labelledby=saved-profile-title]")
    hangzhou = region("330100")
    expect(saved).to_contain_text(person_.say("博士", "Doctorate"))
    expect(saved).to_contain_text(person_.say(hangzhou.name_zh, hangzhou.name_en))

    # A preferred work region: the picker lists a province's places, then one is added.
    person_.open("/me/profile/")
    page.select_option("#id_work_regions_add", "330000")
    page.get_by_role("button", name=person_.say("列出其下属地区", "List its places")).click()
    person_.check_page()
    page.select_option("#id_work_regions_add", "330200")
    page.get_by_role("button", name=person_.say("保存我的档案", "Save my profile")).click()
    person_.check_page()
    person_.open("/me/profile/")
    expect(page.locator("input[name=work_regions][value='330200']")).to_be_checked()

    # My data: the answers I submitted are in it.
    response = page.request.get(person_.url("/me/profile/data/export/"))
    assert response.ok
    (entry,) = [
        a for a in response.json()["applications"] if a["reference"] == application.reference
    ]
    assert {"question": "工作单位", "answer": "浙江大学"} in entry["answers"] or {
        "question": "Employer",
        "answer": "浙江大学",
    } in entry["answers"]

    # The photos of the apartment list load.
    person_.open("/apartments/")
    image = page.locator("img.apt-card__photo").first
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
