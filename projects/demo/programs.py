"""Demo talent programs: the programs named in the sources, a closed (decided) and an open call
each, an expert pool of 320 reviewers with disciplines, industries and declared conflicts, and
applications in every status — drafts, submitted, in review after a committed draw with
reviews in progress, needing information, withdrawn, approved within quota and rejected.

Deterministic (every random choice comes from a stream named after what it makes) and
idempotent (a program, call, expert or a call's applications that exist are left alone).
Experts, applicants and endorsing enterprises are the demo's own (`User.objects.demo()`,
`Enterprise.objects.demo()`): nobody who signed up on the site is made an expert or an
applicant, and a call someone has applied to is not given demo applications.
Everything goes through the services: the workflow, `expert_draw`, `review_submit`,
`ranking_approve`. Sources: the provincial Ten Thousand Talents Program with online selection
of experts and online reviews (Zhejiang), Tianjin's Haihe Talent and Binhai's Kunpeng Plan,
Huai'an's three teams (Science and Technology Town Leaders, Industry Professors, Science and
Technology Vice Presidents)."""

import datetime
import hashlib
import random

from django.db.models import Case, When
from django.utils import timezone

from projects.models import (
    Call,
    Conflict,
    Criterion,
    EndorsementStatus,
    Expert,
    Program,
    ProgramApplication,
    ReviewAssignment,
    Track,
)
from projects.programs import services
from projects.programs.expert_draw import draw_commit, expert_draw
from talentportal import workflow
from talentportal.choices import Degree
from talentportal.demo import demo_user, demo_user_ensure
from talentportal.models import AccountKind, ApplicationStatus, Discipline, Industry, Region, User
from talents.models import Enterprise

S = ApplicationStatus
EXPERTS = 320
APPLICATIONS = {"small": 12, "large": 40}
DISCIPLINES = ["0812", "0835", "0805", "0710", "1001", "0808", "0817", "0202"]
INDUSTRIES = [
    "artificial-intelligence",
    "integrated-circuits",
    "new-materials",
    "biomedicine",
    "biomanufacturing",
    "cell-and-gene-therapy",
    "deep-sea-exploration",
    "advanced-energy",
]
ORGANISATIONS = [
    ("浙江大学", "Zhejiang University"),
    ("天津大学", "Tianjin University"),
    ("南开大学", "Nankai University"),
    ("淮阴师范学院", "Huaiyin Normal University"),
    ("淮阴工学院", "Huaiyin Institute of Technology"),
    ("上海交通大学苏北研究院", "Subei Research Institute of Shanghai Jiao Tong University"),
    ("中国科学院宁波材料技术与工程研究所", "CAS Ningbo Institute of Materials"),
    ("西湖大学", "Westlake University"),
    ("天津医科大学", "Tianjin Medical University"),
    ("杭州电子科技大学", "Hangzhou Dianzi University"),
    ("江苏省产业技术研究院", "Jiangsu Industrial Technology Research Institute"),
    ("中国科学院天津工业生物技术研究所", "CAS Tianjin Institute of Industrial Biotechnology"),
]
EMPLOYERS = [
    "江苏亨通光电股份有限公司",
    "江苏汉邦科技股份有限公司",
    "江苏科润膜材料有限公司",
    "天津滨海新区合成生物创新中心",
    "杭州海康威视数字技术股份有限公司",
    "浙江大学",
    "天津大学",
    "淮阴工学院",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "杰", "涛", "明", "超", "霞", "平", "刚"]

CRITERIA = [
    ("学术水平与业绩", "Academic standing and record", 40),
    ("创新能力与成果转化", "Innovation and transfer of results", 35),
    ("发展潜力与贡献预期", "Potential and expected contribution", 25),
]

