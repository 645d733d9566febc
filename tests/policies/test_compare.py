import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.models import BenefitKind, Period, PolicyStatus, TalentGroup
from policies.services import compare_regions
from talentportal.choices import Degree
from tests.policies.factories import BenefitFactory, PolicyFactory, region

pytestmark = pytest.mark.django_db


def cell(table, kind, code):
    row = next(r for r in table.rows if r.kind == kind)
    return next(c for c in row.cells if c.region.code == code)


@pytest.fixture
def regions():
    return [region("330100"), region("330200"), region("320400")]


@pytest.fixture
def housing(regions):
    """PhD housing subsidies: Hangzhou pays 400,000 once; Ningbo 5,000 a month for 5 years;
    Changzhou up to 1,000,000 in total over 5 years; Zhejiang adds a province-wide one."""
    hangzhou = BenefitFactory(
        policy__region=regions[0], amount_max=400_000, min_degree=Degree.DOCTORATE
    )
    ningbo = BenefitFactory(
        policy__region=regions[1],
        amount_max=5_000,
        period=Period.MONTHLY,
        period_count=60,
        min_degree=Degree.DOCTORATE,
    )
    changzhou = BenefitFactory(
        policy__region=regions[2],
        amount_min=300_000,
        amount_max=1_000_000,
        period=Period.TOTAL,
        period_count=5,
        min_degree=Degree.DOCTORATE,
    )
    zhejiang = BenefitFactory(
        policy__region=region("330000"), amount_max=100_000, min_degree=Degree.DOCTORATE
    )
    return hangzhou, ningbo, changzhou, zhejiang


def test_cells_hold_the_regions_benefits_and_their_provinces(regions, housing):
    hangzhou, ningbo, changzhou, zhejiang = housing
    table = compare_regions(regions=regions, group=TalentGroup.DOCTORAL)
    assert [c.region.code for c in table.rows[0].cells] == ["330100", "330200", "320400"]
    offers = {
        code: [o.benefit for o in cell(table, BenefitKind.HOUSING_SUBSIDY, code).offers]
        for code in ("330100", "330200", "320400")
    }
    assert offers == {
        "330100": [hangzhou, zhejiang],
        "330200": [ningbo, zhejiang],
        "320400": [changzhou],
    }


def test_figures_are_normalised_and_the_best_cell_marked(regions, housing):
    table = compare_regions(regions=regions, group=TalentGroup.DOCTORAL)
    figures = {
        code: cell(table, BenefitKind.HOUSING_SUBSIDY, code).figure
        for code in ("330100", "330200", "320400")
    }
    # 400,000 once; 5,000 × 36 months; 3/5 of 1,000,000.
    assert figures == {"330100": 400_000, "330200": 180_000, "320400": 600_000}
    best = [c.region.code for c in table.rows[0].cells if c.best]
    assert best == ["320400"]
    changzhou = cell(table, BenefitKind.HOUSING_SUBSIDY, "320400").offers[0]
    assert (changzhou.figure_min, changzhou.figure, changzhou.is_range) == (180_000, 600_000, True)


def test_ties_mark_every_best_cell(regions):
    for r in regions[:2]:
        BenefitFactory(policy__region=r, kind=BenefitKind.RENT_SUBSIDY, amount_max=36_000)
    table = compare_regions(regions=regions[:2])
    assert [c.best for c in table.rows[0].cells] == [True, True]


def test_non_monetary_benefits_appear_without_a_figure(regions):
    apartment = BenefitFactory(
        policy__region=regions[0], kind=BenefitKind.TALENT_APARTMENT, amount_max=None
    )
    table = compare_regions(regions=regions)
    row = table.rows[0]
    assert row.kind == BenefitKind.TALENT_APARTMENT
    assert [o.benefit for o in row.cells[0].offers] == [apartment]
    assert row.cells[0].figure is None
    assert not any(c.best for c in row.cells)
    assert row.cells[1].offers == []


def test_rows_follow_the_order_of_benefit_kinds(regions):
    BenefitFactory(policy__region=regions[0], kind=BenefitKind.MEDICAL_GREEN_CHANNEL)
    BenefitFactory(policy__region=regions[1], kind=BenefitKind.HOUSING_SUBSIDY)
    BenefitFactory(policy__region=regions[2], kind=BenefitKind.LIVING_ALLOWANCE)
    table = compare_regions(regions=regions)
    assert [r.kind for r in table.rows] == [
        BenefitKind.HOUSING_SUBSIDY,
        BenefitKind.LIVING_ALLOWANCE,
        BenefitKind.MEDICAL_GREEN_CHANNEL,
    ]


def test_the_group_selects_policies_and_reachable_benefits(regions):
    for_masters = BenefitFactory(
        policy__region=regions[0],
        policy__talent_groups=[TalentGroup.MASTERS],
        min_degree=Degree.MASTER,
    )
    for_phds = BenefitFactory(
        policy__region=regions[0],
        policy__talent_groups=[TalentGroup.DOCTORAL],
        min_degree=Degree.DOCTORATE,
    )
    for_everyone = BenefitFactory(policy__region=regions[0], policy__talent_groups=[])
    phd_in_general_policy = BenefitFactory(policy__region=regions[0], min_degree=Degree.DOCTORATE)

    def offered(group):
        table = compare_regions(regions=regions, group=group)
        return {o.benefit for row in table.rows for o in row.cells[0].offers}

    assert offered(TalentGroup.MASTERS) == {for_masters, for_everyone}
    assert offered(TalentGroup.DOCTORAL) == {for_phds, for_everyone, phd_in_general_policy}
    assert offered(None) == {for_masters, for_phds, for_everyone, phd_in_general_policy}


def test_only_published_policies_are_compared(regions):
    BenefitFactory(policy__region=regions[0], policy__status=PolicyStatus.DRAFT)
    BenefitFactory(policy__region=regions[0], policy__status=PolicyStatus.REPEALED)
    assert compare_regions(regions=regions).rows == []


def test_the_comparison_is_one_query(regions, housing, django_assert_num_queries):
    for r in regions:
        policy = PolicyFactory(region=r)
        for kind in BenefitKind.values:
            BenefitFactory(policy=policy, kind=kind)
    with django_assert_num_queries(1):
        table = compare_regions(regions=regions)
        table.csv_rows()
    assert len(table.rows) == len(BenefitKind.values)


def test_csv_rows(regions, housing):
    with translation.override("en"):
        lines = compare_regions(regions=regions, group=TalentGroup.DOCTORAL).csv_rows()
    assert lines[0] == [
        "Benefit",
        "Hangzhou (330100)",
        "Yuan over 3 years",
        "Ningbo (330200)",
        "Yuan over 3 years",
        "Changzhou (320400)",
        "Yuan over 3 years",
    ]
    assert lines[1][0] == "Housing purchase subsidy"
    assert lines[1][2::2] == ["400000", "180000", "600000 *"]


@pytest.mark.parametrize("count", [0, 5])
def test_one_to_four_regions(count):
    codes = ["330100", "330200", "320400", "320800", "120116"][:count]
    with pytest.raises(ValidationError):
        compare_regions(regions=[region(c) for c in codes])


def test_an_unknown_group_is_refused(regions):
    with pytest.raises(ValidationError):
        compare_regions(regions=regions, group="astronauts")
