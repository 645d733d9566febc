# ruff: noqa: E501 -- the texts read better unbroken.
"""Demo data of the talent ecosystem, drawn from the source articles (`../shared/seeds/`).

- **Service points**: Taizhou University's "Red and Blue Talent Homeland" (first batch of key
  construction units of Zhejiang's university "Talent Homeland" project, "1+2+N" model) and its
  talent lounge; the Quzhou Overseas Returnees Entrepreneurship Park, a talent enclave in
  Hangzhou's Future Sci-Tech City since 2016; the Zhejiang Talent Building (Hangzhou); the
  Zhejiang Innovation Center (Ningbo, Yongjiang corridor); the Yangtze River Delta Science and
  Innovation Open Air Performing Center (Jiaxing); a Home of Academicians; the service centres
  of Changzhou's Oriental Youth and Manbai Future talent communities.
- **Alliances** (Tianjin Binhai New Area): the four industry–education integration consortia
  (information innovation, biomedicine, high-end equipment, digital economy) — the source gives
  only their totals (514 members, 18,000 talents cultivated), so the split among the four in
  `declared_members` / `talents_cultivated` is illustrative and sums to those totals; and the two
  of the 19 industry talent alliances the source names (aerospace, financial leasing), whose
  descriptions carry the declared total (19 alliances, 2,198 enterprises and institutions); the
  other 17 are not invented. Representative members are seeded enterprises of the region plus
  named universities. Huai'an: the organisations that spoke at the 24th Party and Government Pro
  Chamber of Commerce / "Shang Xian Hui" talent salon (third Huai'an Talent Day) grouped around
  the '333' leading industries, with the salon as an activity.
- **Finance**: the "Talent Service Bank 2.0" products (talent card, talent loan, talent benefit)
  and insurance, guarantee and listing services, offered by demo institutions (marked 演示 /
  demo: the source names no bank); the listing-service alliance of banks, brokers, funds and an
  exchange; yearly key enterprise lists by listing maturity, drawn from seeded enterprises.
- **Feedback**: departments of the province, Hangzhou, Huai'an and Binhai, a staff account per
  department (`demo-department` answers for Hangzhou's housing bureau, password as the other demo
  accounts), and feedback at every stage through `ecosystem.services` (notifications on the site,
  no e-mail), some on the public board. At large scale `LARGE_FEEDBACK` more, written with
  bulk_create together with their timelines (references FB-2025-…).

Idempotent and deterministic: rows are found again by their natural keys (and never
overwritten), feedback by (submitter, title), the bulk feedback by its reference number.
Only the demo's own rows are used: alliance members and key enterprises are demo enterprises,
submitters and answering staff demo accounts, and the services and events a service point
offers are the demo's, never what people or staff made on the site.
"""

import datetime
import random
import time
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from ecosystem import services
from ecosystem.models import (
    Alliance,
    AllianceActivity,
    AllianceKind,
    AllianceMembership,
    Department,
    Feedback,
    FeedbackCategory,
    FinancialInstitution,
    FinancialProduct,
    InstitutionKind,
    KeyEnterprise,
    KeyEnterpriseList,
    MaturityStage,
    MembershipRole,
    ProductKind,
    ServicePoint,
    ServicePointDesignation,
    ServicePointEvent,
    ServicePointKind,
)
from policies.demo.services import demo_services
from projects.demo.roadshows import demo_roadshows
from talentportal.demo import DEMO_PASSWORD, demo_user, demo_user_ensure, quietly
from talentportal.models import (
    AccountKind,
    ApplicationEvent,
    ApplicationStatus,
    Industry,
    ReferenceCounter,
    Region,
    User,
)
from talentportal.workflow import add_working_days
from talents.models import Enterprise

S = ApplicationStatus
TZ = ZoneInfo("Asia/Shanghai")
LARGE_FEEDBACK = 5_000
LARGE_YEAR = 2025  # the bulk feedback is last year's history


def seed(*, scale: str, rng: random.Random, stdout) -> None:
    started = time.perf_counter()
    points = service_points_ensure(rng)
    alliances = alliances_ensure(rng)
    products, lists = finance_ensure(rng)
    departments = departments_ensure()
    with quietly():
        filed = feedback_ensure(departments)
    bulk = large_feedback_ensure(departments, rng) if scale == "large" else 0
    stdout.write(
        f"  service points: {points}, alliances: {alliances}, products: {products}, "
        f"key enterprise lists: {lists}, departments: {len(departments)}, feedback: {filed} new "
        f"through the services, {bulk} new in bulk, {Feedback.objects.count()} in all "
        f"({time.perf_counter() - started:.1f}s)"
    )