PROGRAMS = [
    {
        "name_zh": "浙江省“万人计划”",
        "name_en": "Zhejiang Ten Thousand Talents Program",
        "level": "provincial",
        "region": "330000",
        "organiser_zh": "中共浙江省委人才工作领导小组办公室",
        "organiser_en": "Talent Work Leading Group Office of the Zhejiang Provincial Committee",
        "summary_zh": "全省高层次人才特殊支持计划，网上申报、网上遴选专家、网上评审。",
        "summary_en": "The province's special support program for high-level talents: online "
        "application, online selection of experts and online review.",
        "tracks": [
            ("杰出人才", "Outstanding talents", 2, False),
            ("科技创新领军人才", "Leading talents in science and innovation", 4, True),
            ("青年拔尖人才", "Top young talents", 4, False),
        ],
        "max_age": None,
        "min_degree": Degree.MASTER,
        "experts": 5,
    },
    {
        "name_zh": "海河英才",
        "name_en": "Haihe Talent",
        "level": "municipal",
        "region": "120000",
        "organiser_zh": "天津市人才工作领导小组办公室",
        "organiser_en": "Tianjin Talent Work Leading Group Office",
        "summary_zh": "天津市引进和支持各类人才的市级人才计划。",
        "summary_en": "Tianjin's municipal program for attracting and supporting talents.",
        "tracks": [
            ("顶尖人才", "Top talents", 2, False),
            ("领军人才", "Leading talents", 4, True),
        ],
        "max_age": 55,
        "min_degree": Degree.BACHELOR,
        "experts": 3,
    },
    {
        "name_zh": "滨海新区“鲲鹏计划”",
        "name_en": "Binhai New Area Kunpeng Plan",
        "level": "district",
        "region": "120116",
        "organiser_zh": "天津市滨海新区人才工作领导小组办公室",
        "organiser_en": "Talent Office of Binhai New Area",
        "summary_zh": "聚焦生物制造、细胞和基因治疗、深海探采等未来产业，引进顶尖人才。",
        "summary_en": "Top talents for Binhai's future industries: biomanufacturing, cell and "
        "gene therapy, deep-sea exploration and more.",
        "tracks": [
            ("未来产业领军人才", "Leaders in future industries", 3, True),
            ("青年创新人才", "Young innovators", 4, False),
        ],
        "max_age": 50,
        "min_degree": Degree.DOCTORATE,
        "experts": 3,
    },
    {
        "name_zh": "淮安市科技镇长团",
        "name_en": "Huai'an Science and Technology Town Leader Group",
        "level": "municipal",
        "region": "320800",
        "organiser_zh": "中共淮安市委组织部",
        "organiser_en": "Organisation Department of the Huai'an Municipal Committee",
        "summary_zh": "选派高校院所科技人才到县区挂职，推动产学研合作。",
        "summary_en": "Scientists from universities and institutes serve in the districts and "
        "counties to connect research with industry.",
        "tracks": [("科技镇长团成员", "Town leader group members", 6, True)],
        "max_age": 50,
        "min_degree": Degree.MASTER,
        "experts": 3,
    },
    {
        "name_zh": "淮安市产业教授",
        "name_en": "Huai'an Industry Professors",
        "level": "municipal",
        "region": "320800",
        "organiser_zh": "中共淮安市委组织部",
        "organiser_en": "Organisation Department of the Huai'an Municipal Committee",
        "summary_zh": "企业高层次人才到在淮高校兼任产业教授，培养产业人才。",
        "summary_en": "Senior people from enterprises teach at Huai'an's universities as "
        "industry professors.",
        "tracks": [("产业教授", "Industry professors", 5, True)],
        "max_age": None,
        "min_degree": Degree.BACHELOR,
        "experts": 3,
    },
    {
        "name_zh": "淮安市科技副总",
        "name_en": "Huai'an Science and Technology Vice Presidents",
        "level": "municipal",
        "region": "320800",
        "organiser_zh": "中共淮安市委组织部",
        "organiser_en": "Organisation Department of the Huai'an Municipal Committee",
        "summary_zh": "高校院所科技人才到企业担任科技副总，助力企业技术创新。",
        "summary_en": "Researchers serve enterprises as vice presidents for science and "
        "technology.",
        "tracks": [("科技副总", "Science and technology vice presidents", 5, True)],
        "max_age": 55,
        "min_degree": Degree.MASTER,
        "experts": 3,
    },
]

# The statuses of an open call's applications, in turn, and of a closed call's (all decided).
OPEN_STATUSES = [
    S.DRAFT,
    S.SUBMITTED,
    S.IN_REVIEW,
    S.IN_REVIEW,
    S.NEEDS_INFO,
    S.RESUBMITTED,
    S.WITHDRAWN,
]


def _stream(*parts) -> random.Random:
    return random.Random("programs:" + ":".join(str(part) for part in parts))


