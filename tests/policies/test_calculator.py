import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.eligibility import Profile
from policies.models import BenefitKind, Period, PolicyStatus
from policies.services import calculate, saved_profile_save
from talentportal.choices import Degree, TalentTier
from tests.policies.factories import BenefitFactory, PolicyFactory, SavedProfileFactory, region
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    zhejiang = PolicyFactory(region=region("330000"))
    hangzhou = PolicyFactory(region=region("330100"))
    ningbo = PolicyFactory(region=region("330200"))
    return {
        "zj_living": BenefitFactory(
            policy=zhejiang,
            kind=BenefitKind.LIVING_ALLOWANCE,
            amount_max=2_000,
            period=Period.MONTHLY,
            period_count=24,
            min_degree=Degree.MASTER,
        ),
        "hz_phd": BenefitFactory(
            policy=hangzhou, amount_max=400_000, min_degree=Degree.DOCTORATE, max_age=45
        ),
        "hz_master": BenefitFactory(policy=hangzhou, amount_max=150_000, min_degree=Degree.MASTER),
        "hz_rent": BenefitFactory(
            policy=hangzhou,
            kind=BenefitKind.RENT_SUBSIDY,
            amount_max=10_000,
            period=Period.YEARLY,
            period_count=3,
            max_years_since_graduation=2,
        ),
        "hz_top": BenefitFactory(
            policy=hangzhou,
            kind=BenefitKind.STARTUP_FUNDING,
            amount_max=5_000_000,
            tiers=[TalentTier.A],
            min_degree=Degree.DOCTORATE,
        ),
        "hz_school": BenefitFactory(
            policy=hangzhou, kind=BenefitKind.CHILDREN_SCHOOLING, amount_max=None
        ),
        "nb_phd": BenefitFactory(
            policy=ningbo,
            amount_max=5_000,
            period=Period.MONTHLY,
            period_count=60,
            min_degree=Degree.DOCTORATE,
        ),
    }


def by_region(result):
    return {r.region.code: r for r in result.regions}


def test_results_are_grouped_by_region_with_the_provinces_benefits_in_each(library):
    profile = Profile(degree=Degree.DOCTORATE, age=33, years_since_graduation=1)
    result = by_region(calculate(profile=profile, regions=[region("330100"), region("330200")]))
    assert {r.benefit for r in result["330100"].eligible} == {
        library[k] for k in ("zj_living", "hz_phd", "hz_master", "hz_rent", "hz_school")
    }
    assert {r.benefit for r in result["330200"].eligible} == {
        library["zj_living"],
        library["nb_phd"],
    }
    # Sorted by value, non-monetary last.
    assert result["330100"].eligible[0].benefit == library["hz_phd"]
    assert result["330100"].eligible[-1].benefit == library["hz_school"]


def test_the_estimated_total_counts_the_highest_of_each_kind(library):
    profile = Profile(degree=Degree.DOCTORATE, age=33, years_since_graduation=1)
    result = by_region(calculate(profile=profile, regions=[region("330100"), region("330200")]))
    # Zhejiang 2,000 × 24; Hangzhou's PhD 400,000 (not also its master's 150,000);
    # rent 10,000 × 3.
    assert result["330100"].total == 48_000 + 400_000 + 30_000
    # Ningbo's 5,000 a month for 60 months counts whole (one normalisation for every period).
    assert result["330200"].total == 48_000 + 5_000 * 60
    # A provincial housing subsidy beside Ningbo's: the higher of the two counts.
    BenefitFactory(policy__region=region("330000"), amount_max=350_000)
    result = by_region(calculate(profile=profile, regions=[region("330200")]))
    assert result["330200"].total == 48_000 + 350_000


def test_each_benefit_comes_with_its_reasons(library):
    profile = Profile(degree=Degree.DOCTORATE, age=33, years_since_graduation=1)
    with translation.override("en"):
        result = by_region(calculate(profile=profile, regions=[region("330100")]))
        phd = next(r for r in result["330100"].eligible if r.benefit == library["hz_phd"])
        assert [(c.name, c.passed) for c in phd.criteria] == [("degree", True), ("age", True)]
        assert phd.criteria[1].reason == "For applicants aged 45 or younger. You are 33."
        assert phd.value == 400_000
        assert phd.near_miss == ""


