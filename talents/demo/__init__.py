"""Demo data of the talent library. `manage.py seed_demo` calls `seed()`.

What it makes:

- **Enterprises** (50 small, 20,000 large) in Hangzhou, Ningbo, Changzhou, Huai'an, Binhai and
  the rest of Zhejiang, Jiangsu and Tianjin, with real-looking names, valid unified social credit
  codes (both check characters right), sizes, industries, 85 % verified (a fifth of those
  authorised evaluating entities), the others pending or rejected with a reason. Enterprise
  accounts of the core seed become their members; `demo-enterprise` administers the first one,
  a verified evaluating entity in Hangzhou.
- **Talents**: a profile for every talent account; at large scale, talent accounts are added
  until there are 1,000,000. Distributions follow a provincial talent population: mostly
  bachelor's degrees, 6 % doctorates; disciplines weighted towards engineering; ages, graduation
  years and careers that fit together; regions weighted towards Hangzhou, Ningbo, Suzhou and
  Binhai; industries and skills that follow the discipline; 15 % hidden profiles; consents with
  the notice version; a few percent with a tier (A rare, E common) and a talent card.
  `demo-talent` gets a complete profile through the services.
- **Demands and internships** (150 + 60 small, 35,000 + 15,000 large) with salaries that follow
  degree, experience and city; some closed or unpublished.
- At every scale, for the demo accounts: an accepted contact request and a logged contact view,
  applications of `demo-talent`, evaluations (one confirmed, with a card; one waiting).

Determinism and idempotence: every enterprise, person, demand and internship draws from its own
random stream (seeded from the app's stream and its index or username), so item *i* is the same
at every scale and the small data set is the start of the large one. Re-running adds only what
is missing: enterprises by credit code, profiles for demo talent accounts that have none,
demands and internships of the demo enterprises up to the target count, the demo records when
absent.

Only the demo's own rows: enterprises the seed makes are marked `is_demo` like its accounts,
and it gives profiles, consents, memberships, postings and nominations to demo accounts and
demo enterprises only. People's accounts (a talent who signed up and consented before making
a profile, an enterprise member who has not registered an enterprise yet) and the enterprises
they register are never touched.

Speed: rows go in with PostgreSQL COPY, in chunks of 50,000 talents (profiles, education,
experience, consents, industries, regions and cards of a chunk together). Consents go in before
the profiles, so the database's own triggers (migration 0002) set `search_consent`.
"""

import datetime
import random
import time
from bisect import bisect
from functools import cache
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from stdnum.cn import uscc

from talentportal.choices import Degree
from talentportal.demo import (
    DEMO_PASSWORD,
    GIVEN_CHARACTERS,
    INTERNATIONAL_FIRST_NAMES,
    INTERNATIONAL_LAST_NAMES,
    SURNAMES,
    demo_user,
    demo_users_adopt,
)
from talentportal.models import (
    AccountKind,
    Discipline,
    DisciplineLevel,
    Industry,
    ReferenceCounter,
    Region,
    RegionLevel,
    User,
)
from talentportal.search import document_tokens
from talents.models import (
    ConsentPurpose,
    Demand,
    Education,
    Enterprise,
    EnterpriseMember,
    Experience,
    Internship,
    Talent,
    TalentCard,
    Visibility,
    normalise_skills,
)
from talents.services import CARD_YEARS, experience_years

TALENTS = {"small": 0, "large": 1_000_000}  # 0: a profile for each existing talent account
ENTERPRISES = {"small": 50, "large": 20_000}
DEMANDS = {"small": 150, "large": 35_000}
INTERNSHIPS = {"small": 60, "large": 15_000}
CHUNK = 50_000
REBUILD_INDEXES_FROM = 200_000  # profiles to add at which the search indexes are rebuilt

TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 10, 1)  # the data is "as of" this day, like the core seed's
NOW = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=TZ)
NOTICE_VERSION = "2026-01"
GENERATED_EMAIL_DOMAIN = "talents.example.com"

ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


# ---------------------------------------------------------------------------------------------
# Distributions

# Where talents live: a code prefix ("" = any city of another province) and its weight.
TALENT_REGIONS = [
    ("3301", 20), ("3302", 11), ("33", 14), ("3201", 6), ("3205", 8), ("3204", 5),
    ("3208", 3), ("32", 8), ("120116", 10), ("12", 5), ("", 10),
]  # fmt: skip
ENTERPRISE_REGIONS = [
    ("3301", 25), ("3302", 15), ("3204", 10), ("3208", 6), ("120116", 14), ("33", 10),
    ("32", 10), ("12", 5), ("", 5),
]  # fmt: skip

DEGREE_WEIGHTS = {
    Degree.NONE: 3,
    Degree.JUNIOR_COLLEGE: 24,
    Degree.BACHELOR: 46,
    Degree.MASTER: 21,
    Degree.DOCTORATE: 6,
}
GRADUATION_AGE = {
    Degree.JUNIOR_COLLEGE: 21,
    Degree.BACHELOR: 22,
    Degree.MASTER: 25,
    Degree.DOCTORATE: 29,
}
AGE_BANDS = [((22, 25), 18), ((26, 30), 25), ((31, 35), 22), ((36, 40), 15), ((41, 50), 14),
             ((51, 60), 6)]  # fmt: skip
CATEGORY_WEIGHTS = {
    "08": 34, "12": 15, "07": 9, "02": 9, "10": 7, "05": 5, "13": 4, "04": 3, "03": 3,
    "09": 3, "14": 2, "01": 1, "06": 1,
}  # fmt: skip
VISIBILITY_WEIGHTS = {
    Visibility.VERIFIED_ENTERPRISES: 68,
    Visibility.PUBLIC_SUMMARY: 17,
    Visibility.HIDDEN: 15,
}
# (tier, cumulative probability) by highest degree; most people have no tier.
TIER_ODDS = {
    Degree.DOCTORATE: [("A", 0.001), ("B", 0.01), ("C", 0.05), ("D", 0.12), ("E", 0.20)],
    Degree.MASTER: [("C", 0.005), ("D", 0.03), ("E", 0.06)],
    Degree.BACHELOR: [("D", 0.005), ("E", 0.02)],
}