def seed_programs(*, scale, rng, stdout):
    regions = {r.code: r for r in Region.objects.filter(code__in={p["region"] for p in PROGRAMS})}
    disciplines = {d.code: d for d in Discipline.objects.filter(code__in=DISCIPLINES)}
    industries = {i.code: i for i in Industry.objects.filter(code__in=INDUSTRIES)}
    if len(regions) < len({p["region"] for p in PROGRAMS}) or not disciplines:
        stdout.write("programs: no catalogues, nothing seeded")
        return
    staff = _staff()
    if staff is None:
        stdout.write("programs: no demo staff account, nothing seeded")
        return
    calls = []
    for spec in PROGRAMS:
        program = _program(spec, regions)
        calls.extend(_calls(program, spec))
    experts = _experts(disciplines, industries, regions, calls)
    applicants = _applicants(APPLICATIONS.get(scale, APPLICATIONS["small"]) * 2)
    for call in calls:
        if not call.applications.exists():  # nobody's: neither the demo's nor a person's
            _applications(call, applicants, disciplines, industries, staff, scale)
    stdout.write(
        f"programs: {Program.objects.count()} programs, {Call.objects.count()} calls, "
        f"{len(experts)} experts, {ProgramApplication.objects.count()} applications, "
        f"{ReviewAssignment.objects.count()} assignments"
    )


def _staff() -> User | None:
    """demo-staff, or a staff account of our own when the core seed has not run."""
    staff = demo_user("demo-staff")
    if staff is None:
        staff, _created = demo_user_ensure(
            "program-staff",
            email="program-staff@example.cn",
            kind=AccountKind.STAFF,
            is_staff=True,
            is_superuser=True,
        )
    return staff


def _program(spec, regions) -> Program:
    program, _created = Program.objects.get_or_create(
        region=regions[spec["region"]],
        name_zh=spec["name_zh"],
        defaults={
            key: spec[key]
            for key in (
                "name_en",
                "level",
                "organiser_zh",
                "organiser_en",
                "summary_zh",
                "summary_en",
            )
        }
        | {"description_zh": spec["summary_zh"], "description_en": spec["summary_en"]},
    )
    return program


def _calls(program: Program, spec) -> list[Call]:
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    closed_opens = datetime.datetime(2025, 3, 1, 9, 0, tzinfo=tz)
    closed_closes = datetime.datetime(2025, 4, 30, 17, 0, tzinfo=tz)
    open_opens = datetime.datetime.combine(
        today - datetime.timedelta(days=30), datetime.time(9), tz
    )
    open_closes = datetime.datetime.combine(
        today + datetime.timedelta(days=60), datetime.time(17), tz
    )
    calls = []
    for year, opens, closes in (
        (2025, closed_opens, closed_closes),
        (2026, open_opens, open_closes),
    ):
        call, created = Call.objects.get_or_create(
            program=program,
            year=year,
            round=1,
            defaults={
                "title_zh": f"{year}年度{program.name_zh}申报",
                "title_en": f"{program.name_en}: {year} call",
                "eligibility_zh": "在本地区全职工作，遵纪守法，学风端正；业绩突出，具有发展潜力。",
                "eligibility_en": "Working full time in the region, with an outstanding record "
                "and the potential to grow.",
                "min_degree": spec["min_degree"],
                "max_age": spec["max_age"],
                "materials_zh": "申报书\n身份证明\n学历学位证书\n代表性成果证明\n单位推荐意见",
                "materials_en": "Application form\nProof of identity\nDegree certificates\n"
                "Evidence of representative achievements\nRecommendation of the employer",
                "opens_at": opens,
                "closes_at": closes,
                "experts_per_application": spec["experts"],
                "max_load": 15,
                "blind": spec["level"] == "provincial",
                "scores_visible": spec["level"] != "provincial",
            },
        )
        if created:
            for position, (zh, en, quota, endorsed) in enumerate(spec["tracks"]):
                Track.objects.create(
                    call=call,
                    name_zh=zh,
                    name_en=en,
                    quota=quota,
                    needs_endorsement=endorsed,
                    position=position,
                )
            for position, (zh, en, weight) in enumerate(CRITERIA):
                Criterion.objects.create(
                    call=call, name_zh=zh, name_en=en, weight=weight, position=position
                )
        calls.append(call)
    return calls