@contextmanager
def _keeping_timestamps(*models):
    """Let bulk_create write the back-dated `created_at` given (auto_now_add would not)."""
    fields = [model._meta.get_field("created_at") for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _stream(rng_base: int, key: str) -> random.Random:
    return random.Random(f"{rng_base}:{key}")


# Service points ---------------------------------------------------------------------------

SERVICE_POINTS = [
    {
        "kind": ServicePointKind.HOMELAND,
        "name_zh": "红蓝人才之家",
        "name_en": "Red and Blue Talent Homeland",
        "region": "331002",
        "host_zh": "台州学院医药化工学院",
        "host_en": "School of Pharmaceutical and Chemical Engineering, Taizhou University",
        "address_zh": "浙江省台州市椒江区市府大道1139号 台州学院",
        "address_en": "Taizhou University, 1139 Shifu Avenue, Jiaojiang, Taizhou",
        "opening_hours_zh": "工作日 8:30–17:00",
        "opening_hours_en": "Working days 8:30–17:00",
        "description_zh": "创建于2021年，秉持“人才强院、服务兴院”理念，以“红色”党建引领“蓝色”科技领域，致力于“凝聚人才、服务项目、链接资源、驱动发展”，构建“1+2+N”共建共享模式，已成为综合性、规模化、品牌化的人才服务平台。",
        "description_en": "Founded in 2021 on the idea of revitalising the school with talent teams and enriching it through social service, with “red” Party building guiding the “blue” field of science and technology. It aims to unite talent, serve projects, connect resources and drive development through a “1+2+N” co-construction and sharing model, and has become a comprehensive, large-scale, branded service platform.",
        "designations": [
            (
                "高校“人才之家”建设项目第一批重点建设单位",
                "First batch of key construction units of the university “Talent Homeland” project",
                2024,
                "中共浙江省委教育工作委员会办公室",
                "Office of the Education Working Committee of the CPC Zhejiang Provincial Committee",
            ),
        ],
        "events": [("“红蓝”青年人才沙龙", "“Red and Blue” young talent salon", 30)],
    },
    {
        "kind": ServicePointKind.LOUNGE,
        "name_zh": "台州学院人才驿站",
        "name_en": "Taizhou University Talent Lounge",
        "region": "331002",
        "host_zh": "台州学院",
        "host_en": "Taizhou University",
        "address_zh": "浙江省台州市椒江区市府大道1139号",
        "address_en": "1139 Shifu Avenue, Jiaojiang, Taizhou",
        "opening_hours_zh": "工作日 9:00–17:00",
        "opening_hours_en": "Working days 9:00–17:00",
        "description_zh": "校院两级“人才驿站”“人才之家”建设的校级驿站：小家园、大服务、全功能、广覆盖的人才服务新地标。",
        "description_en": "The university-level lounge of the two-level “talent lounge” and “talent homeland” network: a small homeland with extensive services and comprehensive functions.",
        "designations": [],
        "events": [("新进博士座谈会", "Meeting of newly arrived PhDs", 45)],
    },
    {
        "kind": ServicePointKind.ENCLAVE,
        "name_zh": "衢州海外高层次人才创新创业园（杭州）",
        "name_en": "Quzhou Overseas Returnees Entrepreneurship Park (Hangzhou)",
        "region": "330110",
        "host_zh": "衢州市人民政府",
        "host_en": "Quzhou Municipal People's Government",
        "address_zh": "杭州市余杭区未来科技城",
        "address_en": "Future Sci-Tech City, Yuhang District, Hangzhou",
        "opening_hours_zh": "工作日 9:00–17:30",
        "opening_hours_en": "Working days 9:00–17:30",
        "description_zh": "2016年入驻杭州未来科技城的“人才飞地”：入驻企业享受“同城同待遇”，企业和个人缴纳的税收全额返回衢州，是全省人才服务“一盘棋”的实践。",
        "description_en": "A “talent enclave” that settled in Hangzhou's Future Sci-Tech City in 2016: resident enterprises get “the same treatment in the same city”, and the taxes paid by the enterprises and their people return to Quzhou in full — the province playing talent services as “one round of chess”.",
        "designations": [],
        "events": [("飞地企业项目对接会", "Enclave enterprises' project matchmaking", 20)],
    },
    {
        "kind": ServicePointKind.BUILDING,
        "name_zh": "浙江人才大厦",
        "name_en": "Zhejiang Talent Building",
        "region": "330110",
        "host_zh": "杭州市委人才办",
        "host_en": "Talent Office of the CPC Hangzhou Municipal Committee",
        "address_zh": "杭州市余杭区未来科技城",
        "address_en": "Future Sci-Tech City, Yuhang District, Hangzhou",
        "opening_hours_zh": "周一至周六 9:00–18:00",
        "opening_hours_en": "Monday to Saturday 9:00–18:00",
        "description_zh": "杭州服务全省人才发展，在交通便利、公共配套完善的未来科技城等区域建设浙江人才大厦。",
        "description_en": "Built by Hangzhou to serve the talent development of the whole province, in areas with easy transport and complete public facilities such as the Future Sci-Tech City.",
        "designations": [],
        "events": [("青年人才浙江行", "Youth Talents' Trip to Zhejiang", 60)],
    },
    {
        "kind": ServicePointKind.INNOVATION_CENTRE,
        "name_zh": "浙江创新中心（宁波）",
        "name_en": "Zhejiang Innovation Center (Ningbo)",
        "region": "330200",
        "host_zh": "宁波市人民政府",
        "host_en": "Ningbo Municipal People's Government",
        "address_zh": "宁波市甬江科创大走廊",
        "address_en": "Yongjiang Science and Technology Grand Corridor, Ningbo",
        "opening_hours_zh": "工作日 9:00–17:00",
        "opening_hours_en": "Working days 9:00–17:00",
        "description_zh": "宁波在甬江科创大走廊规划建设，供省内其他城市企业设立研发总部和创新中心，并共享优质公共服务资源。",
        "description_en": "Planned by Ningbo in the Yongjiang corridor for enterprises from other cities of Zhejiang to set up R&D headquarters and innovation centres, sharing high-quality public services.",
        "designations": [],
        "events": [],
    },
    {
        "kind": ServicePointKind.INNOVATION_CENTRE,
        "name_zh": "长三角全球科创云演中心",
        "name_en": "Yangtze River Delta Science and Innovation Open Air Performing Center",
        "region": "330400",
        "host_zh": "嘉兴市人民政府",
        "host_en": "Jiaxing Municipal People's Government",
        "address_zh": "浙江省嘉兴市",
        "address_en": "Jiaxing, Zhejiang",
        "opening_hours_zh": "按路演日程开放",
        "opening_hours_en": "Open on roadshow days",
        "description_zh": "长三角人才一体化发展的重要举措：三年内推出300场高层次路演，线下参与超过1万人次、线上观看超过100万人次，入库优质项目超过1万个，签约投资机构超过200家。",
        "description_en": "A key move for the integrated talent development of the Yangtze River Delta: within three years, 300 high-level roadshows, over 10,000 participants on site and a million online, over 10,000 projects in the databank and over 200 investment institutions signed up.",
        "designations": [],
        "events": [
            (
                "长三角全球科创项目云路演",
                "Yangtze River Delta global science and innovation project roadshow",
                14,
            )
        ],
    },
    {
        "kind": ServicePointKind.ACADEMICIANS,
        "name_zh": "院士之家（杭州）",
        "name_en": "Home of Academicians (Hangzhou)",
        "region": "330106",
        "host_zh": "浙江省科学技术协会",
        "host_en": "Zhejiang Association for Science and Technology",
        "address_zh": "杭州市西湖区",
        "address_en": "Xihu District, Hangzhou",
        "opening_hours_zh": "预约开放",
        "opening_hours_en": "By appointment",
        "description_zh": "全省建设的一批“院士之家”之一，具备学术休假、交流研讨、项目对接等功能。",
        "description_en": "One of the batch of “Homes of Academicians” the province establishes, for academic leave, exchanges and seminars, and projects.",
        "designations": [],
        "events": [("院士学术交流研讨会", "Academicians' exchange seminar", 40)],
    },
    {
        "kind": ServicePointKind.COMMUNITY_CENTRE,
        "name_zh": "东方青年人才社区服务中心",
        "name_en": "Oriental Youth Talent Community Service Centre",
        "region": "320400",
        "host_zh": "常州市委人才办",
        "host_en": "Talent Office of the CPC Changzhou Municipal Committee",
        "address_zh": "江苏省常州市",
        "address_en": "Changzhou, Jiangsu",
        "opening_hours_zh": "每日 9:00–21:00",
        "opening_hours_en": "Daily 9:00–21:00",
        "description_zh": "常州以人才公寓“小切口”打造全方位、全要素、全周期的人才服务生态；全省人才社区建设现场推进会代表曾参观该社区。",
        "description_en": "Changzhou builds an all-round, all-factor, full-cycle talent service ecology starting from talent apartments; delegates of the province's talent community meeting visited this community.",
        "designations": [],
        "events": [("人才社区邻里节", "Talent community neighbourhood festival", 25)],
    },
    {
        "kind": ServicePointKind.COMMUNITY_CENTRE,
        "name_zh": "漫柏未来人才社区服务中心",
        "name_en": "Manbai Future Talent Community Service Centre",
        "region": "320400",
        "host_zh": "常州市委人才办",
        "host_en": "Talent Office of the CPC Changzhou Municipal Committee",
        "address_zh": "江苏省常州市",
        "address_en": "Changzhou, Jiangsu",
        "opening_hours_zh": "每日 9:00–21:00",
        "opening_hours_en": "Daily 9:00–21:00",
        "description_zh": "产城融合、职住融合的人才社区服务中心，提供入住、政策咨询和生活服务。",
        "description_en": "A service centre of a talent community that integrates industry and city, work and home: moving in, policy advice and daily-life services.",
        "designations": [],
        "events": [],
    },
]


def service_points_ensure(rng: random.Random) -> int:
    base = rng.getrandbits(32)
    today = timezone.localdate()
    for index, spec in enumerate(SERVICE_POINTS):
        spec = dict(spec)
        designations = spec.pop("designations")
        events = spec.pop("events")
        region = _region(spec.pop("region"))
        name_zh = spec.pop("name_zh")
        point, created = ServicePoint.objects.get_or_create(
            region=region,
            name_zh=name_zh,
            defaults={
                **spec,
                "phone": f"0571-8{index:03d}0000",
                "email": f"service-point-{index + 1}@talent.example.cn",
                "is_published": True,
                "position": index,
            },
        )
        for title_zh, title_en, year, by_zh, by_en in designations:
            ServicePointDesignation.objects.get_or_create(
                service_point=point,
                title_zh=title_zh,
                year=year,
                defaults={"title_en": title_en, "awarded_by_zh": by_zh, "awarded_by_en": by_en},
            )
        if not created:
            continue
        for title_zh, title_en, days in events:
            ServicePointEvent.objects.create(
                service_point=point,
                title_zh=title_zh,
                title_en=title_en,
                date=today + datetime.timedelta(days=days),
            )
        pick = _stream(base, f"point:{index}")
        prefix = region.code[:2]
        offered = list(
            demo_services()
            .filter(is_published=True, region__code__startswith=prefix)
            .order_by("pk")
            .values_list("pk", flat=True)[:40]
        )
        point.services.set(pick.sample(offered, min(3, len(offered))))
        hosted = list(
            demo_roadshows()
            .filter(region__code__startswith=region.code_prefix[:4])
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        point.roadshows.set(pick.sample(hosted, min(2, len(hosted))))
    return ServicePoint.objects.count()


# Alliances --------------------------------------------------------------------------------

BINHAI = "120116"
ALLIANCE_TOTALS = "滨海新区已组建航空航天、融资租赁等19个产业人才联盟，链接企业和院校2198家。"
ALLIANCE_TOTALS_EN = "Binhai New Area has set up 19 industry talent alliances in fields such as aerospace and financial leasing, linking 2,198 enterprises and academic institutions."
CONSORTIUM_TOTALS = "滨海新区在信创、生物医药、高端装备制造、数字经济领域组建4个产教融合共同体，汇聚高校、企业、孵化器等创新主体514家，培养人才超过1.8万人。"
CONSORTIUM_TOTALS_EN = "Binhai New Area has four industry–education integration consortia — information innovation, biomedicine, high-end equipment manufacturing and the digital economy — bringing together 514 universities, enterprises and incubators and cultivating over 18,000 talents."

ALLIANCES = [
    # kind, name_zh, name_en, industry, lead_zh, lead_en, declared members, talents, universities
    (
        AllianceKind.CONSORTIUM,
        "滨海新区信创产教融合共同体",
        "Binhai Information Innovation Industry–Education Consortium",
        "information-innovation",
        "天津大学",
        "Tianjin University",
        152,
        5_600,
        [
            ("天津大学", "Tianjin University"),
            ("天津职业技术师范大学", "Tianjin University of Technology and Education"),
        ],
    ),
    (
        AllianceKind.CONSORTIUM,
        "滨海新区生物医药产教融合共同体",
        "Binhai Biomedicine Industry–Education Consortium",
        "biomedicine",
        "南开大学",
        "Nankai University",
        128,
        4_300,
        [("南开大学", "Nankai University"), ("天津医科大学", "Tianjin Medical University")],
    ),
    (
        AllianceKind.CONSORTIUM,
        "滨海新区高端装备制造产教融合共同体",
        "Binhai High-end Equipment Manufacturing Industry–Education Consortium",
        "high-end-equipment",
        "天津大学",
        "Tianjin University",
        121,
        4_200,
        [
            ("天津大学", "Tianjin University"),
            ("天津中德应用技术大学", "Tianjin Sino-German University of Applied Sciences"),
        ],
    ),
    (
        AllianceKind.CONSORTIUM,
        "滨海新区数字经济产教融合共同体",
        "Binhai Digital Economy Industry–Education Consortium",
        "digital-economy",
        "南开大学",
        "Nankai University",
        113,
        3_900,
        [("南开大学", "Nankai University"), ("天津理工大学", "Tianjin University of Technology")],
    ),
    (
        AllianceKind.INDUSTRY,
        "滨海新区航空航天产业人才联盟",
        "Binhai Aerospace Industry Talent Alliance",
        "aerospace",
        "中国民航大学",
        "Civil Aviation University of China",
        None,
        0,
        [("中国民航大学", "Civil Aviation University of China")],
    ),
    (
        AllianceKind.INDUSTRY,
        "滨海新区融资租赁产业人才联盟",
        "Binhai Financial Leasing Industry Talent Alliance",
        "financial-leasing",
        "天津财经大学",
        "Tianjin University of Finance and Economics",
        None,
        0,
        [("天津财经大学", "Tianjin University of Finance and Economics")],
    ),
]

HUAIAN = "320800"
HUAIAN_ALLIANCE = {
    "name_zh": "淮安市“333”主导产业产才融合联盟（演示）",
    "name_en": "Huai'an '333' Leading Industries Industry–Talent Integration Alliance (demo)",
    "description_zh": "围绕淮安“333”主导产业，推动创新链、人才链与产业链融合：科技镇长团、产业教授、科技副总“三支队伍”与驻淮高校、企业共同参与。成员为第24次党政亲商会暨“尚贤汇”人才沙龙上发言的单位（演示分组）。",
    "description_en": "Around Huai'an's '333' leading industries, linking the innovation and talent chains with the industrial chain: the three teams of Science and Technology Town Mayors, Industry Professors and Vice Presidents of Science and Technology, with the universities and enterprises of Huai'an. Members are the organisations that spoke at the 24th Pro Chamber of Commerce and “Shang Xian Hui” talent salon (a demo grouping).",
    "members": [
        ("江苏富联通讯技术股份有限公司", "Jiangsu FTR Communication Co., Ltd."),
        ("江苏汉邦科技股份有限公司", "Jiangsu Hanbang Technology Co., Ltd."),
        ("江苏科润膜材料有限公司", "Jiangsu Kerun Film Materials Co., Ltd."),
        ("淮阴师范学院", "Huaiyin Normal University"),
        ("上海交通大学苏北研究院", "Subei Research Institute of Shanghai Jiao Tong University"),
    ],
    "activity": (
        "第24次党政亲商会暨“尚贤汇”人才沙龙",
        "24th Party and Government Pro Chamber of Commerce and “Shang Xian Hui” Talent Salon",
        datetime.date(2023, 9, 20),
        "第三个“淮安人才日”，主题为“深化产才融合 打造人才乐土”，12位高层次人才代表就人才培养、人才生态、引才政策、人才公寓建设和企业智改数转建言献策。",
        "On the third Huai'an Talent Day, themed “deepening the integration of industry and talent to create a talent paradise”, twelve high-level talent representatives gave their opinions on talent cultivation, the talent ecosystem, introduction policies, talent apartments and the intelligent and digital transformation of enterprises.",
    ),
}


def alliances_ensure(rng: random.Random) -> int:
    base = rng.getrandbits(32)
    binhai = _region(BINHAI)
    industries = {i.code: i for i in Industry.objects.all()}
    # Representative members: seeded enterprises of Tianjin, else of anywhere.
    local = list(Enterprise.objects.demo().in_region(binhai.parent).order_by("pk")[:200])
    pool = local or list(Enterprise.objects.demo().order_by("pk")[:200])
    for index, (
        kind,
        name_zh,
        name_en,
        industry,
        lead_zh,
        lead_en,
        members,
        talents,
        universities,
    ) in enumerate(ALLIANCES):
        consortium = kind == AllianceKind.CONSORTIUM
        alliance, created = Alliance.objects.get_or_create(
            name_zh=name_zh,
            defaults={
                "kind": kind,
                "name_en": name_en,
                "industry": industries.get(industry),
                "region": binhai,
                "lead_organisation_zh": lead_zh,
                "lead_organisation_en": lead_en,
                "founded_on": datetime.date(2023, 3 + index, 1),
                "description_zh": CONSORTIUM_TOTALS if consortium else ALLIANCE_TOTALS,
                "description_en": CONSORTIUM_TOTALS_EN if consortium else ALLIANCE_TOTALS_EN,
                "talents_cultivated": talents,
                "declared_members": members,
                "is_published": True,
            },
        )
        if not created:
            continue
        pick = _stream(base, f"alliance:{index}")
        for position, (institution_zh, institution_en) in enumerate(universities):
            AllianceMembership.objects.create(
                alliance=alliance,
                institution_name=institution_zh,
                institution_name_en=institution_en,
                role=MembershipRole.LEAD if position == 0 else MembershipRole.MEMBER,
                joined_on=alliance.founded_on,
            )
        for enterprise in pick.sample(pool, min(8, len(pool))):
            AllianceMembership.objects.create(
                alliance=alliance,
                enterprise=enterprise,
                joined_on=alliance.founded_on + datetime.timedelta(days=pick.randrange(600)),
            )
        AllianceActivity.objects.create(
            alliance=alliance,
            title_zh="产教对接洽谈会" if consortium else "产业人才供需对接会",
            title_en="Industry–education matchmaking"
            if consortium
            else "Industry talent supply and demand meeting",
            date=alliance.founded_on + datetime.timedelta(days=180),
        )
    _huaian_ensure(industries)
    return Alliance.objects.count()


def _huaian_ensure(industries) -> None:
    spec = HUAIAN_ALLIANCE
    alliance, created = Alliance.objects.get_or_create(
        name_zh=spec["name_zh"],
        defaults={
            "kind": AllianceKind.INDUSTRY,
            "name_en": spec["name_en"],
            "industry": industries.get("new-materials"),
            "region": _region(HUAIAN),
            "lead_organisation_zh": "中共淮安市委组织部",
            "lead_organisation_en": "Organization Department of the CPC Huai'an Municipal Committee",
            "founded_on": datetime.date(2023, 9, 20),
            "description_zh": spec["description_zh"],
            "description_en": spec["description_en"],
            "is_published": True,
        },
    )
    if not created:
        return
    for institution_zh, institution_en in spec["members"]:
        AllianceMembership.objects.create(
            alliance=alliance,
            institution_name=institution_zh,
            institution_name_en=institution_en,
            joined_on=alliance.founded_on,
        )
    title_zh, title_en, date, text_zh, text_en = spec["activity"]
    AllianceActivity.objects.create(
        alliance=alliance,
        title_zh=title_zh,
        title_en=title_en,
        date=date,
        description_zh=text_zh,
        description_en=text_en,
    )


# Finance ----------------------------------------------------------------------------------

INSTITUTIONS = [
    # kind, name_zh, name_en, region, in the listing-service alliance
    (
        InstitutionKind.BANK,
        "人才服务银行2.0合作银行（演示）",
        "Talent Service Bank 2.0 partner bank (demo)",
        "330100",
        True,
    ),
    (
        InstitutionKind.BROKER,
        "人才企业上市服务联盟合作券商（演示）",
        "Listing-service alliance partner broker (demo)",
        "330100",
        True,
    ),
    (
        InstitutionKind.FUND,
        "人才产业投资基金（演示）",
        "Talent industry investment fund (demo)",
        "330000",
        True,
    ),
    (
        InstitutionKind.EXCHANGE,
        "区域性股权交易市场（演示）",
        "Regional equity exchange (demo)",
        "330000",
        True,
    ),
    (
        InstitutionKind.INSURER,
        "人才保险合作保险公司（演示）",
        "Talent insurance partner insurer (demo)",
        "330000",
        False,
    ),
    (
        InstitutionKind.GUARANTOR,
        "人才融资担保公司（演示）",
        "Talent financing guarantee company (demo)",
        "330000",
        False,
    ),
]

PRODUCTS = [
    # institution index, kind, name_zh, name_en, tiers, enterprise types, max, rate_zh, rate_en, annual rate, term
    (
        0,
        ProductKind.CARD_BENEFIT,
        "人才卡",
        "Talent card",
        ["A", "B", "C", "D", "E"],
        [],
        None,
        "",
        "",
        None,
        None,
        "凭浙江人才卡享受绿色通道、专属客户经理和费率优惠。",
        "The Zhejiang talent card gives a green channel, a dedicated relationship manager and lower fees.",
        "持有效人才卡到任一网点或在线申请。",
        "Apply online or at any branch with a valid talent card.",
    ),
    (
        0,
        ProductKind.TALENT_LOAN,
        "人才贷",
        "Talent loan",
        ["A", "B", "C", "D"],
        ["startup", "high_tech"],
        5_000_000,
        "LPR减50个基点",
        "LPR − 50bp",
        None,
        36,
        "面向高层次人才及其创办企业的信用贷款，无需抵押。",
        "An unsecured credit loan for high-level talents and the enterprises they founded.",
        "在线提交申请，客户经理五个工作日内联系。",
        "Apply online; a relationship manager calls within five working days.",
    ),
    (
        0,
        ProductKind.CARD_BENEFIT,
        "人才惠",
        "Talent benefit",
        ["A", "B", "C", "D", "E"],
        [],
        None,
        "",
        "",
        None,
        None,
        "人才专享的理财、结算和生活服务权益。",
        "Savings, payment and daily-life benefits for talents.",
        "人才卡持卡人自动享有。",
        "Automatic for talent card holders.",
    ),
    (
        4,
        ProductKind.INSURANCE,
        "人才创业保险",
        "Talent start-up insurance",
        [],
        ["startup"],
        1_000_000,
        "",
        "",
        "0.80",
        12,
        "为人才创业项目的研发失败和关键人员风险提供保障。",
        "Covers R&D failure and key-person risks of talent start-ups.",
        "提交项目计划书与企业证照。",
        "Submit the business plan and the company's licence.",
    ),
    (
        5,
        ProductKind.GUARANTEE,
        "人才贷担保",
        "Talent loan guarantee",
        [],
        ["startup", "high_tech", "private"],
        3_000_000,
        "担保费率1%",
        "1% guarantee fee",
        "1.00",
        24,
        "为人才企业的银行贷款提供担保，降低融资门槛。",
        "Guarantees the bank loans of talent enterprises.",
        "通过合作银行或在线申请。",
        "Through a partner bank or online.",
    ),
    (
        1,
        ProductKind.LISTING,
        "上市辅导服务",
        "Listing counselling",
        [],
        ["high_tech", "private"],
        None,
        "",
        "",
        None,
        None,
        "上市服务联盟为重点服务企业提供股改、规范和上市辅导。",
        "The listing-service alliance guides key enterprises through shareholding reform, compliance and listing counselling.",
        "入选年度重点服务企业名单后由联盟对接。",
        "The alliance contacts enterprises on the yearly key list.",
    ),
]

KEY_CRITERIA_ZH = "按照企业上市条件成熟度遴选：最近一年营业收入、研发投入强度、股份制改造和上市辅导进度；重点服务对象可获得政府政策资源和市场要素资源。"
KEY_CRITERIA_EN = "Selected by the maturity of their listing conditions: last year's revenue, R&D intensity, progress of shareholding reform and listing counselling. Key enterprises get government policy resources and market resources."


def finance_ensure(rng: random.Random) -> tuple[int, int]:
    base = rng.getrandbits(32)
    verified_at = datetime.datetime(2025, 1, 6, 10, tzinfo=TZ)
    institutions = []
    for kind, name_zh, name_en, region, alliance in INSTITUTIONS:
        institution, _created = FinancialInstitution.objects.get_or_create(
            name_zh=name_zh,
            defaults={
                "kind": kind,
                "name_en": name_en,
                "region": _region(region),
                "in_listing_alliance": alliance,
                "is_verified": True,
                "verified_at": verified_at,
            },
        )
        institutions.append(institution)
    for row in PRODUCTS:
        (
            index,
            kind,
            name_zh,
            name_en,
            tiers,
            types,
            most,
            rate_zh,
            rate_en,
            annual,
            term,
            text_zh,
            text_en,
            how_zh,
            how_en,
        ) = row
        FinancialProduct.objects.get_or_create(
            institution=institutions[index],
            name_zh=name_zh,
            defaults={
                "kind": kind,
                "name_en": name_en,
                "description_zh": text_zh,
                "description_en": text_en,
                "eligible_tiers": tiers,
                "eligible_enterprise_types": types,
                "max_amount": most,
                "rate_zh": rate_zh,
                "rate_en": rate_en,
                "annual_rate": annual,
                "term_months": term,
                "how_to_apply_zh": how_zh,
                "how_to_apply_en": how_en,
                "region": _region("330000"),
                "is_published": True,
            },
        )
    zhejiang = _region("330000")
    candidates = list(Enterprise.objects.demo().verified().in_region(zhejiang).order_by("pk")[:400])
    stages = list(MaturityStage.values)
    for year in (2025, 2026):
        key_list, created = KeyEnterpriseList.objects.get_or_create(
            region=zhejiang,
            year=year,
            defaults={
                "title_zh": f"{year}年度浙江省人才企业上市服务联盟重点服务企业名单",
                "title_en": f"Key enterprises of the Zhejiang talent enterprise listing-service alliance, {year}",
                "criteria_zh": KEY_CRITERIA_ZH,
                "criteria_en": KEY_CRITERIA_EN,
                "published_on": datetime.date(year, 3, 15),
            },
        )
        if created and candidates:
            pick = _stream(base, f"keylist:{year}")
            KeyEnterprise.objects.bulk_create(
                KeyEnterprise(
                    list=key_list,
                    enterprise=enterprise,
                    stage=pick.choices(stages, weights=[40, 25, 18, 12, 5])[0],
                )
                for enterprise in pick.sample(candidates, min(30, len(candidates)))
            )
    return FinancialProduct.objects.count(), KeyEnterpriseList.objects.count()


# Departments and feedback ---------------------------------------------------------------

DEPARTMENTS = [
    # key, region, name_zh, name_en
    (
        "zj-talent",
        "330000",
        "中共浙江省委人才工作领导小组办公室",
        "Talent Office of the CPC Zhejiang Provincial Committee",
    ),
    (
        "hz-housing",
        "330100",
        "杭州市住房保障和房产管理局",
        "Hangzhou Housing Security and Real Estate Administration",
    ),
    (
        "hz-hrss",
        "330100",
        "杭州市人力资源和社会保障局",
        "Hangzhou Human Resources and Social Security Bureau",
    ),
    ("hz-education", "330100", "杭州市教育局", "Hangzhou Education Bureau"),
    ("hz-health", "330100", "杭州市卫生健康委员会", "Hangzhou Health Commission"),
    (
        "ha-talent",
        "320800",
        "中共淮安市委人才工作领导小组办公室",
        "Talent Office of the CPC Huai'an Municipal Committee",
    ),
    (
        "ha-industry",
        "320800",
        "淮安市工业和信息化局",
        "Huai'an Bureau of Industry and Information Technology",
    ),
    ("bh-talent", "120116", "滨海新区人才工作领导小组办公室", "Talent Office of Binhai New Area"),
]
ANSWERING_PERMISSIONS = ["view_feedback", "change_feedback"]


def departments_ensure() -> dict[str, Department]:
    """The departments, each with one staff account that answers for it."""
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="ecosystem", codename__in=ANSWERING_PERMISSIONS
        )
    )
    departments = {}
    for key, region, name_zh, name_en in DEPARTMENTS:
        department, created = Department.objects.get_or_create(
            region=_region(region), name_zh=name_zh, defaults={"name_en": name_en}
        )
        username = "demo-department" if key == "hz-housing" else f"dept-{key}"
        member, made = demo_user_ensure(
            username,
            email=f"{username}@example.com",
            display_name=f"{name_zh}（答复）",
            kind=AccountKind.STAFF,
            is_staff=True,
            staff_region=department.region,
        )
        if made:
            if username == "demo-department":
                member.set_password(DEMO_PASSWORD)
            else:
                member.set_unusable_password()
            member.save(update_fields=["password"])
            member.user_permissions.add(*permissions)
        if created and member is not None:
            department.members.add(member)
        departments[key] = department
    return departments


