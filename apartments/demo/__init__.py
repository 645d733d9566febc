"""Demo data of the talent apartments. `manage.py seed_demo` calls `seed()`.

What it makes, at every scale:

- **The real communities** the source articles name — the Oriental Youth Talent Community and
  the Manbai Future Talent Community in Changzhou — and talent communities in Hangzhou, Ningbo,
  Suzhou, Nanjing, Huai'an and Tianjin Binhai, with bilingual descriptions, facilities,
  transport, house rules, eligibility, rent rules by tier, two generated photos each and a few
  hundred units in all.
- **A round in every state**, run through the services exactly as staff and applicants would
  (on-site notifications, no e-mail): a finished lottery with leases; a drawn lottery with
  preference groups, its published seed and commitment, and offers pending, accepted (leases),
  declined and expired; an open lottery (commitment published); a closed lottery with possible
  duplicates awaiting review; a frozen lottery awaiting its draw; a draft; a drawn queue and an
  open queue. Applicants are the core seed's talent accounts.

At large scale, **generated communities** in every county of Jiangsu, Zhejiang and Tianjin bring
the total to about 450,000 units (Changzhou 78,000, as in the 2023 report), about 88 % let with a
lease each (residents by layout: Changzhou's ~70,000 let units house ~132,000 people),
7–9 % available, 3 % under maintenance.

**Lottery seeds of the demo.** A real round's seed is a secret shown to staff once. The demo's
rounds use seeds derived from a published demo secret (`demo_round_seed(title)` =
SHA-256 of "talentportal-demo:" + the Chinese title), so that demo staff can draw the open and
frozen rounds from the admin; the seed output lists them.

Determinism and idempotence: units, people and declarations come from seeded random streams;
communities are matched by name and region (and left as staff changed them), units by
(community, building, number) with ON CONFLICT DO NOTHING, rounds by (community, title) — an
existing round is left as it is. Applicants and tenants are demo accounts only
(`User.objects.demo()`), a new round takes only the seed's own units, and offers expire only in
the round being made: applications, offers and leases of people on the site are never touched.
Round schedules are placed around the moment of seeding, so that the open rounds are open.
Large-scale units are written with COPY and their leases generated in one INSERT … SELECT; the
occupancy summary follows through its statement-level triggers.
"""

import datetime
import hashlib
import io
import random
import time
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image, ImageDraw
from stdnum.cn import ric

from apartments import services
from apartments.models import (
    AllocationMethod,
    AllocationRound,
    ApartmentApplication,
    Community,
    Facility,
    Layout,
    Offer,
    PreferenceGroup,
    RentRule,
    RoundStatus,
    Unit,
)
from talentportal.demo import demo_user, quietly
from talentportal.models import AccountKind, Region, User

LARGE_UNITS = {"32": 300_000, "33": 120_000, "12": 30_000}  # Jiangsu, Zhejiang, Tianjin
CHANGZHOU_UNITS = 78_000
LET_SHARE = 0.88
MAINTENANCE_SHARE = 0.03

# Rent in yuan per m² and month, by city (the rest of a province: its default).
RENT_PER_M2 = {
    "3201": 52, "3205": 48, "3204": 30, "3202": 40, "3208": 22, "32": 28,
    "3301": 58, "3302": 45, "33": 32, "12": 40,
}  # fmt: skip

LAYOUT_SHARES = [
    (Layout.STUDIO, 30),
    (Layout.ONE_BED, 40),
    (Layout.TWO_BED, 22),
    (Layout.THREE_BED, 8),
]
AREA = {
    Layout.STUDIO: (28, 40),
    Layout.ONE_BED: (45, 62),
    Layout.TWO_BED: (70, 92),
    Layout.THREE_BED: (95, 130),
}


def demo_beacon(seed: str, closes) -> tuple[str, str]:
    """The demo's public random value: a welfare lottery draw the day after the freeze, and
    made-up winning numbers (derived from the seed, so that the demo is repeatable)."""
    draw_day = timezone.localdate(closes) + datetime.timedelta(days=2)
    source = f"中国福利彩票双色球 {draw_day:%Y-%m-%d} 开奖号码（红球升序，空格分隔，最后为蓝球）"
    digest = hashlib.sha256(f"beacon:{seed}".encode()).digest()
    reds = sorted({1 + byte % 33 for byte in digest})[:6]
    numbers = " ".join(f"{n:02d}" for n in reds) + f" {1 + digest[-1] % 16:02d}"
    return source, numbers


def demo_round_seed(title_zh: str) -> str:
    """The published lottery seed of a demo round (never do this for a real round)."""
    return hashlib.sha256(f"talentportal-demo:{title_zh}".encode()).hexdigest()


# --- the real communities ------------------------------------------------------------------------


