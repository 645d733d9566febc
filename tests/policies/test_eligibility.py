import itertools

import pytest
from django.utils import translation

from policies.eligibility import (
    RULES,
    Profile,
    annotate_eligibility,
    benefits_matching,
    criteria_from_annotations,
    eligibility_check,
    near_miss_message,
)
from policies.models import Benefit, EnterpriseType, PolicyStatus, TalentCategory
from talentportal.choices import Degree, TalentTier
from tests.policies.factories import BenefitFactory, region
from tests.talentportal.factories import IndustryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def biomedicine():
    return IndustryFactory(code="test-biomedicine", name_zh="生物医药", name_en="Biomedicine")


@pytest.fixture
def software():
    return IndustryFactory(code="test-software", name_zh="软件信息", name_en="Software")


def check_both_ways(benefit, profile):
    """The criteria from Python and from the database's annotations, which must agree."""
    in_python = eligibility_check(benefit=benefit, profile=profile)
    annotated = annotate_eligibility(
        Benefit.objects.filter(pk=benefit.pk).prefetch_related("industries"), profile
    ).get()
    in_database = criteria_from_annotations(annotated, profile)
    assert in_python == in_database
    assert annotated.failed_criteria == sum(not c.passed for c in in_python)
    return in_python


# Each criterion passes and fails, and explains itself.

CASES = [
    # (criterion, benefit fields, passing profile, failing profile, reason fragment)
    (
        "degree",
        {"min_degree": Degree.MASTER},
        Profile(degree=Degree.DOCTORATE),
        Profile(degree=Degree.BACHELOR),
        "Master's degree",
    ),
    ("degree", {"min_degree": Degree.MASTER}, Profile(degree=Degree.MASTER), Profile(), "Master"),
    ("age", {"max_age": 35}, Profile(age=35), Profile(age=36), "35 or younger"),
    ("age", {"max_age": 35}, Profile(age=20), Profile(age=None), "Enter your age"),
    (
        "tier",
        {"tiers": [TalentTier.A, TalentTier.B]},
        Profile(tier=TalentTier.B),
        Profile(tier=TalentTier.C),
        "tier A",
    ),
    ("tier", {"tiers": [TalentTier.E]}, Profile(tier=TalentTier.E), Profile(tier=""), "none"),
    (
        "graduation",
        {"max_years_since_graduation": 2},
        Profile(years_since_graduation=2),
        Profile(years_since_graduation=3),
        "at most 2 years ago",
    ),
    (
        "graduation",
        {"max_years_since_graduation": 2},
        Profile(years_since_graduation=0),
        Profile(),
        "Enter the years",
    ),
    (
        "overseas",
        {"overseas_required": True},
        Profile(overseas=True),
        Profile(overseas=False),
        "overseas",
    ),
    (
        "work",
        {"must_work_in_region": True},
        Profile(will_work_in_region=True),
        Profile(will_work_in_region=False),
        "working in the region",
    ),
    (
        "residence",
        {"must_live_in_region": True},
        Profile(will_live_in_region=True),
        Profile(will_live_in_region=False),
        "living in the region",
    ),
    (
        "employer",
        {"enterprise_types": [EnterpriseType.HIGH_TECH, EnterpriseType.STARTUP]},
        Profile(enterprise_type=EnterpriseType.STARTUP),
        Profile(enterprise_type=EnterpriseType.STATE_OWNED),
        "High-tech enterprise",
    ),
    (
        "employer",
        {"enterprise_types": [EnterpriseType.UNIVERSITY]},
        Profile(enterprise_type=EnterpriseType.UNIVERSITY),
        Profile(),
        "University",
    ),
    (
        "category",
        {"talent_categories": [TalentCategory.SKILLED_WORKER]},
        Profile(talent_categories={TalentCategory.SKILLED_WORKER}),
        Profile(degree=Degree.DOCTORATE),
        "Highly skilled worker",
    ),
    (
        "category",
        {"talent_categories": [TalentCategory.POSTDOC, TalentCategory.STUDENT]},
        Profile(talent_categories={TalentCategory.STUDENT}),
        Profile(talent_categories={TalentCategory.SENIOR_TECHNICIAN}),
        "Senior technician certificate",
    ),
]