CATEGORY_INDUSTRIES = {
    "08": ["new-generation-it", "integrated-circuits", "artificial-intelligence",
           "high-end-equipment", "new-materials", "new-energy", "new-energy-vehicles",
           "aerospace", "section-c", "section-i", "marine-equipment",
           "energy-saving-environmental", "information-innovation", "digital-economy"],
    "07": ["new-materials", "biotechnology", "integrated-circuits", "advanced-energy",
           "frontier-materials", "section-m", "artificial-intelligence"],
    "10": ["biomedicine", "cell-and-gene-therapy", "brain-science-intelligent-medicine",
           "section-q", "biotechnology"],
    "12": ["section-l", "section-j", "digital-economy", "section-f", "related-services",
           "section-c"],
    "02": ["section-j", "financial-leasing", "digital-economy", "section-l"],
    "05": ["section-r", "digital-creative", "section-l", "section-p"],
    "13": ["digital-creative", "section-r"],
    "04": ["section-p"],
    "03": ["section-l", "section-s"],
    "09": ["section-a", "biomanufacturing"],
    "14": ["integrated-circuits", "new-materials", "section-m"],
}  # fmt: skip
DEFAULT_INDUSTRIES = ["section-i", "section-c", "section-l"]

CATEGORY_SKILLS = {
    "08": ["Python", "C++", "Java", "嵌入式", "PLC", "CAD", "SolidWorks", "机器学习", "深度学习",
           "芯片设计", "Verilog", "锂电池", "有限元分析", "工业机器人", "Linux", "自动化",
           "材料表征", "MATLAB", "云计算", "Django", "数据库", "质量管理"],
    "07": ["数据分析", "R", "Python", "量子计算", "光谱分析", "有机合成", "统计建模", "MATLAB",
           "高分子材料", "实验设计"],
    "10": ["临床研究", "GCP", "药物研发", "细胞培养", "基因编辑", "医学影像", "生物统计",
           "质量管理"],
    "12": ["项目管理", "财务分析", "供应链管理", "人力资源", "市场营销", "ERP", "数据分析",
           "PMP"],
    "02": ["金融建模", "风险管理", "CFA", "投资分析", "财务分析", "Excel", "数据分析"],
    "05": ["英语", "日语", "翻译", "新媒体运营", "文案策划", "德语"],
    "13": ["UI设计", "视觉设计", "Photoshop", "Figma", "动画制作", "产品设计"],
    "04": ["课程设计", "教育技术", "心理咨询"],
    "03": ["知识产权", "合同管理", "合规", "公司法"],
    "09": ["育种", "农业机械", "食品安全", "植物保护"],
    "14": ["集成电路设计", "EDA", "Verilog", "纳米材料"],
}  # fmt: skip
DEFAULT_SKILLS = ["办公软件", "英语", "项目管理", "沟通协调"]

CATEGORY_TITLES = {
    "08": ["研发工程师", "软件工程师", "工艺工程师", "硬件工程师", "算法工程师", "测试工程师",
           "项目经理", "技术总监", "设备工程师"],
    "07": ["研究员", "数据分析师", "实验室主管", "研发工程师"],
    "10": ["临床研究协调员", "药物研发工程师", "主治医师", "医学经理"],
    "12": ["项目经理", "运营经理", "人力资源经理", "供应链主管", "财务经理"],
    "02": ["投资分析师", "风控经理", "客户经理", "财务分析师"],
    "05": ["翻译", "编辑", "新媒体运营", "海外市场专员"],
    "13": ["UI设计师", "视觉设计师", "产品设计师"],
    "04": ["教师", "课程研发", "教学主管"],
    "03": ["法务专员", "知识产权专员", "合规经理"],
    "09": ["农艺师", "食品安全工程师", "育种研究员"],
    "14": ["芯片设计工程师", "研究员"],
}  # fmt: skip
DEFAULT_TITLES = ["专员", "主管", "项目经理"]

SCHOOLS = [
    "浙江大学", "南京大学", "复旦大学", "上海交通大学", "南开大学", "天津大学", "东南大学",
    "中国科学技术大学", "浙江工业大学", "宁波大学", "江苏大学", "常州大学", "淮阴工学院",
    "天津理工大学", "杭州电子科技大学", "苏州大学", "中国计量大学", "浙江理工大学", "河海大学",
    "南京理工大学", "南京航空航天大学", "浙江工商大学", "天津工业大学", "江南大学", "扬州大学",
    "温州大学", "浙江师范大学", "南京邮电大学", "天津科技大学", "中国药科大学",
]  # fmt: skip
OVERSEAS_SCHOOLS = [
    "Imperial College London", "National University of Singapore", "The University of Tokyo",
    "Technical University of Munich", "The University of Melbourne", "University of Toronto",
    "University of Manchester", "KU Leuven", "Delft University of Technology",
    "University of California, San Diego", "Monash University", "ETH Zurich",
]  # fmt: skip
COLLEGES = [
    "浙江机电职业技术学院", "天津职业大学", "常州信息职业技术学院", "金华职业技术学院",
    "宁波职业技术学院", "江苏农牧科技职业学院", "杭州职业技术学院", "天津滨海职业学院",
]  # fmt: skip
EMPLOYERS_ABROAD = ["Siemens AG", "Samsung Electronics", "Bosch", "Philips", "Sony Group"]

