"""Demo projects, investors and roadshows.

Deterministic and idempotent: project *i*, investor *i* and event *i* are the same at every run
and at every scale (each drawn from its own random stream), found again by their titles and
names, and a second run adds only what is missing. Small: 150 projects, 210 investors, 40
events; large: 10,000 projects, 300 events.

Only the demo's own rows: project leads, registrants and the interested investor are demo
accounts (`User.objects.demo()`); agendas, registrations and interests are added to the demo's
own events and projects only, and an event someone has registered for is left as it is.

Named events from the source articles: the Huai'an Talent Day and its "Shang Xian Hui" talent
salon, the Yangtze River Delta global science and innovation open-air roadshow in Jiaxing, and
the Youth Talents' Trip to Zhejiang. An upcoming talent salon is full and has a waiting list
(made through the registration service, so its counters and order are the real ones).
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from projects.models import (
    Interest,
    Investor,
    InvestorKind,
    Need,
    Project,
    ProjectStatus,
    Registration,
    RegistrationStatus,
    Roadshow,
    RoadshowKind,
    RoadshowSlot,
    Stage,
    new_checkin_code,
)
from projects.roadshows.services import registration_create, roadshow_recount
from talentportal.demo import demo_user, demo_user_ensure
from talentportal.models import AccountKind, Industry, Region, User
from talents.models import VerificationStatus

TZ = ZoneInfo("Asia/Shanghai")
SIZES = {"small": {"projects": 150, "events": 40}, "large": {"projects": 10_000, "events": 300}}
INVESTORS = 210
DEMO_INVESTOR = "demo-investor"
FULL_SALON = "“尚贤会”青年人才沙龙·淮安站"

CITIES = ["330100", "330200", "330300", "330400", "330500", "330600", "330700", "331000"]
CITIES += ["320100", "320200", "320500", "320800", "321000", "120000"]

TECH = [
    ("高精度激光雷达", "high-precision lidar", "high-end-equipment"),
    ("工业视觉检测平台", "machine-vision inspection platform", "artificial-intelligence"),
    ("固态锂电池电解质", "solid-state lithium battery electrolytes", "new-energy"),
    ("车规级功率芯片", "automotive-grade power chips", "integrated-circuits"),
    ("mRNA 疫苗递送系统", "mRNA vaccine delivery system", "biomedicine"),
    ("CAR-T 细胞治疗", "CAR-T cell therapy", "cell-and-gene-therapy"),
    ("脑机接口康复设备", "BCI rehabilitation device", "brain-science-intelligent-medicine"),
    ("碳化硅衬底材料", "silicon carbide substrates", "new-materials"),
    ("氢燃料电池电堆", "hydrogen fuel-cell stacks", "advanced-energy"),
    ("低轨卫星通信终端", "low-orbit satellite communication terminals", "aerospace-utilization"),
    ("工业互联网操作系统", "industrial internet operating system", "digital-economy"),
    ("国产数据库内核", "domestic database kernel", "information-innovation"),
    ("智能网联汽车域控制器", "connected-vehicle domain controller", "new-energy-vehicles"),
    ("合成生物法制备原料", "bio-manufactured raw materials", "biomanufacturing"),
    ("深海探测机器人", "deep-sea exploration robots", "deep-sea-exploration"),
    ("工业废水零排放装备", "zero-discharge wastewater kit", "energy-saving-environmental"),
    ("AIGC 数字人内容平台", "generative-AI digital human content platform", "digital-creative"),
    ("大模型行业知识引擎", "LLM industry knowledge engine", "artificial-intelligence"),
    ("手术机器人", "surgical robots", "high-end-equipment"),
    ("钙钛矿光伏组件", "perovskite photovoltaic modules", "new-energy"),
]
PREFIX = [("", ""), ("新一代", "next-generation "), ("高性能", "high-performance ")]
PREFIX += [("智能", "smart ")]
SUFFIX = [
    ("研发及产业化项目", "R&D and industrialisation"),
    ("产业化项目", "industrialisation project"),
    ("创新创业项目", "innovation start-up"),
    ("中试平台项目", "pilot platform"),
]
HIGHLIGHTS = [
    "核心团队来自海外知名高校与企业",
    "已获发明专利授权 12 项",
    "产品通过头部客户验证并小批量供货",
    "入选省级领军型创新创业团队",
    "关键指标达到国际先进水平",
    "已与龙头企业签订战略合作协议",
]

FUND_WORDS = ["创新", "科创", "长三角", "钱塘", "太湖", "金桥", "星火", "启明", "鲲鹏", "之江"]
FUND_EN = ["Innovation", "Sci-Tech", "YRD", "Qiantang", "Taihu", "Golden Bridge", "Spark"]
FUND_EN += ["Qiming", "Kunpeng", "Zhijiang"]
KIND_NAMES = {
    InvestorKind.VC: ("创业投资基金", "Venture Capital"),
    InvestorKind.ANGEL_NETWORK: ("天使投资联盟", "Angel Network"),
    InvestorKind.BANK: ("银行科技支行", "Bank Sci-Tech Branch"),
    InvestorKind.BROKER: ("证券投资银行部", "Securities Investment Banking"),
    InvestorKind.GUIDANCE_FUND: ("产业引导基金", "Industry Guidance Fund"),
    InvestorKind.GUARANTEE: ("融资担保有限公司", "Financing Guarantee Co."),
}
KIND_WEIGHTS = [
    (InvestorKind.VC, 50),
    (InvestorKind.ANGEL_NETWORK, 12),
    (InvestorKind.BANK, 12),
    (InvestorKind.BROKER, 8),
    (InvestorKind.GUIDANCE_FUND, 12),
    (InvestorKind.GUARANTEE, 6),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "敏", "静", "磊", "洋", "婷", "强", "军", "杰", "娜", "涛", "明", "超"]

NAMED_EVENTS = [
    # (kind, zh, en, city, days from today, hours, capacity, venue zh, venue en, organiser)
    (
        RoadshowKind.TALENT_DAY,
        "第三届“淮安人才日”",
        "The Third Huai'an Talent Day",
        "320800",
        -60,
        4,
        600,
        "淮安市会议中心",
        "Huai'an Conference Centre",
        ("中共淮安市委人才工作领导小组", "Huai'an Municipal Talent Work Leading Group"),
    ),
    (
        RoadshowKind.SALON,
        "第二十四届党政恳谈会暨“尚贤会”人才沙龙",
        "24th Party and Government Dialogue and 'Shang Xian Hui' Talent Salon",
        "320800",
        -60,
        3,
        120,
        "淮安市国际会议中心",
        "Huai'an International Conference Centre",
        ("淮安市人民政府", "Huai'an Municipal People's Government"),
    ),
    (
        RoadshowKind.ROADSHOW,
        "长三角全球科创项目露天路演",
        "Yangtze River Delta Global Sci-Tech Project Open-Air Roadshow",
        "330400",
        14,
        5,
        400,
        "长三角全球科创项目路演中心（嘉兴）",
        "Yangtze River Delta Global Sci-Tech Roadshow Centre, Jiaxing",
        ("嘉兴市人才工作领导小组办公室", "Jiaxing Talent Work Office"),
    ),
    (
        RoadshowKind.CAMPAIGN,
        "青年人才浙江行",
        "Youth Talents' Trip to Zhejiang",
        "330100",
        30,
        8,
        200,
        "杭州国际博览中心",
        "Hangzhou International Expo Centre",
        ("浙江省人才工作领导小组办公室", "Zhejiang Provincial Talent Office"),
    ),
    (
        RoadshowKind.SALON,
        FULL_SALON,
        "'Shang Xian Hui' Young Talents Salon, Huai'an",
        "320800",
        21,
        3,
        30,
        "淮安市人才之家",
        "Huai'an Talent House",
        ("淮安市委人才办", "Huai'an Municipal Talent Office"),
    ),
]


def _today_at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=TZ)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _stream(kind: str, i: int) -> random.Random:
    return random.Random(f"roadshows:{kind}:{i}")


GENERATED_EVENT_TITLE = r"^科创项目路演·.+专场（第[0-9]+期）$"


def demo_roadshows():
    """The events this seed makes: the named ones and the generated project roadshows."""
    return Roadshow.objects.filter(
        Q(title_zh__in=[event[1] for event in NAMED_EVENTS])
        | Q(title_zh__regex=GENERATED_EVENT_TITLE)
    )


def seed_roadshows(*, scale, rng, stdout):
    sizes = SIZES.get(scale, SIZES["small"])
    industries = {industry.code: industry for industry in Industry.objects.all()}
    regions = {region.code: region for region in Region.objects.filter(code__in=CITIES)}
    if not industries or not regions:
        stdout.write("roadshows: no catalogues, nothing seeded")
        return
    staff = demo_user("demo-staff")
    people = _people(50)
    investors = _investors(industries, regions, stdout)
    projects = _projects(sizes["projects"], people, industries, regions, stdout)
    events = _events(sizes["events"], industries, regions, stdout)
    _agendas(events, projects)
    _registrations(events, people, staff)
    _interests(investors, projects, people)
    stdout.write(
        f"roadshows: {Project.objects.count()} projects, {Investor.objects.count()} investors, "
        f"{Roadshow.objects.count()} events, {Registration.objects.count()} registrations"
    )


def _people(count: int) -> list[User]:
    """Demo talent accounts that lead projects and register for events: the core seed's
    talents, or accounts of our own when there are none."""
    talents = User.objects.demo().filter(kind=AccountKind.TALENT, is_active=True)
    people = list(talents.order_by("pk")[:count])
    if len(people) >= 10:
        return people
    for i in range(count):
        demo_user_ensure(
            f"roadshow-talent-{i}",
            email=f"roadshow-talent-{i}@example.cn",
            display_name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
            kind=AccountKind.TALENT,
        )
    return list(talents.filter(username__startswith="roadshow-talent-").order_by("pk"))


def _investors(industries, regions, stdout) -> list[Investor]:
    """Investors 0 … INVESTORS-1 that are missing (found by name); the demo investor account
    joins the first verified one when it belongs to none."""
    codes = sorted(code for code in industries if not code.startswith("section-"))
    city_codes = sorted(regions)
    now = timezone.now()
    names = [_investor_name(i, regions, city_codes) for i in range(INVESTORS)]
    existing = set(Investor.objects.filter(name__in=names).values_list("name", flat=True))
    new = []
    for i in range(INVESTORS):
        if names[i] in existing:
            continue
        r = _stream("investor", i)
        kind = r.choices([k for k, _w in KIND_WEIGHTS], [w for _k, w in KIND_WEIGHTS])[0]
        word = i % len(FUND_WORDS)
        city = regions[city_codes[i % len(city_codes)]]
        en = KIND_NAMES[kind][1]
        low = r.choice([0, 500_000, 1_000_000, 5_000_000, 10_000_000])
        high = low + r.choice([5_000_000, 20_000_000, 50_000_000, 200_000_000])
        stages = sorted(
            r.sample([s.value for s in Stage], r.randint(1, 3)), key=[s.value for s in Stage].index
        )
        new.append(
            Investor(
                name=names[i],
                name_en=f"{city.name_en} {FUND_EN[word]} {en} No. {i + 1}",
                kind=kind,
                region=city,
                description=f"专注{industries[codes[i % len(codes)]].name_zh}等领域的早中期投资。",
                stages=stages,
                ticket_min=low,
                ticket_max=high,
                contact_name=r.choice(SURNAMES) + r.choice(GIVEN),
                contact_phone=f"0571-8{r.randint(1000000, 9999999)}",
                contact_email=f"invest{i + 1}@example.cn",
                status=VerificationStatus.VERIFIED if i % 10 else VerificationStatus.PENDING,
                verified_at=now if i % 10 else None,
            )
        )
    Investor.objects.bulk_create(new)
    if new:
        through_i = Investor.focus_industries.through
        through_r = Investor.regions.through
        links, places = [], []
        for investor in Investor.objects.filter(pk__in=[inv.pk for inv in new]):
            r = _stream("investor-links", investor.pk)
            for code in r.sample(codes, 3):
                links.append(through_i(investor_id=investor.pk, industry_id=industries[code].pk))
            if r.random() < 0.6:
                province = investor.region_id[:2] + "0000"
                places.append(through_r(investor_id=investor.pk, region_id=province))
        through_i.objects.bulk_create(links, ignore_conflicts=True)
        provinces = set(Region.objects.filter(level=1).values_list("code", flat=True))
        through_r.objects.bulk_create(
            [place for place in places if place.region_id in provinces], ignore_conflicts=True
        )
        stdout.write(f"roadshows: {len(new)} investors")
    demo, _created = demo_user_ensure(
        DEMO_INVESTOR,
        email="demo-investor@example.cn",
        display_name="演示投资人",
        kind=AccountKind.INVESTOR,
        password=_demo_password(),
    )
    ours = Investor.objects.verified().filter(name__in=names).order_by("pk")
    first = ours.first()
    if demo is not None and first is not None and not demo.investor_memberships.exists():
        first.members.add(demo)
    return list(ours)


def _investor_name(i: int, regions, city_codes) -> str:
    """Investor *i*'s name (its kind comes first in its random stream)."""
    r = _stream("investor", i)
    kind = r.choices([k for k, _w in KIND_WEIGHTS], [w for _k, w in KIND_WEIGHTS])[0]
    city = regions[city_codes[i % len(city_codes)]].name_zh.removesuffix("市")
    return f"{city}{FUND_WORDS[i % len(FUND_WORDS)]}{KIND_NAMES[kind][0]}（{i + 1}号）"