def _expert_accounts() -> list[User]:
    """The accounts of the pool: the demo population's expert accounts first, then its talents
    (professors and engineers review too), so that `seed_demo` adds no users; accounts of our
    own (`expert-NNNN`) only for the places the population cannot fill."""
    first_experts = Case(When(kind=AccountKind.EXPERT, then=0), default=1)
    accounts = (
        User.objects.demo()
        .filter(is_active=True, is_staff=False, kind__in=[AccountKind.EXPERT, AccountKind.TALENT])
        .exclude(username__startswith="demo-")
        .order_by(first_experts, "pk")
    )
    people = list(accounts[:EXPERTS])
    missing = EXPERTS - len(people)
    if missing > 0:
        for i in range(missing):
            r = _stream("expert-name", i)
            demo_user_ensure(
                f"expert-{i + 1:04d}",
                email=f"expert-{i + 1:04d}@example.cn",
                display_name=r.choice(SURNAMES) + r.choice(GIVEN) + r.choice(GIVEN),
                kind=AccountKind.EXPERT,
            )
        people = list(accounts[:EXPERTS])
    return people


def _experts(disciplines, industries, regions, calls) -> list[Expert]:
    people = _expert_accounts()
    existing = set(Expert.objects.filter(user__in=people).values_list("user_id", flat=True))
    region_codes = sorted(regions)
    specs = {}
    new_experts = []
    for i, user in enumerate(people):
        if user.pk in existing:
            continue
        r = _stream("expert", user.username)
        specs[user.username] = (i, r)
        new_experts.append(
            Expert(
                user=user,
                name=user.display_name or user.username,
                organisation=ORGANISATIONS[i % len(ORGANISATIONS)][0],
                region=regions[region_codes[i % len(region_codes)]],
                seniority=r.choice([2, 3, 3, 3, 4]),
            )
        )
    Expert.objects.bulk_create(new_experts)
    created = {e.user.username: e for e in new_experts}
    discipline_links, industry_links, call_links, conflicts = [], [], [], []
    discipline_codes = sorted(disciplines)
    industry_codes = sorted(industries)
    for username, expert in created.items():
        i, r = specs[username][0], _stream("expert-fields", specs[username][0])
        codes = {discipline_codes[i % len(discipline_codes)], r.choice(discipline_codes)}
        discipline_links += [
            Expert.disciplines.through(expert_id=expert.pk, discipline_id=code) for code in codes
        ]
        if industry_codes:
            industry_links.append(
                Expert.industries.through(
                    expert_id=expert.pk, industry_id=industries[r.choice(industry_codes)].pk
                )
            )
        call_links += [
            Expert.available_calls.through(expert_id=expert.pk, call_id=c.pk) for c in calls
        ]
        if i % 9 == 0:
            conflicts.append(
                Conflict(
                    expert=expert,
                    organisation=EMPLOYERS[i % len(EMPLOYERS)],
                    reason="曾在该单位兼职",
                )
            )
    Expert.disciplines.through.objects.bulk_create(discipline_links, ignore_conflicts=True)
    Expert.industries.through.objects.bulk_create(industry_links, ignore_conflicts=True)
    Expert.available_calls.through.objects.bulk_create(call_links, ignore_conflicts=True)
    Conflict.objects.bulk_create(conflicts)
    # Experts who existed before calls were added become available for them too.
    experts = list(Expert.objects.filter(user__in=people))
    Expert.available_calls.through.objects.bulk_create(
        [
            Expert.available_calls.through(expert_id=expert.pk, call_id=call.pk)
            for expert in experts
            for call in calls
        ],
        ignore_conflicts=True,
    )
    return experts


def _applicants(count: int) -> list[User]:
    """The demo population's last talents (the expert pool takes its first ones)."""
    talents = User.objects.demo().filter(kind=AccountKind.TALENT, is_active=True, is_staff=False)
    people = list(talents.exclude(username__startswith="demo-").order_by("-pk")[:count])
    if len(people) >= count:
        return people
    for i in range(count):
        r = _stream("applicant", i)
        demo_user_ensure(
            f"program-talent-{i}",
            email=f"program-talent-{i}@example.cn",
            display_name=r.choice(SURNAMES) + r.choice(GIVEN),
            kind=AccountKind.TALENT,
        )
    return list(talents.filter(username__startswith="program-talent-").order_by("pk"))