# (department key, submitter: "talent"/"enterprise", region, category, title, description,
#  stage, answer) — the problems the Huai'an salon and the Zhejiang articles raise.
FEEDBACK = [
    (
        "hz-housing",
        "talent",
        "330106",
        FeedbackCategory.HOUSING,
        "人才公寓租赁补贴发放进度",
        "去年申请的人才公寓租赁补贴至今未到账，请问目前进度和预计发放时间？",
        "published",
        "经核查，您的补贴已于本月初完成审核，将在10个工作日内发放至您登记的银行账户。",
    ),
    (
        "hz-education",
        "talent",
        "330110",
        FeedbackCategory.EDUCATION,
        "高层次人才子女入学材料",
        "D类人才子女申请义务教育阶段入学，需要提供哪些材料？能否线上提交？",
        "published",
        "需提供人才认定证明、户籍或居住证明及子女出生证明，可通过“浙里办”线上提交，无需到现场。",
    ),
    (
        "hz-hrss",
        "enterprise",
        "330106",
        FeedbackCategory.POLICY,
        "企业引进博士的生活补贴申请口径",
        "企业新引进的博士在外省已享受过类似补贴，是否还能在杭州申请？",
        "rated",
        "根据现行政策，外省享受过的补贴不影响在杭申请，但同一人才在杭州不得重复享受同类补贴。",
    ),
    (
        "hz-health",
        "talent",
        "330106",
        FeedbackCategory.MEDICAL,
        "人才就医绿色通道预约",
        "人才卡的就医绿色通道在哪些医院可以使用？如何预约？",
        "answered",
        "目前市属8家三甲医院开通人才绿色通道，可通过“健康杭州”预约并出示人才卡。",
    ),
    (
        "ha-talent",
        "enterprise",
        "320800",
        FeedbackCategory.TALENT_SERVICE,
        "产业教授选聘与企业需求对接",
        "希望产业教授选聘更多结合企业实际需求，能否建立企业提名渠道？",
        "published",
        "市委人才办已在今年选聘中增设企业提名渠道，请通过本平台“人才工程”栏目提交提名。",
    ),
    (
        "ha-industry",
        "enterprise",
        "320800",
        FeedbackCategory.ENTERPRISE,
        "企业智改数转专项资金申报",
        "企业开展智能化改造和数字化转型，申报专项资金的时间和条件是什么？",
        "answered",
        "专项资金每年4月集中申报，条件见市工信局官网通知；我局可安排专人上门辅导。",
    ),
    (
        "ha-talent",
        "talent",
        "320800",
        FeedbackCategory.HOUSING,
        "人才公寓建设与配套",
        "园区附近人才公寓数量不足，通勤不便，建议加快建设并配套班车。",
        "routed",
        "",
    ),
    (
        "bh-talent",
        "enterprise",
        "120116",
        FeedbackCategory.POLICY,
        "鲲鹏计划申报条件咨询",
        "区级“鲲鹏计划”与市级“海河英才”能否同时申报？",
        "routed",
        "",
    ),
    (
        "zj-talent",
        "talent",
        "330000",
        FeedbackCategory.TALENT_SERVICE,
        "人才卡跨市通用",
        "在宁波办理的人才卡在杭州能否享受同等服务？",
        "rated",
        "浙江人才卡全省通用，持卡人在各设区市享受同等的人才服务。",
    ),
    (
        "hz-hrss",
        "talent",
        "330106",
        FeedbackCategory.OTHER,
        "海外人才工作许可办理时限",
        "外籍人才申请工作许可需要多长时间？能否加急？",
        "submitted",
        "",
    ),
    (
        "hz-housing",
        "enterprise",
        "330110",
        FeedbackCategory.HOUSING,
        "企业员工集体申请人才公寓",
        "企业能否为新引进的员工集体申请人才公寓？",
        "submitted",
        "",
    ),
]


