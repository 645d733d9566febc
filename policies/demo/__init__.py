# ruff: noqa: E501 -- the policy texts read better unbroken.
"""Demo policies for every city of Zhejiang, Jiangsu and Tianjin, with comparable benefits and
interpretations ("dry goods"). `manage.py seed_demo` calls `seed()`.

The library is a fixed sequence of policies: first the current policy of each kind for the
provinces, cities, Tianjin's districts and a few counties (the small scale stops about there),
then the current policies of every other county, then, round after round, the history — the
previous editions they repealed and the annual application notices that have expired. Policy
number *i* is the same at every scale (it draws from its own random stream), so the small set
is the start of the large one, and its document number (unique among the generated policies)
tells whether it is there already: re-running adds only what is missing.

Programme names, amounts and wording follow the real policies of these places (Hangzhou's
graduate living allowances, Ningbo's Yongjiang Talent Project, Changzhou's Dragon City Talent
Plan and talent apartments, Huai'an's Huaishang Talent Plan, Tianjin's Haihe Talent plan and
Binhai New Area's Kunpeng Plan, Zhejiang's Ten Thousand Talents Program); amounts are rounded
and scaled per city so that comparisons are meaningful, not quoted.
"""

import datetime
import random
import time
from dataclasses import dataclass

from policies.demo.services import seed_services
from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    EnterpriseType,
    Interpretation,
    InterpretationKind,
    Period,
    Policy,
    PolicyStatus,
    SavedProfile,
    TalentCategory,
    TalentGroup,
)
from talentportal.choices import Degree, TalentTier
from talentportal.demo import demo_user
from talentportal.models import Industry, Region, RegionLevel

COUNTS = {"small": 300, "large": 10_000}
BATCH = 500
REFERENCE_DATE = datetime.date(2026, 10, 1)  # "today" for the demo data
PROVINCES = ("330000", "320000", "120000")

# code: (short name, document prefix, programme, programme in English, amount factor)
BRANDS = {
    "330000": ("浙江", "浙", "“鲲鹏行动”计划", "Kunpeng Action Plan", 1.0),
    "320000": ("江苏", "苏", "“双创计划”", "Innovation and Entrepreneurship Program", 1.0),
    "120000": ("天津", "津", "“海河英才”行动计划", "Haihe Talent Action Plan", 0.9),
    "330100": ("杭州", "杭", "全球引才“521”计划", "Global Talent “521” Program", 1.0),
    "330200": ("宁波", "甬", "“甬江人才工程”", "Yongjiang Talent Project", 0.9),
    "330300": ("温州", "温", "“瓯越英才计划”", "Ouyue Talent Plan", 0.75),
    "330400": ("嘉兴", "嘉", "“创新嘉兴·精英引领计划”", "Innovative Jiaxing Elite Plan", 0.75),
    "330500": ("湖州", "湖", "“南太湖精英计划”", "South Taihu Elite Plan", 0.7),
    "330600": ("绍兴", "绍", "“名士之乡英才计划”", "Land of Scholars Talent Plan", 0.75),
    "330700": ("金华", "金", "“双龙计划”", "Twin Dragons Plan", 0.7),
    "330800": ("衢州", "衢", "“南孔英才计划”", "Nankong Talent Plan", 0.65),
    "330900": ("舟山", "舟", "“海洋人才计划”", "Ocean Talent Plan", 0.65),
    "331000": ("台州", "台", "“500精英计划”", "500 Elite Plan", 0.7),
    "331100": ("丽水", "丽", "“绿谷英才计划”", "Green Valley Talent Plan", 0.6),
    "320100": ("南京", "宁", "“紫金山英才计划”", "Zijinshan Talent Plan", 1.0),
    "320200": ("无锡", "锡", "“太湖人才计划”", "Taihu Talent Plan", 0.85),
    "320300": ("徐州", "徐", "“彭城英才计划”", "Pengcheng Talent Plan", 0.65),
    "320400": ("常州", "常", "“龙城英才计划”", "Dragon City Talent Plan", 0.8),
    "320500": ("苏州", "苏府", "“姑苏创新创业领军人才计划”", "Gusu Leading Talent Plan", 1.0),
    "320600": ("南通", "通", "“江海英才计划”", "Jianghai Talent Plan", 0.75),
    "320700": ("连云港", "连", "“花果山英才计划”", "Huaguoshan Talent Plan", 0.6),
    "320800": ("淮安", "淮", "“淮上英才计划”", "Huaishang Talent Plan", 0.6),
    "320900": ("盐城", "盐", "“黄海明珠人才计划”", "Yellow Sea Pearl Talent Plan", 0.6),
    "321000": ("扬州", "扬", "“绿扬金凤计划”", "Green Willow Golden Phoenix Plan", 0.7),
    "321100": ("镇江", "镇", "“金山英才计划”", "Jinshan Talent Plan", 0.7),
    "321200": ("泰州", "泰", "“凤城英才计划”", "Phoenix City Talent Plan", 0.65),
    "321300": ("宿迁", "宿", "“雄鹰计划”", "Eagle Plan", 0.55),
    "120116": ("滨海", "滨海", "“鲲鹏计划”", "Kunpeng Plan", 0.95),
}
PLATFORMS = {
    "33": ("浙江人才服务平台", "the Zhejiang Talent Service Platform"),
    "32": ("江苏政务服务网", "the Jiangsu Government Service Network"),
    "12": ("天津市人才服务平台", "the Tianjin Talent Service Platform"),
}
# Binhai's eight future industries; Zhejiang's and Jiangsu's strategic ones.
FUTURE_INDUSTRIES = [
    "biomanufacturing",
    "cell-and-gene-therapy",
    "brain-science-intelligent-medicine",
    "information-innovation",
    "deep-sea-exploration",
    "aerospace-utilization",
    "advanced-energy",
    "frontier-materials",
]
STRATEGIC_INDUSTRIES = [
    "new-generation-it",
    "integrated-circuits",
    "artificial-intelligence",
    "digital-economy",
    "high-end-equipment",
    "new-materials",
    "biomedicine",
    "new-energy-vehicles",
    "marine-equipment",
]

TIER_LABELS = {"A": "A类顶尖人才", "B": "B类国家级领军人才", "C": "C类省级领军人才",
               "D": "D类市级领军人才", "E": "E类高级人才"}  # fmt: skip


@dataclass
class Place:
    """Names and conventions of the region a policy is issued for."""

    region: Region
    short: str
    prefix: str
    programme: str
    programme_en: str
    factor: float

    @property
    def name(self) -> str:
        return self.region.name_zh

    @property
    def name_en(self) -> str:
        return self.region.name_en or self.region.name_zh

    @property
    def is_province(self) -> bool:
        return self.region.level == RegionLevel.PROVINCE

    @property
    def local_name(self) -> str:
        """The name without its 省/市/区/县 suffix, as party committees are named."""
        name = self.name
        if name.endswith("新区"):  # 中共滨海新区区委
            return name
        for suffix in ("省", "市", "区", "县"):
            if name.endswith(suffix) and len(name) > 2:
                return name.removesuffix(suffix)
        return name

    @property
    def party_committee(self) -> tuple[str, str]:
        if self.region.level == RegionLevel.PROVINCE:
            level = "市委" if self.region.code == "120000" else "省委"
        elif self.region.level == RegionLevel.CITY:
            level = "市委"
        else:
            level = {"区": "区委", "县": "县委"}.get(self.name[-1], "市委")
        zh = f"中共{self.local_name}{level}人才工作领导小组办公室"
        return zh, f"Talent Work Leading Group Office of the CPC {self.name_en} Committee"

    @property
    def provincial_office(self) -> bool:
        """Provinces have departments (厅); Tianjin, a municipality, has bureaus (局)."""
        return self.region.level == RegionLevel.PROVINCE and self.region.code != "120000"

    @property
    def hr_bureau(self) -> tuple[str, str]:
        office = "厅" if self.provincial_office else "局"
        zh = f"{self.name}人力资源和社会保障{office}"
        kind = "Department" if office == "厅" else "Bureau"
        return zh, f"{self.name_en} Human Resources and Social Security {kind}"

    @property
    def government(self) -> tuple[str, str]:
        office = "厅" if self.region.level == RegionLevel.PROVINCE else "室"
        return (
            f"{self.name}人民政府办公{office}",
            f"General Office of the {self.name_en} People's Government",
        )

    @property
    def housing_bureau(self) -> tuple[str, str]:
        office, kind = ("厅", "Department") if self.provincial_office else ("局", "Bureau")
        return (
            f"{self.name}住房和城乡建设{office}",
            f"{self.name_en} Housing and Urban-Rural Development {kind}",
        )

    @property
    def platform(self) -> tuple[str, str]:
        return PLATFORMS[self.region.code[:2]]


