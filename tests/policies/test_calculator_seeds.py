# ruff: noqa: E501 -- the table of seeded amounts reads better unbroken.
"""The calculator over the seeded benefits: profiles written from the seeds, totals computed
by hand.

The library is Hangzhou's policies as `policies.demo` writes them (every template of a city,
every benefit of each, amounts at factor 1.0, the first of each random choice) plus
Zhejiang's Ten Thousand Talents Program, which applies in Hangzhou too. The figures below
were worked out by hand from the seed's amounts: per kind, the largest benefit the profile
qualifies for (alternatives of one kind are not added up), selections never counted.

    kind             benefit (who)                                      whole term, yuan
    housing          顶尖/领军/高层次/高级人才购房补贴 (tier A/B/C-D/E)   8,000,000 / 3,000,000 / 2,000,000 / 400,000
                     博士购房补贴 (PhD, ≤40, works here)                     400,000
                     硕士购房补贴 (master, ≤35, works here)                  150,000
                     高技能人才购房补贴 (skilled worker, ≤45)               100,000
    living           博士/硕士/本科生生活补贴 (≤35/≤35/≤30, graduated ≤3/3/2)  100,000 / 50,000 / 30,000
                     博士后日常经费资助 (postdoc, ≤35, 100,000 × 2 years)    200,000
                     高级技师生活津贴 (senior technician, 1,000 × 36)        36,000
    rent             青年人才租房补贴 (bachelor, graduated ≤2, 10,000 × 3)   30,000
                     人才公寓租金补贴 (master, 2,000 × 36)                    72,000
                     人才公寓租金补贴 (bachelor, ≤35, 1,500 × 24)             36,000
    settling-in      毕业生求职补贴 (graduated ≤1)                             3,000
                     海外人才安家补贴 (overseas PhD)                         500,000
                     留学回国人员安家补贴 (overseas master, ≤40)             100,000
    start-up         留学人员创业启动资金 (overseas founder)                 500,000
    award            出站留本地工作补贴 (postdoc, ≤40)                       300,000
                     技能大师奖励 (skills master)                             50,000
    loan             人才贷贴息 (founder, 200,000 × 3 years)                 600,000
    internship       大学生见习补贴 (graduated ≤2, 2,000 × 6)                 12,000
                     在校大学生实习补贴 (student, ≤28, 1,500 × 3)               4,500
    selections       创业项目资助, 创新项目科研经费, 人才奖励, 博士后科研项目资助,
                     “万人计划”特殊支持经费, 青年拔尖人才资助, 省级保健服务: never counted
"""

import dataclasses
import random

import pytest
from django.utils import translation

from policies.demo import TEMPLATES, place_of
from policies.eligibility import RULES_BY_NAME, Profile, eligibility_check
from policies.models import Benefit, EnterpriseType, TalentCategory, categories_held
from policies.services import calculate
from talentportal.choices import Degree, TalentTier
from tests.policies.factories import PolicyFactory, region
from tests.talentportal.factories import IndustryFactory

pytestmark = pytest.mark.django_db

CITY_TEMPLATES = (
    "classification",
    "graduates",
    "housing",
    "programme",
    "apartments",
    "overseas",
    "postdoc",
    "skills",
    "internships",
    "services",
)


class FirstOfEverything(random.Random):
    """Makes the seed's templates deterministic and complete: every benefit of a template
    (the largest sample), the first of every choice, the most of every range."""

    def sample(self, population, k, **kwargs):
        return list(population)[:k]

    def randint(self, a, b):
        return b

    def choice(self, seq):
        return seq[0]

    def random(self):
        return 0.0


def seed_policy(place, template):
    (title_zh, title_en, _summary_zh, _summary_en, categories, groups, _industries, benefits,
     _authority) = TEMPLATES[template](place, FirstOfEverything(), 1.0)  # fmt: skip
    policy = PolicyFactory(
        region=place.region,
        title_zh=title_zh,
        title_en=title_en,
        categories=[str(c) for c in categories],
        talent_groups=[str(g) for g in groups],
    )
    for position, fields in enumerate(benefits):
        fields = dict(fields)
        codes = fields.pop("industries", [])
        for name in ("tiers", "enterprise_types", "talent_categories"):
            fields[name] = [str(v) for v in fields.get(name, [])]
        benefit = Benefit.objects.create(policy=policy, position=position, **fields)
        benefit.industries.set([IndustryFactory(code=code) for code in codes])
    return policy


@pytest.fixture
def hangzhou():
    zhejiang, hangzhou = region("330000"), region("330100")
    parents = {"330100": hangzhou}
    for template in CITY_TEMPLATES:
        seed_policy(place_of(hangzhou, parents), template)
    seed_policy(place_of(zhejiang, parents), "ten_thousand")
    return hangzhou


PHD = {"degree": Degree.DOCTORATE, "age": 32, "years_since_graduation": 1}