def _submitters():
    talents = list(
        User.objects.demo()
        .filter(kind=AccountKind.TALENT, is_active=True, is_staff=False)
        .order_by("date_joined", "username")
        .values_list("pk", flat=True)[:2000]
    )
    enterprises = list(
        User.objects.demo()
        .filter(kind=AccountKind.ENTERPRISE, is_active=True, enterprise_memberships__isnull=False)
        .order_by("date_joined", "username")
        .values_list("pk", flat=True)
        .distinct()[:2000]
    )
    return talents, enterprises


def _demo_user(username: str, kind: str) -> User | None:
    user = demo_user(username)
    if user is None:
        user, _created = demo_user_ensure(
            f"demo-feedback-{kind}", email=f"demo-feedback-{kind}@example.com", kind=kind
        )
    return user


def feedback_ensure(departments: dict[str, Department]) -> int:
    """The demo feedback, each taken through the services to its stage."""
    staff = demo_user("demo-staff")
    if staff is None:
        staff, _created = demo_user_ensure(
            "demo-feedback-router",
            email="",
            kind=AccountKind.STAFF,
            is_staff=True,
            is_superuser=True,
        )
    submitters = {
        "talent": _demo_user("demo-talent", AccountKind.TALENT),
        "enterprise": _demo_user("demo-enterprise", AccountKind.ENTERPRISE),
    }
    stages = ["submitted", "routed", "answered", "rated", "published"]
    made = 0
    for key, who, region, category, title, description, stage, answer in FEEDBACK:
        applicant = submitters[who]
        if staff is None or applicant is None:
            continue
        if Feedback.objects.filter(applicant=applicant, title=title).exists():
            continue
        feedback = services.feedback_submit(
            applicant=applicant,
            category=category,
            region=_region(region),
            title=title,
            description=description,
        )
        made += 1
        reached = stages.index(stage)
        department = departments[key]
        if reached >= 1:
            services.feedback_route(feedback=feedback, department=department, by=staff)
        member = department.members.filter(is_demo=True).order_by("pk").first()
        if reached < 2 or member is None:
            continue
        services.feedback_answer(feedback=feedback, answer=answer, by=member)
        if reached >= 3:
            services.feedback_rate(
                feedback=feedback, rating=5 if reached == 4 else 4, publish=True, by=applicant
            )
        if reached >= 4:
            services.feedback_publish(feedback=feedback, by=staff)
    return made