def place_of(region: Region, parents: dict[str, Region]) -> Place:
    if region.code in BRANDS:
        short, prefix, programme, programme_en, factor = BRANDS[region.code]
        return Place(region, short, prefix, programme, programme_en, factor)
    # A county or a Tianjin district: its own plan, amounts below its city's.
    city = parents.get(region.parent_id)
    base = BRANDS.get(city.code if city else "", BRANDS[region.code[:2] + "0000"])
    short = region.name_zh.split("自治县")[0][:2] if "自治县" in region.name_zh else region.name_zh
    short = short.removesuffix("区").removesuffix("县").removesuffix("市")
    short = short if len(short) >= 2 else region.name_zh
    return Place(
        region,
        short,
        short,
        f"“{short}英才计划”",
        f"{region.name_en.removesuffix(' District').removesuffix(' County')} Talent Plan",
        round(base[4] * (0.75 if region.code[:2] == "12" else 0.55), 2),
    )


def money(amount: float, step: int = 1_000) -> int:
    return max(step, round(amount / step) * step)


def yuan_zh(amount: int) -> str:
    if amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount // 10_000}万元"
    if amount >= 10_000:
        return f"{amount / 10_000:g}万元"
    return f"{amount}元"


def yuan_en(amount: int) -> str:
    return f"{amount:,} yuan"


def paid_zh(amount: int, period: str, count: int | None) -> str:
    if period == Period.MONTHLY:
        return f"每月{yuan_zh(amount)}，最长发放{count}个月" if count else f"每月{yuan_zh(amount)}"
    if period == Period.YEARLY:
        return f"每年{yuan_zh(amount)}，连续发放{count}年" if count else f"每年{yuan_zh(amount)}"
    if period == Period.TOTAL:
        return f"合计{yuan_zh(amount)}，分{count}年发放"
    return f"一次性发放{yuan_zh(amount)}"


def paid_en(amount: int, period: str, count: int | None) -> str:
    if period == Period.MONTHLY:
        return f"{yuan_en(amount)} a month" + (f" for up to {count} months" if count else "")
    if period == Period.YEARLY:
        return f"{yuan_en(amount)} a year" + (f" for {count} years" if count else "")
    if period == Period.TOTAL:
        return f"{yuan_en(amount)} in total, paid over {count} years"
    return f"{yuan_en(amount)} once"


def payment_style(rng: random.Random, amount: int) -> tuple[int, str, int | None]:
    """How a large subsidy is paid: at once, or split over three or five years."""
    style = rng.choice(["once", "once", "total3", "total5", "yearly"])
    if style == "total3":
        return amount, Period.TOTAL, 3
    if style == "total5":
        return amount, Period.TOTAL, 5
    if style == "yearly":
        return money(amount / 5, 5_000), Period.YEARLY, 5
    return amount, Period.ONCE, None


KIND_NOUNS_EN = {
    BenefitKind.HOUSING_SUBSIDY: "a housing subsidy",
    BenefitKind.RENT_SUBSIDY: "a rent subsidy",
    BenefitKind.LIVING_ALLOWANCE: "a living allowance",
    BenefitKind.SETTLING_ALLOWANCE: "a settling-in allowance",
    BenefitKind.STARTUP_FUNDING: "start-up funding",
    BenefitKind.RESEARCH_FUNDING: "research funding",
    BenefitKind.AWARD: "an award",
    BenefitKind.LOAN_GUARANTEE: "a loan interest subsidy",
    BenefitKind.INTERNSHIP_SUBSIDY: "an internship subsidy",
}


def benefit(
    kind,
    title_zh,
    title_en,
    who_zh,
    who_en,
    amount=None,
    period=Period.ONCE,
    count=None,
    amount_min=None,
    note_zh="",
    note_en="",
    **eligibility,
):
    """A benefit as a dict of Benefit fields, with a description that states it."""
    noun_en = KIND_NOUNS_EN.get(kind, title_en.lower())
    if amount is not None:
        if amount_min is not None:
            what_zh = f"给予{yuan_zh(amount_min)}至{paid_zh(amount, period, count)}的{title_zh}"
            what_en = f"{noun_en} of {yuan_en(amount_min)} to {paid_en(amount, period, count)}"
        else:
            what_zh = f"给予{title_zh}，{paid_zh(amount, period, count)}"
            what_en = f"{noun_en} of {paid_en(amount, period, count)}"
        description_en = f"{who_en[0].upper()}{who_en[1:]} receive {what_en}. {note_en}".strip()
    else:
        what_zh = f"提供{title_zh}"
        description_en = f"{title_en}, for {who_en}: {note_en}"
    description_zh = f"对{who_zh}，{what_zh}。{note_zh}"
    return {
        "kind": kind,
        "title_zh": title_zh,
        "title_en": title_en,
        "description_zh": description_zh,
        "description_en": description_en,
        "amount_min": amount_min,
        "amount_max": amount,
        "period": period,
        "period_count": count,
        **eligibility,
    }


# The kinds of policy. Each returns (title, title in English, summary, summary in English,
# categories, talent groups, industries, benefits, authority).


def t_classification(place: Place, rng: random.Random, f: float):
    tiers_top = money(8_000_000 * f, 100_000)
    tiers_b = money(3_000_000 * f, 100_000)
    tiers_c = money(2_000_000 * f, 50_000)
    tiers_d = money(1_000_000 * f, 50_000)
    tiers_e = money(400_000 * f, 10_000)
    amount, period, count = payment_style(rng, tiers_b)
    benefits = [
        benefit(BenefitKind.HOUSING_SUBSIDY, "顶尖人才购房补贴", "Housing subsidy for top talent",
                "经认定的A类顶尖人才", "certified tier A top talent", tiers_top, Period.TOTAL, 10,
                note_zh="实行“一事一议”。", note_en="Decided case by case.",
                tiers=["A"], must_work_in_region=True),
        benefit(BenefitKind.HOUSING_SUBSIDY, "领军人才购房补贴", "Housing subsidy for leading talent",
                "经认定的B类国家级领军人才", "certified tier B national leading talent",
                amount, period, count, tiers=["B"], must_work_in_region=True),
        benefit(BenefitKind.HOUSING_SUBSIDY, "高层次人才购房补贴", "Housing subsidy for high-level talent",
                "经认定的C类、D类人才", "certified tier C and D talent", tiers_c, Period.TOTAL, 5,
                amount_min=tiers_d, tiers=["C", "D"], must_work_in_region=True),
        benefit(BenefitKind.HOUSING_SUBSIDY, "高级人才购房补贴", "Housing subsidy for senior talent",
                "经认定的E类高级人才", "certified tier E senior talent", tiers_e, Period.TOTAL, 5,
                tiers=["E"], must_work_in_region=True, max_age=rng.choice([None, 45, 50])),
        benefit(BenefitKind.CHILDREN_SCHOOLING, "子女入学保障", "Schooling for children",
                "A至D类人才", "tier A to D talent", note_zh="子女可在居住地或工作地统筹安排入学。",
                note_en="Children are placed in a school near home or work.",
                tiers=["A", "B", "C", "D"]),
        benefit(BenefitKind.MEDICAL_GREEN_CHANNEL, "医疗保健绿色通道", "Medical green channel",
                "A至C类人才", "tier A to C talent", note_zh="享受定点医院预约诊疗、年度健康体检服务。",
                note_en="Appointments at designated hospitals and a yearly check-up.",
                tiers=["A", "B", "C"]),
    ]  # fmt: skip
    chosen = benefits[:2] + rng.sample(benefits[2:], rng.randint(1, 4))
    return (
        f"{place.name}高层次人才分类认定和服务保障办法",
        f"{place.name_en} measures for classifying and supporting high-level talent",
        f"明确A至E类高层次人才的认定标准，以及购房补贴、子女入学、医疗保健等服务保障待遇，"
        f"深入实施人才强{'省' if place.is_province else '市'}战略。",
        "Sets the criteria for tier A to E high-level talent and what they receive: housing "
        "subsidies, schooling for their children, medical care.",
        [Category.TALENT_INTRODUCTION, Category.HOUSING, Category.CHILDREN_EDUCATION,
         Category.MEDICAL_CARE, Category.EVALUATION_TITLES],
        [TalentGroup.HIGH_LEVEL],
        [],
        chosen,
        place.party_committee,
    )  # fmt: skip