# Enterprise names: city + brand + trade + form, in Chinese and English.
BRANDS = [
    ("华", "Hua"), ("海", "Hai"), ("新", "Xin"), ("智", "Zhi"), ("德", "De"), ("恒", "Heng"),
    ("瑞", "Rui"), ("博", "Bo"), ("天", "Tian"), ("远", "Yuan"), ("鼎", "Ding"), ("创", "Chuang"),
    ("联", "Lian"), ("信", "Xin"), ("达", "Da"), ("中", "Zhong"), ("科", "Ke"), ("盛", "Sheng"),
    ("源", "Yuan"), ("汇", "Hui"), ("明", "Ming"), ("泰", "Tai"), ("宏", "Hong"), ("安", "An"),
    ("江", "Jiang"), ("鑫", "Xin"), ("卓", "Zhuo"), ("睿", "Rui"), ("优", "You"), ("星", "Xing"),
    ("辰", "Chen"), ("云", "Yun"), ("峰", "Feng"), ("合", "He"), ("正", "Zheng"), ("嘉", "Jia"),
    ("润", "Run"), ("迅", "Xun"), ("甬", "Yong"), ("澜", "Lan"),
]  # fmt: skip
TRADES = {
    "new-generation-it": ("信息技术", "Information Technology"),
    "integrated-circuits": ("微电子", "Microelectronics"),
    "artificial-intelligence": ("智能科技", "Intelligent Technology"),
    "digital-economy": ("数字科技", "Digital Technology"),
    "high-end-equipment": ("智能装备", "Intelligent Equipment"),
    "new-materials": ("新材料科技", "New Materials Technology"),
    "biotechnology": ("生物科技", "Biotechnology"),
    "biomedicine": ("生物医药", "Biopharmaceutical"),
    "new-energy": ("新能源科技", "New Energy Technology"),
    "new-energy-vehicles": ("新能源汽车科技", "New Energy Vehicle Technology"),
    "energy-saving-environmental": ("环保科技", "Environmental Technology"),
    "aerospace": ("航空科技", "Aviation Technology"),
    "marine-equipment": ("海洋装备", "Marine Equipment"),
    "financial-leasing": ("融资租赁", "Financial Leasing"),
    "section-c": ("精密制造", "Precision Manufacturing"),
    "section-i": ("软件", "Software"),
    "section-j": ("投资管理", "Investment Management"),
    "section-l": ("企业管理咨询", "Management Consulting"),
    "section-m": ("检测技术", "Testing Technology"),
    "section-f": ("贸易", "Trading"),
    "section-q": ("医疗科技", "Medical Technology"),
    "section-r": ("文化传媒", "Culture and Media"),
    "digital-creative": ("数字创意", "Digital Creative"),
    "cell-and-gene-therapy": ("基因科技", "Gene Technology"),
    "information-innovation": ("信创科技", "Information Innovation Technology"),
}
ENTERPRISE_INDUSTRIES = [(code, weight) for code, weight in zip(TRADES, [
    9, 4, 7, 5, 7, 6, 3, 5, 5, 4, 3, 2, 2, 1, 10, 8, 2, 4, 2, 3, 2, 2, 2, 1, 2,
], strict=True)]  # fmt: skip
FORMS = [(("有限公司", "Co., Ltd."), 75), (("股份有限公司", "Co., Ltd."), 20),
         (("集团有限公司", "Group Co., Ltd."), 5)]  # fmt: skip
SIZES = [("micro", 15), ("small", 40), ("medium", 30), ("large", 15)]
REJECTION_REASONS = [
    "营业执照扫描件不清晰，请重新上传。",
    "企业名称与营业执照不一致。",
    "统一社会信用代码与营业执照不符。",
]
INDUSTRY_CATEGORY = {
    industry: category
    for category, industries in CATEGORY_INDUSTRIES.items()
    for industry in industries[:3]
}

DEMO_TALENT = "demo-talent"  # made through the services, with a complete profile
DEMO_DEMAND = "电池材料研发负责人"  # the demand demo-talent has applied to
DEMO_ENTERPRISE = {
    "name": "杭州云澜智能科技有限公司",
    "name_en": "Hangzhou Yunlan Intelligent Technology Co., Ltd.",
    "region": "330106",
    "industry": "new-materials",
    "size": "medium",
    "description": "专注锂电池正极材料与电池管理系统研发的国家高新技术企业。",
}


# ---------------------------------------------------------------------------------------------
# Credit codes