def large_feedback_ensure(departments: dict[str, Department], rng: random.Random) -> int:
    """`LARGE_FEEDBACK` items of last year with their timelines, in bulk. Item *i* is the same
    on every run; those already there (by reference) are skipped."""
    prefix = f"FB-{LARGE_YEAR}-"
    existing = Feedback.objects.filter(reference__startswith=prefix).count()
    if existing >= LARGE_FEEDBACK:
        return 0
    talents, enterprises = _submitters()
    people = talents + enterprises
    if not people:
        return 0
    keyed = list(departments.values())
    members = {
        d.pk: d.members.filter(is_demo=True).order_by("pk").values_list("pk", flat=True).first()
        for d in keyed
    }
    router = getattr(demo_user("demo-staff"), "pk", None)
    categories = list(FeedbackCategory.values)
    plan = [_planned(i, rng, people, keyed, categories) for i in range(LARGE_FEEDBACK)]
    rows, events = [], []
    for i, item in enumerate(plan[existing:], start=existing + 1):
        reference = f"{prefix}{i:06d}"
        feedback, timeline = _bulk_row(item, reference, members, router)
        rows.append(feedback)
        events.extend(timeline)
    with _keeping_timestamps(Feedback, ApplicationEvent):
        Feedback.objects.bulk_create(rows, batch_size=1000)
        ApplicationEvent.objects.bulk_create(events, batch_size=2000)
    # Fresh statistics, so that the board and the queues use their indexes at once.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Feedback._meta.db_table}")
    # Numbers handed out by the workflow later in that year continue after these.
    counter, _created = ReferenceCounter.objects.get_or_create(prefix="FB", year=LARGE_YEAR)
    ReferenceCounter.objects.filter(pk=counter.pk, last__lt=LARGE_FEEDBACK).update(
        last=LARGE_FEEDBACK
    )
    return len(rows)