@pytest.mark.parametrize(("name", "fields", "passing", "failing", "fragment"), CASES)
def test_each_criterion_passes_and_fails(name, fields, passing, failing, fragment):
    benefit = BenefitFactory(**fields)
    with translation.override("en"):
        passed = check_both_ways(benefit, passing)
        failed = check_both_ways(benefit, failing)
    assert [(c.name, c.passed) for c in passed] == [(name, True)]
    assert [(c.name, c.passed) for c in failed] == [(name, False)]
    assert fragment in failed[0].reason


def test_the_industry_criterion(biomedicine, software):
    benefit = BenefitFactory(industries=[biomedicine])
    with translation.override("en"):
        passed = check_both_ways(benefit, Profile(industry=biomedicine))
        failed = check_both_ways(benefit, Profile(industry=software))
        unknown = check_both_ways(benefit, Profile())
    assert passed[0].passed and passed[0].name == "industry"
    assert not failed[0].passed
    assert failed[0].reason == "For the industries: Biomedicine. Yours: Software."
    assert not unknown[0].passed


def test_a_benefit_without_conditions_is_open_to_everyone():
    benefit = BenefitFactory()
    assert check_both_ways(benefit, Profile()) == []


def test_reasons_are_translated():
    benefit = BenefitFactory(min_degree=Degree.DOCTORATE, max_age=40)
    profile = Profile(degree=Degree.MASTER, age=45)
    with translation.override("en"):
        english = [c.reason for c in eligibility_check(benefit=benefit, profile=profile)]
    with translation.override("zh-hans"):
        chinese = [c.reason for c in eligibility_check(benefit=benefit, profile=profile)]
    assert english[0] == "Requires at least: Doctorate. You have: Master's degree."
    assert english[1] == "For applicants aged 40 or younger. You are 45."
    assert all(c.isascii() for c in "".join(english))
    assert not all(c.isascii() for c in "".join(chinese))


def test_python_and_database_agree_on_every_combination(biomedicine, software):
    benefits = [
        BenefitFactory(
            min_degree=Degree.MASTER,
            max_age=35,
            tiers=[TalentTier.D, TalentTier.E],
            max_years_since_graduation=3,
            overseas_required=True,
            must_work_in_region=True,
            must_live_in_region=True,
            enterprise_types=[EnterpriseType.PRIVATE],
            industries=[biomedicine],
            talent_categories=[TalentCategory.POSTDOC],
        ),
        BenefitFactory(talent_categories=[TalentCategory.SKILLED_WORKER]),
        BenefitFactory(min_degree=Degree.DOCTORATE, tiers=[TalentTier.A]),
        BenefitFactory(),
    ]
    profiles = [
        Profile(
            degree=degree,
            age=age,
            tier=tier,
            years_since_graduation=years,
            overseas=overseas,
            industry=industry,
            enterprise_type=employer,
            will_work_in_region=works,
            will_live_in_region=not works,
            talent_categories=categories,
        )
        for degree, age, tier, years, overseas, industry, employer, works, categories in (
            itertools.product(
                (Degree.BACHELOR, Degree.DOCTORATE),
                (None, 30, 50),
                ("", TalentTier.A, TalentTier.E),
                (None, 1, 5),
                (False, True),
                (None, biomedicine, software),
                ("", EnterpriseType.PRIVATE),
                (False, True),
                ((), (TalentCategory.POSTDOC,), (TalentCategory.SKILLS_MASTER,)),
            )
        )
    ][::13]
    for benefit, profile in itertools.product(benefits, profiles):
        check_both_ways(benefit, profile)