def t_graduates(place: Place, rng: random.Random, f: float):
    phd, master, bachelor = (
        money(100_000 * f, 5_000),
        money(50_000 * f, 5_000),
        money(30_000 * f, 5_000),
    )
    rent = money(10_000 * f, 1_000)
    benefits = [
        benefit(BenefitKind.LIVING_ALLOWANCE, "博士研究生生活补贴", "Living allowance for doctoral graduates",
                f"新引进到{place.name}工作的全日制博士研究生", "newly recruited full-time doctoral graduates",
                phd, min_degree=Degree.DOCTORATE, max_age=35, max_years_since_graduation=3,
                must_work_in_region=True),
        benefit(BenefitKind.LIVING_ALLOWANCE, "硕士研究生生活补贴", "Living allowance for master's graduates",
                "新引进的全日制硕士研究生", "newly recruited full-time master's graduates",
                master, min_degree=Degree.MASTER, max_age=35, max_years_since_graduation=3,
                must_work_in_region=True),
        benefit(BenefitKind.LIVING_ALLOWANCE, "本科生生活补贴", "Living allowance for bachelor's graduates",
                "新引进的全日制本科毕业生", "newly recruited full-time bachelor's graduates",
                bachelor, min_degree=Degree.BACHELOR, max_age=30, max_years_since_graduation=2,
                must_work_in_region=True),
        benefit(BenefitKind.RENT_SUBSIDY, "青年人才租房补贴", "Rent subsidy for young talent",
                "在本地无自有住房的高校毕业生", "graduates who own no home here",
                rent, Period.YEARLY, rng.choice([3, 5, 6]), min_degree=Degree.BACHELOR,
                max_years_since_graduation=rng.choice([2, 3, 5]), must_work_in_region=True,
                must_live_in_region=True),
        benefit(BenefitKind.SETTLING_ALLOWANCE, "毕业生求职补贴", "Job-seeking allowance",
                "来本地求职面试的外地高校毕业生", "graduates from elsewhere who come for interviews",
                money(3_000 * f, 500), min_degree=Degree.JUNIOR_COLLEGE, max_years_since_graduation=1),
    ]  # fmt: skip
    chosen = benefits[: rng.randint(2, 4)] + ([benefits[4]] if rng.random() < 0.4 else [])
    return (
        f"{place.name}高校毕业生生活补贴和租房补贴实施细则",
        f"{place.name_en} rules on living and rent subsidies for college graduates",
        f"对新引进到{place.name}工作的博士、硕士研究生和本科毕业生发放生活补贴，"
        "对无自有住房的青年人才给予租房补贴。",
        "Living allowances for newly recruited doctoral, master's and bachelor's graduates, and "
        "rent subsidies for young talent without a home of their own.",
        [Category.GRADUATES_INTERNSHIPS, Category.HOUSING, Category.SUBSIDIES_AWARDS],
        [TalentGroup.GRADUATES, TalentGroup.MASTERS, TalentGroup.DOCTORAL, TalentGroup.YOUNG_TALENT],
        [],
        chosen,
        place.hr_bureau,
    )  # fmt: skip


def t_housing(place: Place, rng: random.Random, f: float):
    phd_amount, phd_period, phd_count = payment_style(rng, money(400_000 * f, 10_000))
    master_amount = money(150_000 * f, 10_000)
    benefits = [
        benefit(BenefitKind.HOUSING_SUBSIDY, "博士购房补贴", "Housing subsidy for PhDs",
                f"在{place.name}首次购买商品住房的全日制博士研究生", "full-time PhDs buying their first home here",
                phd_amount, phd_period, phd_count, min_degree=Degree.DOCTORATE, max_age=rng.choice([40, 45]),
                must_work_in_region=True),
        benefit(BenefitKind.HOUSING_SUBSIDY, "硕士购房补贴", "Housing subsidy for master's graduates",
                "首次购房的全日制硕士研究生", "full-time master's graduates buying their first home",
                master_amount, Period.TOTAL, rng.choice([3, 5]), min_degree=Degree.MASTER, max_age=35,
                must_work_in_region=True),
        benefit(BenefitKind.TALENT_APARTMENT, "人才公寓租住", "Talent apartment",
                "符合条件的高层次人才和青年人才", "eligible high-level and young talent",
                note_zh=f"可申请入住人才公寓，前{rng.choice([2, 3])}年免收租金。",
                note_en="They may rent a talent apartment, rent-free for the first years.",
                min_degree=Degree.BACHELOR, must_work_in_region=True),
        benefit(BenefitKind.RENT_SUBSIDY, "人才公寓租金补贴", "Talent apartment rent subsidy",
                "未入住人才公寓的博士、硕士研究生", "PhDs and master's graduates not living in a talent apartment",
                money(2_000 * f, 100), Period.MONTHLY, 36, min_degree=Degree.MASTER,
                must_live_in_region=True),
    ]  # fmt: skip
    chosen = benefits[:2] + rng.sample(benefits[2:], rng.randint(0, 2))
    return (
        f"{place.name}人才安居工程实施办法",
        f"{place.name_en} talent housing measures",
        f"通过购房补贴、人才公寓和租金补贴等方式，解决各类人才在{place.name}的住房问题，"
        "让人才安居乐业。",
        "Housing purchase subsidies, talent apartments and rent subsidies so that talent can "
        "settle down.",
        [Category.HOUSING],
        [TalentGroup.DOCTORAL, TalentGroup.MASTERS, TalentGroup.HIGH_LEVEL],
        [],
        chosen,
        place.housing_bureau,
    )  # fmt: skip