#: (name, profile, hand-computed total in yuan)
PROFILES = [
    # 400,000 PhD housing + 100,000 PhD living + 72,000 rent + 3,000 job-seeking + 12,000 internship
    ("phd", Profile(**PHD), 587_000),
    # 150,000 master housing + 50,000 master living + 72,000 rent + 3,000 + 12,000
    ("master", Profile(degree=Degree.MASTER, age=27, years_since_graduation=0), 287_000),
    # 30,000 bachelor living + 36,000 apartment rent + 3,000 + 12,000
    ("bachelor", Profile(degree=Degree.BACHELOR, age=24, years_since_graduation=0), 81_000),
    # 100,000 skilled workers' housing + 36,000 senior technician allowance
    (
        "senior technician",
        Profile(
            degree=Degree.JUNIOR_COLLEGE,
            age=38,
            years_since_graduation=15,
            talent_categories={TalentCategory.SENIOR_TECHNICIAN},
        ),
        136_000,
    ),
    # 50,000 skills master award (too old for the housing subsidy, no senior technician)
    (
        "skills master",
        Profile(
            degree=Degree.JUNIOR_COLLEGE,
            age=50,
            years_since_graduation=25,
            talent_categories={TalentCategory.SKILLS_MASTER},
        ),
        50_000,
    ),
    # 400,000 housing + 200,000 postdoc living + 72,000 + 3,000 + 300,000 stay award + 12,000
    (
        "postdoc",
        Profile(**PHD | {"age": 31}, talent_categories={TalentCategory.POSTDOC}),
        987_000,
    ),
    # 150,000 housing + 50,000 living + 72,000 rent + 100,000 returnee + 12,000 internship
    (
        "returnee",
        Profile(degree=Degree.MASTER, age=30, years_since_graduation=2, overseas=True),
        384_000,
    ),
    # 4,500 student internship subsidy
    ("student", Profile(age=20, talent_categories={TalentCategory.STUDENT}), 4_500),
    # 72,000 rent + 500,000 overseas PhD + 500,000 returnee start-up + 600,000 loan interest
    (
        "overseas founder",
        Profile(
            degree=Degree.DOCTORATE,
            age=45,
            years_since_graduation=10,
            overseas=True,
            enterprise_type=EnterpriseType.STARTUP,
        ),
        1_672_000,
    ),
    # 2,000,000 tier C housing + 72,000 rent; four selections, none counted
    (
        "tier C professor",
        Profile(
            degree=Degree.DOCTORATE,
            age=42,
            years_since_graduation=12,
            tier=TalentTier.C,
            enterprise_type=EnterpriseType.UNIVERSITY,
        ),
        2_072_000,
    ),
    # 72,000 rent + 3,000 + 12,000: the benefits for those who work here are near misses
    ("phd working elsewhere", Profile(**PHD, will_work_in_region=False), 87_000),
]
PROFILE = {name: profile for name, profile, _total in PROFILES}


@pytest.mark.parametrize(("name", "profile", "total"), PROFILES, ids=[p[0] for p in PROFILES])
def test_totals_equal_the_hand_computed_figures(hangzhou, name, profile, total):
    [result] = calculate(profile=profile, regions=[hangzhou]).regions
    assert result.total == total


def test_selections_are_you_may_apply_and_never_counted(hangzhou):
    [result] = calculate(profile=PROFILE["tier C professor"], regions=[hangzhou]).regions
    assert {r.benefit.title_zh for r in result.may_apply} == {
        "创新项目科研经费",
        "人才奖励",
        "“万人计划”特殊支持经费",
        "省级保健服务",
    }
    assert not any(r.benefit.competitive for r in result.eligible)
    [phd] = calculate(profile=PROFILE["phd"], regions=[hangzhou]).regions
    # The PhD: the young top talent funding (300,000) is one to apply for, not his.
    assert [r.benefit.title_zh for r in phd.may_apply] == ["青年拔尖人才资助"]


def test_a_phd_is_not_told_of_skilled_worker_or_postdoc_benefits(hangzhou):
    [result] = calculate(profile=PROFILE["phd"], regions=[hangzhou]).regions
    counted = {r.benefit.title_zh for r in result.eligible}
    assert counted.isdisjoint(
        {"高技能人才购房补贴", "技能大师奖励", "高级技师生活津贴", "博士后日常经费资助"}
    )


@pytest.mark.parametrize("category", TalentCategory.values)
def test_no_benefit_of_one_talent_category_is_counted_for_another(hangzhou, category):
    profile = Profile(
        degree=Degree.DOCTORATE,
        age=25,
        years_since_graduation=0,
        overseas=True,
        tier=TalentTier.A,
        enterprise_type=EnterpriseType.STARTUP,
        talent_categories={category},
    )
    [result] = calculate(profile=profile, regions=[hangzhou]).regions
    held = categories_held({category})
    shown = (*result.eligible, *result.may_apply)
    marked = [r.benefit for r in shown if r.benefit.talent_categories]
    assert marked, "the library has benefits for every category"
    for benefit in marked:
        assert held & set(benefit.talent_categories), (benefit.title_zh, category)
    # And nobody without a category gets any of them.
    without = dataclasses.replace(profile, talent_categories=frozenset())
    [none] = calculate(profile=without, regions=[hangzhou]).regions
    assert not [r for r in (*none.eligible, *none.may_apply) if r.benefit.talent_categories]


def test_every_seeded_benefit_says_who_it_is_for(hangzhou):
    """Structured eligibility: every benefit of the seed sets a condition, and every
    selection is marked as one."""
    benefits = list(Benefit.objects.prefetch_related("industries"))
    assert len(benefits) > 40
    for benefit in benefits:
        assert eligibility_check(benefit=benefit, profile=Profile()), benefit.title_zh
    selections = {b.title_zh for b in benefits if b.competitive}
    assert selections == {
        "创业项目资助",
        "创新项目科研经费",
        "人才奖励",
        "博士后科研项目资助",
        "“万人计划”特殊支持经费",
        "青年拔尖人才资助",
        "省级保健服务",
    }


@pytest.mark.parametrize(("name", "profile", "total"), PROFILES, ids=[p[0] for p in PROFILES])
def test_near_misses_are_only_what_a_person_can_change_or_prove(hangzhou, name, profile, total):
    [result] = calculate(profile=profile, regions=[hangzhou]).regions
    for near in result.near_misses:
        [failed] = [c for c in near.criteria if not c.passed]
        assert RULES_BY_NAME[failed.name].actionable, (near.benefit.title_zh, failed.name)
        with translation.override("en"):
            assert "younger" not in near.near_miss