@dataclass
class CommunitySpec:
    name_zh: str
    name_en: str
    region: str
    address_zh: str
    address_en: str
    operator: str
    description_zh: str
    description_en: str
    facilities: list[str]
    transport_zh: str
    transport_en: str
    buildings: int
    floors: int
    per_floor: int
    tiers: list[str] = field(default_factory=list)
    min_degree: int = 2
    max_lease_months: int = 36
    rent_rules: list[tuple[str, str, int]] = field(default_factory=list)


RULES_ZH = (
    "租户须本人入住，不得转租、转借；家庭成员须在申请时登记。"
    "合同期满可申请续租，续租须重新核验资格。公共区域禁止吸烟，宠物须登记。"
)
RULES_EN = (
    "Tenants live in the unit themselves and may not sublet it; household members are declared "
    "when applying. A lease can be renewed at its end after a new eligibility check. No smoking "
    "in shared spaces; pets must be registered."
)

COMMUNITIES = [
    CommunitySpec(
        name_zh="东方青年人才社区",
        name_en="Oriental Youth Talent Community",
        region="320402",
        address_zh="常州市天宁区东方东路88号",
        address_en="88 Dongfang East Road, Tianning District, Changzhou",
        operator="常州市人才安居集团有限公司",
        description_zh=(
            "面向来常青年人才的综合性人才社区，集居住、共享办公、交流活动于一体，"
            "拎包入住，步行可达产业园区，实现“职住融合”。"
        ),
        description_en=(
            "A talent community for young professionals new to Changzhou: furnished homes, "
            "co-working space and events under one roof, within walking distance of the "
            "industrial parks — living where you work."
        ),
        facilities=["coworking", "canteen", "gym", "library", "laundry", "shop", "meeting"],
        transport_zh="地铁2号线东方路站步行5分钟；公交11路、36路。",
        transport_en="Metro line 2, Dongfang Road station, 5 minutes on foot; buses 11 and 36.",
        buildings=3,
        floors=6,
        per_floor=6,
        max_lease_months=36,
        rent_rules=[
            ("A", "free", 0),
            ("B", "free", 0),
            ("C", "discount", 50),
            ("", "discount", 30),
        ],
    ),
    CommunitySpec(
        name_zh="漫柏未来人才社区",
        name_en="Manbai Future Talent Community",
        region="320411",
        address_zh="常州市新北区漫柏路9号",
        address_en="9 Manbai Road, Xinbei District, Changzhou",
        operator="常州新北人才发展有限公司",
        description_zh=(
            "以“未来社区”理念打造的人才社区，配建托育中心和社区诊所，适合携家庭来常发展的人才。"
        ),
        description_en=(
            "A talent community built on the future-community model, with a childcare centre "
            "and a clinic on site — for talents who come to Changzhou with their families."
        ),
        facilities=["coworking", "childcare", "clinic", "gym", "parking", "ev_charging"],
        transport_zh="地铁1号线新区公园站步行8分钟；园区通勤班车。",
        transport_en="Metro line 1, Xinqu Park station, 8 minutes on foot; park shuttle bus.",
        buildings=2,
        floors=8,
        per_floor=5,
        tiers=["A", "B", "C", "D", "E"],
        min_degree=2,
        max_lease_months=36,
        rent_rules=[("A", "free", 0), ("B", "discount", 70), ("", "discount", 40)],
    ),
    CommunitySpec(
        name_zh="未来科技城青年人才公寓",
        name_en="Future Sci-Tech City Youth Talent Apartments",
        region="330110",
        address_zh="杭州市余杭区文一西路1818号",
        address_en="1818 Wenyi West Road, Yuhang District, Hangzhou",
        operator="杭州未来科技城人才服务有限公司",
        description_zh="紧邻未来科技城核心区，服务数字经济领域青年人才。",
        description_en=(
            "Next to the Future Sci-Tech City core, for young talents of the digital economy."
        ),
        facilities=["coworking", "canteen", "gym", "shuttle", "shop"],
        transport_zh="地铁5号线创景路站；园区班车。",
        transport_en="Metro line 5, Chuangjing Road station; park shuttle.",
        buildings=2,
        floors=5,
        per_floor=6,
        min_degree=2,
        max_lease_months=36,
        rent_rules=[("A", "free", 0), ("", "discount", 20)],
    ),
    CommunitySpec(
        name_zh="南部商务区人才社区",
        name_en="Southern Business District Talent Community",
        region="330212",
        address_zh="宁波市鄞州区泰康中路566号",
        address_en="566 Taikang Middle Road, Yinzhou District, Ningbo",
        operator="宁波人才安居有限公司",
        description_zh="位于鄞州南部商务区，周边金融、航运企业集聚。",
        description_en="In Yinzhou's southern business district, among finance and shipping firms.",
        facilities=["coworking", "gym", "laundry", "parking"],
        transport_zh="地铁3号线南部商务区站。",
        transport_en="Metro line 3, Southern Business District station.",
        buildings=2,
        floors=5,
        per_floor=4,
        max_lease_months=24,
        rent_rules=[("", "discount", 25)],
    ),
    CommunitySpec(
        name_zh="苏州科技城人才社区",
        name_en="Suzhou Science and Technology Town Talent Community",
        region="320505",
        address_zh="苏州市虎丘区科技城科灵路78号",
        address_en="78 Keling Road, Science and Technology Town, Huqiu District, Suzhou",
        operator="苏州高新人才安居有限公司",
        description_zh="服务高新区研发人才，配套图书馆和会议室。",
        description_en=(
            "For the researchers of the high-tech zone, with a library and meeting rooms."
        ),
        facilities=["library", "meeting", "canteen", "gym"],
        transport_zh="有轨电车1号线科技城站。",
        transport_en="Tram line 1, Science and Technology Town stop.",
        buildings=2,
        floors=4,
        per_floor=5,
        min_degree=3,
        rent_rules=[("A", "free", 0), ("B", "free", 0), ("", "discount", 30)],
    ),
    CommunitySpec(
        name_zh="江宁开发区人才公寓",
        name_en="Jiangning Development Zone Talent Apartments",
        region="320115",
        address_zh="南京市江宁区双龙大道1222号",
        address_en="1222 Shuanglong Avenue, Jiangning District, Nanjing",
        operator="南京江宁人才发展集团",
        description_zh="江宁开发区人才公寓，按积分排队配租。",
        description_en=(
            "Talent apartments of the Jiangning Development Zone, let in a points queue."
        ),
        facilities=["canteen", "gym", "parking", "shop"],
        transport_zh="地铁1号线百家湖站。",
        transport_en="Metro line 1, Baijiahu station.",
        buildings=2,
        floors=5,
        per_floor=4,
        rent_rules=[("", "discount", 20)],
    ),
    CommunitySpec(
        name_zh="淮安人才之家",
        name_en="Huai'an Talent Home",
        region="320812",
        address_zh="淮安市清江浦区枚皋路6号",
        address_en="6 Meigao Road, Qingjiangpu District, Huai'an",
        operator="淮安市人才服务中心",
        description_zh="淮安市级人才公寓，市级以上人才可免租入住。",
        description_en=(
            "Huai'an's municipal talent apartments; rent-free for municipal-level talents."
        ),
        facilities=["canteen", "laundry", "parking"],
        transport_zh="有轨电车清江浦站。",
        transport_en="Tram, Qingjiangpu stop.",
        buildings=1,
        floors=6,
        per_floor=4,
        min_degree=1,
        rent_rules=[
            ("A", "free", 0),
            ("B", "free", 0),
            ("C", "free", 0),
            ("D", "free", 0),
            ("", "discount", 50),
        ],
    ),
    CommunitySpec(
        name_zh="滨海新区于家堡人才公寓",
        name_en="Binhai Yujiapu Talent Apartments",
        region="120116",
        address_zh="天津市滨海新区于家堡金融区新华路99号",
        address_en="99 Xinhua Road, Yujiapu Financial District, Binhai New Area, Tianjin",
        operator="天津滨海人才发展有限公司",
        description_zh="于家堡金融区人才公寓，按积分排队配租。",
        description_en=(
            "Talent apartments of the Yujiapu financial district, let in a points queue."
        ),
        facilities=["coworking", "gym", "shop", "meeting"],
        transport_zh="京津城际于家堡站步行10分钟。",
        transport_en=(
            "Yujiapu station of the Beijing–Tianjin intercity railway, 10 minutes on foot."
        ),
        buildings=2,
        floors=4,
        per_floor=5,
        rent_rules=[("", "discount", 20)],
    ),
]