def t_programme(place: Place, rng: random.Random, f: float):
    future = place.region.code in ("120116", "120000")
    industries = rng.sample(
        FUTURE_INDUSTRIES if future else STRATEGIC_INDUSTRIES, rng.randint(2, 4)
    )
    startup = money(5_000_000 * f, 100_000)
    benefits = [
        benefit(BenefitKind.STARTUP_FUNDING, "创业项目资助", "Start-up funding",
                "入选的创业类领军人才团队", "selected entrepreneurial leading-talent teams",
                startup, amount_min=money(startup / 5, 100_000), tiers=["A", "B", "C"], competitive=True,
                enterprise_types=[EnterpriseType.STARTUP], industries=industries[:2],
                must_work_in_region=True),
        benefit(BenefitKind.RESEARCH_FUNDING, "创新项目科研经费", "Research funding",
                "入选的创新类领军人才", "selected innovation leading talent",
                money(1_000_000 * f, 50_000), Period.TOTAL, 3, min_degree=Degree.DOCTORATE,
                tiers=["A", "B", "C", "D"], competitive=True,
                enterprise_types=[EnterpriseType.HIGH_TECH, EnterpriseType.UNIVERSITY,
                                  EnterpriseType.RESEARCH_INSTITUTE, EnterpriseType.PRIVATE]),
        benefit(BenefitKind.AWARD, "人才奖励", "Talent award",
                f"入选{place.programme}的人才", f"talent selected for the {place.programme_en}",
                money(1_000_000 * f, 50_000), amount_min=money(300_000 * f, 50_000),
                tiers=["A", "B", "C", "D"], must_work_in_region=True, competitive=True),
        benefit(BenefitKind.SETTLING_ALLOWANCE, "海外人才安家补贴", "Settling-in allowance for overseas talent",
                "全职引进的海外高层次人才", "overseas high-level talent recruited full time",
                money(500_000 * f, 50_000), overseas_required=True, min_degree=Degree.DOCTORATE,
                max_age=rng.choice([None, 55])),
        benefit(BenefitKind.LOAN_GUARANTEE, "人才贷贴息", "Talent loan interest subsidy",
                "人才创办企业获得的“人才贷”", "talent-founded firms with a talent loan",
                money(200_000 * f, 10_000), Period.YEARLY, 3, enterprise_types=[EnterpriseType.STARTUP]),
    ]  # fmt: skip
    chosen = benefits[:2] + rng.sample(benefits[2:], rng.randint(1, 3))
    if place.region.code == "120116":
        chosen.insert(0, benefit(
            BenefitKind.LIVING_ALLOWANCE, "鲲鹏人才生活补贴", "Kunpeng living allowance",
            "入选“鲲鹏计划”的顶尖人才和领军人才", "top and leading talent selected for the Kunpeng Plan",
            money(1_000_000 * f, 50_000), Period.TOTAL, 5, tiers=["A", "B", "C"],
            industries=industries[:3], must_work_in_region=True, competitive=True))  # fmt: skip
    title = (
        f"{place.name}{place.programme}实施办法"
        if not place.programme.startswith(place.name)
        else f"{place.programme}实施办法"
    )
    return (
        title,
        f"Implementing measures of the {place.programme_en} ({place.name_en})",
        f"面向{('、'.join(_industry_names(industries)))}等重点产业，引进和培育创新创业领军人才和团队，"
        "推动产业链、创新链、人才链深度融合。",
        "Brings in and grows leading innovators and entrepreneurs for the key industries, "
        "integrating the industrial, innovation and talent chains.",
        [Category.TALENT_INTRODUCTION, Category.ENTREPRENEURSHIP_FINANCE, Category.SUBSIDIES_AWARDS,
         Category.RESEARCH_INNOVATION],
        [TalentGroup.HIGH_LEVEL, TalentGroup.ENTREPRENEURS, TalentGroup.OVERSEAS_RETURNEES],
        industries,
        chosen,
        place.party_committee,
    )  # fmt: skip


def t_apartments(place: Place, rng: random.Random, f: float):
    sets = rng.choice([2_000, 5_000, 8_000, 12_000, 20_000]) if not place.is_province else 446_300
    if place.region.code == "320400":
        sets = 78_000
    benefits = [
        benefit(BenefitKind.TALENT_APARTMENT, "人才公寓优先配租", "Priority for talent apartments",
                "在本地工作且无自有住房的各类人才", "talent working here who own no home",
                note_zh="人才公寓拎包入住，租金不高于同地段市场租金的70%。",
                note_en="Furnished talent apartments at no more than 70% of the local market rent.",
                must_work_in_region=True),
        benefit(BenefitKind.TALENT_APARTMENT, "高层次人才免租入住", "Rent-free talent apartment",
                "A至D类高层次人才", "tier A to D high-level talent",
                note_zh="可免租金入住人才公寓，最长5年。", note_en="Rent-free for up to five years.",
                tiers=["A", "B", "C", "D"], must_work_in_region=True),
        benefit(BenefitKind.RENT_SUBSIDY, "人才公寓租金补贴", "Talent apartment rent subsidy",
                "入住市场化人才公寓的青年人才", "young talent renting a market talent apartment",
                money(1_500 * f, 100), Period.MONTHLY, rng.choice([24, 36, 48]),
                min_degree=Degree.BACHELOR, max_age=35, must_live_in_region=True),
        benefit(BenefitKind.CHILDREN_SCHOOLING, "人才社区子女就学", "Schooling in talent communities",
                "入住人才社区的人才", "talent living in a talent community",
                note_zh="子女可就近入读社区配套学校。", note_en="Children may attend the community's school.",
                must_live_in_region=True),
    ]  # fmt: skip
    chosen = [benefits[0], *rng.sample(benefits[1:], rng.randint(1, 3))]
    return (
        f"{place.name}人才公寓建设和管理办法",
        f"{place.name_en} measures on building and managing talent apartments",
        f"统筹推进人才社区建设，已建成并投入使用人才公寓{sets:,}套（间），"
        "实现产城融合、职住平衡，为人才提供拎包入住的高品质住房。",
        f"Talent communities and {sets:,} talent apartments built and in use, bringing jobs and "
        "homes together: furnished homes for talent.",
        [Category.HOUSING, Category.SERVICES],
        [TalentGroup.GRADUATES, TalentGroup.YOUNG_TALENT, TalentGroup.HIGH_LEVEL],
        [],
        chosen,
        place.housing_bureau,
    )  # fmt: skip


def t_overseas(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.SETTLING_ALLOWANCE, "留学回国人员安家补贴", "Settling-in allowance for returnees",
                "在海外取得硕士以上学位的留学回国人员", "returnees with a master's degree or higher from abroad",
                money(100_000 * f, 10_000), overseas_required=True, min_degree=Degree.MASTER, max_age=40),
        benefit(BenefitKind.STARTUP_FUNDING, "留学人员创业启动资金", "Start-up funding for returnees",
                "留学回国人员创办的企业", "firms founded by returnees",
                money(500_000 * f, 50_000), amount_min=money(200_000 * f, 50_000),
                overseas_required=True, enterprise_types=[EnterpriseType.STARTUP]),
        benefit(BenefitKind.SPOUSE_EMPLOYMENT, "配偶就业安置", "Employment for spouses",
                "全职引进的海外高层次人才", "overseas high-level talent recruited full time",
                note_zh="配偶随迁的，协助推荐就业岗位。", note_en="Help finding a job for a spouse who moves too.",
                overseas_required=True, tiers=["A", "B", "C", "D"]),
        benefit(BenefitKind.MEDICAL_GREEN_CHANNEL, "国际医疗服务", "International medical services",
                "外籍高层次人才", "foreign high-level talent",
                note_zh="可在指定医院享受国际医疗服务和商业保险直付。",
                note_en="International clinics at designated hospitals with direct insurance billing.",
                overseas_required=True),
        benefit(BenefitKind.HOUSEHOLD_REGISTRATION, "外籍人才工作许可绿色通道", "Fast work permits for foreign talent",
                "外籍高端人才（A类）", "top foreign talent (class A)",
                note_zh="工作许可实行告知承诺、容缺受理，5个工作日内办结。",
                note_en="Work permits on a commitment basis, issued within five working days.",
                overseas_required=True),
    ]  # fmt: skip
    chosen = rng.sample(benefits, rng.randint(2, 5))
    return (
        f"{place.name}海外高层次人才引进和服务办法",
        f"{place.name_en} measures for attracting and serving overseas high-level talent",
        "打造“类海外”环境，在出入境便利、国际化生活服务、外国人才来华工作许可等方面为海外人才"
        "提供全周期服务。",
        "An “overseas-like” environment: easy entry and exit, international living services and "
        "fast work permits for foreign talent.",
        [Category.OVERSEAS_FOREIGN, Category.TALENT_INTRODUCTION],
        [TalentGroup.OVERSEAS_RETURNEES, TalentGroup.FOREIGN_EXPERTS],
        [],
        chosen,
        place.party_committee,
    )  # fmt: skip