def test_near_misses_say_what_is_missing(library):
    profile = Profile(degree=Degree.MASTER, age=30, years_since_graduation=5)
    with translation.override("en"):
        result = by_region(calculate(profile=profile, regions=[region("330100")]))
        hangzhou = result["330100"]
        assert {r.benefit for r in hangzhou.eligible} == {
            library["zj_living"],
            library["hz_master"],
            library["hz_school"],
        }
        near = {r.benefit: r.near_miss for r in hangzhou.near_misses}
        # Graduating too long ago for the rent subsidy is nothing one can change: not a near miss.
        assert near == {library["hz_phd"]: "You would qualify with a doctorate."}
        # The top-talent start-up fund misses on two counts: neither eligible nor near.
        assert library["hz_top"] not in near


def test_a_county_gets_its_city_and_province(library):
    profile = Profile(degree=Degree.DOCTORATE, age=33)
    result = by_region(calculate(profile=profile, regions=[region("330106")]))
    assert library["hz_phd"] in {r.benefit for r in result["330106"].eligible}


def test_unpublished_policies_do_not_count(library):
    BenefitFactory(policy__region=region("330100"), policy__status=PolicyStatus.EXPIRED)
    profile = Profile(degree=Degree.DOCTORATE, age=33, years_since_graduation=1)
    result = by_region(calculate(profile=profile, regions=[region("330100")]))
    assert len(result["330100"].eligible) == 5


def test_the_calculator_runs_a_constant_number_of_queries(
    library, django_assert_max_num_queries, django_assert_num_queries
):
    profile = Profile(degree=Degree.DOCTORATE, age=33, years_since_graduation=1)
    regions = [region("330100"), region("330200")]
    with django_assert_num_queries(2):  # the benefits; the industries of those shown
        few = calculate(profile=profile, regions=regions)
        few.prefetch_shown()
    for code in ("330000", "330100", "330200"):
        policy = PolicyFactory(region=region(code))
        BenefitFactory.create_batch(40, policy=policy, min_degree=Degree.MASTER)
        BenefitFactory.create_batch(10, policy=policy, tiers=[TalentTier.A])
    with django_assert_max_num_queries(2):
        many = calculate(profile=profile, regions=regions)
        many.prefetch_shown()
    eligible = sum(len(r.eligible) for r in many.regions)
    near = sum(len(r.near_misses) for r in many.regions)
    assert eligible == sum(len(r.eligible) for r in few.regions) + 40 * 4
    assert near == sum(len(r.near_misses) for r in few.regions) + 10 * 4


@pytest.mark.parametrize("count", [0, 7])
def test_one_to_six_regions(count):
    codes = ["330100", "330200", "320400", "320800", "120116", "330106", "330000"][:count]
    with pytest.raises(ValidationError):
        calculate(profile=Profile(), regions=[region(c) for c in codes])


def test_saving_a_profile_keeps_a_snapshot_of_the_result(library):
    user = UserFactory()
    saved, result = saved_profile_save(
        user=user,
        regions=[region("330100")],
        degree=Degree.MASTER,
        age=30,
        years_since_graduation=5,
    )
    saved.refresh_from_db()
    assert saved.computed_at is not None
    assert list(saved.regions.all()) == [region("330100")]
    assert saved.result == {
        str(library["zj_living"].pk): {"version": 1, "eligible": True, "value": 48_000},
        str(library["hz_master"].pk): {"version": 1, "eligible": True, "value": 150_000},
        str(library["hz_school"].pk): {"version": 1, "eligible": True, "value": None},
        str(library["hz_phd"].pk): {"version": 1, "eligible": False, "value": 400_000},
    }
    assert saved.result == result.snapshot()


def test_saving_again_updates_the_same_profile(library):
    saved = SavedProfileFactory(degree=Degree.BACHELOR)
    again, _result = saved_profile_save(
        user=saved.user, regions=[region("330200")], degree=Degree.DOCTORATE
    )
    assert again.pk == saved.pk
    assert again.degree == Degree.DOCTORATE
    assert str(library["nb_phd"].pk) in again.result


def test_a_saved_profile_is_validated(library):
    with pytest.raises(ValidationError):
        saved_profile_save(user=UserFactory(), regions=[region("330100")], tier="Z")
    with pytest.raises(TypeError):
        saved_profile_save(user=UserFactory(), regions=[region("330100")], salary=1)