def organization_code(body: str) -> str:
    """A GB 11714 organization code: eight characters and their check character."""
    total = sum(ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, region_code: str) -> str:
    """A well-formed unified social credit code of a company registered in `region_code`:
    registration authority 9 (market regulation), type 1 (enterprise), the division code, an
    organization code with its check character, and the GB 32100 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region_code + organization_code(body)
    return first17 + uscc.calc_check_digit(first17)


# ---------------------------------------------------------------------------------------------
# Entry point


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    base = rng.getrandbits(64)
    catalogue = Catalogue.load()
    started = time.perf_counter()

    count = enterprises_ensure(count=ENTERPRISES[scale], base=base, catalogue=catalogue)
    members = members_ensure()
    _report(stdout, f"enterprises: {count} new, {members} members", started)

    step = time.perf_counter()
    users = talent_users_ensure(target=TALENTS[scale], base=base) if TALENTS[scale] else 0
    profiles = talents_ensure(base=base, catalogue=catalogue, stdout=stdout)
    _report(stdout, f"talents: {users} new accounts, {profiles} new profiles", step)

    step = time.perf_counter()
    demands = postings_ensure(Demand, count=DEMANDS[scale], base=base, catalogue=catalogue)
    internships = postings_ensure(
        Internship, count=INTERNSHIPS[scale], base=base, catalogue=catalogue
    )
    _report(stdout, f"postings: {demands} demands, {internships} internships new", step)

    step = time.perf_counter()
    demo_ensure(catalogue=catalogue)
    with connection.cursor() as cursor:
        for model in (Talent, Enterprise, Demand, Internship, Education, Experience):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    _report(stdout, "demo records, statistics", step)
    _report(
        stdout,
        f"in all: {Talent.objects.count()} talents, {Enterprise.objects.count()} enterprises, "
        f"{Demand.objects.count()} demands, {Internship.objects.count()} internships, "
        f"{TalentCard.objects.count()} cards",
        started,
    )


def _report(stdout, text: str, since: float) -> None:
    stdout.write(f"  {text} ({time.perf_counter() - since:.1f}s)")


class Catalogue:
    """The reference data the generators draw from, loaded once."""

    @classmethod
    def load(cls) -> "Catalogue":
        self = cls()
        regions = list(
            Region.objects.values_list("code", "level", "parent_id", "name_zh", "name_en")
        )
        self.region_names = {code: (zh, en, parent) for code, _l, parent, zh, en in regions}
        finest = {}
        for code, level, _parent, _zh, _en in regions:
            finest.setdefault(level, []).append(code)
        counties = finest.get(RegionLevel.COUNTY, [])
        cities = finest.get(RegionLevel.CITY, [])

        def places(prefix):
            if not prefix:
                return [c for c in cities if c[:2] not in ("33", "32", "12")]
            if len(prefix) == 6:
                return [prefix]
            found = [c for c in counties if c.startswith(prefix)]
            return found or [c for c in cities if c.startswith(prefix)]

        self.talent_regions = _weighted([(places(p), w) for p, w in TALENT_REGIONS if places(p)])
        self.enterprise_regions = _weighted(
            [(places(p), w) for p, w in ENTERPRISE_REGIONS if places(p)]
        )
        self.city_codes = sorted(set(cities))
        children = {}
        for code, parent in Discipline.objects.filter(
            level=DisciplineLevel.FIRST_LEVEL
        ).values_list("code", "parent_id"):
            children.setdefault(parent, []).append(code)
        self.disciplines = {c: sorted(codes) for c, codes in children.items()}
        self.categories = _weighted(
            [(c, w) for c, w in CATEGORY_WEIGHTS.items() if c in self.disciplines]
        )
        self.discipline_text = {
            code: document_tokens(f"{zh} {en}")
            for code, zh, en in Discipline.objects.values_list("code", "name_zh", "name_en")
        }
        self.industry_ids = dict(Industry.objects.values_list("code", "id"))
        self.enterprise_industries = _weighted(
            [(c, w) for c, w in ENTERPRISE_INDUSTRIES if c in self.industry_ids]
        )
        staff = demo_user("demo-staff")
        self.demo_staff_id = staff.pk if staff else None
        self.tokens = {}
        return self

    def tokens_of(self, text: str) -> str:
        found = self.tokens.get(text)
        if found is None:
            found = self.tokens[text] = document_tokens(text)
        return found

    def city_of(self, code: str) -> tuple[str, str]:
        """(Chinese, English) name of the city a region is in (a municipality for its
        districts), without 市."""
        zh, en, parent = self.region_names[code]
        if not code.endswith("00") and parent in self.region_names:
            zh, en, _p = self.region_names[parent]
        return zh.removesuffix("市"), en


def _weighted(pairs):
    """A chooser: `choose(rng)` picks one value by weight (values may be lists: then one of
    their items, uniformly)."""
    values = [v for v, _w in pairs]
    cumulative = list(accumulate(w for _v, w in pairs))
    total = cumulative[-1]

    def choose(rng):
        value = values[bisect(cumulative, rng.random() * total)]
        return rng.choice(value) if isinstance(value, list) else value

    return choose


@cache
def _chooser(weights: tuple):
    return _weighted(weights)


def _pick(rng, weights: dict | list):
    """One of the keys (or first items) of `weights`, by weight."""
    pairs = tuple(weights.items()) if isinstance(weights, dict) else tuple(weights)
    return _chooser(pairs)(rng)


def _stream(base: int, kind: str, key) -> random.Random:
    return random.Random(f"{base}:{kind}:{key}")


def _copy(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _array(values: list[str]) -> str:
    """A PostgreSQL array literal (for COPY's text format)."""
    items = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(items) + "}"


def _moment(rng, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    span = max(int((end - start).total_seconds()), 1)
    return start + datetime.timedelta(seconds=rng.randrange(span))


# ---------------------------------------------------------------------------------------------
# Enterprises


def enterprise_row(i: int, *, base: int, catalogue: Catalogue) -> dict:
    """Enterprise number `i`; number 0 is the demo enterprise."""
    rng = _stream(base, "enterprise", i)
    region = DEMO_ENTERPRISE["region"] if i == 0 else catalogue.enterprise_regions(rng)
    industry = DEMO_ENTERPRISE["industry"] if i == 0 else catalogue.enterprise_industries(rng)
    city_zh, city_en = catalogue.city_of(region)
    first, second = rng.sample(BRANDS, 2)
    trade_zh, trade_en = TRADES[industry]
    (form_zh, form_en) = _pick(rng, FORMS)
    created = _moment(
        rng, NOW - datetime.timedelta(days=3 * 365), NOW - datetime.timedelta(days=30)
    )
    status = (
        "verified" if i == 0 else _pick(rng, [("verified", 85), ("pending", 10), ("rejected", 5)])
    )
    row = {
        "name": f"{city_zh}{first[0]}{second[0]}{trade_zh}{form_zh}",
        "name_en": f"{city_en} {first[1]}{second[1].lower()} {trade_en} {form_en}",
        "credit_code": credit_code(rng, region),
        "region_id": region,
        "industry_id": catalogue.industry_ids.get(industry),
        "size": _pick(rng, SIZES),
        "description": "",
        "website": "",
        "is_evaluator": i == 0 or (status == "verified" and rng.random() < 0.2),
        "status": status,
        "evidence": "",
        "verified_by_id": catalogue.demo_staff_id if status != "pending" else None,
        "verified_at": created + datetime.timedelta(days=rng.randint(1, 10))
        if status != "pending"
        else None,
        "rejection_reason": rng.choice(REJECTION_REASONS) if status == "rejected" else "",
        "is_demo": True,
        "created_at": created,
        "updated_at": created,
    }
    if i == 0:
        row.update(
            {k: DEMO_ENTERPRISE[k] for k in ("name", "name_en", "size", "description")},
            website="https://www.example.com/",
        )
    return row


def enterprises_ensure(*, count: int, base: int, catalogue: Catalogue) -> int:
    """Insert enterprises 0 … count-1 that are not there (by credit code). An enterprise
    someone registered with one of these codes stays theirs; an unmarked one with the code and
    the name of a generated one is the seed's from before enterprises were marked."""
    rows = [enterprise_row(i, base=base, catalogue=catalogue) for i in range(count)]
    columns = list(rows[0])
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE seed_enterprise ON COMMIT DROP AS "
            f"SELECT 0 AS ordinal, * FROM {table} WITH NO DATA"
        )
        _copy(
            cursor,
            "seed_enterprise",
            ["ordinal", *columns],
            ([i, *(row[c] for c in columns)] for i, row in enumerate(rows)),
        )
        quoted = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM seed_enterprise ORDER BY ordinal "
            f"ON CONFLICT (credit_code) DO NOTHING"
        )
        created = cursor.rowcount
        cursor.execute(
            f"UPDATE {table} AS e SET is_demo = true FROM seed_enterprise AS s "
            f"WHERE NOT e.is_demo AND e.credit_code = s.credit_code AND e.name = s.name"
        )
        cursor.execute("DROP TABLE seed_enterprise")
    return created


def members_ensure() -> int:
    """Demo enterprise accounts that belong to no enterprise join a demo enterprise:
    `demo-enterprise` the demo enterprise (as its administrator), the others one each, in
    turn; the first member of an enterprise is its administrator."""
    demo_id = demo_enterprise_id()
    enterprise_ids = list(Enterprise.objects.demo().order_by("pk").values_list("pk", flat=True))
    staffed = set(
        EnterpriseMember.objects.filter(enterprise__is_demo=True).values_list(
            "enterprise_id", flat=True
        )
    )
    loose = list(
        User.objects.demo()
        .filter(kind=AccountKind.ENTERPRISE, is_active=True, enterprise_memberships__isnull=True)
        .order_by("username")
        .values_list("pk", "username")
    )
    rows = []
    unstaffed = [e for e in enterprise_ids if e not in staffed and e != demo_id]
    position = 0
    for user_id, username in loose:
        if username == "demo-enterprise" and demo_id:
            enterprise = demo_id
        elif unstaffed:
            enterprise = unstaffed.pop(0)
        elif enterprise_ids:
            enterprise = enterprise_ids[position % len(enterprise_ids)]
            position += 1
        else:
            break
        role = "recruiter" if enterprise in staffed else "admin"
        staffed.add(enterprise)
        rows.append((enterprise, user_id, role, NOW))
    with connection.cursor() as cursor:
        return _copy(
            cursor,
            EnterpriseMember._meta.db_table,
            ["enterprise_id", "user_id", "role", "created_at"],
            rows,
        )