# Near misses


@pytest.mark.parametrize(
    ("fields", "profile", "message"),
    [
        (
            {"min_degree": Degree.MASTER},
            Profile(degree=Degree.BACHELOR),
            "You would qualify with a master's degree.",
        ),
        (
            {"tiers": [TalentTier.A, TalentTier.B]},
            Profile(tier=TalentTier.C),
            "You would qualify as a talent of tier A – top talent, B – national leading talent.",
        ),
        (
            {"talent_categories": [TalentCategory.POSTDOC]},
            Profile(degree=Degree.DOCTORATE),
            "You would qualify as: Postdoctoral researcher (in or just out of a station).",
        ),
        (
            {"must_work_in_region": True},
            Profile(will_work_in_region=False),
            "You would qualify if you worked in the region.",
        ),
        (
            {"must_live_in_region": True},
            Profile(will_live_in_region=False),
            "You would qualify if you lived in the region.",
        ),
        (
            {"enterprise_types": [EnterpriseType.STARTUP]},
            Profile(enterprise_type=EnterpriseType.PRIVATE),
            "You would qualify if employed by: Start-up founded by the applicant.",
        ),
    ],
)
def test_a_near_miss_says_what_would_make_you_qualify(fields, profile, message):
    benefit = BenefitFactory(**fields)
    with translation.override("en"):
        criteria = eligibility_check(benefit=benefit, profile=profile)
        assert near_miss_message(benefit, profile, criteria) == message


@pytest.mark.parametrize(
    ("fields", "profile"),
    [
        ({"max_age": 35}, Profile(age=38)),
        ({"max_years_since_graduation": 2}, Profile(years_since_graduation=4)),
        ({"overseas_required": True}, Profile()),
    ],
)
def test_nothing_a_person_cannot_change_is_a_near_miss(fields, profile):
    """Age, years since graduating, experience abroad: no near miss, in Python or SQL."""
    benefit = BenefitFactory(**fields, policy__region=region("330100"))
    criteria = eligibility_check(benefit=benefit, profile=profile)
    assert [c.passed for c in criteria] == [False]
    assert near_miss_message(benefit, profile, criteria) == ""
    assert not list(benefits_matching(profile=profile, regions=[region("330100")]))


def test_a_title_implies_its_category():
    benefit = BenefitFactory(talent_categories=[TalentCategory.SKILLED_WORKER])
    master = Profile(talent_categories={TalentCategory.SKILLS_MASTER})
    assert check_both_ways(benefit, master)[0].passed
    assert not check_both_ways(benefit, Profile(degree=Degree.DOCTORATE))[0].passed


def test_two_failures_are_not_a_near_miss():
    benefit = BenefitFactory(min_degree=Degree.DOCTORATE, max_age=35)
    profile = Profile(degree=Degree.MASTER, age=40)
    criteria = eligibility_check(benefit=benefit, profile=profile)
    assert near_miss_message(benefit, profile, criteria) == ""


def test_the_matcher_keeps_eligible_benefits_and_near_misses_only():
    hangzhou = region("330100")
    eligible = BenefitFactory(min_degree=Degree.MASTER, policy__region=hangzhou)
    near = BenefitFactory(min_degree=Degree.DOCTORATE, policy__region=hangzhou)
    BenefitFactory(min_degree=Degree.DOCTORATE, max_age=30, policy__region=hangzhou)
    BenefitFactory(policy__region=hangzhou, policy__status=PolicyStatus.DRAFT)
    BenefitFactory(policy__region=region("330200"))
    profile = Profile(degree=Degree.MASTER, age=33)
    matched = {b: b.failed_criteria for b in benefits_matching(profile=profile, regions=[hangzhou])}
    assert matched == {eligible: 0, near: 1}


def test_every_rule_has_a_distinct_name():
    assert len({rule.name for rule in RULES}) == len(RULES) == 10