# --- entry point ----------------------------------------------------------------------------------


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    started = time.perf_counter()
    base = rng.getrandbits(64)
    communities = [community_ensure(spec) for spec in COMMUNITIES]
    added = 0
    for index, (spec, community) in enumerate(zip(COMMUNITIES, communities, strict=True)):
        added += units_ensure(
            community, small_units(spec, community, _stream(base, "units", index))
        )
        photos_ensure(community, index)
    _report(stdout, f"communities: {len(communities)}, units: {added} new", started)

    step = time.perf_counter()
    with quietly():
        made = rounds_ensure(communities, base=base)
    seeds = ", ".join(
        f"{round.pk}: {demo_round_seed(round.title_zh)}"
        for round in AllocationRound.objects.filter(
            community__in=communities,
            title_zh__in=[spec.title_zh for spec in ROUNDS],
            method=AllocationMethod.LOTTERY,
            status__in=[RoundStatus.OPEN, RoundStatus.FROZEN],
        ).order_by("pk")
    )
    _report(stdout, f"rounds: {made} new (demo seeds to draw — {seeds or 'none'})", step)

    if scale == "large":
        step = time.perf_counter()
        count, generated = large_units_ensure(base=base)
        _report(stdout, f"generated communities: {count} new units", step)
        step = time.perf_counter()
        leases = large_leases_ensure(communities=generated)
        _report(stdout, f"leases of let units: {leases} new", step)
    totals = services.occupancy_totals()
    _report(
        stdout,
        f"apartments: {totals.units} units, {totals.let} let, {totals.residents} residents",
        started,
    )