# ---------------------------------------------------------------------------------------------
# Talent accounts (large scale)


def talent_users_ensure(*, target: int, base: int) -> int:
    """Add generated talent accounts until there are `target` demo talent accounts. Account
    *i* of the generated ones is the same person whenever it is made."""
    demo_talents = User.objects.demo().filter(kind=AccountKind.TALENT)
    existing_generated = demo_talents.filter(email__endswith=f"@{GENERATED_EMAIL_DOMAIN}").count()
    others = demo_talents.count() - existing_generated
    wanted = max(target - others, 0)
    if wanted <= existing_generated:
        return 0
    template = User(password=make_password(DEMO_PASSWORD), is_active=True, is_demo=True)
    fields = [f for f in User._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]

    def rows():
        for i in range(existing_generated + 1, wanted + 1):
            values = generated_user(i, base=base)
            yield [values.get(f.attname, getattr(template, f.attname)) for f in fields]

    table = User._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE seed_talent_user ON COMMIT DROP AS "
            f"SELECT {quoted} FROM {table} WITH NO DATA"
        )
        _copy(cursor, "seed_talent_user", columns, rows())
        cursor.execute(
            # In username order: the username and e-mail indexes then fill page by page.
            f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM seed_talent_user "
            f"ORDER BY username ON CONFLICT DO NOTHING"
        )
        created = cursor.rowcount
        demo_users_adopt(cursor, "seed_talent_user")
        cursor.execute("DROP TABLE seed_talent_user")
    return created


_SURNAMES = [(zh, py) for zh, py, _w in SURNAMES]
_SURNAME_WEIGHTS = list(accumulate(w for _zh, _py, w in SURNAMES))


def generated_user(i: int, *, base: int) -> dict:
    rng = _stream(base, "user", i)
    joined = NOW - datetime.timedelta(seconds=rng.randrange(3 * 365 * 24 * 3600))
    if rng.random() < 0.03:
        first, last = rng.choice(INTERNATIONAL_FIRST_NAMES), rng.choice(INTERNATIONAL_LAST_NAMES)
        display, handle, language = f"{first} {last}", f"{first}{last}", "en"
    else:
        surname, last = rng.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
        given = rng.sample(GIVEN_CHARACTERS, rng.choice((1, 2, 2, 2)))
        display = surname + "".join(c for c, _py in given)
        first = "".join(py for _c, py in given).capitalize()
        handle, language = f"{last}{first}", "zh-hans"
    handle = "".join(c for c in handle.lower() if "a" <= c <= "z")[:24]
    username = f"{handle}.{i}"
    return {
        "username": username,
        "email": f"{username}@{GENERATED_EMAIL_DOMAIN}",
        "display_name": display,
        "first_name": first,
        "last_name": last,
        "kind": AccountKind.TALENT,
        "preferred_language": language,
        "date_joined": joined,
    }


# ---------------------------------------------------------------------------------------------
# Talent profiles


class Job(NamedTuple):
    start: datetime.date
    end: datetime.date | None


class Person:
    """One generated profile with its records, as rows ready for COPY."""

    __slots__ = (
        "cards",
        "consents",
        "educations",
        "experiences",
        "industries",
        "regions",
        "talent",
    )