def t_postdoc(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.LIVING_ALLOWANCE, "博士后日常经费资助", "Postdoctoral living allowance",
                "进站从事博士后研究的人员", "postdoctoral researchers in a station here",
                money(100_000 * f, 10_000), Period.YEARLY, 2, min_degree=Degree.DOCTORATE, max_age=35,
                talent_categories=[TalentCategory.POSTDOC]),
        benefit(BenefitKind.RESEARCH_FUNDING, "博士后科研项目资助", "Postdoctoral research grant",
                "承担科研项目的在站博士后", "postdoctoral researchers leading a project",
                money(200_000 * f, 10_000), amount_min=money(50_000 * f, 10_000), min_degree=Degree.DOCTORATE,
                talent_categories=[TalentCategory.POSTDOC], competitive=True),
        benefit(BenefitKind.AWARD, "出站留本地工作补贴", "Award for staying after the postdoc",
                "出站后留在本地工作的博士后", "postdocs who stay to work here afterwards",
                money(300_000 * f, 10_000), Period.TOTAL, 3, min_degree=Degree.DOCTORATE,
                max_age=40, must_work_in_region=True, talent_categories=[TalentCategory.POSTDOC]),
    ]  # fmt: skip
    chosen = rng.sample(benefits, rng.randint(2, 3))
    return (
        f"{place.name}博士后工作资助办法",
        f"{place.name_en} funding for postdoctoral researchers",
        "支持企业和科研院所设立博士后工作站，资助在站博士后的生活和科研，鼓励出站博士后留在本地工作。",
        "Supports postdoctoral stations and their researchers, and rewards those who stay.",
        [Category.RESEARCH_INNOVATION, Category.SUBSIDIES_AWARDS],
        [TalentGroup.DOCTORAL, TalentGroup.RESEARCHERS, TalentGroup.YOUNG_TALENT],
        [],
        chosen,
        place.hr_bureau,
    )  # fmt: skip


def t_skills(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.AWARD, "技能大师奖励", "Skills master award",
                "获评技能大师的高技能人才", "highly skilled workers named skills masters",
                money(50_000 * f, 5_000), talent_categories=[TalentCategory.SKILLS_MASTER]),
        benefit(BenefitKind.LIVING_ALLOWANCE, "高级技师生活津贴", "Allowance for senior technicians",
                "取得高级技师职业资格的技能人才", "workers certified as senior technicians",
                money(1_000 * f, 100), Period.MONTHLY, 36,
                talent_categories=[TalentCategory.SENIOR_TECHNICIAN]),
        benefit(BenefitKind.HOUSING_SUBSIDY, "高技能人才购房补贴", "Housing subsidy for highly skilled workers",
                "首次购房的技师、高级技师", "technicians and senior technicians buying a first home",
                money(100_000 * f, 10_000), Period.TOTAL, 3, max_age=45, must_work_in_region=True,
                talent_categories=[TalentCategory.SKILLED_WORKER]),
    ]  # fmt: skip
    chosen = rng.sample(benefits, rng.randint(2, 3))
    return (
        f"{place.name}高技能人才培养和激励办法",
        f"{place.name_en} measures to train and reward highly skilled workers",
        "健全技能人才评价体系，支持企业自主开展技能等级认定，对技能大师、高级技师给予奖励和津贴。",
        "Skills evaluation led by enterprises, with awards and allowances for skills masters and "
        "senior technicians.",
        [Category.SKILLS_TRAINING, Category.EVALUATION_TITLES, Category.SUBSIDIES_AWARDS],
        [TalentGroup.SKILLED],
        [],
        chosen,
        place.hr_bureau,
    )  # fmt: skip


def t_internships(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.INTERNSHIP_SUBSIDY, "大学生见习补贴", "Internship subsidy",
                "在就业见习基地见习的离校未就业高校毕业生", "unemployed graduates interning at a placement base",
                money(2_000 * f, 100), Period.MONTHLY, 6, min_degree=Degree.JUNIOR_COLLEGE,
                max_years_since_graduation=2),
        benefit(BenefitKind.INTERNSHIP_SUBSIDY, "在校大学生实习补贴", "Student internship subsidy",
                "来本地实习的在校大学生", "students who come here for an internship",
                money(1_500 * f, 100), Period.MONTHLY, 3, min_degree=Degree.NONE, max_age=28,
                talent_categories=[TalentCategory.STUDENT]),
        benefit(BenefitKind.TALENT_APARTMENT, "青年人才驿站免费住宿", "Free stay at a youth talent station",
                "来本地求职、实习的高校学生和毕业生", "students and graduates coming for jobs or internships",
                note_zh="可在青年人才驿站免费入住7天。", note_en="Up to seven nights free at a youth talent station.",
                max_years_since_graduation=2),
    ]  # fmt: skip
    chosen = rng.sample(benefits, rng.randint(2, 3))
    return (
        f"{place.name}大学生实习见习补贴办法",
        f"{place.name_en} internship subsidies for college students",
        f"开展“青年人才来{place.short}”活动，建设就业见习基地和青年人才驿站，对实习见习的大学生给予补贴。",
        f"The “Youth Talents' Trip to {place.name_en}”: internship bases, youth talent stations and "
        "subsidies for students on internships.",
        [Category.GRADUATES_INTERNSHIPS],
        [TalentGroup.GRADUATES, TalentGroup.YOUNG_TALENT],
        [],
        chosen,
        place.hr_bureau,
    )  # fmt: skip


def t_services(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.MEDICAL_GREEN_CHANNEL, "人才码医疗服务", "Medical services with the talent code",
                "持有人才码（人才卡）的高层次人才", "high-level talent holding a talent code (talent card)",
                note_zh="在定点医院享受挂号、就诊、检查绿色通道。",
                note_en="Priority registration, consultation and tests at designated hospitals.",
                tiers=["A", "B", "C", "D", "E"]),
        benefit(BenefitKind.CHILDREN_SCHOOLING, "人才子女入学服务", "School places for talent's children",
                "A至E类人才", "tier A to E talent",
                note_zh="按照就近就便原则统筹安排义务教育阶段入学。",
                note_en="Places in compulsory education near home or work.",
                tiers=["A", "B", "C", "D", "E"]),
        benefit(BenefitKind.HOUSEHOLD_REGISTRATION, "落户“零门槛”", "Household registration without thresholds",
                "本科及以上学历人才", "talent with a bachelor's degree or higher",
                note_zh="可先落户后就业，实行“最多跑一次”。",
                note_en="Register first, find work later, in a single visit.",
                min_degree=Degree.BACHELOR),
        benefit(BenefitKind.LOAN_GUARANTEE, "人才服务银行授信", "Credit from the talent service bank",
                "人才创办的科技型企业", "technology firms founded by talent",
                note_zh="依托“人才服务银行2.0”，提供“人才贷”“人才保”等金融产品。",
                note_en="Talent loans and guarantees from the Talent Service Bank 2.0.",
                enterprise_types=[EnterpriseType.STARTUP, EnterpriseType.HIGH_TECH]),
    ]  # fmt: skip
    chosen = rng.sample(benefits, rng.randint(2, 4))
    return (
        f"{place.name}关于进一步优化人才服务的若干举措",
        f"{place.name_en} measures to further improve services for talent",
        "深化人才领域“最多跑一次”改革，推行人才码“一码通办”，为人才提供就医、子女入学、落户、"
        "金融等全周期服务，打造更优人才生态。",
        "“Maximum one visit” services for talent: one talent code for medical care, schooling, "
        "household registration and finance.",
        [Category.SERVICES, Category.MEDICAL_CARE, Category.CHILDREN_EDUCATION,
         Category.ENTREPRENEURSHIP_FINANCE],
        [TalentGroup.HIGH_LEVEL],
        [],
        chosen,
        place.government,
    )  # fmt: skip