def _report(stdout, text: str, since: float) -> None:
    stdout.write(f"  {text} ({time.perf_counter() - since:.1f}s)")


def _stream(base: int, kind: str, key) -> random.Random:
    return random.Random(f"{base}:{kind}:{key}")


# --- communities and units ----------------------------------------------------------------------


def community_ensure(spec: CommunitySpec) -> Community:
    """The community with its rent rules, made when missing (what staff changed stays)."""
    community, _created = Community.objects.get_or_create(
        name_zh=spec.name_zh,
        region_id=spec.region,
        defaults={
            "name_en": spec.name_en,
            "address_zh": spec.address_zh,
            "address_en": spec.address_en,
            "operator": spec.operator,
            "description_zh": spec.description_zh,
            "description_en": spec.description_en,
            "facilities": spec.facilities,
            "transport_zh": spec.transport_zh,
            "transport_en": spec.transport_en,
            "rules_zh": RULES_ZH,
            "rules_en": RULES_EN,
            "tiers": spec.tiers,
            "min_degree": spec.min_degree,
            "must_work_in_region": True,
            "must_not_own_home": True,
            "max_lease_months": spec.max_lease_months,
            "is_published": True,
        },
    )
    for tier, terms, percent in spec.rent_rules:
        RentRule.objects.get_or_create(
            community=community, tier=tier, defaults={"terms": terms, "discount_percent": percent}
        )
    return community


def _rate(region_code: str) -> int:
    return RENT_PER_M2.get(region_code[:4]) or RENT_PER_M2[region_code[:2]]


def _unit(rng, *, building, floor, slot, rate, status="available") -> tuple:
    layout = rng.choices([layout for layout, _ in LAYOUT_SHARES],
                         weights=[share for _, share in LAYOUT_SHARES])[0]  # fmt: skip
    low, high = AREA[layout]
    area = rng.randint(low * 10, high * 10) / 10
    rent = int(round(area * rate, -1))
    return (
        str(building),
        floor,
        f"{floor:02d}{slot:02d}",
        layout.value,
        f"{area:.2f}",
        rent,
        rng.random() < 0.85,
        floor == 1 and slot <= 2,
        status,
    )


def small_units(spec: CommunitySpec, community: Community, rng) -> list[tuple]:
    rate = _rate(spec.region)
    rows = []
    for building in range(1, spec.buildings + 1):
        for floor in range(1, spec.floors + 1):
            for slot in range(1, spec.per_floor + 1):
                rows.append(_unit(rng, building=building, floor=floor, slot=slot, rate=rate))
    return rows


UNIT_COLUMNS = [
    "building",
    "floor",
    "number",
    "layout",
    "area_m2",
    "monthly_rent",
    "furnished",
    "accessible",
    "status",
]


def units_ensure(community: Community, rows: list[tuple]) -> int:
    """Insert the units of one community that are not there yet."""
    return _units_copy((community.pk, *row) for row in rows)


def _units_copy(rows) -> int:
    columns = ["community_id", *UNIT_COLUMNS]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE seed_unit ON COMMIT DROP AS "
            f"SELECT {names} FROM apartments_unit WITH NO DATA"
        )
        with cursor.copy(f"COPY seed_unit ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO apartments_unit ({names}) SELECT {names} FROM seed_unit "
            f"ORDER BY community_id, building, number ON CONFLICT DO NOTHING"
        )
        created = cursor.rowcount
        cursor.execute("DROP TABLE seed_unit")
    return created


def photos_ensure(community: Community, index: int) -> None:
    """Two generated pictures (a facade and a common room), stored through the upload checks."""
    if community.photos.exists():
        return
    captions = [
        ("外景", "The buildings"),
        ("共享空间", "The shared space"),
    ]
    for position, (caption_zh, caption_en) in enumerate(captions):
        services.photo_add(
            community=community,
            upload=SimpleUploadedFile("photo.png", _picture(index, position), "image/png"),
            caption_zh=f"{community.name_zh}{caption_zh}",
            caption_en=f"{community.name_en}: {caption_en.lower()}",
            position=position,
        )