def person(
    *,
    user_id: int,
    username: str,
    name: str,
    joined: datetime.datetime,
    base: int,
    catalogue: Catalogue,
) -> Person:
    rng = _stream(base, "talent", username)
    age = rng.randint(*_pick(rng, AGE_BANDS))
    birth_year = TODAY.year - age
    degree = _pick(rng, DEGREE_WEIGHTS)
    while degree and birth_year + GRADUATION_AGE[degree] > TODAY.year - (
        0 if TODAY.month > 6 else 1
    ):
        degree -= 1
    category = catalogue.categories(rng)
    discipline = rng.choice(catalogue.disciplines[category])

    # Education: the highest degree and the ones before it.
    educations = []
    overseas = False
    year = None
    level = degree
    while level >= Degree.JUNIOR_COLLEGE:
        year = birth_year + GRADUATION_AGE[level] + rng.randint(0, 2)
        year = min(year, TODAY.year if TODAY.month > 6 else TODAY.year - 1)
        abroad = level >= Degree.MASTER and rng.random() < (
            0.15 if level == Degree.DOCTORATE else 0.1
        )
        overseas = overseas or abroad
        school = (
            rng.choice(OVERSEAS_SCHOOLS)
            if abroad
            else rng.choice(COLLEGES if level == Degree.JUNIOR_COLLEGE else SCHOOLS)
        )
        subject = (
            discipline
            if level == degree or rng.random() < 0.7
            else rng.choice(catalogue.disciplines[category])
        )
        educations.append((level, subject, school, year, abroad))
        if level == Degree.JUNIOR_COLLEGE or (level == Degree.BACHELOR and rng.random() < 0.9):
            break
        level -= 1
    main_year = educations[0][3] if educations else None

    # Work: from the end of study until today, in one to three jobs.
    career_start = datetime.date(main_year or birth_year + 19, 7, 1) + datetime.timedelta(
        days=rng.randint(0, 120)
    )
    titles = CATEGORY_TITLES.get(category, DEFAULT_TITLES)
    experiences = []
    if career_start < TODAY:
        span_days = (TODAY - career_start).days
        jobs = 1 + (span_days > 3 * 365) + (span_days > 8 * 365)
        cuts = sorted(rng.randrange(span_days) for _ in range(jobs - 1))
        bounds = [0, *cuts, span_days]
        for j in range(jobs):
            start = career_start + datetime.timedelta(days=bounds[j])
            end = career_start + datetime.timedelta(days=bounds[j + 1])
            last = j == jobs - 1
            if last and rng.random() < 0.85:
                end = None
            elif not last:
                end = max(start, end - datetime.timedelta(days=rng.randint(0, 90)))
            abroad = rng.random() < 0.04
            overseas = overseas or abroad
            employer = rng.choice(EMPLOYERS_ABROAD) if abroad else _employer_name(rng)
            experiences.append((employer, rng.choice(titles), start, end, abroad))
    years = experience_years([Job(x[2], x[3]) for x in experiences], today=TODAY)

    skills = normalise_skills(
        rng.sample(
            pool := CATEGORY_SKILLS.get(category, DEFAULT_SKILLS), rng.randint(1, min(4, len(pool)))
        )
    )
    title = experiences[-1][1] if experiences else "应届毕业生"
    headline = f"{'资深' if years >= 10 else ''}{title}，{skills[0]}方向" if skills else title
    tier = ""
    draw = rng.random()
    for candidate, odds in TIER_ODDS.get(degree, []):
        if draw < odds:
            tier = candidate
            break
    visibility = _pick(rng, VISIBILITY_WEIGHTS)
    consents = []
    consent_at = joined + datetime.timedelta(minutes=rng.randint(1, 600))
    if visibility != Visibility.HIDDEN or rng.random() < 0.3:
        consents.append((user_id, ConsentPurpose.PROFILE_SEARCH, NOTICE_VERSION, consent_at, None))
    contact_visible = False
    if rng.random() < 0.35:
        consents.append((user_id, ConsentPurpose.CONTACT_SHARING, NOTICE_VERSION, consent_at, None))
        contact_visible = rng.random() < 0.4
    industry_codes = CATEGORY_INDUSTRIES.get(category, DEFAULT_INDUSTRIES)
    industries = {
        catalogue.industry_ids[c]
        for c in rng.sample(industry_codes, min(len(industry_codes), rng.randint(1, 2)))
        if c in catalogue.industry_ids
    }
    region = catalogue.talent_regions(rng)
    work_regions = {region[:4] + "00"} if region[:4] + "00" in catalogue.region_names else set()
    if rng.random() < 0.4:
        elsewhere = catalogue.talent_regions(rng)[:4] + "00"
        if elsewhere in catalogue.region_names:
            work_regions.add(elsewhere)
    updated = _moment(rng, joined, NOW)
    cards = []
    tier_valid_until = None
    if tier:
        valid_from = TODAY - datetime.timedelta(days=rng.randint(0, 4 * 365))
        tier_valid_until = card_valid_until(valid_from)
        cards.append((tier, valid_from, tier_valid_until))
    text = " ".join(
        [
            catalogue.tokens_of(headline),
            *(catalogue.tokens_of(s) for s in skills),
            *(catalogue.discipline_text.get(e[1], "") for e in educations),
            *(catalogue.tokens_of(x[1]) for x in experiences),
        ]
    )
    p = Person()
    p.talent = {
        "user_id": user_id,
        "name": name,
        "gender": _pick(rng, [("female", 48), ("male", 48), ("", 4)]),
        "birth_year": birth_year,
        "headline": headline,
        "current_region_id": region,
        "skills": _array(skills),
        "tier": tier,
        "tier_valid_until": tier_valid_until,
        "resume": "",
        "visibility": visibility,
        "contact_visible_to_verified": contact_visible,
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.7 else "",
        "email": "",
        "highest_degree": int(degree),
        "main_discipline_id": educations[0][1] if educations else None,
        "graduation_year": main_year,
        "years_experience": years,
        "has_overseas": overseas,
        "search_tokens": text,
        "search_consent": False,  # set by the database from the consents
        "created_at": joined,
        "updated_at": updated,
        "deleted_at": None,
    }
    p.educations = educations
    p.experiences = experiences
    p.consents = consents
    p.industries = industries
    p.regions = work_regions
    p.cards = cards
    return p


def card_valid_until(valid_from: datetime.date) -> datetime.date:
    """Five years less a day (29 February counts from 28 February)."""
    start = (
        valid_from.replace(day=28) if (valid_from.month, valid_from.day) == (2, 29) else valid_from
    )
    return start.replace(year=start.year + CARD_YEARS) - datetime.timedelta(days=1)


def _employer_name(rng) -> str:
    first, second = rng.sample(BRANDS, 2)
    trade_zh, _en = TRADES[rng.choice(list(TRADES))]
    return f"{first[0]}{second[0]}{trade_zh}有限公司"


TALENT_COLUMNS = [
    "id", "user_id", "name", "gender", "birth_year", "headline", "current_region_id", "skills",
    "tier", "tier_valid_until", "resume", "visibility", "contact_visible_to_verified", "phone",
    "email", "highest_degree", "main_discipline_id", "graduation_year", "years_experience",
    "has_overseas", "search_tokens", "search_consent", "created_at", "updated_at", "deleted_at",
]  # fmt: skip


def talents_ensure(*, base: int, catalogue: Catalogue, stdout) -> int:
    """A profile for every active demo talent account that has none, in chunks. For a big load the
    search indexes are dropped first and built again at the end (much faster than keeping
    them up to date row by row; the seed runs in one transaction, so nobody sees the gap)."""
    pending = _accounts_without_profile().count()
    rebuild = pending >= REBUILD_INDEXES_FROM
    if rebuild:
        _check_deferred_constraints()  # a table with pending checks cannot be altered
        with connection.schema_editor() as editor:
            for index in Talent._meta.indexes:
                editor.remove_index(Talent, index)
    try:
        return _talents_insert(base=base, catalogue=catalogue, stdout=stdout)
    finally:
        if rebuild:
            started = time.perf_counter()
            _check_deferred_constraints()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for the GIN builds
            with connection.schema_editor() as editor:
                for index in Talent._meta.indexes:
                    editor.add_index(Talent, index)
            stdout.write(
                f"    deferred foreign-key checks run, search indexes built "
                f"({time.perf_counter() - started:.1f}s)"
            )