def t_haihe(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.HOUSEHOLD_REGISTRATION, "“海河英才”落户", "Haihe Talent household registration",
                "40周岁以下本科学历、45周岁以下硕士学历人才和各类博士", "bachelors under 40, masters under 45 and all PhDs",
                note_zh="可直接在津落户，网上申办。", note_en="May register in Tianjin directly, online.",
                min_degree=Degree.BACHELOR, max_age=40),
        benefit(BenefitKind.SETTLING_ALLOWANCE, "顶尖人才安家补贴", "Settling-in allowance for top talent",
                "引进的顶尖人才", "top talent recruited", money(1_000_000 * f, 50_000), tiers=["A"],
                must_work_in_region=True),
        benefit(BenefitKind.RESEARCH_FUNDING, "顶尖人才团队资助", "Funding for top talent teams",
                "顶尖人才领衔的创新团队", "innovation teams led by top talent",
                money(5_000_000 * f, 100_000), amount_min=money(1_000_000 * f, 100_000), tiers=["A", "B"],
                competitive=True),
        benefit(BenefitKind.LIVING_ALLOWANCE, "青年人才生活补贴", "Living allowance for young talent",
                "新落户并在津就业的博士研究生", "newly registered PhDs working in Tianjin",
                money(2_000 * f, 100), Period.MONTHLY, 36, min_degree=Degree.DOCTORATE, max_age=35),
    ]  # fmt: skip
    chosen = benefits[:1] + rng.sample(benefits[1:], rng.randint(1, 3))
    return (
        "天津市“海河英才”行动计划",
        "Tianjin Haihe Talent Action Plan",
        "聚焦战略性新兴产业和未来产业，放宽人才落户条件，对顶尖人才、领军人才、青年人才给予资助和服务保障。",
        "Easier household registration and funding for top, leading and young talent in the "
        "strategic and future industries.",
        [Category.TALENT_INTRODUCTION, Category.SUBSIDIES_AWARDS, Category.RESEARCH_INNOVATION],
        [TalentGroup.HIGH_LEVEL, TalentGroup.YOUNG_TALENT, TalentGroup.GRADUATES],
        rng.sample(FUTURE_INDUSTRIES, 3),
        chosen,
        place.party_committee,
    )  # fmt: skip


def t_ten_thousand(place: Place, rng: random.Random, f: float):
    benefits = [
        benefit(BenefitKind.RESEARCH_FUNDING, "“万人计划”特殊支持经费", "Ten Thousand Talents special funding",
                "入选省“万人计划”的杰出人才和领军人才", "outstanding and leading talent of the program",
                money(1_000_000, 50_000), Period.TOTAL, 3, amount_min=500_000, tiers=["A", "B", "C"],
                competitive=True),
        benefit(BenefitKind.RESEARCH_FUNDING, "青年拔尖人才资助", "Funding for young top talent",
                "入选“万人计划”青年拔尖人才", "young top talent of the program",
                300_000, Period.TOTAL, 3, max_age=40, min_degree=Degree.DOCTORATE, competitive=True),
        benefit(BenefitKind.MEDICAL_GREEN_CHANNEL, "省级保健服务", "Provincial health care",
                "入选“万人计划”的人才", "talent of the program",
                note_zh="纳入省级保健对象，享受年度体检和就医绿色通道。",
                note_en="A yearly check-up and priority medical care.", tiers=["A", "B", "C"],
                competitive=True),
    ]  # fmt: skip
    return (
        "浙江省“万人计划”实施办法",
        "Zhejiang Ten Thousand Talents Program: implementing measures",
        "遴选支持杰出人才、领军人才和青年拔尖人才，实行网上申报、网上遴选专家、网上评审。",
        "Selects and supports outstanding, leading and young top talent, with online applications, "
        "online selection of experts and online reviews.",
        [Category.RESEARCH_INNOVATION, Category.SUBSIDIES_AWARDS, Category.EVALUATION_TITLES],
        [TalentGroup.HIGH_LEVEL, TalentGroup.YOUNG_TALENT, TalentGroup.RESEARCHERS],
        [],
        rng.sample(benefits, rng.randint(2, 3)),
        place.party_committee,
    )  # fmt: skip


TEMPLATES = {
    "classification": t_classification,
    "graduates": t_graduates,
    "housing": t_housing,
    "programme": t_programme,
    "apartments": t_apartments,
    "overseas": t_overseas,
    "postdoc": t_postdoc,
    "skills": t_skills,
    "internships": t_internships,
    "services": t_services,
    "haihe": t_haihe,
    "ten_thousand": t_ten_thousand,
}
PROVINCE_TEMPLATES = {
    "330000": ["programme", "ten_thousand", "classification", "graduates", "overseas", "services",
               "postdoc", "apartments", "skills", "internships"],
    "320000": ["programme", "classification", "graduates", "apartments", "overseas", "services",
               "postdoc", "skills", "internships"],
    "120000": ["haihe", "classification", "graduates", "overseas", "services", "housing", "postdoc",
               "skills", "internships", "apartments"],
}  # fmt: skip
CITY_TEMPLATES = ["classification", "graduates", "housing", "programme", "apartments", "overseas",
                  "postdoc", "skills", "internships", "services"]  # fmt: skip
DISTRICT_TEMPLATES = ["programme", "housing", "graduates", "apartments", "services", "skills"]
COUNTY_TEMPLATES = ["housing", "graduates", "programme", "services", "skills", "internships"]

_industry_cache: dict[str, Industry] = {}


def _industry_names(codes):
    return [_industry_cache[c].name_zh if c in _industry_cache else c for c in codes]


# The plan: which policy comes at which position.


@dataclass(frozen=True)
class Slot:
    place: Place
    template: str
    edition: int  # 0 current; odd: previous editions (repealed); even: annual notices
    first: bool = False  # the region's main policy: always published and in force


def current_slots(places: list[Place]) -> list[Slot]:
    """Every current policy, the most visible first: provinces, cities and Tianjin's
    districts, and each city's first county get their main policies, then everything else."""
    first, rest = [], []
    counties_seen: set[str] = set()
    for place in places:
        region = place.region
        if region.level == RegionLevel.PROVINCE:
            templates, main = PROVINCE_TEMPLATES[region.code], 6
        elif region.level == RegionLevel.CITY:
            templates, main = CITY_TEMPLATES, 6
        elif region.parent_id == "120000":
            templates, main = DISTRICT_TEMPLATES, 3 if region.code == "120116" else 2
            if region.code == "120116":
                main = 5
        else:
            templates, main = COUNTY_TEMPLATES, 0
            if region.parent_id not in counties_seen:
                counties_seen.add(region.parent_id)
                main = 1
        for position, template in enumerate(templates):
            slot = Slot(place, template, 0, first=position == 0)
            (first if position < main else rest).append(slot)
    return first + rest


def plan(places: list[Place]):
    """The endless sequence of policies: the current ones, then their history."""
    current = current_slots(places)
    yield from current
    edition = 1
    while True:
        for slot in current:
            yield Slot(slot.place, slot.template, edition)
        edition += 1


def places_ensure() -> list[Place]:
    regions = list(
        Region.objects.filter(code__regex=r"^(33|32|12)").exclude(name_zh__in=["市辖区"])
    )
    by_code = {r.code: r for r in regions}
    missing = [code for code in PROVINCES if code not in by_code]
    if missing:
        raise RuntimeError(f"Load the region catalogue first (missing {', '.join(missing)}).")
    parents = {r.code: r for r in regions if r.level == RegionLevel.CITY}
    ordered = (
        [by_code[c] for c in PROVINCES]
        + sorted((r for r in regions if r.level == RegionLevel.CITY), key=lambda r: r.code)
        + sorted((r for r in regions if r.parent_id == "120000"), key=lambda r: r.code)
        + sorted(
            (r for r in regions if r.level == RegionLevel.COUNTY and r.parent_id != "120000"),
            key=lambda r: r.code,
        )
    )
    return [place_of(region, parents) for region in ordered]


# Building one policy