def _picture(index: int, position: int) -> bytes:
    """A simple drawing of tower blocks under a sky (deterministic)."""
    rng = random.Random(f"photo:{index}:{position}")
    image = Image.new("RGB", (640, 400), (176 + index * 7 % 60, 208, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 640, 400), fill=(120, 160, 110))
    x = 20
    while x < 620:
        width, height = rng.randint(60, 110), rng.randint(150, 300)
        shade = rng.randint(170, 230)
        draw.rectangle((x, 330 - height, x + width, 330), fill=(shade, shade - 10, shade - 25))
        for wy in range(330 - height + 12, 320, 22):
            for wx in range(x + 8, x + width - 12, 18):
                lit = rng.random() < (0.7 if position else 0.4)
                draw.rectangle(
                    (wx, wy, wx + 9, wy + 12), fill=(250, 226, 140) if lit else (90, 110, 130)
                )
        x += width + rng.randint(8, 24)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


# --- rounds, through the services -----------------------------------------------------------------


EMPLOYERS = [
    "常州天合光能有限公司", "中车戚墅堰机车有限公司", "常州星宇车灯股份有限公司",
    "杭州海康威视数字技术股份有限公司", "宁波舟山港股份有限公司", "苏州科技城医院",
    "南京江宁经济技术开发区管委会", "天津滨海新区某金融科技公司", "淮安某新材料有限公司",
    "常州某智能制造有限公司", "某高校", "某研究院",
]  # fmt: skip
BIRTH_YEARS = (1985, 2001)
# Areas of issue: an ID's area code must have existed in the holder's birth year.
BIRTH_AREAS = [
    area
    for area in ["320402", "320404", "320411", "330106", "330102", "330203", "320102", "320502",
                 "320802", "120101", "410102", "420106", "510104", "370102", "340104"]
    if all(
        ric.is_valid(f"{area}{year}0101001" + ric.calc_check_digit(f"{area}{year}01010010"))
        for year in range(BIRTH_YEARS[0], BIRTH_YEARS[1] + 1)
    )
]  # fmt: skip


@dataclass
class RoundSpec:
    community: int  # index into COMMUNITIES
    title_zh: str
    title_en: str
    method: str
    target: str  # the state to leave it in
    units: int
    applicants: int
    groups: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    # (code, kind, name_zh, name_en, units set aside)
    days: tuple[int, int] = (-30, -10)  # opens, closes: days from now
    offer_days: int = 14


ROUNDS = [
    RoundSpec(0, "2026年第一批人才公寓配租", "2026 first allocation round", "lottery",
              "finished", 12, 30, days=(-150, -130)),
    RoundSpec(0, "2026年第三批人才公寓配租", "2026 third allocation round", "lottery",
              "drawn", 24, 60, days=(-40, -22),
              groups=[("top", "high_tier", "A–B类人才", "Tier A–B talents", 4),
                      ("families", "family", "家庭", "Families", 6)]),
    RoundSpec(1, "2026年第四批人才公寓配租", "2026 fourth allocation round", "lottery",
              "open", 30, 18, days=(-5, 25),
              groups=[("families", "family", "家庭", "Families", 10)]),
    RoundSpec(2, "2026年秋季青年人才公寓配租", "Autumn 2026 youth apartments", "lottery",
              "closed", 20, 24, days=(-25, -3)),
    RoundSpec(3, "2026年人才公寓第二批配租", "2026 second allocation round", "lottery",
              "frozen", 16, 22, days=(-30, -8)),
    RoundSpec(4, "2027年第一批人才公寓配租", "2027 first allocation round", "lottery",
              "draft", 12, 0, days=(20, 50),
              groups=[("access", "accessible", "无障碍需求", "Accessible needs", 2)]),
    RoundSpec(5, "2026年积分排队配租", "2026 points-queue allocation", "queue",
              "drawn", 16, 28, days=(-35, -15)),
    RoundSpec(7, "2026年冬季积分排队配租", "Winter 2026 points queue", "queue",
              "open", 16, 10, days=(-3, 30)),
]  # fmt: skip


def rounds_ensure(communities: list[Community], *, base: int) -> int:
    staff = demo_user("demo-staff")
    if staff is None:
        return 0
    people = list(
        User.objects.demo()
        .filter(kind=AccountKind.TALENT, is_active=True)
        .exclude(username__startswith="demo-")
        .order_by("username")
        .values_list("pk", flat=True)[:2000]
    )
    made = 0
    offset = 0
    for index, spec in enumerate(ROUNDS):
        community = communities[spec.community]
        applicants = people[offset : offset + spec.applicants]
        offset += spec.applicants
        if AllocationRound.objects.filter(community=community, title_zh=spec.title_zh).exists():
            continue
        units = _seed_units(community, COMMUNITIES[spec.community])
        round_run(spec, community, staff, applicants, _stream(base, "round", index), units=units)
        made += 1
    return made


def _seed_units(community: Community, spec: CommunitySpec):
    """The units of a community the seed made (`small_units`), not those staff added."""
    return community.units.filter(
        building__in=[str(b) for b in range(1, spec.buildings + 1)],
        number__in=[
            f"{floor:02d}{slot:02d}"
            for floor in range(1, spec.floors + 1)
            for slot in range(1, spec.per_floor + 1)
        ],
    )