def _check_deferred_constraints() -> None:
    """Run the foreign-key checks the transaction has deferred so far (and keep deferring)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _accounts_without_profile():
    """Demo talent accounts only: a person who signed up (and perhaps consented) before
    making a profile keeps it that way."""
    return (
        User.objects.demo()
        .filter(kind=AccountKind.TALENT, is_active=True, talent__isnull=True)
        .exclude(username=DEMO_TALENT)
    )


def _talents_insert(*, base: int, catalogue: Catalogue, stdout) -> int:
    created = 0
    after = 0
    while True:
        users = list(
            _accounts_without_profile()
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", "username", "display_name", "date_joined")[:CHUNK]
        )
        if not users:
            return created
        after = users[-1][0]
        people = [
            person(
                user_id=user_id,
                username=username,
                name=name or username,
                joined=joined,
                base=base,
                catalogue=catalogue,
            )
            for user_id, username, name, joined in users
        ]
        with connection.cursor() as cursor:
            _write_people(cursor, people)
        created += len(people)
        if created % (4 * CHUNK) == 0:
            stdout.write(f"    {created} profiles…")


def _write_people(cursor, people: list[Person]) -> None:
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [Talent._meta.db_table, len(people)],
    )
    ids = [row[0] for row in cursor.fetchall()]
    # Consents first: the insert trigger of the profiles reads them.
    _copy(
        cursor,
        "talents_consent",
        ["user_id", "purpose", "notice_version", "given_at", "withdrawn_at"],
        (consent for p in people for consent in p.consents),
    )
    _copy(
        cursor,
        Talent._meta.db_table,
        TALENT_COLUMNS,
        (
            [talent_id, *(p.talent[c] for c in TALENT_COLUMNS[1:])]
            for talent_id, p in zip(ids, people, strict=True)
        ),
    )
    _copy(
        cursor,
        Education._meta.db_table,
        ["talent_id", "degree", "discipline_id", "school", "graduation_year", "overseas"],
        ((tid, *e) for tid, p in zip(ids, people, strict=True) for e in p.educations),
    )
    _copy(
        cursor,
        Experience._meta.db_table,
        ["talent_id", "employer", "title", "start", "end", "overseas"],
        ((tid, *x) for tid, p in zip(ids, people, strict=True) for x in p.experiences),
    )
    _copy(
        cursor,
        Talent.industries.through._meta.db_table,
        ["talent_id", "industry_id"],
        ((tid, i) for tid, p in zip(ids, people, strict=True) for i in sorted(p.industries)),
    )
    _copy(
        cursor,
        Talent.work_regions.through._meta.db_table,
        ["talent_id", "region_id"],
        ((tid, r) for tid, p in zip(ids, people, strict=True) for r in sorted(p.regions)),
    )
    cards = [(tid, *card) for tid, p in zip(ids, people, strict=True) for card in p.cards]
    numbers = _card_numbers(cursor, [valid_from.year for _t, _tier, valid_from, _u in cards])
    _copy(
        cursor,
        TalentCard._meta.db_table,
        ["number", "talent_id", "tier", "valid_from", "valid_until", "issued_at", "revoked_reason"],
        (
            (
                number,
                tid,
                tier,
                valid_from,
                until,
                datetime.datetime.combine(valid_from, datetime.time(9), TZ),
                "",
            )
            for number, (tid, tier, valid_from, until) in zip(numbers, cards, strict=True)
        ),
    )


def _card_numbers(cursor, years: list[int]) -> list[str]:
    """Card numbers for cards issued in these years, from the shared reference counter (one
    upsert per year reserves a block), so later cards continue the sequence."""
    table = ReferenceCounter._meta.db_table
    next_number = {}
    for year in sorted(set(years)):
        count = years.count(year)
        cursor.execute(
            f"""INSERT INTO {table} (prefix, year, last) VALUES ('TC', %s, %s)
                ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + EXCLUDED.last
                RETURNING last""",
            [year, count],
        )
        next_number[year] = cursor.fetchone()[0] - count + 1
    numbers = []
    for year in years:
        numbers.append(f"TC-{year}-{next_number[year]:06d}")
        next_number[year] += 1
    return numbers


# ---------------------------------------------------------------------------------------------
# Demands and internships


SCHOOL_YEARS = [("any", 30), ("year_2", 10), ("year_3", 30), ("year_4", 15), ("graduate", 15)]
CITY_PAY = {"3301": 1.2, "3302": 1.1, "3205": 1.15, "3201": 1.15, "1201": 1.1}


def posting_row(model, i: int, *, base: int, catalogue: Catalogue, enterprises: list) -> dict:
    kind = model._meta.model_name
    rng = _stream(base, kind, i)
    enterprise_id, region, industry_code, enterprise_name = enterprises[
        rng.randrange(len(enterprises))
    ]
    category = INDUSTRY_CATEGORY.get(industry_code) or catalogue.categories(rng)
    titles = CATEGORY_TITLES.get(category, DEFAULT_TITLES)
    position = rng.choice(titles)
    created = _moment(rng, NOW - datetime.timedelta(days=400), NOW - datetime.timedelta(days=1))
    closing = created.date() + datetime.timedelta(days=rng.randint(30, 180))
    row = {
        "enterprise_id": enterprise_id,
        "region_id": region,
        "closing_on": closing if rng.random() < 0.9 else None,
        "is_published": rng.random() < 0.92,
        "created_at": created,
        "updated_at": created,
        "position_en": "",
    }
    if model is Demand:
        degree = _pick(rng, {0: 10, 1: 20, 2: 45, 3: 18, 4: 7})
        years = _pick(rng, {0: 20, 1: 15, 2: 15, 3: 20, 5: 18, 8: 8, 10: 4})
        pay = {0: 5_000, 1: 6_000, 2: 9_000, 3: 14_000, 4: 22_000}[degree]
        pay *= (1 + 0.08 * years) * CITY_PAY.get(region[:4], 1.0) * rng.uniform(0.85, 1.2)
        salary_min = int(pay // 500 * 500)
        negotiable = rng.random() < 0.1
        wanted = min(int(rng.expovariate(0.5)) + 1, 20)
        discipline = rng.choice(catalogue.disciplines[category]) if rng.random() < 0.85 else None
        row.update(
            position_zh=("高级" if years >= 5 else "") + position,
            description=(
                f"{enterprise_name}招聘{position}{wanted}名。任职要求："
                f"{Degree(degree).label if degree else '学历不限'}，"
                f"{years}年以上相关工作经验。"
            ),
            discipline_id=discipline,
            min_degree=degree,
            min_years=years,
            number_wanted=wanted,
            salary_min=None if negotiable else salary_min,
            salary_max=None if negotiable else int(salary_min * rng.uniform(1.3, 1.8) // 500 * 500),
        )
    else:
        row.update(
            position_zh=position.removesuffix("工程师").removesuffix("师") + "实习生",
            description=f"{enterprise_name}面向在校学生招聘实习生，表现优秀者可获留用机会。",
            school_year=_pick(rng, SCHOOL_YEARS),
            duration_weeks=rng.choice((4, 8, 8, 12, 12, 16, 24)),
            stipend=None if rng.random() < 0.1 else rng.randrange(1_500, 6_001, 100),
        )
    return row


def postings_ensure(model, *, count: int, base: int, catalogue: Catalogue) -> int:
    """Postings number `existing` … count-1 of the demo enterprises (the seed's postings are
    numbered by creation); what other enterprises post is theirs, and never counted."""
    existing = model.objects.filter(enterprise__is_demo=True).count()
    if existing >= count:
        return 0
    enterprises = list(
        Enterprise.objects.demo()
        .order_by("pk")
        .values_list("pk", "region_id", "industry__code", "name")
    )
    if not enterprises:
        return 0
    rows = [
        posting_row(model, i, base=base, catalogue=catalogue, enterprises=enterprises)
        for i in range(existing, count)
    ]
    columns = list(rows[0])
    with connection.cursor() as cursor:
        return _copy(cursor, model._meta.db_table, columns, ([r[c] for c in columns] for r in rows))


# ---------------------------------------------------------------------------------------------
# The demo accounts' records


def demo_enterprise_id() -> int | None:
    return (
        Enterprise.objects.demo()
        .filter(name=DEMO_ENTERPRISE["name"])
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def demo_ensure(*, catalogue: Catalogue) -> None:
    """`demo-talent`'s full profile, and records that show every feature on the demo accounts'
    pages: an accepted contact request with a logged view, applications, evaluations. Each is
    made when it was never made: what is done with the demo accounts on the site afterwards (a
    consent withdrawn, a profile edited) stays as it is."""
    from talentportal.workflow import application_submit
    from talents import services
    from talents.models import (
        Consent,
        ContactRequest,
        DemandApplication,
        Evaluation,
        ProfileAccess,
    )

    talent_user = demo_user(DEMO_TALENT)
    member = demo_user("demo-enterprise")
    staff = demo_user("demo-staff")
    enterprise = Enterprise.objects.filter(pk=demo_enterprise_id()).first()
    if talent_user is None or member is None or enterprise is None:
        return
    new_profile = not Talent.objects.filter(user=talent_user).exists()
    talent = services.talent_profile_create(user=talent_user)
    for purpose in (ConsentPurpose.PROFILE_SEARCH, ConsentPurpose.CONTACT_SHARING):
        if not Consent.objects.filter(user=talent_user, purpose=purpose).exists():
            services.consent_give(user=talent_user, purpose=purpose, notice_version=NOTICE_VERSION)
    if new_profile:
        chemistry, materials = (
            Discipline.objects.get(code="0703"),
            Discipline.objects.get(code="0805"),
        )
        services.talent_profile_update(
            talent=talent,
            name="陈思远",
            gender="male",
            birth_year=1991,
            headline="锂电池正极材料研发，高镍三元与固态电解质方向",
            current_region=Region.objects.get(code="330106"),
            skills=["锂电池", "材料表征", "Python", "有限元分析"],
            visibility=Visibility.VERIFIED_ENTERPRISES,
            phone="13800000000",
            industries=Industry.objects.filter(code__in=["new-materials", "new-energy"]),
            work_regions=Region.objects.filter(code__in=["330100", "330200"]),
            educations=[
                {
                    "degree": Degree.BACHELOR,
                    "discipline": chemistry,
                    "school": "南京大学",
                    "graduation_year": 2013,
                },
                {
                    "degree": Degree.MASTER,
                    "discipline": materials,
                    "school": "浙江大学",
                    "graduation_year": 2016,
                },
                {
                    "degree": Degree.DOCTORATE,
                    "discipline": materials,
                    "school": "Imperial College London",
                    "graduation_year": 2020,
                    "overseas": True,
                },
            ],
            experiences=[
                {
                    "employer": "宁波甬江新材料研究院",
                    "title": "博士后研究员",
                    "start": datetime.date(2020, 9, 1),
                    "end": datetime.date(2022, 8, 31),
                },
                {
                    "employer": "杭州恒瑞新能源科技有限公司",
                    "title": "高级研发工程师",
                    "start": datetime.date(2022, 9, 15),
                },
            ],
        )
    request = ContactRequest.objects.filter(enterprise=enterprise, talent=talent).first()
    if request is None:
        request = services.contact_request_create(
            enterprise=enterprise,
            talent=talent,
            by=member,
            message="您好，我们正在招聘电池材料方向的研发负责人，希望与您进一步沟通。",
        )
        services.contact_request_accept(request=request, by=talent_user)
    if not ProfileAccess.objects.filter(talent=talent).exists():
        services.contact_details_view(
            talent=talent, viewer=member, enterprise=enterprise, why="电话沟通研发负责人岗位"
        )
    demand = Demand.objects.filter(enterprise=enterprise, position_zh=DEMO_DEMAND).first()
    if demand is None:
        demand = services.demand_create(
            enterprise=enterprise,
            by=member,
            position_zh=DEMO_DEMAND,
            position_en="Head of battery materials R&D",
            description="负责高镍正极材料与固态电解质的研发团队。",
            region=Region.objects.get(code="330106"),
            discipline=Discipline.objects.get(code="0805"),
            min_degree=Degree.DOCTORATE,
            min_years=3,
            number_wanted=1,
            salary_min=40_000,
            salary_max=60_000,
            closing_on=TODAY + datetime.timedelta(days=90),
            is_published=True,
        )
    if not DemandApplication.objects.filter(applicant=talent_user).exists():
        application = services.demand_application_create(
            demand=demand, applicant=talent_user, cover_letter="期待加入贵公司的研发团队。"
        )
        application_submit(application=application, by=talent_user)
    if staff is not None and not Evaluation.objects.filter(enterprise=enterprise).exists():
        evaluation = services.evaluation_nominate(
            enterprise=enterprise,
            talent=talent,
            by=member,
            proposed_tier="C",
            evidence="主持省级重点研发计划项目1项；授权发明专利6项；高镍正极材料产业化成果。",
        )
        application_submit(application=evaluation, by=member)
        services.evaluation_confirm(
            evaluation=evaluation, by=staff, valid_from=timezone.localdate()
        )
        others = (
            Talent.objects.searchable()
            .filter(user__is_demo=True, highest_degree=Degree.DOCTORATE, tier="")
            .exclude(pk=talent.pk)
            .order_by("pk")[:2]
        )
        for other, tier in zip(others, ("D", "E"), strict=False):
            waiting = services.evaluation_nominate(
                enterprise=enterprise,
                talent=other,
                by=member,
                proposed_tier=tier,
                evidence="在企业关键技术岗位工作，主持完成多项技术攻关。",
            )
            application_submit(application=waiting, by=member)