def _planned(i, rng, people, departments, categories) -> dict:
    department = departments[rng.randrange(len(departments))]
    submitted = datetime.datetime(LARGE_YEAR, 1, 2, 9, tzinfo=TZ) + datetime.timedelta(
        minutes=rng.randrange(360 * 24 * 60)
    )
    return {
        "applicant": people[rng.randrange(len(people))],
        "department": department,
        "category": rng.choice(categories),
        "submitted": submitted,
        "stage": rng.choices(
            ["submitted", "routed", "answered", "rated", "published"], weights=[5, 10, 35, 30, 20]
        )[0],
        "route_hours": rng.randrange(2, 72),
        "answer_days": rng.randrange(1, 16),  # some beyond the 10-day deadline
        "rating": rng.choices([1, 2, 3, 4, 5], weights=[3, 5, 15, 37, 40])[0],
        "topic": rng.randrange(len(FEEDBACK)),
    }


def _bulk_row(item, reference, members, router):
    department = item["department"]
    _key, _who, _region_code, _category, title, description, _stage, answer = FEEDBACK[
        item["topic"]
    ]
    stage = item["stage"]
    submitted = item["submitted"]
    fields = {
        "reference": reference,
        "applicant_id": item["applicant"],
        "category": item["category"],
        "region_id": department.region_id,
        "title": title,
        "description": description,
        "status": S.SUBMITTED,
        "submitted_at": submitted,
    }
    events = [
        ApplicationEvent(
            reference=reference, actor_id=item["applicant"], to_status=S.DRAFT, created_at=submitted
        ),
        ApplicationEvent(
            reference=reference,
            actor_id=item["applicant"],
            from_status=S.DRAFT,
            to_status=S.SUBMITTED,
            created_at=submitted,
        ),
    ]
    if stage != "submitted":
        routed = submitted + datetime.timedelta(hours=item["route_hours"])
        fields.update(
            status=S.IN_REVIEW,
            department_id=department.pk,
            routed_at=routed,
            routed_by_id=router,
            due_on=add_working_days(
                routed.astimezone(TZ).date(), services.FEEDBACK_ANSWER_WORKING_DAYS
            ),
        )
        events.append(
            ApplicationEvent(
                reference=reference,
                actor_id=router,
                from_status=S.SUBMITTED,
                to_status=S.IN_REVIEW,
                created_at=routed,
            )
        )
    if stage in ("answered", "rated", "published") and members.get(department.pk):
        answered = routed + datetime.timedelta(days=item["answer_days"])
        text = answer or "已转相关处室办理，办理结果将另行告知。"
        fields.update(
            status=S.APPROVED,
            answer=text,
            answered_at=answered,
            answered_by_id=members[department.pk],
            decided_at=answered,
            decided_by_id=members[department.pk],
            decision_reason=text,
        )
        events.append(
            ApplicationEvent(
                reference=reference,
                actor_id=members[department.pk],
                from_status=S.IN_REVIEW,
                to_status=S.APPROVED,
                comment=text,
                created_at=answered,
            )
        )
        if stage in ("rated", "published"):
            fields.update(
                rating=item["rating"],
                rated_at=answered + datetime.timedelta(days=1),
                publish_consent=True,
            )
        if stage == "published":
            fields.update(is_published=True, published_at=answered + datetime.timedelta(days=2))
    feedback = Feedback(**fields)
    feedback.created_at = submitted
    return feedback, events