def _applications(call, applicants, disciplines, industries, staff, scale):
    count = APPLICATIONS.get(scale, APPLICATIONS["small"])
    tracks = list(call.tracks.all())
    closed = call.has_closed()
    discipline_codes = sorted(disciplines)
    industry_codes = sorted(industries)
    enterprises = list(Enterprise.objects.demo().verified().order_by("pk")[:20])
    offset = (call.program_id * 7 + call.year) % max(1, len(applicants) - count)
    made = []
    for i in range(count):
        r = _stream("application", call.program.name_zh, call.year, i)
        applicant = applicants[(offset + i) % len(applicants)]
        track = tracks[i % len(tracks)]
        status = S.IN_REVIEW if closed else OPEN_STATUSES[i % len(OPEN_STATUSES)]
        endorsement = {}
        if track.needs_endorsement and enterprises:
            answered = status != S.DRAFT
            endorsement = {
                "endorser": enterprises[i % len(enterprises)],
                "endorsement_status": EndorsementStatus.CONFIRMED
                if answered
                else EndorsementStatus.REQUESTED,
                "endorsed_at": timezone.now() if answered else None,
            }
        application = workflow.application_create(
            model=ProgramApplication,
            applicant=applicant,
            call=call,
            track=track,
            full_name=applicant.display_name or applicant.username,
            employer=EMPLOYERS[r.randrange(len(EMPLOYERS))],
            highest_degree=max(call.min_degree, r.choice([Degree.MASTER, Degree.DOCTORATE])),
            birth_year=call.year - r.randint(30, call.max_age or 60),
            discipline=disciplines[discipline_codes[i % len(discipline_codes)]],
            industry=industries[r.choice(industry_codes)] if industry_codes else None,
            project_title=r.choice(
                ["新型储能材料", "合成生物制造平台", "智能诊疗算法", "深海探测装备", "集成电路设计"]
            )
            + f"研究（{i + 1}）",
            summary="近五年主持国家级项目，发表高水平论文，成果已在本地企业转化应用。",
            **endorsement,
        )
        if status not in (S.DRAFT, S.SUBMITTED):  # "submitted" ones come after the draw
            workflow.application_submit(application=application, by=applicant)
        made.append((application, status))
    # Committed at opening, as the office does (a demo seed: derived, so reseeding is stable).
    seed = hashlib.sha256(f"{call.program.name_en}-{call.year}".encode()).hexdigest()
    if not call.draw_commitment:
        draw_commit(call=call, by=staff, seed=seed, now=call.opens_at)
    expert_draw(call=call, by=staff, seed=seed)
    for application, status in made:
        application.refresh_from_db()
        if status == S.SUBMITTED:
            workflow.application_submit(application=application, by=application.applicant)
        elif status == S.IN_REVIEW:
            r = _stream("reviews", call.program.name_zh, call.year, application.full_name)
            # Closed calls: every review in; open calls: the first expert's only.
            assignments = ReviewAssignment.objects.filter(application=application).active()
            for n, assignment in enumerate(assignments.order_by("pk")):
                if closed or n == 0:
                    _review(assignment, r)
        elif status in (S.NEEDS_INFO, S.RESUBMITTED):
            workflow.application_request_info(
                application=application, by=staff, comment="请补充代表性成果的证明材料。"
            )
            if status == S.RESUBMITTED:
                workflow.application_resubmit(
                    application=application, by=application.applicant, comment="已补充。"
                )
        elif status == S.WITHDRAWN:
            workflow.application_withdraw(application=application, by=application.applicant)
    if closed:
        _decide(call, staff)


def _review(assignment, r):
    user = assignment.expert.user
    services.assignment_declare_no_conflict(assignment=assignment, by=user)
    base = r.randint(55, 95)
    scores = {
        criterion.pk: max(0, min(100, base + r.randint(-10, 10)))
        for criterion in assignment.application.call.criteria.all()
    }
    services.review_submit(
        assignment=assignment, by=user, scores=scores, comment="申报材料完整，业绩较突出。"
    )


def _decide(call, staff):
    for track in call.tracks.all():
        rows = services.track_ranking(track)
        services.ranking_approve(
            track=track,
            applications=[row.application for row in rows if row.within_quota],
            by=staff,
            comment="经专家评审和公示，入选本年度名单。",
        )
        for row in rows:
            if not row.within_quota:
                workflow.application_reject(
                    application=row.application,
                    by=staff,
                    reason="综合评审得分未进入本类别名额。",
                )