def round_run(
    spec: RoundSpec, community: Community, staff: User, applicants, rng, *, units=None
) -> None:
    now = timezone.now().replace(microsecond=0)
    opens = now + datetime.timedelta(days=spec.days[0])
    closes = now + datetime.timedelta(days=spec.days[1])
    round = AllocationRound.objects.create(
        community=community,
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        method=spec.method,
        opens_at=opens,
        closes_at=closes,
        offer_days=spec.offer_days,
    )
    # Units not offered in an earlier round (and not let), lowest numbers first.
    free = list(
        (community.units.all() if units is None else units)
        .filter(status="available")
        .exclude(round_units__round__status__in=[s for s in RoundStatus.values if s != "finished"])
        .order_by("building", "number")[: spec.units]
    )
    for position, (code, kind, name_zh, name_en, count) in enumerate(spec.groups):
        group = PreferenceGroup.objects.create(
            round=round, code=code, kind=kind, name_zh=name_zh, name_en=name_en,
            position=position, min_household=3,
        )  # fmt: skip
        set_aside = _for_group(free, kind, count)
        services.round_units_add(round=round, units=set_aside, by=staff, group=group)
        taken = {unit.pk for unit in set_aside}
        free = [unit for unit in free if unit.pk not in taken]
    services.round_units_add(round=round, units=free, by=staff)
    if spec.target == "draft":
        return
    seed = demo_round_seed(spec.title_zh) if spec.method == AllocationMethod.LOTTERY else None
    beacon_source, beacon = demo_beacon(seed, closes) if seed else ("", "")
    services.round_open(round=round, by=staff, seed=seed, beacon_source=beacon_source, now=opens)

    during = opens + datetime.timedelta(hours=2)
    users = User.objects.in_bulk(applicants)
    applications = []
    for i, user_id in enumerate(applicants):
        user = users[user_id]
        fields = declaration(rng, user, i)
        application = services.application_start(round=round, applicant=user, now=during, **fields)
        if spec.target == "open" and i % 4 == 3:
            continue  # a draft, not submitted yet
        services.application_submit(application=application, by=user, now=during)
        applications.append(application)
    if spec.target == "closed":
        _duplicate_pairs(round, rng, during)
    # Submission times spread over the window (queue order needs them), before any freeze.
    span = int(min(closes, now).timestamp() - during.timestamp())
    for application in applications:
        moment = during + datetime.timedelta(seconds=rng.randrange(max(span, 1)))
        ApartmentApplication.objects.filter(pk=application.pk).update(
            submitted_at=moment, created_at=moment
        )
    if spec.target == "open":
        return

    services.round_close(round=round, by=staff, now=closes)
    if spec.target == "closed":
        return
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff, now=closes + datetime.timedelta(days=1))
    if spec.target == "frozen":
        return
    drawn_at = closes + datetime.timedelta(days=2)
    services.round_draw(round=round, by=staff, seed=seed, beacon=beacon, now=drawn_at)
    offers = services.allocation_commit(round=round, by=staff, now=drawn_at)
    _replies(round, offers, rng, drawn_at)
    if spec.target == "finished":
        # Whatever is still pending expires and passes on until the round has run its course.
        moment = drawn_at
        while Offer.objects.filter(application__round=round, status="pending").exists():
            moment += datetime.timedelta(days=spec.offer_days)
            services.offers_expire(now=moment, round=round)
            fresh = Offer.objects.filter(application__round=round, status="pending")
            _replies(round, list(fresh), rng, moment)
        services.round_finish(round=round, by=staff, now=moment)
    else:
        # Offers past their reply date expire and pass on now, as the daily job would.
        services.offers_expire(now=now, round=round)


def _for_group(units: list[Unit], kind: str, count: int) -> list[Unit]:
    if kind == "family":
        chosen = [u for u in units if u.layout in ("two_bed", "three_bed")]
    elif kind == "accessible":
        chosen = [u for u in units if u.accessible]
    else:
        chosen = units
    return chosen[:count]


def _replies(round, offers, rng, moment) -> None:
    """Most accept; some decline; the rest let the offer expire."""
    for offer in offers:
        applicant = offer.application.applicant
        roll = rng.random()
        reply_at = moment + datetime.timedelta(hours=rng.randint(2, 72))
        if roll < 0.7:
            services.offer_accept(offer=offer, by=applicant, now=reply_at)
        elif roll < 0.85:
            services.offer_decline(offer=offer, by=applicant, now=reply_at)