def _demo_password() -> str:
    try:
        from talentportal.demo import DEMO_PASSWORD
    except ImportError:  # pragma: no cover
        return make_password(None)
    return make_password(DEMO_PASSWORD)


def _project_title(i: int) -> str:
    tech_zh = TECH[i % len(TECH)][0]
    pre_zh = PREFIX[(i // len(TECH)) % len(PREFIX)][0]
    suf_zh = SUFFIX[(i // (len(TECH) * len(PREFIX))) % len(SUFFIX)][0]
    number = f"（{i + 1}）" if i >= len(TECH) * len(PREFIX) * len(SUFFIX) else ""
    return f"{pre_zh}{tech_zh}{suf_zh}{number}"


def _projects(target, people, industries, regions, stdout) -> list[Project]:
    """Projects 0 … target-1 that are missing (found by title among the demo people's); the
    published ones are returned for agendas and interests (never a project someone submitted
    on the site)."""
    titles = [_project_title(i) for i in range(target)]
    ours = Project.objects.filter(title_zh__in=titles, lead__is_demo=True)
    existing = set(ours.values_list("title_zh", flat=True))
    city_codes = sorted(regions)
    stages = [s.value for s in Stage]
    needs = [n.value for n in Need]
    now = timezone.now()
    batch = []
    made = 0
    for i in range(target):
        if titles[i] in existing:
            continue
        made += 1
        r = _stream("project", i)
        tech_zh, tech_en, industry_code = TECH[i % len(TECH)]
        pre_en = PREFIX[(i // len(TECH)) % len(PREFIX)][1]
        suf_en = SUFFIX[(i // (len(TECH) * len(PREFIX))) % len(SUFFIX)][1]
        industry = industries.get(industry_code) or next(iter(industries.values()))
        region = regions[city_codes[r.randrange(len(city_codes))]]
        stage = stages[r.randrange(len(stages))]
        funding = {
            "idea": 500_000,
            "prototype": 2_000_000,
            "seed": 5_000_000,
            "angel": 10_000_000,
            "a": 50_000_000,
            "b_plus": 150_000_000,
        }[stage] * r.randint(1, 4)
        status = ProjectStatus.SUBMITTED if i % 12 == 11 else ProjectStatus.PUBLISHED
        number = f"（{i + 1}）" if i >= len(TECH) * len(PREFIX) * len(SUFFIX) else ""
        project = Project(
            title_zh=titles[i],
            title_en=_sentence(f"{pre_en}{tech_en} {suf_en}") + (f" ({i + 1})" if number else ""),
            summary_zh=(
                f"项目围绕{tech_zh}开展关键技术攻关，团队拥有完整的自主知识产权，"
                f"计划在{region.name_zh}建设研发中心和生产线，服务长三角产业链上下游企业。"
            ),
            summary_en=(
                f"The team develops {tech_en} with its own intellectual property and plans an "
                f"R&D centre and production line in {region.name_en}."
            ),
            lead=people[i % len(people)],
            industry=industry,
            region=region,
            stage=stage,
            funding_sought=funding,
            needs=sorted(r.sample(needs, r.randint(1, 3)), key=needs.index),
            highlights="\n".join(r.sample(HIGHLIGHTS, 3)),
            status=status,
            featured=i % 17 == 0,
            published_at=now - datetime.timedelta(days=i % 400, hours=i % 24)
            if status == ProjectStatus.PUBLISHED
            else None,
        )
        project.fill_search_columns()
        batch.append(project)
        if len(batch) >= 1000:
            Project.objects.bulk_create(batch)
            batch = []
    if batch:
        Project.objects.bulk_create(batch)
    if made:
        stdout.write(f"roadshows: {made} projects")
    return list(ours.published().order_by("pk")[:400])


def _events(target, industries, regions, stdout) -> list[Roadshow]:
    codes = sorted(code for code in industries if not code.startswith("section-"))
    events = []
    for kind, zh, en, city, days, hours, capacity, venue_zh, venue_en, org in NAMED_EVENTS:
        if city not in regions:
            continue
        starts = _today_at(days, 9 if hours > 4 else 14)
        roadshow, created = Roadshow.objects.get_or_create(
            title_zh=zh,
            defaults={
                "kind": kind,
                "title_en": en,
                "description_zh": f"{zh}：人才、项目、资本对接交流活动。",
                "description_en": f"{en}: talents, projects and capital meet.",
                "starts_at": starts,
                "ends_at": starts + datetime.timedelta(hours=hours),
                "region": regions[city],
                "venue_zh": venue_zh,
                "venue_en": venue_en,
                "address": venue_zh,
                "capacity": capacity,
                "stream_url": "https://live.example.cn/roadshow" if kind == "roadshow" else "",
                "organiser_zh": org[0],
                "organiser_en": org[1],
                "online_views": 120_000 if days < 0 else 0,
            },
        )
        if created:
            roadshow.industries.set([industries[c] for c in codes[:3] if c in industries])
        events.append(roadshow)
    city_codes = sorted(regions)
    count = max(target - len(NAMED_EVENTS), 0)
    titles = [
        f"科创项目路演·{industries[codes[i % len(codes)]].name_zh}专场（第{i + 1}期）"
        for i in range(count)
    ]
    there = {r.title_zh: r for r in Roadshow.objects.filter(title_zh__in=titles).order_by("pk")}
    for i in range(count):
        if titles[i] in there:
            events.append(there[titles[i]])
            continue
        r = _stream("event", i)
        region = regions[city_codes[i % len(city_codes)]]
        industry = industries[codes[i % len(codes)]]
        days = (i - target // 3) * 4
        starts = _today_at(days, r.choice([9, 14]))
        roadshow = Roadshow.objects.create(
            kind=RoadshowKind.ROADSHOW,
            title_zh=titles[i],
            title_en=f"Sci-tech project roadshow: {industry.name_en} (No. {i + 1})",
            description_zh=f"{region.name_zh}{industry.name_zh}领域优质项目路演与投资机构对接。",
            description_en=f"Projects in {industry.name_en} meet investors in {region.name_en}.",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            region=region,
            venue_zh=f"{region.name_zh}人才创业园路演厅",
            venue_en=f"Roadshow hall, {region.name_en} talent start-up park",
            address=f"{region.name_zh}人才创业园",
            capacity=r.choice([80, 120, 200]),
            stream_url="https://live.example.cn/roadshow",
            organiser_zh="长三角全球科创项目路演中心",
            organiser_en="Yangtze River Delta Global Sci-Tech Roadshow Centre",
            online_views=r.randint(2_000, 40_000) if days < 0 else 0,
        )
        roadshow.industries.add(industry)
        events.append(roadshow)
    return sorted(events, key=lambda event: event.pk)


def _agendas(events, projects) -> None:
    if not projects:
        return
    busy = set(RoadshowSlot.objects.values_list("roadshow_id", flat=True).distinct())
    slots = []
    for n, roadshow in enumerate(events):
        if roadshow.pk in busy or roadshow.kind not in (RoadshowKind.ROADSHOW, "campaign"):
            continue
        for position in range(1, 6):
            project = projects[(n * 5 + position) % len(projects)]
            slots.append(
                RoadshowSlot(
                    roadshow=roadshow,
                    project=project,
                    position=position,
                    starts_at=roadshow.starts_at + datetime.timedelta(minutes=20 * position),
                    minutes=15,
                )
            )
    RoadshowSlot.objects.bulk_create(slots, ignore_conflicts=True)


def _registrations(events, people, staff) -> None:
    now = timezone.now()
    full = next((e for e in events if e.title_zh == FULL_SALON), None)
    if full is not None and not full.registrations.exists():
        # Through the service: 30 seats, 36 people → 6 on the waiting list, in order.
        for person in people[:36]:
            registration_create(roadshow=full, user=person)
    done = set(Registration.objects.values_list("roadshow_id", flat=True).distinct())
    rows = []
    for n, roadshow in enumerate(events):
        if roadshow.pk in done or roadshow == full or roadshow.capacity == 0:
            continue
        taken = min(roadshow.capacity, len(people), 5 + n % 20)
        past = roadshow.ends_at < now
        for person in people[:taken]:
            rows.append(
                Registration(
                    roadshow=roadshow,
                    user=person,
                    status=RegistrationStatus.CONFIRMED,
                    code=new_checkin_code(),
                    created_at=roadshow.starts_at - datetime.timedelta(days=7),
                    confirmed_at=roadshow.starts_at - datetime.timedelta(days=7),
                    checked_in_at=roadshow.starts_at if past and person.pk % 5 else None,
                    checked_in_by=staff if past and person.pk % 5 else None,
                )
            )
    Registration.objects.bulk_create(rows, batch_size=2000)
    for roadshow in Roadshow.objects.filter(pk__in={row.roadshow_id for row in rows}):
        roadshow_recount(roadshow=roadshow)


def _interests(investors, projects, people) -> None:
    demo = demo_user(DEMO_INVESTOR)
    if demo is None or not investors or not projects:
        return
    if Interest.objects.filter(expressed_by=demo).exists():
        return
    rows = []
    for n, investor in enumerate(investors[:30]):
        member = demo if n == 0 and demo else None
        if member is None:
            continue
        for project in projects[:5]:
            rows.append(
                Interest(
                    investor=investor,
                    project=project,
                    expressed_by=member,
                    message="我们对贵项目很感兴趣，希望进一步交流。",
                    status=["pending", "accepted", "declined"][project.pk % 3],
                    decided_at=None if project.pk % 3 == 0 else timezone.now(),
                    decided_by=None if project.pk % 3 == 0 else project.lead,
                )
            )
    Interest.objects.bulk_create(rows, ignore_conflicts=True)