@dataclass
class Built:
    key: str
    policy: Policy
    industries: list[str]
    benefits: list[dict]
    interpretations: list[dict]
    replaced_by_key: tuple | None  # (region, template, edition) of the policy replacing it


def _document_number(place: Place, year: int, counters: dict, authority_kind: str) -> str:
    prefix = f"{place.prefix}{authority_kind}〔{year}〕"
    counters[prefix] = counters.get(prefix, 0) + 1
    return f"{prefix}{counters[prefix]}号"


def _body(place: Place, title: str, benefits: list[dict], year: int, effective, expires):
    level = (
        "省"
        if place.is_province
        else "市"
        if place.region.level == RegionLevel.CITY
        else "区（县）"
    )
    zh = [
        "<h3>第一章 总则</h3>",
        f"<p>第一条 为深入学习贯彻中央人才工作会议精神，全面实施人才强{level}战略，"
        f"牢固树立“人才就是未来”的理念，深化产才融合，加快打造人才发展高地，结合{place.name}实际，制定本办法。</p>",
        f"<p>第二条 本办法适用于在{place.name}全职工作、依法缴纳社会保险的各类人才及其用人单位。</p>",
        "<h3>第二章 支持措施</h3>",
    ]
    en = [
        "<h3>Chapter 1 General provisions</h3>",
        "<p>Article 1. These measures implement the Central Talent Work Conference and the "
        f"strategy of strengthening {place.name_en} through talent.</p>",
        f"<p>Article 2. They apply to talent working full time in {place.name_en} and paying social "
        "insurance there, and to their employers.</p>",
        "<h3>Chapter 2 Support</h3>",
    ]
    for number, item in enumerate(benefits, start=3):
        zh.append(f"<p>第{_chinese_number(number)}条 {item['description_zh']}</p>")
        en.append(f"<p>Article {number}. {item['description_en']}</p>")
    last = len(benefits) + 3
    until_zh = f"有效期至{expires:%Y年%-m月%-d日}" if expires else "长期有效"
    zh += [
        "<h3>第三章 附则</h3>",
        f"<p>第{_chinese_number(last)}条 同一人才符合本地多项同类政策的，按照“就高不重复”原则享受。"
        "申请人弄虚作假骗取补贴的，追回已发放资金，五年内不得申报各类人才项目。</p>",
        f"<p>第{_chinese_number(last + 1)}条 本办法自{effective:%Y年%-m月%-d日}起施行，{until_zh}。</p>",
    ]
    en += [
        "<h3>Chapter 3 Final provisions</h3>",
        f"<p>Article {last}. Where several similar benefits apply, the highest one is granted, "
        "not several. Benefits obtained by fraud are recovered.</p>",
        f"<p>Article {last + 1}. These measures take effect on {effective:%-d %B %Y}.</p>",
    ]
    return "".join(zh), "".join(en)


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def _interpretations(place: Place, title: str, authority: str, benefits, rng, effective):
    platform_zh, platform_en = place.platform
    items = [
        (
            InterpretationKind.QA,
            "本政策的适用对象有哪些？",
            "Who does this policy apply to?",
            f"适用于在{place.name}全职工作、依法缴纳社会保险的人才，具体条件以各条款规定为准。",
            f"Talent working full time in {place.name_en} and paying social insurance there; "
            "each provision sets its own conditions.",
        ),
        (
            InterpretationKind.QA,
            "申请需要提交哪些材料？",
            "What documents do I need to apply?",
            "身份证件、学历学位证书（留学人员需提供教育部留学服务中心学历学位认证书）、劳动合同、"
            f"社会保险缴纳证明。材料通过{platform_zh}在线提交，实行“最多跑一次”。",
            "Your ID, degree certificates (for degrees from abroad, the certification of the "
            "Chinese Service Center for Scholarly Exchange), your labour contract and proof of "
            f"social insurance, submitted online through {platform_en}: at most one visit.",
        ),
        (
            InterpretationKind.QA,
            "已在其他城市享受过同类补贴，还能申请吗？",
            "I received a similar subsidy in another city. Can I still apply?",
            "本地同类政策按照“就高不重复”原则享受；在其他城市享受的补贴不影响本地申请，另有规定的除外。",
            "Similar local benefits are not combined: you receive the highest. Benefits from "
            "another city do not prevent you from applying here unless a provision says so.",
        ),
        (
            InterpretationKind.QA,
            "政策从什么时候开始执行？",
            "When does the policy take effect?",
            f"自{effective:%Y年%-m月%-d日}起施行。施行前已引进的人才，符合条件的可按本办法申请。",
            f"From {effective:%-d %B %Y}. Talent recruited earlier may apply if they qualify.",
        ),
        (
            InterpretationKind.QA,
            "咨询电话是多少？",
            "Whom can I ask?",
            f"可拨打{authority}人才服务专线，或在{platform_zh}留言咨询，工作日内答复。",
            f"Call the talent hotline of the issuing office or leave a message on {platform_en}; "
            "you will get an answer within a working day.",
        ),
    ]
    items += [
        (
            InterpretationKind.QA,
            "什么时候可以申请？",
            "When can I apply?",
            f"全年常态化受理，每季度末集中审核。符合“免申即享”条件的，由{authority}根据社保、学历等数据主动兑现，无需申请。",
            "Applications are accepted all year and reviewed at the end of each quarter. Where "
            "the data (social insurance, degrees) already show you qualify, the benefit is paid "
            "without an application.",
        ),
        (
            InterpretationKind.QA,
            "用人单位需要做什么？",
            "What does my employer need to do?",
            "用人单位负责核实申请人的劳动关系和在岗情况，并在线出具推荐意见。",
            "Your employer confirms that you work there and recommends your application online.",
        ),
    ]
    for item in benefits:
        if item["amount_max"] is not None:
            items.append(
                (
                    InterpretationKind.QA,
                    f"{item['title_zh']}如何发放？",
                    f"How is the {item['title_en'].lower()} paid?",
                    f"{item['description_zh']}经审核通过后，按季度拨付至本人社会保障卡银行账户。",
                    f"{item['description_en']} Once approved, it is paid quarterly to the bank "
                    "account of your social security card.",
                )
            )
    items.append(
        (
            InterpretationKind.EXPLANATION,
            f"一图读懂《{title}》",
            "The policy at a glance",
            "本次出台的政策聚焦人才最关心的“住房、车子、孩子、票子”等问题，进一步提高补贴标准、"
            "扩大保障范围、简化申办流程，实现政策“免申即享”“一网通办”。",
            "The policy addresses what talent care about most — housing, transport, children, "
            "money — with higher subsidies, wider coverage and simpler, online applications.",
        )
    )
    count = rng.randint(4, min(10, len(items)))
    chosen = items[:2] + rng.sample(items[2:], count - 2)
    english = rng.random() < 0.8
    return [
        {
            "kind": kind,
            "question_zh": q_zh,
            "question_en": q_en if english else "",
            "answer_zh": a_zh,
            "answer_en": a_en if english else "",
            "position": position,
        }
        for position, (kind, q_zh, q_en, a_zh, a_en) in enumerate(chosen)
    ]