def declaration(rng, user: User, i: int) -> dict:
    """What an applicant declares: plausible and mostly eligible."""
    birth = datetime.date(rng.randint(*BIRTH_YEARS), rng.randint(1, 12), rng.randint(1, 28))
    area = rng.choice(BIRTH_AREAS)
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    household = rng.choices([1, 2, 3, 4], weights=[50, 25, 18, 7])[0]
    layouts = {1: ["studio", "one_bed"], 2: ["one_bed", "two_bed"], 3: ["two_bed"],
               4: ["two_bed", "three_bed"]}  # fmt: skip
    return {
        "full_name": user.display_name or user.get_full_name() or user.username,
        "id_number": body + ric.calc_check_digit(body + "0"),
        "birth_date": birth,
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        "household_size": household,
        "preferred_layouts": layouts[household] if rng.random() < 0.6 else [],
        "needs_accessible": rng.random() < 0.03,
        "employer": rng.choice(EMPLOYERS),
        "employed_in_region": rng.random() < 0.93,
        "owns_home_in_city": rng.random() < 0.06,
        "tier": rng.choices(["", "E", "D", "C", "B", "A"], weights=[60, 18, 11, 7, 3, 1])[0],
        "highest_degree": rng.choices([1, 2, 3, 4], weights=[8, 52, 32, 8])[0],
        "years_in_region": rng.randint(0, 8),
    }


def _duplicate_pairs(round, rng, during) -> None:
    """Two possible duplicates for staff to resolve: the same ID number under another account,
    and the same name, birth date and phone under another account."""
    submitted = list(round.applications.exclude(status="draft").order_by("pk")[:2])
    spare = (
        User.objects.demo()
        .filter(kind=AccountKind.TALENT, is_active=True)
        .exclude(username__startswith="demo-")
        .exclude(pk__in=round.applications.values("applicant"))
        .order_by("-username")[:2]
    )
    for original, user in zip(submitted, spare, strict=False):
        fields = declaration(rng, user, 0)
        if original is submitted[0]:
            fields.update(id_number=original.id_number, birth_date=original.birth_date)
        else:
            fields.update(
                full_name=original.full_name, birth_date=original.birth_date, phone=original.phone
            )
            body = fields["id_number"][:6] + f"{original.birth_date:%Y%m%d}" + "777"
            fields["id_number"] = body + ric.calc_check_digit(body + "0")
        copy = services.application_start(round=round, applicant=user, now=during, **fields)
        services.application_submit(application=copy, by=user, now=during)


# --- large scale --------------------------------------------------------------------------------


def large_units_ensure(*, base: int) -> tuple[int, list[Community]]:
    """Generated communities in every county of Jiangsu, Zhejiang and Tianjin, up to about
    450,000 units in all (Changzhou: 78,000): (new units, the communities)."""
    counties = list(
        Region.objects.filter(level=3, code__regex=r"^(32|33|12)")
        .order_by("code")
        .values_list("code", "name_zh", "name_en")
    )
    plan = _large_plan(counties, _stream(base, "plan", 0))
    communities = [
        community_generated(county, name_zh, name_en, k)
        for k, (county, name_zh, name_en, _size) in enumerate(plan)
    ]

    def rows():
        for k, ((county, _zh, _en, size), community) in enumerate(
            zip(plan, communities, strict=True)
        ):
            rng = _stream(base, "large-units", k)
            rate = _rate(county)
            per_floor = rng.randint(4, 8)
            floors = rng.randint(12, 30)
            for n in range(size):
                building, rest = divmod(n, floors * per_floor)
                floor, slot = divmod(rest, per_floor)
                roll = rng.random()
                status = (
                    "let"
                    if roll < LET_SHARE
                    else "maintenance"
                    if roll < LET_SHARE + MAINTENANCE_SHARE
                    else "available"
                )
                yield (
                    community.pk,
                    *_unit(
                        rng,
                        building=building + 1,
                        floor=floor + 1,
                        slot=slot + 1,
                        rate=rate,
                        status=status,
                    ),
                )

    return _units_copy(rows()), communities


COMMUNITY_WORDS = [
    ("青年", "Youth"), ("未来", "Future"), ("创新", "Innovation"), ("星河", "Galaxy"),
    ("云栖", "Cloud Habitat"), ("智谷", "Smart Valley"), ("科创", "Sci-Tech"),
    ("锦绣", "Splendour"), ("湖畔", "Lakeside"), ("新城", "New Town"), ("启航", "Set Sail"),
    ("人才港", "Talent Harbour"),
]  # fmt: skip


def _large_plan(counties, rng) -> list[tuple[str, str, str, int]]:
    """(county code, name zh, name en, units) of each generated community."""
    plan = []
    for province, total in LARGE_UNITS.items():
        here = [c for c in counties if c[0].startswith(province)]
        if province == "32":
            changzhou = [c for c in here if c[0].startswith("3204")]
            others = [c for c in here if not c[0].startswith("3204")]
            shares = [(changzhou, CHANGZHOU_UNITS), (others, total - CHANGZHOU_UNITS)]
        else:
            shares = [(here, total)]
        for group, units in shares:
            weights = [rng.uniform(0.5, 2.0) for _ in group]
            scale = units / sum(weights)
            for (code, name_zh, name_en), weight in zip(group, weights, strict=True):
                county_units = int(weight * scale)
                while county_units > 0:
                    size = min(county_units, rng.randint(600, 1500))
                    plan.append((code, name_zh, name_en, size))
                    county_units -= size
    return plan