def build(slot: Slot, rng: random.Random, counters: dict) -> Built:
    place, edition = slot.place, slot.edition
    base_year = 2021 + rng.randrange(5)
    year = max(2008, base_year - edition) if edition else base_year
    factor = place.factor * (1 - 0.04 * min(edition, 8)) * rng.uniform(0.95, 1.05)
    (title_zh, title_en, summary_zh, summary_en, categories, groups, industries, benefits,
     authority) = TEMPLATES[slot.template](place, rng, factor)  # fmt: skip
    authority_zh, authority_en = authority
    kind = (
        "人社发" if "人力资源" in authority_zh else "政办发" if "政府" in authority_zh else "人才"
    )
    if "住房" in authority_zh:
        kind = "建发"
    issued = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    effective = issued + datetime.timedelta(days=rng.choice([0, 15, 30, 31]))
    expires = None
    status = PolicyStatus.PUBLISHED
    replaced_by_key = None
    if edition == 0:
        if rng.random() < 0.4:
            expires = effective + datetime.timedelta(days=5 * 365)
            if slot.first and expires < REFERENCE_DATE:
                expires = None
        if place.region.level == RegionLevel.COUNTY and not slot.first and rng.random() < 0.03:
            status = PolicyStatus.DRAFT
    elif edition % 2:  # an earlier edition, repealed by the next one
        title_zh = f"{title_zh}（{year}年版）"
        title_en = f"{title_en} ({year} edition)"
        status = PolicyStatus.REPEALED
        newer = edition - 2 if edition > 1 else 0
        replaced_by_key = (place.region.code, slot.template, newer)
    else:  # an annual application notice, expired at the end of its year
        programme = title_zh.removesuffix("实施办法").removesuffix("办法").removesuffix("实施细则")
        title_zh = f"关于做好{year}年度{programme}申报工作的通知"
        title_en = f"Notice on applications for {year}: {title_en}"
        effective = issued
        expires = datetime.date(year, 12, 31)
        status = PolicyStatus.EXPIRED if expires < REFERENCE_DATE else PolicyStatus.PUBLISHED
    if expires and expires < REFERENCE_DATE and status == PolicyStatus.PUBLISHED:
        status = PolicyStatus.EXPIRED
    document_number = _document_number(place, year, counters, kind)
    body_zh, body_en = _body(place, title_zh, benefits, year, effective, expires)
    reviewed = None
    if rng.random() < 0.85:
        reviewed = REFERENCE_DATE - datetime.timedelta(days=rng.randrange(2 * 365))
        if status != PolicyStatus.DRAFT:
            reviewed = max(reviewed, issued)  # nobody reviews a policy before it is issued
    english = edition == 0 or rng.random() < 0.6
    policy = Policy(
        title_zh=title_zh,
        title_en=title_en if english else "",
        summary_zh=summary_zh,
        summary_en=summary_en if english else "",
        body_zh=body_zh,
        body_en=body_en if english else "",
        authority_zh=authority_zh,
        authority_en=authority_en,
        document_number=document_number,
        region=place.region,
        categories=[str(c) for c in categories],
        talent_groups=[str(g) for g in groups],
        issued_on=None if status == PolicyStatus.DRAFT else issued,
        effective_on=effective,
        expires_on=expires,
        status=status,
        is_major=edition == 0 and slot.template in ("classification", "programme", "haihe"),
        source_url=f"https://www.{place.region.code}.example.gov.cn/art/{year}/{document_number}.html",
        last_reviewed_on=reviewed,
    )
    interpretations = _interpretations(place, title_zh, authority_zh, benefits, rng, effective)
    return Built(document_number, policy, industries, benefits, interpretations, replaced_by_key)


# Writing


def _insert(batch: list[Built], industries: dict[str, Industry]) -> tuple[int, int]:
    Policy.objects.bulk_create([b.policy for b in batch])
    PolicyIndustry = Policy.industries.through
    BenefitIndustry = Benefit.industries.through
    policy_links, benefits, benefit_industry_codes, interpretations = [], [], [], []
    for built in batch:
        for code in built.industries:
            if code in industries:
                policy_links.append(
                    PolicyIndustry(policy_id=built.policy.pk, industry_id=industries[code].pk)
                )
        for position, fields in enumerate(built.benefits):
            fields = dict(fields)
            codes = fields.pop("industries", [])
            fields["tiers"] = [str(t) for t in fields.get("tiers", [])]
            fields["enterprise_types"] = [str(t) for t in fields.get("enterprise_types", [])]
            fields["talent_categories"] = [str(t) for t in fields.get("talent_categories", [])]
            benefits.append(Benefit(policy_id=built.policy.pk, position=position, **fields))
            benefit_industry_codes.append(codes)
        for fields in built.interpretations:
            interpretations.append(Interpretation(policy_id=built.policy.pk, **fields))
    PolicyIndustry.objects.bulk_create(policy_links)
    Benefit.objects.bulk_create(benefits, batch_size=2_000)
    BenefitIndustry.objects.bulk_create(
        [
            BenefitIndustry(benefit_id=b.pk, industry_id=industries[code].pk)
            for b, codes in zip(benefits, benefit_industry_codes, strict=True)
            for code in codes
            if code in industries
        ],
        batch_size=5_000,
    )
    Interpretation.objects.bulk_create(interpretations, batch_size=2_000)
    return len(benefits), len(interpretations)


def _link_replacements(planned: dict[tuple, str], created: list[Built]) -> int:
    wanted = {b.key: planned[b.replaced_by_key] for b in created if b.replaced_by_key in planned}
    if not wanted:
        return 0
    ids = dict(
        Policy.objects.filter(document_number__in={*wanted, *wanted.values()}).values_list(
            "document_number", "pk"
        )
    )
    policies = []
    for key, newer in wanted.items():
        if key in ids and newer in ids:
            policies.append(Policy(pk=ids[key], replaced_by_id=ids[newer]))
    Policy.objects.bulk_update(policies, ["replaced_by"], batch_size=2_000)
    return len(policies)


def demo_talent_ensure() -> None:
    """The demo talent follows Hangzhou and housing policies and has a saved calculator profile
    for Hangzhou, Ningbo and Changzhou: made once, with the saved profile (whatever is done on
    the site with the account afterwards stays as it is)."""
    from policies.services import policy_follow, saved_profile_save

    user = demo_user("demo-talent")
    if user is None or SavedProfile.objects.filter(user=user).exists():
        return
    policy_follow(user=user, region=Region.objects.get(code="330100"))
    policy_follow(user=user, category=Category.HOUSING)
    saved_profile_save(
        user=user,
        regions=Region.objects.filter(code__in=["330100", "330200", "320400"]),
        degree=Degree.DOCTORATE,
        age=31,
        years_since_graduation=1,
        tier=TalentTier.E,
        overseas=False,
        industry=Industry.objects.filter(code="artificial-intelligence").first(),
        enterprise_type=EnterpriseType.PRIVATE,
    )


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    started = time.perf_counter()
    count = COUNTS[scale]
    stream = rng.getrandbits(64)
    places = places_ensure()
    industries = {i.code: i for i in Industry.objects.all()}
    _industry_cache.update(industries)

    slots = []
    for slot in plan(places):
        if len(slots) == count:
            break
        slots.append(slot)
    # Document numbers depend only on the order, so they are the same at every scale.
    counters: dict[str, int] = {}
    existing = set(
        Policy.objects.filter(document_number__isnull=False).values_list(
            "document_number", flat=True
        )
    )
    planned: dict[tuple, str] = {}
    created_policies = created_benefits = created_interpretations = 0
    created: list[Built] = []
    batch: list[Built] = []
    for index, slot in enumerate(slots):
        built = build(slot, random.Random(f"{stream}:{index}"), counters)
        planned[(slot.place.region.code, slot.template, slot.edition)] = built.key
        if built.key in existing:
            continue
        batch.append(built)
        if len(batch) == BATCH:
            b, i = _insert(batch, industries)
            created_policies += len(batch)
            created_benefits += b
            created_interpretations += i
            created += batch
            batch = []
    if batch:
        b, i = _insert(batch, industries)
        created_policies += len(batch)
        created_benefits += b
        created_interpretations += i
        created += batch
    linked = _link_replacements(planned, created)
    demo_talent_ensure()
    stdout.write(
        f"  policies: {created_policies} new ({Policy.objects.count()} in all), "
        f"{created_benefits} benefits, {created_interpretations} interpretations, "
        f"{linked} replacements linked ({time.perf_counter() - started:.1f}s)"
    )
    # After the policies, so that each service can link to the policy it implements; its own
    # random stream keeps the policy data the same whatever the services draw.
    seed_services(scale=scale, rng=random.Random("20260101:policies:services"), stdout=stdout)