def community_generated(county: str, county_zh: str, county_en: str, k: int) -> Community:
    word_zh, word_en = COMMUNITY_WORDS[k % len(COMMUNITY_WORDS)]
    phase = k // len(COMMUNITY_WORDS) + 1
    community, _created = Community.objects.get_or_create(
        name_zh=f"{county_zh}{word_zh}人才社区{phase}期",
        region_id=county,
        defaults={
            "name_en": f"{county_en} {word_en} Talent Community, phase {phase}",
            "address_zh": f"{county_zh}人才大道{k % 900 + 1}号",
            "address_en": f"{k % 900 + 1} Rencai Avenue, {county_en}",
            "operator": f"{county_zh}人才安居有限公司",
            "description_zh": "区县人才公寓。",
            "description_en": "County talent apartments.",
            "facilities": [f.value for i, f in enumerate(Facility) if (k >> i) % 3 == 0][:6],
            "rules_zh": RULES_ZH,
            "rules_en": RULES_EN,
            "min_degree": 2,
            "is_published": True,
        },
    )
    return community


def large_leases_ensure(*, communities: list[Community]) -> int:
    """A lease for every let unit of the generated communities that has none, in one
    statement: tenants are demo talent accounts in turn (the n-th unit's tenant is the
    account numbered n modulo their count in a temporary table indexed by that number: a join
    on row numbers computed in the query has no index and ran as a nested loop of units ×
    accounts, and picking from an array of a million ids copied the array for every unit;
    each took over 25 minutes), start dates within the last three years, households that fit
    the layout, rent at the community's general discount (none: market)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMPORARY TABLE seed_tenant ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS k, id
            FROM talentportal_user
            WHERE kind = 'talent' AND is_active AND is_demo AND left(username, 5) <> 'demo-'
            """
        )
        cursor.execute("CREATE UNIQUE INDEX ON seed_tenant (k)")
        cursor.execute("ANALYZE seed_tenant")
        cursor.execute(
            """
            WITH tenants AS (
                SELECT count(*) AS total FROM seed_tenant
            ), todo AS (
                SELECT u.*, row_number() OVER (ORDER BY u.id) - 1 AS n
                FROM apartments_unit u
                WHERE u.status = 'let' AND u.community_id = ANY(%s)
                  AND NOT EXISTS (
                      SELECT 1 FROM apartments_lease l
                      WHERE l.unit_id = u.id AND l.status = 'active'
                  )
            ), planned AS (
                SELECT t.id AS unit_id, chosen.id AS tenant_id,
                       DATE '2026-10-01'
                           - mod(hashtext('start:' || t.id) & 2147483647, 1095) AS start,
                       t.layout, t.monthly_rent, t.community_id,
                       mod(hashtext('household:' || t.id) & 2147483647, 100) AS roll
                FROM todo t
                CROSS JOIN tenants tn
                JOIN seed_tenant chosen ON chosen.k = mod(t.n, nullif(tn.total, 0))
            )
            INSERT INTO apartments_lease
                (unit_id, tenant_id, start, "end", monthly_rent, rent_terms, residents, status,
                 renewals, end_reason, created_at)
            SELECT p.unit_id, p.tenant_id, p.start,
                   (p.start + INTERVAL '36 months')::date
                       + CASE WHEN p.start + INTERVAL '36 months' < DATE '2026-10-02'
                              THEN 365 ELSE 0 END,
                   CASE WHEN r.terms = 'discount'
                        THEN (p.monthly_rent * (100 - r.discount_percent) + 50) / 100
                        WHEN r.terms = 'free' THEN 0 ELSE p.monthly_rent END,
                   coalesce(r.terms, 'market'),
                   CASE p.layout
                       WHEN 'studio' THEN 1
                       WHEN 'one_bed' THEN 1 + (p.roll < 70)::int
                       WHEN 'two_bed' THEN 2 + (p.roll < 60)::int + (p.roll < 25)::int
                       ELSE 3 + (p.roll < 60)::int + (p.roll < 30)::int
                   END,
                   'active',
                   CASE WHEN p.start + INTERVAL '36 months' < DATE '2026-10-02' THEN 1 ELSE 0 END,
                   '', now()
            FROM planned p
            LEFT JOIN apartments_rentrule r ON r.community_id = p.community_id AND r.tier = ''
            ORDER BY p.unit_id
            """,
            [[community.pk for community in communities]],
        )
        created = cursor.rowcount
        cursor.execute("DROP TABLE seed_tenant")
        return created
